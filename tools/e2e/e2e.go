package main

import (
	"context"

	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// stackResult is what one stack's run produced.
type stackResult struct {
	Name      string
	Total     int // resources in the configuration
	Targets   int
	LeftOut   []Exclusion
	Applied   int
	Plan      string // "no changes", "no changes (N listed emulator diffs ignored)", "CHANGES", "-"
	Destroyed int
	Forgotten int // undeletable resources dropped from the state
	Phases    []phase
	Failures  []string
	Notes     []string
	Duration  time.Duration
	// Skipped says why the stack was not applied (providers the mirror
	// lacks); "" when it ran.
	Skipped string
}

type phase struct {
	Name     string
	Duration time.Duration
}

func (r *stackResult) ok() bool { return len(r.Failures) == 0 }

// status is the stack's result: OK, FAILED or SKIPPED. A skipped stack is
// never OK: nothing of it was tested.
func (r *stackResult) status() string {
	switch {
	case !r.ok():
		return "FAILED"
	case r.Skipped != "":
		return "SKIPPED"
	}
	return "OK"
}

func (r *stackResult) fail(format string, args ...any) {
	r.Failures = append(r.Failures, fmt.Sprintf(format, args...))
}

// runner holds what every stack's run shares.
type runner struct {
	tf        *Terraform
	emu       *Emulator
	gaps      *GapsFile
	work      string
	keep      bool
	mirror    string
	skipped   map[string]bool // stacks not applied: providers the mirror lacks
	endpoints []string        // the provider's endpoint names, read once
	matched   map[int]bool    // gaps that matched something in a stack
	observed  map[int]bool    // perpetual-diff gaps whose diff a plan showed
	// clusterBin holds etcd, kube-apiserver and kube-controller-manager
	// ("" with -kube=false); cluster is the control plane of the group
	// being run, nil between groups.
	clusterBin string
	cluster    *Cluster
	// chartURL serves the chart mirror ("" with registry access).
	chartURL                 string
	podsChecked, podsRefused int
	// missingOutputs are, per stack run, the outputs whose resource was
	// left out (output -> resource).
	missingOutputs map[string]map[string]string
}

func e2eMain(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("e2e", flag.ContinueOnError)
	var c common
	c.flags(fs, 20*time.Minute)
	gapsPath := fs.String("gaps", "tools/e2e/emulator-gaps.json", "the emulator gaps file")
	keep := fs.Bool("keep", false, "keep each stack's working copy under .e2e/run (state, plan, override files)")
	moto := fs.String("emulator", "moto_server", "the moto_server command")
	goCmd := fs.String("go", envOr("GO", "go"), "the go command, for the synth")
	var k kubeFlags
	k.flags(fs)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: go run ./tools/e2e [run] [flags]        apply, plan, judge the pods and destroy every stack (make e2e)
       go run ./tools/e2e validate [flags]     terraform validate every stack in cdktf.out (make validate)
       go run ./tools/e2e plan -base DIR -head DIR -out FILE [flags]
                                                 Terraform's actions for a change, against moto (make review)
(tools/e2e/README.md; validate -h and plan -h list their flags)
flags of run:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	start := time.Now()
	root, err := findRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: FAILED:", err)
		return 1
	}
	if c.netns && !InNetns() {
		// Build before entering the namespace: it reads the module proxy.
		if err := k.prepare(ctx, *goCmd, root, filepath.Join(root, ".e2e", "logs")); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: FAILED:", err)
			return 1
		}
		return ReexecInNetns(ctx, "run", append(append([]string{}, args...), k.args()...))
	}
	if code, done := c.enterNetns(ctx, "run", args); done {
		return code
	}
	if !c.netns {
		if err := k.prepare(ctx, *goCmd, root, filepath.Join(root, ".e2e", "logs")); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: FAILED:", err)
			return 1
		}
	}
	logs := filepath.Join(root, ".e2e", "logs", "e2e")
	_ = os.RemoveAll(logs)
	if err := os.MkdirAll(logs, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: FAILED:", err)
		return 1
	}
	tf, err := c.setup(ctx, "")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: FAILED:", err)
		return 1
	}
	motoPath, err := exec.LookPath(*moto)
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: FAILED: %s is not on PATH: install moto's server (pip install 'moto[server]==5.2.1') or pass -emulator\n", *moto)
		return 1
	}
	gp := *gapsPath
	if !filepath.IsAbs(gp) {
		gp = filepath.Join(c.root, gp)
	}
	gaps, err := LoadGaps(gp)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: FAILED: gaps file:", err)
		return 1
	}

	// Synthesize, disposable, into our own directory.
	synthDir := filepath.Join(c.work, "synth")
	t0 := time.Now()
	if err := synth(ctx, *goCmd, c.root, synthDir, c.stacks, filepath.Join(logs, "synth.log")); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: FAILED:", err)
		return 1
	}
	synthTime := time.Since(t0)
	names, err := stackDirs(synthDir, c.stacks)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: FAILED:", err)
		return 1
	}
	fmt.Printf("synth: %d stacks (HYBRIDSTACK_DISPOSABLE=1) in %s\n", len(names), round(synthTime))
	if c.stacks == "" {
		if err := gaps.CheckStacks(names); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: FAILED: gaps file:", err)
			return 1
		}
	}

	t0 = time.Now()
	emu, err := StartEmulator(ctx, motoPath, filepath.Join(logs, "emulator.log"), 90*time.Second)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: FAILED: emulator:", err)
		return 1
	}
	defer func() {
		if err := emu.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: stopping the emulator:", err)
		}
	}()
	fmt.Printf("emulator: %s (moto_server, managed IAM policies loaded) up in %s\n", emu.URL, round(time.Since(t0)))

	r := &runner{tf: tf, emu: emu, gaps: gaps, work: c.work, keep: *keep, mirror: c.mirror, skipped: map[string]bool{}, matched: map[int]bool{}, observed: map[int]bool{},
		clusterBin: k.bin, missingOutputs: map[string]map[string]string{}}
	if k.charts != "" {
		cs, err := StartChartServer(k.charts)
		if err != nil {
			fmt.Fprintln(os.Stderr, "e2e: FAILED: chart mirror:", err)
			return 1
		}
		defer cs.Stop()
		r.chartURL = cs.URL
		fmt.Printf("charts: the chart mirror %s served on %s\n", k.charts, cs.URL)
	}
	groups, err := stackGroups(synthDir, names)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: FAILED:", err)
		return 1
	}
	var results []*stackResult
	for _, g := range groups {
		if ctx.Err() != nil {
			break
		}
		results = append(results, r.group(ctx, g, synthDir, logs)...)
		if err := emu.Reset(); err != nil && ctx.Err() == nil && len(results) > 0 {
			results[len(results)-1].fail("emulator reset after the group: %v", err)
		}
	}
	if r.podsChecked > 0 || r.clusterBin != "" {
		fmt.Printf("\npod check: %d workload objects judged, %d refused by admission\n", r.podsChecked, r.podsRefused)
	}
	code := printSummary(os.Stdout, results, time.Since(start), synthTime, c.mirror, c.strict)
	if c.stacks == "" && ctx.Err() == nil {
		r.printStaleGaps()
	}
	if ctx.Err() != nil {
		fmt.Println("e2e: INTERRUPTED")
		return 130
	}
	return code
}

