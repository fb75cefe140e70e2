package tfjson

import (
	"strconv"
	"strings"
)

// Interpolation is one ${ ... } span of a JSON string.
type Interpolation struct {
	// Start is the offset of "${" in the string; End the offset just after
	// the closing "}" (the string's length when unterminated).
	Start, End int
	// Expr is the expression between "${" and "}".
	Expr string
	// Terminated is false when the string ends before the closing brace.
	Terminated bool
}

// Interpolations returns the ${ ... } spans of s in order. "$${" is
// Terraform's escape for a literal "${" and starts none. Braces nest
// (jsonencode({...}), object constructors), and braces inside quoted
// strings of the expression do not count. An unterminated span runs to
// the end of s.
func Interpolations(s string) []Interpolation {
	var out []Interpolation
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '$' {
			continue
		}
		if s[i+1] == '$' && i+2 < len(s) && s[i+2] == '{' {
			i += 2 // $${ is a literal ${
			continue
		}
		if s[i+1] != '{' {
			continue
		}
		end, ok := exprEnd(s, i+2)
		in := Interpolation{Start: i, Expr: s[i+2 : end], Terminated: ok}
		in.End = end
		if ok {
			in.End = end + 1
		}
		out = append(out, in)
		i = in.End - 1
	}
	return out
}

// exprEnd returns the offset of the "}" closing an expression that starts
// at from, skipping nested braces and quoted strings (with their own
// templates), or len(s) and false.
func exprEnd(s string, from int) (int, bool) {
	depth := 0
	for i := from; i < len(s); i++ {
		switch s[i] {
		case '"':
			i = stringEnd(s, i+1)
		case '{':
			depth++
		case '}':
			if depth == 0 {
				return i, true
			}
			depth--
		}
	}
	return len(s), false
}

// stringEnd returns the offset of the quote closing a quoted string whose
// body starts at from (escapes and ${...} templates inside honoured), or
// len(s)-1.
func stringEnd(s string, from int) int {
	for i := from; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		case '$':
			if i+1 < len(s) && s[i+1] == '$' {
				i++
			} else if i+1 < len(s) && s[i+1] == '{' {
				end, ok := exprEnd(s, i+2)
				if !ok {
					return len(s) - 1
				}
				i = end
			}
		}
	}
	return len(s) - 1
}

// HasInterpolation reports whether s holds at least one ${ ... } span
// (escaped "$${" aside): its value is not known before Terraform
// evaluates it.
func HasInterpolation(s string) bool { return len(Interpolations(s)) > 0 }

// ReplaceInterpolations returns s with every ${ ... } span replaced by
// fn's result. Escapes ("$${") are kept as written.
func ReplaceInterpolations(s string, fn func(Interpolation) string) string {
	ins := Interpolations(s)
	if len(ins) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, in := range ins {
		b.WriteString(s[last:in.Start])
		b.WriteString(fn(in))
		last = in.End
	}
	b.WriteString(s[last:])
	return b.String()
}

// Kind is what a reference names.
type Kind string

// The kinds of reference.
const (
	// Resource is TYPE.NAME: a managed resource.
	Resource Kind = "resource"
	// Data is data.TYPE.NAME: a data source (terraform_remote_state
	// included: see Reference.RemoteOutput).
	Data Kind = "data"
	// Var is var.NAME: an input variable.
	Var Kind = "var"
	// Local is local.NAME: a local value.
	Local Kind = "local"
	// Module is module.NAME: a module call's outputs.
	Module Kind = "module"
	// Each is each.key or each.value (for_each).
	Each Kind = "each"
	// Count is count.index.
	Count Kind = "count"
	// PathKind is path.module, path.root or path.cwd.
	PathKind Kind = "path"
	// Self is self.ATTR inside provisioners and connection blocks.
	Self Kind = "self"
	// TerraformKind is terraform.workspace.
	TerraformKind Kind = "terraform"
)

// StepKind is the kind of one traversal step.
type StepKind int

// The kinds of traversal step.
const (
	// AttrStep is .NAME.
	AttrStep StepKind = iota
	// IndexStep is [N], or the legacy .N.
	IndexStep
	// KeyStep is ["KEY"].
	KeyStep
	// SplatStep is [*], or the legacy attribute splat .*.
	SplatStep
)

// Step is one step of a reference's attribute path.
type Step struct {
	Kind StepKind
	// Name is the attribute of an AttrStep.
	Name string
	// Index is the position of an IndexStep.
	Index int
	// Key is the map key of a KeyStep.
	Key string
	// Raw is the step as written: .arn, [0], .0, ["k"], [*], .*.
	Raw string
}

