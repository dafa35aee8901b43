network "front" {
  subnet  = "10.1.0.0/24"
  gateway = cidrhost("10.1.0.0/24", 300) # ERROR: Error in function call
}
