package catalog_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/policy"
	"github.com/hybridstack/hybridstack/stacks/base"
	"github.com/hybridstack/hybridstack/stacks/catalog"
)

// BenchmarkSynthInProcess synthesizes each reference stack in a process
// whose jsii runtime is already running: the marginal cost of a stack.
func BenchmarkSynthInProcess(b *testing.B) {
	for _, e := range catalog.Entries() {
		b.Run(e.Name, func(b *testing.B) {
			s := base.Settings{}.WithDefaults()
			for i := 0; i < b.N; i++ {
				dir := b.TempDir()
				if _, err := catalog.Synth(dir, []catalog.Entry{e}, catalog.Fixed(s)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkProcess runs whole processes, as make synth does: "bare" starts
// jsii, loads the AWS binding and synthesizes an empty stack; "platform"
// synthesizes the platform stack. platform/bare is the ratio to report.
func BenchmarkProcess(b *testing.B) {
	bin := b.TempDir()
	build := func(name, pkg string) string {
		out := filepath.Join(bin, name)
		cmd := exec.Command("go", "build", "-o", out, pkg)
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			b.Fatalf("building %s: %v", pkg, err)
		}
		return out
	}
	bare := build("bare", "./testdata/bare")
	app := build("hybridstack", "../..")
	run := func(b *testing.B, args func(dir string) []string) {
		for i := 0; i < b.N; i++ {
			dir := b.TempDir()
			a := args(dir)
			cmd := exec.Command(a[0], a[1:]...)
			cmd.Env = append(os.Environ(), "CDKTF_OUTDIR="+dir)
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("%v: %v\n%s", a, err, out)
			}
		}
	}
	b.Run("bare", func(b *testing.B) { run(b, func(dir string) []string { return []string{bare, dir} }) })
	for _, name := range catalog.Names() {
		b.Run(name, func(b *testing.B) {
			run(b, func(string) []string { return []string{app, "-stack", name} })
		})
	}
}

// BenchmarkPolicyCheck runs the rule pack over the largest reference stack;
// findings/s and resources/s are reported, and its ns/op compares with
// BenchmarkSynthInProcess for the same stack.
func BenchmarkPolicyCheck(b *testing.B) {
	largest, size := "", 0
	docs := map[string][]byte{}
	for _, e := range catalog.Entries() {
		dir := b.TempDir()
		if _, err := catalog.Synth(dir, []catalog.Entry{e}, catalog.Fixed(base.Settings{}.WithDefaults())); err != nil {
			b.Fatal(err)
		}
		doc, err := os.ReadFile(filepath.Join(dir, "stacks", e.Name, "cdk.tf.json"))
		if err != nil {
			b.Fatal(err)
		}
		docs[e.Name] = doc
		if n, _ := catalog.CountResources(doc); n > size {
			largest, size = e.Name, n
		}
	}
	run := func(name string, doc []byte) {
		b.Run(name, func(b *testing.B) {
			findings := 0
			for i := 0; i < b.N; i++ {
				f, err := policy.Check(largest, doc)
				if err != nil {
					b.Fatal(err)
				}
				findings += len(f)
			}
			b.ReportMetric(float64(size*b.N)/b.Elapsed().Seconds(), "resources/s")
			b.ReportMetric(float64(findings)/b.Elapsed().Seconds(), "findings/s")
		})
	}
	run(largest, docs[largest])
	// The same stack with its protections stripped, so that findings flow.
	run(largest+"-noncompliant", strip(b, docs[largest], "lifecycle", "retention_in_days", "tracing_config", "access_config", "redrive_policy"))
}

// strip removes the named attributes from every resource of a document.
func strip(b *testing.B, doc []byte, keys ...string) []byte {
	var d map[string]any
	if err := json.Unmarshal(doc, &d); err != nil {
		b.Fatal(err)
	}
	for _, byName := range d["resource"].(map[string]any) {
		for _, attrs := range byName.(map[string]any) {
			for _, k := range keys {
				delete(attrs.(map[string]any), k)
			}
		}
	}
	out, err := json.Marshal(d)
	if err != nil {
		b.Fatal(err)
	}
	return out
}
