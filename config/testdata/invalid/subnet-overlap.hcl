network "front" {
  subnet = "10.1.0.0/16"
}
network "back" {
  subnet = "10.1.2.0/24" # ERROR: Overlapping subnets
}
