package tfjson

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const fixture = `{
  "//": {"metadata": {"stackName": "demo"}},
  "terraform": {"backend": {"local": {"path": "terraform.demo.tfstate"}}, "required_providers": {"aws": {"source": "aws", "version": "~> 5.100"}, "old": "1.0"}},
  "provider": {"aws": [{"region": "eu-west-1"}, {"alias": "use1", "region": "us-east-1"}], "helm": {"kubernetes": {}}},
  "variable": {"env": {"type": "string", "default": "dev"}},
  "locals": {"hybridstack_disposable": true, "host": "${replace(aws_eks_cluster.c.endpoint, \"https://\", \"\")}"},
  "data": {"aws_region": {"r": {"//": {"metadata": {"path": "demo/r", "uniqueId": "r"}}}}},
  "resource": {
    "aws_s3_bucket": {"b": {"//": {"metadata": {"path": "demo/store/bucket", "uniqueId": "store_bucket_1234ABCD"}, "hybridstack_suppressions": {"S3-005": "public assets"}},
      "bucket": "x", "lifecycle": [{"prevent_destroy": true}], "provider": "aws.use1", "depends_on": ["aws_kms_key.k"]}},
    "aws_kms_key": {"k": [{"description": "a"}, {"enable_key_rotation": true}]},
    "aws_subnet": {"s": {"count": 2, "vpc_id": "v"}, "t": {"for_each": "${var.env}"}}
  },
  "output": {"bucket": {"value": "${aws_s3_bucket.b.arn}", "description": "the bucket", "sensitive": true}},
  "moved": [{"from": "aws_s3_bucket.old", "to": "aws_s3_bucket.b"}],
  "removed": [{"from": "aws_sqs_queue.q", "lifecycle": {"destroy": false}}, {"from": "aws_sqs_queue.r"}]
}`

func TestParse(t *testing.T) {
	s, err := Parse("demo", []byte(fixture))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.Addresses(), []string{"aws_kms_key.k", "aws_s3_bucket.b", "aws_subnet.s", "aws_subnet.t"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Addresses = %v, want %v", got, want)
	}
	if got := s.DataAddresses(); !reflect.DeepEqual(got, []string{"data.aws_region.r"}) {
		t.Errorf("DataAddresses = %v", got)
	}
	b := s.Resources["aws_s3_bucket.b"]
	if b.Path != "demo/store/bucket" || b.ConstructPath() != "store/bucket" || b.UniqueID != "store_bucket_1234ABCD" {
		t.Errorf("metadata: %q %q %q", b.Path, b.ConstructPath(), b.UniqueID)
	}
	if b.Suppressions["S3-005"] != "public assets" || len(b.Suppressions) != 1 {
		t.Errorf("suppressions (%s): %v", SuppressionsKey, b.Suppressions)
	}
	if _, ok := b.Attrs["//"]; ok {
		t.Error(`Attrs keeps "//"`)
	}
	if b.Provider != "aws.use1" || !reflect.DeepEqual(b.DependsOn, []string{"aws_kms_key.k"}) || b.Lifecycle["prevent_destroy"] != true {
		t.Errorf("meta-arguments: %q %v %v", b.Provider, b.DependsOn, b.Lifecycle)
	}
	if cfg := b.Config(); len(cfg) != 1 || cfg["bucket"] != "x" {
		t.Errorf("Config = %v, want only bucket", cfg)
	}
	if k := s.Resources["aws_kms_key.k"]; k.Attrs["description"] != "a" || k.Attrs["enable_key_rotation"] != true {
		t.Errorf("list body not merged: %v", k.Attrs)
	}
	if s.Resources["aws_subnet.s"].Count != float64(2) || s.Resources["aws_subnet.t"].ForEach != "${var.env}" {
		t.Error("count / for_each not read")
	}
	if d := s.Data["data.aws_region.r"]; d.Address() != "data.aws_region.r" || d.ConstructPath() != "r" || d.Mode != DataMode {
		t.Errorf("data block: %+v", d)
	}
	if got := len(s.Of("aws_subnet")); got != 2 {
		t.Errorf("Of(aws_subnet): %d blocks, want 2", got)
	}
	if got := s.Of("data.aws_region"); len(got) != 1 {
		t.Errorf("Of(data.aws_region): %d blocks, want 1", len(got))
	}
	var provs []string
	for _, p := range s.Providers {
		provs = append(provs, p.Address())
	}
	if want := []string{"aws", "aws.use1", "helm"}; !reflect.DeepEqual(provs, want) {
		t.Errorf("providers = %v, want %v", provs, want)
	}
	if got := s.ProviderTypes(); !reflect.DeepEqual(got, []string{"aws", "helm"}) {
		t.Errorf("ProviderTypes = %v", got)
	}
	if s.Variables["env"]["default"] != "dev" || !s.Disposable() || s.Locals["host"] == nil {
		t.Errorf("variables/locals: %v %v", s.Variables, s.Locals)
	}
	if o := s.Outputs["bucket"]; o.Value != "${aws_s3_bucket.b.arn}" || o.Description != "the bucket" || !o.Sensitive {
		t.Errorf("output: %+v", o)
	}
	tf := s.Terraform
	if tf.Backend != "local" || tf.BackendConfig["path"] != "terraform.demo.tfstate" ||
		tf.RequiredProviders["aws"] != (RequiredProvider{Source: "aws", Version: "~> 5.100"}) || tf.RequiredProviders["old"].Version != "1.0" {
		t.Errorf("terraform block: %+v", tf)
	}
	if !reflect.DeepEqual(s.Moved, []Moved{{From: "aws_s3_bucket.old", To: "aws_s3_bucket.b"}}) {
		t.Errorf("moved: %v", s.Moved)
	}
	if !reflect.DeepEqual(s.Removed, []Removed{{From: "aws_sqs_queue.q", Destroy: false}, {From: "aws_sqs_queue.r", Destroy: true}}) {
		t.Errorf("removed: %v", s.Removed)
	}
	for _, a := range []string{"aws_s3_bucket.b", "data.aws_region.r", "local.host", "var.env"} {
		if !s.Has(a) {
			t.Errorf("Has(%s) = false", a)
		}
	}
	if s.Has("aws_s3_bucket.nope") || s.Has("local.nope") {
		t.Error("Has reports a missing address")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{`[]`, "demo: not Terraform JSON"},
		{`{"resource": {"aws_x": {"a": 3}}}`, "demo: managed aws_x.a: block is float64, not an object"},
		{`{"resource": {"aws_x": {"a": [3]}}}`, "demo: managed aws_x.a: block list element is float64, not an object"},
		{`{"resource": {"aws_x": {"a": {"provider": 1}}}}`, "demo: aws_x.a: provider is float64, want a string such as aws.use1"},
		{`{"output": {"o": "x"}}`, "demo: output o: block is string, not an object"},
	}
	for _, tt := range tests {
		_, err := Parse("demo", []byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%s) = %v, want %q", tt.in, err, tt.want)
		}
	}
}

