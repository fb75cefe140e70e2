package review

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/hybridstack/hybridstack/tools/tfjson"
)

// grant is one (principal, action, resource) an Allow or Deny statement
// covers; NotAction and NotResource count as "*" (they cover everything
// not listed).
type grant struct{ principal, action, resource string }

// policyGrants reads an IAM policy document: the Allow grants with the
// conditions each is under ("" for none), and the Deny grants.
type policyGrants struct {
	allow map[grant]map[string]bool
	deny  map[grant]map[string]bool
}

func parsePolicy(doc map[string]any) policyGrants {
	pg := policyGrants{allow: map[grant]map[string]bool{}, deny: map[grant]map[string]bool{}}
	var stmts []any
	switch s := doc["Statement"].(type) {
	case []any:
		stmts = s
	case map[string]any:
		stmts = []any{s}
	}
	for _, raw := range stmts {
		st, ok := raw.(map[string]any)
		if !ok {
			continue
		}
		actions := stringList(st["Action"])
		if _, ok := st["NotAction"]; ok {
			actions = []string{"*"}
		}
		principals := principalList(st["Principal"])
		resources := stringList(st["Resource"])
		_, hasPrincipal := st["Principal"]
		switch _, notResource := st["NotResource"]; {
		case notResource:
			resources = []string{"*"}
		case hasPrincipal && (len(resources) == 0 || (len(resources) == 1 && resources[0] == "*")):
			// A trust or resource policy's statement applies to the
			// resource the policy is attached to ("*" in a key policy
			// means this key).
			resources = []string{"(this resource)"}
		case len(resources) == 0:
			resources = []string{"*"}
		}
		if _, ok := st["NotPrincipal"]; ok {
			principals = []string{"*"}
		}
		cond := ""
		if c, ok := st["Condition"]; ok {
			b, _ := json.Marshal(c)
			cond = string(b)
		}
		for _, p := range principals {
			for _, a := range actions {
				for _, r := range resources {
					g := grant{p, a, r}
					if st["Effect"] == "Deny" {
						if pg.deny[g] == nil {
							pg.deny[g] = map[string]bool{}
						}
						pg.deny[g][cond] = true
						continue
					}
					if pg.allow[g] == nil {
						pg.allow[g] = map[string]bool{}
					}
					pg.allow[g][cond] = true
				}
			}
		}
	}
	return pg
}

func stringList(v any) []string { return tfjson.StringList(v) }

// principalList flattens a Principal element to KIND:VALUE entries; an
// identity policy (no Principal) has the single principal "".
func principalList(v any) []string {
	switch x := v.(type) {
	case nil:
		return []string{""}
	case string:
		return []string{x} // "*"
	case map[string]any:
		var out []string
		for kind, vals := range x {
			for _, s := range stringList(vals) {
				if s == "*" {
					out = append(out, "*")
					continue
				}
				out = append(out, kind+":"+s)
			}
		}
		sort.Strings(out)
		return out
	}
	return []string{""}
}

// policyDocs returns the IAM policy documents of a configuration by
// attribute name (assume_role_policy, policy, inline_policy[0].policy).
func policyDocs(attrs map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case string:
			if doc, ok := jsonDocument(x); ok {
				if m, ok := doc.(map[string]any); ok {
					if _, ok := m["Statement"]; ok {
						out[path] = m
					}
				}
			}
		case map[string]any:
			for k, e := range x {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(p, e)
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		}
	}
	walk("", attrs)
	return out
}

// readOnlyAction reports whether an action only reads (the kind of action
// that commonly needs "Resource": "*").
func readOnlyAction(a string) bool {
	_, op, ok := strings.Cut(a, ":")
	if !ok {
		return false
	}
	for _, p := range []string{"Describe", "List", "Get", "BatchGet", "PutTraceSegments", "PutTelemetryRecords", "PutMetricData"} {
		if strings.HasPrefix(op, p) && !strings.Contains(op, "*") {
			return true
		}
	}
	return false
}

