package base_test

import (
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/stacks/base"
)

func TestOperatorCIDRs(t *testing.T) {
	env := func(v string) func(string) (string, bool) {
		return func(k string) (string, bool) {
			if k == base.EnvOperatorCIDRs {
				return v, true
			}
			return "", false
		}
	}
	s, err := base.FromEnvironment(env("10.8.0.0/16, 192.168.4.0/24"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.OperatorCIDRs, ","); got != "10.8.0.0/16,192.168.4.0/24" {
		t.Errorf("OperatorCIDRs = %q", got)
	}
	if err := s.Validate("x"); err != nil {
		t.Errorf("valid networks refused: %v", err)
	}
	for _, bad := range []string{"10.8.0.1/16", "0.0.0.0/0", "fd00::/8", "vpn"} {
		s := base.Settings{OperatorCIDRs: []string{bad}}.WithDefaults()
		err := s.Validate("x")
		if err == nil || !strings.Contains(err.Error(), "OperatorCIDRs (HYBRIDSTACK_OPERATOR_CIDRS) \""+bad+"\"") {
			t.Errorf("%q: got %v", bad, err)
		}
	}
}

func TestAdminCIDRs(t *testing.T) {
	for _, tc := range []struct {
		name      string
		operators []string
		vpc       string
		want      string
	}{
		{"default: the VPC's own range", nil, "10.0.0.0/16", "10.0.0.0/16"},
		{"operators replace the VPC", []string{"10.8.0.0/16", "192.168.4.0/24"}, "10.0.0.0/16", "10.8.0.0/16,192.168.4.0/24"},
		{"no VPC range, no operators", nil, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := base.Settings{OperatorCIDRs: tc.operators}.WithDefaults()
			got := s.AdminCIDRs(tc.vpc)
			if strings.Join(got, ",") != tc.want {
				t.Errorf("AdminCIDRs(%q) = %q; want %q", tc.vpc, got, tc.want)
			}
			if len(got) > 0 && len(tc.operators) > 0 {
				got[0] = "changed"
				if s.OperatorCIDRs[0] == "changed" {
					t.Error("AdminCIDRs returned the settings' own slice")
				}
			}
		})
	}
}

func TestZones(t *testing.T) {
	// Default: the Region's a, b, c.
	if got := strings.Join(base.Settings{Region: "eu-west-1"}.AvailabilityZones(3), ","); got != "eu-west-1a,eu-west-1b,eu-west-1c" {
		t.Errorf("default zones = %q", got)
	}
	env := func(k string) (string, bool) {
		switch k {
		case base.EnvRegion:
			return "us-east-1", true
		case base.EnvZones:
			return "us-east-1b, us-east-1d,us-east-1f", true
		}
		return "", false
	}
	s, err := base.FromEnvironment(env, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate("x"); err != nil {
		t.Errorf("valid zones refused: %v", err)
	}
	if got := strings.Join(s.AvailabilityZones(2), ","); got != "us-east-1b,us-east-1d" {
		t.Errorf("AvailabilityZones(2) = %q, want the first two given", got)
	}
	if got := s.AvailabilityZones(3); len(got) != 3 || got[2] != "us-east-1f" {
		t.Errorf("AvailabilityZones(3) = %q", got)
	}
	for _, tc := range []struct {
		zones []string
		want  string
	}{
		{[]string{"eu-west-1a", "eu-west-1b", "eu-west-2c"}, `Zones[2] (HYBRIDSTACK_ZONES) "eu-west-2c" is not an Availability Zone name of Region eu-west-1`},
		{[]string{"eu-west-1a", "eu-west-1a", "eu-west-1c"}, `Zones[1] (HYBRIDSTACK_ZONES) "eu-west-1a" is listed twice`},
		{[]string{"eu-west-1a", "eu-west-1b"}, "Zones (HYBRIDSTACK_ZONES) lists 2 zones; the reference stacks spread over up to 3"},
		{[]string{"euw1-az1", "eu-west-1b", "eu-west-1c"}, `Zones[0] (HYBRIDSTACK_ZONES) "euw1-az1" is not an Availability Zone name`},
	} {
		err := base.Settings{Region: "eu-west-1", Zones: tc.zones}.WithDefaults().Validate("x")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: got %v, want %q", tc.zones, err, tc.want)
		}
	}
	// A Local Zone name is its Region, a location and a letter.
	if err := (base.Settings{Region: "us-west-2", Zones: []string{"us-west-2a", "us-west-2b", "us-west-2-lax-1a"}}).WithDefaults().Validate("x"); err != nil {
		t.Errorf("Local Zone refused: %v", err)
	}
}
