container "web" {
  publish { # ERROR: Missing host_port
    container_port = 80
  }
}
