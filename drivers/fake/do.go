package fake

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"syscall"

	"github.com/netplan-dev/netplan/model"
)

// maxPorts is the kernel's limit of ports per bridge (FIELD-NOTES).
const maxPorts = 1023

// Kernel-like errors, so callers can test them with errors.Is.
var (
	errExist       = syscall.EEXIST        // "file exists"
	errNotExist    = syscall.ENOENT        // "no such file or directory"
	errNoAddr      = syscall.EADDRNOTAVAIL // "cannot assign requested address"
	errUnreachable = syscall.ENETUNREACH   // "network is unreachable"
	errNoRoute     = syscall.ESRCH         // "no such process"
	errFull        = syscall.EXFULL        // "exchange full"
)

// Do performs one step on the world, as the kernel would, or fails the way
// the kernel would. Steps of a phase may run concurrently.
func (k *Kernel) Do(ctx context.Context, step model.Step) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if k.FailOn != nil {
		if err := k.FailOn(step); err != nil {
			return err
		}
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.Drop != nil && k.Drop(step) {
		k.done++
		return nil
	}
	if k.stack == "" {
		return errors.New("no stack known to label with (Observe or SetStack first)")
	}
	s := k.stacks[k.stack]
	if s == nil {
		s = model.NewState(k.stack)
		s.Sysctls = nil
		k.stacks[k.stack] = s
	}
	if err := k.do(s, step); err != nil {
		return err
	}
	k.done++
	return nil
}

func (k *Kernel) do(s *model.State, st model.Step) error {
	switch st.Kind {
	case model.StepCreateBridge, model.StepDeleteBridge, model.StepSetBridge, model.StepAddBridgeAddr, model.StepDelBridgeAddr:
		return k.doBridge(s, st)
	case model.StepSetSysctl:
		return k.setSysctl(st.Key, st.Value)
	case model.StepCreateNetns, model.StepDeleteNetns, model.StepSetLoUp:
		return k.doNetns(s, st)
	case model.StepCreateVeth, model.StepDeleteVeth, model.StepSetVeth, model.StepAddAddr, model.StepDelAddr:
		return k.doVeth(s, st)
	case model.StepSetRoute, model.StepDelRoute:
		return k.doRoute(s, st)
	case model.StepSyncFirewall, model.StepDeleteFirewall, model.StepFlushConntrack:
		return k.doFirewall(s, st)
	}
	return fmt.Errorf("unknown step kind %q", st.Kind)
}

func (k *Kernel) setSysctl(key, value string) error {
	if rest, ok := strings.CutPrefix(key, "net.ipv4.conf."); ok {
		link, _, _ := strings.Cut(rest, ".")
		if _, _, kind := k.hostLink(link); kind == "" && link != "all" && link != "default" {
			if _, foreign := k.foreign["bridge"][link]; !foreign {
				return fmt.Errorf("set sysctl %s: open /proc/sys/%s: %w", key, strings.ReplaceAll(key, ".", "/"), errNotExist)
			}
		}
	}
	k.sysctls[key] = value
	return nil
}

// linkCreated gives a new host link the kernel's per-link sysctl defaults.
func (k *Kernel) linkCreated(name string) {
	k.sysctls[model.SysctlRouteLocalnet(name)] = "0"
}

// linkDeleted drops a host link's per-link sysctls with it.
func (k *Kernel) linkDeleted(name string) {
	prefix := "net.ipv4.conf." + name + "."
	for key := range k.sysctls {
		if strings.HasPrefix(key, prefix) {
			delete(k.sysctls, key)
		}
	}
}

// linkTaken reports whether a host link or foreign link has the name.
func (k *Kernel) linkTaken(name string) bool {
	_, _, kind := k.hostLink(name)
	_, foreign := k.foreign["bridge"][name]
	return kind != "" || foreign
}

func addPrefix(list []netip.Prefix, p netip.Prefix) ([]netip.Prefix, error) {
	for _, have := range list {
		if have.Addr() == p.Addr() && have.Bits() == p.Bits() {
			return list, errExist
		}
	}
	list = append(list, p)
	slices.SortFunc(list, func(a, b netip.Prefix) int {
		if c := a.Addr().Compare(b.Addr()); c != 0 {
			return c
		}
		return a.Bits() - b.Bits()
	})
	return list, nil
}

func delPrefix(list []netip.Prefix, p netip.Prefix) ([]netip.Prefix, error) {
	i := slices.Index(list, p)
	if i < 0 {
		return list, errNoAddr
	}
	return slices.Delete(list, i, i+1), nil
}
