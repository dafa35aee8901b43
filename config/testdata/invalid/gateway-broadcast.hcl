network "front" {
  subnet  = "10.1.0.0/24"
  gateway = "10.1.0.255" # ERROR: Invalid gateway
}
