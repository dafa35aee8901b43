package linux

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"time"

	"github.com/google/nftables"
	"github.com/netplan-dev/netplan/firewall"
	"github.com/netplan-dev/netplan/internal/trace"
	"github.com/netplan-dev/netplan/model"
)

// observeFirewall reads the stack's table. fw is nil when the table does not
// exist; foreign is true when a table with that name exists but is not the
// stack's. When only is not nil, the table's elements are read by key
// through get, only those only names (see drivers.Parts).
func observeFirewall(c *nftables.Conn, get *nlSock, stack string, only *model.Firewall) (fw *model.Firewall, foreign bool, err error) {
	name := model.TableName(stack)
	fw, foreign, err = readTable(c, get, name, model.Label(stack, firewallOwner), only)
	if err != nil {
		return nil, false, fmt.Errorf("read nftables table %s: %w", name, err)
	}
	return fw, foreign, nil
}

func readTable(c *nftables.Conn, get *nlSock, name, label string, only *model.Firewall) (*model.Firewall, bool, error) {
	t, err := findTable(c, name)
	if err != nil || t == nil {
		return nil, false, err
	}
	fw := &model.Firewall{Table: name, Sets: map[string][]string{}}
	sets, err := c.GetSets(t)
	if err != nil {
		return nil, false, fmt.Errorf("list sets: %w", err)
	}
	list := func(s *nftables.Set) ([]nftables.SetElement, error) {
		return relistWhileTorn(s.Name, func() ([]nftables.SetElement, error) { return c.GetSetElements(s) }, time.Sleep)
	}
	if only != nil {
		if get == nil {
			return nil, false, errors.New("no socket to read set elements by key")
		}
		g := &elementGetter{sock: get, table: name}
		list = func(s *nftables.Set) ([]nftables.SetElement, error) { return g.getAll(s, only) }
	}
	for _, s := range sets {
		if err := readSet(s, list, fw); err != nil {
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

// readSet adds a set's declaration line and the elements list returns:
// published-port maps into fw.Ports, every other set as canonical strings
// into fw.Sets.
func readSet(s *nftables.Set, list func(*nftables.Set) ([]nftables.SetElement, error), fw *model.Firewall) error {
	spec := firewall.SetSpec{Name: s.Name, Key: typeNames(s.KeyType)}
	if s.IsMap {
		spec.Data = typeNames(s.DataType)
	}
	fw.Rules = append(fw.Rules, spec.Line())
	elems, err := list(s)
	if err != nil {
		return fmt.Errorf("list elements of set %s: %w", s.Name, err)
	}
	if want, isPortMap := portMaps[s.Name]; isPortMap && want.Line() == spec.Line() {
		for _, e := range elems {
			p, err := decodePort(s.Name, e)
			if err != nil {
				return err
			}
			if s.Name == firewall.MapPortsIP && firewall.HostIP(p.HostIP).IsUnspecified() {
				fw.Rules = append(fw.Rules, firewall.MisplacedElementLine(s.Name, firewall.PortKey(p)))
				continue
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

// tornReads is how many times a set is listed while its listing comes back
// torn; the pauses between them double from 1 ms, half a second in all.
const tornReads = 10

// relistWhileTorn calls list until no key comes back twice.
//
// The kernel keeps a set's elements in a hash table that it grows in the
// background after a large insert (rhashtable's deferred worker). A listing
// longer than one netlink message is sent in parts, and each part walks the
// table again, skipping as many elements as the parts before it sent; when
// the table was resized in between, the order differs, so some elements come
// twice and as many never come, and no flag says so (the dump's sequence
// check sees commits only). Seen in TestRuleCountIsFlat: verifying an apply
// that grew a map from 1 to 10,000 ports read 10,000 elements of which 216
// to 729 were repeats, in about 1 apply of 20 (more under load). A set never
// holds a key twice, so a repeat is the sign; the pause lets the resize
// finish.
func relistWhileTorn(set string, list func() ([]nftables.SetElement, error), sleep func(time.Duration)) ([]nftables.SetElement, error) {
	for attempt := 0; ; attempt++ {
		t0 := time.Now()
		elems, err := list()
		if err != nil {
			return nil, err
		}
		twice, torn := repeatedKey(elems)
		if !torn {
			return elems, nil
		}
		trace.Part(fmt.Sprintf("set %s listed torn (key %x twice)", set, twice), t0)
		if attempt+1 == tornReads {
			return nil, fmt.Errorf("the kernel listed key %x twice in each of %d listings: the set kept changing while it was read", twice, tornReads)
		}
		sleep(time.Millisecond << attempt)
	}
}

// repeatedKey returns a key that elems hold twice. An interval set lists a
// range as two elements, its start and its end, told apart by a flag. Keys
// are indexed by hash, without a copy each: every plan lists every
// published port.
func repeatedKey(elems []nftables.SetElement) ([]byte, bool) {
	seed := maphash.MakeSeed()
	seen := make(map[uint64]int, len(elems))
	for i, e := range elems {
		h := maphash.Bytes(seed, e.Key)
		if e.IntervalEnd {
			h = ^h
		}
		if j, ok := seen[h]; ok {
			if bytes.Equal(elems[j].Key, e.Key) && elems[j].IntervalEnd == e.IntervalEnd {
				return e.Key, true
			}
			continue // two keys, one hash: keep the first
		}
		seen[h] = i
	}
	return nil, false
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
