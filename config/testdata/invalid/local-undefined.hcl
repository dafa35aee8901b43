network "front" {
  subnet = local.front # ERROR: Unsupported attribute
}
