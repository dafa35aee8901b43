container "web" {
  network "bridge" {}
  network "host" {} # ERROR: Network "host" combined with other networks
}
