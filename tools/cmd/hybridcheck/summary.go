package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/hybridstack/hybridstack/tools/policy"
	"github.com/hybridstack/hybridstack/tools/review"
)

// The job-log summary: one line per stack on standard error, so a CI log
// says what a run found without opening the comment or the artifacts.
// Standard output stays the report (Markdown, JSON, a table or SARIF),
// which the workflows redirect to a file.
//
// A review (hybridcheck diff) writes, per stack in name order,
//
//	hybridcheck: app: +3 ~1 -0 replace 1, 2 high (1 acknowledged), 0 medium, 1 low, $+35.04/mo
//	hybridcheck: batch (new stack): +1 ~0 -0 replace 0, 0 high, 0 medium, 0 low, $+1.00/mo
//	hybridcheck: web: unchanged
//
// (create, update, delete, replace; rename, move and forget only when the
// stack has one; "plan N disagree" with -plan) and a last line over all
// stacks:
//
//	hybridcheck: total: 2 changed, 1 unchanged, 2 high (1 not acknowledged), $+36.04/mo
//
// The rule pack (plain hybridcheck) writes, per stack,
//
//	hybridcheck: app: 2 errors, 1 warning, 0 suppressed

// writeDiffSummary writes the job-log lines of a review to w.
func writeDiffSummary(w io.Writer, rep *review.Report) {
	lines := map[string]string{}
	for _, d := range rep.Stacks {
		lines[d.Stack] = diffSummaryLine(d)
	}
	for _, n := range rep.Unchanged {
		lines[n] = "hybridcheck: " + n + ": unchanged"
	}
	names := make([]string, 0, len(lines))
	for n := range lines {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintln(w, lines[n])
	}
	high := 0
	for _, f := range rep.Findings {
		if f.Severity == review.High {
			high++
		}
	}
	fmt.Fprintf(w, "hybridcheck: total: %d changed, %d unchanged, %d high (%d not acknowledged), %s\n",
		len(rep.Stacks), len(rep.Unchanged), high, rep.Unacknowledged, monthlyDelta(rep.HeadMonthlyUSD-rep.BaseMonthlyUSD))
}

// diffSummaryLine is one changed (added, removed) stack's line.
func diffSummaryLine(d *review.StackDiff) string {
	var b strings.Builder
	b.WriteString("hybridcheck: " + d.Stack)
	switch d.Status {
	case "added":
		b.WriteString(" (new stack)")
	case "removed":
		b.WriteString(" (removed stack)")
	}
	fmt.Fprintf(&b, ": +%d ~%d -%d replace %d", d.Count(review.Create), d.Count(review.Update), d.Count(review.Delete), d.Count(review.Replace))
	for _, a := range []review.Action{review.Rename, review.Move, review.Forget} {
		if n := d.Count(a); n > 0 {
			fmt.Fprintf(&b, " %s %d", a, n)
		}
	}
	count := map[review.Severity]int{}
	acked := 0
	for _, f := range d.Findings {
		count[f.Severity]++
		if f.Severity == review.High && f.Acknowledged {
			acked++
		}
	}
	fmt.Fprintf(&b, ", %d high", count[review.High])
	if acked > 0 {
		fmt.Fprintf(&b, " (%d acknowledged)", acked)
	}
	fmt.Fprintf(&b, ", %d medium, %d low", count[review.Medium], count[review.Low])
	if d.Cost != nil {
		b.WriteString(", " + monthlyDelta(d.Cost.DeltaUSD))
	}
	if d.Plan != nil {
		fmt.Fprintf(&b, ", plan %s", d.Plan.Status)
		if n := len(d.Plan.Disagree); n > 0 {
			fmt.Fprintf(&b, " %d disagree", n)
		}
	}
	return b.String()
}

// monthlyDelta formats a change in monthly cost with its sign, two
// decimals and thousands separators: $+1,234.50/mo, $-3.00/mo, $+0.00/mo.
func monthlyDelta(usd float64) string {
	sign := "+"
	if usd < 0 && math.Abs(usd) >= 0.005 {
		sign = "-"
	}
	whole, frac, _ := strings.Cut(strconv.FormatFloat(math.Abs(usd), 'f', 2, 64), ".")
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	return "$" + sign + whole + "." + frac + "/mo"
}

// writeCheckSummary writes the job-log lines of the rule pack to w: one
// per stack of dirs (those without findings too), in name order.
func writeCheckSummary(w io.Writer, dirs []string, findings []policy.Finding) {
	type tally struct{ errors, warnings, suppressed int }
	per := map[string]*tally{}
	for _, dir := range dirs {
		for _, n := range checkedStacks(dir) {
			per[n] = &tally{}
		}
	}
	for _, f := range findings {
		t := per[f.Stack]
		if t == nil {
			t = &tally{}
			per[f.Stack] = t
		}
		switch {
		case f.Suppressed:
			t.suppressed++
		case f.Severity == policy.Error:
			t.errors++
		default:
			t.warnings++
		}
	}
	names := make([]string, 0, len(per))
	for n := range per {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t := per[n]
		fmt.Fprintf(w, "hybridcheck: %s: %s, %s, %d suppressed\n", n, plural(t.errors, "error"), plural(t.warnings, "warning"), t.suppressed)
	}
}

// checkedStacks names the stacks policy.CheckDir reads in dir: those of
// a cdktf output directory (stacks/NAME/cdk.tf.json), or else of the
// NAME.tf.json files.
func checkedStacks(dir string) []string {
	var names []string
	found, _ := filepath.Glob(filepath.Join(dir, "stacks", "*", "cdk.tf.json"))
	for _, f := range found {
		if st, err := os.Stat(f); err == nil && !st.IsDir() {
			names = append(names, filepath.Base(filepath.Dir(f)))
		}
	}
	if len(names) > 0 {
		return names
	}
	found, _ = filepath.Glob(filepath.Join(dir, "*.tf.json"))
	for _, f := range found {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".tf.json"))
	}
	return names
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
