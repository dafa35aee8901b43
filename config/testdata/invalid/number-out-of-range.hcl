network "front" {
  subnet = "10.1.0.0/24"
  mtu    = 1e999 # ERROR: Number out of range
}
