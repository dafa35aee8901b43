variable "subnet" { # ERROR: No value for required variable
  type = string
}

network "front" {
  subnet = var.subnet
}
