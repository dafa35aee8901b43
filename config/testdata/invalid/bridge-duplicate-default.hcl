network "front" {
  bridge = "netplan0" # ERROR: Duplicate bridge name
  subnet = "10.1.0.0/24"
}
container "web" {}
