network "front" {
  bridge = "np-front-network" # ERROR: Bridge name too long
  subnet = "10.1.0.0/24"
}
