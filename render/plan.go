package render

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/netplan-dev/netplan/planner"
)

// Plan writes p in Terraform's human format: one block per resource that
// changes, in address order, then the summary line. Updates and replacements
// list only the attributes that differ, to keep CI logs short.
func Plan(w io.Writer, p *planner.Plan, o Options) error {
	ew := newErrWriter(w)
	changed := changedResources(p)
	if len(changed) == 0 && p.Empty() {
		if p.Destroy {
			ew.print(fmt.Sprintf("No changes. Stack %q owns nothing on this host.\n", p.Stack))
		} else {
			ew.print("No changes. The kernel matches the configuration.\n")
		}
		return ew.close()
	}
	ew.print("netplan will perform the following actions:\n")
	for _, rc := range changed {
		ew.print("\n")
		writeResource(ew, rc, o)
	}
	if len(changed) == 0 {
		// Steps with no resource-level difference (a conntrack flush, say).
		ew.print(fmt.Sprintf("\n  (%d kernel steps that change no resource)\n", len(p.Steps)))
	}
	add, change, destroy := p.Summary()
	ew.print(fmt.Sprintf("\n%s %d to add, %d to change, %d to destroy.\n", o.paint(ansiBold, "Plan:"), add, change, destroy))
	return ew.close()
}

func changedResources(p *planner.Plan) []planner.ResourceChange {
	var out []planner.ResourceChange
	for _, rc := range p.Changes {
		if rc.Action != planner.NoOp && rc.Action != "" {
			out = append(out, rc)
		}
	}
	slices.SortStableFunc(out, func(a, b planner.ResourceChange) int { return strings.Compare(a.Address, b.Address) })
	return out
}

// actionStyle is the header phrase, the symbol and its color for an action.
func actionStyle(a planner.Action) (phrase, symbol, color string) {
	switch a {
	case planner.Create:
		return "will be created", "+", ansiGreen
	case planner.Update:
		return "will be updated in-place", "~", ansiYellow
	case planner.Delete:
		return "will be destroyed", "-", ansiRed
	case planner.Replace:
		return "must be replaced", "-/+", ansiRed
	}
	return "will be changed (" + string(a) + ")", "?", ""
}

func writeResource(ew *errWriter, rc planner.ResourceChange, o Options) {
	phrase, symbol, color := actionStyle(rc.Action)
	ew.print(fmt.Sprintf("  %s %s\n", o.paint(ansiBold, "# "+rc.Address), o.paint(ansiBold, phrase)))
	// Terraform right-aligns the symbol to column 3, so "-/+" starts the line.
	ew.print(fmt.Sprintf("%s resource %s %s {\n", o.paint(color, fmt.Sprintf("%3s", symbol)), quote(rc.Type), quote(rc.Name)))
	lines := attrLines(rc)
	width := 0
	for _, l := range lines {
		width = max(width, len(l.path))
	}
	// One buffer for every line: a destroy plan of 1000 containers has
	// about 10,000 of them, and Sprintf for each was most of its 19 ms.
	var buf []byte
	for _, l := range lines {
		buf = append(buf[:0], "      "...)
		buf = append(buf, o.paint(symbolColor(l.symbol), l.symbol)...)
		buf = append(buf, ' ')
		buf = append(buf, l.path...)
		for range width - len(l.path) {
			buf = append(buf, ' ')
		}
		buf = append(buf, " = "...)
		buf = append(buf, l.value...)
		if l.note != "" {
			buf = append(buf, ' ')
			buf = append(buf, o.paint(ansiRed, "# "+l.note)...)
		}
		buf = append(bytes.TrimRight(buf, " "), '\n')
		ew.write(buf)
	}
	ew.print("    }\n")
}

func symbolColor(sym string) string {
	switch sym {
	case "+":
		return ansiGreen
	case "~":
		return ansiYellow
	case "-":
		return ansiRed
	}
	return ""
}

type attrLine struct {
	symbol, path, value, note string
}

// attrLines lists what a resource block shows: every attribute of a created
// or destroyed resource, only the differing ones of an update or replacement.
func attrLines(rc planner.ResourceChange) []attrLine {
	switch rc.Action {
	case planner.Create:
		return mapLines("+", rc.After)
	case planner.Delete:
		return mapLines("-", rc.Before)
	}
	lines := make([]attrLine, 0, len(rc.Attrs))
	for _, a := range rc.Attrs {
		l := attrLine{path: a.Path}
		switch {
		case a.Before == "" && a.After != "":
			l.symbol, l.value = "+", quote(a.After)
		case a.After == "" && a.Before != "":
			l.symbol, l.value = "-", quote(a.Before)+" -> null"
		default:
			l.symbol, l.value = "~", quote(a.Before)+" -> "+quote(a.After)
		}
		var notes []string
		if a.ForcesReplace {
			notes = append(notes, "forces replacement")
		}
		if a.Drift {
			notes = append(notes, "changed outside netplan")
		}
		l.note = strings.Join(notes, ", ")
		lines = append(lines, l)
	}
	slices.SortStableFunc(lines, func(a, b attrLine) int { return strings.Compare(a.path, b.path) })
	return lines
}

func mapLines(symbol string, m map[string]string) []attrLine {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	lines := make([]attrLine, 0, len(keys))
	for _, k := range keys {
		lines = append(lines, attrLine{symbol: symbol, path: k, value: quote(m[k])})
	}
	return lines
}
