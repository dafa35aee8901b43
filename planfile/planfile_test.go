package planfile

import (
	"bytes"
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/netplan-dev/netplan/model"
	"github.com/netplan-dev/netplan/planner"
)

// samplePlan is a hand-built plan using every kind of field a real one has.
func samplePlan() *planner.Plan {
	target := model.NewState("demo")
	target.Bridges["np-front"] = &model.Bridge{
		Owner: "network.front", Name: "np-front", MTU: 1500, MAC: "02:aa:bb:cc:dd:ee", Up: true,
		Addrs: []netip.Prefix{netip.MustParsePrefix("172.18.0.1/16")},
	}
	veth := &model.Veth{
		Name: "eth0", HostName: "vnp0123456789", Bridge: "np-front", Hairpin: true, MTU: 1500,
		MAC: "02:42:ac:12:00:0a", Addrs: []netip.Prefix{netip.MustParsePrefix("172.18.0.10/16")}, Up: true, HostUp: true,
	}
	target.Netns["web"] = &model.Netns{Owner: "container.web", Name: "web", LoUp: true,
		Veths: map[string]*model.Veth{"eth0": veth}, Gateway: netip.MustParseAddr("172.18.0.1")}
	target.Sysctls[model.SysctlIPForward] = "1"
	target.Firewall = &model.Firewall{Table: "netplan-demo", Rules: []string{"chain prerouting <&>"},
		Sets:  map[string][]string{"ports": {"tcp . 8080"}},
		Ports: []model.PublishedPort{{Owner: "container.web", Protocol: "tcp", HostIP: netip.IPv4Unspecified(), HostPort: 8080, Addr: netip.MustParseAddr("172.18.0.10"), Port: 80}}}
	observed := model.NewState("demo")
	observed.Sysctls[model.SysctlIPForward] = "0"
	return &planner.Plan{
		Stack: "demo",
		Changes: []planner.ResourceChange{
			{Address: "container.web", Type: "container", Name: "web", Action: planner.Create,
				After: map[string]string{"netns": "web", "eth0.ipv4_address": "172.18.0.10"},
				Attrs: []planner.AttrChange{{Path: "eth0.ipv4_address", After: "172.18.0.10"}}},
			{Address: "network.front", Type: "network", Name: "front", Action: planner.NoOp,
				Before: map[string]string{"bridge": "np-front"}, After: map[string]string{"bridge": "np-front"}},
		},
		Steps: []model.Step{
			{Kind: model.StepCreateBridge, Owner: "network.front", Phase: 0, Bridge: target.Bridges["np-front"]},
			{Kind: model.StepCreateVeth, Owner: "container.web", Phase: 2, Netns: &model.Netns{Name: "web"}, Veth: veth},
			{Kind: model.StepSetRoute, Owner: "container.web", Phase: 3, Netns: &model.Netns{Name: "web"}, Gateway: netip.MustParseAddr("172.18.0.1")},
			{Kind: model.StepSetSysctl, Owner: "sysctl", Phase: 1, Key: model.SysctlIPForward, Value: "1"},
		},
		Target:      target,
		Observed:    observed,
		Fingerprint: "3f2a",
	}
}

func written(t testing.TB, p *planner.Plan) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, p); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	want := samplePlan()
	got, err := Read(bytes.NewReader(written(t, want)))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip changed the plan:\n got %+v\nwant %+v", got, want)
	}
}

func TestReadRefuses(t *testing.T) {
	good := string(written(t, samplePlan()))
	replaceOnce := func(old, new string) string {
		if !strings.Contains(good, old) {
			t.Fatalf("sample file lacks %q", old)
		}
		return strings.Replace(good, old, new, 1)
	}
	noTarget := samplePlan()
	noTarget.Target = nil
	tests := []struct {
		name, data string
		want       string // substring of the error
		is         error
	}{
		{"empty", "", "not a netplan plan file", ErrNotPlanFile},
		{"text", "hello\n", "not a netplan plan file", ErrNotPlanFile},
		{"zip (a Terraform plan)", "PK\x03\x04\x14\x00", "not a netplan plan file", ErrNotPlanFile},
		{"other JSON", `{"format_version":"1.0","resource_changes":[]}`, "not a netplan plan file", ErrNotPlanFile},
		{"other format", replaceOnce(`"format": "netplan-plan"`, `"format": "netplan-state"`), "not a netplan plan file", ErrNotPlanFile},
		{"truncated", good[:len(good)/2], "plan file is corrupt", ErrCorrupt},
		{"one byte short", good[:len(good)-3], "plan file is corrupt", ErrCorrupt},
		{"altered address", replaceOnce("172.18.0.10", "172.18.0.11"), "plan file is corrupt: checksum mismatch", ErrCorrupt},
		{"altered fingerprint", replaceOnce(`"fingerprint": "3f2a"`, `"fingerprint": "3f2b"`), "checksum mismatch", ErrCorrupt},
		{"altered checksum", replaceOnce(`"sha256": "`, `"sha256": "00`), "checksum mismatch", ErrCorrupt},
		{"no checksum", replaceOnce(`"sha256": "`, `"sha256": "", "x": "`), "plan file is corrupt", ErrCorrupt},
		{"envelope stack edited", replaceOnce(`"stack": "demo"`, `"stack": "prod"`), "envelope names stack", ErrCorrupt},
		{"unknown envelope field", replaceOnce(`"version": 1,`, `"version": 1, "extra": true,`), "plan file is corrupt", ErrCorrupt},
		{"trailing data", good + `{"format":"netplan-plan"}`, "data after the plan", ErrCorrupt},
		{"newer version", replaceOnce(`"version": 1`, `"version": 2`), "version 2 is not supported", nil},
		{"no target", string(written(t, noTarget)), "no target state", ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Read(strings.NewReader(tt.data))
			if err == nil {
				t.Fatalf("Read accepted it: %+v", p)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q is not %v", err, tt.is)
			}
		})
	}
}

func TestReadAcceptsReformattedFile(t *testing.T) {
	// Whitespace is not content: a file pretty-printed by another tool still reads.
	good := written(t, samplePlan())
	var compact bytes.Buffer
	if err := jsonCompact(&compact, good); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(&compact); err != nil {
		t.Fatalf("compacted file refused: %v", err)
	}
}

func TestWriteNilPlan(t *testing.T) {
	if err := Write(&bytes.Buffer{}, nil); err == nil {
		t.Error("Write(nil) succeeded")
	}
}
