# The seed scenario: the default bridge network with a web container
# publishing 8080:80, a container without network and one on the host's.
stack = "seed"

container "web" {
  publish {
    host_port      = 8080
    container_port = 80
  }
}

container "isolated" {
  network "none" {}
}

container "hostnet" {
  network "host" {}
}
