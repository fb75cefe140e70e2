// Package meta holds what the markers of package nag write into synthesized
// Terraform JSON, and the secret heuristic the constructs apply to their
// props before synthesis. The toolchain reads the same JSON: it is a Go
// module of its own that imports nothing of the library, so it states the
// same keys (tools/tfjson) and heuristic (tools/policy) itself, and a test
// of the apps module, which sees both, keeps the two equal
// (stacks/catalog, TestMarkersAgree). It imports the standard library only.
package meta

import (
	"regexp"
	"strings"
)

// SuppressionsKey is the key, inside a resource's "//" metadata object,
// of the map from rule id to the reason the rule does not apply:
//
//	"//": {"hybridstack_suppressions": {"S3-005": "public website assets"}}
const SuppressionsKey = "hybridstack_suppressions"

// DisposableLocal is the Terraform local a stack sets to true to declare
// itself disposable (nag.DeclareDisposable): data-bearing resources may
// then lack destroy protection, and log retention and key deletion windows
// are short.
const DisposableLocal = "hybridstack_disposable"

// ruleID is the shape of every rule id of the rule pack: a family of
// capitals, a dash and three digits (S3-005, EKS-008, SUP-001).
var ruleID = regexp.MustCompile(`^[A-Z][A-Z0-9]*-[0-9]{3}$`)

// ValidRuleID reports whether id has the shape of a rule id. Whether a rule
// with that id exists is decided when the JSON is checked (an unknown id is
// a finding there, SUP-001), because the rule pack lives in the toolchain.
func ValidRuleID(id string) bool { return ruleID.MatchString(id) }

// Secret detection: names that say they hold a secret, and values with the
// shape of well-known credentials (AWS access keys, PEM private keys, Slack
// and GitHub tokens).
var (
	secretName  = regexp.MustCompile(`(?i)(secret|passw(or)?d|token|api_?key|private_?key|credential)`)
	secretValue = regexp.MustCompile(`(AKIA|ASIA)[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----|xox[baprs]-[0-9A-Za-z-]{10,}|ghp_[0-9A-Za-z]{36}`)
)

// LooksLikeSecret reports whether the variable name=value holds what looks
// like a secret in plain text: a credential-shaped value, or a
// secret-sounding name whose value is not a reference to where the secret
// lives (an ARN, an SSM path, a URL without credentials). Callers holding
// unresolved cdktf tokens exclude those themselves.
func LooksLikeSecret(name, value string) bool {
	if secretValue.MatchString(value) {
		return true
	}
	return value != "" && secretName.MatchString(name) && !looksLikeReference(value)
}

func looksLikeReference(v string) bool {
	return strings.HasPrefix(v, "arn:") || strings.HasPrefix(v, "/") || strings.HasPrefix(v, "ssm:") || strings.HasPrefix(v, "secretsmanager:") ||
		(strings.Contains(v, "://") && !strings.Contains(v, "@"))
}
