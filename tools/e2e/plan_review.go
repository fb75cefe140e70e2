package main

// The plan mode: "real plan where possible" for reviewing a change.
//
//	go run ./tools/e2e plan -base DIR -head DIR -out FILE [-stack a,b] [-mirror DIR] [-keep]
//
// For every stack in both BASE and HEAD, it applies BASE's stack to the
// emulator (the resources the emulator supports, as the run mode does),
// then points the same working directory and state at HEAD's
// configuration and records Terraform's own action for each resource
// change, prevent_destroy refusals included. See README.md.

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hybridstack/hybridstack/tools/review"
)

// Stack statuses of the plan report.
const (
	ReviewPlanned     = "planned"
	ReviewPlanRefused = "plan-refused"
	ReviewSkipped     = "skipped"
	ReviewFailed      = "failed"
	// ActionRefused is the sole action of a resource whose replacement or
	// destruction lifecycle.prevent_destroy refuses.
	ActionRefused = "refused"
	// ReviewOverrideFile lifts prevent_destroy for exactly the refused
	// resources, for the second plan that shows the other changes.
	ReviewOverrideFile = "zz_e2e_review_override.tf.json"
	reviewPlanFile     = "review.tfplan"
)

// The plan mode's output file is the format tools/review reads
// (hybridcheck diff -plan): one definition for the writer and the reader.
type (
	ReviewReport = review.PlanFile
	StackReview  = review.PlanStack
	ReviewChange = review.PlanChange
)

// reviewSource is one stack of a BASE or HEAD directory.
type reviewSource struct {
	// Config is the stack's configuration file.
	Config string
	// Dir is the cdktf stack directory (copied whole, with its assets);
	// "" for a snapshot file.
	Dir string
}

