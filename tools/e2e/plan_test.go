package main

import (
	"reflect"
	"strings"
	"testing"
)

// planJSON is trimmed from `terraform show -json` of a plan after apply
// against the emulator: a replaced cluster (access_config not returned), a
// Lambda function (logging_config not returned), an IAM role that only
// gets unknown values from the replacement, a no-op and a data read.
const planJSON = `{"format_version": "1.2", "resource_changes": [
  {"address": "aws_eks_cluster.c", "mode": "managed", "change": {"actions": ["delete", "create"],
    "before": {"arn": "arn:1", "name": "c", "access_config": [], "vpc_config": [{"security_group_ids": [], "subnet_ids": ["s1"]}], "tags": null},
    "after": {"name": "c", "access_config": [{"authentication_mode": "API"}], "vpc_config": [{"security_group_ids": null, "subnet_ids": ["s1"]}], "tags": {}},
    "after_unknown": {"arn": true, "access_config": [{}], "vpc_config": [{"cluster_security_group_id": true}]}}},
  {"address": "aws_lambda_function.f", "mode": "managed", "change": {"actions": ["update"],
    "before": {"logging_config": [], "memory_size": 256},
    "after": {"logging_config": [{"log_format": "JSON"}], "memory_size": 256},
    "after_unknown": {}}},
  {"address": "aws_iam_role.r", "mode": "managed", "change": {"actions": ["update"],
    "before": {"assume_role_policy": "{}"}, "after": {}, "after_unknown": {"assume_role_policy": true}}},
  {"address": "aws_s3_bucket.b", "mode": "managed", "change": {"actions": ["update"],
    "before": {"tags": {"a": "1"}, "grant": [{"id": "x", "permissions": ["READ"]}]},
    "after": {"tags": {"a": "2"}, "grant": [{"id": "x", "permissions": ["READ", "WRITE"]}]}, "after_unknown": {}}},
  {"address": "aws_vpc.v", "mode": "managed", "change": {"actions": ["no-op"], "before": {}, "after": {}}},
  {"address": "data.aws_region.r", "mode": "data", "change": {"actions": ["read"], "before": null, "after": {}}}
]}`

func TestParsePlanChanges(t *testing.T) {
	got, err := ParsePlanChanges([]byte(planJSON))
	if err != nil {
		t.Fatal(err)
	}
	want := []PlanChange{
		{Address: "aws_eks_cluster.c", Actions: []string{"delete", "create"}, Paths: []string{"access_config"}, Unknown: true},
		{Address: "aws_iam_role.r", Actions: []string{"update"}, Unknown: true},
		{Address: "aws_lambda_function.f", Actions: []string{"update"}, Paths: []string{"logging_config"}},
		{Address: "aws_s3_bucket.b", Actions: []string{"update"}, Paths: []string{"grant[0].permissions", "tags.a"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if _, err := ParsePlanChanges([]byte("{")); err == nil {
		t.Error("no error for bad JSON")
	}
}

func TestCoveredAndExplained(t *testing.T) {
	tests := []struct {
		path  string
		attrs []string
		want  bool
	}{
		{"logging_config", []string{"logging_config"}, true},
		{"logging_config[0].log_format", []string{"logging_config"}, true},
		{"access_config[0].authentication_mode", []string{"access_config[0].authentication_mode"}, true},
		{"access_config[1].authentication_mode", []string{"access_config[0].authentication_mode"}, true},
		{"logging_configs", []string{"logging_config"}, false},
		{"tags.a", []string{"logging_config"}, false},
	}
	for _, tt := range tests {
		if got := Covered(tt.path, tt.attrs); got != tt.want {
			t.Errorf("Covered(%q, %v) = %v", tt.path, tt.attrs, got)
		}
	}
	ignore := map[string][]string{"aws_eks_cluster.c": {"access_config"}, "aws_s3_bucket.b": {"tags"}}
	changes, _ := ParsePlanChanges([]byte(planJSON))
	got := map[string]bool{}
	for _, c := range changes {
		got[c.Address] = c.Explained(ignore)
	}
	want := map[string]bool{"aws_eks_cluster.c": true, "aws_iam_role.r": false, "aws_lambda_function.f": false, "aws_s3_bucket.b": false}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("explained %v, want %v", got, want)
	}
}

const planText = `aws_vpc.v: Refreshing state... [id=vpc-1]

Terraform used the selected providers to generate the following execution
plan. Resource actions are indicated with the following symbols:
  ~ update in-place

Terraform will perform the following actions:

  # aws_lambda_function.f will be updated in-place
  ~ resource "aws_lambda_function" "f" {
      + logging_config {
          + log_format = "JSON"
        }
    }

Plan: 0 to add, 1 to change, 0 to destroy.

Warning: Resource targeting is in effect

You are creating a plan with the -target option.
`

func TestPlanActions(t *testing.T) {
	got := PlanActions(planText)
	if !strings.HasPrefix(got, "Terraform will perform the following actions:") || !strings.HasSuffix(got, "Plan: 0 to add, 1 to change, 0 to destroy.") {
		t.Errorf("got:\n%s", got)
	}
	if strings.Contains(got, "Refreshing") || strings.Contains(got, "targeting") {
		t.Errorf("kept noise:\n%s", got)
	}
}

func TestErrorBlocks(t *testing.T) {
	out := `aws_eks_cluster.c: Creating...

Warning: Invalid Attribute Combination

  with provider["registry.terraform.io/hashicorp/aws"],

Error: creating EKS Add-On (c:vpc-cni): operation error EKS: CreateAddon, https response error StatusCode: 404

  with aws_eks_addon.vpc-cni,
  on cdk.tf.json line 306, in resource.aws_eks_addon.vpc-cni:
 306:       },

Error: creating EKS Access Entry (c:arn): StatusCode: 404

  with aws_eks_access_entry.e,
`
	got := ErrorBlocks(out)
	if len(got) != 2 {
		t.Fatalf("got %d blocks: %q", len(got), got)
	}
	if !strings.HasPrefix(got[0], "Error: creating EKS Add-On") || !strings.Contains(got[0], "with aws_eks_addon.vpc-cni") {
		t.Errorf("block 0: %q", got[0])
	}
	if strings.Contains(got[0], "Access Entry") || strings.Contains(got[0], "Warning") {
		t.Errorf("block 0 runs into its neighbours: %q", got[0])
	}
	if !strings.Contains(got[1], "with aws_eks_access_entry.e") {
		t.Errorf("block 1: %q", got[1])
	}
}
