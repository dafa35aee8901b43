container "web" {
  network "bridge" {
    ipv4_address = "172.17.0.10"
  }
}
container "api" {
  network "bridge" {
    ipv4_address = "172.17.0.10" # ERROR: Duplicate IPv4 address
  }
}
