network "tiny" {
  subnet = "10.9.0.0/30"
}
container "a" {
  network "tiny" {}
}
container "b" {
  network "tiny" {} # ERROR: No free address in network "tiny"
}
