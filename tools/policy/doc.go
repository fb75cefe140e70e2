package policy

import (
	"encoding/json"
	"strings"

	"github.com/hybridstack/hybridstack/tools/tfjson"
)

// Resource is one resource of a synthesized document: the toolchain's one
// model of a block (tools/tfjson). Attrs holds the body without the "//"
// metadata; the suppressions recorded there are Suppressions.
type Resource = tfjson.Block

// Doc is one Terraform JSON document (a cdktf stack's cdk.tf.json or a
// plain *.tf.json file), as the rules read it.
type Doc struct {
	// Stack names the document in findings.
	Stack string
	// Model is the parsed document.
	Model     *tfjson.Stack
	resources []Resource
	byType    map[string][]Resource
}

// Parse reads a Terraform JSON document.
func Parse(stack string, data []byte) (*Doc, error) {
	m, err := tfjson.Parse(stack, data)
	if err != nil {
		return nil, err
	}
	d := &Doc{Stack: stack, Model: m, byType: map[string][]Resource{}}
	for _, a := range m.Addresses() {
		r := *m.Resources[a]
		d.resources = append(d.resources, r)
		d.byType[r.Type] = append(d.byType[r.Type], r)
	}
	return d, nil
}

// Of returns the resources of a type, sorted by name.
func (d *Doc) Of(typ string) []Resource { return d.byType[typ] }

// Get returns the resource at an address.
func (d *Doc) Get(addr string) (Resource, bool) {
	if r, ok := d.Model.Resources[addr]; ok {
		return *r, true
	}
	return Resource{}, false
}

// Disposable reports whether the stack declared itself disposable.
func (d *Doc) Disposable() bool { return d.Model.Disposable() }

// block returns a nested single block, written as an object or as a
// one-element list (both are valid Terraform JSON).
func block(attrs map[string]any, key string) map[string]any { return tfjson.Single(attrs[key]) }

// blocks returns a repeated block as a list, whichever way it is written.
func blocks(attrs map[string]any, key string) []map[string]any { return tfjson.Objects(attrs[key]) }

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

func strs(v any) []string { return tfjson.StringList(v) }

// refs returns the managed resource addresses a value refers to through
// its ${...} interpolations (tfjson's grammar), in order of appearance.
func refs(v any) []string {
	var out []string
	tfjson.Walk(v, func(_, s string) {
		for _, r := range tfjson.References(s) {
			if r.Kind == tfjson.Resource {
				out = append(out, r.Address)
			}
		}
	})
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
	if len(doc.Statement) == 0 {
		return nil, true // a literal document without statements
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

// readPolicy parses the policy document at attribute key of r (see
// parsePolicy). A value that is set but not a literal JSON document (a
// data source's json, a jsonencode() expression) is reported through emit
// as not checked, naming the resource and attribute, and yields no
// statements.
func readPolicy(emit emitFunc, r Resource, key string) []Statement {
	v := r.Attrs[key]
	stmts, ok := parsePolicy(v)
	if !ok && strings.TrimSpace(str(v)) != "" {
		what := "a value that is not a JSON policy document"
		if s := strings.TrimSpace(str(v)); tfjson.HasInterpolation(s) && strings.HasPrefix(s, "${") {
			what = "the expression " + s
		}
		notChecked(emit, r, key, key+" is "+what+", not a literal JSON document, so its statements were not read")
	}
	return stmts
}

// Placeholder replaces interpolations in parsed policies.
const Placeholder = "TF_INTERPOLATION"

// stripInterpolations replaces every ${...} by Placeholder.
func stripInterpolations(s string) string { return replaceInterpolations(s, Placeholder) }

// literalText returns s without its ${...} interpolations: the characters
// that are known before Terraform evaluates anything.
func literalText(s string) string { return replaceInterpolations(s, "") }

// replaceInterpolations replaces every ${...} (tfjson.Interpolations) by
// repl.
func replaceInterpolations(s, repl string) string {
	return tfjson.ReplaceInterpolations(s, func(tfjson.Interpolation) string { return repl })
}

// isToken reports whether a value is (or holds) a Terraform interpolation.
func isToken(v any) bool { return tfjson.HasInterpolation(str(v)) }

// suppressions returns the rule id -> reason suppressions recorded on a
// resource by Suppress.
func suppressions(r Resource) map[string]string { return r.Suppressions }
