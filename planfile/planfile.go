package planfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/netplan-dev/netplan/planner"
)

const (
	// Format is the envelope's "format" value.
	Format = "netplan-plan"
	// Version is the only envelope version this netplan reads and writes.
	Version = 1
	// maxSize bounds what Read accepts; a plan for thousands of containers is
	// a few MiB.
	maxSize = 256 << 20
)

type envelope struct {
	Format  string          `json:"format"`
	Version int             `json:"version"`
	Stack   string          `json:"stack"`
	Created time.Time       `json:"created"`
	Plan    json.RawMessage `json:"plan"`
	SHA256  string          `json:"sha256"`
}

// ErrNotPlanFile is returned (wrapped) for input that is not a netplan plan file at all.
var ErrNotPlanFile = errors.New("not a netplan plan file")

// ErrCorrupt is returned (wrapped) for a plan file that was damaged or edited.
var ErrCorrupt = errors.New("plan file is corrupt")

// Write saves p to w.
func Write(w io.Writer, p *planner.Plan) error {
	if p == nil {
		return errors.New("write plan file: no plan")
	}
	body, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("write plan file: encode plan: %w", err)
	}
	env := envelope{
		Format:  Format,
		Version: Version,
		Stack:   p.Stack,
		Created: time.Now().UTC().Truncate(time.Second),
		Plan:    body,
		SHA256:  checksum(body),
	}
	out, err := json.MarshalIndent(env, "", "  ")
	if err != nil {
		return fmt.Errorf("write plan file: %w", err)
	}
	if _, err := w.Write(append(out, '\n')); err != nil {
		return fmt.Errorf("write plan file: %w", err)
	}
	return nil
}

// Read loads a plan written by Write and refuses anything else.
func Read(r io.Reader) (*planner.Plan, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read plan file: %w", err)
	}
	if len(data) > maxSize {
		return nil, fmt.Errorf("%w: larger than %d MiB", ErrNotPlanFile, maxSize>>20)
	}
	// Identify the file before judging its integrity, so a file of another
	// kind gets "not a plan file" and a damaged plan gets "corrupt".
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&head); err != nil || head.Format != Format {
		if bytes.Contains(data, []byte(`"`+Format+`"`)) {
			return nil, fmt.Errorf("%w: not valid JSON (truncated?)", ErrCorrupt)
		}
		return nil, ErrNotPlanFile
	}
	if head.Version != Version {
		return nil, fmt.Errorf("plan file version %d is not supported: this netplan reads version %d; run netplan plan again", head.Version, Version)
	}
	var env envelope
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: data after the plan", ErrCorrupt)
	}
	if len(env.Plan) == 0 || env.SHA256 == "" {
		return nil, fmt.Errorf("%w: missing plan or checksum", ErrCorrupt)
	}
	// The checksum covers the compact plan, so re-indenting the file is harmless.
	var compact bytes.Buffer
	if err := json.Compact(&compact, env.Plan); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if checksum(compact.Bytes()) != env.SHA256 {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	}
	var p planner.Plan
	pdec := json.NewDecoder(bytes.NewReader(compact.Bytes()))
	pdec.DisallowUnknownFields()
	if err := pdec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%w: decode plan: %v", ErrCorrupt, err)
	}
	if p.Stack != env.Stack {
		return nil, fmt.Errorf("%w: envelope names stack %q, plan stack %q", ErrCorrupt, env.Stack, p.Stack)
	}
	if p.Target == nil || p.Fingerprint == "" {
		return nil, fmt.Errorf("%w: plan has no target state or fingerprint", ErrCorrupt)
	}
	if p.Target.Stack != p.Stack {
		return nil, fmt.Errorf("%w: target state is for stack %q, plan for %q", ErrCorrupt, p.Target.Stack, p.Stack)
	}
	return &p, nil
}

func checksum(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
