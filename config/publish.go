package config

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/netplan-dev/netplan/model"
)

var publishSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "host_port"}, {Name: "container_port"},
		{Name: "protocol"}, {Name: "host_ip"},
	},
}

// publishDecl is one decoded publish block.
type publishDecl struct {
	port model.Port
	addr string // "container.web.publish[0]", the key of its ranges
}

// portRange is a first port and a width.
type portRange struct{ first, count int }

func (l *loader) loadPublish(c *container, i int, b *hcl.Block, ctx *hcl.EvalContext) *publishDecl {
	addr := model.ContainerAddress(c.Name) + ".publish[" + strconv.Itoa(i) + "]"
	l.cfg.Ranges[addr] = b.DefRange
	content, diags := bodyContent(b.Body, publishSchema)
	l.diags = append(l.diags, diags...)
	attrs := content.Attributes
	for name, a := range attrs {
		l.cfg.Ranges[addr+"."+name] = a.Range
	}
	ok := !diags.HasErrors()
	for _, req := range []string{"host_port", "container_port"} {
		if attrs[req] == nil {
			l.errorf(b.DefRange, "Missing "+req,
				"A publish block needs host_port (the port on the host, like 8080 or \"8000-8010\") and container_port (the port inside the container, like 80).")
			ok = false
		}
	}
	host, hok := l.portField(attrs, "host_port", ctx)
	ctr, cok := l.portField(attrs, "container_port", ctx)
	p := &publishDecl{addr: addr, port: model.Port{HostIP: netip.IPv4Unspecified(), Protocol: "tcp"}}
	if hok && cok {
		switch {
		case ctr.count == host.count:
		case ctr.count == 1:
			l.errorf(attrs["container_port"].Expr.Range(), "Port range width mismatch",
				"host_port is a range of %d ports, so container_port must be a range of %d ports too, like \"%d-%d\".",
				host.count, host.count, ctr.first, min(ctr.first+host.count-1, 65535))
			ok = false
		default:
			l.errorf(attrs["container_port"].Expr.Range(), "Port range width mismatch",
				"host_port covers %s but container_port covers %s; give both the same width.", plural(host.count, "port"), plural(ctr.count, "port"))
			ok = false
		}
		p.port.HostPort, p.port.ContainerPort, p.port.Count = uint16(host.first), uint16(ctr.first), uint16(host.count)
	}
	ok = ok && hok && cok
	if f := l.field(attrs, "protocol", ctx, stringType); f.ok {
		switch proto := f.val.AsString(); proto {
		case "tcp", "udp":
			p.port.Protocol = proto
		default:
			l.errorf(*f.exprRange(), "Invalid protocol", "Protocol %q is not supported; use \"tcp\" (the default) or \"udp\".", proto)
			ok = false
		}
	} else if f.failed {
		ok = false
	}
	if f := l.field(attrs, "host_ip", ctx, stringType); f.ok {
		a, err := netip.ParseAddr(f.val.AsString())
		switch {
		case err != nil || !a.Is4():
			l.errorf(*f.exprRange(), "Invalid host_ip",
				"%q is not an IPv4 address; use \"0.0.0.0\" (every local address, the default), \"127.0.0.1\" or one of the host's addresses.", f.val.AsString())
			ok = false
		case a.IsMulticast() || a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
			l.errorf(*f.exprRange(), "Invalid host_ip", "%s is not a unicast address; use one of the host's addresses or \"0.0.0.0\".", a)
			ok = false
		default:
			p.port.HostIP = a
		}
	} else if f.failed {
		ok = false
	}
	if !ok {
		return nil
	}
	return p
}

// portField reads a port: a number, or a string holding a number or a range "8000-8010".
func (l *loader) portField(attrs hcl.Attributes, name string, ctx *hcl.EvalContext) (portRange, bool) {
	f := l.field(attrs, name, ctx, anyType)
	if !f.ok {
		if f.attr != nil && !f.failed {
			l.errorf(*f.exprRange(), "Missing port", "Attribute %q must not be null; give a port number like 8080 or a range like \"8000-8010\".", name)
		}
		return portRange{}, false
	}
	var r portRange
	var problem string
	switch f.val.Type() {
	case cty.Number:
		bf := f.val.AsBigFloat()
		v, acc := bf.Int64()
		if !bf.IsInt() || acc != 0 {
			problem = fmt.Sprintf("%s is not a whole number", bf.Text('g', 10))
			break
		}
		if v < 1 || v > 65535 {
			problem = fmt.Sprintf("port %d is outside 1-65535", v)
			break
		}
		r = portRange{int(v), 1}
	case cty.String:
		r, problem = parsePortRange(f.val.AsString())
	default:
		problem = fmt.Sprintf("a %s is neither a number nor a string", f.val.Type().FriendlyName())
	}
	if problem != "" {
		l.errorf(*f.exprRange(), "Invalid port", "Attribute %q: %s. Give a port in 1-65535 like 8080, or a range like \"8000-8010\".", name, problem)
		return portRange{}, false
	}
	return r, true
}

// parsePortRange parses "8080" or "8000-8010".
func parsePortRange(s string) (portRange, string) {
	lo, hi, isRange := strings.Cut(strings.TrimSpace(s), "-")
	first, err := parsePort(strings.TrimSpace(lo))
	if err != "" {
		return portRange{}, err
	}
	last := first
	if isRange {
		if last, err = parsePort(strings.TrimSpace(hi)); err != "" {
			return portRange{}, err
		}
		if last < first {
			return portRange{}, fmt.Sprintf("range %q ends before it starts", s)
		}
	}
	return portRange{first, last - first + 1}, ""
}

func parsePort(s string) (int, string) {
	if s == "" || len(s) > 5 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Sprintf("%q is not a port number", s)
	}
	v, _ := strconv.Atoi(s)
	if v < 1 || v > 65535 {
		return 0, fmt.Sprintf("port %d is outside 1-65535", v)
	}
	return v, ""
}

// checkPublishTarget reports publish blocks on a container that cannot
// receive them: no bridge attachment, or only internal ones.
func (l *loader) checkPublishTarget(c *container, pubs []*hcl.Block) {
	if len(pubs) == 0 || c.attachFailed {
		return
	}
	if c.Mode != model.ModeBridge {
		l.errorf(pubs[0].DefRange, "Published port needs a bridge network",
			"Container %q uses network %q, which has no address to forward to; attach it to a bridge network (like \"bridge\") or remove the publish block.",
			c.Name, string(c.Mode))
		return
	}
	for _, a := range c.Attachments {
		if n := l.nets.byName[a.Network]; n != nil && !n.Internal {
			return
		}
	}
	l.errorf(pubs[0].DefRange, "Published port on an internal network",
		"Every network of container %q is internal, and an internal network has no way in or out; attach it to a non-internal network too, or remove the publish block.", c.Name)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
