network "front" { # ERROR: Missing subnet
  mtu = 1500
}
