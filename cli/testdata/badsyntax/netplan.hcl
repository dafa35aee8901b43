stack = "clitest"

network "front" {
  subnet = "172.18.0.0/16"
