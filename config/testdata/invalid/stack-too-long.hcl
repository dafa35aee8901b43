stack = "a-very-long-stack-name" # ERROR: Invalid stack name
