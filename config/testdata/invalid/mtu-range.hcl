network "front" {
  subnet = "10.1.0.0/24"
  mtu    = 70000 # ERROR: Invalid MTU
}
