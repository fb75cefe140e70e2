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

func TestGitOpsRepoBase(t *testing.T) {
	s, err := base.FromEnvironment(func(k string) (string, bool) {
		if k == base.EnvGitOpsRepoBase {
			return "https://git.acme.test/trading", true
		}
		return "", false
	}, nil)
	if err != nil || s.GitOpsRepoBase != "https://git.acme.test/trading" || s.Validate("x") != nil {
		t.Fatalf("settings %+v, %v, %v", s, err, s.Validate("x"))
	}
	if got := (base.Settings{}).WithDefaults().GitOpsRepoBase; got != base.DefaultGitOpsRepoBase {
		t.Errorf("default GitOpsRepoBase = %q", got)
	}
	for _, bad := range []string{"http://git.acme.test", "https://git.acme.test/", "https://git.acme.test/*", "git.acme.test"} {
		err := base.Settings{GitOpsRepoBase: bad}.WithDefaults().Validate("x")
		if err == nil || !strings.Contains(err.Error(), `GitOpsRepoBase (HYBRIDSTACK_GITOPS_REPO_BASE) "`+bad+`" is not a Git server URL`) {
			t.Errorf("%q: got %v", bad, err)
		}
	}
}

func TestETLSettings(t *testing.T) {
	env := map[string]string{
		base.EnvETLImage:     "123456789012.dkr.ecr.eu-west-1.amazonaws.com/etljob/job:2026.11.2",
		base.EnvETLVendorURL: "https://prices.vendor.test/api",
	}
	s, err := base.FromEnvironment(func(k string) (string, bool) { v, ok := env[k]; return v, ok }, nil)
	if err != nil || s.ETLImage != env[base.EnvETLImage] || s.ETLVendorURL != env[base.EnvETLVendorURL] || s.Validate("x") != nil {
		t.Fatalf("settings %+v, %v, %v", s, err, s.Validate("x"))
	}
	if got := (base.Settings{}).WithDefaults(); got.ETLVendorURL != base.DefaultETLVendorURL || got.ETLImage != "" {
		t.Errorf("defaults = %q, %q", got.ETLVendorURL, got.ETLImage)
	}
	if err := (base.Settings{ETLImage: "ghcr.io/acme/job@sha256:" + strings.Repeat("a", 64)}).WithDefaults().Validate("x"); err != nil {
		t.Errorf("digest image refused: %v", err)
	}
	for _, bad := range []string{"http://prices.vendor.test", "https://prices.vendor.test/", "https://user:pw@prices.vendor.test"} {
		err := base.Settings{ETLVendorURL: bad}.WithDefaults().Validate("x")
		if err == nil || !strings.Contains(err.Error(), `ETLVendorURL (HYBRIDSTACK_ETL_VENDOR_URL) "`+bad+`" is not an https:// URL`) {
			t.Errorf("%q: got %v", bad, err)
		}
	}
	for _, bad := range []string{"etljob/job", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/etljob/job", "repo/job:latest tag"} {
		err := base.Settings{ETLImage: bad}.WithDefaults().Validate("x")
		if err == nil || !strings.Contains(err.Error(), `ETLImage (HYBRIDSTACK_ETL_IMAGE) "`+bad+`" is not an image reference with a tag or digest`) {
			t.Errorf("%q: got %v", bad, err)
		}
	}
}
