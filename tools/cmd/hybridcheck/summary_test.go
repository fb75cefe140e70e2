package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/tools/review"
)

// The fixture: app changes (a NAT gateway added, a topic deleted, a
// bucket replaced, two queues and a key updated, the key's deletion
// window shortened), batch is new, legacy is removed, web is unchanged;
// ack.json acknowledges the deleted topic.
const (
	summaryBase = "testdata/summary/base"
	summaryHead = "testdata/summary/head"
)

// TestDiffSummaryLines asserts the exact job-log lines of a review: one per
// stack, in name order, then the total and the exit-status reason.
func TestDiffSummaryLines(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"diff", "-ack", "testdata/summary/ack.json", summaryBase, summaryHead}, &out, &errOut)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (two high findings are not acknowledged); stderr:\n%s", code, errOut.String())
	}
	want := []string{
		"hybridcheck: app: +1 ~3 -1 replace 1, 2 high (1 acknowledged), 1 medium, 0 low, $+35.04/mo",
		"hybridcheck: batch (new stack): +1 ~0 -0 replace 0, 0 high, 0 medium, 0 low, $+1.00/mo",
		"hybridcheck: legacy (removed stack): +0 ~0 -1 replace 0, 1 high, 0 medium, 0 low, $+0.00/mo",
		"hybridcheck: web: unchanged",
		"hybridcheck: total: 3 changed, 1 unchanged, 3 high (2 not acknowledged), $+36.04/mo",
		"hybridcheck diff: 2 high-risk change(s) not acknowledged",
	}
	got := strings.Split(strings.TrimSuffix(errOut.String(), "\n"), "\n")
	if len(got) != len(want) {
		t.Fatalf("stderr has %d lines, want %d:\n%s", len(got), len(want), errOut.String())
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("stderr line %d:\n got %q\nwant %q", i+1, got[i], want[i])
		}
	}
	// The summary goes to the job log only: the comment on stdout has none.
	if strings.Contains(out.String(), "hybridcheck: ") {
		t.Errorf("stdout holds a summary line:\n%s", out.String())
	}
	// The JSON format writes the same lines.
	out.Reset()
	errOut.Reset()
	run([]string{"diff", "-format", "json", "-ack", "testdata/summary/ack.json", summaryBase, summaryHead}, &out, &errOut)
	if got := strings.Split(strings.TrimSuffix(errOut.String(), "\n"), "\n"); len(got) != len(want) || got[0] != want[0] {
		t.Errorf("-format json: stderr:\n%s", errOut.String())
	}
}

// TestDiffSummaryLineOptionalParts covers what the fixture lacks: renames,
// moves and forgotten resources appear only when present, and the real
// plan's verdict with -plan.
func TestDiffSummaryLineOptionalParts(t *testing.T) {
	d := &review.StackDiff{
		Stack:  "orders",
		Status: "changed",
		Changes: []review.ResourceChange{
			{Address: "aws_sqs_queue.a", Action: review.Rename},
			{Address: "aws_sqs_queue.b", Action: review.Rename},
			{Address: "aws_sqs_queue.c", Action: review.Forget},
			{Address: "aws_sqs_queue.d", Action: review.Update},
		},
		Findings: []review.Finding{{Severity: review.Low}, {Severity: review.Medium}, {Severity: review.Low}},
		Cost:     &review.CostDelta{DeltaUSD: -1234.5},
		Plan:     &review.PlanStatus{Status: "planned", Disagree: []review.PlanDisagreement{{Address: "aws_sqs_queue.d"}}},
	}
	want := "hybridcheck: orders: +0 ~1 -0 replace 0 rename 2 forget 1, 0 high, 1 medium, 2 low, $-1,234.50/mo, plan planned 1 disagree"
	if got := diffSummaryLine(d); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestMonthlyDelta(t *testing.T) {
	for _, tc := range []struct {
		usd  float64
		want string
	}{
		{0, "$+0.00/mo"},
		{-0.001, "$+0.00/mo"},
		{12.4, "$+12.40/mo"},
		{-3, "$-3.00/mo"},
		{999.995, "$+1,000.00/mo"},
		{1234567.891, "$+1,234,567.89/mo"},
	} {
		if got := monthlyDelta(tc.usd); got != tc.want {
			t.Errorf("monthlyDelta(%v) = %q, want %q", tc.usd, got, tc.want)
		}
	}
}

// TestCheckSummaryLines asserts the rule pack's job-log lines: every stack
// of the directory, the clean one too.
func TestCheckSummaryLines(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"-fail-on", "none", summaryHead}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d, want 0; stderr:\n%s", code, errOut.String())
	}
	want := "hybridcheck: app: 10 errors, 4 warnings, 0 suppressed\n" +
		"hybridcheck: batch: 1 error, 0 warnings, 0 suppressed\n" +
		"hybridcheck: web: 0 errors, 0 warnings, 0 suppressed\n"
	if errOut.String() != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", errOut.String(), want)
	}
	// A cdktf output directory (stacks/NAME/cdk.tf.json) names its stacks
	// by folder.
	dir := t.TempDir()
	writeStack(t, dir, "clean", good)
	errOut.Reset()
	if code := run([]string{"-format", "json", dir}, &out, &errOut); code != 0 || errOut.String() != "hybridcheck: clean: 0 errors, 0 warnings, 0 suppressed\n" {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
}
