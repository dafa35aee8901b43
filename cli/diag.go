package cli

import (
	"github.com/hashicorp/hcl/v2"

	"github.com/netplan-dev/netplan/config"
)

// filesOf gives config.WriteDiagnostics the sources to quote; a failed Load
// still returns them.
func filesOf(cfg *config.Config) map[string]*hcl.File {
	if cfg == nil {
		return nil
	}
	return cfg.Files
}