// ReviewStacks lists the stacks of dir: a cdktf output directory
// (stacks/NAME/cdk.tf.json) or a snapshot directory (NAME.tf.json).
func ReviewStacks(dir string) (map[string]reviewSource, error) {
	out := map[string]reviewSource{}
	if entries, err := os.ReadDir(filepath.Join(dir, "stacks")); err == nil {
		for _, e := range entries {
			cfg := filepath.Join(dir, "stacks", e.Name(), "cdk.tf.json")
			if _, err := os.Stat(cfg); e.IsDir() && err == nil {
				out[e.Name()] = reviewSource{Config: cfg, Dir: filepath.Join(dir, "stacks", e.Name())}
			}
		}
		if len(out) > 0 {
			return out, nil
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".tf.json"); ok && !e.IsDir() && name != "" {
			out[name] = reviewSource{Config: filepath.Join(dir, e.Name())}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s has neither stacks/NAME/cdk.tf.json nor NAME.tf.json files", dir)
	}
	return out, nil
}

type reviewer struct {
	tf        *Terraform
	emu       *Emulator
	gaps      *GapsFile
	work      string
	keep      bool
	endpoints []string
	report    *ReviewReport
}

func reviewMain(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("e2e plan", flag.ContinueOnError)
	var c common
	fs.StringVar(&c.mirror, "mirror", os.Getenv("TF_PROVIDER_MIRROR"), "Terraform filesystem mirror (the folder above registry.terraform.io); empty: install from the registry")
	fs.DurationVar(&c.timeout, "timeout", 20*time.Minute, "timeout of each terraform command")
	fs.StringVar(&c.stacks, "stack", os.Getenv("STACK"), "only these stacks (comma-separated); default: every stack in BASE or HEAD")
	base := fs.String("base", "", "BASE: a snapshot directory (NAME.tf.json) or a cdktf output directory (stacks/NAME/cdk.tf.json)")
	head := fs.String("head", "", "HEAD: the same, with the change")
	out := fs.String("out", "", "the JSON report to write")
	gapsPath := fs.String("gaps", "tools/e2e/emulator-gaps.json", "the emulator gaps file")
	keep := fs.Bool("keep", false, "keep each stack's working directory under .e2e/plan (state, plan, override files)")
	moto := fs.String("emulator", "moto_server", "the moto_server command")
	fs.BoolVar(&c.netns, "netns", true, "run Terraform and the emulator in a network namespace that has only loopback (false: for debugging only)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	usage := func(format string, a ...any) int {
		fmt.Fprintf(os.Stderr, "e2e plan: "+format+"\n", a...)
		return 2
	}
	if *base == "" || *head == "" || *out == "" || fs.NArg() > 0 {
		return usage("usage: go run ./tools/e2e plan -base DIR -head DIR -out FILE [-stack a,b] [-mirror DIR] [-keep]")
	}
	if code, done := c.enterNetns(ctx, "plan", args); done {
		return code
	}
	var err error
	for _, p := range []*string{base, head, out} {
		if *p, err = filepath.Abs(*p); err != nil {
			return usage("%v", err)
		}
	}
	baseStacks, err := ReviewStacks(*base)
	if err != nil {
		return usage("-base: %v", err)
	}
	headStacks, err := ReviewStacks(*head)
	if err != nil {
		return usage("-head: %v", err)
	}
	names, err := reviewNames(baseStacks, headStacks, c.stacks)
	if err != nil {
		return usage("%v", err)
	}

	report := &ReviewReport{Base: *base, Head: *head, Stacks: map[string]*StackReview{}}
	write := func() {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false) // "~> 2.37", not "~\u003e 2.37"
		enc.SetIndent("", "  ")
		err := enc.Encode(report)
		if err == nil {
			err = os.WriteFile(*out, buf.Bytes(), 0o644)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "e2e plan: write the report:", err)
		}
	}
	// failAll records a harness failure (no Terraform, emulator, ...)
	// for every stack not decided yet: a report the consumer can read.
	failAll := func(err error) int {
		fmt.Fprintln(os.Stderr, "e2e plan: FAILED:", err)
		for _, n := range names {
			if report.Stacks[n] == nil {
				report.Stacks[n] = &StackReview{Status: ReviewFailed, Reason: err.Error(), Changes: []ReviewChange{}}
			}
		}
		write()
		return 1
	}

	// Stacks not in both, and stacks needing providers the mirror lacks,
	// are skipped before anything runs.
	var todo []string
	for _, n := range names {
		b, inBase := baseStacks[n]
		h, inHead := headStacks[n]
		switch {
		case !inHead:
			report.Stacks[n] = skippedReview("only in BASE (the stack is removed in HEAD): nothing to plan against")
			continue
		case !inBase:
			report.Stacks[n] = skippedReview("only in HEAD (a new stack): there is no BASE to apply")
			continue
		}
		missing, err := reviewMissingProviders(c.mirror, b.Config, h.Config)
		if err != nil {
			report.Stacks[n] = &StackReview{Status: ReviewFailed, Reason: "read the required providers: " + err.Error(), Changes: []ReviewChange{}}
			continue
		}
		if len(missing) > 0 {
			report.Stacks[n] = skippedReview(SkippedReason(c.mirror, missing))
			fmt.Printf("SKIPPED %s: %s\n", n, report.Stacks[n].Reason)
			continue
		}
		todo = append(todo, n)
	}

	root, err := findRoot()
	if err != nil {
		return failAll(err)
	}
	logs := filepath.Join(root, ".e2e", "logs", "plan")
	_ = os.RemoveAll(logs)
	if err := os.MkdirAll(logs, 0o755); err != nil {
		return failAll(err)
	}
	tf, err := c.setup(ctx, logs)
	if err != nil {
		return failAll(err)
	}
	if v, err := tf.Run(ctx, c.root, "version", "-json"); err == nil && v.ExitCode == 0 {
		report.Terraform, _ = terraformVersions(v.Output)
	}
	if len(todo) == 0 {
		write()
		return 0
	}
	motoPath, err := exec.LookPath(*moto)
	if err != nil {
		return failAll(fmt.Errorf("%s is not on PATH: install moto's server (pip install 'moto[server]==5.2.1') or pass -emulator", *moto))
	}
	report.Emulator = emulatorVersion(ctx, motoPath)
	gp := *gapsPath
	if !filepath.IsAbs(gp) {
		gp = filepath.Join(c.root, gp)
	}
	gaps, err := LoadGaps(gp)
	if err != nil {
		return failAll(fmt.Errorf("gaps file: %w", err))
	}
	t0 := time.Now()
	emu, err := StartEmulator(ctx, motoPath, filepath.Join(logs, "emulator.log"), 90*time.Second)
	if err != nil {
		return failAll(fmt.Errorf("emulator: %w", err))
	}
	defer func() {
		if err := emu.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "e2e plan: stopping the emulator:", err)
		}
	}()
	fmt.Printf("emulator: %s (%s) up in %s\n", emu.URL, report.Emulator, round(time.Since(t0)))

	r := &reviewer{tf: tf, emu: emu, gaps: gaps, work: filepath.Join(c.work, "plan"), keep: *keep, report: report}
	for _, n := range todo {
		if ctx.Err() != nil {
			report.Stacks[n] = &StackReview{Status: ReviewFailed, Reason: "interrupted before this stack", Changes: []ReviewChange{}}
			continue
		}
		tf.LogDir, tf.seq = filepath.Join(logs, n), 0
		start := time.Now()
		res := r.stack(ctx, n, baseStacks[n], headStacks[n])
		report.Stacks[n] = res
		fmt.Printf("   %-8s %s in %s", "result", res.Status, round(time.Since(start)))
		if res.Reason != "" {
			fmt.Printf(": %s", firstLine(res.Reason))
		}
		fmt.Println()
		if err := emu.Reset(); err != nil && ctx.Err() == nil {
			fmt.Fprintf(os.Stderr, "e2e plan: emulator reset after %s: %v\n", n, err)
		}
		write() // a report after every stack
	}
	write()
	fmt.Printf("plan: report written to %s\n", *out)
	if ctx.Err() != nil {
		fmt.Println("e2e plan: INTERRUPTED")
		return 130
	}
	return 0
}

