network "front" {
  subnet = "fd00::/64" # ERROR: Invalid subnet
}
