variable "mtu" {
  type    = number
  default = 1500
}

network "front" {
  subnet = "10.1.0.0/24"
  mtu    = var.mtu * 100 # ERROR: Invalid MTU
}
