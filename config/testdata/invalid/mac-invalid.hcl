container "web" {
  network "bridge" {
    mac_address = "02:42:ac:11:00" # ERROR: Invalid MAC address
  }
}
