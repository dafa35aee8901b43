network "front" {
  subnet = "10.1.0.0/24"
}

container "web" {
  network "frnt" {} # ERROR: Unknown network "frnt"
}
