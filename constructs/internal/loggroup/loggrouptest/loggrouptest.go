// Package loggrouptest lets construct tests check that their log groups
// follow package loggroup: a retention, and encryption with the stack's one
// shared logs key.
package loggrouptest

import (
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/loggroup"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
)

// KeyRef is the kms_key_id of a log group encrypted with the stack's
// shared logs key.
const KeyRef = "${aws_kms_key." + loggroup.KeyID + ".arn}"

// CheckSharedKey fails t unless every log group of doc has a positive
// retention_in_days and a kms_key_id referencing the stack's shared logs
// key, doc holds that key and its alias once, and each part in want names
// (is part of the Terraform name of) exactly one log group, with no log
// group left unnamed: a test lists every log group its construct makes.
func CheckSharedKey(t testing.TB, doc tftest.Doc, want ...string) {
	t.Helper()
	groups := doc.Resources("aws_cloudwatch_log_group")
	named := map[string]bool{}
	for _, part := range want {
		var found []string
		for name := range groups {
			if strings.Contains(name, part) {
				found = append(found, name)
				named[name] = true
			}
		}
		if len(found) != 1 {
			t.Errorf("want one log group named like %q, found %v", part, found)
		}
	}
	for _, name := range ptr.SortedKeys(groups) {
		g := groups[name]
		if !named[name] {
			t.Errorf("log group %s is not among the expected %v", name, want)
		}
		if g["kms_key_id"] != KeyRef {
			t.Errorf("log group %s: kms_key_id = %v, want the stack's logs key %s", name, g["kms_key_id"], KeyRef)
		}
		if n, ok := g["retention_in_days"].(float64); !ok || n <= 0 {
			t.Errorf("log group %s: retention_in_days = %v, want a positive number of days", name, g["retention_in_days"])
		}
	}
	if keys := doc.Resources("aws_kms_key"); keys[loggroup.KeyID] == nil {
		t.Errorf("no shared logs key aws_kms_key.%s (keys: %v)", loggroup.KeyID, ptr.SortedKeys(keys))
	}
	if aliases := doc.Resources("aws_kms_alias"); aliases[loggroup.AliasID] == nil {
		t.Errorf("no alias aws_kms_alias.%s of the shared logs key (aliases: %v)", loggroup.AliasID, ptr.SortedKeys(aliases))
	}
}
