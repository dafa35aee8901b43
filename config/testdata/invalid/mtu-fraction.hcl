network "front" {
  subnet = "10.1.0.0/24"
  mtu    = 1500.5 # ERROR: Invalid number
}
