package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// reviewShowJSON is trimmed from `terraform show -json` of HEAD's plan
// against BASE's state: a rename (delete + create), a force-new change
// (replace_paths), a create_before_destroy replacement, an update, a no-op
// and a data source read.
const reviewShowJSON = `{"format_version": "1.2", "resource_changes": [
  {"address": "aws_sqs_queue.q", "mode": "managed", "type": "aws_sqs_queue", "name": "q", "action_reason": "replace_because_cannot_update",
   "change": {"actions": ["delete", "create"], "before": {"name_prefix": "a-"}, "after": {"name_prefix": "b-"}, "after_unknown": {"arn": true},
              "replace_paths": [["name_prefix"]]}},
  {"address": "aws_iam_role_policy.new", "mode": "managed", "change": {"actions": ["create"], "before": null, "after": {"name": "p"}, "after_unknown": {"id": true}}},
  {"address": "aws_iam_role_policy.old", "mode": "managed", "action_reason": "delete_because_no_resource_config",
   "change": {"actions": ["delete"], "before": {"name": "p"}, "after": null}},
  {"address": "aws_lb_target_group.tg[\"blue\"]", "mode": "managed", "change": {"actions": ["create", "delete"],
   "before": {"port": 80}, "after": {"port": 8080}, "replace_paths": [["port"], ["health_check", 0, "path"]]}},
  {"address": "aws_cloudwatch_log_group.l", "mode": "managed", "change": {"actions": ["update"], "before": {"retention_in_days": 90}, "after": {"retention_in_days": 30}}},
  {"address": "aws_kms_key.k", "mode": "managed", "change": {"actions": ["no-op"], "before": {}, "after": {}}},
  {"address": "data.aws_region.r", "mode": "data", "change": {"actions": ["read"], "before": null, "after": {}}}
]}`

