container "web" {
  image = "nginx" # ERROR: Unsupported argument
}
