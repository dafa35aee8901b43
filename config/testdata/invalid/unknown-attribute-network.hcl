network "front" {
  subnet = "10.1.0.0/24"
  vlan   = 5 # ERROR: Unsupported argument
}
