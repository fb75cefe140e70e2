// Command e2e holds the project's two Terraform gates.
//
//	go run ./tools/e2e validate [-dir cdktf.out] [-stack a,b] [-strict]
//
// runs terraform init -backend=false and terraform validate on a copy of
// every synthesized stack, with the AWS provider from TF_PROVIDER_MIRROR
// (or the registry when it is empty).
//
//	go run ./tools/e2e [run] [-stack a,b] [-gaps FILE] [-keep] [-strict]
//
// synthesizes every stack with HYBRIDSTACK_DISPOSABLE=1 into .e2e/synth,
// starts moto_server on a free loopback port, and, one stack at a time, in
// a throwaway copy: points the AWS provider at the emulator through an
// override file, applies every resource the emulator supports (the gaps
// file lists what it does not, with the evidence), checks that a second
// plan has no changes, and destroys everything. The emulator is stopped at
// the end, also on failure or interrupt.
//
//	go run ./tools/e2e plan -base DIR -head DIR -out FILE [-stack a,b] [-keep]
//
// applies each stack of BASE to the emulator, plans HEAD's configuration
// against that state and writes Terraform's action for every resource
// change (prevent_destroy refusals included) to FILE as JSON
// (plan_review.go).
//
// With a mirror, a stack that needs a provider the mirror lacks (other than
// hashicorp/aws; see providers.go) is not validated or applied: it is
// reported by name, and is a failure only with -strict. See
// tools/e2e/README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string) int {
	mode := "run"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		mode, args = args[0], args[1:]
	}
	switch mode {
	case "validate":
		return validateMain(ctx, args)
	case "run":
		return e2eMain(ctx, args)
	case "plan":
		return reviewMain(ctx, args)
	}
	fmt.Fprintf(os.Stderr, "e2e: unknown mode %q; use validate, plan or run (the default)\n", mode)
	return 2
}

// common are the settings both gates share.
type common struct {
	root    string // the repository root (where go.mod is)
	work    string // .e2e under the root, git-ignored
	mirror  string
	timeout time.Duration
	stacks  string
	strict  bool
	netns   bool
	// mirrored are the providers (HOST/NS/TYPE) the mirror holds for this
	// platform, set by setup.
	mirrored []string
}

func (c *common) flags(fs *flag.FlagSet, defaultTimeout time.Duration) {
	fs.StringVar(&c.mirror, "mirror", DefaultMirror(), "Terraform filesystem mirrors, separated by ':' (each the folder above registry.terraform.io; one must hold hashicorp/aws); empty: install from the registry. Default: TF_PROVIDER_MIRROR when set, else what scripts/tf-mirrors.sh finds")
	fs.DurationVar(&c.timeout, "timeout", defaultTimeout, "timeout of each terraform command")
	fs.StringVar(&c.stacks, "stack", os.Getenv("STACK"), "only these stacks (comma-separated); default: all")
	// E2E_STRICT: make validate passes no extra flags, the environment
	// reaches it (E2E_STRICT=1 make validate).
	strict, _ := strconv.ParseBool(os.Getenv("E2E_STRICT"))
	fs.BoolVar(&c.strict, "strict", strict, "a stack that needs a provider the mirror lacks (not validated, skipped) is a failure; default from E2E_STRICT")
	fs.BoolVar(&c.netns, "netns", true, "run Terraform, the emulator, the chart server and the control plane in a network namespace that has only loopback (false: for debugging only)")
}

// DefaultMirror is TF_PROVIDER_MIRROR when it is set (empty means the
// registry), else the mirrors scripts/tf-mirrors.sh finds, as make does.
func DefaultMirror() string {
	if v, ok := os.LookupEnv("TF_PROVIDER_MIRROR"); ok {
		return v
	}
	root, err := findRoot()
	if err != nil {
		return ""
	}
	out, err := exec.Command(filepath.Join(root, "scripts", "tf-mirrors.sh")).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// DefaultCharts is HELM_CHART_MIRROR when it is set, else ../shared/charts
// beside the repository when it is there, as make does.
func DefaultCharts() string {
	if v, ok := os.LookupEnv("HELM_CHART_MIRROR"); ok {
		return v
	}
	root, err := findRoot()
	if err != nil {
		return ""
	}
	dir := filepath.Join(filepath.Dir(root), "shared", "charts")
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		return dir
	}
	return ""
}

