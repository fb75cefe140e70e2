// Package review explains what a change to synthesized stacks does to real
// infrastructure: it compares two sets of Terraform JSON documents (the
// golden snapshots or cdktf.out at two git refs) resource by resource and
// attribute by attribute, recognizes probable renames and the fix for them,
// marks changes Terraform can only make by replacing the resource, and
// classifies what is risky (data destroyed, protection lost, IAM widened,
// networks opened, encryption or logging turned off). It also draws a stack
// as a Mermaid diagram and estimates its fixed monthly cost from an in-repo
// price table.
//
// The package reads JSON only; it never starts jsii or Terraform.
package review

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Resource is one resource (or data source) of a stack.
type Resource struct {
	// Mode is "managed" for resources and "data" for data sources.
	Mode string
	Type string
	Name string
	// Path is the construct path from the cdktf metadata, such as
	// fintech/audit-logs/bucket; empty in plain Terraform JSON.
	Path string
	// Attrs is the configuration without the "//" metadata.
	Attrs map[string]any
}

// Address is the Terraform address: aws_s3_bucket.logs or
// data.aws_region.current.
func (r *Resource) Address() string {
	if r.Mode == "data" {
		return "data." + r.Type + "." + r.Name
	}
	return r.Type + "." + r.Name
}

// ConstructPath is Path without the leading stack name, or the address
// when the document carries no construct path.
func (r *Resource) ConstructPath() string {
	if r.Path == "" {
		return r.Address()
	}
	if i := strings.IndexByte(r.Path, '/'); i >= 0 {
		return r.Path[i+1:]
	}
	return r.Path
}

// MovedBlock is a moved block: Terraform treats the resource at From as the one
// at To.
type MovedBlock struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// RemovedBlock is a removed block: Terraform stops managing From, and
// destroys it only when Destroy.
type RemovedBlock struct {
	From    string
	Destroy bool
}

// Stack is one synthesized Terraform JSON document.
type Stack struct {
	Name string
	// Resources by address, managed resources only.
	Resources map[string]*Resource
	// Data sources by address (data.TYPE.NAME).
	Data map[string]*Resource
	// Moved are the document's moved blocks.
	Moved []MovedBlock
	// Removed are the document's removed blocks.
	Removed []RemovedBlock
	// Outputs by name (the output's value expression).
	Outputs map[string]any
	// Providers are the provider types the document configures.
	Providers []string
}

