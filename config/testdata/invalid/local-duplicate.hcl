locals {
  front = "10.1.0.0/24"
}
locals {
  front = "10.2.0.0/24" # ERROR: Duplicate local value
}
