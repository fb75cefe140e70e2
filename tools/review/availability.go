package review

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hybridstack/hybridstack/tools/tfjson"
)

// ClassAvailability marks a change that sends live traffic where nothing
// answers yet.
const ClassAvailability = "availability"

// routingAttrs lists, per resource type, the top-level attributes that
// say where a routing resource sends traffic (its targets).
var routingAttrs = map[string][]string{
	"aws_lb_listener":                        {"default_action"},
	"aws_lb_listener_rule":                   {"action"},
	"aws_lb_target_group_attachment":         {"target_id"},
	"aws_apigatewayv2_integration":           {"integration_uri"},
	"aws_vpclattice_listener":                {"default_action"},
	"aws_vpclattice_listener_rule":           {"action"},
	"aws_vpclattice_target_group_attachment": {"target"},
	"aws_appmesh_route":                      {"spec"},
}

// stackGroup splits a stack name into its group and its place in the
// order the group applies: NAME (0), NAME-addons (1), NAME-workloads or
// NAME-tenants (2), as tools/e2e applies them.
func stackGroup(name string) (group string, rank int) {
	for suffix, r := range map[string]int{"-addons": 1, "-workloads": 2, "-tenants": 2} {
		if strings.HasSuffix(name, suffix) {
			return strings.TrimSuffix(name, suffix), r
		}
	}
	return name, 0
}

// remoteStateStack names the stack a terraform_remote_state data source
// reads: the state file terraform.NAME.tfstate of its config.path, else
// cdktf's cross-stack-reference-input-NAME.
func remoteStateStack(s *Stack, name string) string {
	if r, ok := s.Data["data.terraform_remote_state."+name]; ok {
		if cfg, ok := r.Attrs["config"].(map[string]any); ok {
			if p, ok := cfg["path"].(string); ok {
				base := p[strings.LastIndex(p, "/")+1:]
				if strings.HasPrefix(base, "terraform.") && strings.HasSuffix(base, ".tfstate") {
					return strings.TrimSuffix(strings.TrimPrefix(base, "terraform."), ".tfstate")
				}
			}
		}
	}
	return strings.TrimPrefix(name, "cross-stack-reference-input-")
}

// laterTarget is a target a later stack of the group creates.
type laterTarget struct {
	stack, what string
}

// availabilityFindings flags, in each changed stack, a routing resource
// that the change points at targets only a later stack of the same group
// creates, while the base pointed it at targets that exist: between the
// two applies live traffic goes nowhere. base and head are every stack of
// either side, by name.
func (r *Report) availabilityFindings(base, head map[string]*Stack) {
	for _, d := range r.Stacks {
		group, rank := stackGroup(d.Stack)
		var later []string
		for name := range head {
			if g, rk := stackGroup(name); g == group && rk > rank {
				later = append(later, name)
			}
		}
		if len(later) == 0 {
			continue
		}
		sort.Strings(later)
		for _, c := range d.Changes {
			attrs, ok := routingAttrs[c.Type]
			if !ok || c.Action == Create || c.Action == Delete || c.Action == Forget || c.Action == Rename {
				continue
			}
			from := c.Address
			if c.From != "" {
				from = c.From
			}
			b, h := d.base.Resources[from], d.head.Resources[c.Address]
			if b == nil || h == nil {
				continue
			}
			for _, attr := range attrs {
				before, after := stringSet(b.Attrs[attr]), stringSet(h.Attrs[attr])
				if len(before) == 0 {
					continue // the base routed nothing here
				}
				// The base's targets are live: the base is what is applied.
				var hits []laterTarget
				for s := range after {
					if before[s] {
						continue
					}
					if t, ok := providedLater(d.head, s, later, base, head); ok {
						hits = append(hits, t)
					}
				}
				if len(hits) == 0 {
					continue
				}
				sort.Slice(hits, func(i, j int) bool { return hits[i].what < hits[j].what })
				var whats, stacks []string
				for _, t := range hits {
					whats = appendUniqueString(whats, t.what)
					stacks = appendUniqueString(stacks, t.stack)
				}
				d.Findings = append(d.Findings, Finding{Severity: High, Class: ClassAvailability, Stack: d.Stack, Address: c.Address, Path: c.Path, Attr: attr,
					Message: fmt.Sprintf("traffic goes to targets that do not exist until %s applies: %s is created there, while this stack applies first and moves the traffic off targets that exist now", strings.Join(stacks, ", "), strings.Join(whats, ", "))})
			}
		}
		sortFindings(d.Findings)
	}
}

