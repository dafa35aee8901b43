network "front" {
  subnet   = "10.1.0.0/24"
  internal = "maybe" # ERROR: Incorrect attribute value type
}
