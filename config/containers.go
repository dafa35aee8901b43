package config

import (
	"maps"
	"runtime"
	"slices"
	"sync"

	"github.com/hashicorp/hcl/v2"
)

// parallelContainers is how many container blocks it takes for
// loadContainers to decode them on every CPU; below it one loop is cheaper.
// Tests lower it to run every fixture both ways.
var parallelContainers = 256

// loadContainers admits and decodes the container blocks in order, into
// l.ctrs. A large configuration is decoded on every CPU (1000 containers: 11
// ms of CPU in one loop), with the same result and the same diagnostics in
// the same order as the loop: admission, which tells a repeated name from
// the first, stays in order; each container's diagnostics are kept apart
// and put back in block order.
func (l *loader) loadContainers(blocks []*hcl.Block) {
	workers := runtime.GOMAXPROCS(0)
	if len(blocks) < parallelContainers || workers < 2 {
		for _, b := range blocks {
			if c := l.admitContainer(b); c != nil {
				l.decodeContainer(c)
				l.ctrs = append(l.ctrs, c)
			}
		}
		return
	}
	type item struct {
		c     *container
		diags hcl.Diagnostics // admission's when refused, else decoding's
	}
	items := make([]item, len(blocks))
	for i, b := range blocks {
		start := len(l.diags)
		if items[i].c = l.admitContainer(b); items[i].c == nil {
			items[i].diags = slices.Clone(l.diags[start:])
			l.diags = l.diags[:start]
		}
	}
	ctx := l.containerCtx() // built once, read by every decoder
	chunk := (len(items) + workers - 1) / workers
	var (
		wg   sync.WaitGroup
		subs []*loader
	)
	for lo := 0; lo < len(items); lo += chunk {
		hi := min(lo+chunk, len(items))
		sub := &loader{opts: l.opts, files: l.files, funcs: l.funcs, vars: l.vars, locals: l.locals, nets: l.nets, cctx: ctx,
			cfg: &Config{Ranges: make(map[string]hcl.Range, 8*(hi-lo))}}
		subs = append(subs, sub)
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				if c := items[i].c; c != nil {
					start := len(sub.diags)
					sub.decodeContainer(c)
					items[i].diags = sub.diags[start:len(sub.diags):len(sub.diags)]
				}
			}
		})
	}
	wg.Wait()
	for _, it := range items {
		l.diags = append(l.diags, it.diags...)
		if it.c != nil {
			l.ctrs = append(l.ctrs, it.c)
		}
	}
	for _, sub := range subs {
		maps.Copy(l.cfg.Ranges, sub.cfg.Ranges)
	}
}
