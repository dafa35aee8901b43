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
//
// It is lasting: one socket for every request. A transient connection opens
// a socket per request, and closing a socket makes the kernel finish the
// cleanup of the last transaction first (nft_rcv_nl_event), which waits for
// an RCU grace period: 8-35 ms after any delete, paid inside the step. With
// one socket that wait happens once, on Close, by which time verification
// has usually let the grace period pass. After an error, call
// dropLasting: the connection then falls back to a socket per request, so
// no reply left unread can be taken for the answer to the next one.
func newNftConn() (*nftables.Conn, error) {
	c, err := nftables.New(nftables.AsLasting(), nftables.WithSockOptions(func(nc *netlink.Conn) error {
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

// dropLasting closes c's lasting socket after a failed request; c keeps
// working with a socket per request.
func dropLasting(c *nftables.Conn) {
	_ = c.CloseLasting()
}

// firewallDone passes a firewall step's error through, dropping the lasting
// socket when there is one.
func (k *Kernel) firewallDone(err error) error {
	if err != nil {
		dropLasting(k.nft)
	}
	return err
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