func skippedReview(reason string) *StackReview {
	return &StackReview{Status: ReviewSkipped, Reason: reason, Changes: []ReviewChange{}}
}

// reviewNames returns the stacks in BASE or HEAD, sorted, restricted to
// only (comma-separated) when set; a name in neither is an error.
func reviewNames(base, head map[string]reviewSource, only string) ([]string, error) {
	all := map[string]bool{}
	for n := range base {
		all[n] = true
	}
	for n := range head {
		all[n] = true
	}
	var names []string
	if only == "" {
		for n := range all {
			names = append(names, n)
		}
	} else {
		var missing []string
		for _, n := range strings.Split(only, ",") {
			if n = strings.TrimSpace(n); n == "" {
				continue
			}
			if !all[n] {
				missing = append(missing, n)
			}
			names = append(names, n)
		}
		if len(missing) > 0 {
			return nil, fmt.Errorf("stack %s is in neither BASE nor HEAD", strings.Join(missing, ", "))
		}
	}
	sort.Strings(names)
	return names, nil
}

// reviewMissingProviders returns the providers BASE's or HEAD's
// configuration needs that the mirror lacks.
func reviewMissingProviders(mirror string, configs ...string) ([]Unavailable, error) {
	var out []Unavailable
	seen := map[string]bool{}
	for _, c := range configs {
		missing, err := ConfigMissingProviders(c, mirror)
		if err != nil {
			return nil, err
		}
		for _, m := range missing {
			if !seen[m.String()] {
				seen[m.String()] = true
				out = append(out, m)
			}
		}
	}
	return out, nil
}

