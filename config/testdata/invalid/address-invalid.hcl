container "web" {
  network "bridge" {
    ipv4_address = "172.17.0.300" # ERROR: Invalid IPv4 address
  }
}
