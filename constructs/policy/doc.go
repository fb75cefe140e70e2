package policy

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Resource is one resource of a synthesized document.
type Resource struct {
	Type  string
	Name  string
	Attrs map[string]any
}

// Address is the resource's Terraform address, such as aws_s3_bucket.logs.
func (r Resource) Address() string { return r.Type + "." + r.Name }

// Doc is one Terraform JSON document (a cdktf stack's cdk.tf.json or a
// plain *.tf.json file).
type Doc struct {
	// Stack names the document in findings.
	Stack     string
	resources []Resource
	byAddr    map[string]Resource
	byType    map[string][]Resource
	locals    map[string]any
}

// Parse reads a Terraform JSON document.
func Parse(stack string, data []byte) (*Doc, error) {
	var raw struct {
		Resource map[string]map[string]json.RawMessage `json:"resource"`
		Locals   map[string]any                        `json:"locals"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%s: not Terraform JSON: %w", stack, err)
	}
	d := &Doc{Stack: stack, byAddr: map[string]Resource{}, byType: map[string][]Resource{}, locals: raw.Locals}
	for typ, byName := range raw.Resource {
		for name, body := range byName {
			var attrs map[string]any
			if err := json.Unmarshal(body, &attrs); err != nil {
				// count/for_each resources may be lists of objects; take the first.
				var list []map[string]any
				if err2 := json.Unmarshal(body, &list); err2 != nil || len(list) == 0 {
					return nil, fmt.Errorf("%s: resource %s.%s: %w", stack, typ, name, err)
				}
				attrs = list[0]
			}
			r := Resource{Type: typ, Name: name, Attrs: attrs}
			d.resources = append(d.resources, r)
		}
	}
	sort.Slice(d.resources, func(i, j int) bool { return d.resources[i].Address() < d.resources[j].Address() })
	for _, r := range d.resources {
		d.byAddr[r.Address()] = r
		d.byType[r.Type] = append(d.byType[r.Type], r)
	}
	return d, nil
}

// Of returns the resources of a type, sorted by name.
func (d *Doc) Of(typ string) []Resource { return d.byType[typ] }

// Get returns the resource at an address.
func (d *Doc) Get(addr string) (Resource, bool) {
	r, ok := d.byAddr[addr]
	return r, ok
}

// Disposable reports whether the stack declared itself disposable.
func (d *Doc) Disposable() bool {
	v, _ := d.locals[DisposableLocal].(bool)
	return v
}

// block returns a nested single block, written as an object or as a
// one-element list (both are valid Terraform JSON).
func block(attrs map[string]any, key string) map[string]any {
	switch v := attrs[key].(type) {
	case map[string]any:
		return v
	case []any:
		if len(v) > 0 {
			m, _ := v[0].(map[string]any)
			return m
		}
	}
	return nil
}

// blocks returns a repeated block as a list, whichever way it is written.
func blocks(attrs map[string]any, key string) []map[string]any {
	switch v := attrs[key].(type) {
	case map[string]any:
		return []map[string]any{v}
	case []any:
		out := make([]map[string]any, 0, len(v))
		for _, e := range v {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

// path walks nested single blocks and returns the final attribute.
func path(attrs map[string]any, keys ...string) any {
	cur := attrs
	for i, k := range keys {
		if i == len(keys)-1 {
			return cur[k]
		}
		cur = block(cur, k)
		if cur == nil {
			return nil
		}
	}
	return nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func truthy(v any) bool {
	switch b := v.(type) {
	case bool:
		return b
	case string:
		return b == "true"
	}
	return false
}

func num(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

func strs(v any) []string {
	switch l := v.(type) {
	case []any:
		out := make([]string, 0, len(l))
		for _, e := range l {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case string:
		return []string{l}
	}
	return nil
}

var refRe = regexp.MustCompile(`\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)(\.[A-Za-z0-9_\[\]\.]+)?\}`)

// refs returns the resource addresses a value refers to ("${type.name.attr}").
func refs(v any) []string {
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			for _, m := range refRe.FindAllStringSubmatch(x, -1) {
				if m[1] != "data" && m[1] != "var" && m[1] != "local" {
					out = append(out, m[1]+"."+m[2])
				}
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// refersTo reports whether v refers to the resource at addr.
func refersTo(v any, addr string) bool {
	for _, r := range refs(v) {
		if r == addr {
			return true
		}
	}
	return false
}

// referrers returns the resources of typ whose attribute key refers to addr.
func (d *Doc) referrers(typ, key, addr string) []Resource {
	var out []Resource
	for _, r := range d.Of(typ) {
		if refersTo(r.Attrs[key], addr) {
			out = append(out, r)
		}
	}
	return out
}

// Statement is one parsed IAM policy statement.
type Statement struct {
	Sid       string
	Effect    string
	Principal any
	Actions   []string
	Resources []string
	Condition map[string]map[string]any
}

// parsePolicy parses a policy document attribute. Terraform interpolations
// inside it are replaced by a placeholder first, so documents built with
// resource references still parse. ok is false when the value is not a
// literal JSON document (jsonencode(...), a data source, ...).
func parsePolicy(v any) (stmts []Statement, ok bool) {
	s := strings.TrimSpace(str(v))
	if s == "" || !strings.HasPrefix(s, "{") {
		return nil, false
	}
	var doc struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(stripInterpolations(s)), &doc); err != nil {
		return nil, false
	}
	var raw []map[string]any
	if err := json.Unmarshal(doc.Statement, &raw); err != nil {
		var one map[string]any
		if err := json.Unmarshal(doc.Statement, &one); err != nil {
			return nil, false
		}
		raw = []map[string]any{one}
	}
	for _, m := range raw {
		st := Statement{Sid: str(m["Sid"]), Effect: str(m["Effect"]), Principal: m["Principal"], Actions: strs(m["Action"]), Resources: strs(m["Resource"])}
		if c, ok := m["Condition"].(map[string]any); ok {
			st.Condition = map[string]map[string]any{}
			for op, kv := range c {
				if mm, ok := kv.(map[string]any); ok {
					st.Condition[op] = mm
				}
			}
		}
		stmts = append(stmts, st)
	}
	return stmts, true
}

// Placeholder replaces interpolations in parsed policies.
const Placeholder = "TF_INTERPOLATION"

// stripInterpolations replaces every ${...} (with nested braces) by
// Placeholder.
func stripInterpolations(s string) string { return replaceInterpolations(s, Placeholder) }

// literalText returns s without its ${...} interpolations: the characters
// that are known before Terraform evaluates anything.
func literalText(s string) string { return replaceInterpolations(s, "") }

// replaceInterpolations replaces every ${...} (with nested braces) by repl.
func replaceInterpolations(s, repl string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '$' && i+1 < len(s) && s[i+1] == '{' {
			depth := 0
			j := i + 1
			for ; j < len(s); j++ {
				if s[j] == '{' {
					depth++
				} else if s[j] == '}' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			b.WriteString(repl)
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// isToken reports whether a value is (or holds) a Terraform interpolation.
func isToken(v any) bool { return strings.Contains(str(v), "${") }

// suppressions returns the rule id -> reason suppressions recorded on a
// resource by Suppress.
func suppressions(r Resource) map[string]string {
	meta, _ := r.Attrs["//"].(map[string]any)
	raw, _ := meta[suppressionKey].(map[string]any)
	out := map[string]string{}
	for rule, reason := range raw {
		out[rule] = str(reason)
	}
	return out
}
