package catalog_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/pmezard/go-difflib/difflib"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridstack/hybridstack/stacks/base"
	"github.com/hybridstack/hybridstack/stacks/catalog"
	"github.com/hybridstack/hybridstack/tools/policy"
)

var update = flag.Bool("update", false, "rewrite the golden snapshots in __snapshots__/")

const snapshotDir = "../../__snapshots__"

// synth synthesizes the named stacks with s into a fresh directory and
// returns each stack's raw cdk.tf.json.
func synth(t testing.TB, s base.Settings, names ...string) map[string][]byte {
	t.Helper()
	selected, err := catalog.Select(names)
	require.NoError(t, err)
	dir := t.TempDir()
	_, err = catalog.Synth(dir, selected, catalog.Fixed(s))
	require.NoError(t, err)
	out := map[string][]byte{}
	for _, e := range selected {
		for _, name := range e.StackNames() {
			b, err := os.ReadFile(filepath.Join(dir, "stacks", name, "cdk.tf.json"))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte(dir)) {
				t.Errorf("%s: synthesized JSON contains the absolute output path %s", name, dir)
			}
			out[name] = b
		}
	}
	return out
}

// defaultDocs are every reference stack synthesized with the default
// settings, once per test binary (synthDefaults): the tests only read
// them.
var defaultDocs map[string][]byte

// synthDefaults returns every reference stack's raw cdk.tf.json,
// synthesized with the default settings.
func synthDefaults(t testing.TB) map[string][]byte {
	t.Helper()
	if defaultDocs == nil {
		defaultDocs = synth(t, base.Settings{}.WithDefaults())
	}
	return defaultDocs
}

func TestSnapshots(t *testing.T) {
	rewrite := *update || os.Getenv("UPDATE_SNAPSHOTS") == "1"
	if rewrite && os.Getenv("CI") == "true" {
		t.Fatal("snapshots are never rewritten in CI")
	}
	docs := synthDefaults(t)
	for _, name := range catalog.Names() {
		t.Run(name, func(t *testing.T) {
			got, err := catalog.Normalize(docs[name])
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(snapshotDir, name+".tf.json")
			if rewrite {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("rewrote %s", path)
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("no golden snapshot for %s (%v); run make snapshots and review the file", name, err)
			}
			if !bytes.Equal(got, want) {
				diff, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
					A: difflib.SplitLines(string(want)), B: difflib.SplitLines(string(got)),
					FromFile: path, ToFile: "synthesized", Context: 3,
				})
				t.Fatalf("%s differs from its golden snapshot; if the change is intended, run make snapshots and say in the commit what changed in the infrastructure:\n%s", name, diff)
			}
		})
	}
}

func TestSynthIsDeterministic(t *testing.T) {
	first := synthDefaults(t)
	second := synth(t, base.Settings{}.WithDefaults())
	for name, a := range first {
		if !bytes.Equal(a, second[name]) {
			t.Errorf("%s: two synth runs produced different bytes", name)
		}
	}
}

func TestEveryStackHasASnapshot(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(snapshotDir, "*.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, n := range catalog.Names() {
		known[n] = true
	}
	for _, f := range files {
		if name := strings.TrimSuffix(filepath.Base(f), ".tf.json"); !known[name] {
			t.Errorf("snapshot %s belongs to no reference stack; delete it", f)
		}
	}
}

func TestLocalBackendIsRelative(t *testing.T) {
	doc := synth(t, base.Settings{}.WithDefaults(), "platform")["platform"]
	var parsed struct {
		Terraform struct {
			Backend map[string]map[string]any `json:"backend"`
		} `json:"terraform"`
	}
	if err := json.Unmarshal(doc, &parsed); err != nil {
		t.Fatal(err)
	}
	assert.Equal(t, map[string]map[string]any{"local": {"path": "../../../terraform.platform.tfstate"}}, parsed.Terraform.Backend)
}

