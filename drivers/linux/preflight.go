package linux

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/google/nftables"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/netplan-dev/netplan/model"
)

// MaxBridgePorts is the kernel's limit on the ports of one bridge: the
// 1024th enslave fails with "exchange full" (FIELD-NOTES).
const MaxBridgePorts = 1023

// Capabilities from linux/capability.h.
const (
	capNetAdmin = 12
	capSysAdmin = 21
)

// Preflight checks, without changing anything, that steps can run on this
// host: the capabilities they need, /run/netns for new namespaces,
// nf_tables for the firewall, writable sysctls, the bridge port limit and
// host veth names that nobody else holds. It reports every problem at once,
// so a user fixes them in one go rather than one apply at a time.
func (k *Kernel) Preflight(ctx context.Context, steps []model.Step) error {
	var (
		errs             []error
		netnsNeeded      bool
		firewallNeeded   bool
		sysctls          []string
		creates, deletes = map[string][]string{}, map[string]bool{} // bridge -> new host ends; deleted host ends
		vethOwners       = map[string]string{}                      // host end -> its label
		vethNetns        = map[string]string{}                      // host end -> its namespace
	)
	k.mu.Lock()
	stack, seen := k.stack, k.seen
	k.mu.Unlock()
	for _, s := range steps {
		switch s.Kind {
		case model.StepCreateNetns:
			netnsNeeded = true
		case model.StepSyncFirewall, model.StepDeleteFirewall:
			firewallNeeded = true
		case model.StepSetSysctl:
			sysctls = append(sysctls, s.Key)
		case model.StepCreateVeth:
			if s.Veth != nil && s.Netns != nil {
				creates[s.Veth.Bridge] = append(creates[s.Veth.Bridge], s.Veth.HostName)
				vethOwners[s.Veth.HostName] = model.Label(stack, vethOwner(s.Netns, s.Owner, s.Veth.Name))
				vethNetns[s.Veth.HostName] = s.Netns.Name
			}
		case model.StepDeleteVeth:
			if s.Veth != nil {
				deletes[s.Veth.HostName] = true
			}
		}
	}
	if err := checkCapabilities(netnsNeeded); err != nil {
		errs = append(errs, err)
	}
	if netnsNeeded {
		if err := checkNetnsDir(); err != nil {
			errs = append(errs, err)
		}
	}
	if firewallNeeded {
		if err := checkNftables(k.nft); err != nil {
			errs = append(errs, err)
		}
	}
	for _, key := range sysctls {
		if err := checkSysctlWritable(key); err != nil {
			errs = append(errs, err)
		}
	}
	if len(creates) > 0 {
		hv := seen
		if hv == nil {
			var err error
			if hv, err = readHostView(handleDumper{k.raw}); err != nil {
				return fmt.Errorf("preflight: %w", err)
			}
		}
		// Only names the plan wants that some link holds are read in full;
		// which those are, an ioctl that takes no lock says.
		var taken []netlink.Link
		for name := range vethOwners {
			if k.hostHasLink(name) {
				if full, err := k.host.LinkByName(name); err == nil {
					taken = append(taken, full)
				}
			}
		}
		sort.Slice(taken, func(i, j int) bool { return taken[i].Attrs().Name < taken[j].Attrs().Name })
		errs = append(errs, k.checkHostEnds(taken, vethOwners, vethNetns)...)
		errs = append(errs, checkBridgePorts(hv.links(), creates, deletes)...)
	}
	return errors.Join(errs...)
}

// checkCapabilities asks the kernel for the effective capabilities rather
// than trusting uid 0: a container's root may lack CAP_NET_ADMIN.
func checkCapabilities(netns bool) error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return fmt.Errorf("read capabilities: %w", err)
	}
	var missing []string
	if data[0].Effective&(1<<capNetAdmin) == 0 {
		missing = append(missing, "CAP_NET_ADMIN (links, addresses, routes, nftables)")
	}
	if netns && data[0].Effective&(1<<capSysAdmin) == 0 {
		missing = append(missing, "CAP_SYS_ADMIN (creating and bind-mounting namespaces)")
	}
	if len(missing) > 0 {
		return fmt.Errorf("the process lacks %s", strings.Join(missing, " and "))
	}
	return nil
}

// checkNetnsDir checks that named namespaces can be bind-mounted under
// netnsDir: the directory (or, if it does not exist yet, the directory it
// would be made in) is writable and on a read-write mount.
func checkNetnsDir() error {
	dir := netnsDir
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		dir = filepath.Dir(dir)
	case err != nil:
		return fmt.Errorf("namespace directory %s: %w", netnsDir, err)
	case !info.IsDir():
		return fmt.Errorf("namespace directory %s is not a directory", netnsDir)
	}
	if err := unix.Access(dir, unix.W_OK|unix.X_OK); err != nil {
		return fmt.Errorf("namespace directory %s: cannot create namespaces in %s: %w", netnsDir, dir, err)
	}
	return nil
}

