network "front" {
  bridge = "br-app"
  subnet = "10.1.0.0/24"
}
network "back" {
  bridge = "br-app" # ERROR: Duplicate bridge name
  subnet = "10.2.0.0/24"
}
