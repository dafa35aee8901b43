package apply

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/netplan-dev/netplan/internal/trace"
	"github.com/netplan-dev/netplan/model"
)

// kindTimes sums, for NETPLAN_TRACE, how long a phase's steps of each kind
// took: how many, their total and longest time, and when the last one ended.
// The phase's own line cannot tell a long step from a queue of short ones.
type kindTimes struct {
	start time.Time
	by    map[model.StepKind]*kindTime
}

type kindTime struct {
	n               int
	sum, max, ended time.Duration
}

func newKindTimes(start time.Time) *kindTimes {
	if !trace.On() {
		return nil
	}
	return &kindTimes{start: start, by: map[model.StepKind]*kindTime{}}
}

// add records a step of kind that started at s0 and ended now. The caller
// serialises calls.
func (k *kindTimes) add(kind model.StepKind, s0 time.Time) {
	if k == nil {
		return
	}
	now := time.Now()
	t := k.by[kind]
	if t == nil {
		t = &kindTime{}
		k.by[kind] = t
	}
	d := now.Sub(s0)
	t.n++
	t.sum += d
	t.max = max(t.max, d)
	t.ended = max(t.ended, now.Sub(k.start))
}

func (k *kindTimes) print() {
	if k == nil {
		return
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	for _, kind := range slices.Sorted(maps.Keys(k.by)) {
		t := k.by[kind]
		trace.Line(fmt.Sprintf("  %d %s: sum %.2f ms, max %.2f ms, last ended at %.2f ms", t.n, kind, ms(t.sum), ms(t.max), ms(t.ended)))
	}
}
