package fake

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/model"
)

var ctx = context.Background()

func bridge(name string) *model.Bridge {
	return &model.Bridge{Owner: "network." + name, Name: name, MTU: 1500, Up: true, Addrs: []netip.Prefix{netip.MustParsePrefix("10.1.0.1/24")}}
}

func veth(iface, host, br string) *model.Veth {
	return &model.Veth{Name: iface, HostName: host, Bridge: br, Up: true, HostUp: true, Addrs: []netip.Prefix{netip.MustParsePrefix("10.1.0.2/24")}}
}

func ns(name string) *model.Netns { return &model.Netns{Owner: "container." + name, Name: name} }

func TestKernelErrors(t *testing.T) {
	k := New()
	k.SetStack("a")
	k.AddForeign("bridge", "docker0", "bridge")
	k.AddForeign("netns", "theirs", "ip netns add")
	must := func(s model.Step) {
		t.Helper()
		if err := k.Do(ctx, s); err != nil {
			t.Fatalf("%s: %v", s.Kind, err)
		}
	}
	must(model.Step{Kind: model.StepCreateBridge, Link: "br0", Bridge: bridge("br0")})
	must(model.Step{Kind: model.StepCreateNetns, Netns: ns("web")})
	must(model.Step{Kind: model.StepCreateVeth, Netns: ns("web"), Veth: veth("eth0", "h0", "br0")})
	tests := []struct {
		name string
		step model.Step
		want error
	}{
		{"bridge exists", model.Step{Kind: model.StepCreateBridge, Link: "br0", Bridge: bridge("br0")}, syscall.EEXIST},
		{"name of a host veth", model.Step{Kind: model.StepCreateBridge, Link: "h0", Bridge: bridge("h0")}, syscall.EEXIST},
		{"name of a foreign link", model.Step{Kind: model.StepCreateBridge, Link: "docker0", Bridge: bridge("docker0")}, syscall.EEXIST},
		{"delete missing bridge", model.Step{Kind: model.StepDeleteBridge, Link: "nope"}, syscall.ENOENT},
		{"delete foreign bridge", model.Step{Kind: model.StepDeleteBridge, Link: "docker0"}, syscall.ENOENT},
		{"netns exists", model.Step{Kind: model.StepCreateNetns, Netns: ns("web")}, syscall.EEXIST},
		{"foreign netns", model.Step{Kind: model.StepCreateNetns, Netns: ns("theirs")}, syscall.EEXIST},
		{"delete missing netns", model.Step{Kind: model.StepDeleteNetns, Netns: ns("nope")}, syscall.ENOENT},
		{"veth in missing netns", model.Step{Kind: model.StepCreateVeth, Netns: ns("nope"), Veth: veth("eth0", "h9", "br0")}, syscall.ENOENT},
		{"veth on missing bridge", model.Step{Kind: model.StepCreateVeth, Netns: ns("web"), Veth: veth("eth1", "h9", "nope")}, syscall.ENOENT},
		{"host veth exists", model.Step{Kind: model.StepCreateVeth, Netns: ns("web"), Veth: veth("eth1", "h0", "br0")}, syscall.EEXIST},
		{"delete missing veth", model.Step{Kind: model.StepDeleteVeth, Netns: ns("web"), Veth: veth("eth9", "h9", "")}, syscall.ENOENT},
		{"address exists", model.Step{Kind: model.StepAddAddr, Netns: ns("web"), Veth: veth("eth0", "h0", ""), Addr: netip.MustParsePrefix("10.1.0.2/24")}, syscall.EEXIST},
		{"delete missing address", model.Step{Kind: model.StepDelAddr, Netns: ns("web"), Veth: veth("eth0", "h0", ""), Addr: netip.MustParsePrefix("10.1.0.3/24")}, syscall.EADDRNOTAVAIL},
		{"unreachable gateway", model.Step{Kind: model.StepSetRoute, Netns: ns("web"), Gateway: netip.MustParseAddr("10.2.0.1")}, syscall.ENETUNREACH},
		{"no route to delete", model.Step{Kind: model.StepDelRoute, Netns: ns("web")}, syscall.ESRCH},
		{"sysctl of a missing link", model.Step{Kind: model.StepSetSysctl, Key: model.SysctlRouteLocalnet("nope"), Value: "1"}, syscall.ENOENT},
		{"delete missing table", model.Step{Kind: model.StepDeleteFirewall, Firewall: &model.Firewall{Table: "netplan-a"}}, syscall.ENOENT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := k.Dump()
			err := k.Do(ctx, tt.step)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want.Error()) {
				t.Errorf("err %q does not read like the kernel's %q", err, tt.want)
			}
			if k.Dump() != before {
				t.Error("a failed step changed the world")
			}
		})
	}
}

