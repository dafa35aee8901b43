network "front" {
  subnet = "10.1.0.0/24"
}
container "web" {
  network "front" {
    ipv4_address = cidrhost(network.front.subnet, 0) # ERROR: Address is the network address
  }
}