// iamFindings compares the policy documents and IAM-shaped attributes of
// a resource's two versions (base nil: created; head nil: deleted).
func (d *StackDiff) iamFindings(c ResourceChange, base, head *Resource) []Finding {
	var out []Finding
	add := func(sev Severity, attr, msg string) {
		out = append(out, Finding{Severity: sev, Class: ClassIAM, Stack: d.Stack, Address: c.Address, Path: c.Path, Attr: attr, Message: msg})
	}
	var baseDocs, headDocs map[string]map[string]any
	if base != nil {
		baseDocs = policyDocs(d.eq.canonBase(base.Attrs))
	}
	if head != nil {
		headDocs = policyDocs(d.eq.canonHead(normalizeAttrs(head.Attrs, d.rename)))
	}
	attrs := map[string]bool{}
	for k := range baseDocs {
		attrs[k] = true
	}
	for k := range headDocs {
		attrs[k] = true
	}
	names := make([]string, 0, len(attrs))
	for k := range attrs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, attr := range names {
		var b, h policyGrants
		hadBase := baseDocs[attr] != nil
		if hadBase {
			b = parsePolicy(baseDocs[attr])
		}
		if headDocs[attr] != nil {
			h = parsePolicy(headDocs[attr])
		}
		// Deny statements that no longer apply.
		var lostDeny, changedDeny []string
		for g, conds := range b.deny {
			switch hc, ok := h.deny[g]; {
			case !ok:
				lostDeny = append(lostDeny, d.describeGrant(g))
			case !sameSet(conds, hc):
				changedDeny = append(changedDeny, d.describeGrant(g)+" (condition "+condText(conds)+" -> "+condText(hc)+")")
			}
		}
		if len(lostDeny) > 0 {
			add(High, attr, "a Deny no longer applies: "+summarize(lostDeny))
		}
		if len(changedDeny) > 0 {
			add(High, attr, "a Deny's condition changed, so it may exempt more: "+summarize(changedDeny))
		}
		if head == nil {
			continue
		}
		basePrincipals := map[string]bool{}
		for g := range b.allow {
			basePrincipals[g.principal] = true
		}
		var wildAction, everyone, starResource, newPrincipal, newAction, condLost, condChanged, outside []string
		for g, conds := range h.allow {
			baseConds, had := b.allow[g]
			desc := d.describeGrant(g)
			if had {
				switch {
				case conds[""] && !baseConds[""]:
					condLost = append(condLost, desc)
				case !sameSet(conds, baseConds):
					condChanged = append(condChanged, desc+" (condition "+condText(baseConds)+" -> "+condText(conds)+")")
				}
				continue
			}
			if ownAccountRoot(g.principal) {
				// Delegating to the account's own IAM policies (the
				// default key policy) grants nobody anything by itself.
				continue
			}
			if g.principal == "*" && conds[""] {
				everyone = append(everyone, desc)
			}
			if !hadBase && foreignPrincipal(g.principal) {
				outside = append(outside, desc)
				continue
			}
			switch {
			case g.action == "*" || strings.HasSuffix(g.action, ":*"):
				wildAction = append(wildAction, desc)
			case g.resource == "*" && !readOnlyAction(g.action):
				starResource = append(starResource, desc)
			case hadBase && !basePrincipals[g.principal]:
				newPrincipal = append(newPrincipal, desc)
			case hadBase:
				newAction = append(newAction, desc)
			}
		}
		if len(everyone) > 0 {
			add(High, attr, "allows anyone (Principal *) without a condition: "+summarize(everyone))
		}
		if len(wildAction) > 0 {
			add(High, attr, "grants every action of a service: "+summarize(wildAction))
		}
		if len(starResource) > 0 {
			sev := High
			if !hadBase {
				sev = Medium
			}
			add(sev, attr, "grants a write action on every resource (\"*\"): "+summarize(starResource))
		}
		if len(newPrincipal) > 0 {
			what := "grants to new principals"
			if attr == "assume_role_policy" {
				what = "the role now trusts new principals"
			}
			add(High, attr, what+": "+summarize(newPrincipal))
		}
		if len(condLost) > 0 {
			add(High, attr, "a grant lost its condition: "+summarize(condLost))
		}
		if len(condChanged) > 0 {
			sev := Medium
			if attr == "assume_role_policy" {
				sev = High // who may assume the role
			}
			add(sev, attr, "a grant's condition changed: "+summarize(condChanged))
		}
		if len(outside) > 0 {
			add(High, attr, "grants to a principal outside this account and stack: "+summarize(outside))
		}
		if len(newAction) > 0 {
			add(Medium, attr, "grants new actions or resources: "+summarize(newAction))
		}
	}
	if head == nil {
		return out
	}
	switch c.Type {
	case "aws_lambda_permission":
		hs, _ := head.Attrs["source_arn"].(string)
		switch {
		case base == nil && hs == "":
			add(High, "source_arn", fmt.Sprintf("any %v resource, in any account, may invoke the function (no source_arn)", head.Attrs["principal"]))
		case base != nil && hs == "" && base.Attrs["source_arn"] != nil:
			add(High, "source_arn", "the permission no longer names its source: any resource of the principal may invoke the function")
		case base != nil && base.Attrs["principal"] != head.Attrs["principal"]:
			add(High, "principal", fmt.Sprintf("a new principal may invoke the function: %v", head.Attrs["principal"]))
		}
	case "aws_iam_role_policy_attachment", "aws_eks_access_policy_association":
		arn, _ := head.Attrs["policy_arn"].(string)
		if baseArn, _ := attrString(base, "policy_arn"); baseArn == arn {
			break
		}
		for _, admin := range []string{"/AdministratorAccess", "/PowerUserAccess", "/IAMFullAccess", "AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy"} {
			if strings.HasSuffix(arn, admin) {
				add(High, "policy_arn", "grants administrator rights: "+d.readable(arn))
				return out
			}
		}
		if c.Type == "aws_iam_role_policy_attachment" {
			role, _ := head.Attrs["role"].(string)
			for _, ref := range blockRefs(role) {
				if _, existed := d.base.Resources[ref.Address]; existed {
					add(Medium, "policy_arn", fmt.Sprintf("an existing role (%s) gets the managed policy %s", d.head.Readable("${"+ref.Address+"}"), d.head.Readable(arn)))
				}
			}
		}
	case "kubernetes_cluster_role_binding_v1", "kubernetes_role_binding_v1":
		flat := flatten(head.Attrs)
		if l, _ := lookupLeaf(flat, "role_ref.name"); l.str() == "cluster-admin" || l.str() == "admin" {
			add(High, "role_ref.name", "binds the Kubernetes role "+l.str())
		}
	}
	return out
}

