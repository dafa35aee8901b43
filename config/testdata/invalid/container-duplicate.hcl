container "web" {}
container "web" { # ERROR: Duplicate container "web"
  network "none" {}
}
