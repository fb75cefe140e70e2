package gitops_test

import (
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/stacks/base"
	"github.com/hybridstack/hybridstack/stacks/base/gitops"
)

func TestGitOpsRepoBase(t *testing.T) {
	s, err := base.FromEnvironment(func(k string) (string, bool) {
		if k == gitops.EnvGitOpsRepoBase {
			return "https://git.acme.test/trading", true
		}
		return "", false
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	g := gitops.SettingsFrom(s)
	if g.GitOpsRepoBase != "https://git.acme.test/trading" || g.Validate("x") != nil {
		t.Fatalf("settings %+v, %v", g, g.Validate("x"))
	}
	if got := g.RepoURL("risk"); got != "https://git.acme.test/trading/risk.git" {
		t.Errorf("RepoURL = %q", got)
	}
	if got := gitops.SettingsFrom(base.Settings{}).GitOpsRepoBase; got != gitops.DefaultGitOpsRepoBase {
		t.Errorf("default GitOpsRepoBase = %q", got)
	}
	for _, bad := range []string{"http://git.acme.test", "https://git.acme.test/", "https://git.acme.test/*", "git.acme.test"} {
		err := gitops.Settings{GitOpsRepoBase: bad}.Validate("x")
		if err == nil || !strings.Contains(err.Error(), `stack "x": GitOpsRepoBase (HYBRIDSTACK_GITOPS_REPO_BASE) "`+bad+`" is not a Git server URL`) {
			t.Errorf("%q: got %v", bad, err)
		}
	}
}
