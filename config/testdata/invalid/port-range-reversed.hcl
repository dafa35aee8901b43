container "web" {
  publish {
    host_port      = "8010-8000" # ERROR: Invalid port
    container_port = "80-90"
  }
}
