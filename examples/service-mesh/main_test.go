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
	b, err := os.ReadFile(filepath.Join(dir, "stacks", "service-mesh", "cdk.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"version": "~> 5.100"`, `"aws_vpclattice_service"`, `"shop-checkout-green"`, `"path": "/ready"`, `role/storefront`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("example output lacks %s", want)
		}
	}
}
