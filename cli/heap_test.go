package cli

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestHugePagesDecision runs useHugePages in a child process (it changes
// the collector's settings for good) and tells from the bytes allocated
// whether it laid the ballast: never for a small configuration or with
// NETPLAN_HUGEPAGES=0, always with =1 where the kernel gives huge pages
// on request, and otherwise as the fault probe says.
func TestHugePagesDecision(t *testing.T) {
	if size := os.Getenv("NETPLAN_TEST_HEAP_CHILD"); size != "" {
		n, _ := strconv.ParseInt(size, 10, 64)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		useHugePages(n)
		runtime.ReadMemStats(&after)
		os.Stdout.WriteString("ballast=" + strconv.FormatBool(after.TotalAlloc-before.TotalAlloc >= hugePageBallast) + "\n")
		return
	}
	onRequest := hugePagesOnRequest()
	tests := []struct {
		name string
		size int64
		env  string
		want bool
	}{
		{"small", hugePagesFrom - 1, "1", false},
		{"off", 1 << 20, "0", false},
		{"forced", 1 << 20, "1", onRequest},
		{"probed", 1 << 20, "", onRequest && slowPageFaults()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run", "^TestHugePagesDecision$")
			cmd.Env = append(os.Environ(), "NETPLAN_TEST_HEAP_CHILD="+strconv.FormatInt(tt.size, 10), "NETPLAN_HUGEPAGES="+tt.env)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("child: %v", err)
			}
			if want := "ballast=" + strconv.FormatBool(tt.want) + "\n"; !strings.HasPrefix(string(out), want) {
				t.Errorf("child said %q, want %q first", out, want)
			}
		})
	}
}
