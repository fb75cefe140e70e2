package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExampleSynthesizes(t *testing.T) {
	dir := t.TempDir()
	if err := build(dir); err != nil {
		t.Fatal(err)
	}
	read := func(stack string) string {
		b, err := os.ReadFile(filepath.Join(dir, "stacks", stack, "cdk.tf.json"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	checks := map[string][]string{
		"desk-cluster": {`"version": "~> 5.100"`, `"aws_msk_cluster"`, `"aws_efs_file_system"`, `aws-efs-csi-driver`, `load-balancer-subnet`},
		"desk-addons":  {`"version": "~> 5.100"`, `"helm_release"`, `argo-cd`},
		"desk-tenants": {`"version": "~> 5.100"`, `"kubernetes_network_policy_v1"`, `"default-deny"`, `"kubernetes_resource_quota_v1"`, `"AppProject"`,
			`"aws_eks_access_policy_association"`, `/pricing.ticks`, `"/tenants/quotes"`, `pricing/*`},
	}
	for stack, wants := range checks {
		doc := read(stack)
		for _, want := range wants {
			if !strings.Contains(doc, want) {
				t.Errorf("%s lacks %s", stack, want)
			}
		}
	}
}
