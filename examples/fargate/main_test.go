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
	b, err := os.ReadFile(filepath.Join(dir, "stacks", "fargate", "cdk.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"version": "~> 5.100"`, `"cron(30 2 * * ? *)"`, `"FARGATE_SPOT"`, `"Europe/Paris"`, `"ECSServiceAverageCPUUtilization"`,
		`"aws_apigatewayv2_vpc_link"`, `password::`, `\"readonlyRootFilesystem\":true`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("example output lacks %s", want)
		}
	}
}
