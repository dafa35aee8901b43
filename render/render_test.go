package render

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/netplan-dev/netplan/model"
	"github.com/netplan-dev/netplan/planner"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the current output")

// golden compares got with testdata/name.golden, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./render -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s:\n--- got ---\n%s\n--- want ---\n%s", name, path, got, want)
	}
}

// mixedPlan has one resource of every action, in scrambled order.
func mixedPlan() *planner.Plan {
	return &planner.Plan{
		Stack: "demo",
		Changes: []planner.ResourceChange{
			{Address: "network.front", Type: "network", Name: "front", Action: planner.Update,
				Before: map[string]string{"bridge": "np-front", "state": "down", "mtu": "1500"},
				After:  map[string]string{"bridge": "np-front", "state": "up", "mtu": "1500"},
				Attrs:  []planner.AttrChange{{Path: "state", Before: "down", After: "up", Drift: true}}},
			{Address: "container.web", Type: "container", Name: "web", Action: planner.Create,
				After: map[string]string{"netns": "web", "eth0.network": "front", "eth0.ipv4_address": "172.18.0.10",
					"eth0.mac_address": "02:42:ac:12:00:0a", "publish[tcp/8080]": "0.0.0.0:8080 -> 80"}},
			{Address: "container.old", Type: "container", Name: "old", Action: planner.Delete,
				Before: map[string]string{"netns": "old", "eth0.ipv4_address": "172.18.0.3"}},
			{Address: "container.db", Type: "container", Name: "db", Action: planner.Replace,
				Before: map[string]string{"netns": "db", "eth0.network": "front"},
				After:  map[string]string{"netns": "database", "eth0.network": "front", "eth1.network": "back"},
				Attrs: []planner.AttrChange{
					{Path: "netns", Before: "db", After: "database", ForcesReplace: true},
					{Path: "eth1.network", After: "back"},
					{Path: "eth0.mac_address", Before: "02:42:ac:12:00:05", Drift: true, ForcesReplace: true},
				}},
			{Address: "network.back", Type: "network", Name: "back", Action: planner.NoOp,
				Before: map[string]string{"bridge": "np-back"}, After: map[string]string{"bridge": "np-back"}},
			{Address: "sysctl.net.ipv4.ip_forward", Type: "sysctl", Name: "net.ipv4.ip_forward", Action: planner.Update,
				Before: map[string]string{"value": "0"}, After: map[string]string{"value": "1"},
				Attrs: []planner.AttrChange{{Path: "value", Before: "0", After: "1"}}},
		},
		Steps: []model.Step{{Kind: model.StepSetSysctl, Key: model.SysctlIPForward, Value: "1"}},
	}
}

func TestPlanHuman(t *testing.T) {
	destroyEmpty := &planner.Plan{Stack: "demo", Destroy: true}
	noOps := &planner.Plan{Stack: "demo", Changes: []planner.ResourceChange{{Address: "network.back", Type: "network", Name: "back", Action: planner.NoOp}}}
	tests := []struct {
		name string
		plan *planner.Plan
		opts Options
	}{
		{"plan_mixed", mixedPlan(), Options{}},
		{"plan_mixed_color", mixedPlan(), Options{Color: true}},
		{"plan_empty", noOps, Options{}},
		{"plan_destroy_empty", destroyEmpty, Options{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Plan(&buf, tt.plan, tt.opts); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, buf.Bytes())
			if !tt.opts.Color && bytes.Contains(buf.Bytes(), []byte("\x1b[")) {
				t.Error("colors written with Color off")
			}
		})
	}
}

func TestPlanJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := PlanJSON(&buf, mixedPlan()); err != nil {
		t.Fatal(err)
	}
	golden(t, "plan_mixed_json", buf.Bytes())

	// The contract's shape, checked independently of the golden file.
	var doc struct {
		FormatVersion   string `json:"format_version"`
		Stack           string
		ResourceChanges []struct {
			Address, Type, Name string
			Change              struct {
				Actions       []string
				Before, After map[string]string
			}
		} `json:"resource_changes"`
		Summary struct{ Add, Change, Destroy int }
	}
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if dec.More() {
		t.Error("more than one JSON document")
	}
	if doc.FormatVersion != "1.0" || doc.Stack != "demo" || len(doc.ResourceChanges) != 6 {
		t.Errorf("header = %q %q, %d changes", doc.FormatVersion, doc.Stack, len(doc.ResourceChanges))
	}
	actions := map[string][]string{}
	for _, rc := range doc.ResourceChanges {
		actions[rc.Address] = rc.Change.Actions
	}
	for addr, want := range map[string]string{"container.db": "[delete create]", "network.back": "[no-op]", "container.web": "[create]", "container.old": "[delete]"} {
		if got := fmtSlice(actions[addr]); got != want {
			t.Errorf("%s actions = %s, want %s", addr, got, want)
		}
	}
	if doc.Summary.Add != 2 || doc.Summary.Change != 2 || doc.Summary.Destroy != 2 {
		t.Errorf("summary = %+v, want 2/2/2", doc.Summary)
	}
}

