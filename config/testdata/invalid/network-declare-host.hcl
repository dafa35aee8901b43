network "host" {} # ERROR: Cannot declare built-in network "host"
