locals {
  base = "10.0.0.0/8"
}
variable "subnet" {
  default = local.base # ERROR: Variables not allowed
}