// stackGroups reads which stacks read which others' state and orders them
// into groups (Groups).
func stackGroups(synthDir string, names []string) ([][]string, error) {
	deps := map[string][]string{}
	for _, n := range names {
		cfg, err := LoadConfig(filepath.Join(synthDir, "stacks", n, "cdk.tf.json"))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		rs, err := cfg.RemoteStates()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		for _, s := range rs {
			deps[n] = appendUnique(deps[n], s)
		}
	}
	return Groups(names, deps)
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// synth runs the cdktf app (go run ./stacks) with HYBRIDSTACK_DISPOSABLE=1 and the
// default local backend, writing to outdir.
func synth(ctx context.Context, goCmd, root, outdir, stacks, logPath string) error {
	if err := os.RemoveAll(outdir); err != nil {
		return err
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "HYBRIDSTACK_STATE_") || k == "CDKTF_OUTDIR" || k == "STACK" || k == "HYBRIDSTACK_DISPOSABLE" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "HYBRIDSTACK_DISPOSABLE=1", "CDKTF_OUTDIR="+outdir)
	args := []string{"run", "./stacks"}
	if stacks != "" {
		args = append(args, "-stack", stacks)
	}
	out, code, _, _, err := runGroup(ctx, 15*time.Minute, root, env, logPath, goCmd, args...)
	if err != nil || code != 0 {
		return fmt.Errorf("synth (%s %s) failed (%s):\n%s", goCmd, strings.Join(args, " "), orExit(err, code), indent(strings.TrimSpace(out), "    "))
	}
	return nil
}

// stackRun is one stack's working copy between its apply and its destroy.
type stackRun struct {
	name      string
	dir       string
	cfg       *Config
	sg        StackGaps
	targets   []string
	targetArg []string
	res       *stackResult
	start     time.Time
	applied   bool
	// cleanup removes the working copy (unless -keep).
	cleanup func()
}

