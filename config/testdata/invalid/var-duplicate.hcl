variable "port" {
  default = 80
}
variable "port" { # ERROR: Duplicate variable
  default = 81
}
