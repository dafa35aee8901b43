container "web" {
  publish {
    host_port      = true # ERROR: Invalid port
    container_port = 80
  }
}
