package policy

import (
	"regexp"
	"strings"
)

// Secret detection, as the library applies it to construct props before
// synthesis (constructs/nag/meta.LooksLikeSecret): names that say they hold
// a secret, and values with the shape of well-known credentials (AWS access
// keys, PEM private keys, Slack and GitHub tokens). The toolchain is its
// own module and cannot import the library, so the two are kept equal by a
// test in the apps module (stacks/catalog), which sees both.
var (
	secretName  = regexp.MustCompile(`(?i)(secret|passw(or)?d|token|api_?key|private_?key|credential)`)
	secretValue = regexp.MustCompile(`(AKIA|ASIA)[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----|xox[baprs]-[0-9A-Za-z-]{10,}|ghp_[0-9A-Za-z]{36}`)
)

// LooksLikeSecret reports whether the variable name=value holds what looks
// like a secret in plain text: a credential-shaped value, or a
// secret-sounding name whose value is not a reference to where the secret
// lives (an ARN, an SSM path, a URL without credentials).
func LooksLikeSecret(name, value string) bool {
	if secretValue.MatchString(value) {
		return true
	}
	return value != "" && secretName.MatchString(name) && !strings.HasPrefix(value, "arn:") && !strings.HasPrefix(value, "/") &&
		!strings.HasPrefix(value, "ssm:") && !strings.HasPrefix(value, "secretsmanager:") &&
		!(strings.Contains(value, "://") && !strings.Contains(value, "@"))
}
