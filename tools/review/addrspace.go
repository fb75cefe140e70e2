package review

import (
	"fmt"
	"math/bits"
	"net/netip"
	"sort"
	"strings"
)

// u128 is an address as a number: IPv4 addresses use the low 32 bits.
type u128 struct{ hi, lo uint64 }

func (a u128) less(b u128) bool { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo) }

func (a u128) add(b u128) (u128, bool) {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	hi, c := bits.Add64(a.hi, b.hi, c)
	return u128{hi, lo}, c != 0
}

func (a u128) sub1() u128 {
	lo, b := bits.Sub64(a.lo, 1, 0)
	return u128{a.hi - b, lo}
}

func (a u128) and(b u128) u128 { return u128{a.hi & b.hi, a.lo & b.lo} }
func (a u128) or(b u128) u128  { return u128{a.hi | b.hi, a.lo | b.lo} }
func (a u128) not() u128       { return u128{^a.hi, ^a.lo} }

// lowMask has the n lowest bits set (n <= 128).
func lowMask(n int) u128 {
	switch {
	case n >= 128:
		return u128{^uint64(0), ^uint64(0)}
	case n >= 64:
		return u128{(uint64(1) << (n - 64)) - 1, ^uint64(0)}
	}
	return u128{0, (uint64(1) << n) - 1}
}

func (a u128) trailingZeros() int {
	if a.lo != 0 {
		return bits.TrailingZeros64(a.lo)
	}
	if a.hi != 0 {
		return 64 + bits.TrailingZeros64(a.hi)
	}
	return 128
}

// span is an inclusive range of addresses of one family.
type span struct{ lo, hi u128 }

// addrSet is a set of IPv4 and IPv6 addresses: sorted, disjoint, merged
// spans of each family.
type addrSet struct{ v4, v6 []span }

func width(v6 bool) int {
	if v6 {
		return 128
	}
	return 32
}

func addrNum(a netip.Addr) u128 {
	if a.Is4() {
		b := a.As4()
		return u128{0, uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])}
	}
	b := a.As16()
	var n u128
	for i := 0; i < 8; i++ {
		n.hi = n.hi<<8 | uint64(b[i])
		n.lo = n.lo<<8 | uint64(b[8+i])
	}
	return n
}

func numAddr(n u128, v6 bool) netip.Addr {
	if !v6 {
		return netip.AddrFrom4([4]byte{byte(n.lo >> 24), byte(n.lo >> 16), byte(n.lo >> 8), byte(n.lo)})
	}
	var b [16]byte
	for i := 0; i < 8; i++ {
		b[7-i] = byte(n.hi >> (8 * i))
		b[15-i] = byte(n.lo >> (8 * i))
	}
	return netip.AddrFrom16(b)
}

// parseCIDR reads a CIDR (host bits are ignored, as AWS ignores them) or a
// single address.
func parseCIDR(s string) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	return netip.Prefix{}, false
}

// setOf builds a set from prefixes.
func setOf(prefixes ...netip.Prefix) addrSet {
	var s addrSet
	for _, p := range prefixes {
		s.add(p)
	}
	return s
}

// mustSet builds a set from CIDR literals known to be valid.
func mustSet(cidrs ...string) addrSet {
	var s addrSet
	for _, c := range cidrs {
		p, ok := parseCIDR(c)
		if !ok {
			panic("review: bad CIDR literal " + c)
		}
		s.add(p)
	}
	return s
}

func (s *addrSet) add(p netip.Prefix) {
	p = p.Masked()
	a := p.Addr()
	if a.Is4In6() && p.Bits() >= 96 {
		// ::ffff:a.b.c.d/n is an IPv4 range.
		a = a.Unmap()
		p = netip.PrefixFrom(a, p.Bits()-96)
	}
	v6 := a.Is6()
	host := width(v6) - p.Bits()
	lo := addrNum(a).and(lowMask(host).not())
	sp := span{lo, lo.or(lowMask(host))}
	if v6 {
		s.v6 = normalize(append(s.v6, sp))
	} else {
		s.v4 = normalize(append(s.v4, sp))
	}
}

func normalize(in []span) []span {
	if len(in) < 2 {
		return in
	}
	sort.Slice(in, func(i, j int) bool { return in[i].lo.less(in[j].lo) })
	out := []span{in[0]}
	for _, sp := range in[1:] {
		last := &out[len(out)-1]
		next, overflow := last.hi.add(u128{0, 1})
		if overflow || !next.less(sp.lo) { // overlapping or adjacent
			if last.hi.less(sp.hi) {
				last.hi = sp.hi
			}
			continue
		}
		out = append(out, sp)
	}
	return out
}

func (s addrSet) empty() bool { return len(s.v4) == 0 && len(s.v6) == 0 }

func (s addrSet) union(o addrSet) addrSet {
	return addrSet{
		v4: normalize(append(append([]span(nil), s.v4...), o.v4...)),
		v6: normalize(append(append([]span(nil), s.v6...), o.v6...)),
	}
}

