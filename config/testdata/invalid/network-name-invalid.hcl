network "front end" { # ERROR: Invalid network name
  subnet = "10.1.0.0/24"
}
