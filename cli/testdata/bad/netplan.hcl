stack = "clitest"

network "front" {
  subnet = "172.18.0.0/16"
}

container "web" {
  network "frnt" {}
}
