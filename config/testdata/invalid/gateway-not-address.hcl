network "front" {
  subnet  = "10.1.0.0/24"
  gateway = "router" # ERROR: Invalid gateway
}
