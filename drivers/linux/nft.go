package linux

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/nftables"
	"github.com/google/nftables/binaryutil"
	"github.com/google/nftables/userdata"
	"github.com/netplan-dev/netplan/firewall"
	"github.com/netplan-dev/netplan/internal/trace"
	"github.com/netplan-dev/netplan/model"
)

// The stack's nftables table: written whole in one atomic batch from its
// canonical description (model.Firewall), read back into the same form.

// nftElementsPerCall keeps each element list well under the size at which the
// library silently cuts it short (~1000 elements).
const nftElementsPerCall = 500

// syncFirewall makes the stack's table fw in one atomic transaction: only
// the elements that differ from prior when the table is laid out as fw is
// (see updateElements), else by replacing the table whole.
func syncFirewall(c *nftables.Conn, fw, prior *model.Firewall) error {
	return syncFirewallAfter(c, fw, prior, 0)
}

// syncFirewallAfter is syncFirewall for a table whose earlier instance,
// deleted by this process, had DNATed deleted connections (see
// replaceTable).
func syncFirewallAfter(c *nftables.Conn, fw, prior *model.Firewall, deleted uint64) error {
	t0 := time.Now()
	if updated, err := updateElements(c, fw, prior); updated || err != nil {
		trace.Part("firewall elements updated", t0)
		return err
	}
	defer trace.Part("firewall table replaced", time.Now())
	if err := replaceTable(c, fw, deleted); err != nil {
		return fmt.Errorf("replace nftables table %s: %w", fw.Table, err)
	}
	return nil
}

