network "back" {
  subnet   = "10.1.0.0/24"
  internal = true
}
container "db" {
  network "back" {}
  publish { # ERROR: Published port on an internal network
    host_port      = 5432
    container_port = 5432
  }
}
