package drivers

import (
	"context"
	"net/netip"

	"github.com/netplan-dev/netplan/model"
)

// Kernel observes and changes the kernel state of one host.
// Implementations must allow Do to be called from several goroutines at once
// for steps of the same phase.
type Kernel interface {
	// Observe reads the live State of q.Stack (every object labelled as the
	// stack's) and reports objects that carry names q asks about but that the
	// stack does not own.
	Observe(ctx context.Context, q Query) (*Observation, error)
	// Do performs one step. Errors name the object and the operation.
	Do(ctx context.Context, step model.Step) error
	// Close releases handles and sockets.
	Close() error
}

// Query says which stack to observe and which names the configuration wants.
type Query struct {
	Stack   string
	Bridges []string       // bridge link names the configuration uses
	Netns   []string       // namespace names the configuration uses
	Subnets []netip.Prefix // subnets the configuration uses: checked against routes the stack does not own
	Sysctls []string       // sysctl keys to read into State.Sysctls
	// BridgeMACs is the MAC netplan gives each bridge it would create, by
	// name. A bridge is labelled in the request after the one that makes
	// it; a bridge with no alias, the name and the MAC of one of the
	// stack's, and neither ports nor addresses, is one that a killed apply
	// made and did not label. Observe reports it as neither the stack's
	// nor foreign but as Unfinished: a plan to build creates it again, and
	// creating it adopts it; a plan to destroy deletes it, and deleting an
	// unlabelled bridge checks its MAC against the one of its owner.
	BridgeMACs map[string]string
}

// Observation is what Observe saw.
type Observation struct {
	State   *model.State
	Foreign []Foreign // sorted by Kind, then Name
	// Unfinished is every bridge a killed apply made and did not label
	// (see Query.BridgeMACs), as it is; its Owner is empty.
	Unfinished []*model.Bridge
}

// Foreign is an object with a name the configuration wants that the stack does not own.
type Foreign struct {
	Kind   string // "bridge" (any link with that name), "netns", "table", "route"
	Name   string // link, namespace or table name, or the route's prefix
	Detail string // who owns it when known (another stack's label, a link kind, a route's device)
}

// Recorder is a Kernel that can take what it would read inside a container's
// namespace from a record of an earlier run instead, when what the host
// shows of that namespace agrees with the record (drivers/linux does; see
// its records.go for what the host shows and what a record misses). The
// caller keeps the record between runs; plan and apply -refresh=false use it.
type Recorder interface {
	// Record describes what the observations so far read inside the
	// stack's namespaces; after an apply, the host as verified.
	Record() ([]byte, error)
	// Trust hands a record to the next Observe of its stack.
	Trust(record []byte) error
	// Recall hands a record to the next Observe of its stack, which takes
	// from it only what the kernel proves unchanged since (drivers/linux:
	// the firewall, while nftables' generation is the record's) and reads
	// everything else: what a plain plan sees is the live kernel's.
	Recall(record []byte) error
}
