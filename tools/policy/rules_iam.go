package policy

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

var (
	// serviceWide matches an action that allows a whole service, such as s3:*.
	serviceWide = regexp.MustCompile(`^[a-z0-9-]+:\*$`)
	// identityDocs are the resource types, and their attributes, that hold
	// identity policies.
	identityDocs = []struct{ typ, key string }{{"aws_iam_role_policy", "policy"}, {"aws_iam_policy", "policy"}}
)

// checkIAMFullAdmin is IAM-001: it reports Allow statements of identity
// policies (identityDocs) with Action "*" on Resource "*".
func checkIAMFullAdmin(d *Doc, emit emitFunc) {
	for _, doc := range identityDocs {
		for _, r := range d.Of(doc.typ) {
			stmts := readPolicy(emit, r, doc.key)
			for i, st := range stmts {
				if st.Effect == "Allow" && slices.Contains(st.Actions, "*") && slices.Contains(st.Resources, "*") {
					emit(r, fmt.Sprintf("%s.Statement[%d]", doc.key, i), "grants every action on every resource")
				}
			}
		}
	}
}

// checkIAMServiceWildcards is IAM-002: it reports service-wide wildcard
// actions (such as s3:*) in Allow statements of identity policies
// (identityDocs).
func checkIAMServiceWildcards(d *Doc, emit emitFunc) {
	for _, doc := range identityDocs {
		for _, r := range d.Of(doc.typ) {
			stmts := readPolicy(emit, r, doc.key)
			for i, st := range stmts {
				if st.Effect != "Allow" {
					continue
				}
				for _, a := range st.Actions {
					if serviceWide.MatchString(a) {
						emit(r, fmt.Sprintf("%s.Statement[%d].Action", doc.key, i), "allows every action of "+strings.TrimSuffix(a, ":*"))
					}
				}
			}
		}
	}
}

// checkIRSATrustConditions is IAM-003: it reports role trust statements that
// allow sts:AssumeRoleWithWebIdentity from an OIDC provider without a
// condition on :sub and a StringEquals on :aud.
func checkIRSATrustConditions(d *Doc, emit emitFunc) {
	for _, r := range d.Of("aws_iam_role") {
		stmts := readPolicy(emit, r, "assume_role_policy")
		for i, st := range stmts {
			if st.Effect != "Allow" || !slices.Contains(st.Actions, "sts:AssumeRoleWithWebIdentity") {
				continue
			}
			p, _ := st.Principal.(map[string]any)
			if fed := str(p["Federated"]); !strings.Contains(fed, "oidc-provider") && !strings.Contains(fed, "aws_iam_openid_connect_provider") && fed != Placeholder {
				continue
			}
			var sub, aud bool
			for op, kv := range st.Condition {
				if op != "StringEquals" && op != "StringLike" {
					continue
				}
				for k := range kv {
					sub = sub || strings.HasSuffix(k, ":sub")
					aud = aud || (strings.HasSuffix(k, ":aud") && op == "StringEquals")
				}
			}
			if !sub || !aud {
				emit(r, fmt.Sprintf("assume_role_policy.Statement[%d].Condition", i), "any service account of the cluster (or any audience) could assume the role")
			}
		}
	}
}
