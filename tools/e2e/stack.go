package main

import (
	"os"
	"sort"

	"github.com/hybridstack/hybridstack/tools/tfjson"
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
	// Model is the parsed document (tools/tfjson), the source of the maps
	// above.
	Model *tfjson.Stack
}

// LoadConfig reads a synthesized cdk.tf.json.
func LoadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseConfig(path, b)
}

// ParseConfig parses Terraform JSON configuration as cdktf writes it
// (tfjson.Parse): block types keyed by type then name. A block given as a
// list of objects (which Terraform also accepts) is merged in order.
func ParseConfig(b []byte) (*Config, error) { return parseConfig("configuration", b) }

// parseConfig is ParseConfig naming the document in errors.
func parseConfig(name string, b []byte) (*Config, error) {
	m, err := tfjson.Parse(name, b)
	if err != nil {
		return nil, err
	}
	c := &Config{Model: m, Resources: map[string]map[string]any{}, Data: map[string]map[string]any{}, Locals: map[string]any{}, Outputs: map[string]map[string]any{}}
	for name, o := range m.Outputs {
		c.Outputs[name] = o.Body
	}
	for a, r := range m.Resources {
		c.Resources[a] = r.Attrs
	}
	for a, r := range m.Data {
		c.Data[a] = r.Attrs
	}
	for k, v := range m.Locals {
		c.Locals["local."+k] = v
	}
	for name, dst := range map[string]*[]map[string]any{"aws": &c.Providers, "kubernetes": &c.KubeProviders, "helm": &c.HelmProviders} {
		for _, p := range m.ProvidersOf(name) {
			*dst = append(*dst, p.Config)
		}
	}
	return c, nil
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

// expressions returns the text of every ${...} expression in s
// (tfjson.Interpolations: nested braces balanced, $${ escapes skipped).
func expressions(s string) []string {
	var out []string
	for _, in := range tfjson.Interpolations(s) {
		out = append(out, in.Expr)
	}
	return out
}

// references returns the addresses (resources, data sources, locals) that
// body refers to through ${...} expressions in any string, at any depth,
// and through depends_on. Only addresses that exist in c are returned.
func (c *Config) references(body any) []string {
	seen := map[string]bool{}
	for _, r := range tfjson.ReferencesIn(body) {
		if c.has(r.Address) {
			seen[r.Address] = true
		}
	}
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
	out := map[string]string{}
	walk := func(addr string, v any) {
		tfjson.Walk(v, func(_, s string) {
			for _, r := range tfjson.References(s) {
				if r.Address != address {
					continue
				}
				for _, a := range attrs {
					if n, ok := r.HasPrefix(a); ok {
						if _, done := out[addr]; !done {
							raw := r.RawAddress()
							for _, st := range r.Path[:n] {
								raw += st.Raw
							}
							out[addr] = raw
						}
					}
				}
			}
		})
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
