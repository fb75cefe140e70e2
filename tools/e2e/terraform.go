package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// CLIConfig returns a Terraform CLI configuration: a plugin cache (each
// working directory's init links the provider from it instead of copying
// about 700 MB), and, when mirror is set, installation of the providers
// the mirrors hold (mirrored, HOST/NAMESPACE/TYPE; see MirrorProviders)
// from those filesystem mirrors (each the folder above
// registry.terraform.io; several are separated by the OS path list
// separator, ':' here, as in PATH), one filesystem_mirror block per
// folder, with every other provider installed directly. Listing what the
// mirrors hold rather than hashicorp/aws alone means a provider added to a
// mirror (say hashicorp/kubernetes) is installed from it, as the check
// before init (MissingFromMirror) assumes.
func CLIConfig(mirror, cacheDir string, mirrored []string) string {
	var b strings.Builder
	b.WriteString("# Written by tools/e2e (make validate, make e2e); do not edit.\n")
	fmt.Fprintf(&b, "plugin_cache_dir = %s\n", strconv.Quote(cacheDir))
	// The working directories are throwaway copies: their lock files may
	// record only the checksums of the cached package.
	b.WriteString("plugin_cache_may_break_dependency_lock_file = true\n")
	dirs := filepath.SplitList(mirror)
	if len(dirs) == 0 {
		return b.String()
	}
	// hashicorp/aws always comes from a mirror (CheckMirror checked one
	// holds it), as before: even with no version for this platform, so
	// that terraform init says so instead of trying the registry.
	if !contains(mirrored, awsSource) {
		mirrored = append([]string{awsSource}, mirrored...)
	}
	quote := func(list []string) string {
		q := make([]string, len(list))
		for i, m := range list {
			q[i] = strconv.Quote(m)
		}
		return strings.Join(q, ", ")
	}
	b.WriteString("provider_installation {\n")
	awsPlaced := false
	for _, dir := range dirs {
		include := mirrored
		if len(dirs) > 1 {
			include = nil
			for _, m := range mirrored {
				holds := len(MirrorVersions(dir, m, Platform)) > 0
				if m == awsSource && !awsPlaced && holdsType(dir, m) {
					holds = true
				}
				if holds {
					include = append(include, m)
					if m == awsSource {
						awsPlaced = true
					}
				}
			}
			if len(include) == 0 {
				continue
			}
		}
		fmt.Fprintf(&b, "  filesystem_mirror {\n    path    = %s\n    include = [%s]\n  }\n", strconv.Quote(dir), quote(include))
	}
	fmt.Fprintf(&b, "  direct {\n    exclude = [%s]\n  }\n}\n", quote(mirrored))
	return b.String()
}

// holdsType reports whether the mirror has a folder for the provider
// source, whatever versions are in it.
func holdsType(dir, source string) bool {
	st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(source)))
	return err == nil && st.IsDir()
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

// CheckMirror reports whether mirror (one folder, or several separated by
// ':') looks like filesystem mirrors of which one holds the AWS provider.
func CheckMirror(mirror string) error {
	dirs := filepath.SplitList(mirror)
	for _, d := range dirs {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			return fmt.Errorf("TF_PROVIDER_MIRROR: %s is not a directory: give the folders above registry.terraform.io, separated by ':'", d)
		}
	}
	for _, d := range dirs {
		if holdsType(d, awsSource) {
			return nil
		}
	}
	return fmt.Errorf("TF_PROVIDER_MIRROR=%s has no registry.terraform.io/hashicorp/aws: point it at the folder above registry.terraform.io "+
		"(find / -xdev -name 'terraform-provider-aws_v5*' shows where the provider is; several mirrors are separated by ':'), or leave it empty to install from the registry", mirror)
}

// Terraform runs terraform commands with one CLI configuration, a clean
// environment and a timeout per command.
type Terraform struct {
	CLIConfigFile string
	Timeout       time.Duration
	// LogDir receives one log file per command.
	LogDir string
	seq    int
}

// Result is one finished command.
type Result struct {
	Args     []string
	Output   string
	ExitCode int
	Duration time.Duration
	TimedOut bool
	Log      string
}

// environ returns the environment for terraform: the caller's without
// AWS settings (nothing may point the provider at a real account) or
// Terraform settings that would change what runs where (TF_CLI_ARGS*,
// TF_DATA_DIR, TF_WORKSPACE, another CLI configuration), plus ours.
func (t *Terraform) environ() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") || strings.HasPrefix(k, "TF_CLI_ARGS") || k == "TF_DATA_DIR" ||
			k == "TF_WORKSPACE" || k == "TF_CLI_CONFIG_FILE" || k == "TF_PLUGIN_CACHE_DIR" {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"TF_CLI_CONFIG_FILE="+t.CLIConfigFile,
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"CHECKPOINT_DISABLE=1",
		"AWS_EC2_METADATA_DISABLED=true",
	)
}

