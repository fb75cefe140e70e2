package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestUsageListsSubcommands: -h and help list every subcommand; help is
// not read as a directory.
func TestUsageListsSubcommands(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"help"}} {
		var out, errOut bytes.Buffer
		if code := run(args, &out, &errOut); code != 0 {
			t.Fatalf("%v: exit %d, want 0 (stderr %s)", args, code, errOut.String())
		}
		text := out.String() + errOut.String()
		for _, want := range []string{"  check ", "  diff ", "  diagram ", "  cost ", "hybridcheck diff [-format markdown|json]"} {
			if !strings.Contains(text, want) {
				t.Errorf("%v: usage lacks %q:\n%s", args, want, text)
			}
		}
		if strings.Contains(text, "no such file") || strings.Contains(text, "hybridcheck: help") {
			t.Errorf("%v: read as a directory:\n%s", args, text)
		}
	}
}

// TestVersion: -version prints the module version, "(devel)" in a test
// binary built from the checkout.
func TestVersion(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"-version"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d (stderr %s)", code, errOut.String())
	}
	if got := out.String(); !strings.HasPrefix(got, "hybridcheck ") || got != "hybridcheck "+moduleVersion()+"\n" {
		t.Errorf("-version printed %q", got)
	}
	if v := moduleVersion(); v == "" {
		t.Error("moduleVersion is empty")
	}
}

// TestDiffUsagePlan: the -plan flag's help names no backquoted command
// (the flag package would take it for the argument's name).
func TestDiffUsagePlan(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := runDiff([]string{"-h"}, &out, &errOut); code != 0 {
		t.Errorf("diff -h: exit %d, want 0", code)
	}
	text := errOut.String()
	if !strings.Contains(text, "-plan string") || !strings.Contains(text, "tools/e2e plan command writes it (repository checkout only)") {
		t.Errorf("diff -h, -plan:\n%s", text)
	}
	if strings.Contains(text, "-plan go run") {
		t.Errorf("diff -h takes the backquoted command for -plan's argument:\n%s", text)
	}
}

// TestExplicitCheck: "check DIR" is the default command named.
func TestExplicitCheck(t *testing.T) {
	dir := t.TempDir()
	writeStack(t, dir, "app", good)
	var out, errOut bytes.Buffer
	if code := run([]string{"check", dir}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "0 errors, 0 warnings, 0 suppressed") {
		t.Errorf("check: exit %d\n%s%s", code, out.String(), errOut.String())
	}
}

// TestAckBaseEntries: with the same file as -ack and -ack-base, its
// entries acknowledge nothing, and stderr and the comment say they were
// already in the base's file rather than asking to list the addresses.
func TestAckBaseEntries(t *testing.T) {
	var out, errOut bytes.Buffer
	ack := "testdata/summary/ack.json"
	code := run([]string{"diff", "-ack", ack, "-ack-base", ack, summaryBase, summaryHead}, &out, &errOut)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (stderr %s)", code, errOut.String())
	}
	if want := "the entry of " + ack + " matching a finding was already in the base's ack file (" + ack + ") and so acknowledges nothing in this change"; !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
	}
	if want := "but those entries were already in the base's ack file and so acknowledge nothing in this change"; !strings.Contains(out.String(), want) {
		t.Errorf("comment lacks %q:\n%s", want, out.String())
	}
}
