stack = "Demo" # ERROR: Invalid stack name
