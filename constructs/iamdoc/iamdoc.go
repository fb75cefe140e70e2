// Package iamdoc builds IAM policy documents (role trust and permission
// policies, bucket and key policies) as deterministic JSON strings. Values
// may embed cdktf tokens such as resource ARNs; Terraform interpolates them
// inside the string.
package iamdoc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// Statement is one IAM policy statement. Empty fields are omitted.
type Statement struct {
	Sid       string                    `json:"Sid,omitempty"`
	Effect    string                    `json:"Effect"`
	Principal map[string]any            `json:"Principal,omitempty"`
	Actions   []string                  `json:"Action,omitempty"`
	Resources []string                  `json:"Resource,omitempty"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

// Allow returns an Allow statement for actions on resources.
func Allow(sid string, actions []string, resources ...string) Statement {
	return Statement{Sid: sid, Effect: "Allow", Actions: actions, Resources: resources}
}

type document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Document renders the statements as a policy document with version
// 2012-10-17. Map keys come out sorted, so the output is deterministic.
//
// It returns an error wrapping validate.ErrInvalid, naming the statement,
// when a statement's Effect is not Allow or Deny, it has no actions or an
// empty action or resource, or a principal or condition value is not a
// string, a list of strings or a boolean (the values IAM accepts).
func Document(statements ...Statement) (string, error) {
	var errs []error
	if len(statements) == 0 {
		errs = append(errs, fmt.Errorf("iamdoc: a policy document needs at least one statement: %w", validate.ErrInvalid))
	}
	for i, st := range statements {
		for _, problem := range st.problems() {
			errs = append(errs, fmt.Errorf("iamdoc: Statement[%d] (Sid %q): %s: %w", i, st.Sid, problem, validate.ErrInvalid))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(document{Version: "2012-10-17", Statement: statements}); err != nil {
		return "", fmt.Errorf("iamdoc: encoding policy document: %w", err)
	}
	return string(bytes.TrimSpace(buf.Bytes())), nil
}

// problems lists what IAM would reject in one statement.
func (st Statement) problems() []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if st.Effect != "Allow" && st.Effect != "Deny" {
		bad("Effect %q must be Allow or Deny", st.Effect)
	}
	if len(st.Actions) == 0 {
		bad("Actions is empty; name at least one action such as \"s3:GetObject\"")
	}
	for j, a := range st.Actions {
		if a == "" {
			bad("Actions[%d] is empty", j)
		}
	}
	for j, r := range st.Resources {
		if r == "" {
			bad("Resources[%d] is empty; use a resource ARN or \"*\"", j)
		}
	}
	for _, k := range ptr.SortedKeys(st.Principal) {
		if !iamValue(st.Principal[k], false) {
			bad("Principal[%q] is %T; use a string or []string", k, st.Principal[k])
		}
	}
	for _, op := range ptr.SortedKeys(st.Condition) {
		for _, k := range ptr.SortedKeys(st.Condition[op]) {
			if !iamValue(st.Condition[op][k], true) {
				bad("Condition[%q][%q] is %T; use a string, []string or bool", op, k, st.Condition[op][k])
			}
		}
	}
	return out
}

// iamValue reports whether v is a value a policy may hold: a string, a
// non-empty list of strings, and (in conditions) a boolean.
func iamValue(v any, boolOK bool) bool {
	switch x := v.(type) {
	case string:
		return true
	case []string:
		return len(x) > 0
	case bool:
		return boolOK
	}
	return false
}

// ServiceTrust returns a trust policy letting the given AWS service
// principals assume the role with the given actions (sts:AssumeRole when
// none). conditions are added as is. Errors are Document's.
func ServiceTrust(services []string, actions []string, conditions map[string]map[string]any) (string, error) {
	if len(actions) == 0 {
		actions = []string{"sts:AssumeRole"}
	}
	var principal any = services
	if len(services) == 1 {
		principal = services[0]
	}
	return Document(Statement{
		Effect:    "Allow",
		Principal: map[string]any{"Service": principal},
		Actions:   actions,
		Condition: conditions,
	})
}

// AccountRoot returns the ARN that names a whole account as a principal:
// a resource policy granting it delegates to the account's IAM policies.
func AccountRoot(partition, account string) string {
	return "arn:" + partition + ":iam::" + account + ":root"
}

// AccountAdministersKey is the key policy statement that lets the account
// administer and use a KMS key through IAM, so the key never becomes
// unmanageable.
func AccountAdministersKey(partition, account string) Statement {
	return Statement{
		Sid:       "AccountAdministersKeyThroughIAM",
		Effect:    "Allow",
		Principal: map[string]any{"AWS": AccountRoot(partition, account)},
		Actions:   []string{"kms:*"},
		Resources: []string{"*"},
	}
}
