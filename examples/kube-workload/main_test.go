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
		"shop-cluster":   {`"version": "~> 5.100"`, `"aws_eks_cluster"`, `cross-stack-output-aws_eks_cluster`},
		"shop-addons":    {`"version": "~> 5.100"`, `"helm_release"`, `aws-load-balancer-controller`, `"version": "~> 2.17"`, `get-token`},
		"shop-workloads": {`"version": "~> 5.100"`, `"kubernetes_deployment_v1"`, `"kubernetes_horizontal_pod_autoscaler_v2"`, `TargetGroupBinding`, `"read_only_root_filesystem": true`, `images/*`},
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
