# No container uses the default network, so it is not part of the model.
network "lab" {
  subnet  = "10.77.0.0/24"
  gateway = "10.77.0.254"
}

container "probe" {
  network "lab" {
    ipv4_address = null # null means unset: allocated
  }
}

container "static" {
  network "lab" {
    ipv4_address = "10.77.0.1"
  }
}
