network "front" {
  subnet = "10.1.0.0/24"
}
container "web" {
  network "front" {
    ipv4_address = network.front.gateway # ERROR: Address is the gateway
  }
}
