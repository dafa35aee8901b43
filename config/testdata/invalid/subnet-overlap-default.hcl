network "front" {
  subnet = "172.17.5.0/24" # ERROR: Overlapping subnets
}
container "web" {}
