network "front" {
  subnet = upper() # ERROR: Not enough function arguments
}
