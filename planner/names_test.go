package planner

import (
	"reflect"
	"testing"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/model"
	"github.com/netplan-dev/netplan/planner/plannertest"
)

// Names must ask an observation about exactly what Target would.
func TestNamesQueryMatchesTarget(t *testing.T) {
	internalOnly := &model.Desired{Stack: "i", Networks: []model.Network{plannertest.Net("a", "np-a", "10.1.0.0/24")},
		Containers: []model.Container{plannertest.Container("x", "a")}}
	internalOnly.Networks[0].Internal = true
	for name, d := range map[string]*model.Desired{
		"demo":          plannertest.Demo("t"),
		"empty":         {Stack: "e"},
		"internal only": internalOnly,
	} {
		t.Run(name, func(t *testing.T) {
			want := drivers.QueryFor(mustTarget(t, d, nil))
			if got := drivers.QueryFor(Names(d)); !reflect.DeepEqual(got, want) {
				t.Errorf("QueryFor(Names) = %+v\nwant QueryFor(Target) = %+v", got, want)
			}
		})
	}
}
