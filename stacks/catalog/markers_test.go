package catalog_test

import (
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/nag/meta"
	"github.com/hybridstack/hybridstack/tools/policy"
	"github.com/hybridstack/hybridstack/tools/tfjson"
)

// TestMarkersAgree: the library writes suppressions and the disposable
// local under the keys of constructs/nag/meta; the toolchain, a module that
// imports nothing of the library, reads them under the keys of
// tools/tfjson. The apps module sees both and keeps them equal, and the
// two copies of the secret heuristic with them.
func TestMarkersAgree(t *testing.T) {
	if meta.SuppressionsKey != tfjson.SuppressionsKey {
		t.Errorf("the library writes suppressions under %q, the toolchain reads %q", meta.SuppressionsKey, tfjson.SuppressionsKey)
	}
	if meta.DisposableLocal != tfjson.DisposableLocal {
		t.Errorf("the library declares disposable stacks with local %q, the toolchain reads %q", meta.DisposableLocal, tfjson.DisposableLocal)
	}
	cases := []struct{ name, value string }{
		{"DB_PASSWORD", "hunter2"}, {"DB_PASSWORD", ""}, {"DB_PASSWORD", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db"},
		{"API_KEY", "/prod/api-key"}, {"API_KEY", "ssm:/prod/key"}, {"TOKEN", "https://vault.example.com/v1/token"},
		{"TOKEN", "https://user:pw@vault.example.com"}, {"REGION", "eu-west-1"}, {"KEY_ID", "AKIA" + strings.Repeat("A", 16)},
		{"CERT", "-----BEGIN RSA PRIVATE KEY-----"}, {"SLACK", "xoxb-1234567890-abc"}, {"GH", "ghp_" + strings.Repeat("a", 36)},
		{"private_key", "x"}, {"credentials", "secretsmanager:prod"}, {"Passwd", "x"}, {"name", "orders"},
	}
	secrets := 0
	for _, c := range cases {
		lib, tool := meta.LooksLikeSecret(c.name, c.value), policy.LooksLikeSecret(c.name, c.value)
		if lib != tool {
			t.Errorf("%s=%q: the library says secret=%v, the rule pack %v", c.name, c.value, lib, tool)
		}
		if lib {
			secrets++
		}
	}
	// Both answers must vary over the table, or agreement proves nothing.
	if secrets < 5 || secrets > len(cases)-5 {
		t.Errorf("%d of %d cases look like secrets; the table does not exercise the heuristic", secrets, len(cases))
	}
}