// ownAccountRoot reports whether a principal is the stack's own account
// root, written with the account id interpolated from the provider.
func ownAccountRoot(p string) bool {
	return strings.HasPrefix(p, "AWS:") && strings.HasSuffix(p, ":root") && strings.Contains(p, "${data.aws_caller_identity.") && strings.Contains(p, ".account_id}")
}

// foreignPrincipal reports whether an AWS principal is neither the
// account's own (its id from aws_caller_identity) nor a resource of the
// stack: a literal account id or a variable.
func foreignPrincipal(p string) bool {
	if !strings.HasPrefix(p, "AWS:") || ownAccountRoot(p) {
		return false
	}
	v := strings.TrimPrefix(p, "AWS:")
	if strings.HasPrefix(v, "${") && strings.HasSuffix(v, "}") && strings.Count(v, "${") == 1 {
		return strings.Contains(v, "var.") // a role or user of the stack
	}
	return !strings.Contains(v, "${data.aws_caller_identity.")
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func condText(conds map[string]bool) string {
	var out []string
	for c := range conds {
		if c == "" {
			c = "none"
		}
		out = append(out, c)
	}
	sort.Strings(out)
	return strings.Join(out, " or ")
}

func attrString(r *Resource, key string) (string, bool) {
	if r == nil {
		return "", false
	}
	s, ok := r.Attrs[key].(string)
	return s, ok
}

func (d *StackDiff) describeGrant(g grant) string {
	out := g.action
	if g.resource != "(this resource)" {
		out += " on " + d.readable(g.resource)
	}
	if g.principal != "" {
		out += " to " + d.readable(g.principal)
	}
	return out
}

// summarize lists up to five items, sorted, and counts the rest.
func summarize(items []string) string {
	sort.Strings(items)
	if len(items) > 5 {
		return strings.Join(items[:5], "; ") + fmt.Sprintf("; and %d more", len(items)-5)
	}
	return strings.Join(items, "; ")
}
