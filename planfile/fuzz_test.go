package planfile

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

func jsonCompact(dst *bytes.Buffer, src []byte) error { return json.Compact(dst, src) }

// FuzzRead: Read never panics, and whatever it accepts survives a Write/Read
// round trip unchanged. The committed corpus under testdata/fuzz/FuzzRead
// holds a valid file and damaged variants.
func FuzzRead(f *testing.F) {
	f.Add(written(f, samplePlan()))
	f.Add([]byte(`{"format":"netplan-plan","version":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Read(bytes.NewReader(data))
		if err != nil {
			if p != nil {
				t.Fatalf("Read returned a plan with error %v", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := Write(&buf, p); err != nil {
			t.Fatalf("Write of an accepted plan: %v", err)
		}
		again, err := Read(&buf)
		if err != nil {
			t.Fatalf("re-Read of a written plan: %v", err)
		}
		if !reflect.DeepEqual(p, again) {
			t.Fatalf("round trip changed the plan:\n%+v\n%+v", p, again)
		}
	})
}
