package config

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/netplan-dev/netplan/model"
)

// Options says where the configuration is and how variables are set.
type Options struct {
	Path     string   // file or directory (every *.hcl in it, name order); "" means "."
	Vars     []string // -var NAME=VALUE, in command-line order
	VarFiles []string // -var-file FILE, in command-line order
	Env      []string // environment, for NETPLAN_VAR_<name>; usually os.Environ()
}

// Config is a loaded, validated configuration.
type Config struct {
	Desired *model.Desired
	// Files holds every parsed file by name, for printing diagnostics with source lines.
	Files map[string]*hcl.File
	// Ranges gives the source range of each resource ("network.front",
	// "container.web") and attribute ("network.front.bridge", "container.web.netns"),
	// so errors found later (against the live host) still point at a line.
	Ranges map[string]hcl.Range
}

// Load reads, evaluates and validates a configuration. On any error
// diagnostic Desired is nil, but Config itself is returned with Files (and
// what Ranges were gathered) so the caller can print the diagnostics with
// their source lines.
func Load(opts Options) (*Config, hcl.Diagnostics) {
	path := opts.Path
	if path == "" {
		path = "."
	}
	srcs, err := readSources(path)
	if err != nil {
		cfg := &Config{Files: map[string]*hcl.File{}, Ranges: map[string]hcl.Range{}}
		return cfg, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read configuration",
			Detail:   err.Error() + ". Pass -c with a .hcl file or a directory holding .hcl files.",
		}}
	}
	return load(srcs, opts)
}

// source is one configuration file's name and content.
type source struct {
	name string
	data []byte
}

// Files names the files a configuration at path is made of: path itself,
// or every *.hcl file of the directory path, in name order.
func Files(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read configuration %q: %w", path, err)
	}
	names := []string{path}
	if st.IsDir() {
		ents, err := os.ReadDir(path)
		if err != nil {
			return nil, fmt.Errorf("read configuration directory %q: %w", path, err)
		}
		names = names[:0]
		for _, e := range ents {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".hcl") {
				names = append(names, filepath.Join(path, e.Name()))
			}
		}
		sort.Strings(names)
		if len(names) == 0 {
			return nil, fmt.Errorf("directory %q holds no .hcl files", path)
		}
	}
	return names, nil
}

// readSources reads the files of the configuration at path (see Files).
func readSources(path string) ([]source, error) {
	names, err := Files(path)
	if err != nil {
		return nil, err
	}
	var srcs []source
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("read configuration file %q: %w", n, err)
		}
		srcs = append(srcs, source{name: n, data: b})
	}
	return srcs, nil
}

// loader carries the state of one load: parsed files, the values evaluated
// so far and every diagnostic found.
type loader struct {
	opts  Options
	files map[string]*hcl.File // every file parsed, by name, as hclparse.Parser keeps them
	cfg   *Config
	diags hcl.Diagnostics
	funcs map[string]function.Function

	vars      *variables
	locals    *locals
	nets      *networks
	ctrs      []*container // declaration order
	ctrByName map[string]*container
	cctx      *hcl.EvalContext
}

var rootSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "stack"}},
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "network", LabelNames: []string{"name"}},
		{Type: "container", LabelNames: []string{"name"}},
	},
}

// roots gathers the top-level content of every file.
type roots struct {
	stacks     []*hcl.Attribute
	variables  []*hcl.Block
	locals     []*hcl.Block
	networks   []*hcl.Block
	containers []*hcl.Block
}

func load(srcs []source, opts Options) (*Config, hcl.Diagnostics) {
	l := &loader{
		opts:  opts,
		files: map[string]*hcl.File{},
		cfg:   &Config{},
		funcs: functions(),
	}
	var r roots
	ranges := 1 // "stack"
	for _, s := range srcs {
		if !l.checkNumbers(s.data, s.name) {
			continue
		}
		f, diags := l.parseHCL(s.data, s.name)
		l.diags = append(l.diags, diags...)
		if f == nil || diags.HasErrors() {
			continue
		}
		content, diags := bodyContent(f.Body, rootSchema)
		l.diags = append(l.diags, diags...)
		ranges += countItems(f.Body)
		r.stacks = appendAttr(r.stacks, content.Attributes["stack"])
		for _, b := range content.Blocks {
			switch b.Type {
			case "variable":
				r.variables = append(r.variables, b)
			case "locals":
				r.locals = append(r.locals, b)
			case "network":
				r.networks = append(r.networks, b)
			case "container":
				r.containers = append(r.containers, b)
			}
		}
	}
	// Sized once: growing a map of thousands of ranges rehashes it a dozen times.
	l.cfg.Ranges = make(map[string]hcl.Range, ranges)
	l.ctrByName = make(map[string]*container, len(r.containers))
	l.ctrs = make([]*container, 0, len(r.containers))
	l.vars = l.loadVariables(r.variables)
	l.locals = l.loadLocals(r.locals)
	stack := l.loadStack(r.stacks)
	l.nets = l.loadNetworks(r.networks)
	l.loadContainers(r.containers)
	l.cfg.Files = l.files
	l.validate()
	if l.diags.HasErrors() {
		return l.cfg, l.diags
	}
	d := l.desired(stack)
	l.allocate(d)
	if l.diags.HasErrors() {
		return l.cfg, l.diags
	}
	l.cfg.Desired = d
	return l.cfg, l.diags
}

func appendAttr(list []*hcl.Attribute, a *hcl.Attribute) []*hcl.Attribute {
	if a == nil {
		return list
	}
	return append(list, a)
}

// loadStack evaluates the stack name: one `stack` attribute across all files at most.
func (l *loader) loadStack(attrs []*hcl.Attribute) string {
	if len(attrs) == 0 {
		return model.DefaultStack
	}
	for _, a := range attrs[1:] {
		l.errorf(a.NameRange, "Duplicate stack attribute",
			"The stack is already set at %s. Keep one stack = \"...\" in one file.", at(attrs[0].NameRange))
	}
	a := attrs[0]
	l.cfg.Ranges["stack"] = a.Range
	f := l.field(hcl.Attributes{"stack": a}, "stack", l.baseCtx(), stringType)
	if !f.ok {
		return model.DefaultStack
	}
	s := f.val.AsString()
	if !validStack(s) {
		l.errorf(a.Expr.Range(), "Invalid stack name",
			"Stack %q does not match [a-z][a-z0-9-]{0,15}: a lower-case letter, then at most 15 lower-case letters, digits or dashes.", s)
	}
	return s
}

// desired assembles the model from what decoded cleanly, sorted by name.
func (l *loader) desired(stack string) *model.Desired {
	d := &model.Desired{Stack: stack}
	if len(l.ctrs) > 0 { // a stack without containers keeps a nil list
		d.Containers = make([]model.Container, 0, len(l.ctrs))
	}
	for _, n := range l.nets.active() {
		d.Networks = append(d.Networks, n.Network)
	}
	for _, c := range l.ctrs {
		mc := c.Container
		for _, p := range c.ports {
			mc.Publish = append(mc.Publish, p.port)
		}
		d.Containers = append(d.Containers, mc)
	}
	sort.Slice(d.Networks, func(i, j int) bool { return d.Networks[i].Name < d.Networks[j].Name })
	sort.Slice(d.Containers, func(i, j int) bool { return d.Containers[i].Name < d.Containers[j].Name })
	return d
}
