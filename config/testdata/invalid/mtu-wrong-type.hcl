network "front" {
  subnet = "10.1.0.0/24"
  mtu    = "jumbo" # ERROR: Incorrect attribute value type
}