// stack applies BASE's stack to the emulator and plans HEAD's against it.
func (r *reviewer) stack(ctx context.Context, name string, base, head reviewSource) *StackReview {
	res := &StackReview{Status: ReviewFailed, Changes: []ReviewChange{}}
	fail := func(format string, a ...any) *StackReview {
		res.Status, res.Reason = ReviewFailed, fmt.Sprintf(format, a...)
		return res
	}
	fmt.Printf("\n== %s\n", name)
	baseCfg, err := LoadConfig(base.Config)
	if err != nil {
		return fail("read BASE: %v", err)
	}
	headCfg, err := LoadConfig(head.Config)
	if err != nil {
		return fail("read HEAD: %v", err)
	}
	baseGaps := r.gaps.ForStack(name, baseCfg)
	targets, excluded := baseCfg.Targets(baseGaps.GappedSet())
	fmt.Printf("   %-8s BASE: %d of %d resources; %d left out (emulator gaps)\n", "targets", len(targets), len(baseCfg.Resources), len(excluded))

	if err := os.MkdirAll(r.work, 0o755); err != nil {
		return fail("%v", err)
	}
	dir, err := os.MkdirTemp(r.work, name+"-")
	if err != nil {
		return fail("%v", err)
	}
	if !r.keep {
		defer os.RemoveAll(dir)
	} else {
		fmt.Printf("   %-8s %s\n", "dir", dir)
	}
	if err := r.place(dir, base, baseCfg); err != nil {
		return fail("copy BASE: %v", err)
	}
	if err := r.init(ctx, dir, baseCfg); err != nil {
		return fail("BASE: %v", err)
	}
	if r.report.Provider == "" {
		if v, err := r.tf.Run(ctx, dir, "version", "-json"); err == nil && v.ExitCode == 0 {
			_, r.report.Provider = terraformVersions(v.Output)
		}
	}

	// Apply BASE as the run mode does: every resource but those the gaps
	// leave out.
	if len(targets) > 0 {
		apply, err := r.tf.Run(ctx, dir, append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, TargetArgs(targets)...)...)
		if err != nil {
			return fail("apply BASE: %v (log: %s)", err, apply.Log)
		}
		if apply.ExitCode != 0 {
			printStep("apply", "FAILED", "", apply.Duration)
			msg := strings.Join(ErrorBlocks(apply.Output), "\n\n")
			if msg == "" {
				msg = apply.Output
			}
			return fail("apply BASE failed (log: %s):\n%s", apply.Log, tailLines(msg, 20))
		}
		printStep("apply", "ok", fmt.Sprintf("BASE: %d added", AppliedCount(apply.Output)), apply.Duration)
	} else {
		fmt.Printf("   %-8s nothing: the gaps leave out every resource of BASE\n", "apply")
	}
	if ctx.Err() != nil {
		return fail("interrupted")
	}

	// The same directory and state, HEAD's configuration.
	if err := clearConfig(dir); err != nil {
		return fail("switch to HEAD: %v", err)
	}
	if err := r.place(dir, head, headCfg); err != nil {
		return fail("copy HEAD: %v", err)
	}
	if err := r.init(ctx, dir, headCfg); err != nil {
		return fail("HEAD: %v", err)
	}

	plan, err := r.tf.Run(ctx, dir, "plan", "-json", "-input=false", "-lock=false", "-out="+reviewPlanFile)
	if err != nil {
		return fail("plan HEAD: %v (log: %s)", err, plan.Log)
	}
	refused, errs := ParsePlanDiagnostics(plan.Output)
	switch {
	case plan.ExitCode == 0:
		res.Status = ReviewPlanned
	case len(refused) > 0 && len(errs) == 0:
		res.Status = ReviewPlanRefused
	default:
		printStep("plan", "FAILED", "", plan.Duration)
		if len(errs) == 0 {
			errs = []string{tailLines(plan.Output, 20)}
		}
		return fail("plan HEAD failed (log: %s):\n%s", plan.Log, tailLines(strings.Join(errs, "\n\n"), 20))
	}
	planTime := plan.Duration
	var refusedAddrs []string
	if res.Status == ReviewPlanRefused {
		var msgs []string
		for _, rf := range refused {
			refusedAddrs = append(refusedAddrs, rf.Address)
			msgs = append(msgs, rf.Message)
		}
		res.Reason = "terraform plan refused: " + strings.Join(msgs, "\n")
		printStep("plan", "refused", fmt.Sprintf("prevent_destroy: %s", strings.Join(refusedAddrs, ", ")), plan.Duration)
		// Terraform wrote no plan. A second plan with prevent_destroy lifted
		// for exactly those resources shows every other change.
		ok := false
		for i := 0; i < 3 && !ok; i++ {
			o, err := PreventDestroyOverride(refusedAddrs)
			if err != nil {
				return fail("write %s: %v", ReviewOverrideFile, err)
			}
			if err := os.WriteFile(filepath.Join(dir, ReviewOverrideFile), o, 0o644); err != nil {
				return fail("write %s: %v", ReviewOverrideFile, err)
			}
			p2, err := r.tf.Run(ctx, dir, "plan", "-json", "-input=false", "-lock=false", "-out="+reviewPlanFile)
			if err != nil {
				return fail("plan HEAD with prevent_destroy lifted: %v (log: %s)", err, p2.Log)
			}
			more, errs := ParsePlanDiagnostics(p2.Output)
			switch {
			case p2.ExitCode == 0:
				ok = true
				planTime = p2.Duration
			case len(more) > 0 && len(errs) == 0:
				for _, m := range more {
					if !contains(refusedAddrs, m.Address) {
						refusedAddrs = append(refusedAddrs, m.Address)
						res.Reason += "\n" + m.Message
					}
				}
			default:
				res.Reason += fmt.Sprintf("\n(the other changes are unknown: the plan with prevent_destroy lifted for those resources failed: %s)", tailLines(strings.Join(errs, "\n\n"), 10))
				for _, a := range refusedAddrs {
					res.Changes = append(res.Changes, ReviewChange{Address: a, Actions: []string{ActionRefused}, ReplacePaths: [][]any{}})
				}
				return res
			}
		}
		if !ok {
			return fail("plan HEAD: prevent_destroy refusals did not converge: %s", strings.Join(refusedAddrs, ", "))
		}
		res.Reason += fmt.Sprintf("\nthe other changes are from a second plan with prevent_destroy lifted for exactly %s", strings.Join(refusedAddrs, ", "))
		res.Complete = true
	}
	show, err := r.tf.Run(ctx, dir, "show", "-json", reviewPlanFile)
	if err != nil || show.ExitCode != 0 {
		return fail("terraform show -json: %s (log: %s)", orExit(err, show.ExitCode), show.Log)
	}
	changes, err := ParseReviewChanges([]byte(show.Output))
	if err != nil {
		return fail("%v", err)
	}
	planChanges, err := ParsePlanChanges([]byte(show.Output))
	if err != nil {
		return fail("%v", err)
	}
	changes = MarkEmulatorGaps(changes, planChanges, baseCfg, headCfg, baseGaps, r.gaps.ForStack(name, headCfg), excluded)
	changes = MarkRefused(changes, refusedAddrs)
	res.Changes = changes
	if res.Status == ReviewPlanned {
		printStep("plan", "ok", fmt.Sprintf("%d changes", len(changes)), planTime)
	} else {
		printStep("plan", "ok", fmt.Sprintf("%d changes in a second plan with prevent_destroy lifted for the refused", len(changes)), planTime)
	}
	for _, c := range changes {
		line := fmt.Sprintf("      %-60s %s", c.Address, strings.Join(c.Actions, ","))
		if c.EmulatorGap != "" {
			line += "  [emulator gap: " + c.EmulatorGap + "]"
		}
		fmt.Println(line)
	}
	return res
}

