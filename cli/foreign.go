package cli

import (
	"fmt"
	"net/netip"

	"github.com/hashicorp/hcl/v2"

	"github.com/netplan-dev/netplan/config"
	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/model"
)

// foreignDiagnostics explains each object in the way of the configuration,
// pointing at the resource that wants its name. netplan never touches what it
// does not own, so each one stops the plan.
func foreignDiagnostics(cfg *config.Config, stack string, foreign []drivers.Foreign) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, f := range foreign {
		address := wantedBy(cfg, f)
		summary := fmt.Sprintf("%s %q already exists and is not owned by stack %q", kindWord(f.Kind), f.Name, stack)
		if f.Kind == "route" {
			summary = fmt.Sprintf("subnet overlaps route %s, which stack %q does not own", f.Name, stack)
		}
		diags = append(diags, cfg.Diagnostic(address, summary, foreignDetail(f, stack)))
	}
	return diags
}

func kindWord(kind string) string {
	switch kind {
	case "netns":
		return "network namespace"
	case "table":
		return "nftables table"
	case "bridge":
		return "bridge"
	}
	return kind
}

// foreignDetail says who holds the object and how to get it out of the way.
func foreignDetail(f drivers.Foreign, stack string) string {
	owner := ""
	if f.Detail != "" {
		owner = fmt.Sprintf("The host has it as: %s.\n", f.Detail)
	}
	if other, res, ok := model.ParseLabel(f.Detail); ok && other != stack {
		return fmt.Sprintf("It belongs to %s of stack %q. Rename it in this configuration, or destroy that stack first: netplan destroy -stack %s", res, other, other)
	}
	switch f.Kind {
	case "bridge":
		return owner + fmt.Sprintf("Rename it in the configuration (the network's bridge attribute), or delete the link if it is a leftover: ip link delete %s", f.Name)
	case "netns":
		return owner + fmt.Sprintf("Rename it in the configuration (the container's netns attribute), or delete the namespace if it is a leftover: ip netns delete %s", f.Name)
	case "table":
		return owner + fmt.Sprintf("Use another stack name, or delete the table if it is a leftover: nft delete table ip %s", f.Name)
	case "route":
		return owner + "Traffic to this subnet already goes elsewhere (a host or VPN route); choose a subnet that overlaps no route of the host."
	}
	return owner
}

// wantedBy finds the configuration address that wants the foreign object's name.
func wantedBy(cfg *config.Config, f drivers.Foreign) string {
	if cfg == nil || cfg.Desired == nil {
		return ""
	}
	d := cfg.Desired
	switch f.Kind {
	case "bridge":
		for _, n := range d.Networks {
			if n.Bridge == f.Name {
				return model.NetworkAddress(n.Name) + ".bridge"
			}
		}
	case "netns":
		for _, c := range d.Containers {
			if c.Netns == f.Name {
				return model.ContainerAddress(c.Name) + ".netns"
			}
		}
	case "table":
		return "stack"
	case "route":
		p, err := netip.ParsePrefix(f.Name)
		if err != nil {
			break
		}
		for _, n := range d.Networks {
			if n.Subnet.Overlaps(p) {
				return model.NetworkAddress(n.Name) + ".subnet"
			}
		}
	}
	return ""
}
