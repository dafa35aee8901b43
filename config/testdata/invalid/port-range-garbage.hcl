container "web" {
  publish {
    host_port      = "http" # ERROR: Invalid port
    container_port = 80
  }
}
