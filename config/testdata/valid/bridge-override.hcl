# Overriding the built-in default network: its subnet becomes optional, and
# the gateway follows a new subnet.
network "bridge" {
  subnet = "172.30.0.0/16"
  mtu    = 1400
  icc    = false
}

container "a" {}

container "b" {
  network "bridge" {
    interface = "uplink"
  }
}
