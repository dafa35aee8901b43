package planner

import (
	"sync"

	"github.com/netplan-dev/netplan/model"
)

// observedSide is the part of a plan that depends only on the observed
// State: its copy (Plan.Observed) and its view (the Before of every
// change). Each costs a few milliseconds on 1000 containers and neither
// needs the target, so they are built on another goroutine while the
// target is computed and diffed. Everyone only reads the caller's State.
// The fingerprint is not made here: only a saved plan needs one (see
// Plan.Fingerprint).
type observedSide struct {
	sorted, cloned, viewed sync.WaitGroup

	netns []string // names of the namespaces, in order
	o     *model.State
	view  map[string]*resource
}

func startObserved(observed *model.State) *observedSide {
	s := &observedSide{}
	s.sorted.Add(1)
	s.cloned.Add(1)
	s.viewed.Add(1)
	go func() {
		s.netns = sortedKeys(observed.Netns) // the copy has the same keys
		s.sorted.Done()
		s.o = observed.Clone()
		s.cloned.Done()
		s.view = newViewer().view(s.o, s.netns, nil, nil)
		s.viewed.Done()
	}()
	return s
}

// names is the observed namespace names in order.
func (s *observedSide) names() []string {
	s.sorted.Wait()
	return s.netns
}

// state is the copy of the observed State, once made.
func (s *observedSide) state() *model.State {
	s.cloned.Wait()
	return s.o
}

// resources is the view of the observed State, once built.
func (s *observedSide) resources() map[string]*resource {
	s.viewed.Wait()
	return s.view
}

// wait returns once nothing reads the observed State any more.
func (s *observedSide) wait() {
	s.viewed.Wait()
}
