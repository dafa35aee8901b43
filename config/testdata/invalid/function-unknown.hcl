network "front" {
  subnet = cidrsubnt("10.0.0.0/8", 8, 1) # ERROR: Call to unknown function
}
