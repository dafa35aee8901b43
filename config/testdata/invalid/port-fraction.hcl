container "web" {
  publish {
    host_port      = 80.5 # ERROR: Invalid port
    container_port = 80
  }
}
