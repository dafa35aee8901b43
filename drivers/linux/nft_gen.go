package linux

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/internal/trace"
	"github.com/netplan-dev/netplan/model"
)

// The kernel counts nftables transactions: every commit, of any table by
// anyone in the namespace, moves the ruleset's generation on by one
// (NFT_MSG_GETGEN, what `nft list ruleset` prints as its first line). So
// a generation seen unchanged means a firewall read at that generation is
// still the firewall, exactly: a record trusted with -refresh=false then
// spares reading the table (1000 published ports: 5-9 ms), and unlike a
// namespace's record it can miss nothing.
//
// firewallAt pairs the stack's firewall (nil: no table) with the
// generation it was read at, or after this process's own transaction.
type firewallAt struct {
	Gen   uint32
	State *model.Firewall
}

// generation asks the kernel for the ruleset's generation.
func generation(s *nlSock) (uint32, error) {
	var gen uint32
	found := false
	err := s.get(nftMsg(unix.NFT_MSG_GETGEN), uint16(nftMsg(unix.NFT_MSG_NEWGEN)), func(m []byte) error {
		if len(m) < 4 {
			return errors.New("short NEWGEN")
		}
		return forAttrs(m[4:], func(typ uint16, v []byte) error {
			if typ&^unix.NLA_F_NESTED == unix.NFTA_GEN_ID && len(v) >= 4 {
				gen, found = binary.BigEndian.Uint32(v), true
			}
			return nil
		})
	}, &nl.Nfgenmsg{NfgenFamily: unix.AF_UNSPEC, Version: unix.NFNETLINK_V0})
	if err == nil && !found {
		err = errors.New("no generation in the answer")
	}
	if err != nil {
		return 0, fmt.Errorf("read nftables generation: %w", err)
	}
	return gen, nil
}

// knowFirewall records the stack's firewall as of generation gen; a nil
// at clears what was known.
func (k *Kernel) knowFirewall(at *firewallAt) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.firewall = at
}

// afterFirewallStep follows this process's own transaction: one commit
// on top of the known generation leaves target as the firewall; anything
// else (a commit of someone else's in between, a step that took two)
// leaves it unknown.
func (k *Kernel) afterFirewallStep(target *model.Firewall, stepErr error) {
	k.mu.Lock()
	before := k.firewall
	k.mu.Unlock()
	if before == nil {
		return
	}
	if stepErr != nil {
		k.knowFirewall(nil)
		return
	}
	gen, err := generation(k.nftGet)
	switch {
	case err != nil || gen != before.Gen+1:
		k.knowFirewall(nil)
	default:
		k.knowFirewall(&firewallAt{Gen: gen, State: target})
	}
}

// knownFirewall is the firewall known now, checked against the kernel's
// generation; nil when it is not known.
func (k *Kernel) knownFirewall() *firewallAt {
	k.mu.Lock()
	at := k.firewall
	k.mu.Unlock()
	if at == nil {
		return nil
	}
	if gen, err := generation(k.nftGet); err != nil || gen != at.Gen {
		return nil
	}
	return at
}

// readSysctlsAndTable is readSysctlsAndFirewall for a whole observation. A
// firewall trusted from a record stands while the generation is the
// record's; otherwise the table is read, and known as of its generation
// when that did not move during the read and the table is the stack's.
func (k *Kernel) readSysctlsAndTable(q drivers.Query, st *model.State, trusted *firewallAt) (*drivers.Foreign, error) {
	before, genErr := generation(k.nftGet)
	if trusted != nil && genErr == nil && before == trusted.Gen {
		var err error
		if st.Sysctls, err = readSysctls(q.Sysctls); err != nil {
			return nil, fmt.Errorf("observe: %w", err)
		}
		if trusted.State != nil {
			st.Firewall = trusted.State.Clone()
		}
		k.knowFirewall(trusted)
		trace.Line("  firewall taken from the record")
		return nil, nil
	}
	table, err := readSysctlsAndFirewall(k.nft, nil, q, st, true, nil)
	if err != nil {
		k.knowFirewall(nil)
		return nil, err
	}
	after, afterErr := generation(k.nftGet)
	if genErr == nil && afterErr == nil && before == after && table == nil {
		k.knowFirewall(&firewallAt{Gen: before, State: st.Firewall})
	} else {
		k.knowFirewall(nil)
	}
	return table, nil
}
