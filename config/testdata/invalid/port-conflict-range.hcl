container "web" {
  publish {
    host_port      = "8000-8010"
    container_port = "9000-9010"
    protocol       = "udp"
  }
  publish {
    host_port      = 8005 # ERROR: Host port already published
    container_port = 53
    protocol       = "udp"
  }
}
