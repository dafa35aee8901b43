locals {
  app_subnet = "192.168.50.0/24"
}

container "api" {
  network "app" {}
  publish {
    host_port      = 3000
    container_port = 3000
  }
}
