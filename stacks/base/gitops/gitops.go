// Package gitops holds the GitOps setting of the reference stacks whose
// tenants Argo CD deploys from Git (tradingplatform, fintech): where the
// tenants' repositories live. The stacks embed Settings in their options.
package gitops

import (
	"fmt"
	"strings"

	"github.com/hybridstack/hybridstack/stacks/base"
)

// Settings are the GitOps settings. The zero value of a field means its
// default.
type Settings struct {
	// GitOpsRepoBase is where the tenants' Git repositories live: Argo CD
	// deploys tenant <name> from <GitOpsRepoBase>/<name>.git. The default
	// is a placeholder that resolves nowhere: Argo CD reports the
	// Applications as unable to fetch until it is set.
	// Default: DefaultGitOpsRepoBase
	GitOpsRepoBase string
}

// DefaultGitOpsRepoBase is the placeholder GitOpsRepoBase (example.com is
// reserved for documentation and never hosts a repository).
const DefaultGitOpsRepoBase = "https://git.example.com/trading"

// EnvGitOpsRepoBase and CtxGitOpsRepoBase are the environment variable and
// cdktf context key that set GitOpsRepoBase. The environment wins over the
// context.
const (
	EnvGitOpsRepoBase = "HYBRIDSTACK_GITOPS_REPO_BASE"
	CtxGitOpsRepoBase = "gitopsRepoBase"
)

// SettingsFrom reads Settings where s reads its own (s.Lookup: the
// environment, then the cdktf context), with defaults filled in.
func SettingsFrom(s base.Settings) Settings {
	return Settings{GitOpsRepoBase: s.Lookup.Get(EnvGitOpsRepoBase, CtxGitOpsRepoBase)}.WithDefaults()
}

// WithDefaults returns g with defaults filled in.
func (g Settings) WithDefaults() Settings {
	if g.GitOpsRepoBase == "" {
		g.GitOpsRepoBase = DefaultGitOpsRepoBase
	}
	return g
}

// RepoURL returns the URL of tenant's repository:
// <GitOpsRepoBase>/<tenant>.git.
func (g Settings) RepoURL(tenant string) string {
	return g.WithDefaults().GitOpsRepoBase + "/" + tenant + ".git"
}

// Validate reports a GitOpsRepoBase that is not a Git server URL, naming
// stack, the field, its environment variable and the value.
func (g Settings) Validate(stack string) error {
	if u := g.GitOpsRepoBase; u != "" && (!strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "ssh://") || strings.HasSuffix(u, "/") || strings.ContainsAny(u, " *")) {
		return fmt.Errorf("stack %q: GitOpsRepoBase (%s) %q is not a Git server URL such as https://git.example.com/trading (https:// or ssh://, no trailing '/', no wildcards)", stack, EnvGitOpsRepoBase, u)
	}
	return nil
}
