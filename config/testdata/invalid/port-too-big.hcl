container "web" {
  publish {
    host_port      = 8080
    container_port = 70000 # ERROR: Invalid port
  }
}
