# A directory: every *.hcl file in name order; blocks may reference
# declarations from any file.
stack = "split"

network "app" {
  subnet = local.app_subnet
}
