package linux

import (
	"sync"

	"golang.org/x/sys/unix"
)

// nsID identifies a namespace: the device and inode of its nsfs file.
type nsID struct{ dev, ino uint64 }

func nsIDOf(st *unix.Stat_t) nsID { return nsID{dev: uint64(st.Dev), ino: st.Ino} }

// ownedNs remembers the namespaces this process saw labelled with its
// stack (Observe) or created itself, by identity. Deleting one of those
// needs no second read of its label: reading lo takes the rtnl lock, which
// the kernel's teardown of the namespaces deleted just before holds for
// milliseconds at a time, so the re-check cost more than the deletion. A
// namespace whose mount now holds another namespace fails the identity test
// and gets the full check.
type ownedNs struct {
	mu sync.Mutex
	m  map[string]nsID
}

func (o *ownedNs) set(name string, id nsID) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.m == nil {
		o.m = map[string]nsID{}
	}
	o.m[name] = id
}

func (o *ownedNs) forget(name string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.m, name)
}

// is says whether the namespace mounted at name now is the one remembered.
func (o *ownedNs) is(name string, st *unix.Stat_t) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	id, ok := o.m[name]
	return ok && id == nsIDOf(st)
}
