container "web" {
  volume "data" {} # ERROR: Unsupported block type
}
