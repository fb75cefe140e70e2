package catalog_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/lambdacode"
	"github.com/hybridstack/hybridstack/stacks/base"
	"github.com/hybridstack/hybridstack/stacks/catalog"
	"github.com/hybridstack/hybridstack/stacks/imagepipeline"
	"github.com/hybridstack/hybridstack/tools/policy"
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

// BenchmarkProcess runs whole processes side by side, as make synth does,
// and reports each one's wall time as a ratio to "bare": a process that
// starts jsii, loads the AWS binding and synthesizes an empty stack (the
// fixed cost every synth pays). Every round runs, in a rotating order:
//
//	bare      testdata/bare
//	all       every stack in one process (make synth), warm zip cache
//	all-cold  the same with an empty zip cache (HYBRIDSTACK_CACHE_DIR), so
//	          every Lambda handler is built (the Go build cache stays warm)
//	<stack>   one stack per process (-stack), warm zip cache
//
// Metrics: <variant>/bare (ratio of the medians, which other load on the
// machine moves least) and <variant>-s (median seconds); a table printed
// after each run adds the means and the fastest runs. ns/op is one round.
// Performance is reported, never asserted: wall time depends on the
// machine and on what else runs on it.
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
	warm := b.TempDir()

	type variant struct {
		name  string
		args  func(out string) []string
		cache func() string
		times []time.Duration
	}
	warmCache := func() string { return warm }
	coldCache := func() string { return b.TempDir() }
	variants := []*variant{
		{name: "bare", args: func(out string) []string { return []string{bare, out} }, cache: warmCache},
		{name: "all", args: func(string) []string { return []string{app} }, cache: warmCache},
		{name: "all-cold", args: func(string) []string { return []string{app} }, cache: coldCache},
	}
	for _, name := range catalog.Names() {
		variants = append(variants, &variant{name: name, args: func(string) []string { return []string{app, "-stack", name} }, cache: warmCache})
	}
	run := func(v *variant) time.Duration {
		out := filepath.Join(b.TempDir(), "cdktf.out")
		a := v.args(out)
		cmd := exec.Command(a[0], a[1:]...)
		cmd.Env = append(os.Environ(), "CDKTF_OUTDIR="+out, lambdacode.CacheDirEnv+"="+v.cache())
		start := time.Now()
		output, err := cmd.CombinedOutput()
		d := time.Since(start)
		if err != nil {
			b.Fatalf("%s: %v: %v\n%s", v.name, a, err, output)
		}
		return d
	}
	// One untimed run of every stack fills the warm cache.
	run(variants[1])
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range variants {
			v := variants[(i+j)%len(variants)]
			v.times = append(v.times, run(v))
		}
	}
	b.StopTimer()

	mean := func(ds []time.Duration) float64 {
		var sum time.Duration
		for _, d := range ds {
			sum += d
		}
		return sum.Seconds() / float64(len(ds))
	}
	median := medianSeconds
	fastest := func(ds []time.Duration) float64 { return slices.Min(ds).Seconds() }
	bare0 := variants[0].times
	var table strings.Builder
	fmt.Fprintf(&table, "BenchmarkProcess: %d runs each, side by side\n%-28s %7s %7s %7s %9s %9s %9s\n",
		b.N, "variant", "mean s", "med s", "min s", "mean/bare", "med/bare", "min/bare")
	for _, v := range variants {
		m, md, f := mean(v.times), median(v.times), fastest(v.times)
		fmt.Fprintf(&table, "%-28s %7.2f %7.2f %7.2f %9.2f %9.2f %9.2f\n",
			v.name, m, md, f, m/mean(bare0), md/median(bare0), f/fastest(bare0))
		b.ReportMetric(md, v.name+"-s")
		if v != variants[0] {
			b.ReportMetric(md/median(bare0), v.name+"/bare")
		}
	}
	// Printed, not logged: the testing package cuts benchmark logs short.
	fmt.Print(table.String())
}

