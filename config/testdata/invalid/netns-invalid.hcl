container "web" {
  netns = "../etc" # ERROR: Invalid netns name
}