// stringSet collects the strings inside a value.
func stringSet(v any) map[string]bool {
	out := map[string]bool{}
	tfjson.Walk(v, func(_, s string) { out[s] = true })
	return out
}

func appendUniqueString(list []string, s string) []string {
	for _, e := range list {
		if e == s {
			return list
		}
	}
	return append(list, s)
}

// providedLater reports whether a routing target (a string of stack s)
// is something one of the later stacks creates in this change: an output
// of a later stack read through terraform_remote_state whose value is a
// resource that stack creates (or an output it adds), or a literal that
// names or is the ARN of a resource a later stack creates.
func providedLater(s *Stack, v string, later []string, base, head map[string]*Stack) (laterTarget, bool) {
	for _, ref := range tfjson.References(v) {
		state, out, ok := ref.RemoteOutput()
		if !ok {
			continue
		}
		ls := remoteStateStack(s, state)
		if !contains(later, ls) || head[ls] == nil {
			continue
		}
		val, ok := head[ls].Outputs[out]
		if !ok {
			continue
		}
		var b *Stack
		if base != nil {
			b = base[ls]
		}
		for _, r := range tfjson.ReferencesIn(val) {
			if res, ok := head[ls].Resources[r.Address]; ok && (b == nil || b.Resources[r.Address] == nil) {
				return laterTarget{ls, fmt.Sprintf("%s (output %s)", res.ConstructPath(), out)}, true
			}
		}
		if b == nil {
			return laterTarget{ls, "output " + out}, true
		}
		if _, had := b.Outputs[out]; !had {
			return laterTarget{ls, "output " + out}, true
		}
	}
	if tfjson.HasInterpolation(v) || len(v) < 3 {
		return laterTarget{}, false
	}
	for _, ls := range later {
		h := head[ls]
		if h == nil {
			continue
		}
		var b *Stack
		if base != nil {
			b = base[ls]
		}
		for _, a := range h.Addresses() {
			if b != nil && b.Resources[a] != nil {
				continue // it exists already
			}
			res := h.Resources[a]
			for _, id := range literalIdentities(res) {
				if v == id || strings.HasSuffix(v, "/"+id) || strings.HasSuffix(v, ":"+id) || strings.Contains(v, "/"+id+"/") {
					return laterTarget{ls, res.ConstructPath()}, true
				}
			}
		}
	}
	return laterTarget{}, false
}

// literalIdentities are the literal names and ARNs a resource is known
// by: name, function_name, arn, and a Kubernetes object's metadata name.
func literalIdentities(r *Resource) []string {
	var out []string
	add := func(v any) {
		if s, ok := v.(string); ok && len(s) >= 3 && !tfjson.HasInterpolation(s) {
			out = append(out, s)
		}
	}
	for _, k := range []string{"name", "function_name", "arn"} {
		add(r.Attrs[k])
	}
	meta := func(v any) {
		switch m := v.(type) {
		case map[string]any:
			add(m["name"])
		case []any:
			if len(m) > 0 {
				if mm, ok := m[0].(map[string]any); ok {
					add(mm["name"])
				}
			}
		}
	}
	meta(r.Attrs["metadata"])
	if man, ok := r.Attrs["manifest"].(map[string]any); ok {
		meta(man["metadata"])
	}
	return out
}
