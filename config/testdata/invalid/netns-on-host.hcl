container "web" {
  netns = "web" # ERROR: netns not allowed with network "host"
  network "host" {}
}
