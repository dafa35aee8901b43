variable "http_port" {
  type    = number
  default = 8080
}