// step runs one terraform command in the stack's copy and records it.
func (r *runner) step(ctx context.Context, st *stackRun, label string, args ...string) (Result, bool) {
	out, err := r.tf.Run(ctx, st.dir, args...)
	st.res.Phases = append(st.res.Phases, phase{label, out.Duration})
	if err != nil {
		st.res.fail("%s: %v (log: %s)", label, err, out.Log)
		printStep(label, "FAILED", err.Error(), out.Duration)
		return out, false
	}
	return out, true
}

// up runs the first half of a stack: copy, override, init, apply, plan.
// It returns the run, also when it failed (destroy what was applied), or
// nil when there is nothing to destroy.
func (r *runner) up(ctx context.Context, name, src string, states map[string]string) (*stackRun, *stackResult) {
	res := &stackResult{Name: name, Plan: "-"}
	st := &stackRun{name: name, res: res, start: time.Now(), cleanup: func() {}}
	fmt.Printf("\n== %s\n", name)

	// Providers the mirror lacks cannot be installed (no registry access
	// assumed): terraform init would fail for the machine's reason, not
	// the stack's. Not applied, reported by name (providers.go).
	missing, err := StackMissingProviders(src, r.mirror)
	if err != nil {
		res.fail("read the required providers: %v", err)
		return nil, res
	}
	if len(missing) > 0 {
		res.Skipped = SkippedReason(r.mirror, missing)
		r.skipped[name] = true
		fmt.Printf("   SKIPPED %s: %s\n", name, res.Skipped)
		return nil, res
	}

	cfg, err := LoadConfig(filepath.Join(src, "cdk.tf.json"))
	if err != nil {
		res.fail("read configuration: %v", err)
		return nil, res
	}
	st.cfg = cfg
	sg := r.gaps.ForStack(name, cfg)
	st.sg = sg
	for _, i := range sg.Matched {
		r.matched[i] = true
	}
	// What reads an output its stack could not produce (the resource
	// behind it was left out there) is left out here too.
	cross, err := cfg.UsesMissingOutputs(r.missingOutputs)
	if err != nil {
		res.fail("read the remote states: %v", err)
		return nil, res
	}
	for a, why := range cross {
		sg.Unsupported[a] = Gap{Kind: KindUnsupported, Operation: why}
		sg.Uses[a] = why
	}
	targets, excluded := cfg.Targets(sg.GappedSet())
	left := map[string]bool{}
	for _, e := range excluded {
		left[e.Address] = true
	}
	r.missingOutputs[name] = cfg.MissingOutputs(left)
	res.Total, res.Targets, res.LeftOut = len(cfg.Resources), len(targets), excluded
	for _, g := range sg.Unmatched {
		res.Notes = append(res.Notes, fmt.Sprintf("gap for %s matches nothing in this stack: remove it from the gaps file if it is stale", g.Resource))
	}
	printTargets(res, sg)
	if len(targets) == 0 {
		res.fail("every resource is left out by the gaps: nothing to test")
		return nil, res
	}
	st.targets, st.targetArg = targets, TargetArgs(targets)
	if cfg.NeedsCluster() && r.cluster == nil {
		res.fail("the stack talks to a Kubernetes API server and no local control plane is running (-kube=false?)")
		return nil, res
	}

	// A throwaway copy: the synthesized directory is never touched.
	runs := filepath.Join(r.work, "run")
	if err := os.MkdirAll(runs, 0o755); err != nil {
		res.fail("%v", err)
		return nil, res
	}
	dir, err := os.MkdirTemp(runs, name+"-")
	if err != nil {
		res.fail("%v", err)
		return nil, res
	}
	st.dir = dir
	if !r.keep {
		st.cleanup = func() { os.RemoveAll(dir) }
	}
	if err := copyDir(src, dir); err != nil {
		res.fail("copy the stack: %v", err)
		st.cleanup()
		return nil, res
	}
	writeOverride := func() error {
		o, err := EmulatorOverride(r.emu.URL, r.endpoints, cfg.AWSProviderAliases())
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, EmulatorOverrideFile), o, 0o644); err != nil {
			return err
		}
		if !cfg.NeedsCluster() && len(cfg.Data) == 0 {
			return nil
		}
		if _, err := cfg.RemoteStates(); err != nil {
			return err
		}
		if !cfg.NeedsCluster() {
			return nil
		}
		k, err := ClusterOverride(cfg, r.cluster, states, r.chartURL, sg)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, ClusterOverrideFile), k, 0o644)
	}
	if err := writeOverride(); err != nil { // the backend must be in place for init
		res.fail("write override: %v", err)
		st.cleanup()
		return nil, res
	}

	// init
	init, ok := r.step(ctx, st, "init", "init", "-input=false", "-no-color")
	if !ok {
		st.cleanup()
		return nil, res
	}
	if init.ExitCode != 0 {
		msg := "terraform init failed"
		if h := installHint(init.Output); h != "" {
			msg += ": " + h
		}
		res.fail("%s (log: %s)", msg, init.Log)
		printStep("init", "FAILED", "", init.Duration)
		fmt.Println(indent(strings.TrimSpace(init.Output), "      | "))
		st.cleanup()
		return nil, res
	}
	printStep("init", "ok", "", init.Duration)
	if r.endpoints == nil {
		schema, ok := r.step(ctx, st, "schema", "providers", "schema", "-json")
		if !ok {
			st.cleanup()
			return nil, res
		}
		eps, err := EndpointNames([]byte(schema.Output))
		if err != nil || schema.ExitCode != 0 {
			res.fail("read the AWS provider's endpoint names: %v (log: %s)", orExit(err, schema.ExitCode), schema.Log)
			st.cleanup()
			return nil, res
		}
		r.endpoints = eps
		fmt.Printf("   %-8s %d service endpoints of the AWS provider point at the emulator\n", "override", len(eps))
	}
	if err := writeOverride(); err != nil {
		res.fail("write override: %v", err)
		st.cleanup()
		return nil, res
	}

	// apply
	apply, ok := r.step(ctx, st, "apply", append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, st.targetArg...)...)
	applied := ok && apply.ExitCode == 0
	res.Applied = AppliedCount(apply.Output)
	if res.Applied < 0 { // failed or stopped: count what was created
		res.Applied = strings.Count(apply.Output, ": Creation complete after ")
	}
	if ok {
		if applied {
			printStep("apply", "ok", fmt.Sprintf("%d added", res.Applied), apply.Duration)
		} else {
			printStep("apply", "FAILED", fmt.Sprintf("%d added before the errors", res.Applied), apply.Duration)
			blocks := ErrorBlocks(apply.Output)
			for _, b := range blocks {
				fmt.Println(indent(b, "      | "))
				fmt.Println("      |")
			}
			res.fail("apply failed with %d errors (log: %s)", len(blocks), apply.Log)
		}
	}
	if ctx.Err() != nil {
		return st, res
	}
	if applied {
		st.applied = true
		r.checkState(ctx, dir, targets, res)
		r.removeAfterApply(ctx, st)
		r.plan(ctx, dir, cfg, sg, targets, st.targetArg, res, func(label string, args ...string) (Result, bool) {
			return r.step(ctx, st, label, args...)
		})
	}
	return st, res
}