func (s addrSet) minus(o addrSet) addrSet {
	return addrSet{v4: minusSpans(s.v4, o.v4), v6: minusSpans(s.v6, o.v6)}
}

func minusSpans(a, b []span) []span {
	var out []span
	for _, sp := range a {
		rest := []span{sp}
		for _, cut := range b {
			var next []span
			for _, r := range rest {
				if r.hi.less(cut.lo) || cut.hi.less(r.lo) {
					next = append(next, r)
					continue
				}
				if r.lo.less(cut.lo) {
					next = append(next, span{r.lo, cut.lo.sub1()})
				}
				if cut.hi.less(r.hi) {
					lo, _ := cut.hi.add(u128{0, 1})
					next = append(next, span{lo, r.hi})
				}
			}
			rest = next
		}
		out = append(out, rest...)
	}
	return out
}

func (s addrSet) intersect(o addrSet) addrSet { return s.minus(s.minus(o)) }

// covers reports whether every address of o is in s.
func (s addrSet) covers(o addrSet) bool { return o.minus(s).empty() }

// count4 is the number of IPv4 addresses of the set.
func (s addrSet) count4() uint64 {
	var n uint64
	for _, sp := range s.v4 {
		n += sp.hi.lo - sp.lo.lo + 1
	}
	return n
}

// prefixes lists the set as the fewest CIDRs, IPv4 first.
func (s addrSet) prefixes() []netip.Prefix {
	var out []netip.Prefix
	for _, fam := range []struct {
		spans []span
		v6    bool
	}{{s.v4, false}, {s.v6, true}} {
		w := width(fam.v6)
		for _, sp := range fam.spans {
			lo := sp.lo
			for {
				host := lo.trailingZeros()
				if host > w {
					host = w
				}
				for host > 0 {
					end, overflow := lo.add(lowMask(host))
					if !overflow && !sp.hi.less(end) {
						break
					}
					host--
				}
				out = append(out, netip.PrefixFrom(numAddr(lo, fam.v6), w-host))
				end, _ := lo.add(lowMask(host))
				if !end.less(sp.hi) {
					break
				}
				lo, _ = end.add(u128{0, 1})
			}
		}
	}
	return out
}

// String lists the set's CIDRs joined by " + ", the first eight and a
// count of the rest.
func (s addrSet) String() string {
	ps := s.prefixes()
	parts := make([]string, 0, len(ps))
	for i, p := range ps {
		if i == 8 {
			parts = append(parts, fmt.Sprintf("%d more", len(ps)-8))
			break
		}
		parts = append(parts, p.String())
	}
	return strings.Join(parts, " + ")
}

// notPublic is the address space that is not reachable from the
// Internet: RFC 1918 private, RFC 6598 shared (carrier-grade NAT),
// loopback, link-local, "this network", IETF protocol assignments,
// benchmarking, multicast and reserved; for IPv6 every space outside
// global unicast (2000::/3), which leaves out unique local (fc00::/7),
// link-local and multicast. Documentation ranges (192.0.2.0/24,
// 198.51.100.0/24, 203.0.113.0/24) count as public: they stand for
// public addresses in examples.
var notPublic = mustSet(
	"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
	"172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
)

// publicV4 and publicV6 are the Internet's address space of each family.
var (
	publicV4 = mustSet("0.0.0.0/0").minus(notPublic)
	publicV6 = mustSet("2000::/3")
)

// publicPart is the part of s reachable from the Internet.
func (s addrSet) publicPart() addrSet {
	return s.intersect(publicV4.union(publicV6))
}

// wholeInternet names the families whose entire public space s covers.
func (s addrSet) wholeInternet() (v4, v6 bool) {
	return s.covers(publicV4), s.covers(publicV6)
}

// maxVPCBits is the shortest prefix a VPC CIDR block may have (AWS
// allows /16 to /28 for IPv4): a wider private range is wider than any
// VPC, whatever its CIDR.
const maxVPCBits = 16

// widestV4 is the shortest IPv4 prefix of the set (33 when it has none).
func (s addrSet) widestV4() int {
	w := 33
	for _, p := range s.prefixes() {
		if p.Addr().Is4() && p.Bits() < w {
			w = p.Bits()
		}
	}
	return w
}

// thousandsInt renders n with thousands separators.
func thousandsInt(n uint64) string {
	s := fmt.Sprint(n)
	var out []string
	for len(s) > 3 {
		out = append([]string{s[len(s)-3:]}, out...)
		s = s[:len(s)-3]
	}
	return strings.Join(append([]string{s}, out...), ",")
}

// sizeText says how many addresses a set holds: the IPv4 count, and
// "IPv6" when it has some.
func (s addrSet) sizeText() string {
	var parts []string
	if n := s.count4(); n > 0 {
		word := "addresses"
		if n == 1 {
			word = "address"
		}
		parts = append(parts, thousandsInt(n)+" IPv4 "+word)
	}
	if len(s.v6) > 0 {
		parts = append(parts, "IPv6 addresses")
	}
	return strings.Join(parts, " and ")
}
