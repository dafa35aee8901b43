variable "port" {
  type = integer # ERROR: Invalid type specification
}
