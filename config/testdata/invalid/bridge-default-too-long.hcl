network "frontend-public" { # ERROR: Bridge name too long
  subnet = "10.1.0.0/24"
}
