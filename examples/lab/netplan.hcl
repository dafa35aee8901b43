# A two-tier lab: a public front network, an internal back network, and
# containers attached to both. Shows locals, variables and CIDR functions.

stack = "lab"

variable "base" {
  type    = string
  default = "10.88.0.0/16"
}

locals {
  front = cidrsubnet(var.base, 8, 1) # 10.88.1.0/24
  back  = cidrsubnet(var.base, 8, 2) # 10.88.2.0/24
}

network "front" {
  subnet = local.front
}

network "back" {
  subnet   = local.back
  internal = true # no way out, no way in
  icc      = true
}

container "proxy" {
  network "front" {
    ipv4_address = cidrhost(network.front.subnet, 10)
  }
  network "back" {}
  publish {
    host_port      = 8443
    container_port = 443
  }
}

container "app" {
  network "back" {}
}

container "db" {
  network "back" {
    ipv4_address = cidrhost(local.back, 50)
  }
}
