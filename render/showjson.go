package render

import (
	"encoding/json"
	"fmt"
	"io"
)

// ShowJSON writes v as show -json's document.
func ShowJSON(w io.Writer, v View) error {
	if v.Networks == nil {
		v.Networks = []NetworkView{}
	}
	if v.Containers == nil {
		v.Containers = []ContainerView{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write show JSON: %w", err)
	}
	return nil
}
