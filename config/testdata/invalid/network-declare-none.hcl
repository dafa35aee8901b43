network "none" { # ERROR: Cannot declare built-in network "none"
  subnet = "10.1.0.0/24"
}
