container "web" {
  publish {
    host_port      = 8080
    container_port = 80
    address        = "0.0.0.0" # ERROR: Unsupported argument
  }
}
