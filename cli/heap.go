package cli

import (
	"bytes"
	"os"
	"runtime"
	"runtime/debug"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/netplan-dev/netplan/config"
)

// hugePageBallast is how much of the heap's address range is put on huge
// pages: more than a 1000-container apply allocates. Untouched, it costs
// no memory.
const hugePageBallast = 64 << 20

// hugePagesFrom is the size of configuration from which a run uses huge
// pages. Setting them up costs a collection, 4-5 ms of a run (measured on
// a one-network validate: 11-14 ms without, 16-21 with); where they are
// used a fresh page costs 11 µs (see slowFault), and a plan allocates
// about 20 KiB per container, which its configuration describes in 170
// bytes. So they pay from about 150 containers, 25 KiB of HCL.
const hugePagesFrom = 32 << 10

// useHugePages puts the heap this run is about to fill on transparent huge
// pages.
//
// A run builds its picture of a stack once and exits, so nearly every byte
// it allocates lands on a fresh page, and on the machines netplan is
// measured on (paravirtualised guests) faulting in a fresh 4 KiB page costs
// 10-11 µs: a third of a 1000-container plan's CPU time went to page faults.
// With THP in "madvise" mode (Debian's default) the Go runtime never asks
// for huge pages, and it maps the heap piece by piece, so an madvise of
// what is mapped now would not cover what comes next. Instead: allocate a
// block that the runtime maps in one piece and never touches, mark that
// mapping MADV_HUGEPAGE, and let one collection free the block. The
// allocations that follow reuse that range, lowest addresses first, and
// fault it in 2 MiB at a time. Small configurations skip it (see
// hugePagesFrom), and so do machines where a fresh page is cheap (see
// slowPageFaults); NETPLAN_HUGEPAGES=0 turns it off, =1 on whatever the
// probe says.
func useHugePages(configBytes int64) {
	env := os.Getenv("NETPLAN_HUGEPAGES")
	if configBytes < hugePagesFrom || env == "0" || !hugePagesOnRequest() || (env != "1" && !slowPageFaults()) {
		return
	}
	// Allocating the block would start a collection of its own.
	percent := debug.SetGCPercent(-1)
	ballast := make([]byte, hugePageBallast)
	// madvise wants a page-aligned start; huge pages want 2 MiB.
	const huge = 2 << 20
	base := uintptr(unsafe.Pointer(&ballast[0]))
	from := (base+huge-1)&^(huge-1) - base
	_ = unix.Madvise(ballast[from:from+(hugePageBallast-huge)], unix.MADV_HUGEPAGE)
	runtime.KeepAlive(ballast) // and no longer: the collection below frees it
	debug.SetGCPercent(percent)
	runtime.GC()
	// The freed range counts against the memory limit as heap the runtime
	// holds; left at the limit tuneGC set, it would make the collector run
	// early and the scavenger hand the range back to the kernel.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit + hugePageBallast)
	}
}

// slowFault is the cost of faulting in a fresh 4 KiB page above which huge
// pages pay. On a guest where a fault costs 10-11 µs they took a
// 1000-container no-op plan from 142-151 ms to 105-120 ms; where it costs
// 1.6-1.9 µs (a KVM guest, Xeon) they made it slower, 51-82 ms against
// 51-54 ms without, and an add-one apply 71-111 ms against 65-76 ms: each
// huge page is zeroed whole when first touched, and the kernel may compact
// memory to find one (64 MiB took 250 ms once, 10 ms the next time).
const slowFault = 5 * time.Microsecond

// slowPageFaults says whether faulting in fresh pages costs more than
// slowFault each here. It times a few faults on a scratch mapping, in
// batches, and keeps the fastest batch: a preemption in the middle of one
// would otherwise pass for a slow machine. It costs about 16 faults.
func slowPageFaults() bool {
	const pages, batches = 16, 4
	page := os.Getpagesize()
	mem, err := unix.Mmap(-1, 0, pages*page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return false
	}
	defer unix.Munmap(mem)
	fastest := time.Duration(1<<63 - 1)
	for b := range batches {
		t0 := time.Now()
		for p := b * pages / batches; p < (b+1)*pages/batches; p++ {
			mem[p*page] = 1
		}
		fastest = min(fastest, time.Since(t0))
	}
	return fastest > slowFault*pages/batches
}

// sizeOfConfig is how many bytes the configuration at path holds (0 when
// it cannot tell; the loader reports why).
func sizeOfConfig(path string) int64 {
	names, err := config.Files(path)
	if err != nil {
		return 0
	}
	var n int64
	for _, name := range names {
		if st, err := os.Stat(name); err == nil {
			n += st.Size()
		}
	}
	return n
}

// hugePagesOnRequest says whether the kernel gives huge pages to a mapping
// that asks (THP "always" or "madvise"); "never", or no THP at all, would
// make the collection above a cost with nothing in return.
func hugePagesOnRequest() bool {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	return err == nil && !bytes.Contains(mode, []byte("[never]"))
}
