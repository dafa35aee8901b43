network "front" {
  subnet  = "10.1.0.0/24"
  gateway = "10.2.0.1" # ERROR: Gateway outside subnet
}
