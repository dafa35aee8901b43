container "web" {
  network "host" {
    interface = "eth0" # ERROR: Attribute not allowed on network "host"
  }
}
