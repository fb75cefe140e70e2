package tfjson

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// The markers the library writes into the JSON (package
// github.com/hybridstack/hybridstack/constructs/nag, whose package meta
// defines the same two keys; the apps module's tests check they agree).
const (
	// SuppressionsKey is the key, inside a block's "//" metadata, of the
	// map from rule id to the reason the rule does not apply.
	SuppressionsKey = "hybridstack_suppressions"
	// DisposableLocal is the local a stack sets to true to declare itself
	// disposable.
	DisposableLocal = "hybridstack_disposable"
)

// Mode tells a managed resource from a data source.
type Mode string

// The modes of a Block.
const (
	// Managed is a resource block: Terraform creates and destroys it.
	Managed Mode = "managed"
	// DataMode is a data block: Terraform reads it.
	DataMode Mode = "data"
)

// metaArguments are the keys of a resource or data block that Terraform
// interprets itself rather than passing to the provider.
var metaArguments = map[string]bool{"depends_on": true, "lifecycle": true, "provider": true, "count": true, "for_each": true, "provisioner": true, "connection": true}

// IsMetaArgument reports whether key is a Terraform meta-argument of a
// resource or data block (depends_on, lifecycle, provider, count, for_each,
// provisioner, connection) rather than a provider attribute.
func IsMetaArgument(key string) bool { return metaArguments[key] }

// Block is one resource or data block.
type Block struct {
	Mode Mode
	Type string
	Name string
	// Path is the construct path from the cdktf metadata
	// ("//".metadata.path), such as fintech/audit-logs/bucket; empty in
	// plain Terraform JSON.
	Path string
	// UniqueID is the cdktf logical id ("//".metadata.uniqueId), if any.
	UniqueID string
	// Suppressions maps a rule id to the reason it does not apply, as
	// recorded under SuppressionsKey in the "//" metadata; nil when
	// there are none.
	Suppressions map[string]string
	// Metadata is the raw "//" value (usually an object), nil when absent.
	Metadata any
	// Attrs is the body as written, meta-arguments included, without the
	// "//" metadata. A body written as a list of objects is merged in
	// order.
	Attrs map[string]any
	// DependsOn is the depends_on list (addresses), nil when absent.
	DependsOn []string
	// Lifecycle is the lifecycle block (a one-element list is unwrapped),
	// nil when absent.
	Lifecycle map[string]any
	// Provider is the provider meta-argument, such as aws.use1; empty for
	// the default provider.
	Provider string
	// Count and ForEach are the count and for_each meta-arguments, nil
	// when absent.
	Count, ForEach any
}

// Address is the Terraform address: aws_s3_bucket.logs or
// data.aws_region.current.
func (b Block) Address() string {
	if b.Mode == DataMode {
		return "data." + b.Type + "." + b.Name
	}
	return b.Type + "." + b.Name
}

// ConstructPath is Path without the leading stack name, or the address
// when the document carries no construct path.
func (b Block) ConstructPath() string {
	if b.Path == "" {
		return b.Address()
	}
	if i := strings.IndexByte(b.Path, '/'); i >= 0 {
		return b.Path[i+1:]
	}
	return b.Path
}

// Config returns the provider attributes of the block: Attrs without the
// meta-arguments (see IsMetaArgument). The map is new; values are shared.
func (b Block) Config() map[string]any {
	out := make(map[string]any, len(b.Attrs))
	for k, v := range b.Attrs {
		if !metaArguments[k] {
			out[k] = v
		}
	}
	return out
}

// Provider is one provider configuration.
type Provider struct {
	// Type is the provider's local name: aws, kubernetes, helm.
	Type string
	// Alias is the alias meta-argument, empty for the default
	// configuration.
	Alias string
	// Config is the configuration body, alias included.
	Config map[string]any
}

// Address is how resources name the configuration: aws or aws.use1.
func (p Provider) Address() string {
	if p.Alias == "" {
		return p.Type
	}
	return p.Type + "." + p.Alias
}

// Output is one output block.
type Output struct {
	Name string
	// Value is the value expression.
	Value       any
	Description string
	Sensitive   bool
	DependsOn   []string
	// Body is the whole block.
	Body map[string]any
}

// RequiredProvider is one entry of terraform.required_providers.
type RequiredProvider struct {
	Source  string
	Version string
}

// Terraform is the terraform block.
type Terraform struct {
	// RequiredProviders by local name.
	RequiredProviders map[string]RequiredProvider
	// Backend is the backend type (local, s3, ...), empty when none.
	Backend string
	// BackendConfig is the backend's configuration.
	BackendConfig map[string]any
	// Body is the whole block.
	Body map[string]any
}

// Moved is a moved block: Terraform treats the resource at From as the one
// at To.
type Moved struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Removed is a removed block: Terraform stops managing From, and destroys
// it only when Destroy (Terraform's default when lifecycle.destroy is not
// set is true).
type Removed struct {
	From    string
	Destroy bool
}

