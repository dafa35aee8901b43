container "web" {
  publish {
    host_port      = "8000-8010"
    container_port = 80 # ERROR: Port range width mismatch
  }
}
