locals {
  big     = 1e300
  squared = local.big * local.big # ERROR: Number out of range
}
