package planner

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/netplan-dev/netplan/model"
	"github.com/netplan-dev/netplan/planner/plannertest"
)

// BenchmarkPlan1000 plans 1000 containers on two networks, each publishing
// a port: from an empty host (every object created), when nothing changed,
// and the two incremental edits an apply on a large stack is mostly about:
// one container added, and one container's published port changed.
func BenchmarkPlan1000(b *testing.B) {
	d := bench1000(1000)
	live := applied(b, d)
	added := bench1000(1001)
	moved := plannertest.Clone(d)
	moved.Containers[500].Publish[0].HostPort = 20000
	for _, tc := range []struct {
		name     string
		desired  *model.Desired
		observed *model.State
		changed  []string // resources the plan must change
	}{
		{"from-empty", d, model.NewState("bench"), nil},
		{"no-op", d, live, []string{}},
		{"add-one", added, live, []string{"container.c1000 create"}},
		{"port-one", moved, live, []string{"container.c0500 update"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			start := cpuTime()
			for b.Loop() {
				p, err := Make(tc.desired, tc.observed)
				if err != nil {
					b.Fatal(err)
				}
				if tc.changed != nil && fmt.Sprint(actions(p)) != fmt.Sprint(tc.changed) {
					b.Fatalf("changes = %v, want %v", actions(p), tc.changed)
				}
				if p.Empty() != (tc.changed != nil && len(tc.changed) == 0) {
					b.Fatalf("plan empty = %v", p.Empty())
				}
			}
			// Make runs on several goroutines: ns/op alone hides what it
			// costs the machine, and varies more with the machine's load.
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
		})
	}
}

// bench1000 is n containers alternating between two networks, container i
// publishing host port 10000+i.
func bench1000(n int) *model.Desired {
	d := &model.Desired{Stack: "bench", Networks: []model.Network{
		plannertest.Net("a", "np-a", "10.10.0.0/16"),
		plannertest.Net("b", "np-b", "10.11.0.0/16"),
	}}
	for i := range n {
		c := plannertest.Container(fmt.Sprintf("c%04d", i), []string{"a", "b"}[i%2])
		c.Publish = []model.Port{plannertest.Publish(uint16(10000+i), 80, 1)}
		d.Containers = append(d.Containers, c)
	}
	return d
}

// cpuTime is the CPU time the process has used, every thread and the GC.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
