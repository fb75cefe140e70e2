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
