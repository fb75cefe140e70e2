package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeStack(t *testing.T, dir, name, body string) {
	t.Helper()
	p := filepath.Join(dir, "stacks", name, "cdk.tf.json")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

const bad = `{"resource":{"aws_cloudwatch_log_group":{"g":{"name":"x"}},"aws_lambda_function":{"f":{"function_name":"f"}}}}`
const good = `{"resource":{"aws_cloudwatch_log_group":{"g":{"name":"x","retention_in_days":30}}}}`

func TestTableAndExitStatus(t *testing.T) {
	dir := t.TempDir()
	writeStack(t, dir, "app", bad)
	var out, errOut bytes.Buffer
	if code := run([]string{dir}, &out, &errOut); code != 1 {
		t.Fatalf("exit %d, want 1 (stderr %s)", code, errOut.String())
	}
	for _, want := range []string{"LOG-001", "aws_cloudwatch_log_group.g", "retention_in_days", "logs are kept forever", "LAM-001", "errors,"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
	good := t.TempDir()
	writeStack(t, good, "app", `{"resource":{"aws_cloudwatch_log_group":{"g":{"name":"x","retention_in_days":30}}}}`)
	out.Reset()
	if code := run([]string{good}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "0 errors, 0 warnings, 0 suppressed") {
		t.Errorf("clean stack: exit %d\n%s", code, out.String())
	}
	if code := run([]string{"-fail-on", "none", dir}, &out, &errOut); code != 0 {
		t.Errorf("-fail-on none: exit %d", code)
	}
}

func TestPlainTerraformDirectoryAndFormats(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf.json"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"-format", "json", dir}, &out, &errOut); code != 1 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var findings []map[string]any
	if err := json.Unmarshal(out.Bytes(), &findings); err != nil || len(findings) == 0 || findings[0]["stack"] != "main" {
		t.Fatalf("json = %s (%v)", out.String(), err)
	}
	out.Reset()
	run([]string{"-format", "sarif", dir}, &out, &errOut)
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []map[string]any `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(out.Bytes(), &sarif); err != nil || sarif.Version != "2.1.0" || len(sarif.Runs[0].Tool.Driver.Rules) < 30 || len(sarif.Runs[0].Results) == 0 {
		t.Fatalf("sarif = %s (%v)", out.String(), err)
	}
	if uri := sarif.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation.URI; !strings.HasSuffix(uri, "main.tf.json") {
		t.Errorf("sarif location = %s", uri)
	}
}

func TestUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(nil, &out, &errOut); code != 2 {
		t.Errorf("no args: exit %d", code)
	}
	if code := run([]string{t.TempDir()}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "holds no stacks") {
		t.Errorf("empty dir: exit %d, %s", code, errOut.String())
	}
	out.Reset()
	if code := run([]string{"-rules"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "| EKS-001 | error |") {
		t.Errorf("-rules: exit %d\n%s", code, out.String())
	}
}