func TestBridgePortLimit(t *testing.T) {
	k := New()
	k.SetStack("a")
	if err := k.Do(ctx, model.Step{Kind: model.StepCreateBridge, Link: "br0", Bridge: bridge("br0")}); err != nil {
		t.Fatal(err)
	}
	if err := k.Do(ctx, model.Step{Kind: model.StepCreateNetns, Netns: ns("c")}); err != nil {
		t.Fatal(err)
	}
	for i := range 1024 {
		err := k.Do(ctx, model.Step{Kind: model.StepCreateVeth, Netns: ns("c"), Veth: veth(fmt.Sprintf("e%d", i), fmt.Sprintf("h%d", i), "br0")})
		if i < 1023 && err != nil {
			t.Fatalf("port %d: %v", i, err)
		}
		if i == 1023 && (!errors.Is(err, syscall.EXFULL) || !strings.Contains(err.Error(), "exchange full")) {
			t.Fatalf("port 1024: err = %v, want exchange full", err)
		}
	}
}

func TestRoutesFollowTheKernel(t *testing.T) {
	k := New()
	k.SetStack("a")
	gw := netip.MustParseAddr("10.1.0.1")
	for _, s := range []model.Step{
		{Kind: model.StepCreateBridge, Link: "br0", Bridge: bridge("br0")},
		{Kind: model.StepCreateNetns, Netns: ns("c")},
		{Kind: model.StepCreateVeth, Netns: ns("c"), Veth: veth("eth0", "h0", "br0")},
		{Kind: model.StepSetRoute, Netns: ns("c"), Gateway: gw},
		{Kind: model.StepDeleteBridge, Link: "br0"},
	} {
		if err := k.Do(ctx, s); err != nil {
			t.Fatalf("%s: %v", s.Kind, err)
		}
	}
	obs, _ := k.Observe(ctx, drivers.Query{Stack: "a"})
	v := obs.State.Netns["c"].Veths["eth0"]
	if v.Bridge != "" || v.Hairpin || obs.State.Netns["c"].Gateway != gw {
		t.Errorf("after deleting its bridge: veth %+v gateway %v; want released, route kept", v, obs.State.Netns["c"].Gateway)
	}
	if err := k.Do(ctx, model.Step{Kind: model.StepDelAddr, Netns: ns("c"), Veth: veth("eth0", "h0", ""), Addr: v.Addrs[0]}); err != nil {
		t.Fatal(err)
	}
	obs, _ = k.Observe(ctx, drivers.Query{Stack: "a"})
	if obs.State.Netns["c"].Gateway.IsValid() {
		t.Error("route kept after its gateway became unreachable")
	}
}