// enterNetns runs mode again inside a loopback-only network namespace
// (netns.go) unless this is that copy already, or -netns=false. It
// returns (exit status, true) when the copy ran; inside, it brings lo up.
func (c *common) enterNetns(ctx context.Context, mode string, args []string) (int, bool) {
	if !c.netns {
		return 0, false
	}
	if !InNetns() {
		return ReexecInNetns(ctx, mode, args), true
	}
	if err := EnterLoopbackOnly(); err != nil {
		fmt.Fprintf(os.Stderr, "%s: FAILED: %v\n", mode, err)
		return 1, true
	}
	fmt.Printf("netns: %s runs in a network namespace of its own: loopback only (lo up, no other interface, no route)\n", mode)
	return 0, false
}

// setup finds the repository root, checks Terraform and the mirror, and
// writes the CLI configuration under .e2e.
func (c *common) setup(ctx context.Context, logDir string) (*Terraform, error) {
	root, err := findRoot()
	if err != nil {
		return nil, err
	}
	c.root = root
	c.work = filepath.Join(root, ".e2e")
	if _, err := exec.LookPath("terraform"); err != nil {
		return nil, errors.New("terraform is not on PATH: install Terraform >= 1.10 (https://developer.hashicorp.com/terraform/install) and run again")
	}
	if c.mirror != "" {
		var abs []string
		for _, m := range filepath.SplitList(c.mirror) {
			a, err := filepath.Abs(m)
			if err != nil {
				return nil, err
			}
			abs = append(abs, a)
		}
		c.mirror = strings.Join(abs, string(filepath.ListSeparator))
		if err := CheckMirror(c.mirror); err != nil {
			return nil, err
		}
		c.mirrored = MirrorProviders(c.mirror, Platform)
	}
	cache := filepath.Join(c.work, "plugin-cache")
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return nil, err
	}
	rc := filepath.Join(c.work, "terraform.rc")
	if err := os.WriteFile(rc, []byte(CLIConfig(c.mirror, cache, c.mirrored)), 0o644); err != nil {
		return nil, err
	}
	tf := &Terraform{CLIConfigFile: rc, Timeout: c.timeout, LogDir: logDir}
	v, err := tf.Run(ctx, root, "version")
	if err != nil || v.ExitCode != 0 {
		return nil, fmt.Errorf("terraform version failed: %v %s", err, v.Output)
	}
	fmt.Printf("%s", firstLine(v.Output))
	if c.mirror != "" {
		short := make([]string, len(c.mirrored))
		for i, m := range c.mirrored {
			short[i] = strings.TrimPrefix(m, DefaultRegistry+"/")
		}
		fmt.Printf(", providers from the mirror %s: %s (%s)\n", c.mirror, strings.Join(short, ", "), Platform)
	} else {
		fmt.Printf(", providers from the registry (TF_PROVIDER_MIRROR is empty)\n")
	}
	return tf, nil
}

// findRoot returns the nearest directory upwards with a go.mod.
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod in this directory or above: run from the repository")
		}
		dir = parent
	}
}

// stackDirs returns the synthesized stacks under outdir/stacks, by name,
// restricted to only (comma-separated) when set.
func stackDirs(outdir, only string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(outdir, "stacks"))
	if err != nil {
		return nil, fmt.Errorf("no synthesized stacks under %s: %w", outdir, err)
	}
	have := map[string]bool{}
	var names []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(outdir, "stacks", e.Name(), "cdk.tf.json")); err == nil && e.IsDir() {
			names = append(names, e.Name())
			have[e.Name()] = true
		}
	}
	sort.Strings(names)
	if only == "" {
		if len(names) == 0 {
			return nil, fmt.Errorf("no synthesized stacks under %s/stacks", outdir)
		}
		return names, nil
	}
	var out, missing []string
	for _, n := range strings.Split(only, ",") {
		if n = strings.TrimSpace(n); n == "" {
			continue
		}
		if !have[n] {
			missing = append(missing, n)
		}
		out = append(out, n)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("stack %s not synthesized under %s/stacks (have: %s)", strings.Join(missing, ", "), outdir, strings.Join(names, ", "))
	}
	return out, nil
}

// installHint explains a failed terraform init that could not install a
// provider.
func installHint(out string) string {
	for _, s := range []string{"Failed to query available provider packages", "Failed to install provider", "could not connect", "no such host", "dial tcp", "Incompatible provider version", "no available releases match"} {
		if strings.Contains(out, s) {
			return "the AWS provider could not be installed. With a local filesystem mirror, pass TF_PROVIDER_MIRROR=<dir> " +
				"(the folder above registry.terraform.io; .ci/run finds it with find / -xdev -name 'terraform-provider-aws_v5*'), " +
				"or give Terraform access to registry.terraform.io. The stacks require hashicorp/aws ~> 5.100."
		}
	}
	return ""
}

