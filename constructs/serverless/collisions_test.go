package serverless_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/serverless"
	"github.com/hybridstack/hybridstack/constructs/storage"
)

// Inputs the fuzzers found that used to panic with "There is already a
// Construct with name ...": each is now an error naming the field, or
// works.
func TestDerivedIDCollisionsAreErrorsNotPanics(t *testing.T) {
	stack := tftest.NewStack(t)
	p := props(t)
	p.FunctionName = strings.Repeat("n", 64) // valid; its failure queue's prefix used not to be
	h, err := serverless.NewHandler(stack, "fn", p)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.AddSchedule("a", "rate(5 minutes)"); err != nil {
		t.Fatal(err)
	}
	if err := h.AddSchedule("a-permission", "rate(5 minutes)"); err == nil || !strings.Contains(err.Error(), `id "a-permission" ends in "-permission"`) {
		t.Errorf("derived-suffix source id: %v", err)
	}
	// Grants with the same policy name and one whose name looks numbered.
	data, err := storage.NewBucket(stack, "data", storage.BucketProps{})
	if err != nil {
		t.Fatal(err)
	}
	data1, err := storage.NewBucket(stack, "data-1", storage.BucketProps{})
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(data.GrantRead(h, "a/"), data.GrantRead(h, "b/"), data1.GrantRead(h, "c/")); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	policies := map[string]bool{}
	for _, pol := range doc.Resources("aws_iam_role_policy") {
		name := pol["name"].(string)
		if policies[name] {
			t.Errorf("two inline policies named %q on one role", name)
		}
		policies[name] = true
	}
	for _, want := range []string{"read-data", "read-data-1", "read-data-1-1"} {
		if !policies[want] {
			t.Errorf("no inline policy %q among %v", want, policies)
		}
	}
}
