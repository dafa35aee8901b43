container "web" {
  publish {
    host_port      = 0 # ERROR: Invalid port
    container_port = 80
  }
}
