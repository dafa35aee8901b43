container "web" {
  publish {
    host_port      = 8080
    container_port = 80
  }
}
container "api" {
  publish {
    host_port      = 8080 # ERROR: Host port already published
    container_port = 3000
  }
}
