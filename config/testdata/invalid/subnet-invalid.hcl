network "front" {
  subnet = "10.1.0.0" # ERROR: Invalid subnet
}
