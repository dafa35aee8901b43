network "front" {
  subnet = "10.1.0.5/24" # ERROR: Subnet has host bits set
}