func TestS3Backend(t *testing.T) {
	env := map[string]string{
		base.EnvStateBucket: "acme-terraform-state",
		base.EnvStateRegion: "eu-central-1",
	}
	s, err := base.FromEnvironment(func(k string) (string, bool) { v, ok := env[k]; return v, ok }, nil)
	if err != nil {
		t.Fatal(err)
	}
	doc := synth(t, s, "platform")["platform"]
	var parsed struct {
		Terraform struct {
			Backend map[string]map[string]any `json:"backend"`
		} `json:"terraform"`
	}
	if err := json.Unmarshal(doc, &parsed); err != nil {
		t.Fatal(err)
	}
	assert.Equal(t, map[string]map[string]any{"s3": {
		"bucket": "acme-terraform-state", "key": "hybridstack/platform.tfstate",
		"region": "eu-central-1", "encrypt": true, "use_lockfile": true,
	}}, parsed.Terraform.Backend)
}

func TestInvalidSettingsWriteNothing(t *testing.T) {
	selected, _ := catalog.Select(nil)
	dir := filepath.Join(t.TempDir(), "out")
	_, err := catalog.Synth(dir, selected, catalog.Fixed(base.Settings{Region: "mars-north-1", StateBucket: "Bad_Bucket"}.WithDefaults()))
	if err == nil {
		t.Fatal("invalid settings were accepted")
	}
	for _, w := range []string{
		`stack "platform": Region (HYBRIDSTACK_REGION) "mars-north-1" is not an AWS Region name`,
		`stack "platform": StateBucket (HYBRIDSTACK_STATE_BUCKET) "Bad_Bucket" is not an S3 bucket name`,
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error\n%v\ndoes not contain\n%s", err, w)
		}
	}
	if _, statErr := os.Stat(dir); !os.IsNotExist(statErr) {
		entries, _ := os.ReadDir(dir)
		t.Errorf("output directory %s was written although synth failed: %v", dir, entries)
	}
}

func TestFromEnvironment(t *testing.T) {
	s, err := base.FromEnvironment(func(string) (string, bool) { return "", false }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Region != base.DefaultRegion || s.StateBucket != "" || s.StateRegion != base.DefaultRegion || s.StateKeyPrefix != "hybridstack" || s.Disposable {
		t.Errorf("defaults = %+v", s)
	}
	_, err = base.FromEnvironment(func(k string) (string, bool) { return "maybe", k == base.EnvDisposable }, nil)
	if err == nil || !strings.Contains(err.Error(), `HYBRIDSTACK_DISPOSABLE "maybe" is not a boolean`) {
		t.Errorf("bad boolean error = %v", err)
	}
}

func TestSelect(t *testing.T) {
	if _, err := catalog.Select([]string{"platform", "nope"}); err == nil || !strings.Contains(err.Error(), "unknown stack nope; known stacks: platform") {
		t.Errorf("Select error = %v", err)
	}
}

// TestReferenceStacksPassPolicy runs the rule pack on every reference stack:
// no unsuppressed errors, and every suppression carries a reason.
func TestReferenceStacksPassPolicy(t *testing.T) {
	docs := synthDefaults(t)
	for _, name := range catalog.Names() {
		findings, err := policy.Check(name, docs[name])
		require.NoError(t, err)
		for _, f := range findings {
			if f.Suppressed && strings.TrimSpace(f.SuppressionReason) == "" {
				t.Errorf("%s: %s on %s is suppressed without a reason", name, f.RuleID, f.Address)
			}
		}
		assert.NoError(t, policy.Err(findings), "stack %s", name)
	}
}

// TestPolicyErrorsStopSynth proves make synth refuses a stack the rule pack
// rejects, and writes nothing.
func TestPolicyErrorsStopSynth(t *testing.T) {
	bad := catalog.Entry{Name: "leaky", Build: func(scope constructs.Construct, s base.Settings) error {
		stack, err := base.NewStack(scope, "leaky", s)
		if err != nil {
			return err
		}
		cloudwatchloggroup.NewCloudwatchLogGroup(stack, jsii.String("forever"), &cloudwatchloggroup.CloudwatchLogGroupConfig{Name: jsii.String("/forever")})
		return nil
	}}
	dir := filepath.Join(t.TempDir(), "out")
	_, err := catalog.Synth(dir, []catalog.Entry{bad}, catalog.Fixed(base.Settings{}.WithDefaults()))
	if err == nil || !strings.Contains(err.Error(), "policy: leaky LOG-001: aws_cloudwatch_log_group.forever logs are kept forever; fix: set retention_in_days") {
		t.Fatalf("error = %v", err)
	}
	if _, statErr := os.Stat(dir); !os.IsNotExist(statErr) {
		t.Errorf("%s was written although the policy check failed", dir)
	}
}
