package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestSavedPlan: plan -out then apply FILE applies without a prompt; a plan
// made before the host changed is refused and changes nothing; a corrupt or
// foreign file is refused.
func TestSavedPlan(t *testing.T) {
	h := newHost(t)
	h.config(map[string]string{"netplan.hcl": frontConfig})
	planFile := filepath.Join(worldReadableDir(t), "front.plan")
	h.mustNetplan("plan", "-c", h.dir, "-out", planFile)
	out := h.mustNetplan("apply", planFile)
	if !strings.Contains(out, "Apply complete!") {
		t.Fatalf("apply of a saved plan:\n%s", out)
	}
	if out, code := h.netplan("plan", "-c", h.dir, "-detailed-exitcode"); code != 0 {
		t.Fatalf("after the saved plan: exit %d\n%s", code, out)
	}

	// A plan made, then the host changes: the plan is stale.
	h.config(map[string]string{"netplan.hcl": strings.Replace(frontConfig, "8080", "8081", 1)})
	h.mustNetplan("plan", "-c", h.dir, "-out", planFile)
	h.Sh("ip link set np-front down")
	before := h.snapshot()
	out, code := h.netplan("apply", planFile)
	if code != 1 || !strings.Contains(out, "changed since") {
		t.Fatalf("stale plan: exit %d, want 1 and \"changed since\"\n%s", code, out)
	}
	if after := h.snapshot(); after != before {
		t.Fatal("a refused plan changed the host")
	}

	data, err := os.ReadFile(planFile)
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string][]byte{
		"truncated": data[:len(data)/2],
		"altered":   []byte(strings.Replace(string(data), "8081", "8082", 1)),
		"foreign":   []byte(`{"format_version": "1.0", "resource_changes": []}`),
	} {
		bad := filepath.Join(filepath.Dir(planFile), name+".plan")
		writeFile(t, bad, string(content))
		out, code := h.netplan("apply", bad)
		if code != 1 || !strings.Contains(strings.ToLower(out), "plan") {
			t.Errorf("%s plan file: exit %d, want 1 and a clear error\n%s", name, code, out)
		}
	}
	if after := h.snapshot(); after != before {
		t.Fatal("a refused plan file changed the host")
	}
}

// TestShowAndDestroyByStack: show -json has DESIGN.md's shape; destroy
// -stack works with no configuration at all.
func TestShowAndDestroyByStack(t *testing.T) {
	h := appliedFront(t)
	out := h.mustNetplan("show", "-c", h.dir, "-json")
	var show struct {
		Stack    string `json:"stack"`
		Networks []struct {
			Name, Bridge, Subnet, Gateway string
		} `json:"networks"`
		Containers []struct {
			Name       string `json:"name"`
			Netns      string `json:"netns"`
			Interfaces []struct {
				Network     string `json:"network"`
				Interface   string `json:"interface"`
				IPv4Address string `json:"ipv4_address"`
				MACAddress  string `json:"mac_address"`
			} `json:"interfaces"`
			Published []struct {
				HostIP        string `json:"host_ip"`
				HostPort      int    `json:"host_port"`
				ContainerPort int    `json:"container_port"`
				Protocol      string `json:"protocol"`
			} `json:"published"`
		} `json:"containers"`
	}
	if err := json.Unmarshal([]byte(out), &show); err != nil {
		t.Fatalf("show -json: %v\n%s", err, out)
	}
	if show.Stack != "drift" || len(show.Networks) != 1 || show.Networks[0].Bridge != "np-front" ||
		show.Networks[0].Subnet != "172.20.0.0/16" || show.Networks[0].Gateway != "172.20.0.1" {
		t.Errorf("show -json networks: %+v", show.Networks)
	}
	var web, db bool
	for _, c := range show.Containers {
		switch c.Name {
		case "web":
			web = len(c.Interfaces) == 1 && c.Interfaces[0].IPv4Address == "172.20.0.3" && c.Interfaces[0].Network == "front" &&
				len(c.Published) == 1 && c.Published[0].HostPort == 8080 && c.Published[0].ContainerPort == 80 && c.Published[0].Protocol == "tcp"
		case "db":
			db = len(c.Interfaces) == 1 && c.Interfaces[0].IPv4Address == "172.20.0.2" && len(c.Published) == 0
		}
	}
	if !web || !db {
		t.Errorf("show -json containers are not what was applied (db first in name order gets .2):\n%s", out)
	}
	table := h.mustNetplan("show", "-c", h.dir)
	for _, w := range []string{"np-front", "172.20.0.3", "8080"} {
		if !strings.Contains(table, w) {
			t.Errorf("show lacks %q:\n%s", w, table)
		}
	}

	h.stopAll()
	out = h.mustNetplan("destroy", "-stack", "drift", "-auto-approve")
	if !strings.Contains(out, "Destroy complete!") {
		t.Errorf("destroy -stack output:\n%s", out)
	}
	out = h.mustNetplan("show", "-stack", "drift", "-json")
	if strings.Contains(out, "np-front") {
		t.Errorf("show after destroy still lists the network:\n%s", out)
	}
}

// TestConcurrentApplies: two applies of one stack started together; the lock
// serialises them and the host ends converged.
func TestConcurrentApplies(t *testing.T) {
	h := newHost(t)
	h.config(map[string]string{"netplan.hcl": frontConfig})
	var wg sync.WaitGroup
	codes := make([]int, 2)
	outs := make([]string, 2)
	for i := range codes {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			outs[i], codes[i] = h.netplan("apply", "-c", h.dir, "-auto-approve", "-lock-timeout", "30s")
		}(i)
	}
	wg.Wait()
	for i := range codes {
		if codes[i] != 0 {
			t.Errorf("apply %d: exit %d\n%s", i, codes[i], outs[i])
		}
	}
	if out, code := h.netplan("plan", "-c", h.dir, "-detailed-exitcode"); code != 0 {
		t.Fatalf("after two concurrent applies: exit %d\n%s", code, out)
	}
}
