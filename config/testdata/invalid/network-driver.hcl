network "front" {
  driver = "macvlan" # ERROR: Unsupported network driver
  subnet = "10.1.0.0/24"
}
