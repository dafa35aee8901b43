container "web" {
  network "bridge" {
    interface = "lo" # ERROR: Invalid interface name
  }
}
