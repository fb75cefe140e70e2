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
	b, err := os.ReadFile(filepath.Join(dir, "stacks", "api-front-door", "cdk.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"version": "~> 5.100"`, `"route_key": "GET /health"`, `"authorization_type": "NONE"`, `"connection_type": "VPC_LINK"`, `"JWT"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("example output lacks %s", want)
		}
	}
}
