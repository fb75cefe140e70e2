package review

import (
	"fmt"
	"sort"
	"strings"
)

// broadeningPrefix starts every broadening-mode message.
const broadeningPrefix = "broadening mode: "

// policyAttachmentTypes grant a managed policy to a principal.
var policyAttachmentTypes = map[string]bool{
	"aws_iam_role_policy_attachment":     true,
	"aws_iam_user_policy_attachment":     true,
	"aws_iam_group_policy_attachment":    true,
	"aws_iam_policy_attachment":          true,
	"aws_eks_access_policy_association":  true,
	"kubernetes_cluster_role_binding_v1": true,
	"kubernetes_role_binding_v1":         true,
}

// sides returns the base and head configurations of a change (nil for
// the side it lacks).
func (d *StackDiff) sides(c ResourceChange) (base, head *Resource) {
	switch c.Action {
	case Forget:
		return nil, nil
	case Create:
		return nil, d.head.Resources[c.Address]
	case Delete:
		return d.base.Resources[c.Address], nil
	}
	from := c.Address
	if c.From != "" {
		from = c.From
	}
	return d.base.Resources[from], d.head.Resources[c.Address]
}

// withBroadening adds, for Options.Broadening, a high finding for every
// new or widened ingress rule (class network-opened) and every new IAM
// grant (class iam-widened) that no high finding of the same class and
// address already reports: each fails the review until the
// acknowledgement file lists it.
func (d *StackDiff) withBroadening(findings []Finding) []Finding {
	high := map[string]bool{}
	for _, f := range findings {
		if f.Severity == High {
			high[f.Address+"\x00"+f.Class] = true
		}
	}
	out := findings
	add := func(c ResourceChange, class, attr, msg string) {
		if high[c.Address+"\x00"+class] {
			return
		}
		high[c.Address+"\x00"+class] = true
		out = append(out, Finding{Severity: High, Class: class, Stack: d.Stack, Address: c.Address, Path: c.Path, Attr: attr, Message: broadeningPrefix + msg})
	}
	for _, c := range d.Changes {
		base, head := d.sides(c)
		if head == nil {
			continue
		}
		var ingress []string
		attr := ""
		for _, delta := range d.ingressDeltas(c, base, head) {
			peers := append([]string(nil), delta.NewOthers...)
			if !delta.New.empty() {
				peers = append([]string{delta.New.String()}, peers...)
			}
			ingress = append(ingress, fmt.Sprintf("%s from %s", delta.Rule.ports(), strings.Join(peers, ", ")))
			attr = delta.Rule.Attr
		}
		if len(ingress) > 0 {
			what := "a new ingress rule admits "
			if base != nil {
				what = "the ingress rule now admits "
			}
			add(c, ClassNetwork, attr, what+summarize(ingress))
		}
		if grants, attr := d.newGrants(c, base, head); len(grants) > 0 {
			add(c, ClassIAM, attr, "new IAM grant: "+summarize(grants))
		}
	}
	sortFindings(out)
	return out
}

// newGrants lists the Allow grants of a resource's policy documents that
// its base did not have, and the managed policy or role a created or
// changed attachment grants.
func (d *StackDiff) newGrants(c ResourceChange, base, head *Resource) ([]string, string) {
	var out []string
	var attrs []string
	var baseDocs map[string]map[string]any
	if base != nil {
		baseDocs = policyDocs(base.Attrs)
	}
	headDocs := policyDocs(normalizeAttrs(head.Attrs, d.rename))
	names := make([]string, 0, len(headDocs))
	for k := range headDocs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, attr := range names {
		var b policyGrants
		if baseDocs[attr] != nil {
			b = parsePolicy(baseDocs[attr])
		}
		before := len(out)
		for g := range parsePolicy(headDocs[attr]).allow {
			if _, had := b.allow[g]; had || ownAccountRoot(g.principal) {
				continue
			}
			out = append(out, d.describeGrant(g))
		}
		if len(out) > before {
			attrs = append(attrs, attr)
		}
	}
	if policyAttachmentTypes[head.Type] {
		for _, key := range []string{"policy_arn", "role_ref"} {
			v, ok := head.Attrs[key]
			if !ok {
				continue
			}
			var was any
			if base != nil {
				was = base.Attrs[key]
			}
			if d.readable(v) != d.readable(was) {
				out = append(out, key+" "+d.readable(v))
				attrs = append(attrs, key)
			}
		}
	}
	if head.Type == "aws_lambda_permission" && base == nil {
		out = append(out, fmt.Sprintf("%v may %v", d.readable(head.Attrs["principal"]), d.readable(head.Attrs["action"])))
	}
	attr := ""
	if len(attrs) == 1 {
		attr = attrs[0]
	}
	return out, attr
}
