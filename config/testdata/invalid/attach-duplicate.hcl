network "front" {
  subnet = "10.1.0.0/24"
}
container "web" {
  network "front" {}
  network "front" { # ERROR: Duplicate attachment
    interface = "eth1"
  }
}
