package main

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestCLIConfig(t *testing.T) {
	with := CLIConfig("/opt/tf-plugins", "/repo/.e2e/plugin-cache", nil)
	for _, want := range []string{
		`plugin_cache_dir = "/repo/.e2e/plugin-cache"`,
		`path    = "/opt/tf-plugins"`,
		`include = ["registry.terraform.io/hashicorp/aws"]`,
		`exclude = ["registry.terraform.io/hashicorp/aws"]`,
	} {
		if !strings.Contains(with, want) {
			t.Errorf("config with a mirror lacks %q:\n%s", want, with)
		}
	}
	// Whatever else the mirror holds is installed from it, never directly.
	more := CLIConfig("/m", "/c", []string{"registry.terraform.io/hashicorp/helm", "registry.terraform.io/hashicorp/kubernetes"})
	for _, want := range []string{
		`include = ["registry.terraform.io/hashicorp/aws", "registry.terraform.io/hashicorp/helm", "registry.terraform.io/hashicorp/kubernetes"]`,
		`exclude = ["registry.terraform.io/hashicorp/aws", "registry.terraform.io/hashicorp/helm", "registry.terraform.io/hashicorp/kubernetes"]`,
	} {
		if !strings.Contains(more, want) {
			t.Errorf("config with a mirror of three providers lacks %q:\n%s", want, more)
		}
	}
	without := CLIConfig("", "/c", nil)
	if strings.Contains(without, "provider_installation") {
		t.Errorf("config without a mirror installs from a mirror:\n%s", without)
	}
	if !strings.Contains(without, `plugin_cache_dir = "/c"`) {
		t.Errorf("config without a mirror has no cache:\n%s", without)
	}
}

func TestCheckMirror(t *testing.T) {
	dir := t.TempDir()
	if err := CheckMirror(dir); err == nil || !strings.Contains(err.Error(), "folder above registry.terraform.io") {
		t.Errorf("empty mirror: %v", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "registry.terraform.io", "hashicorp", "aws"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := CheckMirror(dir); err != nil {
		t.Errorf("mirror: %v", err)
	}
}

func TestOutputParsers(t *testing.T) {
	if got := AppliedCount("...\nApply complete! Resources: 63 added, 0 changed, 0 destroyed.\n"); got != 63 {
		t.Errorf("AppliedCount = %d", got)
	}
	if got := AppliedCount("Error: boom"); got != -1 {
		t.Errorf("AppliedCount of a failure = %d", got)
	}
	if got := DestroyedCount("Destroy complete! Resources: 37 destroyed.\n"); got != 37 {
		t.Errorf("DestroyedCount = %d", got)
	}
	if got := ManagedInState("data.aws_region.r\naws_vpc.v\n\naws_subnet.s[0]\n"); !reflect.DeepEqual(got, []string{"aws_vpc.v", "aws_subnet.s[0]"}) {
		t.Errorf("ManagedInState = %v", got)
	}
	if got := TargetArgs([]string{"a.b", "c.d"}); !reflect.DeepEqual(got, []string{"-target=a.b", "-target=c.d"}) {
		t.Errorf("TargetArgs = %v", got)
	}
}

func TestRunGroupTimeoutKillsTheGroup(t *testing.T) {
	old := gracePeriod
	gracePeriod = 500 * time.Millisecond
	defer func() { gracePeriod = old }()
	dir := t.TempDir()
	marker := filepath.Join(dir, "survived")
	// The background child ignores SIGINT (as in any non-interactive
	// shell); only the final kill of the group stops it.
	script := "(sleep 2; touch " + marker + ") & echo started; sleep 30"
	start := time.Now()
	out, _, _, timedOut, err := runGroup(context.Background(), 300*time.Millisecond, dir, os.Environ(), "", "sh", "-c", script)
	if !timedOut || err == nil {
		t.Fatalf("timedOut=%v err=%v", timedOut, err)
	}
	if !strings.Contains(out, "started") {
		t.Errorf("output %q", out)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
	time.Sleep(2500 * time.Millisecond)
	if _, err := os.Stat(marker); err == nil {
		t.Error("a child of the timed-out command survived")
	}
}

func TestRunGroupExitCode(t *testing.T) {
	out, code, _, timedOut, err := runGroup(context.Background(), time.Minute, t.TempDir(), os.Environ(), filepath.Join(t.TempDir(), "x.log"), "sh", "-c", "echo hi; exit 3")
	if err != nil || timedOut || code != 3 || strings.TrimSpace(out) != "hi" {
		t.Errorf("out=%q code=%d timedOut=%v err=%v", out, code, timedOut, err)
	}
}

func TestCopyDir(t *testing.T) {
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "copy")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(src, "assets", "fn"), 0o755))
	must(os.MkdirAll(filepath.Join(src, ".terraform"), 0o755))
	must(os.WriteFile(filepath.Join(src, "cdk.tf.json"), []byte("{}"), 0o644))
	must(os.WriteFile(filepath.Join(src, "assets", "fn", "code.zip"), []byte("zip"), 0o644))
	must(os.WriteFile(filepath.Join(src, ".terraform", "big"), []byte("x"), 0o644))
	must(copyDir(src, dst))
	if b, err := os.ReadFile(filepath.Join(dst, "assets", "fn", "code.zip")); err != nil || string(b) != "zip" {
		t.Errorf("asset: %q %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(dst, ".terraform")); err == nil {
		t.Error(".terraform copied")
	}
}

func TestStackDirs(t *testing.T) {
	out := t.TempDir()
	for _, s := range []string{"b", "a"} {
		if err := os.MkdirAll(filepath.Join(out, "stacks", s), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, "stacks", s, "cdk.tf.json"), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(out, "stacks", "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := stackDirs(out, ""); err != nil || !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("all: %v %v", got, err)
	}
	if got, err := stackDirs(out, "b"); err != nil || !reflect.DeepEqual(got, []string{"b"}) {
		t.Errorf("one: %v %v", got, err)
	}
	if _, err := stackDirs(out, "b,zz"); err == nil || !strings.Contains(err.Error(), "zz") {
		t.Errorf("unknown: %v", err)
	}
	if _, err := stackDirs(t.TempDir(), ""); err == nil {
		t.Error("no stacks: no error")
	}
}

func TestInstallHint(t *testing.T) {
	if h := installHint("Error: Failed to query available provider packages\n\nCould not retrieve the list of available versions for provider hashicorp/aws: could not connect to registry.terraform.io"); !strings.Contains(h, "TF_PROVIDER_MIRROR") {
		t.Errorf("hint: %q", h)
	}
	if h := installHint("Error: Unsupported argument"); h != "" {
		t.Errorf("hint for a config error: %q", h)
	}
}
