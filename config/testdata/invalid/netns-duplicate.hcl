container "web" {}
container "api" {
  netns = "web" # ERROR: Duplicate netns name
}