func TestObserve(t *testing.T) {
	k := New()
	s := model.NewState("a")
	s.Bridges["br0"] = bridge("br0")
	s.Netns["web"] = &model.Netns{Owner: "container.web", Name: "web", LoUp: true, Veths: map[string]*model.Veth{"eth0": veth("eth0", "h0", "br0")}}
	s.Sysctls[model.SysctlIPForward] = "1"
	s.Sysctls[model.SysctlRouteLocalnet("br0")] = "1"
	k.SetState(s)
	other := model.NewState("b")
	other.Bridges["br1"] = &model.Bridge{Owner: "network.x", Name: "br1", Addrs: []netip.Prefix{netip.MustParsePrefix("10.9.0.1/16")}}
	other.Netns["db"] = &model.Netns{Owner: "container.db", Name: "db", Veths: map[string]*model.Veth{}}
	k.SetState(other)
	k.AddForeign("bridge", "docker0", "bridge")
	k.AddForeign("table", "netplan-a", "table made by hand")
	k.AddRoute(netip.MustParsePrefix("192.168.0.0/16"), "eth0")

	obs, err := k.Observe(ctx, drivers.Query{
		Stack:   "a",
		Bridges: []string{"br0", "br1", "docker0", "h0"},
		Netns:   []string{"web", "db"},
		Subnets: []netip.Prefix{netip.MustParsePrefix("10.9.1.0/24"), netip.MustParsePrefix("192.168.5.0/24"), netip.MustParsePrefix("10.1.0.0/24")},
		Sysctls: []string{model.SysctlIPForward},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range obs.Foreign {
		got = append(got, f.Kind+" "+f.Name)
	}
	want := "bridge br1,bridge docker0,bridge h0,netns db,route 10.9.0.0/16,route 192.168.0.0/16,table netplan-a"
	if strings.Join(got, ",") != want {
		t.Errorf("foreign = %q, want %q", strings.Join(got, ","), want)
	}
	if len(obs.State.Sysctls) != 1 || obs.State.Sysctls[model.SysctlIPForward] != "1" {
		t.Errorf("sysctls = %v, want only the key asked for", obs.State.Sysctls)
	}
	obs.State.Bridges["br0"].Up = false
	obs.State.Netns["web"].Veths["eth0"].Addrs[0] = netip.MustParsePrefix("1.2.3.4/8")
	again, _ := k.Observe(ctx, drivers.Query{Stack: "a"})
	if !again.State.Bridges["br0"].Up || again.State.Netns["web"].Veths["eth0"].Addrs[0].String() != "10.1.0.2/24" {
		t.Error("Observe handed out the world's own memory")
	}
}

func TestConcurrentDo(t *testing.T) {
	k := New()
	k.SetStack("a")
	if err := k.Do(ctx, model.Step{Kind: model.StepCreateBridge, Link: "br0", Bridge: bridge("br0")}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() {
			name := fmt.Sprintf("c%d", i)
			if err := k.Do(ctx, model.Step{Kind: model.StepCreateNetns, Netns: ns(name)}); err != nil {
				t.Error(err)
				return
			}
			if err := k.Do(ctx, model.Step{Kind: model.StepCreateVeth, Netns: ns(name), Veth: veth("eth0", "h"+name, "br0")}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if k.StepsDone() != 1+64*2 {
		t.Errorf("steps done = %d", k.StepsDone())
	}
	if n := strings.Count(k.Dump(), " veth eth0 "); n != 64 {
		t.Errorf("%d veths in the dump, want 64", n)
	}
}

func TestFailOnAndDrop(t *testing.T) {
	k := New()
	k.SetStack("a")
	k.FailOn = func(s model.Step) error {
		if s.Link == "bad" {
			return syscall.EPERM
		}
		return nil
	}
	k.Drop = func(s model.Step) bool { return s.Link == "lazy" }
	if err := k.Do(ctx, model.Step{Kind: model.StepCreateBridge, Link: "bad", Bridge: bridge("bad")}); !errors.Is(err, syscall.EPERM) {
		t.Errorf("FailOn: err = %v", err)
	}
	if err := k.Do(ctx, model.Step{Kind: model.StepCreateBridge, Link: "lazy", Bridge: bridge("lazy")}); err != nil {
		t.Errorf("Drop: err = %v", err)
	}
	if d := k.Dump(); strings.Contains(d, "bridge bad") || strings.Contains(d, "bridge lazy") {
		t.Errorf("failed or dropped steps changed the world:\n%s", d)
	}
	if k.StepsDone() != 1 {
		t.Errorf("steps done = %d, want the dropped one only", k.StepsDone())
	}
}

func TestDumpIsCanonical(t *testing.T) {
	build := func(order []string) string {
		k := New()
		k.SetStack("a")
		for _, name := range order {
			if err := k.Do(ctx, model.Step{Kind: model.StepCreateBridge, Link: name, Bridge: bridge(name)}); err != nil {
				t.Fatal(err)
			}
		}
		return k.Dump()
	}
	if a, b := build([]string{"x", "y", "z"}), build([]string{"z", "x", "y"}); a != b {
		t.Errorf("dump depends on creation order:\n%s\n%s", a, b)
	}
}