// TestSnapshots parses every golden snapshot: every interpolation is
// terminated, every expression yields at least one reference or is a call
// of string literals only, and every resource and data reference resolves
// to a block of the same stack (locals and variables to declared ones).
func TestSnapshots(t *testing.T) {
	files, err := filepath.Glob("../../__snapshots__/*.tf.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 16 {
		t.Fatalf("found %d snapshots, want 16", len(files))
	}
	kinds := map[Kind]int{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Parse(filepath.Base(f), data)
		if err != nil {
			t.Fatal(err)
		}
		check := func(where string, v any) {
			Walk(v, func(key, str string) {
				if key == "depends_on" {
					r, ok := ParseReference(str)
					if !ok || !s.Has(r.Address) {
						t.Errorf("%s %s: depends_on %q does not resolve", s.Name, where, str)
					}
					return
				}
				for _, in := range Interpolations(str) {
					if !in.Terminated {
						t.Errorf("%s %s: unterminated interpolation in %q", s.Name, where, str)
					}
					refs := ExpressionReferences(in.Expr)
					if len(refs) == 0 {
						t.Errorf("%s %s: no reference in ${%s}", s.Name, where, in.Expr)
					}
					for _, r := range refs {
						kinds[r.Kind]++
						switch r.Kind {
						case Resource, Data, Local, Var:
							if !s.Has(r.Address) {
								t.Errorf("%s %s: ${%s}: %s resolves to nothing", s.Name, where, in.Expr, r.Address)
							}
						case TerraformKind:
						default:
							t.Errorf("%s %s: ${%s}: unexpected kind %s", s.Name, where, in.Expr, r.Kind)
						}
					}
				}
			})
		}
		for _, a := range append(s.Addresses(), s.DataAddresses()...) {
			b, _ := s.Lookup(a)
			check(a, b.Attrs)
		}
		for name, v := range s.Locals {
			check("local."+name, v)
		}
		for name, o := range s.Outputs {
			check("output."+name, o.Body)
		}
		for _, p := range s.Providers {
			check("provider."+p.Address(), p.Config)
		}
		for _, m := range s.Moved {
			if _, ok := s.Resources[m.To]; !ok {
				t.Errorf("%s: moved to %s, which the stack does not hold", s.Name, m.To)
			}
			if _, ok := ParseReference(m.From); !ok {
				t.Errorf("%s: moved from %q is no address", s.Name, m.From)
			}
		}
	}
	if kinds[Resource] == 0 || kinds[Data] == 0 || kinds[Local] == 0 {
		t.Errorf("kinds seen: %v; want resources, data sources and locals", kinds)
	}
}
