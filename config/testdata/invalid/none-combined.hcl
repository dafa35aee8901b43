container "web" {
  network "none" {} # ERROR: Network "none" combined with other networks
  network "bridge" {}
}
