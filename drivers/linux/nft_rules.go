package linux

import (
	"github.com/google/nftables"
	"github.com/google/nftables/binaryutil"
	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"
)

// ruleBuilders compiles each canonical rule text of the layout
// (firewall.Chains) into expressions, the same bytecode `nft` emits for that
// text (checked with nft --debug=netlink). A rule text without a builder
// cannot be written: TestEveryLayoutRuleHasABuilder keeps them in step.
var ruleBuilders = map[string]func(set setRef) []expr.Any{
	"iifname @bridges ip daddr 127.0.0.0/8 drop": func(set setRef) []expr.Any {
		return join(inSet(expr.MetaKeyIIFNAME, set("bridges")), loopbackNet(16), verdict(expr.VerdictDrop))
	},
	"iifname != lo ip daddr . meta l4proto . th dport @loopback-ports drop": func(set setRef) []expr.Any {
		return join(ifnameNot(expr.MetaKeyIIFNAME, "lo"), daddrProtoPort(), lookup(set("loopback-ports"), 1, false), verdict(expr.VerdictDrop))
	},
	"fib daddr type local ip daddr . meta l4proto . th dport @ports-ip counter dnat to ip daddr . meta l4proto . th dport map @ports-ip": func(set setRef) []expr.Any {
		return join(fibLocal(), daddrProtoPort(), lookup(set("ports-ip"), 1, false), counter(), mapTo(set("ports-ip")), dnat())
	},
	"fib daddr type local meta l4proto . th dport @ports-any counter dnat to meta l4proto . th dport map @ports-any": func(set setRef) []expr.Any {
		return join(fibLocal(), meta(expr.MetaKeyL4PROTO, 1), dport(9), lookup(set("ports-any"), 1, false), counter(), mapTo(set("ports-any")), dnat())
	},
	"ip saddr 127.0.0.0/8 oifname @bridges masquerade": func(set setRef) []expr.Any {
		return join(loopbackNet(12), inSet(expr.MetaKeyOIFNAME, set("bridges")), masq())
	},
	"ct status dnat ip saddr @container-addrs oifname @bridges masquerade": func(set setRef) []expr.Any {
		return join(ctBits(expr.CtKeySTATUS, ipsDstNAT), saddrIn(set("container-addrs")), inSet(expr.MetaKeyOIFNAME, set("bridges")), masq())
	},
	"iifname @masq-bridges oifname != @bridges masquerade": func(set setRef) []expr.Any {
		return join(inSet(expr.MetaKeyIIFNAME, set("masq-bridges")), notInSet(expr.MetaKeyOIFNAME, set("bridges")), masq())
	},
	"oifname @bridges ct state established,related accept": func(set setRef) []expr.Any {
		return join(inSet(expr.MetaKeyOIFNAME, set("bridges")), ctBits(expr.CtKeySTATE, expr.CtStateBitESTABLISHED|expr.CtStateBitRELATED), verdict(expr.VerdictAccept))
	},
	"iifname . oifname @same-net accept": func(set setRef) []expr.Any {
		return join(meta(expr.MetaKeyIIFNAME, 1), meta(expr.MetaKeyOIFNAME, 2), lookup(set("same-net"), 1, false), verdict(expr.VerdictAccept))
	},
	"iifname @internal-bridges drop": func(set setRef) []expr.Any {
		return join(inSet(expr.MetaKeyIIFNAME, set("internal-bridges")), verdict(expr.VerdictDrop))
	},
	"oifname @bridges ct status dnat accept": func(set setRef) []expr.Any {
		return join(inSet(expr.MetaKeyOIFNAME, set("bridges")), ctBits(expr.CtKeySTATUS, ipsDstNAT), verdict(expr.VerdictAccept))
	},
	"iifname @bridges oifname @bridges drop": func(set setRef) []expr.Any {
		return join(inSet(expr.MetaKeyIIFNAME, set("bridges")), inSet(expr.MetaKeyOIFNAME, set("bridges")), verdict(expr.VerdictDrop))
	},
	"oifname @bridges drop": func(set setRef) []expr.Any {
		return join(inSet(expr.MetaKeyOIFNAME, set("bridges")), verdict(expr.VerdictDrop))
	},
}