// place copies a stack into dir (a snapshot file as cdk.tf.json) and
// writes a placeholder for each asset the configuration names that is
// not there (snapshots have no assets; the emulator never runs the code).
func (r *reviewer) place(dir string, src reviewSource, cfg *Config) error {
	if src.Dir != "" {
		if err := copyDir(src.Dir, dir); err != nil {
			return err
		}
	} else {
		b, err := os.ReadFile(src.Config)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "cdk.tf.json"), b, 0o644); err != nil {
			return err
		}
	}
	written, err := writeMissingAssets(dir, cfg)
	for _, w := range written {
		fmt.Printf("   %-8s placeholder zip for the missing asset %s\n", "asset", w)
	}
	return err
}

// init writes the emulator override, runs terraform init and, the first
// time, reads the AWS provider's endpoint names for the override.
func (r *reviewer) init(ctx context.Context, dir string, cfg *Config) error {
	writeOverride := func() error {
		o, err := EmulatorOverride(r.emu.URL, r.endpoints, cfg.AWSProviderAliases())
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, EmulatorOverrideFile), o, 0o644)
	}
	if err := writeOverride(); err != nil {
		return fmt.Errorf("write override: %w", err)
	}
	init, err := r.tf.Run(ctx, dir, "init", "-input=false", "-no-color")
	if err != nil {
		return fmt.Errorf("terraform init: %w", err)
	}
	if init.ExitCode != 0 {
		msg := "terraform init failed"
		if h := installHint(init.Output); h != "" {
			msg += ": " + h
		}
		return fmt.Errorf("%s (log: %s):\n%s", msg, init.Log, tailLines(init.Output, 20))
	}
	printStep("init", "ok", "", init.Duration)
	if r.endpoints == nil {
		schema, err := r.tf.Run(ctx, dir, "providers", "schema", "-json")
		if err != nil {
			return fmt.Errorf("terraform providers schema: %w", err)
		}
		eps, err := EndpointNames([]byte(schema.Output))
		if err != nil || schema.ExitCode != 0 {
			return fmt.Errorf("read the AWS provider's endpoint names: %v (log: %s)", orExit(err, schema.ExitCode), schema.Log)
		}
		r.endpoints = eps
	}
	if err := writeOverride(); err != nil {
		return fmt.Errorf("write override: %w", err)
	}
	return nil
}

