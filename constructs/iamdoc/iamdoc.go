// Package iamdoc builds IAM policy documents (role trust and permission
// policies, bucket and key policies) as deterministic JSON strings. Values
// may embed cdktf tokens such as resource ARNs; Terraform interpolates them
// inside the string.
package iamdoc

import (
	"bytes"
	"encoding/json"
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
func Document(statements ...Statement) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(document{Version: "2012-10-17", Statement: statements}); err != nil {
		// Only maps of strings, slices and maps reach here; failure is a bug.
		panic("iam: encoding policy document: " + err.Error())
	}
	return string(bytes.TrimSpace(buf.Bytes()))
}

// ServiceTrust returns a trust policy letting the given AWS service
// principals assume the role with the given actions (sts:AssumeRole when
// none). conditions are added as is.
func ServiceTrust(services []string, actions []string, conditions map[string]map[string]any) string {
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
