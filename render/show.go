package render

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/netplan-dev/netplan/model"
)

// View is a stack's live state as `netplan show` presents it, in user terms.
// Its JSON form is show -json's document (DESIGN.md Part 1).
type View struct {
	Stack      string          `json:"stack"`
	Networks   []NetworkView   `json:"networks"`
	Containers []ContainerView `json:"containers"`
}

type NetworkView struct {
	Name    string `json:"name"`
	Bridge  string `json:"bridge"`
	Subnet  string `json:"subnet"`
	Gateway string `json:"gateway"`
}

type ContainerView struct {
	Name       string          `json:"name"`
	Netns      string          `json:"netns"`
	Interfaces []InterfaceView `json:"interfaces"`
	Published  []PublishedView `json:"published"`
}

type InterfaceView struct {
	Network     string `json:"network"`
	Interface   string `json:"interface"`
	IPv4Address string `json:"ipv4_address"`
	MACAddress  string `json:"mac_address"`
}

type PublishedView struct {
	HostIP        string `json:"host_ip"`
	HostPort      uint16 `json:"host_port"`
	ContainerPort uint16 `json:"container_port"`
	Protocol      string `json:"protocol"`
}

// NewView derives the user's picture from an observed State: a network's
// name from its bridge's owner label, a veth's network from its bridge, the
// subnet and gateway from the bridge's address, ports from the firewall by owner.
func NewView(s *model.State) View {
	v := View{Stack: s.Stack, Networks: []NetworkView{}, Containers: []ContainerView{}}
	networkOf := map[string]string{} // bridge link name -> network name
	for _, b := range s.Bridges {
		n := NetworkView{Name: strings.TrimPrefix(b.Owner, "network."), Bridge: b.Name}
		if len(b.Addrs) > 0 {
			n.Subnet, n.Gateway = b.Addrs[0].Masked().String(), b.Addrs[0].Addr().String()
		}
		networkOf[b.Name] = n.Name
		v.Networks = append(v.Networks, n)
	}
	slices.SortFunc(v.Networks, func(a, b NetworkView) int { return cmp.Compare(a.Name, b.Name) })

	byOwner := map[string]*ContainerView{}
	add := func(owner, netns string) *ContainerView {
		if c := byOwner[owner]; c != nil {
			return c
		}
		c := &ContainerView{Name: strings.TrimPrefix(owner, "container."), Netns: netns,
			Interfaces: []InterfaceView{}, Published: []PublishedView{}}
		byOwner[owner] = c
		return c
	}
	for _, ns := range s.Netns {
		c := add(ns.Owner, ns.Name)
		for _, veth := range ns.Veths {
			iv := InterfaceView{Network: networkOf[veth.Bridge], Interface: veth.Name, MACAddress: veth.MAC}
			if len(veth.Addrs) > 0 {
				iv.IPv4Address = veth.Addrs[0].Addr().String()
			}
			c.Interfaces = append(c.Interfaces, iv)
		}
		slices.SortFunc(c.Interfaces, func(a, b InterfaceView) int { return cmp.Compare(a.Interface, b.Interface) })
	}
	if s.Firewall != nil {
		// A port whose namespace is gone still shows: it is live state the stack owns.
		for _, p := range s.Firewall.Ports {
			c := add(p.Owner, "")
			host := "0.0.0.0"
			if p.HostIP.IsValid() {
				host = p.HostIP.String()
			}
			c.Published = append(c.Published, PublishedView{HostIP: host, HostPort: p.HostPort, ContainerPort: p.Port, Protocol: p.Protocol})
		}
	}
	for _, c := range byOwner {
		slices.SortFunc(c.Published, func(a, b PublishedView) int {
			return cmp.Or(cmp.Compare(a.Protocol, b.Protocol), cmp.Compare(a.HostPort, b.HostPort), cmp.Compare(a.HostIP, b.HostIP))
		})
		v.Containers = append(v.Containers, *c)
	}
	slices.SortFunc(v.Containers, func(a, b ContainerView) int { return cmp.Compare(a.Name, b.Name) })
	return v
}

// Show writes v as tables: networks, container interfaces, published ports.
func Show(w io.Writer, v View, o Options) error {
	ew := newErrWriter(w)
	if len(v.Networks) == 0 && len(v.Containers) == 0 {
		ew.print(fmt.Sprintf("Stack %q owns nothing on this host.\n", v.Stack))
		return ew.close()
	}
	ew.print(fmt.Sprintf("%s %s\n", o.paint(ansiBold, "Stack:"), v.Stack))
	if len(v.Networks) > 0 {
		ew.print("\n")
		tw := tabwriter.NewWriter(ew.w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NETWORK\tBRIDGE\tSUBNET\tGATEWAY")
		for _, n := range v.Networks {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", n.Name, n.Bridge, dash(n.Subnet), dash(n.Gateway))
		}
		flush(ew, tw)
	}
	if len(v.Containers) > 0 {
		ew.print("\n")
		tw := tabwriter.NewWriter(ew.w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CONTAINER\tNETNS\tNETWORK\tINTERFACE\tADDRESS\tMAC")
		for _, c := range v.Containers {
			if len(c.Interfaces) == 0 {
				iface := "lo" // a "none" container: its namespace holds only lo
				if c.Netns == "" {
					iface = "-"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.Name, dash(c.Netns), "-", iface, "-", "-")
			}
			for _, i := range c.Interfaces {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.Name, dash(c.Netns), dash(i.Network), i.Interface, dash(i.IPv4Address), dash(i.MACAddress))
			}
		}
		flush(ew, tw)
	}
	if hasPorts(v) {
		ew.print("\n")
		tw := tabwriter.NewWriter(ew.w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CONTAINER\tPUBLISHED\tTO PORT\tPROTOCOL")
		for _, c := range v.Containers {
			for _, p := range c.Published {
				fmt.Fprintf(tw, "%s\t%s:%d\t%d\t%s\n", c.Name, p.HostIP, p.HostPort, p.ContainerPort, p.Protocol)
			}
		}
		flush(ew, tw)
	}
	return ew.close()
}

func hasPorts(v View) bool {
	for _, c := range v.Containers {
		if len(c.Published) > 0 {
			return true
		}
	}
	return false
}

func flush(ew *errWriter, tw *tabwriter.Writer) {
	if err := tw.Flush(); err != nil && ew.err == nil {
		ew.err = err
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
