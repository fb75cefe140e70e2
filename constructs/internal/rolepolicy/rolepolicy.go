// Package rolepolicy attaches inline policies to one IAM role, each as its
// own aws_iam_role_policy so that grants from different constructs never
// rewrite one another.
package rolepolicy

import (
	"fmt"
	"regexp"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"

	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// policyName is what IAM accepts as an inline policy name.
var policyName = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)

// Attacher adds inline policies to one role.
type Attacher struct {
	scope  constructs.Construct
	role   func() *string // the role's id (its name), read when a policy is added
	counts map[string]int
}

// New returns an Attacher creating policies under scope for the role whose
// name role returns.
func New(scope constructs.Construct, role func() *string) *Attacher {
	return &Attacher{scope: scope, role: role, counts: map[string]int{}}
}

// Add renders statements and attaches them as the inline policy name, with
// construct id "policy-<name>". A name used before gets "-1", "-2", ...
// appended to both (the next number no other policy has), so repeated
// grants stay separate and keep their addresses when later ones are
// added. Nothing is created on error.
func (a *Attacher) Add(name string, statements ...iamdoc.Statement) (iamrolepolicy.IamRolePolicy, error) {
	if !policyName.MatchString(name) {
		return nil, fmt.Errorf("inline policy name %q of %q is not 1-128 letters, digits and +=,.@_-: %w", name, *a.scope.Node().Path(), validate.ErrInvalid)
	}
	doc, err := iamdoc.Document(statements...)
	if err != nil {
		return nil, fmt.Errorf("inline policy %q of %q: %w", name, *a.scope.Node().Path(), err)
	}
	// The n-th use of a name gets "-n"; a suffixed id that another name
	// already took ("read-data" twice, then "read-data-1") moves on to the
	// next free number, so no two policies share an id.
	id := "policy-" + name
	for n := a.counts[name]; ; n++ {
		if n > 0 {
			id = fmt.Sprintf("policy-%s-%d", name, n)
		}
		if a.scope.Node().TryFindChild(&id) == nil {
			a.counts[name] = n + 1
			break
		}
	}
	return iamrolepolicy.NewIamRolePolicy(a.scope, ptr.String(id), &iamrolepolicy.IamRolePolicyConfig{
		Name:   ptr.String(id[len("policy-"):]),
		Role:   a.role(),
		Policy: ptr.String(doc),
	}), nil
}
