// Package nag puts the rule pack's markers on constructs: a suppression
// says, on one resource, that a rule does not apply and why; a disposable
// declaration says a whole stack may be destroyed with its data. Both are
// written into the synthesized JSON (package meta names the keys), which
// Terraform ignores and the toolchain's rule pack (tools/policy,
// tools/cmd/hybridcheck) reads, so a check of cdktf.out sees them too.
//
// Whether a suppressed rule id exists is decided at check time: a
// suppression of an unknown rule, one without a reason and one that
// matches no finding are each reported there (SUP-001).
package nag

import (
	"fmt"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/nag/meta"
)

// Suppress records on a resource that rule ruleID does not apply, with the
// reason a reviewer will read. It is written into the resource's "//"
// metadata. The reason must not be empty and ruleID must have the shape of
// a rule id (S3-005).
func Suppress(r cdktf.TerraformResource, ruleID, reason string) error {
	if strings.TrimSpace(reason) == "" {
		return fmt.Errorf("%s: suppressing %s needs a reason", *r.Node().Path(), ruleID)
	}
	if !meta.ValidRuleID(ruleID) {
		return fmt.Errorf("%s: suppression rule id %q is not a rule id (want a family, a dash and three digits, e.g. S3-005)", *r.Node().Path(), ruleID)
	}
	path := "//." + meta.SuppressionsKey + "." + ruleID
	r.AddOverride(&path, reason)
	return nil
}

// DeclareDisposable marks the stack as disposable: data-bearing resources
// may then lack destroy protection (rule DATA-001), and the library's log
// groups and keys take short retention and deletion windows.
func DeclareDisposable(stack cdktf.TerraformStack) {
	id := meta.DisposableLocal
	cdktf.NewTerraformLocal(stack, &id, true)
}

// Disposable reports whether the stack of scope declared itself disposable.
// A construct outside any stack is not disposable.
func Disposable(scope constructs.IConstruct) (disposable bool) {
	// TerraformStack_Of throws (a jsii panic) when no ancestor is a stack.
	defer func() {
		if recover() != nil {
			disposable = false
		}
	}()
	id := meta.DisposableLocal
	return cdktf.TerraformStack_Of(scope).Node().TryFindChild(&id) != nil
}
