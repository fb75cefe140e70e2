package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// capture runs run(args) with stdout and stderr captured.
func capture(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	oldOut, oldErr := os.Stdout, os.Stderr
	rOut, wOut, _ := os.Pipe()
	rErr, wErr, _ := os.Pipe()
	os.Stdout, os.Stderr = wOut, wErr
	done := make(chan [2]string)
	go func() {
		var o, e bytes.Buffer
		_, _ = io.Copy(&o, rOut)
		_, _ = io.Copy(&e, rErr)
		done <- [2]string{o.String(), e.String()}
	}()
	code = run(args)
	wOut.Close()
	wErr.Close()
	os.Stdout, os.Stderr = oldOut, oldErr
	got := <-done
	return code, got[0], got[1]
}

func TestRunInvalidWritesNothingAndFails(t *testing.T) {
	out := filepath.Join(t.TempDir(), "cdktf.out")
	t.Setenv("CDKTF_OUTDIR", out)
	t.Setenv("HYBRIDSTACK_REGION", "moon-1")
	t.Setenv("HYBRIDSTACK_STATE_BUCKET", "UPPER")
	code, _, stderr := capture(t)
	if code != 1 {
		t.Fatalf("exit status %d, want 1", code)
	}
	for _, w := range []string{
		"synth failed; nothing was written",
		`stack "platform": Region (HYBRIDSTACK_REGION) "moon-1" is not an AWS Region name`,
		`stack "platform": StateBucket (HYBRIDSTACK_STATE_BUCKET) "UPPER" is not an S3 bucket name`,
	} {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr does not contain %q:\n%s", w, stderr)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s exists after a failed synth", out)
	}
}

func TestRunOneStack(t *testing.T) {
	out := filepath.Join(t.TempDir(), "cdktf.out")
	t.Setenv("CDKTF_OUTDIR", out)
	code, stdout, stderr := capture(t, "-stack", "platform")
	if code != 0 {
		t.Fatalf("exit status %d:\n%s", code, stderr)
	}
	// -stack platform selects the entry, which builds the platform stack
	// and its add-ons stack (joined by cross-stack references).
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	for i, name := range []string{"platform", "platform-addons"} {
		if i >= len(lines) {
			t.Fatalf("no summary line for %s in %q", name, stdout)
		}
		fields := strings.Fields(lines[i])
		if len(fields) != 4 || fields[0] != name || fields[2] != "resources" || fields[3] != filepath.Join(out, "stacks", name) {
			t.Errorf("summary line = %q", lines[i])
		}
		if _, err := os.Stat(filepath.Join(out, "stacks", name, "cdk.tf.json")); err != nil {
			t.Error(err)
		}
	}
	if len(lines) != 2 {
		t.Errorf("summary = %q; want two lines", stdout)
	}
}

func TestRunUnknownStack(t *testing.T) {
	code, _, stderr := capture(t, "-stack", "nope")
	if code != 2 || !strings.Contains(stderr, "unknown stack nope; known stacks: platform") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
