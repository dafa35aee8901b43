package config

import (
	"fmt"
	"math/big"
	"net/netip"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// The CIDR functions are written here on net/netip for IPv4 only: go-cty has
// none, and Terraform's are BUSL-licensed. Their behaviour follows the
// documented Terraform contract so configurations read the same.

// cidrHost returns host number hostnum of prefix; a negative hostnum counts
// back from the last address (-1 is the broadcast address).
func cidrHost(prefix string, hostnum int64) (netip.Addr, error) {
	p, err := parseIPv4Prefix(prefix)
	if err != nil {
		return netip.Addr{}, err
	}
	size := int64(1) << (32 - p.Bits())
	if hostnum < -size || hostnum >= size {
		return netip.Addr{}, fmt.Errorf("prefix %s has %d addresses: host number %d is out of range [%d, %d]", p, size, hostnum, -size, size-1)
	}
	if hostnum < 0 {
		hostnum += size
	}
	return addrFromUint32(addrToUint32(p.Addr()) + uint32(hostnum)), nil
}

// cidrSubnet returns sub-network netnum of prefix extended by newbits bits.
func cidrSubnet(prefix string, newbits, netnum int64) (netip.Prefix, error) {
	p, err := parseIPv4Prefix(prefix)
	if err != nil {
		return netip.Prefix{}, err
	}
	if newbits < 0 {
		return netip.Prefix{}, fmt.Errorf("newbits must not be negative, got %d", newbits)
	}
	bits := int64(p.Bits()) + newbits
	if bits > 32 {
		return netip.Prefix{}, fmt.Errorf("prefix %s extended by %d bits is longer than 32 bits", p, newbits)
	}
	count := int64(1) << newbits
	if netnum < 0 || netnum >= count {
		return netip.Prefix{}, fmt.Errorf("prefix %s extended by %d bits has %d subnets: network number %d is out of range [0, %d]", p, newbits, count, netnum, count-1)
	}
	base := addrToUint32(p.Addr()) | uint32(netnum)<<(32-bits)
	return netip.PrefixFrom(addrFromUint32(base), int(bits)), nil
}

// cidrNetmask returns the dotted netmask of prefix ("255.255.0.0" for a /16).
func cidrNetmask(prefix string) (netip.Addr, error) {
	p, err := parseIPv4Prefix(prefix)
	if err != nil {
		return netip.Addr{}, err
	}
	return addrFromUint32(^uint32(0) << (32 - p.Bits()) & 0xffffffff), nil
}

// parseIPv4Prefix parses an IPv4 CIDR and masks off any host bits, as the
// functions accept an interface address ("10.0.0.5/24") as well as a network.
func parseIPv4Prefix(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("invalid CIDR %q: %s", s, trimNetipErr(err))
	}
	if !p.Addr().Is4() {
		return netip.Prefix{}, fmt.Errorf("%q is not an IPv4 prefix: only IPv4 is supported", s)
	}
	return p.Masked(), nil
}

func addrToUint32(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func addrFromUint32(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// wholeNumber converts a cty number argument to int64, refusing fractions
// and values outside int64 so the callers' range checks see the true value.
func wholeNumber(v cty.Value, argIdx int, name string) (int64, error) {
	f := v.AsBigFloat()
	if !f.IsInt() {
		return 0, function.NewArgErrorf(argIdx, "%s must be a whole number, got %s", name, f.Text('g', 10))
	}
	i, acc := f.Int64()
	if acc != big.Exact {
		return 0, function.NewArgErrorf(argIdx, "%s %s is out of range", name, f.Text('g', 10))
	}
	return i, nil
}

var cidrHostFunc = function.New(&function.Spec{
	Description: "Returns the IPv4 address of host number hostnum within prefix; negative numbers count from the end.",
	Params: []function.Parameter{
		{Name: "prefix", Type: cty.String},
		{Name: "hostnum", Type: cty.Number},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		n, err := wholeNumber(args[1], 1, "hostnum")
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		a, err := cidrHost(args[0].AsString(), n)
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		return cty.StringVal(a.String()), nil
	},
})

var cidrSubnetFunc = function.New(&function.Spec{
	Description: "Returns sub-network netnum of prefix, extended by newbits bits.",
	Params: []function.Parameter{
		{Name: "prefix", Type: cty.String},
		{Name: "newbits", Type: cty.Number},
		{Name: "netnum", Type: cty.Number},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		newbits, err := wholeNumber(args[1], 1, "newbits")
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		netnum, err := wholeNumber(args[2], 2, "netnum")
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		p, err := cidrSubnet(args[0].AsString(), newbits, netnum)
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		return cty.StringVal(p.String()), nil
	},
})

var cidrNetmaskFunc = function.New(&function.Spec{
	Description: "Returns the dotted-decimal netmask of an IPv4 prefix.",
	Params:      []function.Parameter{{Name: "prefix", Type: cty.String}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		m, err := cidrNetmask(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		return cty.StringVal(m.String()), nil
	},
})
