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
	b, err := os.ReadFile(filepath.Join(dir, "stacks", "eks-example", "cdk.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"version": "~> 5.100"`, `"AL2023_ARM_64_STANDARD"`, `"203.0.113.0/24"`, `system:serviceaccount:shop:orders`, `"aws_availability_zones"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("example output lacks %s", want)
		}
	}
}
