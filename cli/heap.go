package cli

import (
	"bytes"
	"os"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugePageBallast is how much of the heap's address range is put on huge
// pages: more than a 1000-container apply allocates. Untouched, it costs
// no memory.
const hugePageBallast = 64 << 20

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
// fault it in 2 MiB at a time. NETPLAN_HUGEPAGES=0 turns this off.
func useHugePages() {
	if os.Getenv("NETPLAN_HUGEPAGES") == "0" || !hugePagesOnRequest() {
		return
	}
	ballast := make([]byte, hugePageBallast)
	// madvise wants a page-aligned start; huge pages want 2 MiB.
	const huge = 2 << 20
	base := uintptr(unsafe.Pointer(&ballast[0]))
	from := (base+huge-1)&^(huge-1) - base
	_ = unix.Madvise(ballast[from:from+(hugePageBallast-huge)], unix.MADV_HUGEPAGE)
	runtime.KeepAlive(ballast)
	ballast = nil
	runtime.GC()
}

// hugePagesOnRequest says whether the kernel gives huge pages to a mapping
// that asks (THP "always" or "madvise"); "never", or no THP at all, would
// make the collection above a cost with nothing in return.
func hugePagesOnRequest() bool {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	return err == nil && !bytes.Contains(mode, []byte("[never]"))
}
