container "web" {
  publish {
    host_port      = 8080
    container_port = 80
    host_ip        = "localhost" # ERROR: Invalid host_ip
  }
}
