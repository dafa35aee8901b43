container "web" {
  network "host" {}
  publish { # ERROR: Published port needs a bridge network
    host_port      = 8080
    container_port = 80
  }
}