func replaceTable(c *nftables.Conn, fw *model.Firewall, deleted uint64) error {
	label, err := tableLabel(fw.Table)
	if err != nil {
		return err
	}
	// The DNAT counters (see dnatCount) of a table that replaces another
	// start above the old count: conntrack entries DNATed through the old
	// rules outlive them, and a connection could be counted by the old table
	// after the read below. A table with no predecessor starts at the count
	// of the one this process deleted (a rollback re-creating it), else zero.
	dnatStart := deleted
	if old, found, err := dnatCount(c, fw.Table); err != nil {
		return err
	} else if found {
		dnatStart = old + 1
	}
	t := &nftables.Table{Name: fw.Table, Family: nftables.TableFamilyIPv4}
	// Adding first makes the delete valid whether or not the table exists;
	// the kernel applies the whole batch or none of it.
	c.AddTable(t)
	c.DelTable(t)
	c.AddTable(t)
	// An empty regular chain named after the label marks the table as the
	// stack's. Unlike rules it survives `nft flush table`, so a flushed table
	// is recognised as ours and repaired rather than taken for a foreign one.
	c.AddChain(&nftables.Chain{Name: label, Table: t})
	sets := map[string]*nftables.Set{}
	chains := map[string]*nftables.Chain{}
	var missing []string
	ref := func(name string) *nftables.Set {
		if s, ok := sets[name]; ok {
			return s
		}
		missing = append(missing, name)
		return &nftables.Set{Name: name}
	}
	for _, line := range fw.Rules {
		l, err := firewall.ParseLine(line)
		if err != nil {
			return err
		}
		switch {
		case l.Set != nil:
			s, err := addSet(c, t, *l.Set, fw)
			if err != nil {
				return err
			}
			sets[s.Name] = s
		case l.Chain != nil:
			ch, err := chainFor(t, *l.Chain)
			if err != nil {
				return err
			}
			chains[ch.Name] = c.AddChain(ch)
		default:
			ch, ok := chains[l.RuleChain]
			build, known := ruleBuilders[l.Rule]
			if !ok || !known {
				return fmt.Errorf("rule %q: unknown chain or no builder for it", line)
			}
			exprs := build(ref)
			if startCounter(exprs, dnatStart) {
				dnatStart = 0 // once: the count is the sum of the counters
			}
			c.AddRule(&nftables.Rule{Table: t, Chain: ch, Exprs: exprs, UserData: ruleUserData(l.Rule, label)})
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("rules use undeclared sets %s", strings.Join(missing, ", "))
	}
	for name := range fw.Sets {
		if _, ok := sets[name]; !ok {
			return fmt.Errorf("elements for undeclared set %s", name)
		}
	}
	if len(fw.Ports) > 0 && (sets[firewall.MapPortsIP] == nil || sets[firewall.MapPortsAny] == nil) {
		return fmt.Errorf("published ports without the %s and %s maps", firewall.MapPortsIP, firewall.MapPortsAny)
	}
	return c.Flush()
}

// addSet declares a set or map and queues its elements in chunks.
func addSet(c *nftables.Conn, t *nftables.Table, spec firewall.SetSpec, fw *model.Firewall) (*nftables.Set, error) {
	s, err := setFor(t, spec)
	if err != nil {
		return nil, err
	}
	if err := c.AddSet(s, nil); err != nil {
		return nil, fmt.Errorf("set %s: %w", spec.Name, err)
	}
	elems, err := setElements(spec, fw)
	if err != nil {
		return nil, err
	}
	if err := inChunks(elems, func(e []nftables.SetElement) error { return c.SetAddElements(s, e) }); err != nil {
		return nil, fmt.Errorf("set %s: %w", spec.Name, err)
	}
	return s, nil
}

// setFor describes the set or map spec declares.
func setFor(t *nftables.Table, spec firewall.SetSpec) (*nftables.Set, error) {
	key, err := setDatatype(spec.Key)
	if err != nil {
		return nil, fmt.Errorf("set %s: %w", spec.Name, err)
	}
	s := &nftables.Set{Table: t, Name: spec.Name, KeyType: key, Concatenation: len(spec.Key) > 1, KeyByteOrder: keyByteOrder(spec.Key)}
	if len(spec.Data) > 0 {
		if s.DataType, err = setDatatype(spec.Data); err != nil {
			return nil, fmt.Errorf("map %s: %w", spec.Name, err)
		}
		s.IsMap = true
	}
	return s, nil
}

// setElements encodes the elements fw holds for the set spec declares: its
// Sets entry, and for the published-port maps the ports that go there.
func setElements(spec firewall.SetSpec, fw *model.Firewall) ([]nftables.SetElement, error) {
	var elems []nftables.SetElement
	for _, e := range fw.Sets[spec.Name] {
		k, err := encodeElement(spec.Key, e)
		if err != nil {
			return nil, fmt.Errorf("set %s: %w", spec.Name, err)
		}
		elems = append(elems, nftables.SetElement{Key: k})
	}
	if _, isPortMap := portMaps[spec.Name]; isPortMap {
		for _, p := range fw.Ports {
			name, e, err := portElement(p)
			if err != nil {
				return nil, fmt.Errorf("map %s: %w", spec.Name, err)
			}
			if name == spec.Name {
				elems = append(elems, e)
			}
		}
	}
	return elems, nil
}

// inChunks hands elems to queue in lists the library does not cut short.
func inChunks(elems []nftables.SetElement, queue func([]nftables.SetElement) error) error {
	for len(elems) > 0 {
		n := min(len(elems), nftElementsPerCall)
		if err := queue(elems[:n]); err != nil {
			return err
		}
		elems = elems[n:]
	}
	return nil
}

// keyByteOrder is only a hint for `nft list`, recorded in the set's
// userdata as nft itself does: interface names are host-endian strings
// (without the hint nft prints them as ""), everything else network order.
func keyByteOrder(key []string) binaryutil.ByteOrder {
	if len(key) == 1 && key[0] == "ifname" {
		return binaryutil.NativeEndian
	}
	return binaryutil.BigEndian
}

var chainHooks = map[string]*nftables.ChainHook{
	"prerouting":  nftables.ChainHookPrerouting,
	"input":       nftables.ChainHookInput,
	"forward":     nftables.ChainHookForward,
	"output":      nftables.ChainHookOutput,
	"postrouting": nftables.ChainHookPostrouting,
}

func chainFor(t *nftables.Table, spec firewall.ChainSpec) (*nftables.Chain, error) {
	hook, ok := chainHooks[spec.Hook]
	if !ok {
		return nil, fmt.Errorf("chain %s: unknown hook %q", spec.Name, spec.Hook)
	}
	accept := nftables.ChainPolicyAccept
	return &nftables.Chain{Name: spec.Name, Table: t, Type: nftables.ChainType(spec.Type), Hooknum: hook,
		Priority: nftables.ChainPriorityRef(nftables.ChainPriority(spec.Priority)), Policy: &accept}, nil
}

// Rule userdata: the comment (what `nft list` shows) is the rule's canonical
// text; a second record carries the stack's label, which marks the table as ours.
const udataLabel userdata.Type = 0xa0

func ruleUserData(text, label string) []byte {
	return userdata.AppendString(userdata.AppendString(nil, userdata.TypeComment, text), udataLabel, label)
}

func parseRuleUserData(b []byte) (text, label string) {
	text, _ = userdata.GetString(b, userdata.TypeComment)
	label, _ = userdata.GetString(b, udataLabel)
	return text, label
}

// tableLabel is the label of a stack's table, from its name.
func tableLabel(table string) (string, error) {
	stack, ok := strings.CutPrefix(table, model.TableName(""))
	if !ok || stack == "" {
		return "", fmt.Errorf("table name %q is not a netplan table name", table)
	}
	return model.Label(stack, firewallOwner), nil
}

// deleteFirewall deletes the stack's table if it exists, and says how many
// connections its published ports had DNATed (dnatCount; zero when there
// was no table). It refuses a table with the stack's name that the stack
// does not own.
//
// The count is read just before the deletion: a first connection to a
// published port in between, when a destroy has already removed the
// containers and their bridges, would go unflushed. It could never have
// reached a container.
func deleteFirewall(c *nftables.Conn, table string) (dnatted uint64, err error) {
	if dnatted, err = deleteTable(c, table); err != nil {
		return 0, fmt.Errorf("delete nftables table %s: %w", table, err)
	}
	return dnatted, nil
}

func deleteTable(c *nftables.Conn, table string) (uint64, error) {
	label, err := tableLabel(table)
	if err != nil {
		return 0, err
	}
	t, err := findTable(c, table)
	if err != nil || t == nil {
		return 0, err
	}
	ours, err := labelled(c, t, label)
	if err != nil {
		return 0, err
	}
	if !ours {
		return 0, fmt.Errorf("the table is not owned by this stack")
	}
	dnatted, err := tableDNATCount(c, t)
	if err != nil {
		return 0, err
	}
	c.DelTable(t)
	return dnatted, c.Flush()
}
