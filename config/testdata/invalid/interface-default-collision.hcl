network "front" {
  subnet = "10.1.0.0/24"
}
container "web" {
  network "bridge" {
    interface = "eth1"
  }
  network "front" {} # ERROR: Duplicate interface name
}
