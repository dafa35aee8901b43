# Two user networks computed from locals and variables, static and
# allocated addresses, a range publish and a loopback-only publish.
stack = "demo"

variable "base" {
  type        = string
  default     = "10.20.0.0/16"
  description = "address space carved into the networks"
}

variable "http_port" {
  type    = number
  default = 8080
}

locals {
  front = cidrsubnet(var.base, 8, 1)
}

locals {
  back     = cidrsubnet(var.base, 8, 2)
  prefix   = "demo"
  replicas = ["app1", "app2"]
}

network "front" {
  subnet  = local.front
  gateway = cidrhost(local.front, 1)
  mtu     = 1450
}

network "back" {
  bridge     = "${local.prefix}-back"
  subnet     = local.back
  internal   = true
  icc        = false
  masquerade = false
}

container "web" {
  netns = "${local.prefix}-web"
  network "front" {
    ipv4_address = cidrhost(network.front.subnet, 10)
    mac_address  = "02:42:AC:12:00:0A"
  }
  network "back" {
    interface = "backend"
  }
  publish {
    host_port      = var.http_port
    container_port = 80
  }
  publish {
    host_port      = "9000-9002"
    container_port = "9100-9102"
    protocol       = "udp"
    host_ip        = "127.0.0.1"
  }
}

container "app1" {
  network "back" {}
}

container "app2" {
  network "back" {
    ipv4_address = cidrhost(network.back.subnet, 2)
  }
}
