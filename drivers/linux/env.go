package linux

import (
	"os"
	"strconv"
)

// envInt reads a positive integer override (NETPLAN_WORKERS and the like) for tuning runs.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}