// Addresses returns the managed resource addresses, sorted.
func (s *Stack) Addresses() []string {
	out := make([]string, 0, len(s.Resources))
	for a := range s.Resources {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// Lookup finds a resource or data source by address.
func (s *Stack) Lookup(addr string) (*Resource, bool) {
	if r, ok := s.Resources[addr]; ok {
		return r, true
	}
	r, ok := s.Data[addr]
	return r, ok
}

// Parse reads one Terraform JSON document.
func Parse(name string, data []byte) (*Stack, error) {
	var raw struct {
		Resource map[string]map[string]json.RawMessage `json:"resource"`
		Data     map[string]map[string]json.RawMessage `json:"data"`
		Moved    json.RawMessage                       `json:"moved"`
		Removed  json.RawMessage                       `json:"removed"`
		Output   map[string]map[string]any             `json:"output"`
		Provider map[string]json.RawMessage            `json:"provider"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%s: not Terraform JSON: %w", name, err)
	}
	s := &Stack{Name: name, Resources: map[string]*Resource{}, Data: map[string]*Resource{}, Outputs: map[string]any{}}
	read := func(mode string, blocks map[string]map[string]json.RawMessage, into map[string]*Resource) error {
		for typ, byName := range blocks {
			for rname, body := range byName {
				var attrs map[string]any
				if err := json.Unmarshal(body, &attrs); err != nil {
					return fmt.Errorf("%s: %s %s.%s is not an object: %w", name, mode, typ, rname, err)
				}
				r := &Resource{Mode: mode, Type: typ, Name: rname, Attrs: attrs}
				if meta, ok := attrs["//"].(map[string]any); ok {
					if md, ok := meta["metadata"].(map[string]any); ok {
						r.Path, _ = md["path"].(string)
					}
					delete(attrs, "//")
				}
				into[r.Address()] = r
			}
		}
		return nil
	}
	if err := read("managed", raw.Resource, s.Resources); err != nil {
		return nil, err
	}
	if err := read("data", raw.Data, s.Data); err != nil {
		return nil, err
	}
	if len(raw.Moved) > 0 {
		// A moved block is a list of objects, or one object.
		if err := json.Unmarshal(raw.Moved, &s.Moved); err != nil {
			var one MovedBlock
			if err2 := json.Unmarshal(raw.Moved, &one); err2 != nil {
				return nil, fmt.Errorf("%s: moved: %w", name, err)
			}
			s.Moved = []MovedBlock{one}
		}
	}
	if len(raw.Removed) > 0 {
		var blocks []map[string]any
		if err := json.Unmarshal(raw.Removed, &blocks); err != nil {
			var one map[string]any
			if err2 := json.Unmarshal(raw.Removed, &one); err2 != nil {
				return nil, fmt.Errorf("%s: removed: %w", name, err)
			}
			blocks = []map[string]any{one}
		}
		for _, b := range blocks {
			from, _ := b["from"].(string)
			destroy := true // Terraform's default
			var lc map[string]any
			switch x := b["lifecycle"].(type) {
			case map[string]any:
				lc = x
			case []any:
				if len(x) > 0 {
					lc, _ = x[0].(map[string]any)
				}
			}
			if v, ok := lc["destroy"].(bool); ok {
				destroy = v
			}
			s.Removed = append(s.Removed, RemovedBlock{From: from, Destroy: destroy})
		}
	}
	for k, v := range raw.Output {
		s.Outputs[k] = v["value"]
	}
	for p := range raw.Provider {
		s.Providers = append(s.Providers, p)
	}
	sort.Strings(s.Providers)
	return s, nil
}

// LoadDir reads every stack of a directory, by name: a cdktf output
// directory (stacks/NAME/cdk.tf.json), a snapshot directory (NAME.tf.json),
// or a directory holding either under __snapshots__/ or cdktf.out/.
func LoadDir(dir string) (map[string]*Stack, error) {
	for _, candidate := range []string{dir, filepath.Join(dir, "__snapshots__"), filepath.Join(dir, "cdktf.out")} {
		files := map[string]string{}
		found, _ := filepath.Glob(filepath.Join(candidate, "stacks", "*", "cdk.tf.json"))
		for _, f := range found {
			files[filepath.Base(filepath.Dir(f))] = f
		}
		if len(files) == 0 {
			found, _ = filepath.Glob(filepath.Join(candidate, "*.tf.json"))
			for _, f := range found {
				files[strings.TrimSuffix(filepath.Base(f), ".tf.json")] = f
			}
		}
		if len(files) == 0 {
			continue
		}
		out := map[string]*Stack{}
		for name, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			s, err := Parse(name, data)
			if err != nil {
				return nil, err
			}
			out[name] = s
		}
		return out, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		// An empty directory is a ref without stacks: every stack of the
		// other side is added (or removed).
		return map[string]*Stack{}, nil
	}
	return nil, fmt.Errorf("%s holds no stacks: no stacks/*/cdk.tf.json, no *.tf.json, no __snapshots__/ or cdktf.out/", dir)
}

// Ref is a reference inside a ${...} interpolation to another resource
// or data source: aws_kms_key.key.arn is Ref{Address: "aws_kms_key.key",
// Attr: "arn"}.
type Ref struct {
	Address string
	// Attr is the rest of the traversal (arn, identity[0].oidc[0].issuer),
	// possibly empty.
	Attr string
}

// refPattern matches a resource or data source traversal inside an
// interpolation. Terraform names start with a letter or underscore and hold
// letters, digits, underscores and dashes.
var refPattern = regexp.MustCompile(`\b((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)((?:\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\]|\["[^"]*"\])*)`)

// interpolation matches one ${...} (no nesting of braces inside, which is
// how cdktf writes references and function calls).
var interpolation = regexp.MustCompile(`\$\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}`)

// RefsIn returns the references in a string, in order of appearance.
// Only traversals of known resource types count: a string matched against
// a stack's addresses by the caller.
func RefsIn(s string) []Ref {
	if !strings.Contains(s, "${") {
		return nil
	}
	var out []Ref
	for _, expr := range interpolation.FindAllString(s, -1) {
		inner := expr[2 : len(expr)-1]
		for _, m := range refPattern.FindAllStringSubmatch(inner, -1) {
			if notResources[strings.SplitN(m[1], ".", 2)[0]] {
				continue
			}
			out = append(out, Ref{Address: m[1], Attr: strings.TrimPrefix(m[2], ".")})
		}
	}
	return out
}

// Refs returns every reference of a resource's configuration to another
// resource or data source of the stack, sorted and without duplicates,
// including depends_on.
func (s *Stack) Refs(r *Resource) []string {
	seen := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			for _, ref := range RefsIn(x) {
				if _, ok := s.Lookup(ref.Address); ok && ref.Address != r.Address() {
					seen[ref.Address] = true
				}
			}
			if _, ok := s.Lookup(x); ok && x != r.Address() {
				seen[x] = true // depends_on entries are bare addresses
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
	walk(r.Attrs)
	out := make([]string, 0, len(seen))
	for a := range seen {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// dataBearing lists the resource types whose destruction loses data or
// something that cannot be recreated as it was (key material, a cluster's
// workloads, logs).
var dataBearing = map[string]string{
	"aws_s3_bucket":                         "objects",
	"aws_kms_key":                           "key material (data encrypted under it becomes unreadable)",
	"aws_eks_cluster":                       "the cluster and every workload in it",
	"aws_efs_file_system":                   "files",
	"aws_msk_cluster":                       "Kafka topics and their messages",
	"aws_db_instance":                       "the database",
	"aws_rds_cluster":                       "the database",
	"aws_dynamodb_table":                    "items",
	"aws_cloudwatch_log_group":              "log events",
	"aws_prometheus_workspace":              "metric samples (every series the workspace stores)",
	"aws_grafana_workspace":                 "dashboards, folders, alert rules and settings made in Grafana",
	"aws_ecr_repository":                    "container images",
	"aws_secretsmanager_secret":             "the secret value",
	"aws_sqs_queue":                         "queued messages",
	"aws_sns_topic":                         "subscriptions",
	"aws_cognito_user_pool":                 "user accounts and passwords",
	"aws_kinesis_stream":                    "stream records",
	"kubernetes_persistent_volume_claim_v1": "the volume's data (with a Delete reclaim policy)",
	"kubernetes_persistent_volume_v1":       "the volume's data (with a Delete reclaim policy)",
}

// DataBearing reports whether destroying a resource of this type loses
// data, and what.
func DataBearing(typ string) (what string, ok bool) {
	what, ok = dataBearing[typ]
	return what, ok
}
