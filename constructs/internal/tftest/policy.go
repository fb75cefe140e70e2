package tftest

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// Finding is one finding of the toolchain's rule pack, as
// `hybridcheck -format json` prints it.
type Finding struct {
	RuleID            string `json:"rule"`
	Severity          string `json:"severity"`
	Stack             string `json:"stack"`
	Address           string `json:"address"`
	Path              string `json:"path"`
	Message           string `json:"message"`
	Fix               string `json:"fix"`
	Suppressed        bool   `json:"suppressed"`
	SuppressionReason string `json:"suppression_reason"`
}

// Failing reports whether the finding fails a check: an unsuppressed error.
func (f Finding) Failing() bool { return f.Severity == "error" && !f.Suppressed }

var (
	checkerOnce sync.Once
	checkerPath string
	checkerErr  error
)

// hybridcheck builds the toolchain's command once per test binary. The
// toolchain is its own module (tools/), which the library does not
// require: a library test reaches it through the repository's go.work,
// the way a user runs hybridcheck over their synthesized stacks.
func hybridcheck(t testing.TB) string {
	t.Helper()
	checkerOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hybridcheck-")
		if err != nil {
			checkerErr = err
			return
		}
		checkerPath = filepath.Join(dir, "hybridcheck")
		cmd := exec.Command("go", "build", "-o", checkerPath, "github.com/hybridstack/hybridstack/tools/cmd/hybridcheck")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			checkerErr = &buildError{err: err, out: out.String()}
		}
	})
	if checkerErr != nil {
		t.Fatalf("building the rule pack's command (tools/cmd/hybridcheck; library tests need the repository's go.work): %v", checkerErr)
	}
	return checkerPath
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// Check runs the rule pack over one stack's synthesized JSON (as stack
// "test") and returns every finding, suppressed ones included.
func Check(t testing.TB, stackJSON []byte) []Finding {
	t.Helper()
	bin := hybridcheck(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "test.tf.json"), stackJSON, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-format", "json", "-fail-on", "none", dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("hybridcheck: %v\n%s", err, stderr.String())
	}
	var findings []Finding
	if err := json.Unmarshal(stdout.Bytes(), &findings); err != nil {
		t.Fatalf("hybridcheck -format json: %v\n%s", err, stdout.String())
	}
	return findings
}

// Failing returns the findings that fail a check.
func Failing(findings []Finding) []Finding {
	var out []Finding
	for _, f := range findings {
		if f.Failing() {
			out = append(out, f)
		}
	}
	return out
}