// Stack is one Terraform JSON document: a cdktf stack's cdk.tf.json, a
// golden snapshot, or any *.tf.json file.
type Stack struct {
	// Name names the document in errors and findings.
	Name string
	// Resources by address (type.name), managed resources only.
	Resources map[string]*Block
	// Data sources by address (data.type.name).
	Data map[string]*Block
	// Providers in document order (per type, types sorted).
	Providers []Provider
	// Variables by name (each variable's block).
	Variables map[string]map[string]any
	// Locals by name (without the local. prefix).
	Locals map[string]any
	// Outputs by name.
	Outputs map[string]Output
	// Terraform is the terraform block.
	Terraform Terraform
	// Moved and Removed are the document's moved and removed blocks.
	Moved   []Moved
	Removed []Removed
	// Metadata is the top-level "//" value, nil when absent.
	Metadata any

	byType map[string][]*Block
}

// Parse reads one Terraform JSON document. Blocks may be written as
// objects or as lists of objects (merged in order); name names the
// document in errors.
func Parse(name string, data []byte) (*Stack, error) {
	var raw struct {
		Meta      any                                   `json:"//"`
		Resource  map[string]map[string]json.RawMessage `json:"resource"`
		Data      map[string]map[string]json.RawMessage `json:"data"`
		Provider  map[string]json.RawMessage            `json:"provider"`
		Variable  map[string]json.RawMessage            `json:"variable"`
		Locals    json.RawMessage                       `json:"locals"`
		Output    map[string]json.RawMessage            `json:"output"`
		Terraform json.RawMessage                       `json:"terraform"`
		Moved     json.RawMessage                       `json:"moved"`
		Removed   json.RawMessage                       `json:"removed"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%s: not Terraform JSON: %w", name, err)
	}
	s := &Stack{Name: name, Metadata: raw.Meta, Resources: map[string]*Block{}, Data: map[string]*Block{},
		Variables: map[string]map[string]any{}, Locals: map[string]any{}, Outputs: map[string]Output{}, byType: map[string][]*Block{}}
	read := func(mode Mode, blocks map[string]map[string]json.RawMessage, into map[string]*Block) error {
		for typ, byName := range blocks {
			for bname, body := range byName {
				attrs, err := blockBody(body)
				if err != nil {
					return fmt.Errorf("%s: %s %s.%s: %w", name, mode, typ, bname, err)
				}
				b, err := newBlock(mode, typ, bname, attrs)
				if err != nil {
					return fmt.Errorf("%s: %s: %w", name, b.Address(), err)
				}
				into[b.Address()] = b
			}
		}
		return nil
	}
	if err := read(Managed, raw.Resource, s.Resources); err != nil {
		return nil, err
	}
	if err := read(DataMode, raw.Data, s.Data); err != nil {
		return nil, err
	}
	for _, a := range s.Addresses() {
		b := s.Resources[a]
		s.byType[b.Type] = append(s.byType[b.Type], b)
	}
	for _, a := range s.DataAddresses() {
		b := s.Data[a]
		s.byType["data."+b.Type] = append(s.byType["data."+b.Type], b)
	}
	for _, typ := range sortedKeys(raw.Provider) {
		var v any
		if err := json.Unmarshal(raw.Provider[typ], &v); err != nil {
			return nil, fmt.Errorf("%s: provider %s: %w", name, typ, err)
		}
		for _, cfg := range Objects(v) {
			alias, _ := cfg["alias"].(string)
			s.Providers = append(s.Providers, Provider{Type: typ, Alias: alias, Config: cfg})
		}
	}
	for vname, body := range raw.Variable {
		m, err := blockBody(body)
		if err != nil {
			return nil, fmt.Errorf("%s: variable %s: %w", name, vname, err)
		}
		s.Variables[vname] = m
	}
	if len(raw.Locals) > 0 {
		m, err := blockBody(raw.Locals)
		if err != nil {
			return nil, fmt.Errorf("%s: locals: %w", name, err)
		}
		s.Locals = m
	}
	for oname, body := range raw.Output {
		m, err := blockBody(body)
		if err != nil {
			return nil, fmt.Errorf("%s: output %s: %w", name, oname, err)
		}
		o := Output{Name: oname, Value: m["value"], Body: m, DependsOn: StringList(m["depends_on"])}
		o.Description, _ = m["description"].(string)
		o.Sensitive, _ = m["sensitive"].(bool)
		s.Outputs[oname] = o
	}
	if len(raw.Terraform) > 0 {
		m, err := blockBody(raw.Terraform)
		if err != nil {
			return nil, fmt.Errorf("%s: terraform: %w", name, err)
		}
		s.Terraform.Body = m
		if rp := Single(m["required_providers"]); rp != nil {
			s.Terraform.RequiredProviders = map[string]RequiredProvider{}
			for p, v := range rp {
				r := RequiredProvider{}
				switch x := v.(type) {
				case string: // the legacy form: a version constraint
					r.Version = x
				case map[string]any:
					r.Source, _ = x["source"].(string)
					r.Version, _ = x["version"].(string)
				}
				s.Terraform.RequiredProviders[p] = r
			}
		}
		if be := Single(m["backend"]); be != nil {
			for _, typ := range sortedKeys(be) {
				s.Terraform.Backend, s.Terraform.BackendConfig = typ, Single(be[typ])
				break
			}
		}
	}
	if len(raw.Moved) > 0 {
		var v any
		if err := json.Unmarshal(raw.Moved, &v); err != nil {
			return nil, fmt.Errorf("%s: moved: %w", name, err)
		}
		for _, m := range Objects(v) {
			from, _ := m["from"].(string)
			to, _ := m["to"].(string)
			s.Moved = append(s.Moved, Moved{From: from, To: to})
		}
	}
	if len(raw.Removed) > 0 {
		var v any
		if err := json.Unmarshal(raw.Removed, &v); err != nil {
			return nil, fmt.Errorf("%s: removed: %w", name, err)
		}
		for _, m := range Objects(v) {
			from, _ := m["from"].(string)
			destroy := true // Terraform's default
			if d, ok := Single(m["lifecycle"])["destroy"].(bool); ok {
				destroy = d
			}
			s.Removed = append(s.Removed, Removed{From: from, Destroy: destroy})
		}
	}
	return s, nil
}

// newBlock splits a body into its metadata, meta-arguments and attributes.
func newBlock(mode Mode, typ, name string, attrs map[string]any) (*Block, error) {
	b := &Block{Mode: mode, Type: typ, Name: name, Attrs: attrs}
	if md, ok := attrs["//"]; ok {
		b.Metadata = md
		delete(attrs, "//")
		if m, ok := md.(map[string]any); ok {
			if cm, ok := m["metadata"].(map[string]any); ok {
				b.Path, _ = cm["path"].(string)
				b.UniqueID, _ = cm["uniqueId"].(string)
			}
			if sup, ok := m[SuppressionsKey].(map[string]any); ok {
				b.Suppressions = map[string]string{}
				for rule, reason := range sup {
					r, _ := reason.(string)
					b.Suppressions[rule] = r
				}
			}
		}
	}
	b.DependsOn = StringList(attrs["depends_on"])
	b.Lifecycle = Single(attrs["lifecycle"])
	if p, ok := attrs["provider"].(string); ok {
		b.Provider = p
	} else if attrs["provider"] != nil {
		return b, fmt.Errorf("provider is %T, want a string such as aws.use1", attrs["provider"])
	}
	b.Count, b.ForEach = attrs["count"], attrs["for_each"]
	return b, nil
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

// Objects returns a nested block written as one object or a list of
// objects (both are valid Terraform JSON), skipping elements that are not
// objects.
func Objects(v any) []map[string]any {
	switch t := v.(type) {
	case map[string]any:
		return []map[string]any{t}
	case []any:
		out := make([]map[string]any, 0, len(t))
		for _, e := range t {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

// Single returns a nested single block written as an object or a
// one-element list, nil otherwise.
func Single(v any) map[string]any {
	if o := Objects(v); len(o) > 0 {
		return o[0]
	}
	return nil
}

// StringList returns the strings of a JSON list (or a lone string), skipping
// elements that are not strings.
func StringList(v any) []string {
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

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Addresses returns the managed resource addresses, sorted.
func (s *Stack) Addresses() []string { return sortedKeys(s.Resources) }

// DataAddresses returns the data source addresses, sorted.
func (s *Stack) DataAddresses() []string { return sortedKeys(s.Data) }

// Lookup finds a resource or data source by address.
func (s *Stack) Lookup(addr string) (*Block, bool) {
	if b, ok := s.Resources[addr]; ok {
		return b, true
	}
	b, ok := s.Data[addr]
	return b, ok
}

// Of returns the managed resources of a type (or the data sources of
// data.TYPE), sorted by address. The slice is shared: do not modify it.
func (s *Stack) Of(typ string) []*Block {
	if s.byType == nil {
		return nil
	}
	return s.byType[typ]
}

// ProviderTypes returns the provider types the document configures,
// sorted, each once.
func (s *Stack) ProviderTypes() []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range s.Providers {
		if !seen[p.Type] {
			seen[p.Type] = true
			out = append(out, p.Type)
		}
	}
	sort.Strings(out)
	return out
}

// ProvidersOf returns the configurations of one provider type, in
// document order.
func (s *Stack) ProvidersOf(typ string) []Provider {
	var out []Provider
	for _, p := range s.Providers {
		if p.Type == typ {
			out = append(out, p)
		}
	}
	return out
}

// Disposable reports whether the stack declared itself disposable: the
// local DisposableLocal is true (nag.DeclareDisposable).
func (s *Stack) Disposable() bool {
	v, _ := s.Locals[DisposableLocal].(bool)
	return v
}

// Has reports whether a reference resolves inside the stack: a resource
// or data source address, local.NAME or var.NAME that the document
// declares.
func (s *Stack) Has(addr string) bool {
	if _, ok := s.Lookup(addr); ok {
		return true
	}
	if n, ok := strings.CutPrefix(addr, "local."); ok {
		_, ok := s.Locals[n]
		return ok
	}
	if n, ok := strings.CutPrefix(addr, "var."); ok {
		_, ok := s.Variables[n]
		return ok
	}
	return false
}
