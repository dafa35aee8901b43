package linux

import (
	"fmt"
	"time"

	"github.com/google/nftables"
	"github.com/netplan-dev/netplan/firewall"
	"github.com/netplan-dev/netplan/internal/trace"
	"github.com/netplan-dev/netplan/model"
)

// observeFirewall reads the stack's table. fw is nil when the table does not
// exist; foreign is true when a table with that name exists but is not the stack's.
func observeFirewall(c *nftables.Conn, stack string) (fw *model.Firewall, foreign bool, err error) {
	name := model.TableName(stack)
	fw, foreign, err = readTable(c, name, model.Label(stack, firewallOwner))
	if err != nil {
		return nil, false, fmt.Errorf("read nftables table %s: %w", name, err)
	}
	return fw, foreign, nil
}

// readTable reads the table, again while a listing of its sets comes back
// torn (see rereadWhileTorn).
func readTable(c *nftables.Conn, name, label string) (*model.Firewall, bool, error) {
	return rereadWhileTorn(func() (*model.Firewall, bool, error) { return readTableOnce(c, name, label) }, time.Sleep)
}

// tornReads is how many times a torn listing is read again; the pauses
// between them double from 1 ms, half a second in all.
const tornReads = 10

// rereadWhileTorn calls read until no set element comes back twice.
//
// The kernel keeps a set's elements in a hash table that it grows in the
// background after a large insert (rhashtable's deferred worker). A listing
// longer than one netlink message is sent in parts, and each part walks the
// table again, skipping as many elements as the parts before it sent; when
// the table was resized in between, the order differs, so some elements come
// twice and as many never come, and no flag says so (the dump's sequence
// check sees commits only). Seen in TestRuleCountIsFlat: verifying an apply
// that grew a map from 1 to 10,000 ports read 10,000 elements of which 216
// to 729 were repeats, in about 1 apply of 20 (more under load). The kernel
// never holds a key twice, so a repeat is the sign; the pause lets the
// resize finish.
func rereadWhileTorn(read func() (*model.Firewall, bool, error), sleep func(time.Duration)) (*model.Firewall, bool, error) {
	for attempt := 0; ; attempt++ {
		t0 := time.Now()
		fw, foreign, err := read()
		if err != nil || fw == nil {
			return fw, foreign, err
		}
		twice := repeatedElement(fw)
		if twice == "" {
			return fw, foreign, nil
		}
		trace.Part("firewall read torn ("+twice+" twice)", t0)
		if attempt+1 == tornReads {
			return nil, false, fmt.Errorf("the kernel listed %s twice in each of %d reads: the set kept changing while it was read", twice, tornReads)
		}
		sleep(time.Millisecond << attempt)
	}
}

// repeatedElement names an element fw holds twice, or returns "". Ports and
// elements are sorted, so a repeat is next to itself.
func repeatedElement(fw *model.Firewall) string {
	for i := 1; i < len(fw.Ports); i++ {
		if a, b := fw.Ports[i-1], fw.Ports[i]; a.HostIP == b.HostIP && a.Protocol == b.Protocol && a.HostPort == b.HostPort {
			return "published port " + firewall.PortKey(b)
		}
	}
	for name, elems := range fw.Sets {
		for i := 1; i < len(elems); i++ {
			if elems[i-1] == elems[i] {
				return fmt.Sprintf("element %q of set %s", elems[i], name)
			}
		}
	}
	return ""
}

func readTableOnce(c *nftables.Conn, name, label string) (*model.Firewall, bool, error) {
	t, err := findTable(c, name)
	if err != nil || t == nil {
		return nil, false, err
	}
	fw := &model.Firewall{Table: name, Sets: map[string][]string{}}
	sets, err := c.GetSets(t)
	if err != nil {
		return nil, false, fmt.Errorf("list sets: %w", err)
	}
	for _, s := range sets {
		if err := readSet(c, s, fw); err != nil {
			return nil, false, err
		}
	}
	chains, err := tableChains(c, t)
	if err != nil {
		return nil, false, err
	}
	ours := false
	for _, ch := range chains {
		if ch.Name == label { // the ownership marker (see replaceTable), not part of the layout
			ours = true
			continue
		}
		fw.Rules = append(fw.Rules, chainLine(ch))
		rules, err := c.GetRules(t, ch)
		if err != nil {
			return nil, false, fmt.Errorf("list rules of chain %s: %w", ch.Name, err)
		}
		for _, r := range rules {
			text, l := parseRuleUserData(r.UserData)
			if l != label || text == "" {
				fw.Rules = append(fw.Rules, firewall.UnknownRuleLine(ch.Name, r.Handle))
				continue
			}
			ours = true
			fw.Rules = append(fw.Rules, firewall.RuleLine(ch.Name, text))
		}
	}
	if !ours {
		return nil, true, nil
	}
	firewall.SortPorts(fw.Ports)
	return fw, false, nil
}

