package linux

import (
	"encoding/binary"
	"fmt"
	"syscall"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// dumper runs one netlink dump and hands each message's payload to f.
type dumper interface {
	dump(typ int, resType uint16, f func(m []byte) error, data ...nl.NetlinkRequestData) error
}

// handleDumper dumps through a netlink library socket (the host's).
type handleDumper struct{ sh *nl.SocketHandle }

func (h handleDumper) dump(typ int, resType uint16, f func(m []byte) error, data ...nl.NetlinkRequestData) error {
	req := nl.NewNetlinkRequest(typ, unix.NLM_F_DUMP)
	req.Sockets = map[int]*nl.SocketHandle{unix.NETLINK_ROUTE: h.sh}
	for _, d := range data {
		req.AddData(d)
	}
	return iterate(req, resType, f)
}

// nlSock is a blocking NETLINK_ROUTE socket driven by plain syscalls.
// Observe opens one in every namespace it reads; the library's sockets go
// through the runtime's poller (os.File, fcntl, epoll registration, read
// deadlines), which cost more than the three dumps of a container's
// namespace themselves.
type nlSock struct {
	fd  int
	seq uint32
	buf []byte
}

// openRtnl opens a NETLINK_ROUTE socket in the calling thread's network
// namespace.
func openRtnl(buf []byte) (*nlSock, error) { return openNetlink(unix.NETLINK_ROUTE, buf) }

// openNetlink opens a socket of the netlink protocol proto in the calling
// thread's network namespace.
func openNetlink(proto int, buf []byte) (*nlSock, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, proto)
	if err != nil {
		return nil, fmt.Errorf("open netlink socket: %w", err)
	}
	// A kernel that never answers must not hang observe forever.
	tv := unix.NsecToTimeval(int64(nl.SocketTimeoutTv.Sec)*1e9 + int64(nl.SocketTimeoutTv.Usec)*1e3)
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("set netlink receive timeout: %w", err)
	}
	// Strict checking makes the kernel honour the dump filters in the
	// request header (the main table only, for routes) instead of dumping
	// everything; kernels before 4.20 refuse the option and dump it all.
	_ = unix.SetsockoptInt(fd, unix.SOL_NETLINK, unix.NETLINK_GET_STRICT_CHK, 1)
	return &nlSock{fd: fd, buf: buf}, nil
}

func (s *nlSock) close() { unix.Close(s.fd) }

func (s *nlSock) dump(typ int, resType uint16, f func(m []byte) error, data ...nl.NetlinkRequestData) error {
	return s.exchange(typ, unix.NLM_F_DUMP, resType, f, data...)
}

// get sends one request and hands its answer of type resType to f. It asks
// for no acknowledgement: the answer, or the error that replaces it, is the
// whole reply, and an ACK would cost one more receive per namespace read.
func (s *nlSock) get(typ int, resType uint16, f func(m []byte) error, data ...nl.NetlinkRequestData) error {
	return s.exchange(typ, 0, resType, f, data...)
}

// exchange sends a request and reads up to its NLMSG_DONE, or the
// NLMSG_ERROR that acknowledges it; a request that is neither a dump nor
// asks for an ACK ends with its one answer.
func (s *nlSock) exchange(typ, flags int, resType uint16, f func(m []byte) error, data ...nl.NetlinkRequestData) error {
	req := nl.NewNetlinkRequest(typ, flags)
	for _, d := range data {
		req.AddData(d)
	}
	s.seq++
	req.Seq = s.seq
	if err := unix.Sendto(s.fd, req.Serialize(), 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	oneAnswer := flags&(unix.NLM_F_DUMP|unix.NLM_F_ACK) == 0
	var ferr error
	interrupted := false
	for {
		n, _, err := unix.Recvfrom(s.fd, s.buf, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("receive: %w", err)
		}
		for b := s.buf[:n]; len(b) >= unix.NLMSG_HDRLEN; {
			l := int(binary.NativeEndian.Uint32(b[0:4]))
			if l < unix.NLMSG_HDRLEN || l > len(b) {
				return fmt.Errorf("receive: malformed message (length %d of %d)", l, len(b))
			}
			typ := binary.NativeEndian.Uint16(b[4:6])
			flags := binary.NativeEndian.Uint16(b[6:8])
			seq := binary.NativeEndian.Uint32(b[8:12])
			payload := b[unix.NLMSG_HDRLEN:l]
			b = b[min(nlmAlign(l), len(b)):]
			if seq != s.seq {
				continue // the tail of an earlier dump that stopped early
			}
			if flags&unix.NLM_F_DUMP_INTR != 0 {
				interrupted = true
			}
			switch typ {
			case unix.NLMSG_DONE:
				switch {
				case ferr != nil:
					return ferr
				case interrupted:
					return netlink.ErrDumpInterrupted
				}
				return nil
			case unix.NLMSG_ERROR:
				if len(payload) >= 4 {
					if errno := int32(binary.NativeEndian.Uint32(payload[:4])); errno != 0 {
						return syscall.Errno(-errno)
					}
				}
				return ferr
			}
			if typ == resType && ferr == nil {
				ferr = f(payload)
			}
			if typ == resType && oneAnswer {
				return ferr
			}
		}
	}
}

func nlmAlign(l int) int { return (l + unix.NLMSG_ALIGNTO - 1) &^ (unix.NLMSG_ALIGNTO - 1) }