// checkNftables reads the list of tables: a no-op that fails the way a
// change would when nf_tables is missing or the socket is refused.
func checkNftables(c *nftables.Conn) error {
	if _, err := c.ListTables(); err != nil {
		return fmt.Errorf("nf_tables is not usable (is the nf_tables module loaded?): list tables: %w", err)
	}
	return nil
}

// checkSysctlWritable asks access(2) whether the key could be written; for
// root this still reports a read-only mount (EROFS). A per-bridge key does
// not exist before its bridge: then the nearest existing directory must be
// on a writable mount.
func checkSysctlWritable(key string) error {
	path, err := sysctlPath(key)
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		dir := filepath.Dir(path)
		for dir != "/" {
			if _, err := os.Stat(dir); err == nil {
				break
			}
			dir = filepath.Dir(dir)
		}
		var st unix.Statfs_t
		if err := unix.Statfs(dir, &st); err != nil {
			return fmt.Errorf("sysctl %s: statfs %s: %w", key, dir, err)
		}
		if st.Flags&unix.ST_RDONLY != 0 {
			return fmt.Errorf("sysctl %s cannot be written: %s is mounted read-only", key, dir)
		}
		return nil
	}
	if err := unix.Access(path, unix.W_OK); err != nil {
		return fmt.Errorf("sysctl %s cannot be written: %s: %w", key, path, err)
	}
	return nil
}

// checkHostEnds finds host veth names that a link not labelled for that
// attachment holds: creating the pair would fail with "file exists". An
// unlabelled pair into the attachment's own namespace is a killed run's
// leftover, which create-veth replaces.
func (k *Kernel) checkHostEnds(links []netlink.Link, want, netnsOf map[string]string) []error {
	var errs []error
	for _, l := range links {
		a := l.Attrs()
		label, ok := want[a.Name]
		if !ok || a.Alias == label || k.leftoverIn(l, netnsOf[a.Name]) {
			continue
		}
		_, owner, _ := model.ParseLabel(label)
		errs = append(errs, fmt.Errorf("host interface name %s (for %s) is taken by a %s link not owned by this stack (label %q)",
			a.Name, owner, l.Type(), a.Alias))
	}
	return errs
}

// checkBridgePorts counts each bridge's ports after the plan: those it has,
// less the host ends deleted, plus the new ones.
func checkBridgePorts(links []rawLink, creates map[string][]string, deletes map[string]bool) []error {
	index := map[string]int{}
	for _, l := range links {
		index[l.Name] = l.Index
	}
	ports := map[string]map[string]bool{}
	for bridge := range creates {
		ports[bridge] = map[string]bool{}
		idx, ok := index[bridge]
		if !ok {
			continue // created by this plan: no ports yet
		}
		for _, l := range links {
			if l.Master == idx && !deletes[l.Name] {
				ports[bridge][l.Name] = true
			}
		}
	}
	var errs []error
	bridges := make([]string, 0, len(creates))
	for b := range creates {
		bridges = append(bridges, b)
	}
	sort.Strings(bridges)
	for _, bridge := range bridges {
		have := len(ports[bridge])
		for _, name := range creates[bridge] {
			ports[bridge][name] = true
		}
		if n := len(ports[bridge]); n > MaxBridgePorts {
			errs = append(errs, fmt.Errorf("bridge %s would have %d ports (%d now, %d to add); the kernel allows at most %d",
				bridge, n, have, n-have, MaxBridgePorts))
		}
	}
	return errs
}

// unlabelledPeerIn says whether l is a veth without a label whose peer is
// in the namespace ns: a pair netplan created and was killed before it
// could label (the label is set after creation, FIELD-NOTES). Nobody else
// creates a pair into a namespace netplan made a moment before.
func (k *Kernel) unlabelledPeerIn(l netlink.Link, ns any) bool {
	fd, ok := ns.(netlink.NsFd)
	if !ok || l.Type() != "veth" || l.Attrs().Alias != "" || l.Attrs().NetNsID < 0 {
		return false
	}
	id, err := k.host.GetNetNsIdByFd(int(fd))
	return err == nil && id == l.Attrs().NetNsID
}

// leftoverIn is unlabelledPeerIn for a namespace named name, when it exists.
func (k *Kernel) leftoverIn(l netlink.Link, name string) bool {
	if l.Attrs().Alias != "" || !isNsMount(netnsDir+"/"+name) {
		return false
	}
	ns, err := netns.GetFromPath(netnsDir + "/" + name)
	if err != nil {
		return false
	}
	defer ns.Close()
	return k.unlabelledPeerIn(l, netlink.NsFd(int(ns)))
}
