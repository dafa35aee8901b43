network "front" {
  subnet = "10.1.0.0/24"
}
network "back" {
  subnet = cidrsubnet(network.front.subnet, 1, 1) # ERROR: Unknown variable
}