func TestParseReviewChanges(t *testing.T) {
	got, err := ParseReviewChanges([]byte(reviewShowJSON))
	if err != nil {
		t.Fatal(err)
	}
	want := []ReviewChange{
		{Address: "aws_cloudwatch_log_group.l", Actions: []string{"update"}, ReplacePaths: [][]any{}},
		{Address: "aws_iam_role_policy.new", Actions: []string{"create"}, ReplacePaths: [][]any{}},
		{Address: "aws_iam_role_policy.old", Actions: []string{"delete"}, ReplacePaths: [][]any{}},
		{Address: `aws_lb_target_group.tg["blue"]`, Actions: []string{"create", "delete"}, ReplacePaths: [][]any{{"port"}, {"health_check", float64(0), "path"}}},
		{Address: "aws_sqs_queue.q", Actions: []string{"delete", "create"}, ReplacePaths: [][]any{{"name_prefix"}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
	// The report's shape: every key present, replace_paths never null.
	b, _ := json.Marshal(got[0])
	if string(b) != `{"address":"aws_cloudwatch_log_group.l","actions":["update"],"replace_paths":[],"emulator_gap":""}` {
		t.Errorf("JSON %s", b)
	}
	if _, err := ParseReviewChanges([]byte("not json")); err == nil {
		t.Error("no error for bad JSON")
	}
	none, err := ParseReviewChanges([]byte(`{"format_version": "1.2"}`))
	if err != nil || none == nil || len(none) != 0 {
		t.Errorf("a plan without changes: %#v, %v; want an empty, non-nil list", none, err)
	}
}

// planStream is trimmed from `terraform plan -json` of a HEAD that
// replaces a prevent_destroy bucket (Terraform 1.11.4): one JSON message
// per line, with a CLI warning that is not JSON in between.
const planStream = `{"@level":"info","@message":"Terraform 1.11.4","@module":"terraform.ui","terraform":"1.11.4","type":"version","ui":"1.2"}
{"@level":"info","@message":"aws_s3_bucket.uploads: Plan to replace","change":{"resource":{"addr":"aws_s3_bucket.uploads"},"action":"replace","reason":"cannot_update"},"type":"planned_change"}
Warning: a line that is not JSON
{"@level":"warn","@message":"Warning: Argument is deprecated","diagnostic":{"severity":"warning","summary":"Argument is deprecated","detail":"use x"},"type":"diagnostic"}
{"@level":"error","@message":"Error: Instance cannot be destroyed","@module":"terraform.ui","diagnostic":{"severity":"error","summary":"Instance cannot be destroyed","detail":"Resource aws_s3_bucket.uploads has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed. To avoid this error and continue with the plan, either disable lifecycle.prevent_destroy or reduce the scope of the plan using the -target option.","range":{"filename":"cdk.tf.json","start":{"line":446,"column":34,"byte":20000}}},"type":"diagnostic"}
{"@level":"error","@message":"Error: Instance cannot be destroyed","diagnostic":{"severity":"error","summary":"Instance cannot be destroyed","detail":"Resource aws_kms_key.k[\"a\"] has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed."},"type":"diagnostic"}
{"@level":"error","@message":"Error: Instance cannot be destroyed","diagnostic":{"severity":"error","summary":"Instance cannot be destroyed","detail":"Resource aws_s3_bucket.uploads has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed."},"type":"diagnostic"}
`

func TestParsePlanDiagnosticsRefusals(t *testing.T) {
	refused, errs := ParsePlanDiagnostics(planStream)
	if len(errs) != 0 {
		t.Errorf("errors %q, want none", errs)
	}
	var addrs []string
	for _, r := range refused {
		addrs = append(addrs, r.Address)
		if !strings.HasPrefix(r.Message, "Instance cannot be destroyed: Resource "+r.Address+" has lifecycle.prevent_destroy set") {
			t.Errorf("message %q", r.Message)
		}
	}
	if want := []string{"aws_s3_bucket.uploads", `aws_kms_key.k["a"]`}; !reflect.DeepEqual(addrs, want) {
		t.Errorf("refused %q, want %q (each once)", addrs, want)
	}
}

func TestParsePlanDiagnosticsOtherErrors(t *testing.T) {
	out := `{"type":"diagnostic","diagnostic":{"severity":"error","summary":"Reference to undeclared resource","detail":"A managed resource \"aws_iam_role\" \"gone\" has not been declared.","address":"aws_iam_role_policy.p"}}
{"type":"diagnostic","diagnostic":{"severity":"error","summary":"Instance cannot be destroyed","detail":"no address in this text"}}
{"type":"diagnostic","diagnostic":{"severity":"error","summary":"Instance cannot be destroyed","address":"aws_s3_bucket.b","detail":"whatever"}}`
	refused, errs := ParsePlanDiagnostics(out)
	if len(refused) != 1 || refused[0].Address != "aws_s3_bucket.b" {
		t.Errorf("refused %#v, want aws_s3_bucket.b from the diagnostic's address", refused)
	}
	want := []string{
		`aws_iam_role_policy.p: Reference to undeclared resource: A managed resource "aws_iam_role" "gone" has not been declared.`,
		"Instance cannot be destroyed: no address in this text",
	}
	if !reflect.DeepEqual(errs, want) {
		t.Errorf("errors %q\nwant %q", errs, want)
	}
	if r, e := ParsePlanDiagnostics("plain text\nError: not JSON\n"); len(r)+len(e) != 0 {
		t.Errorf("plain text gave %v %v", r, e)
	}
}

func TestPreventDestroyOverride(t *testing.T) {
	b, err := PreventDestroyOverride([]string{"aws_s3_bucket.uploads", `aws_kms_key.k["a"]`})
	if err != nil {
		t.Fatal(err)
	}
	var o struct {
		Resource map[string]map[string]map[string]map[string]any `json:"resource"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatal(err)
	}
	for _, a := range [][2]string{{"aws_s3_bucket", "uploads"}, {"aws_kms_key", "k"}} {
		if v := o.Resource[a[0]][a[1]]["lifecycle"]["prevent_destroy"]; v != false {
			t.Errorf("%s.%s prevent_destroy = %v, want false:\n%s", a[0], a[1], v, b)
		}
	}
	if _, err := PreventDestroyOverride([]string{"nodot"}); err == nil {
		t.Error("no error for a bad address")
	}
}

func TestMarkRefused(t *testing.T) {
	changes := []ReviewChange{
		{Address: "aws_s3_bucket.uploads", Actions: []string{"delete", "create"}, ReplacePaths: [][]any{{"bucket_prefix"}}},
		{Address: "aws_s3_bucket_policy.p", Actions: []string{"delete", "create"}, ReplacePaths: [][]any{{"bucket"}}},
	}
	got := MarkRefused(changes, []string{"aws_s3_bucket.uploads", "aws_kms_key.k"})
	want := []ReviewChange{
		{Address: "aws_kms_key.k", Actions: []string{"refused"}, ReplacePaths: [][]any{}},
		{Address: "aws_s3_bucket.uploads", Actions: []string{"refused"}, ReplacePaths: [][]any{{"bucket_prefix"}}},
		{Address: "aws_s3_bucket_policy.p", Actions: []string{"delete", "create"}, ReplacePaths: [][]any{{"bucket"}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
}

func TestMarkEmulatorGaps(t *testing.T) {
	gaps, err := ParseGaps([]byte(`{"emulator": "moto", "provider": "aws", "gaps": [
	  {"stack": "all", "kind": "unsupported", "resource": "aws_eks_addon", "operation": "EKS CreateAddon", "error": "e", "why": "w"},
	  {"stack": "all", "kind": "perpetual-diff", "resource": "aws_lambda_function", "attributes": ["logging_config"], "operation": "Lambda GetFunction (LoggingConfig)", "error": "e", "why": "w"},
	  {"stack": "all", "kind": "perpetual-diff", "resource": "aws_eks_cluster", "attributes": ["access_config"], "operation": "EKS DescribeCluster", "error": "e", "why": "w"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	base, err := ParseConfig([]byte(`{"resource": {
	  "aws_eks_cluster": {"c": {"name": "c"}},
	  "aws_eks_addon": {"cni": {"cluster_name": "${aws_eks_cluster.c.name}", "addon_name": "vpc-cni"},
	                    "dns": {"cluster_name": "${aws_eks_cluster.c.name}", "addon_name": "coredns"},
	                    "proxy": {"cluster_name": "${aws_eks_cluster.c.name}", "addon_name": "kube-proxy"}},
	  "aws_iam_role": {"r": {"name": "r", "depends_on": ["aws_eks_addon.cni"]}},
	  "aws_lambda_function": {"f": {"memory_size": 256}, "g": {"memory_size": 256}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	// HEAD: cni unchanged, dns changed, proxy removed; f gets a real
	// change, g only the emulator's diff.
	head, err := ParseConfig([]byte(`{"resource": {
	  "aws_eks_cluster": {"c": {"name": "c"}},
	  "aws_eks_addon": {"cni": {"cluster_name": "${aws_eks_cluster.c.name}", "addon_name": "vpc-cni", "//": {"metadata": "x"}},
	                    "dns": {"cluster_name": "${aws_eks_cluster.c.name}", "addon_name": "coredns", "addon_version": "v2"}},
	  "aws_iam_role": {"r": {"name": "r", "depends_on": ["aws_eks_addon.cni"]}},
	  "aws_lambda_function": {"f": {"memory_size": 512}, "g": {"memory_size": 256}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	baseGaps, headGaps := gaps.ForStack("s", base), gaps.ForStack("s", head)
	_, excluded := base.Targets(baseGaps.GappedSet())
	show := `{"resource_changes": [
	  {"address": "aws_eks_addon.cni", "mode": "managed", "change": {"actions": ["create"], "before": null, "after": {"addon_name": "vpc-cni"}}},
	  {"address": "aws_eks_addon.dns", "mode": "managed", "change": {"actions": ["create"], "before": null, "after": {"addon_name": "coredns"}}},
	  {"address": "aws_iam_role.r", "mode": "managed", "change": {"actions": ["create"], "before": null, "after": {"name": "r"}}},
	  {"address": "aws_eks_cluster.c", "mode": "managed", "change": {"actions": ["delete", "create"],
	    "before": {"access_config": []}, "after": {"access_config": [{"authentication_mode": "API"}]}, "replace_paths": [["access_config", 0, "bootstrap_cluster_creator_admin_permissions"]]}},
	  {"address": "aws_lambda_function.f", "mode": "managed", "change": {"actions": ["update"],
	    "before": {"memory_size": 256, "logging_config": []}, "after": {"memory_size": 512, "logging_config": [{"log_format": "JSON"}]}}},
	  {"address": "aws_lambda_function.g", "mode": "managed", "change": {"actions": ["update"],
	    "before": {"memory_size": 256, "logging_config": []}, "after": {"memory_size": 256, "logging_config": [{"log_format": "JSON"}]}}}]}`
	changes, err := ParseReviewChanges([]byte(show))
	if err != nil {
		t.Fatal(err)
	}
	planned, err := ParsePlanChanges([]byte(show))
	if err != nil {
		t.Fatal(err)
	}
	got := MarkEmulatorGaps(changes, planned, base, head, baseGaps, headGaps, excluded)
	want := map[string][]string{ // address -> actions, then substrings of emulator_gap ("" for none)
		"aws_eks_addon.cni":     {"create", "not applied from BASE (emulator gap: EKS CreateAddon)", "configuration is unchanged from BASE"},
		"aws_eks_addon.dns":     {"create", "emulator gap: EKS CreateAddon", "configuration is changed from BASE"},
		"aws_eks_addon.proxy":   {"delete", "HEAD no longer has it"},
		"aws_iam_role.r":        {"create", "it needs aws_eks_addon.cni, an emulator gap: EKS CreateAddon"},
		"aws_eks_cluster.c":     {"delete,create", "emulator perpetual diff of access_config[0].bootstrap_cluster_creator_admin_permissions (EKS DescribeCluster)"},
		"aws_lambda_function.f": {"update", ""},
		"aws_lambda_function.g": {"update", "emulator perpetual diff of logging_config (Lambda GetFunction (LoggingConfig))"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d changes, want %d: %#v", len(got), len(want), got)
	}
	for i, c := range got {
		if i > 0 && got[i-1].Address >= c.Address {
			t.Errorf("not sorted by address at %s", c.Address)
		}
		w, ok := want[c.Address]
		if !ok {
			t.Errorf("unexpected change %s", c.Address)
			continue
		}
		if a := strings.Join(c.Actions, ","); a != w[0] {
			t.Errorf("%s: actions %s, want %s", c.Address, a, w[0])
		}
		if w[1] == "" && c.EmulatorGap != "" {
			t.Errorf("%s: emulator_gap %q, want none: a real change", c.Address, c.EmulatorGap)
		}
		for _, s := range w[1:] {
			if !strings.Contains(c.EmulatorGap, s) {
				t.Errorf("%s: emulator_gap %q lacks %q", c.Address, c.EmulatorGap, s)
			}
		}
	}
}

func TestReviewStacks(t *testing.T) {
	snap := t.TempDir()
	for _, f := range []string{"a.tf.json", "b.tf.json", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(snap, f), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ReviewStacks(snap)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]reviewSource{"a": {Config: filepath.Join(snap, "a.tf.json")}, "b": {Config: filepath.Join(snap, "b.tf.json")}}; !reflect.DeepEqual(got, want) {
		t.Errorf("snapshot dir: %#v", got)
	}

	out := t.TempDir()
	for _, s := range []string{"a", "c"} {
		if err := os.MkdirAll(filepath.Join(out, "stacks", s), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, "stacks", s, "cdk.tf.json"), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_ = os.MkdirAll(filepath.Join(out, "stacks", "empty"), 0o755)
	got, err = ReviewStacks(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["c"].Dir != filepath.Join(out, "stacks", "c") || got["c"].Config != filepath.Join(out, "stacks", "c", "cdk.tf.json") {
		t.Errorf("cdktf dir: %#v", got)
	}
	if _, err := ReviewStacks(t.TempDir()); err == nil {
		t.Error("no error for a directory without stacks")
	}

	names, err := reviewNames(map[string]reviewSource{"a": {}, "b": {}}, map[string]reviewSource{"a": {}, "c": {}}, "")
	if err != nil || !reflect.DeepEqual(names, []string{"a", "b", "c"}) {
		t.Errorf("names %v %v", names, err)
	}
	if _, err := reviewNames(map[string]reviewSource{"a": {}}, nil, "a,zz"); err == nil || !strings.Contains(err.Error(), "zz") {
		t.Errorf("unknown -stack: %v", err)
	}
}

func TestWriteMissingAssets(t *testing.T) {
	dir := t.TempDir()
	cfg, err := ParseConfig([]byte(`{"resource": {"aws_lambda_function": {
	  "f": {"filename": "assets/f/code.zip"}, "g": {"filename": "${path.module}/x.zip"}, "h": {"filename": "here.zip"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "here.zip"), []byte("real"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := writeMissingAssets(dir, cfg)
	if err != nil || !reflect.DeepEqual(got, []string{"assets/f/code.zip"}) {
		t.Fatalf("wrote %v, %v", got, err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "assets/f/code.zip")); err != nil || !strings.HasPrefix(string(b), "PK") {
		t.Errorf("placeholder is not a zip: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "here.zip")); string(b) != "real" {
		t.Error("an existing asset was overwritten")
	}
}

func TestTerraformVersions(t *testing.T) {
	tfv, aws := terraformVersions(`{"terraform_version": "1.11.4", "platform": "linux_amd64", "provider_selections": {"registry.terraform.io/hashicorp/aws": "5.100.0"}, "terraform_outdated": false}`)
	if tfv != "1.11.4" || aws != "5.100.0" {
		t.Errorf("got %q %q", tfv, aws)
	}
	if pathString([]any{"a", float64(0), "b"}) != "a[0].b" {
		t.Errorf("pathString %q", pathString([]any{"a", float64(0), "b"}))
	}
}
