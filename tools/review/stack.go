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
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hybridstack/hybridstack/tools/tfjson"
)

// Resource is one resource (or data source) of a stack: the toolchain's
// one model of a block (tools/tfjson). Mode is "managed" or "data"; Path
// the construct path from the cdktf metadata; Attrs the configuration
// without the "//" metadata.
type Resource = tfjson.Block

// MovedBlock is a moved block: Terraform treats the resource at From as the one
// at To.
type MovedBlock = tfjson.Moved

// RemovedBlock is a removed block: Terraform stops managing From, and
// destroys it only when Destroy.
type RemovedBlock = tfjson.Removed

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

// Parse reads one Terraform JSON document (tfjson.Parse).
func Parse(name string, data []byte) (*Stack, error) {
	m, err := tfjson.Parse(name, data)
	if err != nil {
		return nil, err
	}
	s := &Stack{Name: name, Resources: m.Resources, Data: m.Data, Moved: m.Moved, Removed: m.Removed, Outputs: map[string]any{}, Providers: m.ProviderTypes()}
	for k, o := range m.Outputs {
		s.Outputs[k] = o.Value
	}
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

// blockRefs returns the references of a string's ${...} interpolations
// to resources and data sources (tfjson's grammar), in order of
// appearance. Whether they name a block of a stack is the caller's check.
func blockRefs(s string) []tfjson.Reference {
	var out []tfjson.Reference
	for _, r := range tfjson.References(s) {
		if r.IsBlock() {
			out = append(out, r)
		}
	}
	return out
}

// Refs returns every reference of a resource's configuration to another
// resource or data source of the stack, sorted and without duplicates,
// including depends_on.
func (s *Stack) Refs(r *Resource) []string {
	seen := map[string]bool{}
	tfjson.Walk(r.Attrs, func(_, x string) {
		for _, ref := range blockRefs(x) {
			if _, ok := s.Lookup(ref.Address); ok && ref.Address != r.Address() {
				seen[ref.Address] = true
			}
		}
		if _, ok := s.Lookup(x); ok && x != r.Address() {
			seen[x] = true // depends_on entries are bare addresses
		}
	})
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
