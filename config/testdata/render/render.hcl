# Diagnostics rendered by TestWriteDiagnostics (several mistakes on purpose).
network "front" {
	subnet = "10.1.0.5/24"
}

container "web" {
  network "frnt" {}
  publish {
    host_port      = 8080
    container_port = "80-81"
  }
}