// removeAfterApply deletes the objects the stack's remove-after-apply gaps
// name (webhooks and aggregated APIs the local cluster cannot serve).
func (r *runner) removeAfterApply(ctx context.Context, st *stackRun) {
	if len(st.sg.Remove) == 0 || r.cluster == nil {
		return
	}
	var addrs []string
	for a := range st.sg.Remove {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	for _, a := range addrs {
		for _, path := range st.sg.Remove[a] {
			if err := r.cluster.DeleteObject(ctx, path); err != nil {
				st.res.fail("remove-after-apply gap of %s: %v", a, err)
				continue
			}
			fmt.Printf("      removed (cluster gap): %s  [installed by %s]\n", path, a)
		}
	}
}

// stripFinalizers removes, before the stack's destroy, the finalizers its
// strip-finalizers gaps name (their controllers never run here).
func (r *runner) stripFinalizers(ctx context.Context, st *stackRun) {
	if r.cluster == nil {
		return
	}
	for _, g := range st.sg.Strip {
		for _, coll := range g.Objects {
			changed, err := r.cluster.StripFinalizers(ctx, coll, g.Finalizers)
			if err != nil {
				st.res.fail("strip-finalizers gap (%s): %v", coll, err)
				continue
			}
			for _, c := range changed {
				fmt.Printf("      finalizer %s removed (cluster gap): %s\n", strings.Join(g.Finalizers, ", "), c)
			}
		}
	}
}

// down destroys what up applied and checks the state is empty.
func (r *runner) down(ctx context.Context, st *stackRun) {
	defer st.cleanup()
	res := st.res
	defer func() { res.Duration += time.Since(st.start) }()
	fmt.Printf("\n== %s (destroy)\n", st.name)
	// Resources the emulator cannot delete leave the state before destroy.
	if len(st.sg.Undeletable) > 0 {
		if list, ok := r.step(ctx, st, "state", "state", "list"); ok && list.ExitCode == 0 {
			var forget []string
			for _, a := range ManagedInState(list.Output) {
				if _, ok := st.sg.Undeletable[a]; ok {
					forget = append(forget, a)
				}
			}
			if len(forget) > 0 {
				rm, ok := r.step(ctx, st, "state rm", append([]string{"state", "rm", "-no-color"}, forget...)...)
				if ok && rm.ExitCode == 0 {
					res.Forgotten = len(forget)
				} else {
					res.fail("terraform state rm of the undeletable resources failed (log: %s)", rm.Log)
				}
			}
		}
	}

	r.stripFinalizers(ctx, st)

	// destroy
	destroy, ok := r.step(ctx, st, "destroy", append([]string{"destroy", "-auto-approve", "-input=false", "-no-color"}, st.targetArg...)...)
	if ok {
		res.Destroyed = DestroyedCount(destroy.Output)
		if destroy.ExitCode == 0 {
			detail := fmt.Sprintf("%d destroyed", res.Destroyed)
			if res.Forgotten > 0 {
				detail += fmt.Sprintf(", %d left in the emulator (undeletable there)", res.Forgotten)
			}
			printStep("destroy", "ok", detail, destroy.Duration)
		} else {
			printStep("destroy", "FAILED", "", destroy.Duration)
			blocks := ErrorBlocks(destroy.Output)
			for _, b := range blocks {
				fmt.Println(indent(b, "      | "))
				fmt.Println("      |")
			}
			res.fail("destroy failed with %d errors (log: %s)", len(blocks), destroy.Log)
		}
		if list, ok := r.step(ctx, st, "state", "state", "list"); ok && list.ExitCode == 0 {
			if left := ManagedInState(list.Output); len(left) > 0 {
				res.fail("%d resources still in the state after destroy: %s", len(left), abbreviate(left, 10))
			}
		}
	}
	for _, n := range res.Notes {
		fmt.Println("   note:", n)
	}
	fmt.Printf("   %-8s %s\n", "result", res.status())
	for _, f := range res.Failures {
		fmt.Println("     -", f)
	}
}

// group runs stacks that read each other's state (an AWS stack, its
// -addons, its -workloads or -tenants) in order: each is applied and
// planned, the pods of the cluster are judged, and they are destroyed in
// reverse order. A stack after a failed one is not applied (it would read
// an incomplete state) and fails with that reason.
func (r *runner) group(ctx context.Context, group []string, synthDir, logs string) []*stackResult {
	var results []*stackResult
	var runs []*stackRun
	states := map[string]string{}
	needsCluster := false
	for _, name := range group {
		if cfg, err := LoadConfig(filepath.Join(synthDir, "stacks", name, "cdk.tf.json")); err == nil && cfg.NeedsCluster() {
			needsCluster = true
		}
	}
	if needsCluster && r.clusterBin != "" {
		t0 := time.Now()
		stateDir, err := os.MkdirTemp(r.work, "cluster-")
		var cl *Cluster
		if err == nil {
			cl, err = StartCluster(ctx, r.clusterBin, stateDir, filepath.Join(logs, "cluster-"+group[0]), 2*time.Minute)
		}
		if err != nil {
			fmt.Printf("\ncluster: FAILED to start for %s: %v\n", strings.Join(group, ", "), err)
			for _, name := range group {
				res := &stackResult{Name: name, Plan: "-"}
				res.fail("start the local Kubernetes control plane: %v", err)
				results = append(results, res)
			}
			return results
		}
		r.cluster = cl
		fmt.Printf("\ncluster: Kubernetes %s (etcd, kube-apiserver, kube-controller-manager) on %s up in %s, for %s\n", KubeVersion, cl.Host, round(time.Since(t0)), strings.Join(group, ", "))
		defer func() {
			cl.Stop()
			r.cluster = nil
		}()
	}
	failedAt := ""
	for _, name := range group {
		if ctx.Err() != nil {
			break
		}
		if failedAt != "" {
			res := &stackResult{Name: name, Plan: "-"}
			res.fail("not applied: %s, whose state it reads, failed", failedAt)
			fmt.Printf("\n== %s\n   not applied: %s failed\n", name, failedAt)
			results = append(results, res)
			continue
		}
		r.tf.LogDir = filepath.Join(logs, name)
		r.tf.seq = 0
		st, res := r.up(ctx, name, filepath.Join(synthDir, "stacks", name), states)
		results = append(results, res)
		if st != nil {
			runs = append(runs, st)
			states[name] = filepath.Join(st.dir, StateFile)
		}
		if !res.ok() || res.Skipped != "" {
			failedAt = name
		}
	}
	if r.cluster != nil && ctx.Err() == nil && len(runs) > 0 {
		r.checkPods(ctx, group, runs)
	}
	for i := len(runs) - 1; i >= 0; i-- {
		if ctx.Err() != nil {
			break
		}
		r.tf.LogDir = filepath.Join(logs, runs[i].name)
		r.down(ctx, runs[i])
	}
	return results
}

// checkPods judges every workload in the cluster after the group applied
// and fails the stack that made each refused one (the last stack of the
// group when it cannot tell: a chart's objects belong to its release).
func (r *runner) checkPods(ctx context.Context, group []string, runs []*stackRun) {
	t0 := time.Now()
	ws, err := r.cluster.CheckPods(ctx, 60*time.Second)
	last := runs[len(runs)-1].res
	if err != nil {
		last.fail("pod check: %v", err)
		return
	}
	refused := 0
	fmt.Printf("\n== pod check (%s): %d workload objects judged by admission in %s\n", strings.Join(group, ", "), len(ws), round(time.Since(t0)))
	for _, w := range ws {
		status := "admitted"
		if w.Refused != "" {
			status = "REFUSED"
			refused++
		}
		detail := "a pod from its template, dryRun=All"
		if w.How == "pods" {
			detail = fmt.Sprintf("%d/%d pods created", w.Have, w.Want)
		}
		if w.Owner != "" {
			detail += ", made by " + w.Owner
		}
		fmt.Printf("   %-9s %-60s %s\n", status, w.String(), detail)
		if w.Refused != "" {
			fmt.Println(indent(w.Refused, "      | "))
		}
	}
	r.podsChecked += len(ws)
	if refused == 0 {
		return
	}
	r.podsRefused += refused
	// Each refusal fails the stack that made the workload's namespace (a
	// kubernetes_namespace_v1 or a helm_release's namespace), else the
	// group's last stack.
	owner := map[string]*stackResult{}
	for _, st := range runs {
		for _, ns := range st.cfg.Namespaces() {
			if _, ok := owner[ns]; !ok {
				owner[ns] = st.res
			}
		}
	}
	count := map[*stackResult][]string{}
	var order []*stackResult
	for _, w := range ws {
		if w.Refused == "" {
			continue
		}
		res := owner[w.Namespace]
		if res == nil {
			res = last
		}
		if _, ok := count[res]; !ok {
			order = append(order, res)
		}
		name := w.String()
		if w.Owner != "" {
			name += " (" + w.Owner + ")"
		}
		count[res] = append(count[res], name)
	}
	for _, res := range order {
		res.fail("pod check: admission refused the pods of %d workload objects: %s (listed under == pod check)", len(count[res]), abbreviate(count[res], 5))
	}
}

// checkState compares the managed resources in the state with the targets.
func (r *runner) checkState(ctx context.Context, dir string, targets []string, res *stackResult) {
	list, err := r.tf.Run(ctx, dir, "state", "list")
	if err != nil || list.ExitCode != 0 {
		res.fail("terraform state list failed: %v", orExit(err, list.ExitCode))
		return
	}
	inState := map[string]bool{}
	for _, a := range ManagedInState(list.Output) {
		// count/for_each instances: aws_x.y[0] belongs to aws_x.y
		if i := strings.IndexByte(a, '['); i > 0 {
			a = a[:i]
		}
		inState[a] = true
	}
	var missing []string
	for _, t := range targets {
		if !inState[t] {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		res.fail("apply succeeded but %d targeted resources are not in the state: %s", len(missing), abbreviate(missing, 10))
	}
}

// plan checks that a plan right after apply has no changes. Diffs listed
// as perpetual-diff gaps are ignored through lifecycle.ignore_changes in
// a second override, written for this check only; any other change fails.
func (r *runner) plan(ctx context.Context, dir string, cfg *Config, sg StackGaps, targets, targetArgs []string, res *stackResult,
	step func(string, ...string) (Result, bool)) {
	const planFile = "e2e.tfplan"
	p1, ok := step("plan", append([]string{"plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false", "-out=" + planFile}, targetArgs...)...)
	if !ok {
		return
	}
	targeted := map[string]bool{}
	for _, t := range targets {
		targeted[t] = true
	}
	ignore := map[string][]string{}
	for a, attrs := range sg.Ignore {
		if targeted[a] {
			ignore[a] = attrs
		}
	}
	switch p1.ExitCode {
	case 0:
		res.Plan = "no changes"
		printStep("plan", "ok", "no changes", p1.Duration)
		return
	case 2:
	default:
		res.Plan = "ERROR"
		printStep("plan", "FAILED", "", p1.Duration)
		for _, b := range ErrorBlocks(p1.Output) {
			fmt.Println(indent(b, "      | "))
		}
		res.fail("plan after apply failed (log: %s)", p1.Log)
		return
	}
	// Changes: say which are the emulator's (listed) and which are not.
	var changes []PlanChange
	if show, ok := step("show", "show", "-json", planFile); ok && show.ExitCode == 0 {
		var err error
		if changes, err = ParsePlanChanges([]byte(show.Output)); err != nil {
			res.fail("read the plan: %v", err)
		}
	}
	// Only the listed attributes of the resources that showed a change
	// are ignored for the second plan.
	used := map[string][]string{}
	var listed, other []PlanChange
	for _, c := range changes {
		if attrs := ignore[c.Address]; len(attrs) > 0 {
			used[c.Address] = attrs
		}
		for _, g := range sg.IgnoreGaps[c.Address] {
			for _, p := range c.Paths {
				if Covered(p, g.Attributes) {
					r.observed[g.index] = true
				}
			}
		}
		if c.Explained(ignore) {
			listed = append(listed, c)
		} else {
			other = append(other, c)
		}
	}
	printStep("plan", "changes", fmt.Sprintf("%d resources: %d listed emulator diffs, %d other", len(changes), len(listed), len(other)), p1.Duration)
	for _, c := range listed {
		fmt.Println("      listed emulator diff:", c)
	}
	for _, c := range other {
		if len(c.Paths) == 0 && c.Unknown {
			fmt.Println("      follows from those:  ", c)
		} else {
			fmt.Println("      other change:        ", c)
		}
	}
	if len(used) == 0 {
		res.Plan = "CHANGES"
		fmt.Println(indent(PlanActions(p1.Output), "      | "))
		res.fail("the plan after apply wants changes (a perpetual diff): %s (log: %s)", changeList(changes), p1.Log)
		return
	}
	ignore = used
	o, err := IgnoreOverride(cfg, ignore)
	if err != nil {
		res.fail("write ignore override: %v", err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, IgnoreOverrideFile), o, 0o644); err != nil {
		res.fail("write ignore override: %v", err)
		return
	}
	p2, ok := step("plan", append([]string{"plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false"}, targetArgs...)...)
	if !ok {
		return
	}
	switch p2.ExitCode {
	case 0:
		res.Plan = fmt.Sprintf("no changes (%d listed ignored)", len(ignore))
		printStep("plan", "ok", fmt.Sprintf("no changes once the listed attributes of those %d resources are ignored", len(ignore)), p2.Duration)
	case 2:
		res.Plan = "CHANGES"
		printStep("plan", "FAILED", "changes remain with the listed emulator diffs ignored", p2.Duration)
		fmt.Println(indent(PlanActions(p2.Output), "      | "))
		res.fail("the plan after apply wants changes beyond the listed emulator diffs (a perpetual diff) (log: %s)", p2.Log)
	default:
		res.Plan = "ERROR"
		printStep("plan", "FAILED", "", p2.Duration)
		for _, b := range ErrorBlocks(p2.Output) {
			fmt.Println(indent(b, "      | "))
		}
		res.fail("plan with the listed emulator diffs ignored failed (log: %s)", p2.Log)
	}
}

func changeList(cs []PlanChange) string {
	var s []string
	for _, c := range cs {
		s = append(s, c.String())
	}
	return strings.Join(s, "; ")
}

// printStaleGaps lists, after a run of every stack, the gaps that matched
// nothing and the perpetual diffs no plan showed: candidates for removal.
func (r *runner) printStaleGaps() {
	for i, g := range r.gaps.Gaps {
		if r.skipped[g.Stack] {
			continue // its stack did not run: nothing could match
		}
		switch {
		case !r.matched[i]:
			fmt.Printf("note: gap %d (%s %s) matches nothing in any stack: remove it if it is stale\n", i, g.Kind, g.Resource)
		case g.Kind == KindPerpetualDiff && !r.observed[i]:
			fmt.Printf("note: gap %d (perpetual-diff %s: %s) did not show in any plan: remove it if the emulator or the stacks changed\n", i, g.Resource, strings.Join(g.Attributes, ", "))
		}
	}
}

func printStep(label, status, detail string, d time.Duration) {
	line := fmt.Sprintf("   %-8s %-7s %8s", label, status, round(d))
	if detail != "" {
		line += "  " + detail
	}
	fmt.Println(line)
}

// printTargets prints what is applied and what the gaps leave out.
func printTargets(res *stackResult, sg StackGaps) {
	fmt.Printf("   %-8s %d of %d resources; %d left out (emulator gaps)\n", "targets", res.Targets, res.Total, len(res.LeftOut))
	for _, e := range res.LeftOut {
		if e.Address == e.Gap {
			g := sg.Unsupported[e.Gap]
			if ref, ok := sg.Uses[e.Address]; ok {
				if strings.HasPrefix(ref, "output ") {
					fmt.Printf("      left out: %s  [reads %s, left out there]\n", e.Address, ref)
					continue
				}
				fmt.Printf("      left out: %s  [uses %s, which the emulator does not return]\n", e.Address, ref)
				continue
			}
			fmt.Printf("      left out: %s  [gap: %s]\n", e.Address, gapLabel(g))
			continue
		}
		fmt.Printf("      left out: %s  [needs %s]\n", e.Address, strings.Join(e.Via[1:], " -> "))
	}
	var und []string
	for a := range sg.Undeletable {
		und = append(und, a)
	}
	sort.Strings(und)
	for _, a := range und {
		fmt.Printf("      undeletable in the emulator (applied, planned, then dropped from the state): %s\n", a)
	}
	var gappedData []string
	for a := range sg.Unsupported {
		if strings.HasPrefix(a, "data.") {
			gappedData = append(gappedData, a)
		}
	}
	sort.Strings(gappedData)
	for _, a := range gappedData {
		fmt.Printf("      data source not read: %s  [gap: %s]\n", a, gapLabel(sg.Unsupported[a]))
	}
}

func gapLabel(g Gap) string {
	if g.Operation != "" {
		return g.Operation
	}
	return g.Kind
}

// printSummary prints the summary table, naming every skipped stack, and
// returns the exit status: 1 if a stack failed, or, with strict, if one
// was skipped.
func printSummary(w io.Writer, results []*stackResult, total, synth time.Duration, mirror string, strict bool) int {
	fmt.Fprintf(w, "\n== summary\n")
	fmt.Fprintf(w, "%-30s %-7s %-9s %-8s %-38s %-11s %s\n", "stack", "result", "applied", "left out", "plan after apply", "destroyed", "time")
	failed := 0
	var skipped []*stackResult
	for _, r := range results {
		status := r.status()
		switch status {
		case "FAILED":
			failed++
		case "SKIPPED":
			skipped = append(skipped, r)
			fmt.Fprintf(w, "%-30s %-7s %-9s %-8s %-38s %-11s %s\n", r.Name, status, "-", "-", "-", "-", round(r.Duration))
			continue
		}
		destroyed := fmt.Sprint(r.Destroyed)
		if r.Forgotten > 0 {
			destroyed += fmt.Sprintf("+%d kept", r.Forgotten)
		}
		fmt.Fprintf(w, "%-30s %-7s %-9s %-8d %-38s %-11s %s\n", r.Name, status, fmt.Sprintf("%d/%d", r.Applied, r.Total), len(r.LeftOut), r.Plan, destroyed, round(r.Duration))
	}
	for _, r := range results {
		if r.Skipped != "" {
			continue
		}
		var ph []string
		for _, p := range r.Phases {
			ph = append(ph, fmt.Sprintf("%s %s", p.Name, round(p.Duration)))
		}
		fmt.Fprintf(w, "  %s: %s\n", r.Name, strings.Join(ph, ", "))
	}
	for _, r := range skipped {
		fmt.Fprintf(w, "SKIPPED %s: %s\n", r.Name, r.Skipped)
	}
	passed := len(results) - failed - len(skipped)
	line := fmt.Sprintf("e2e: %d of %d stacks passed", passed, len(results))
	if len(skipped) > 0 {
		names := make([]string, len(skipped))
		for i, r := range skipped {
			names[i] = r.Name
		}
		line += fmt.Sprintf(", %d SKIPPED (%s)", len(skipped), strings.Join(names, ", "))
	}
	fmt.Fprintf(w, "%s in %s (synth %s)\n", line, round(total), round(synth))
	code := 0
	if failed > 0 {
		fmt.Fprintln(w, "e2e: FAILED; logs under .e2e/logs/e2e/<stack>/")
		code = 1
	}
	if len(skipped) > 0 {
		if strict {
			fmt.Fprintln(w, "e2e: FAILED: -strict makes a skipped stack a failure")
			code = 1
		} else {
			fmt.Fprintf(w, "e2e: skipped is not a failure; put the providers in the mirror %s to run those stacks, -strict (or E2E_STRICT=1) makes it one\n", mirror)
		}
	}
	return code
}

// abbreviate joins the first n items and says how many more there are.
func abbreviate(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}