func fmtSlice(s []string) string {
	b, _ := json.Marshal(s)
	var out bytes.Buffer
	out.WriteByte('[')
	var v []string
	json.Unmarshal(b, &v)
	for i, x := range v {
		if i > 0 {
			out.WriteByte(' ')
		}
		out.WriteString(x)
	}
	out.WriteByte(']')
	return out.String()
}

// liveState is what an observation of the seed-like stack returns.
func liveState() *model.State {
	s := model.NewState("demo")
	s.Bridges["np-front"] = &model.Bridge{Owner: "network.front", Name: "np-front", Up: true,
		Addrs: []netip.Prefix{netip.MustParsePrefix("172.18.0.1/16")}}
	s.Bridges["netplan0"] = &model.Bridge{Owner: "network.bridge", Name: "netplan0", Up: true,
		Addrs: []netip.Prefix{netip.MustParsePrefix("172.17.0.1/16")}}
	s.Netns["web"] = &model.Netns{Owner: "container.web", Name: "web", LoUp: true, Veths: map[string]*model.Veth{
		"eth1": {Name: "eth1", Bridge: "np-front", MAC: "02:42:ac:12:00:0a", Addrs: []netip.Prefix{netip.MustParsePrefix("172.18.0.10/16")}},
		"eth0": {Name: "eth0", Bridge: "netplan0", MAC: "02:42:ac:11:00:02", Addrs: []netip.Prefix{netip.MustParsePrefix("172.17.0.2/16")}},
	}}
	s.Netns["isolated"] = &model.Netns{Owner: "container.isolated", Name: "iso-ns", LoUp: true, Veths: map[string]*model.Veth{}}
	s.Firewall = &model.Firewall{Table: "netplan-demo", Ports: []model.PublishedPort{
		{Owner: "container.web", Protocol: "udp", HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: 5353, Addr: netip.MustParseAddr("172.17.0.2"), Port: 53},
		{Owner: "container.web", Protocol: "tcp", HostIP: netip.IPv4Unspecified(), HostPort: 8080, Addr: netip.MustParseAddr("172.17.0.2"), Port: 80},
		{Owner: "container.gone", Protocol: "tcp", HostPort: 9090, Addr: netip.MustParseAddr("172.17.0.9"), Port: 90},
	}}
	return s
}

func TestNewView(t *testing.T) {
	v := NewView(liveState())
	if len(v.Networks) != 2 || v.Networks[0].Name != "bridge" || v.Networks[1].Subnet != "172.18.0.0/16" || v.Networks[1].Gateway != "172.18.0.1" {
		t.Errorf("networks = %+v", v.Networks)
	}
	if len(v.Containers) != 3 {
		t.Fatalf("containers = %+v", v.Containers)
	}
	web := v.Containers[2]
	if web.Name != "web" || len(web.Interfaces) != 2 || web.Interfaces[1].Network != "front" || web.Interfaces[0].IPv4Address != "172.17.0.2" {
		t.Errorf("web = %+v", web)
	}
	if len(web.Published) != 2 || web.Published[0].Protocol != "tcp" || web.Published[0].HostIP != "0.0.0.0" || web.Published[1].HostIP != "127.0.0.1" {
		t.Errorf("web published = %+v", web.Published)
	}
	if gone := v.Containers[0]; gone.Name != "gone" || gone.Netns != "" || gone.Published[0].HostIP != "0.0.0.0" {
		t.Errorf("port without namespace = %+v", gone)
	}
}

func TestShow(t *testing.T) {
	tests := []struct {
		name  string
		state *model.State
	}{
		{"show_live", liveState()},
		{"show_empty", model.NewState("demo")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Show(&buf, NewView(tt.state), Options{}); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, buf.Bytes())
			buf.Reset()
			if err := ShowJSON(&buf, NewView(tt.state)); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name+"_json", buf.Bytes())
		})
	}
}