// setRef resolves a set declared earlier in the same batch.
type setRef func(name string) *nftables.Set

func join(parts ...[]expr.Any) []expr.Any {
	var out []expr.Any
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func meta(key expr.MetaKey, reg uint32) []expr.Any {
	return []expr.Any{&expr.Meta{Key: key, Register: reg}}
}

func lookup(s *nftables.Set, reg uint32, invert bool) []expr.Any {
	return []expr.Any{&expr.Lookup{SourceRegister: reg, SetName: s.Name, SetID: s.ID, Invert: invert}}
}

func inSet(key expr.MetaKey, s *nftables.Set) []expr.Any {
	return join(meta(key, 1), lookup(s, 1, false))
}

func notInSet(key expr.MetaKey, s *nftables.Set) []expr.Any {
	return join(meta(key, 1), lookup(s, 1, true))
}

func ifnameNot(key expr.MetaKey, name string) []expr.Any {
	b := make([]byte, 16)
	copy(b, name)
	return join(meta(key, 1), []expr.Any{&expr.Cmp{Op: expr.CmpOpNeq, Register: 1, Data: b}})
}

// loopbackNet matches 127.0.0.0/8 at offset 12 (saddr) or 16 (daddr) of the IP header.
func loopbackNet(offset uint32) []expr.Any {
	return []expr.Any{
		&expr.Payload{OperationType: expr.PayloadLoad, Base: expr.PayloadBaseNetworkHeader, Offset: offset, Len: 1, DestRegister: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{127}},
	}
}

func saddrIn(s *nftables.Set) []expr.Any {
	return join([]expr.Any{&expr.Payload{OperationType: expr.PayloadLoad, Base: expr.PayloadBaseNetworkHeader, Offset: 12, Len: 4, DestRegister: 1}},
		lookup(s, 1, false))
}

func dport(reg uint32) []expr.Any {
	return []expr.Any{&expr.Payload{OperationType: expr.PayloadLoad, Base: expr.PayloadBaseTransportHeader, Offset: 2, Len: 2, DestRegister: reg}}
}

// daddrProtoPort loads the key "ip daddr . meta l4proto . th dport" into registers 1, 9, 10.
func daddrProtoPort() []expr.Any {
	return join([]expr.Any{&expr.Payload{OperationType: expr.PayloadLoad, Base: expr.PayloadBaseNetworkHeader, Offset: 16, Len: 4, DestRegister: 1}},
		meta(expr.MetaKeyL4PROTO, 9), dport(10))
}

func fibLocal() []expr.Any {
	return []expr.Any{
		&expr.Fib{Register: 1, FlagDADDR: true, ResultADDRTYPE: true},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: binaryutil.NativeEndian.PutUint32(unix.RTN_LOCAL)},
	}
}

// mapTo looks the key in register 1 up in a map, leaving "addr . port" in registers 1 and 9.
func mapTo(s *nftables.Set) []expr.Any {
	return []expr.Any{&expr.Lookup{SourceRegister: 1, DestRegister: 1, IsDestRegSet: true, SetName: s.Name, SetID: s.ID}}
}

func dnat() []expr.Any {
	return []expr.Any{&expr.NAT{Type: expr.NATTypeDestNAT, Family: unix.NFPROTO_IPV4, RegAddrMin: 1, RegProtoMin: 9}}
}

// ctBits matches when any of bits is set in a conntrack key (state, status).
func ctBits(key expr.CtKey, bits uint32) []expr.Any {
	return []expr.Any{
		&expr.Ct{Register: 1, Key: key},
		&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4, Mask: binaryutil.NativeEndian.PutUint32(bits), Xor: []byte{0, 0, 0, 0}},
		&expr.Cmp{Op: expr.CmpOpNeq, Register: 1, Data: []byte{0, 0, 0, 0}},
	}
}

func counter() []expr.Any { return []expr.Any{&expr.Counter{}} }

func masq() []expr.Any { return []expr.Any{&expr.Masq{}} }

func verdict(k expr.VerdictKind) []expr.Any { return []expr.Any{&expr.Verdict{Kind: k}} }

// ipsDstNAT is IPS_DST_NAT of linux/netfilter/nf_conntrack_common.h: the
// connection was DNATed ("ct status dnat").
const ipsDstNAT = 1 << 5
