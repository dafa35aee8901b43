network { # ERROR: Missing name for network
  subnet = "10.1.0.0/24"
}