// BenchmarkBindingsStartup measures what loading the kubernetes and helm
// bindings adds to a process: testdata/barekube (bare plus both providers,
// so jsii loads their assemblies) against testdata/bare, run alternately.
// Metrics: kube/bare (ratio of the medians) and kube-extra-s (difference of
// the medians, in seconds; the goal is at most 1 s). Only programs that
// import the bindings pay it.
func BenchmarkBindingsStartup(b *testing.B) {
	dir := b.TempDir()
	var bins [2]string
	for i, pkg := range []string{"./testdata/bare", "./testdata/barekube"} {
		bins[i] = filepath.Join(dir, filepath.Base(pkg))
		cmd := exec.Command("go", "build", "-o", bins[i], pkg)
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			b.Fatalf("building %s: %v", pkg, err)
		}
	}
	var times [2][]time.Duration
	run := func(i int) {
		start := time.Now()
		if out, err := exec.Command(bins[i], filepath.Join(b.TempDir(), "out")).CombinedOutput(); err != nil {
			b.Fatalf("%s: %v\n%s", bins[i], err, out)
		}
		times[i] = append(times[i], time.Since(start))
	}
	run(0) // fills jsii's package cache for both
	run(1)
	times = [2][]time.Duration{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		run(i % 2)
		run((i + 1) % 2)
	}
	b.StopTimer()
	bare, kube := medianSeconds(times[0]), medianSeconds(times[1])
	b.ReportMetric(kube/bare, "kube/bare")
	b.ReportMetric(kube-bare, "kube-extra-s")
	fmt.Printf("BenchmarkBindingsStartup: %d runs each: bare %.2f s, bare+kubernetes+helm %.2f s (median): %.2fx, +%.2f s\n",
		b.N, bare, kube, kube/bare, kube-bare)
}

func medianSeconds(ds []time.Duration) float64 {
	s := slices.Sorted(slices.Values(ds))
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]).Seconds() / 2
	}
	return s[len(s)/2].Seconds()
}

// TestSynthWarnings: the warnings Synth reads from cdktf's manifest are the
// ones Warnings finds by walking the construct tree, each once and in tree
// order. No reference stack warns (the App Mesh variant, which did, is
// gone), so an entry of the test's own warns beside one that does not.
func TestSynthWarnings(t *testing.T) {
	warned := catalog.Entry{Name: "warned", Build: func(scope constructs.Construct, s base.Settings) error {
		stack, err := base.NewStack(scope, "warned", s)
		if err != nil {
			return err
		}
		for _, id := range []string{"first", "second", "third"} {
			c := constructs.NewConstruct(stack, jsii.String(id))
			cdktf.Annotations_Of(c).AddWarning(jsii.String("engine " + id + " is deprecated"))
			// The same message twice counts once.
			cdktf.Annotations_Of(c).AddWarning(jsii.String("shared warning"))
		}
		return nil
	}}
	plain, err := catalog.Select([]string{imagepipeline.Name})
	if err != nil {
		t.Fatal(err)
	}
	selected := append([]catalog.Entry{warned}, plain...)
	s := base.Settings{}.WithDefaults()
	results, err := catalog.Synth(t.TempDir(), selected, catalog.Fixed(s))
	if err != nil {
		t.Fatal(err)
	}
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(t.TempDir())})
	if err := catalog.Build(app, selected, s); err != nil {
		t.Fatal(err)
	}
	app.Synth()
	if len(results) != 2 {
		t.Fatalf("%d results, want warned and %s", len(results), imagepipeline.Name)
	}
	for _, r := range results {
		want := catalog.Warnings(app.Node().FindChild(jsii.String(r.Name)))
		if !slices.Equal(r.Warnings, want) {
			t.Errorf("%s: Synth gives warnings %q, the tree has %q", r.Name, r.Warnings, want)
		}
		if r.Name == "warned" && len(want) != 4 {
			t.Errorf("warned: the tree has warnings %q; want the three engines' and the shared one, once", want)
		}
		if r.Name == imagepipeline.Name && len(want) != 0 {
			t.Errorf("%s warns %q", r.Name, want)
		}
	}
}

// TestEntriesDeclareTheirCode keeps each entry's Code exact: the functions
// of its golden snapshot have the source_code_hash of exactly the code the
// entry declares, so Synth builds all of it ahead and nothing else.
func TestEntriesDeclareTheirCode(t *testing.T) {
	if testing.Short() {
		t.Skip("builds Go code")
	}
	for _, e := range catalog.Entries() {
		t.Run(e.Name, func(t *testing.T) {
			doc, err := os.ReadFile(filepath.Join(snapshotDir, e.Name+".tf.json"))
			if err != nil {
				t.Fatal(err)
			}
			var parsed struct {
				Resource struct {
					Functions map[string]struct {
						Filename       string `json:"filename"`
						SourceCodeHash string `json:"source_code_hash"`
					} `json:"aws_lambda_function"`
				} `json:"resource"`
			}
			if err := json.Unmarshal(doc, &parsed); err != nil {
				t.Fatal(err)
			}
			var used, declared []string
			for _, f := range parsed.Resource.Functions {
				if f.Filename != "" {
					used = append(used, f.SourceCodeHash)
				}
			}
			for _, c := range e.Code {
				h, err := c.Hash("")
				if err != nil {
					t.Fatal(err)
				}
				declared = append(declared, h)
			}
			slices.Sort(used)
			slices.Sort(declared)
			if !slices.Equal(slices.Compact(used), declared) {
				t.Errorf("the functions use code with hashes %v; Code declares %v: update the entry's Code", used, declared)
			}
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