// String renders the step canonically: .name, [0], ["key"], [*].
func (s Step) String() string {
	switch s.Kind {
	case IndexStep:
		return "[" + strconv.Itoa(s.Index) + "]"
	case KeyStep:
		return "[" + strconv.Quote(s.Key) + "]"
	case SplatStep:
		return "[*]"
	}
	return "." + s.Name
}

// Reference is one traversal of an expression that names something of the
// configuration.
type Reference struct {
	Kind Kind
	// Type is the resource or data source type (Resource and Data only).
	Type string
	// Name is the resource or data source name, or the variable, local,
	// module name, or the attribute of each, count, path, self and
	// terraform.
	Name string
	// Address is what the reference resolves to: aws_s3_bucket.logs,
	// data.aws_region.current, var.x, local.x, module.m, count.index.
	Address string
	// Path is the attribute path after Address.
	Path []Step
	// Raw is the traversal as written.
	Raw string
	// Start and End are the offsets of Raw in the string searched.
	Start, End int
}

// Attr renders Path without its leading dot: arn,
// identity[0].oidc[0].issuer, outputs.vpc_id; empty when Path is.
func (r Reference) Attr() string {
	var b strings.Builder
	for _, s := range r.Path {
		b.WriteString(s.String())
	}
	return strings.TrimPrefix(b.String(), ".")
}

// IsBlock reports whether the reference names a resource or data block.
func (r Reference) IsBlock() bool { return r.Kind == Resource || r.Kind == Data }

// RemoteOutput returns, for data.terraform_remote_state.STATE.outputs.OUT,
// the state's name and the output's.
func (r Reference) RemoteOutput() (state, output string, ok bool) {
	if r.Kind != Data || r.Type != "terraform_remote_state" || len(r.Path) < 2 || r.Path[0].Kind != AttrStep || r.Path[0].Name != "outputs" {
		return "", "", false
	}
	switch p := r.Path[1]; p.Kind {
	case AttrStep:
		return r.Name, p.Name, true
	case KeyStep:
		return r.Name, p.Key, true
	}
	return "", "", false
}

// HasPrefix reports whether the reference's path starts with attr (an
// attribute path such as vpc_config[0].cluster_security_group_id, indexes
// written [N] or .N): a splat in the reference matches any index.
func (r Reference) HasPrefix(attr string) (n int, ok bool) {
	want := ParsePath(attr)
	if want == nil && attr != "" || len(r.Path) < len(want) {
		return 0, false
	}
	for i, w := range want {
		g := r.Path[i]
		switch {
		case w.Kind == AttrStep && g.Kind == AttrStep && g.Name == w.Name:
		case w.Kind == IndexStep && g.Kind == IndexStep && g.Index == w.Index:
		case w.Kind == IndexStep && g.Kind == SplatStep:
		case w.Kind == KeyStep && g.Kind == KeyStep && g.Key == w.Key:
		default:
			return 0, false
		}
	}
	return len(want), true
}

// ParsePath parses an attribute path (vpc_config[0].subnet_ids,
// outputs["x"], tags.Name, a.0.b) into steps, or returns nil when it is
// not one.
func ParsePath(p string) []Step {
	if p == "" {
		return nil
	}
	if p[0] != '.' && p[0] != '[' {
		p = "." + p
	}
	steps, n := parseSteps(p, 0)
	if n != len(p) {
		return nil
	}
	return steps
}

// References returns the references of every ${ ... } interpolation of s,
// in order; offsets are relative to s.
func References(s string) []Reference {
	var out []Reference
	for _, in := range Interpolations(s) {
		for _, r := range ExpressionReferences(in.Expr) {
			r.Start += in.Start + 2
			r.End += in.Start + 2
			out = append(out, r)
		}
	}
	return out
}

