// Package validation collects every problem found in a construct's props so
// that a user sees all of them in one run, each naming the construct path,
// the field, the bad value and what is allowed.
package validation

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/nag/meta"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// ErrInvalid and FieldError are the public error types of package
// validate; they are aliased here so constructs need one import.
var ErrInvalid = validate.ErrInvalid

// FieldError is validate.FieldError.
type FieldError = validate.FieldError

// Report gathers the problems of one construct.
type Report struct {
	kind, path string
	errs       []error
}

// NewReport starts a report for the construct of the given kind at path.
func NewReport(kind, path string) *Report {
	return &Report{kind: kind, path: path}
}

// reservedStackIDs are the ids awsenv gives the stack's shared data sources.
var reservedStackIDs = map[string]bool{"awsenv-account": true, "awsenv-partition": true, "awsenv-region": true}

// ForConstruct starts the report of a construct about to be created under
// scope with id, and checks the id itself: not empty, no '/', not used by
// another construct in scope, and not one of the ids awsenv reserves at a
// stack's top level. The constructs library would panic on each of these.
func ForConstruct(kind string, scope constructs.IConstruct, id string) *Report {
	if scope == nil {
		r := NewReport(kind, id)
		r.Addf("scope", "is nil; pass the stack or construct to create %q in", id)
		return r
	}
	r := NewReport(kind, Path(*scope.Node().Path(), id))
	switch {
	case id == "":
		r.Addf("id", "is empty; give the construct an id (it becomes part of Terraform addresses)")
	case strings.Contains(id, "/"):
		r.Addf("id", "%q contains '/', which construct paths use as their separator", id)
	case scope.Node().TryFindChild(&id) != nil:
		r.Addf("id", "%q is already used by another construct in %q; ids must be unique in their scope", id, *scope.Node().Path())
	case reservedStackIDs[id] && *cdktf.TerraformStack_IsStack(scope):
		r.Addf("id", "%q is reserved at a stack's top level for the stack's shared data sources (package awsenv)", id)
	}
	return r
}

// Path returns the construct path the report is about.
func (r *Report) Path() string { return r.path }

// StackPath returns the path of the construct the report is about from its
// stack: "<stack id>/<path inside the stack>", the same whatever scopes
// hold the stack. Default names derive from it. scope is where the
// construct is being created.
func (r *Report) StackPath(scope constructs.IConstruct) string {
	stack := cdktf.TerraformStack_Of(scope)
	return *stack.Node().Id() + "/" + strings.TrimPrefix(r.path, *stack.Node().Path()+"/")
}

// Addf records that field has the problem described by format and args.
func (r *Report) Addf(field, format string, args ...any) {
	r.errs = append(r.errs, &FieldError{Kind: r.kind, Path: r.path, Field: field, Problem: fmt.Sprintf(format, args...)})
}

// Join adds an error from a nested check as is.
func (r *Report) Join(err error) {
	if err != nil {
		r.errs = append(r.errs, err)
	}
}

// Doc passes through a policy document built by iamdoc and records its
// error, so construction code can write r.Doc(iamdoc.Document(...)) and
// return r.Err() once at the end.
func (r *Report) Doc(doc string, err error) string {
	r.Join(err)
	return doc
}

// Err returns every recorded problem joined, or nil when there were none.
func (r *Report) Err() error { return errors.Join(r.errs...) }

// Len returns the number of problems recorded so far.
func (r *Report) Len() int { return len(r.errs) }

// Path joins a scope's construct path and a child id, the way the construct
// tree names the child.
func Path(scopePath, id string) string {
	if scopePath == "" {
		return id
	}
	return scopePath + "/" + id
}

// IsToken reports whether s is an unresolved cdktf token (a reference to
// another resource's attribute). Such values are not known at synth time and
// are skipped by validation rather than rejected.
func IsToken(s string) bool {
	if !strings.Contains(s, "${") && !strings.Contains(s, "#{") {
		return false
	}
	return *cdktf.Token_IsUnresolved(s)
}

// SameValue reports whether a and b are the same value in scope's stack:
// equal strings, or tokens that resolve to the same expression. Each read
// of a resource attribute (topic.Arn()) returns a token of its own, so two
// reads of one ARN are different strings until they are resolved.
func SameValue(scope constructs.IConstruct, a, b string) (same bool) {
	if a == b {
		return true
	}
	if !IsToken(a) && !IsToken(b) {
		return false
	}
	defer func() {
		if recover() != nil { // not inside a stack: compare as written
			same = false
		}
	}()
	opts := &cdktf.ResolveOptions{Resolver: cdktf.NewDefaultTokenResolver(cdktf.NewStringConcat()), Scope: scope}
	return fmt.Sprint(cdktf.Tokenization_Resolve(a, opts)) == fmt.Sprint(cdktf.Tokenization_Resolve(b, opts))
}

var (
	dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	// Kubernetes qualified name: optional DNS-subdomain prefix and a name.
	qualifiedName = regexp.MustCompile(`^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$`)
	labelValue    = regexp.MustCompile(`^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$`)
	snsTopicARN   = regexp.MustCompile(`^arn:aws(-[a-z]+)*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$`)
	iamARN        = regexp.MustCompile(`^arn:aws(-[a-z]+)*:iam::[0-9]{12}:(role|user)/[\w+=,.@/-]+$`)
)

// DNSLabel reports whether s is an RFC 1123 label of at most 63 characters,
// the rule Kubernetes applies to namespace names.
func DNSLabel(s string) bool { return len(s) <= 63 && dnsLabel.MatchString(s) }

// LabelKey reports whether s is a valid Kubernetes label or taint key.
func LabelKey(s string) bool {
	if !qualifiedName.MatchString(s) {
		return false
	}
	name := s
	if i := strings.LastIndex(s, "/"); i >= 0 {
		if i > 253 {
			return false
		}
		name = s[i+1:]
	}
	return len(name) <= 63
}

// LabelValue reports whether s is a valid Kubernetes label value.
func LabelValue(s string) bool { return len(s) <= 63 && labelValue.MatchString(s) }

// SNSTopicARN reports whether s is the ARN of a standard SNS topic (the
// kind CloudWatch alarms and Alertmanager notify).
func SNSTopicARN(s string) bool { return snsTopicARN.MatchString(s) }

// IAMPrincipalARN reports whether s is an IAM role or user ARN.
func IAMPrincipalARN(s string) bool { return iamARN.MatchString(s) }

// OneOf reports whether v is one of allowed.
func OneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// LogRetentionDays are the retention periods CloudWatch Logs accepts.
var LogRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// LogRetention reports whether days is a retention CloudWatch Logs accepts.
// Zero (never expire) is not accepted: our logs always expire.
func LogRetention(days int) bool {
	for _, d := range LogRetentionDays {
		if d == days {
			return true
		}
	}
	return false
}

var dnsSubdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

// DNSSubdomain reports whether s is an RFC 1123 subdomain of at most 253
// characters, the rule Kubernetes applies to most object names.
func DNSSubdomain(s string) bool { return len(s) <= 253 && dnsSubdomain.MatchString(s) }

// LooksLikeSecret reports whether the variable name=value holds what looks
// like a secret in plain text: a credential-shaped value, or a
// secret-sounding name whose value is not a reference to where the secret
// lives (an ARN, an SSM path, a URL without credentials) or a token
// (meta.LooksLikeSecret, which the rule pack applies to the JSON too).
func LooksLikeSecret(name, value string) bool {
	return meta.LooksLikeSecret(name, value) && !IsToken(value)
}
