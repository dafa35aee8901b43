# Variables from every source; vars.opts sets them (see valid_test.go).
variable "stack" {
  type    = string
  default = "from-default"
}

variable "mtu" {
  type    = number
  default = 1500
}

variable "names" {
  type    = list(string)
  default = ["one"]
}

variable "internal" {
  type    = bool
  default = false
}

stack = var.stack

network "lab" {
  subnet   = "10.88.0.0/24"
  mtu      = var.mtu
  internal = var.internal
}

container "c" {
  netns = join("-", var.names)
  network "lab" {}
}