// ExpressionReferences returns the references of one expression (the
// text between "${" and "}"), in order; offsets are relative to expr.
// String literals are skipped (their own ${ } templates are searched);
// function names, keywords (true, false, null, for, in, if) and the
// variables a for expression binds are not references; an index that is
// itself an expression ([count.index]) ends the traversal and is searched
// in turn.
func ExpressionReferences(expr string) []Reference {
	var out []Reference
	bound := map[string]bool{}
	prevDot := false // the previous token was "." (an attribute, not a root)
	for i := 0; i < len(expr); {
		c := expr[i]
		switch {
		case c == '"':
			end := stringEnd(expr, i+1)
			for _, r := range References(expr[i+1 : end]) {
				r.Start += i + 1
				r.End += i + 1
				out = append(out, r)
			}
			i = end + 1
			prevDot = false
		case c == '<' && strings.HasPrefix(expr[i:], "<<"):
			// A heredoc: skip to its end marker, searching its templates.
			j := i + 2
			if j < len(expr) && expr[j] == '-' {
				j++
			}
			k := j
			for k < len(expr) && isIdentChar(expr[k]) {
				k++
			}
			marker := expr[j:k]
			if marker == "" {
				i += 2
				continue
			}
			bodyEnd := strings.Index(expr[k:], "\n"+marker)
			if bodyEnd < 0 {
				bodyEnd = len(expr) - k
			}
			for _, r := range References(expr[k : k+bodyEnd]) {
				r.Start += k
				r.End += k
				out = append(out, r)
			}
			i = k + bodyEnd + 1 + len(marker)
			prevDot = false
		case isIdentStart(c):
			j := i
			for j < len(expr) && isIdentChar(expr[j]) {
				j++
			}
			word := expr[i:j]
			if prevDot || followedBy(expr, j, '(') || keyword(word) || bound[word] {
				if word == "for" {
					bindForVariables(expr[j:], bound)
				}
				i, prevDot = j, false
				continue
			}
			r, n := parseTraversal(expr, i)
			if r.Address != "" {
				out = append(out, r)
			}
			i, prevDot = i+n, false
		case c == '.':
			prevDot = true
			i++
		case c >= '0' && c <= '9':
			// A number (1, 1.5, 1e3): its digits are not a traversal.
			for i < len(expr) && (isIdentChar(expr[i]) || (expr[i] == '.' && i+1 < len(expr) && expr[i+1] >= '0' && expr[i+1] <= '9')) {
				i++
			}
			prevDot = false
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		default:
			i++
			prevDot = false
		}
	}
	return out
}

// parseTraversal reads a traversal starting with an identifier at from
// and returns the reference (Address empty when it names nothing: a lone
// identifier, data without type and name) and its length.
func parseTraversal(expr string, from int) (Reference, int) {
	root, n := ident(expr, from)
	steps, end := parseSteps(expr, from+n)
	r := Reference{Raw: expr[from:end], Start: from, End: end}
	// attrs returns the names of the first k steps, if they are all
	// attribute steps.
	names := func(k int) ([]string, bool) {
		if len(steps) < k {
			return nil, false
		}
		out := make([]string, k)
		for i := 0; i < k; i++ {
			if steps[i].Kind != AttrStep {
				return nil, false
			}
			out[i] = steps[i].Name
		}
		return out, true
	}
	switch root {
	case "data":
		if nm, ok := names(2); ok {
			r.Kind, r.Type, r.Name = Data, nm[0], nm[1]
			r.Address, r.Path = "data."+nm[0]+"."+nm[1], steps[2:]
		}
	case "var", "local", "module", "each", "count", "path", "self", "terraform":
		if nm, ok := names(1); ok {
			r.Kind, r.Name = Kind(root), nm[0]
			r.Address, r.Path = root+"."+nm[0], steps[1:]
		}
	default:
		if nm, ok := names(1); ok {
			r.Kind, r.Type, r.Name = Resource, root, nm[0]
			r.Address, r.Path = root+"."+nm[0], steps[1:]
		}
	}
	if r.Address == "" {
		// Nothing named: report only the root's length so that what
		// follows is searched.
		return Reference{}, n
	}
	if len(r.Path) == 0 {
		r.Path = nil
	}
	return r, end - from
}

// parseSteps reads traversal steps (.name, .N, .*, [N], ["key"], [*])
// starting at from; it stops before anything else, such as an index that
// is an expression.
func parseSteps(s string, from int) ([]Step, int) {
	var steps []Step
	i := from
	for i < len(s) {
		switch s[i] {
		case '.':
			j := i + 1
			switch {
			case j < len(s) && s[j] == '*':
				steps = append(steps, Step{Kind: SplatStep, Raw: s[i : j+1]})
				i = j + 1
				continue
			case j < len(s) && s[j] >= '0' && s[j] <= '9':
				k := j
				for k < len(s) && s[k] >= '0' && s[k] <= '9' {
					k++
				}
				n, _ := strconv.Atoi(s[j:k])
				steps = append(steps, Step{Kind: IndexStep, Index: n, Raw: s[i:k]})
				i = k
				continue
			case j < len(s) && isIdentStart(s[j]):
				name, n := ident(s, j)
				steps = append(steps, Step{Kind: AttrStep, Name: name, Raw: s[i : j+n]})
				i = j + n
				continue
			}
			return steps, i
		case '[':
			j := i + 1
			for j < len(s) && s[j] == ' ' {
				j++
			}
			switch {
			case j < len(s) && s[j] == '*':
				k := skipSpaces(s, j+1)
				if k < len(s) && s[k] == ']' {
					steps = append(steps, Step{Kind: SplatStep, Raw: s[i : k+1]})
					i = k + 1
					continue
				}
			case j < len(s) && s[j] >= '0' && s[j] <= '9':
				k := j
				for k < len(s) && s[k] >= '0' && s[k] <= '9' {
					k++
				}
				n, _ := strconv.Atoi(s[j:k])
				if e := skipSpaces(s, k); e < len(s) && s[e] == ']' {
					steps = append(steps, Step{Kind: IndexStep, Index: n, Raw: s[i : e+1]})
					i = e + 1
					continue
				}
			case j < len(s) && s[j] == '"':
				k := stringEnd(s, j+1)
				key, err := strconv.Unquote(s[j : k+1])
				if e := skipSpaces(s, k+1); err == nil && e < len(s) && s[e] == ']' && !strings.Contains(key, "${") {
					steps = append(steps, Step{Kind: KeyStep, Key: key, Raw: s[i : e+1]})
					i = e + 1
					continue
				}
			}
			return steps, i
		default:
			return steps, i
		}
	}
	return steps, i
}

