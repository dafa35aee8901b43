container "web" {
  publish {
    host_port      = "8000-8002"
    container_port = "80-81" # ERROR: Port range width mismatch
  }
}
