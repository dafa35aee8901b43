package planner

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/netplan-dev/netplan/model"
)

// fingerprint hashes the canonical JSON of s. encoding/json sorts map keys;
// canonical sorts the slices whose order means nothing.
func fingerprint(s *model.State) string {
	if s == nil {
		s = model.NewState("")
	}
	b, err := json.Marshal(canonical(s))
	if err != nil {
		// A State holds only strings, numbers and netip values: this cannot fail.
		panic("planner: encode state: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
