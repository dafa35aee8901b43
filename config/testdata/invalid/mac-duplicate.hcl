container "web" {
  network "bridge" {
    mac_address = "02:42:ac:11:00:10"
  }
}
container "api" {
  network "bridge" {
    mac_address = "02:42:AC:11:00:10" # ERROR: Duplicate MAC address
  }
}
