stack = "clitest"

variable "port" {
  type    = number
  default = 8080
}

network "front" {
  subnet = "172.18.0.0/16"
}

container "web" {
  network "front" {}
  publish {
    host_port      = var.port
    container_port = 80
  }
}

container "isolated" {
  network "none" {}
}
