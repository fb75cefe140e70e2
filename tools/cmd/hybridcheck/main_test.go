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
const good = `{"resource":{"aws_cloudwatch_log_group":{"g":{"name":"x","retention_in_days":30,"kms_key_id":"${aws_kms_key.logs-key.arn}"}}}}`

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
	writeStack(t, good, "app", `{"resource":{"aws_cloudwatch_log_group":{"g":{"name":"x","retention_in_days":30,"kms_key_id":"${aws_kms_key.logs-key.arn}"}}}}`)
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

// TestDiff runs the diff subcommand on the review package's fixtures: a
// destroyed bucket fails the review until it is acknowledged.
func TestDiff(t *testing.T) {
	base, head := "../../review/testdata/destroy/base", "../../review/testdata/destroy/head"
	var out, errOut bytes.Buffer
	if code := run([]string{"diff", base, head}, &out, &errOut); code != 1 {
		t.Fatalf("exit %d, want 1 (stderr %s)", code, errOut.String())
	}
	for _, want := range []string{"| app | 0 | 0 | 0 | 3 |", "**high**", "aws_s3_bucket.uploads_bucket_1", "prevent_destroy leaves with it", "<details>"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errOut.String(), "3 high-risk change(s) not acknowledged") {
		t.Errorf("stderr: %s", errOut.String())
	}
	// Acknowledge everything: exit 0, and the JSON says so.
	ack := filepath.Join(t.TempDir(), "review-ack.json")
	if err := os.WriteFile(ack, []byte(`{"acknowledgements":[{"stack":"app","addresses":["aws_s3_bucket.uploads_bucket_1","aws_s3_bucket_public_access_block.uploads_public-access_1","aws_db_instance.orders_db_1"],"classes":["data-loss","network-opened"],"reason":"the uploads feature is retired; data exported in change 40"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	errOut.Reset()
	jsonOut := filepath.Join(t.TempDir(), "review.json")
	if code := run([]string{"diff", "-format", "json", "-ack", ack, "-json-out", jsonOut, base, head}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d, want 0 (stderr %s)", code, errOut.String())
	}
	var rep struct {
		Unacknowledged int `json:"unacknowledged_high"`
		Findings       []struct {
			Acknowledged bool   `json:"acknowledged"`
			Address      string `json:"address"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Unacknowledged != 0 || len(rep.Findings) < 3 || !rep.Findings[0].Acknowledged {
		t.Errorf("report: %+v", rep)
	}
	written, _ := os.ReadFile(jsonOut)
	if string(written) != out.String() {
		t.Error("-json-out differs from the JSON on stdout")
	}
	// Usage errors.
	for _, args := range [][]string{{"diff", base}, {"diff", "-format", "xml", base, head}, {"diff", "-ack", "missing.json", base, head}, {"diff", base, filepath.Join(t.TempDir(), "missing")}} {
		out.Reset()
		errOut.Reset()
		if code := run(args, &out, &errOut); code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %s)", args, code, errOut.String())
		}
	}
}

func TestDiagramAndCost(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"diagram", "../../../__snapshots__", "imagepipeline"}, &out, &errOut); code != 0 || !strings.HasPrefix(out.String(), "flowchart LR\n") {
		t.Fatalf("diagram: exit %d, stderr %s, out %.200s", code, errOut.String(), out.String())
	}
	out.Reset()
	if code := run([]string{"cost", "../../../__snapshots__", "platform"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "EKS") {
		t.Fatalf("cost: exit %d, stderr %s, out %.300s", code, errOut.String(), out.String())
	}
	if code := run([]string{"diagram", "../../../__snapshots__", "nope"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), `has no stack "nope"`) {
		t.Errorf("unknown stack: exit %d, %s", code, errOut.String())
	}
}
