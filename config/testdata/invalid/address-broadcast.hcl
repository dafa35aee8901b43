network "front" {
  subnet = "10.1.0.0/24"
}
container "web" {
  network "front" {
    ipv4_address = cidrhost(network.front.subnet, -1) # ERROR: Address is the broadcast address
  }
}
