package fake

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/model"
)

// Kernel is an in-memory drivers.Kernel: a world of stacks, each a
// model.State, plus foreign objects no stack owns. Like the real driver it
// labels what Do creates for the stack last observed (or set by SetStack).
type Kernel struct {
	// FailOn, when set, is called before every step; a non-nil error is
	// returned by Do without changing anything. It runs without the lock,
	// so it may call Mutate or cancel a context.
	FailOn func(step model.Step) error
	// Drop, when set and true for a step, makes Do report success without
	// doing anything: a kernel that silently ignores a request.
	Drop func(step model.Step) bool

	mu      sync.Mutex
	stack   string
	stacks  map[string]*model.State // Sysctls unused: sysctls are host-wide
	sysctls map[string]string
	foreign map[string]map[string]string // kind -> name -> detail ("bridge" means any host link)
	routes  map[netip.Prefix]string      // foreign routes -> device
	done    int
	flushed []model.PublishedPort
}

var _ drivers.Kernel = (*Kernel)(nil)

// New returns an empty world with the sandbox's sysctl defaults
// (ip_forward off, FIELD-NOTES).
func New() *Kernel {
	return &Kernel{
		stacks:  map[string]*model.State{},
		sysctls: map[string]string{model.SysctlIPForward: "0"},
		foreign: map[string]map[string]string{"bridge": {}, "netns": {}, "table": {}},
		routes:  map[netip.Prefix]string{},
	}
}

// SetStack names the stack whose objects Do creates.
func (k *Kernel) SetStack(stack string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.stack = stack
}

// Observe returns a deep copy of q.Stack's State and the foreign objects in
// the way of the names q asks about. It also binds Do to q.Stack.
func (k *Kernel) Observe(ctx context.Context, q drivers.Query) (*drivers.Observation, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.stack = q.Stack
	s := model.NewState(q.Stack)
	if have := k.stacks[q.Stack]; have != nil {
		s = have.Clone()
	}
	s.Sysctls = map[string]string{}
	for _, key := range q.Sysctls {
		if v, ok := k.sysctls[key]; ok {
			s.Sysctls[key] = v
		}
	}
	return &drivers.Observation{State: s, Foreign: k.foreignFor(q)}, nil
}

func (k *Kernel) foreignFor(q drivers.Query) []drivers.Foreign {
	var out []drivers.Foreign
	for _, name := range q.Bridges {
		if d, ok := k.foreign["bridge"][name]; ok {
			out = append(out, drivers.Foreign{Kind: "bridge", Name: name, Detail: d})
			continue
		}
		if stack, owner, kind := k.hostLink(name); kind != "" && (stack != q.Stack || kind != "bridge") {
			out = append(out, drivers.Foreign{Kind: "bridge", Name: name, Detail: kind + " " + model.Label(stack, owner)})
		}
	}
	for _, name := range q.Netns {
		if d, ok := k.foreign["netns"][name]; ok {
			out = append(out, drivers.Foreign{Kind: "netns", Name: name, Detail: d})
			continue
		}
		for stack, s := range k.stacks {
			if n := s.Netns[name]; n != nil && stack != q.Stack {
				out = append(out, drivers.Foreign{Kind: "netns", Name: name, Detail: model.Label(stack, n.Owner)})
			}
		}
	}
	if d, ok := k.foreign["table"][model.TableName(q.Stack)]; ok {
		out = append(out, drivers.Foreign{Kind: "table", Name: model.TableName(q.Stack), Detail: d})
	}
	for _, want := range q.Subnets {
		for p, dev := range k.otherRoutes(q.Stack) {
			if p.Overlaps(want) {
				out = append(out, drivers.Foreign{Kind: "route", Name: p.String(), Detail: "dev " + dev})
			}
		}
	}
	slices.SortFunc(out, func(a, b drivers.Foreign) int {
		if a.Kind != b.Kind {
			return strings.Compare(a.Kind, b.Kind)
		}
		return strings.Compare(a.Name, b.Name)
	})
	return slices.CompactFunc(out, func(a, b drivers.Foreign) bool { return a == b })
}

// otherRoutes are the connected routes of other stacks' bridges plus the
// foreign routes: every route in the host table q.Stack does not own.
func (k *Kernel) otherRoutes(stack string) map[netip.Prefix]string {
	out := map[netip.Prefix]string{}
	for p, dev := range k.routes {
		out[p] = dev
	}
	for name, s := range k.stacks {
		if name == stack {
			continue
		}
		for _, b := range s.Bridges {
			for _, a := range b.Addrs {
				out[a.Masked()] = b.Name
			}
		}
	}
	return out
}

// hostLink finds a link of any stack in the host namespace: a bridge or a
// veth's host end. kind is "" when there is none.
func (k *Kernel) hostLink(name string) (stack, owner, kind string) {
	for sn, s := range k.stacks {
		if b := s.Bridges[name]; b != nil {
			return sn, b.Owner, "bridge"
		}
		for _, n := range s.Netns {
			for _, v := range n.Veths {
				if v.HostName == name {
					return sn, model.VethOwner(strings.TrimPrefix(n.Owner, "container."), v.Name), "veth"
				}
			}
		}
	}
	return "", "", ""
}

// Close does nothing: there is nothing to release.
func (k *Kernel) Close() error { return nil }

// StepsDone counts the steps Do performed successfully (dropped ones included).
func (k *Kernel) StepsDone() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.done
}

// Flushed returns the published ports whose conntrack entries were flushed, in order.
func (k *Kernel) Flushed() []model.PublishedPort {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.flushed)
}

// SetState replaces a stack's objects with a copy of s (its Sysctls are
// written to the host-wide sysctls). Use it to set up a world or inject drift.
func (k *Kernel) SetState(s *model.State) {
	k.mu.Lock()
	defer k.mu.Unlock()
	c := s.Clone()
	for key, v := range c.Sysctls {
		k.sysctls[key] = v
	}
	c.Sysctls = nil
	k.stacks[s.Stack] = c
}

// Mutate lets a test change a stack's objects in place (drift by hand).
// The State passed to f has the host-wide sysctls as its Sysctls; changes
// to them are written back.
func (k *Kernel) Mutate(stack string, f func(*model.State)) {
	k.mu.Lock()
	defer k.mu.Unlock()
	s := k.stacks[stack]
	if s == nil {
		s = model.NewState(stack)
		k.stacks[stack] = s
	}
	s.Sysctls = k.sysctls
	f(s)
	k.sysctls = s.Sysctls
	s.Sysctls = nil
}

// AddForeign adds an object no stack owns: kind "bridge" (any host link),
// "netns" or "table", with a detail such as "docker0" or "link kind dummy".
func (k *Kernel) AddForeign(kind, name, detail string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.foreign[kind] == nil {
		panic(fmt.Sprintf("fake: unknown foreign kind %q", kind))
	}
	k.foreign[kind][name] = detail
}

// AddRoute adds a host route no stack owns.
func (k *Kernel) AddRoute(p netip.Prefix, dev string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.routes[p.Masked()] = dev
}
