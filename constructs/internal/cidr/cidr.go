// Package cidr does the IPv4 address arithmetic for subnet layouts:
// carving subnets out of a VPC range and checking containment and overlap.
package cidr

import (
	"fmt"
	"net/netip"
)

// Parse parses an IPv4 CIDR block and requires it to be in canonical form
// (no host bits set), the way AWS stores it.
func Parse(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not a CIDR block", s)
	}
	if !p.Addr().Is4() {
		return netip.Prefix{}, fmt.Errorf("%q is not an IPv4 CIDR block", s)
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("%q has host bits set; did you mean %q", s, p.Masked().String())
	}
	return p, nil
}

// Subnet returns the index-th block of the given prefix length inside base,
// like Terraform's cidrsubnet(base, bits-base.Bits(), index).
func Subnet(base netip.Prefix, bits, index int) (netip.Prefix, error) {
	if bits < base.Bits() || bits > 32 {
		return netip.Prefix{}, fmt.Errorf("cannot carve /%d blocks out of %s", bits, base)
	}
	count := uint64(1) << uint(bits-base.Bits())
	if index < 0 || uint64(index) >= count {
		return netip.Prefix{}, fmt.Errorf("%s holds %d /%d blocks, index %d is out of range", base, count, bits, index)
	}
	a := base.Addr().As4()
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	v += uint32(index) << uint(32-bits)
	addr := netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
	return netip.PrefixFrom(addr, bits), nil
}

// Contains reports whether inner lies entirely inside outer.
func Contains(outer, inner netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

// Overlap reports whether a and b share any address.
func Overlap(a, b netip.Prefix) bool { return a.Overlaps(b) }