// clearConfig removes BASE's configuration from dir, keeping Terraform's
// working data, the state and the emulator override.
func clearConfig(dir string) error {
	keep := map[string]bool{".terraform": true, ".terraform.lock.hcl": true, StateFile: true, StateFile + ".backup": true, EmulatorOverrideFile: true}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !keep[e.Name()] {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeMissingAssets writes a placeholder zip at every relative
// "filename" of a resource (Lambda code) that is not in dir, and returns
// those paths.
func writeMissingAssets(dir string, cfg *Config) ([]string, error) {
	var out []string
	for _, a := range cfg.ResourceAddresses() {
		f, ok := cfg.Resources[a]["filename"].(string)
		if !ok || f == "" || strings.Contains(f, "${") || filepath.IsAbs(f) || strings.HasPrefix(filepath.Clean(f), "..") {
			continue
		}
		p := filepath.Join(dir, f)
		if _, err := os.Stat(p); err == nil {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return out, err
		}
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, err := zw.Create("placeholder")
		if err == nil {
			_, err = w.Write([]byte("tools/e2e plan: the snapshot has no assets; the emulator never runs this code\n"))
		}
		if err == nil {
			err = zw.Close()
		}
		if err == nil {
			err = os.WriteFile(p, buf.Bytes(), 0o644)
		}
		if err != nil {
			return out, err
		}
		out = append(out, f)
	}
	return out, nil
}

// ParseReviewChanges reads `terraform show -json PLANFILE` and returns
// Terraform's action for every managed resource change (no-ops and data
// source reads left out) with the paths that force a replacement, by
// address.
func ParseReviewChanges(showJSON []byte) ([]ReviewChange, error) {
	var p struct {
		ResourceChanges []struct {
			Address      string  `json:"address"`
			Mode         string  `json:"mode"`
			ReplacePaths [][]any `json:"replace_paths"`
			Change       struct {
				Actions      []string `json:"actions"`
				ReplacePaths [][]any  `json:"replace_paths"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal(showJSON, &p); err != nil {
		return nil, fmt.Errorf("parse plan JSON: %w", err)
	}
	out := []ReviewChange{}
	for _, rc := range p.ResourceChanges {
		a := rc.Change.Actions
		if rc.Mode != "managed" || len(a) == 0 || (len(a) == 1 && (a[0] == "no-op" || a[0] == "read")) {
			continue
		}
		rp := rc.Change.ReplacePaths
		if len(rp) == 0 {
			rp = rc.ReplacePaths
		}
		if rp == nil {
			rp = [][]any{}
		}
		out = append(out, ReviewChange{Address: rc.Address, Actions: a, ReplacePaths: rp})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out, nil
}

// Refusal is a resource whose destruction lifecycle.prevent_destroy
// refuses.
type Refusal struct {
	Address string
	Message string
}

var preventDestroyRe = regexp.MustCompile(`Resource (\S+) has lifecycle\.prevent_destroy set`)

// ParsePlanDiagnostics reads the output of `terraform plan -json` (one
// JSON message per line) and returns the prevent_destroy refusals ("Instance
// cannot be destroyed") and every other error diagnostic, as
// "summary: detail".
func ParsePlanDiagnostics(out string) (refused []Refusal, errs []string) {
	seen := map[string]bool{}
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var m struct {
			Type       string `json:"type"`
			Diagnostic struct {
				Severity string `json:"severity"`
				Summary  string `json:"summary"`
				Detail   string `json:"detail"`
				Address  string `json:"address"`
			} `json:"diagnostic"`
		}
		if json.Unmarshal([]byte(line), &m) != nil || m.Type != "diagnostic" || m.Diagnostic.Severity != "error" {
			continue
		}
		d := m.Diagnostic
		if d.Summary == "Instance cannot be destroyed" {
			addr := d.Address
			if mm := preventDestroyRe.FindStringSubmatch(d.Detail); addr == "" && mm != nil {
				addr = mm[1]
			}
			if addr != "" {
				if !seen[addr] {
					seen[addr] = true
					refused = append(refused, Refusal{Address: addr, Message: d.Summary + ": " + d.Detail})
				}
				continue
			}
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		if d.Address != "" {
			msg = d.Address + ": " + msg
		}
		errs = append(errs, msg)
	}
	return refused, errs
}

// resourceOf returns the resource address of an instance address:
// aws_s3_bucket.b for aws_s3_bucket.b[0] or aws_s3_bucket.b["k"].
func resourceOf(addr string) string {
	if i := strings.IndexByte(addr, '['); i > 0 {
		return addr[:i]
	}
	return addr
}

// PreventDestroyOverride returns an override that sets
// lifecycle.prevent_destroy = false on the resources of addrs (lifecycle
// is merged argument by argument, so nothing else of it changes).
func PreventDestroyOverride(addrs []string) ([]byte, error) {
	resources := map[string]map[string]any{}
	for _, a := range addrs {
		typ, name, ok := strings.Cut(resourceOf(a), ".")
		if !ok {
			return nil, fmt.Errorf("not a resource address: %q", a)
		}
		if resources[typ] == nil {
			resources[typ] = map[string]any{}
		}
		resources[typ][name] = map[string]any{"lifecycle": map[string]any{"prevent_destroy": false}}
	}
	return json.MarshalIndent(map[string]any{
		"//":       "Written by tools/e2e plan: prevent_destroy lifted for the resources the first plan refused to destroy, to show the other changes.",
		"resource": resources,
	}, "", "  ")
}

// MarkRefused makes ["refused"] the sole action of each refused address,
// adding an entry for one the plan does not show.
func MarkRefused(changes []ReviewChange, refused []string) []ReviewChange {
	found := map[string]bool{}
	for i, c := range changes {
		if contains(refused, c.Address) {
			changes[i].Actions = []string{ActionRefused}
			found[c.Address] = true
		}
	}
	for _, a := range refused {
		if !found[a] {
			changes = append(changes, ReviewChange{Address: a, Actions: []string{ActionRefused}, ReplacePaths: [][]any{}})
		}
	}
	sort.SliceStable(changes, func(i, j int) bool { return changes[i].Address < changes[j].Address })
	return changes
}

// MarkEmulatorGaps sets EmulatorGap on the changes the emulator explains:
//
//   - a resource BASE's gaps left out of the apply: Terraform plans it
//     from nothing (it is not in the state), whatever AWS would do;
//   - an update whose every changed attribute, or a replacement whose
//     every replace path, is a perpetual diff of the gaps file.
//
// It also adds, as ["delete"], each resource BASE's gaps left out that
// HEAD no longer has: Terraform cannot plan it (it was never in the
// state), but it is not dropped from the report.
func MarkEmulatorGaps(changes []ReviewChange, planned []PlanChange, base, head *Config, baseGaps, headGaps StackGaps, excluded []Exclusion) []ReviewChange {
	leftOut := map[string]Exclusion{}
	for _, e := range excluded {
		leftOut[e.Address] = e
	}
	// A moved block carries BASE's gaps to the resource's HEAD address.
	movedFrom := headMoves(head, base)
	for to, from := range movedFrom {
		if e, ok := leftOut[from]; ok {
			leftOut[to] = e
		}
	}
	byAddr := map[string]PlanChange{}
	for _, p := range planned {
		byAddr[p.Address] = p
	}
	shown := map[string]bool{}
	for i, c := range changes {
		addr := resourceOf(c.Address)
		shown[addr] = true
		if e, ok := leftOut[addr]; ok {
			how := "unchanged from BASE"
			baseAddr := addr
			if from, ok := movedFrom[addr]; ok {
				baseAddr = from
			}
			if !sameBody(base.Resources[baseAddr], head.Resources[addr]) {
				how = "changed from BASE"
			}
			if _, inHead := head.Resources[addr]; !inHead {
				how = "not in HEAD"
			}
			changes[i].EmulatorGap = fmt.Sprintf("not applied from BASE (%s): Terraform plans it from an empty state; its configuration is %s", exclusionReason(e, baseGaps), how)
			continue
		}
		gaps := headGaps.IgnoreGaps[addr]
		attrs := headGaps.Ignore[addr]
		if from, ok := movedFrom[addr]; ok && len(attrs) == 0 {
			// A gap written for the BASE address (aws_eks_cluster.cluster)
			// follows the resource's moved block.
			gaps, attrs = baseGaps.IgnoreGaps[from], baseGaps.Ignore[from]
		}
		if len(attrs) == 0 {
			continue
		}
		var paths []string
		if isReplace(c.Actions) {
			for _, rp := range c.ReplacePaths {
				paths = append(paths, pathString(rp))
			}
		} else if p, ok := byAddr[c.Address]; ok && len(c.Actions) == 1 && c.Actions[0] == "update" {
			paths = p.Paths
		}
		if len(paths) == 0 {
			continue
		}
		all := true
		for _, p := range paths {
			all = all && Covered(p, attrs)
		}
		if all {
			var ops []string
			for _, g := range gaps {
				ops = appendUnique(ops, gapLabel(g))
			}
			changes[i].EmulatorGap = fmt.Sprintf("emulator perpetual diff of %s (%s)", strings.Join(paths, ", "), strings.Join(ops, "; "))
		}
	}
	movedTo := map[string]bool{}
	for _, from := range movedFrom {
		movedTo[from] = true
	}
	for _, e := range excluded {
		if _, inHead := head.Resources[e.Address]; inHead || shown[e.Address] || movedTo[e.Address] {
			continue
		}
		changes = append(changes, ReviewChange{Address: e.Address, Actions: []string{"delete"}, ReplacePaths: [][]any{},
			EmulatorGap: fmt.Sprintf("not applied from BASE (%s), so Terraform cannot plan it; HEAD no longer has it: against AWS it would be deleted", exclusionReason(e, baseGaps))})
	}
	changes = markGapCascade(changes, planned, head)
	sort.SliceStable(changes, func(i, j int) bool { return changes[i].Address < changes[j].Address })
	return changes
}

// exclusionReason says why the gaps leave a resource out.
func exclusionReason(e Exclusion, sg StackGaps) string {
	g := sg.Unsupported[e.Gap]
	if e.Address != e.Gap {
		return fmt.Sprintf("it needs %s, an emulator gap: %s", strings.Join(e.Via[1:], " -> "), gapLabel(g))
	}
	if ref, ok := sg.Uses[e.Address]; ok {
		return fmt.Sprintf("it uses %s, which the emulator does not return: %s", ref, gapLabel(g))
	}
	return "emulator gap: " + gapLabel(g)
}

func isReplace(actions []string) bool {
	return len(actions) == 2 && contains(actions, "delete") && contains(actions, "create")
}

// pathString writes a replace path (["a", 0, "b"]) as the gaps file
// writes attribute paths: a[0].b.
func pathString(p []any) string {
	var b strings.Builder
	for _, s := range p {
		switch t := s.(type) {
		case float64:
			fmt.Fprintf(&b, "[%d]", int(t))
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(t)
		default:
			fmt.Fprintf(&b, "[%v]", t)
		}
	}
	return b.String()
}

// sameBody compares two resource bodies, cdktf's "//" metadata aside.
func sameBody(a, b map[string]any) bool {
	strip := func(m map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range m {
			if k != "//" {
				out[k] = v
			}
		}
		return out
	}
	return reflect.DeepEqual(strip(a), strip(b))
}

// terraformVersions reads `terraform version -json`: Terraform's version
// and the selected hashicorp/aws version ("" before init).
func terraformVersions(out string) (terraform, aws string) {
	var v struct {
		Version   string            `json:"terraform_version"`
		Selection map[string]string `json:"provider_selections"`
	}
	if i := strings.IndexByte(out, '{'); i >= 0 {
		out = out[i:]
	}
	if json.Unmarshal([]byte(out), &v) != nil {
		return "", ""
	}
	return v.Version, v.Selection[awsSource]
}

// emulatorVersion asks the Python that runs moto_server for moto's
// version: "moto 5.2.1", or "moto (version unknown)".
func emulatorVersion(ctx context.Context, motoPath string) string {
	pythons := []string{"python3"}
	if b, err := os.ReadFile(motoPath); err == nil {
		first, _, _ := strings.Cut(string(b), "\n")
		if f := strings.Fields(strings.TrimPrefix(first, "#!")); strings.HasPrefix(first, "#!") && len(f) > 0 && strings.Contains(f[len(f)-1], "python") {
			if filepath.Base(f[0]) == "env" {
				pythons = append([]string{f[len(f)-1]}, pythons...)
			} else {
				pythons = append([]string{f[0]}, pythons...)
			}
		}
	}
	for _, py := range pythons {
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		out, err := exec.CommandContext(cctx, py, "-c", "import importlib.metadata as m; print(m.version('moto'))").Output()
		cancel()
		if v := strings.TrimSpace(string(out)); err == nil && v != "" {
			return "moto " + v
		}
	}
	return "moto (version unknown)"
}

// tailLines returns the last n lines of s.
func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("[... %d lines before]", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}
