package firewall

import (
	"fmt"
	"strings"
)

// Canonical lines. The driver writes and reads tables through these, so
// what it observes compares equal to what Build produced:
//
//	set bridges: type ifname
//	map ports-any: type inet_proto . inet_service : ipv4_addr . inet_service
//	chain nat-prerouting: type nat hook prerouting priority -100 policy accept
//	chain nat-prerouting: fib daddr type local dnat to ...

// Line formats a set or map declaration.
func (s SetSpec) Line() string {
	if len(s.Data) == 0 {
		return setLinePrefix + s.Name + ": type " + strings.Join(s.Key, " . ")
	}
	return mapLinePrefix + s.Name + ": type " + strings.Join(s.Key, " . ") + " : " + strings.Join(s.Data, " . ")
}

// Line formats a base chain declaration.
func (c ChainSpec) Line() string {
	return fmt.Sprintf("chain %s: type %s hook %s priority %d policy %s", c.Name, c.Type, c.Hook, c.Priority, policyAccept)
}

// RuleLine formats one rule of a chain.
func RuleLine(chain, rule string) string { return chainLinePrefix + chain + ": " + rule }

// UnknownRuleLine is what an observed rule without netplan's label reads as,
// so a rule added by hand shows as drift.
func UnknownRuleLine(chain string, handle uint64) string {
	return fmt.Sprintf("unknown rule in chain %s (handle %d)", chain, handle)
}

// MisplacedElementLine is what an observed element of a published-port map
// reads as when the layout would have put it in the other map (one added by
// hand to ports-ip with the unspecified host address): kept as a port it
// would read like its twin in ports-any, and an update by elements would
// delete the twin. As a line it makes the table differ, and a sync replaces
// it whole.
func MisplacedElementLine(mapName, elem string) string {
	return fmt.Sprintf("misplaced element %s of map %s", elem, mapName)
}

// Line is one parsed canonical line: exactly one of Set, Chain or Rule is set.
type Line struct {
	Set   *SetSpec
	Chain *ChainSpec // declaration; Rules empty
	// Rule is a rule's text; RuleChain its chain.
	RuleChain, Rule string
}

// ParseLine parses a canonical line.
func ParseLine(line string) (Line, error) {
	if rest, ok := strings.CutPrefix(line, setLinePrefix); ok {
		return parseSet(rest, false)
	}
	if rest, ok := strings.CutPrefix(line, mapLinePrefix); ok {
		return parseSet(rest, true)
	}
	rest, ok := strings.CutPrefix(line, chainLinePrefix)
	if !ok {
		return Line{}, fmt.Errorf("parse firewall line %q: unknown kind", line)
	}
	name, body, ok := strings.Cut(rest, ": ")
	if !ok || name == "" || body == "" {
		return Line{}, fmt.Errorf("parse firewall line %q: want \"chain NAME: ...\"", line)
	}
	if !strings.HasPrefix(body, declarationMarker) {
		return Line{RuleChain: name, Rule: body}, nil
	}
	c := ChainSpec{Name: name}
	var policy string
	if _, err := fmt.Sscanf(body, "type %s hook %s priority %d policy %s", &c.Type, &c.Hook, &c.Priority, &policy); err != nil || policy != policyAccept {
		return Line{}, fmt.Errorf("parse firewall line %q: bad chain declaration", line)
	}
	return Line{Chain: &c}, nil
}

func parseSet(rest string, isMap bool) (Line, error) {
	name, body, ok := strings.Cut(rest, ": type ")
	if !ok || name == "" {
		return Line{}, fmt.Errorf("parse set declaration %q: want \"NAME: type ...\"", rest)
	}
	s := SetSpec{Name: name}
	key, data, hasData := strings.Cut(body, " : ")
	if hasData != isMap {
		return Line{}, fmt.Errorf("parse set declaration %q: map data mismatch", rest)
	}
	s.Key = strings.Split(key, " . ")
	if isMap {
		s.Data = strings.Split(data, " . ")
	}
	return Line{Set: &s}, nil
}
