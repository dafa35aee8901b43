network "front" {
  subnet = "10.1.0.0/24"
}
container "web" {
  network "bridge" {
    interface = "eth1"
  }
  network "front" {
    interface = "eth1" # ERROR: Duplicate interface name
  }
}
