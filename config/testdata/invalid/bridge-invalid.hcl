network "front" {
  bridge = "br/front" # ERROR: Invalid bridge name
  subnet = "10.1.0.0/24"
}
