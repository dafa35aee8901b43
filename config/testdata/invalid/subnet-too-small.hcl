network "front" {
  subnet = "10.1.0.0/31" # ERROR: Subnet too small
}
