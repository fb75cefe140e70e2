package main

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
)

// Config is the part of a synthesized cdk.tf.json the harness reads: every
// resource and data source with its body, and the locals.
type Config struct {
	// Resources maps a managed resource address (type.name) to its body.
	Resources map[string]map[string]any
	// Data maps a data source address (data.type.name) to its body.
	Data map[string]map[string]any
	// Locals maps local.name to its value.
	Locals map[string]any
	// Providers are the aws provider configurations, in order.
	Providers []map[string]any
	// KubeProviders and HelmProviders are the kubernetes and helm
	// provider configurations, in order.
	KubeProviders, HelmProviders []map[string]any
	// Outputs maps each output's name to its body.
	Outputs map[string]map[string]any
}

// LoadConfig reads a synthesized cdk.tf.json.
func LoadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseConfig(b)
}

// ParseConfig parses Terraform JSON configuration as cdktf writes it: block
// types keyed by type then name. A block given as a list of objects (which
// Terraform also accepts) is merged in order.
func ParseConfig(b []byte) (*Config, error) {
	var raw struct {
		Resource map[string]map[string]json.RawMessage `json:"resource"`
		Data     map[string]map[string]json.RawMessage `json:"data"`
		Locals   json.RawMessage                       `json:"locals"`
		Provider map[string]json.RawMessage            `json:"provider"`
		Output   map[string]json.RawMessage            `json:"output"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("parse Terraform JSON: %w", err)
	}
	c := &Config{Resources: map[string]map[string]any{}, Data: map[string]map[string]any{}, Locals: map[string]any{}, Outputs: map[string]map[string]any{}}
	for name, body := range raw.Output {
		m, err := blockBody(body)
		if err != nil {
			return nil, fmt.Errorf("output %s: %w", name, err)
		}
		c.Outputs[name] = m
	}
	for typ, byName := range raw.Resource {
		for name, body := range byName {
			m, err := blockBody(body)
			if err != nil {
				return nil, fmt.Errorf("resource %s.%s: %w", typ, name, err)
			}
			c.Resources[typ+"."+name] = m
		}
	}
	for typ, byName := range raw.Data {
		for name, body := range byName {
			m, err := blockBody(body)
			if err != nil {
				return nil, fmt.Errorf("data %s.%s: %w", typ, name, err)
			}
			c.Data["data."+typ+"."+name] = m
		}
	}
	if len(raw.Locals) > 0 {
		locals, err := blockBody(raw.Locals)
		if err != nil {
			return nil, fmt.Errorf("locals: %w", err)
		}
		for k, v := range locals {
			c.Locals["local."+k] = v
		}
	}
	for name, dst := range map[string]*[]map[string]any{"aws": &c.Providers, "kubernetes": &c.KubeProviders, "helm": &c.HelmProviders} {
		p, ok := raw.Provider[name]
		if !ok {
			continue
		}
		var v any
		if err := json.Unmarshal(p, &v); err != nil {
			return nil, fmt.Errorf("provider %s: %w", name, err)
		}
		switch t := v.(type) {
		case map[string]any:
			*dst = append(*dst, t)
		case []any:
			for _, e := range t {
				if m, ok := e.(map[string]any); ok {
					*dst = append(*dst, m)
				}
			}
		}
	}
	return c, nil
}

// blockBody decodes a JSON block body: an object, or a list of objects
// merged in order.
func blockBody(raw json.RawMessage) (map[string]any, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	switch t := v.(type) {
	case map[string]any:
		return t, nil
	case []any:
		out := map[string]any{}
		for _, e := range t {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("block list element is %T, not an object", e)
			}
			for k, v := range m {
				out[k] = v
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("block is %T, not an object", v)
}

// ResourceAddresses returns every managed resource address, sorted.
func (c *Config) ResourceAddresses() []string {
	out := make([]string, 0, len(c.Resources))
	for a := range c.Resources {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// has reports whether addr names a resource, data source or local of c.
func (c *Config) has(addr string) bool {
	if _, ok := c.Resources[addr]; ok {
		return true
	}
	if _, ok := c.Data[addr]; ok {
		return true
	}
	_, ok := c.Locals[addr]
	return ok
}

var (
	// interpolation finds the start of ${ ... } spans; $${ is Terraform's
	// escape for a literal "${" and starts no expression.
	interpolation = regexp.MustCompile(`(^|[^$])\$\{`)
	// referenceRe finds candidate references inside an expression:
	// data.TYPE.NAME, or TYPE.NAME and local.NAME (the first segments of a
	// traversal; what follows, such as .arn or [0].id, is not captured).
	// A segment preceded by "." is an attribute, not a reference. Candidates
	// that name nothing in the configuration (words in string literals,
	// count.index, each.value) are discarded by the caller.
	referenceRe = regexp.MustCompile(`(?:^|[^\w.\-])(data\.[A-Za-z_][\w\-]*\.[A-Za-z_][\w\-]*|[A-Za-z_][\w\-]*\.[A-Za-z_][\w\-]*)`)
)

// expressions returns the text of every ${...} expression in s, with
// nested braces balanced.
func expressions(s string) []string {
	var out []string
	for _, loc := range interpolation.FindAllStringIndex(s, -1) {
		start := loc[1] // just after "${"
		depth := 1
		i := start
		for ; i < len(s) && depth > 0; i++ {
			switch s[i] {
			case '{':
				depth++
			case '}':
				depth--
			}
		}
		end := i
		if depth == 0 {
			end = i - 1
		}
		out = append(out, s[start:end])
	}
	return out
}

// references returns the addresses (resources, data sources, locals) that
// body refers to through ${...} expressions in any string, at any depth,
// and through depends_on. Only addresses that exist in c are returned.
func (c *Config) references(body any) []string {
	seen := map[string]bool{}
	add := func(candidate string) {
		if c.has(candidate) {
			seen[candidate] = true
		}
	}
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch t := v.(type) {
		case string:
			if key == "depends_on" {
				// depends_on holds bare addresses, not expressions.
				add(strings.TrimSuffix(strings.TrimPrefix(t, "${"), "}"))
				return
			}
			for _, expr := range expressions(t) {
				for _, m := range referenceRe.FindAllStringSubmatch(expr, -1) {
					add(m[1])
				}
			}
		case []any:
			for _, e := range t {
				walk(key, e)
			}
		case map[string]any:
			for k, e := range t {
				if k == "//" { // cdktf metadata
					continue
				}
				walk(k, e)
			}
		}
	}
	walk("", body)
	out := make([]string, 0, len(seen))
	for a := range seen {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// Dependencies returns, for every resource, data source and local, the
// addresses it refers to directly.
func (c *Config) Dependencies() map[string][]string {
	deps := map[string][]string{}
	for a, body := range c.Resources {
		deps[a] = c.references(body)
	}
	for a, body := range c.Data {
		deps[a] = c.references(body)
	}
	for a, v := range c.Locals {
		deps[a] = c.references(v)
	}
	return deps
}

// Exclusion says why a resource is left out of the run.
type Exclusion struct {
	// Address is the resource left out.
	Address string
	// Gap is the gapped address (resource or data source) that causes it:
	// Address itself when the resource is gapped directly.
	Gap string
	// Via is the dependency chain from Address to Gap, Address first.
	Via []string
}

// Targets splits the resources of c into those to apply (targets, sorted)
// and those left out: every gapped resource or data source, and every
// resource that depends on one directly or transitively (through ${...}
// references in any attribute, locals, data sources, and depends_on).
// Without the second part Terraform would pull a gapped resource back in
// as a dependency of a targeted one.
func (c *Config) Targets(gapped map[string]bool) (targets []string, excluded []Exclusion) {
	deps := c.Dependencies()
	// chain[a] is the path from a to a gapped node, computed by a
	// depth-first search with memoization; nil means a is clean.
	chain := map[string][]string{}
	state := map[string]int{} // 0 unvisited, 1 in progress, 2 done
	var visit func(a string) []string
	visit = func(a string) []string {
		switch state[a] {
		case 1: // a cycle (Terraform would reject it); treat as clean here
			return nil
		case 2:
			return chain[a]
		}
		state[a] = 1
		var path []string
		if gapped[a] {
			path = []string{a}
		} else {
			for _, d := range deps[a] {
				if p := visit(d); p != nil {
					path = append([]string{a}, p...)
					break
				}
			}
		}
		chain[a] = path
		state[a] = 2
		return path
	}
	for _, a := range c.ResourceAddresses() {
		p := visit(a)
		if p == nil {
			targets = append(targets, a)
			continue
		}
		excluded = append(excluded, Exclusion{Address: a, Gap: p[len(p)-1], Via: p})
	}
	return targets, excluded
}

// Uses returns the resources, data sources and locals of c whose
// configuration refers to one of attrs (attribute paths such as
// vpc_config[0].cluster_security_group_id) of the resource at address,
// each with the reference found. An index may be written [0], .0, [*] or
// .*; the whole path must be present.
func (c *Config) Uses(address string, attrs []string) map[string]string {
	var pats []*regexp.Regexp
	for _, a := range attrs {
		var p strings.Builder
		p.WriteString(`(?:^|[^\w.\-])(`)
		p.WriteString(regexp.QuoteMeta(address))
		for _, step := range attributeSteps.FindAllString(a, -1) {
			if strings.HasPrefix(step, "[") {
				n := strings.Trim(step, "[]")
				p.WriteString(`(?:\[` + n + `\]|\.` + n + `|\[\*\]|\.\*)`)
			} else {
				p.WriteString(`\.` + regexp.QuoteMeta(strings.TrimPrefix(step, ".")))
			}
		}
		p.WriteString(`)(?:[^\w\-]|$)`)
		pats = append(pats, regexp.MustCompile(p.String()))
	}
	out := map[string]string{}
	var walk func(addr string, v any)
	walk = func(addr string, v any) {
		switch t := v.(type) {
		case string:
			for _, expr := range expressions(t) {
				for _, p := range pats {
					if m := p.FindStringSubmatch(expr); m != nil {
						if _, ok := out[addr]; !ok {
							out[addr] = m[1]
						}
					}
				}
			}
		case []any:
			for _, e := range t {
				walk(addr, e)
			}
		case map[string]any:
			for k, e := range t {
				if k != "//" {
					walk(addr, e)
				}
			}
		}
	}
	for a, b := range c.Resources {
		walk(a, b)
	}
	for a, b := range c.Data {
		walk(a, b)
	}
	for a, v := range c.Locals {
		walk(a, v)
	}
	return out
}

// attributeSteps splits an attribute path into names and [N] indexes.
var attributeSteps = regexp.MustCompile(`\.?[A-Za-z_]\w*|\[[0-9]+\]`)
