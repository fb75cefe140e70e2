package review

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/hybridstack/hybridstack/tools/tfjson"
)

// A leaf is one attribute value at a flattened path: a scalar, a list of
// scalars, or an empty block or list. Nested blocks and lists of blocks
// are walked; strings holding JSON documents (IAM policies, container
// definitions, schedule inputs) are parsed and walked under the
// attribute's own path, so a change inside a policy reads as
// policy.Statement[Sid=ReadObjects].Action.
func flatten(attrs map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range attrs {
		if k == "//" {
			continue
		}
		flattenInto(k, v, out)
	}
	return out
}

func flattenInto(path string, v any, out map[string]any) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			out[path] = map[string]any{}
			return
		}
		for k, e := range x {
			flattenInto(path+"."+k, e, out)
		}
	case []any:
		if len(x) == 0 || scalars(x) {
			out[path] = x
			return
		}
		for i, e := range x {
			flattenInto(path+"["+elementKey(e, i)+"]", e, out)
		}
	case string:
		if doc, ok := jsonDocument(x); ok {
			flattenInto(path, doc, out)
			return
		}
		out[path] = x
	default:
		out[path] = x
	}
}

// elementKey names a list element: by Sid for policy statements, by name
// for named elements (container definitions), otherwise by position.
func elementKey(e any, i int) string {
	if m, ok := e.(map[string]any); ok {
		for _, k := range []string{"Sid", "name"} {
			if s, ok := m[k].(string); ok && s != "" {
				return k + "=" + s
			}
		}
	}
	return strconv.Itoa(i)
}

func scalars(list []any) bool {
	for _, e := range list {
		switch e.(type) {
		case map[string]any, []any:
			return false
		}
	}
	return true
}

// jsonDocument parses a string holding a JSON object or array.
func jsonDocument(s string) (any, bool) {
	t := strings.TrimSpace(s)
	if len(t) < 2 || (t[0] != '{' && t[0] != '[') || strings.HasPrefix(t, "${") {
		return nil, false
	}
	var v any
	if err := json.Unmarshal([]byte(t), &v); err != nil {
		return nil, false
	}
	switch v.(type) {
	case map[string]any, []any:
		return v, true
	}
	return nil, false
}

// indexPattern matches the list index or element key of a flattened path.
var indexPattern = regexp.MustCompile(`\[[^\]]*\]`)

// schemaPath removes list indices and element keys from a flattened path:
// vpc_config[0].subnet_ids -> vpc_config.subnet_ids.
func schemaPath(path string) string { return indexPattern.ReplaceAllString(path, "") }

// rewriteRefs rewrites the resource and data source addresses referenced
// inside ${...} interpolations of s with fn (tfjson.RewriteAddresses), and
// s itself when it is a bare address (a depends_on entry).
func rewriteRefs(s string, fn func(addr string) string) string {
	if !strings.Contains(s, "${") {
		if r, ok := tfjson.ParseReference(s); ok && r.IsBlock() && len(r.Path) == 0 {
			return fn(r.Address)
		}
		return s
	}
	return tfjson.RewriteAddresses(s, func(r tfjson.Reference) string {
		if !r.IsBlock() {
			return r.RawAddress()
		}
		return fn(r.Address)
	})
}

// normalizeAttrs rewrites the references of a configuration through the
// rename map (head addresses to base ones), so a renamed reference is not
// a change of its referrers.
func normalizeAttrs(attrs map[string]any, rename map[string]string) map[string]any {
	if len(rename) == 0 {
		return attrs
	}
	return rewriteAllRefs(attrs, func(addr string) string {
		if to, ok := rename[addr]; ok {
			return to
		}
		return addr
	})
}

// typeOnlyAttrs replaces each referenced address by its resource type, so
// two resources that reference differently named but same-typed resources
// compare equal (rename detection).
func typeOnlyAttrs(attrs map[string]any) map[string]any {
	return rewriteAllRefs(attrs, func(addr string) string {
		parts := strings.Split(addr, ".")
		if parts[0] == "data" && len(parts) > 1 {
			return "data." + parts[1] + ".*"
		}
		return parts[0] + ".*"
	})
}

