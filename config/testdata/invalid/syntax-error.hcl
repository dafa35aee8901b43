network "front" {
  subnet = = "10.1.0.0/24" # ERROR: Invalid expression
}
