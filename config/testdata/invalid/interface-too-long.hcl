container "web" {
  network "bridge" {
    interface = "eth-frontend-public" # ERROR: Interface name too long
  }
}
