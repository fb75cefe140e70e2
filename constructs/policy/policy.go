// Package policy is a security and safety rule pack for synthesized
// Terraform JSON: the exact documents cdktf writes (or any *.tf.json). It
// checks single resources (encryption, logging, IMDSv2, TLS) and what
// single-resource scanners cannot: that each bucket has its own public
// access block, encryption, versioning and TLS policy; each Lambda its own
// log group; each service permission a source in the stack; each IRSA trust
// policy both sub and aud; each SQS queue a visibility timeout covering its
// consumer. Findings name the resource address, the attribute path, a
// one-line fix and the equivalent cdk-nag, trivy and checkov ids.
//
// A second group of rules catches what a plan accepts and an apply (or a
// destroy) rejects: NAME-001 checks names and name prefixes against AWS
// length limits, counting the 26-character suffix Terraform adds to a
// prefix (the limits are one table, nameLimits); API-004 that a stage's
// route_settings name only routes the stage depends on; EKS-008 that EKS
// clusters, node groups, Fargate profiles, add-ons with roles and Lambda
// functions in a VPC depend on every policy of their role; and MESH-003,
// NET-001 and EKS-007 that nothing deploys locked out (VPC Lattice AWS_IAM
// without an auth policy, a listener port the load balancer's security
// groups do not admit, an EKS cluster without an administrator access
// entry). S3-005 asks buckets for a customer managed KMS key with S3 Bucket
// Keys; a bucket that keeps SSE-S3 on purpose suppresses it with the reason.
// LOG-002 asks every log group for a customer managed KMS key (LOG-001 for
// a retention), and OBS-001, a warning, for a CloudWatch metric alarm on
// every traffic-carrying resource: one whose dimensions, or a metric_query
// metric's, refer to the resource or hold its name.
//
// Suppressions travel inside the JSON ("//" metadata), so a check of
// cdktf.out sees them too; each needs a reason, and one that matches no
// finding is itself reported.
package policy

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Severity of a rule.
type Severity string

// The severities. Unsuppressed errors fail make synth and hybridcheck.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Equivalents are the ids of the same check in other tools.
type Equivalents struct {
	CdkNag, Trivy, Checkov string
}

// Rule is one check.
type Rule struct {
	ID       string
	Severity Severity
	// Title says what the rule requires.
	Title string
	// Fix says in one line how to comply.
	Fix         string
	Equivalents Equivalents
	check       func(d *Doc, emit emitFunc)
}

type emitFunc func(r Resource, path, message string)

// Finding is one rule violation.
type Finding struct {
	RuleID   string   `json:"rule"`
	Severity Severity `json:"severity"`
	Stack    string   `json:"stack"`
	Address  string   `json:"address"`
	// Path is the attribute path inside the resource, such as
	// vpc_config.endpoint_public_access.
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
	Fix     string `json:"fix"`
	// Suppressed findings carry the recorded reason.
	Suppressed        bool   `json:"suppressed,omitempty"`
	SuppressionReason string `json:"suppression_reason,omitempty"`
}

func (f Finding) String() string {
	s := fmt.Sprintf("%s %s %s: %s", f.Severity, f.RuleID, f.Address, f.Message)
	if f.Path != "" {
		s = fmt.Sprintf("%s %s %s (%s): %s", f.Severity, f.RuleID, f.Address, f.Path, f.Message)
	}
	return s
}

// Rules returns every rule, sorted by id.
func Rules() []Rule {
	return append([]Rule(nil), ruleTable...)
}

// UnusedSuppression is the rule id of findings for suppressions that match
// no finding: a stale suppression hides the next real problem.
const UnusedSuppression = "SUP-001"

// Check runs every rule over one stack's JSON and returns the findings,
// suppressed ones included (marked), sorted by stack, address and rule.
func Check(stack string, stackJSON []byte) ([]Finding, error) {
	d, err := Parse(stack, stackJSON)
	if err != nil {
		return nil, err
	}
	return CheckDoc(d), nil
}

// CheckDoc runs every rule over a parsed document.
func CheckDoc(d *Doc) []Finding {
	var out []Finding
	used := map[string]bool{} // address|rule
	for _, rule := range ruleTable {
		rule := rule
		rule.check(d, func(r Resource, path, message string) {
			f := Finding{RuleID: rule.ID, Severity: rule.Severity, Stack: d.Stack, Address: r.Address(), Path: path, Message: message, Fix: rule.Fix}
			if reason, ok := suppressions(r)[rule.ID]; ok {
				f.Suppressed, f.SuppressionReason = true, reason
				used[r.Address()+"|"+rule.ID] = true
			}
			out = append(out, f)
		})
	}
	for _, r := range d.resources {
		for rule, reason := range suppressions(r) {
			switch {
			case strings.TrimSpace(reason) == "":
				out = append(out, Finding{RuleID: UnusedSuppression, Severity: Error, Stack: d.Stack, Address: r.Address(), Path: "//." + suppressionKey + "." + rule,
					Message: "suppression of " + rule + " has no reason", Fix: "say why the rule does not apply here"})
			case !used[r.Address()+"|"+rule]:
				out = append(out, Finding{RuleID: UnusedSuppression, Severity: Error, Stack: d.Stack, Address: r.Address(), Path: "//." + suppressionKey + "." + rule,
					Message: "suppression of " + rule + " matches no finding (reason: " + reason + ")", Fix: "remove the stale suppression"})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Stack != b.Stack {
			return a.Stack < b.Stack
		}
		if a.Address != b.Address {
			return a.Address < b.Address
		}
		return a.RuleID < b.RuleID
	})
	return out
}

// Failing returns the unsuppressed findings of severity error.
func Failing(findings []Finding) []Finding {
	var out []Finding
	for _, f := range findings {
		if f.Severity == Error && !f.Suppressed {
			out = append(out, f)
		}
	}
	return out
}

// Err returns an error listing the failing findings, or nil.
func Err(findings []Finding) error {
	var errs []error
	for _, f := range Failing(findings) {
		errs = append(errs, fmt.Errorf("policy: %s %s: %s %s; fix: %s", f.Stack, f.RuleID, f.Address, f.Message, f.Fix))
	}
	return errors.Join(errs...)
}

const suppressionKey = "hybridstack_suppressions"

// DisposableLocal is the local a stack sets to true to declare itself
// disposable, which turns off DATA-001.
const DisposableLocal = "hybridstack_disposable"

// Suppress records on a resource that rule does not apply, with the reason
// a reviewer will read. It is written into the resource's "//" metadata,
// which Terraform ignores and the checker reads.
func Suppress(r cdktf.TerraformResource, ruleID, reason string) error {
	if strings.TrimSpace(reason) == "" {
		return fmt.Errorf("policy: suppressing %s on %s needs a reason", ruleID, *r.Node().Path())
	}
	if _, ok := ruleByID[ruleID]; !ok {
		return fmt.Errorf("policy: %q is not a rule id", ruleID)
	}
	r.AddOverride(strPtr("//."+suppressionKey+"."+ruleID), reason)
	return nil
}

// DeclareDisposable marks the stack as disposable: data-bearing resources
// may then lack destroy protection (DATA-001).
func DeclareDisposable(stack cdktf.TerraformStack) {
	cdktf.NewTerraformLocal(stack, strPtr(DisposableLocal), true)
}

func strPtr(s string) *string { return &s }
