network "front" {
  subnet = var.subnet # ERROR: Unsupported attribute
}
