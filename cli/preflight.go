package cli

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/netplan-dev/netplan/drivers/linux"
	"github.com/netplan-dev/netplan/model"
)

// preflighter is a kernel that can check, without changing anything, that
// a plan's steps can run. The fake kernel of unit tests has no such check.
type preflighter interface {
	Preflight(ctx context.Context, steps []model.Step) error
}

// listener is a kernel that can list the host's bound ports.
type listener interface {
	Listening() ([]linux.Socket, error)
}

// preflight runs before the first change, so a host that cannot take the
// plan (read-only /proc/sys, no nf_tables, a full bridge...) is refused
// while it is still untouched.
func (s *session) preflight(ctx context.Context, pl *planned) error {
	pf, ok := s.kernel.(preflighter)
	if !ok || len(pl.plan.Steps) == 0 {
		return nil
	}
	if err := pf.Preflight(ctx, pl.plan.Steps); err != nil {
		return fmt.Errorf("preflight: this host cannot take the plan; nothing was changed:\n%w", err)
	}
	return nil
}

// listenersAsync starts reading the host's bound ports (a walk of the
// kernel's socket tables, about 10 ms here whatever the stack's size) so it
// overlaps observing; the returned function waits for the result. It
// returns nil when k cannot list them.
func listenersAsync(k any) func() ([]linux.Socket, error) {
	l, ok := k.(listener)
	if !ok {
		return nil
	}
	type result struct {
		socks []linux.Socket
		err   error
	}
	ch := make(chan result, 1)
	go func() {
		socks, err := l.Listening()
		ch <- result{socks, err}
	}()
	return func() ([]linux.Socket, error) {
		r := <-ch
		return r.socks, r.err
	}
}

// warnTakenPorts warns about published ports a host process already
// listens on: the DNAT would silently take that process's traffic (what CNI
// portmap does without a word, FIELD-NOTES). A warning, not an error: the
// user may mean it. listening is from listenersAsync.
func (a *app) warnTakenPorts(listening func() ([]linux.Socket, error), target *model.State) {
	if listening == nil {
		return
	}
	socks, err := listening()
	if target.Firewall == nil || len(target.Firewall.Ports) == 0 {
		return
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "Warning: could not check for host processes on published ports: %v\n", err)
		return
	}
	for _, p := range target.Firewall.Ports {
		for _, s := range socks {
			if portTaken(p, s) {
				fmt.Fprintf(a.stderr, "Warning: %s publishes host port %d/%s, which a host process already listens on (%s); its traffic will go to the container instead\n",
					p.Owner, p.HostPort, p.Protocol, netip.AddrPortFrom(s.Addr, s.Port))
				break
			}
		}
	}
}

// portTaken says whether traffic to published port p could have reached
// socket s: same protocol and port, and addresses that overlap (an
// unspecified address on either side overlaps every address).
func portTaken(p model.PublishedPort, s linux.Socket) bool {
	if p.Protocol != s.Protocol || p.HostPort != s.Port {
		return false
	}
	if !p.HostIP.IsValid() || p.HostIP.IsUnspecified() || s.Addr.IsUnspecified() {
		return s.Addr.Is4() || s.Addr.IsUnspecified()
	}
	return p.HostIP == s.Addr
}
