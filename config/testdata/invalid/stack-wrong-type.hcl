stack = ["demo"] # ERROR: Incorrect attribute value type
