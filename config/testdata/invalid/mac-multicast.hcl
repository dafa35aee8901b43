container "web" {
  network "bridge" {
    mac_address = "01:00:5e:00:00:01" # ERROR: Invalid MAC address
  }
}