// rewriteAllRefs returns a copy of a configuration with the references
// of every string (JSON documents inside strings included) rewritten by fn.
func rewriteAllRefs(attrs map[string]any, fn func(addr string) string) map[string]any {
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case string:
			return rewriteRefs(x, fn)
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = walk(e)
			}
			return out
		case map[string]any:
			out := make(map[string]any, len(x))
			for k, e := range x {
				out[k] = walk(e)
			}
			return out
		}
		return v
	}
	return walk(attrs).(map[string]any)
}

// equalLeaf compares two leaf values.
func equalLeaf(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// Readable renders a value for a reviewer: references show the construct
// path of the resource they point to, ‹audit-logs/key›.arn, instead of the
// logical id with its hash.
func (s *Stack) Readable(v any) string { return readable(v, s.Lookup) }

func readable(v any, lookup func(string) (*Resource, bool)) string {
	switch x := v.(type) {
	case nil:
		return "(none)"
	case string:
		out := rewriteRefs(x, func(addr string) string {
			if r, ok := lookup(addr); ok && r.Path != "" {
				return "‹" + r.ConstructPath() + "›"
			}
			return addr
		})
		// A string that is exactly one traversal reads without ${ }.
		if strings.HasPrefix(out, "${‹") && strings.HasSuffix(out, "}") && strings.Count(out, "${") == 1 && !strings.ContainsAny(out[2:len(out)-1], "(){} ") {
			return out[2 : len(out)-1]
		}
		return strconv.Quote(out)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = readable(e, lookup)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		if len(x) == 0 {
			return "{}"
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + " = " + readable(x[k], lookup)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return fmt.Sprint(x)
		}
		return string(b)
	}
}

// AttrChange is one changed attribute of a resource.
type AttrChange struct {
	// Path is the flattened attribute path: tags.Name,
	// vpc_config[0].subnet_ids, policy.Statement[Sid=Read].Action.
	Path string `json:"path"`
	// Kind is added, removed or changed.
	Kind   string `json:"kind"`
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
	// Added and Removed are the elements a list of values gained and
	// lost (order-insensitive).
	Added   []string `json:"added,omitempty"`
	Removed []string `json:"removed,omitempty"`
	// ForcesNew cites the provider documentation when the change makes
	// Terraform replace the resource.
	ForcesNew string `json:"forces_new,omitempty"`

	before, after any
}

// diffAttrs compares two flattened configurations. base and head render
// the values (each in its own stack's terms).
func diffAttrs(typ string, before, after map[string]any, base, head *Stack) []AttrChange {
	paths := map[string]bool{}
	for k := range before {
		paths[k] = true
	}
	for k := range after {
		paths[k] = true
	}
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []AttrChange
	for _, k := range keys {
		b, inB := before[k]
		a, inA := after[k]
		if inB && inA && equalLeaf(a, b) {
			continue
		}
		c := AttrChange{Path: k, before: b, after: a}
		switch {
		case !inB:
			c.Kind, c.After = "added", head.Readable(a)
		case !inA:
			c.Kind, c.Before = "removed", base.Readable(b)
		default:
			c.Kind, c.Before, c.After = "changed", base.Readable(b), head.Readable(a)
			lb, okB := b.([]any)
			la, okA := a.([]any)
			if okB && okA {
				c.Added, c.Removed = listDelta(lb, la, base, head)
				if len(c.Added) == 0 && len(c.Removed) == 0 {
					c.Kind = "reordered"
				}
			}
		}
		if f, ok := ForcesNew(typ, k); ok {
			c.ForcesNew = f.Doc
		}
		out = append(out, c)
	}
	return out
}

// listDelta returns the elements only in after and only in before.
func listDelta(before, after []any, base, head *Stack) (added, removed []string) {
	count := map[string]int{}
	for _, e := range before {
		j, _ := json.Marshal(e)
		count[string(j)]++
	}
	for _, e := range after {
		j, _ := json.Marshal(e)
		if count[string(j)] > 0 {
			count[string(j)]--
			continue
		}
		added = append(added, head.Readable(e))
	}
	for _, e := range before {
		j, _ := json.Marshal(e)
		if count[string(j)] > 0 {
			count[string(j)]--
			removed = append(removed, base.Readable(e))
		}
	}
	return added, removed
}