// readSet adds a set's declaration line and its elements: published-port
// maps into fw.Ports, every other set as canonical strings into fw.Sets.
func readSet(c *nftables.Conn, s *nftables.Set, fw *model.Firewall) error {
	spec := firewall.SetSpec{Name: s.Name, Key: typeNames(s.KeyType)}
	if s.IsMap {
		spec.Data = typeNames(s.DataType)
	}
	fw.Rules = append(fw.Rules, spec.Line())
	elems, err := c.GetSetElements(s)
	if err != nil {
		return fmt.Errorf("list elements of set %s: %w", s.Name, err)
	}
	if want, isPortMap := portMaps[s.Name]; isPortMap && want.Line() == spec.Line() {
		for _, e := range elems {
			p, err := decodePort(s.Name, e)
			if err != nil {
				return err
			}
			fw.Ports = append(fw.Ports, p)
		}
		return nil
	}
	var out []string
	for _, e := range elems {
		str, err := decodeElement(spec.Key, e.Key)
		if err != nil {
			return fmt.Errorf("set %s: %w", s.Name, err)
		}
		if s.IsMap {
			v, err := decodeElement(spec.Data, e.Val)
			if err != nil {
				return fmt.Errorf("map %s: %w", s.Name, err)
			}
			str += " : " + v
		}
		out = append(out, str)
	}
	if len(out) > 0 {
		firewall.SortElements(out)
		fw.Sets[s.Name] = out
	}
	return nil
}

func typeNames(dt nftables.SetDatatype) []string {
	var names []string
	for _, t := range nftables.ConcatSetTypeElements(dt) {
		names = append(names, t.Name)
	}
	return names
}

func tableChains(c *nftables.Conn, t *nftables.Table) ([]*nftables.Chain, error) {
	all, err := c.ListChainsOfTableFamily(nftables.TableFamilyIPv4)
	if err != nil {
		return nil, fmt.Errorf("list chains: %w", err)
	}
	var chains []*nftables.Chain
	for _, ch := range all {
		if ch.Table != nil && ch.Table.Name == t.Name {
			ch.Table = t
			chains = append(chains, ch)
		}
	}
	return chains, nil
}

var hookNames = map[nftables.ChainHook]string{}

func init() {
	for name, h := range chainHooks {
		hookNames[*h] = name
	}
}

// chainLine describes a chain as the kernel holds it, in the layout's form.
func chainLine(ch *nftables.Chain) string {
	if ch.Hooknum == nil || ch.Priority == nil {
		return firewall.RuleLine(ch.Name, "regular chain")
	}
	policy := "accept"
	if ch.Policy != nil && *ch.Policy == nftables.ChainPolicyDrop {
		policy = "drop"
	}
	hook, ok := hookNames[*ch.Hooknum]
	if !ok {
		hook = fmt.Sprintf("hook-%d", *ch.Hooknum)
	}
	return fmt.Sprintf("chain %s: type %s hook %s priority %d policy %s", ch.Name, ch.Type, hook, *ch.Priority, policy)
}

// labelled reports whether any rule of the table carries label.
func labelled(c *nftables.Conn, t *nftables.Table, label string) (bool, error) {
	chains, err := tableChains(c, t)
	if err != nil {
		return false, err
	}
	for _, ch := range chains {
		rules, err := c.GetRules(t, ch)
		if err != nil {
			return false, fmt.Errorf("list rules of chain %s: %w", ch.Name, err)
		}
		for _, r := range rules {
			if _, l := parseRuleUserData(r.UserData); l == label {
				return true, nil
			}
		}
	}
	return false, nil
}
