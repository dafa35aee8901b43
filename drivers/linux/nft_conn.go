package linux

import (
	"fmt"

	"github.com/google/nftables"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// nftBufferBytes lets one batch carry tens of thousands of set elements:
// with the default buffers a batch over ~200 KB fails with EMSGSIZE.
const nftBufferBytes = 16 << 20

// firewallOwner is the owner part of the label written into every rule of a
// stack's table; a table with the stack's name but without it is foreign.
const firewallOwner = "firewall"

// newNftConn opens an nftables connection in the calling thread's namespace
// with send and receive buffers large enough for a whole table in one batch.
func newNftConn() (*nftables.Conn, error) {
	c, err := nftables.New(nftables.WithSockOptions(func(nc *netlink.Conn) error {
		raw, err := nc.SyscallConn()
		if err != nil {
			return err
		}
		var serr error
		err = raw.Control(func(fd uintptr) {
			// FORCE variants ignore wmem_max/rmem_max; we run as root (CAP_NET_ADMIN).
			if serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_SNDBUFFORCE, nftBufferBytes); serr != nil {
				return
			}
			serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, nftBufferBytes)
		})
		if err != nil {
			return err
		}
		return serr
	}))
	if err != nil {
		return nil, fmt.Errorf("open nftables connection: %w", err)
	}
	return c, nil
}

// findTable returns the ip-family table with that name, or nil.
func findTable(c *nftables.Conn, name string) (*nftables.Table, error) {
	tables, err := c.ListTablesOfFamily(nftables.TableFamilyIPv4)
	if err != nil {
		return nil, fmt.Errorf("list nftables tables: %w", err)
	}
	for _, t := range tables {
		if t.Name == name {
			return t, nil
		}
	}
	return nil, nil
}
