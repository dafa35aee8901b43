package linux

import (
	"fmt"

	"github.com/google/nftables"
	"github.com/netplan-dev/netplan/firewall"
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

func readTable(c *nftables.Conn, name, label string) (*model.Firewall, bool, error) {
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
