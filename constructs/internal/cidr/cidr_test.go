package cidr

import (
	"net/netip"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string
	}{
		{"10.0.0.0/16", ""},
		{"10.0.0.1/16", `"10.0.0.1/16" has host bits set; did you mean "10.0.0.0/16"`},
		{"fd00::/8", `"fd00::/8" is not an IPv4 CIDR block`},
		{"banana", `"banana" is not a CIDR block`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := Parse(tt.in)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.wantErr {
				t.Fatalf("Parse(%q) error = %q, want %q", tt.in, got, tt.wantErr)
			}
		})
	}
}

func TestSubnet(t *testing.T) {
	base := netip.MustParsePrefix("10.0.0.0/16")
	tests := []struct {
		bits, index int
		want        string
		wantErr     bool
	}{
		{19, 0, "10.0.0.0/19", false},
		{19, 5, "10.0.160.0/19", false},
		{21, 24, "10.0.192.0/21", false},
		{21, 31, "10.0.248.0/21", false},
		{21, 32, "", true},
		{15, 0, "", true},
	}
	for _, tt := range tests {
		got, err := Subnet(base, tt.bits, tt.index)
		if (err != nil) != tt.wantErr {
			t.Fatalf("Subnet(/%d, %d) error = %v, wantErr %v", tt.bits, tt.index, err, tt.wantErr)
		}
		if err == nil && got.String() != tt.want {
			t.Errorf("Subnet(/%d, %d) = %s, want %s", tt.bits, tt.index, got, tt.want)
		}
	}
}

func TestContainsAndOverlap(t *testing.T) {
	vpc := netip.MustParsePrefix("10.0.0.0/16")
	if !Contains(vpc, netip.MustParsePrefix("10.0.8.0/21")) {
		t.Error("10.0.8.0/21 should be inside 10.0.0.0/16")
	}
	if Contains(vpc, netip.MustParsePrefix("10.0.0.0/15")) {
		t.Error("a larger block is not inside a smaller one")
	}
	if Contains(vpc, netip.MustParsePrefix("10.1.0.0/24")) {
		t.Error("10.1.0.0/24 is outside 10.0.0.0/16")
	}
	if !Overlap(netip.MustParsePrefix("10.0.0.0/19"), netip.MustParsePrefix("10.0.16.0/20")) {
		t.Error("10.0.16.0/20 overlaps 10.0.0.0/19")
	}
	if Overlap(netip.MustParsePrefix("10.0.0.0/19"), netip.MustParsePrefix("10.0.32.0/19")) {
		t.Error("adjacent blocks do not overlap")
	}
}
