container "web" {
  publish {
    host_port      = 8080
    container_port = 80
    host_ip        = "224.0.0.1" # ERROR: Invalid host_ip
  }
}
