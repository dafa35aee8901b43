stack = "one"
stack = "two" # ERROR: Attribute redefined
