// Package fuzztest holds what the constructors' fuzz tests share: a fresh
// stack per input, the jsii warm-up, a panic guard, and the check of the
// constructors' contract. The contract: a call returns a value or an error,
// never both and never neither, and never panics; an error is about props,
// so it wraps validate.ErrInvalid and every FieldError in it names the
// construct path, the field and the problem.
package fuzztest

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// Stack returns a fresh stack for one fuzz input and removes the temporary
// output directory cdktf.Testing_App makes for it (thousands of inputs
// would otherwise leave thousands of directories).
func Stack(t testing.TB) cdktf.TerraformStack {
	t.Helper()
	stack := tftest.NewStack(t)
	if dir := *cdktf.App_Of(stack).Outdir(); strings.HasPrefix(filepath.Base(dir), "cdktf.outdir.") {
		t.Cleanup(func() { os.RemoveAll(dir) })
	}
	return stack
}

// WarmUp starts the jsii runtime and loads the AWS provider before f.Fuzz:
// in a go test -fuzz worker that takes longer than the 10 s one input may
// take. The coordinator, which runs no inputs, skips it.
func WarmUp(f *testing.F) {
	if fl := flag.Lookup("test.fuzz"); fl != nil && fl.Value.String() != "" {
		if w := flag.Lookup("test.fuzzworker"); w != nil && w.Value.String() != "true" {
			return
		}
	}
	Stack(f)
}

// Run calls fn and fails the test, with the stack, when it panics.
func Run(t *testing.T, fn func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	fn()
}

// Check checks the result of a constructor or method against the
// contract: ok says whether it returned a value (err == nil for methods
// that return only an error). It reports whether the call succeeded.
func Check(t *testing.T, call string, ok bool, err error) bool {
	t.Helper()
	switch {
	case err == nil && !ok:
		t.Fatalf("%s returned neither a value nor an error", call)
	case err != nil && ok:
		t.Fatalf("%s returned a value and the error %v", call, err)
	case err == nil:
		return true
	}
	if !errors.Is(err, validate.ErrInvalid) {
		t.Fatalf("%s: error does not wrap validate.ErrInvalid: %v", call, err)
	}
	if strings.TrimSpace(err.Error()) == "" {
		t.Fatalf("%s: empty error message", call)
	}
	for _, fe := range validate.Fields(err) {
		if fe.Path == "" || fe.Field == "" || fe.Problem == "" {
			t.Fatalf("%s: incomplete FieldError %#v in %v", call, fe, err)
		}
	}
	return false
}

// Adds returns a function that reports whether scope has gained a child
// with the construct id id (constructs reads "/" as "--") since Adds was
// called.
func Adds(scope constructs.IConstruct, id string) func() bool {
	id = strings.ReplaceAll(id, "/", "--")
	before := scope.Node().TryFindChild(ptr.String(id)) != nil
	return func() bool { return !before && scope.Node().TryFindChild(ptr.String(id)) != nil }
}

// List splits a comma-separated fuzz string into a list: "" is nil, and
// "a," is ["a", ""].
func List(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// Tokens replaces each fuzz value "@token" by an unresolved cdktf token (a
// Terraform variable's value), which constructs accept unchecked.
func Tokens(stack cdktf.TerraformStack, values ...*string) {
	for _, v := range values {
		if *v == "@token" {
			id := fmt.Sprintf("fuzz-token-%d", len(*stack.Node().Children()))
			*v = *cdktf.NewTerraformVariable(stack, ptr.String(id), &cdktf.TerraformVariableConfig{Type: ptr.String("string")}).StringValue()
		}
	}
}

// Derive returns raw, or, chosen by sel, base turned into another id by
// one of forms (fmt patterns with one %s): byte mutation alone rarely
// builds the suffixes and prefixes constructs add to ids.
func Derive(base, raw string, sel uint8, forms []string) string {
	if n := int(sel) % (len(forms) + 1); n > 0 {
		return fmt.Sprintf(forms[n-1], base)
	}
	return raw
}