func validateMain(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("e2e validate", flag.ContinueOnError)
	var c common
	c.flags(fs, 10*time.Minute)
	dir := fs.String("dir", "cdktf.out", "synthesized output directory (stacks/<name>/cdk.tf.json)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if code, done := c.enterNetns(ctx, "validate", args); done {
		return code
	}
	start := time.Now()
	root, err := findRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "validate: FAILED:", err)
		return 1
	}
	logDir := filepath.Join(root, ".e2e", "logs", "validate")
	_ = os.RemoveAll(logDir)
	tf, err := c.setup(ctx, logDir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "validate: FAILED:", err)
		return 1
	}
	out := *dir
	if !filepath.IsAbs(out) {
		out = filepath.Join(c.root, out)
	}
	names, err := stackDirs(out, c.stacks)
	if err != nil {
		fmt.Fprintf(os.Stderr, "validate: FAILED: %v: run make synth first\n", err)
		return 1
	}
	failed := 0
	var notValidated []string
	for _, name := range names {
		t0 := time.Now()
		src := filepath.Join(out, "stacks", name)
		missing, err := StackMissingProviders(src, c.mirror)
		if err != nil {
			failed++
			fmt.Printf("validate: FAILED %-30s read the required providers: %v\n", name, err)
			continue
		}
		if len(missing) > 0 {
			notValidated = append(notValidated, name)
			fmt.Printf("validate: %s\n", NotValidatedLine(name, c.mirror, missing))
			continue
		}
		ok, msg := validateStack(ctx, tf, src, filepath.Join(c.work, "validate", name))
		if ok {
			fmt.Printf("validate: OK     %-30s %s\n", name, round(time.Since(t0)))
			continue
		}
		failed++
		fmt.Printf("validate: FAILED %-30s %s\n%s\n", name, round(time.Since(t0)), indent(msg, "    "))
		if ctx.Err() != nil {
			break
		}
	}
	code := printValidateSummary(os.Stdout, len(names), failed, notValidated, c.mirror, c.strict, time.Since(start))
	if ctx.Err() != nil {
		return 1
	}
	return code
}

// printValidateSummary prints make validate's closing lines, naming every
// stack not validated for want of providers, and returns the exit status:
// 1 on a failure, or, with strict, on a stack not validated.
func printValidateSummary(w io.Writer, total, failed int, notValidated []string, mirror string, strict bool, d time.Duration) int {
	valid := total - failed - len(notValidated)
	fmt.Fprintf(w, "validate: %d of %d stacks valid in %s\n", valid, total, round(d))
	code := 0
	if failed > 0 {
		code = 1
	}
	if len(notValidated) > 0 {
		fmt.Fprintf(w, "validate: NOT VALIDATED (%d): %s: they need providers that are not in the mirror %s; "+
			"put them in the mirror (HOST/NAMESPACE/TYPE/VERSION/OS_ARCH) to validate these stacks\n",
			len(notValidated), strings.Join(notValidated, ", "), mirror)
		if strict {
			fmt.Fprintln(w, "validate: FAILED: -strict makes a stack not validated a failure")
			code = 1
		} else {
			fmt.Fprintln(w, "validate: not validated is not a failure; -strict (or E2E_STRICT=1) makes it one")
		}
	}
	return code
}

// validateStack validates a copy of src in dst.
func validateStack(ctx context.Context, tf *Terraform, src, dst string) (bool, string) {
	_ = os.RemoveAll(dst)
	if err := copyDir(src, dst); err != nil {
		return false, err.Error()
	}
	init, err := tf.Run(ctx, dst, "init", "-backend=false", "-input=false", "-no-color")
	if err != nil || init.ExitCode != 0 {
		msg := fmt.Sprintf("terraform init failed (%v):\n%s", orExit(err, init.ExitCode), strings.TrimSpace(init.Output))
		if h := installHint(init.Output); h != "" {
			msg += "\nhow to fix: " + h
		}
		return false, msg
	}
	v, err := tf.Run(ctx, dst, "validate", "-no-color")
	if err != nil || v.ExitCode != 0 {
		return false, fmt.Sprintf("terraform validate failed (%v):\n%s", orExit(err, v.ExitCode), strings.TrimSpace(v.Output))
	}
	return true, ""
}

func orExit(err error, code int) string {
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("exit status %d", code)
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n")
}

func round(d time.Duration) time.Duration {
	if d < time.Minute {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}
