package apply

import (
	"fmt"
	"strings"

	"github.com/netplan-dev/netplan/model"
	"github.com/netplan-dev/netplan/planner"
)

// shownDifferences is how many differences a verification failure lists.
const shownDifferences = 5

// differences lists, attribute by attribute, where now is not target, one
// indented line each: a verification failure says what the host holds, not
// only which step would fix it. A difference gone by the time someone runs
// netplan plan (a read that caught the kernel mid-way) stays on record.
func differences(target, now *model.State) string {
	var lines []string
	more := 0
	add := func(line string) {
		if len(lines) == shownDifferences {
			more++
			return
		}
		lines = append(lines, "  "+line)
	}
	// Diff goes from now (Before) to target (After).
	for _, c := range planner.Diff(target, now).Changes {
		switch {
		case c.Action == planner.NoOp:
		case c.Before == nil:
			add(c.Address + ": missing on the host")
		case c.After == nil:
			add(c.Address + ": still on the host")
		default:
			for _, a := range c.Attrs {
				add(fmt.Sprintf("%s %s: want %s, host has %s", c.Address, a.Path, shown(a.After), shown(a.Before)))
			}
		}
	}
	if more > 0 {
		lines = append(lines, fmt.Sprintf("  and %d more", more))
	}
	return strings.Join(lines, "\n")
}

func shown(v string) string {
	if v == "" {
		return "none"
	}
	return fmt.Sprintf("%q", v)
}