// Run runs terraform args in dir. A non-zero exit is not an error (see
// Result.ExitCode); failing to start, a timeout or an interrupt is.
func (t *Terraform) Run(ctx context.Context, dir string, args ...string) (Result, error) {
	t.seq++
	name := fmt.Sprintf("%02d-%s.log", t.seq, args[0])
	res := Result{Args: args}
	if t.LogDir != "" {
		res.Log = filepath.Join(t.LogDir, name)
	}
	out, code, dur, timedOut, err := runGroup(ctx, t.Timeout, dir, t.environ(), res.Log, "terraform", args...)
	res.Output, res.ExitCode, res.Duration, res.TimedOut = out, code, dur, timedOut
	return res, err
}

// gracePeriod is how long a command may take to stop after an interrupt
// (Terraform saves its state) before its process group is killed.
var gracePeriod = 30 * time.Second

// runGroup runs name args in its own process group with a timeout. On the
// timeout or when ctx ends it sends SIGINT to the group (Terraform stops
// gracefully and writes its state), then SIGKILL after gracePeriod, and
// always kills what is left of the group (provider plugins) at the end.
// Output goes to logPath (if set) and is returned.
func runGroup(ctx context.Context, timeout time.Duration, dir string, env []string, logPath, name string, args ...string) (string, int, time.Duration, bool, error) {
	cctx := ctx
	var cancel context.CancelFunc = func() {}
	if timeout > 0 {
		cctx, cancel = context.WithTimeout(ctx, timeout)
	}
	defer cancel()
	var buf bytes.Buffer
	var w io.Writer = &buf
	if logPath != "" {
		if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
			return "", -1, 0, false, err
		}
		f, err := os.Create(logPath)
		if err != nil {
			return "", -1, 0, false, err
		}
		defer f.Close()
		fmt.Fprintf(f, "$ cd %s && %s %s\n", dir, name, strings.Join(args, " "))
		w = io.MultiWriter(&buf, f)
	}
	cmd := exec.CommandContext(cctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout = w
	cmd.Stderr = w
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) }
	cmd.WaitDelay = gracePeriod
	start := time.Now()
	err := cmd.Start()
	if err != nil {
		return "", -1, 0, false, fmt.Errorf("start %s: %w", name, err)
	}
	err = cmd.Wait()
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // leftovers of the group
	dur := time.Since(start)
	out := buf.String()
	timedOut := errors.Is(cctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
	if timedOut {
		return out, -1, dur, true, fmt.Errorf("%s %s timed out after %s", name, args[0], timeout)
	}
	if ctx.Err() != nil {
		return out, -1, dur, false, fmt.Errorf("%s %s: interrupted", name, args[0])
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out, exit.ExitCode(), dur, false, nil
	}
	if err != nil {
		return out, -1, dur, false, err
	}
	return out, 0, dur, false, nil
}

var (
	applyCompleteRe   = regexp.MustCompile(`Apply complete! Resources: (\d+) added, (\d+) changed, (\d+) destroyed`)
	destroyCompleteRe = regexp.MustCompile(`Destroy complete! Resources: (\d+) destroyed`)
)

// AppliedCount returns the "N added" of terraform apply's summary, or -1.
func AppliedCount(out string) int {
	if m := applyCompleteRe.FindStringSubmatch(out); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return -1
}

// DestroyedCount returns the "N destroyed" of terraform destroy's summary,
// or -1.
func DestroyedCount(out string) int {
	if m := destroyCompleteRe.FindStringSubmatch(out); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return -1
}

// ManagedInState returns the managed resource addresses in the output of
// terraform state list (data sources left out).
func ManagedInState(stateList string) []string {
	var out []string
	for _, l := range strings.Split(stateList, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "data.") {
			continue
		}
		out = append(out, l)
	}
	return out
}

// TargetArgs returns -target=ADDR for each address.
func TargetArgs(addrs []string) []string {
	out := make([]string, len(addrs))
	for i, a := range addrs {
		out[i] = "-target=" + a
	}
	return out
}

// copyDir copies the regular files and directories of src into dst.
func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			if d.Name() == ".terraform" {
				return filepath.SkipDir
			}
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, info.Mode().Perm())
	})
}
