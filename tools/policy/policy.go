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
// IAM-001..003 and S3-004 read policy documents written as literal JSON
// (interpolations inside them are fine); a policy that is an expression
// (${data.aws_iam_policy_document.x.json}, jsonencode(...)) is reported as
// an info finding, "not checked", naming the resource and attribute. Info
// findings never fail make synth or hybridcheck.
//
// Documents are read through tools/tfjson, the toolchain's one model of
// Terraform JSON and its one reference grammar.
//
// Suppressions travel inside the JSON ("//" metadata, written by package
// constructs/nag), so a check of cdktf.out sees them too; each needs a
// reason, and one that names no rule or matches no finding is itself
// reported (SUP-001).
package policy

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hybridstack/hybridstack/tools/tfjson"
)

// Severity of a rule.
type Severity string

// The severities. Unsuppressed errors fail make synth and hybridcheck.
// Info findings say what a rule could not check (a policy that is not a
// literal document); they never fail anything.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Info    Severity = "info"
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

// emitFunc reports a finding of the running rule on r at an attribute
// path. A message starting with notCheckedPrefix (written by notChecked)
// is a finding of severity Info: what the rule could not check.
type emitFunc func(r Resource, path, message string)

// notCheckedPrefix starts the message of an Info finding.
const notCheckedPrefix = "not checked: "

// notChecked reports, as an Info finding of the running rule, that the
// attribute at path of r could not be checked, and why.
func notChecked(emit emitFunc, r Resource, path, why string) {
	emit(r, path, notCheckedPrefix+why)
}

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
			if strings.HasPrefix(message, notCheckedPrefix) {
				f.Severity = Info
				f.Fix = "write the policy as a literal JSON document (interpolations inside it are fine) so the rule can read it, or review it by hand"
			}
			if reason, ok := suppressions(r)[rule.ID]; ok {
				f.Suppressed, f.SuppressionReason = true, reason
				used[r.Address()+"|"+rule.ID] = true
			}
			out = append(out, f)
		})
	}
	for _, r := range d.resources {
		for rule, reason := range suppressions(r) {
			switch _, known := ruleByID[rule]; {
			case !known:
				out = append(out, Finding{RuleID: UnusedSuppression, Severity: Error, Stack: d.Stack, Address: r.Address(), Path: "//." + suppressionKey + "." + rule,
					Message: "suppression of " + rule + " names no rule of this pack (reason: " + reason + ")", Fix: "use an id from hybridcheck -rules, or remove the suppression"})
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

// suppressionKey and DisposableLocal are the keys the library's package
// nag writes (tfjson states the JSON format).
const suppressionKey = tfjson.SuppressionsKey

// DisposableLocal is the local a stack sets to true to declare itself
// disposable (nag.DeclareDisposable), which turns off DATA-001.
const DisposableLocal = tfjson.DisposableLocal
