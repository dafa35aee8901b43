container "web" {
  publish {
    host_port      = 8080
    container_port = 80
    protocol       = "sctp" # ERROR: Invalid protocol
  }
}