func skipSpaces(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// ident returns the identifier at from (letters, digits, underscores and
// dashes, as HCL allows) and its length.
func ident(s string, from int) (string, int) {
	j := from
	for j < len(s) && isIdentChar(s[j]) {
		j++
	}
	return s[from:j], j - from
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentChar(c byte) bool { return isIdentStart(c) || c == '-' || (c >= '0' && c <= '9') }

// followedBy reports whether the next non-space character from i is c.
func followedBy(s string, i int, c byte) bool {
	i = skipSpaces(s, i)
	return i < len(s) && s[i] == c
}

func keyword(w string) bool {
	switch w {
	case "true", "false", "null", "for", "in", "if":
		return true
	}
	return false
}

// bindForVariables records the variables a for expression binds: the
// identifiers between "for" and "in".
func bindForVariables(rest string, bound map[string]bool) {
	head, _, ok := strings.Cut(rest, " in ")
	if !ok {
		return
	}
	for _, v := range strings.Split(head, ",") {
		if v = strings.TrimSpace(v); v != "" {
			bound[v] = true
		}
	}
}

// ParseReference parses s as exactly one traversal (a depends_on entry, a
// moved block's from or to, or "${aws_x.n.attr}" holding nothing else).
func ParseReference(s string) (Reference, bool) {
	t := s
	if ins := Interpolations(s); len(ins) == 1 && ins[0].Start == 0 && ins[0].End == len(s) && ins[0].Terminated {
		t = strings.TrimSpace(ins[0].Expr)
	}
	if t == "" || !isIdentStart(t[0]) {
		return Reference{}, false
	}
	r, n := parseTraversal(t, 0)
	if r.Address == "" || n != len(t) {
		return Reference{}, false
	}
	return r, true
}

// RewriteAddresses returns s with the address part of every reference
// inside its interpolations replaced by fn's result (the attribute path
// is kept), so aws_kms_key.k.arn can read ‹audit/key›.arn. References fn
// returns unchanged are left as written.
func RewriteAddresses(s string, fn func(Reference) string) string {
	refs := References(s)
	if len(refs) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, r := range refs {
		b.WriteString(s[last:r.Start])
		addrEnd := r.Start + len(r.RawAddress())
		b.WriteString(fn(r))
		b.WriteString(s[addrEnd:r.End])
		last = r.End
	}
	b.WriteString(s[last:])
	return b.String()
}

// RawAddress is the address part of Raw, as written (Raw without the
// attribute path).
func (r Reference) RawAddress() string {
	n := len(r.Raw)
	for _, s := range r.Path {
		n -= len(s.Raw)
	}
	return r.Raw[:n]
}

// Walk calls fn for every string inside v (a decoded JSON value), with the
// key of the innermost object holding it, in a fixed order (object keys
// sorted, list elements in order: the order of the JSON the snapshots
// hold); the "//" metadata is skipped.
func Walk(v any, fn func(key, s string)) {
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch x := v.(type) {
		case string:
			fn(key, x)
		case []any:
			for _, e := range x {
				walk(key, e)
			}
		case map[string]any:
			for _, k := range sortedKeys(x) {
				if k != "//" {
					walk(k, x[k])
				}
			}
		}
	}
	walk("", v)
}

// ReferencesIn returns the references of every string inside v (a decoded
// JSON value, such as a block's Attrs), "//" metadata aside, in the
// order of Walk. depends_on entries, bare addresses, count as
// references too.
func ReferencesIn(v any) []Reference {
	var out []Reference
	Walk(v, func(key, s string) {
		if key == "depends_on" {
			if r, ok := ParseReference(s); ok {
				out = append(out, r)
			}
			return
		}
		out = append(out, References(s)...)
	})
	return out
}
