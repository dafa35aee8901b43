container "web/1" { # ERROR: Invalid container name
}
