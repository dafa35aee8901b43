package planner

import (
	"fmt"
	"testing"

	"github.com/netplan-dev/netplan/model"
	"github.com/netplan-dev/netplan/planner/plannertest"
)

// BenchmarkPlan1000 plans 1000 containers on two networks, each publishing
// a port: from an empty host (every object created) and when nothing changed.
func BenchmarkPlan1000(b *testing.B) {
	d := &model.Desired{Stack: "bench", Networks: []model.Network{
		plannertest.Net("a", "np-a", "10.10.0.0/16"),
		plannertest.Net("b", "np-b", "10.11.0.0/16"),
	}}
	for i := range 1000 {
		c := plannertest.Container(fmt.Sprintf("c%04d", i), []string{"a", "b"}[i%2])
		c.Publish = []model.Port{plannertest.Publish(uint16(10000+i), 80, 1)}
		d.Containers = append(d.Containers, c)
	}
	live := applied(b, d)
	for _, tc := range []struct {
		name     string
		observed *model.State
		empty    bool
	}{{"from-empty", model.NewState("bench"), false}, {"no-op", live, true}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				p, err := Make(d, tc.observed)
				if err != nil {
					b.Fatal(err)
				}
				if p.Empty() != tc.empty {
					b.Fatalf("plan empty = %v", p.Empty())
				}
			}
		})
	}
}
