network "front" {
  subnet = "10.1.0.0/24"
}
network "front" { # ERROR: Duplicate network "front"
  subnet = "10.2.0.0/24"
}
