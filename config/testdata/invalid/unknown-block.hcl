volume "data" {} # ERROR: Unsupported block type
