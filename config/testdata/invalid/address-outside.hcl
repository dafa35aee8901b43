container "web" {
  network "bridge" {
    ipv4_address = "10.0.0.5" # ERROR: Address outside subnet
  }
}
