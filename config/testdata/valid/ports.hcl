# Publishes that share a port number without overlapping: different
# protocols, different specific host addresses, adjacent ranges.
container "dns" {
  publish {
    host_port      = 53
    container_port = 53
    protocol       = "udp"
  }
  publish {
    host_port      = 53
    container_port = 53
  }
}

container "web" {
  publish {
    host_port      = "8080"
    container_port = 80
    host_ip        = "127.0.0.1"
  }
  publish {
    host_port      = 8080
    container_port = 80
    host_ip        = "192.0.2.10"
  }
  publish {
    host_port      = "9000-9009"
    container_port = "9000-9009"
  }
  publish {
    host_port      = "9010-9010"
    container_port = 9010
  }
}
