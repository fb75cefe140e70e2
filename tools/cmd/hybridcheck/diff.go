package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/hybridstack/hybridstack/tools/review"
)

// runDiff is the diff subcommand: exit 0 when the change has no
// unacknowledged high-risk finding, 1 when it has, 2 on bad usage or
// input.
func runDiff(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hybridcheck diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "markdown", "output format: markdown (a pull-request comment) or json")
	ackPath := fs.String("ack", "", "acknowledgement file: high-risk changes it lists, with a reason, do not fail the review")
	ackBase := fs.String("ack-base", "", "the acknowledgement file as the base had it: its unchanged entries acknowledge nothing in this change")
	planPath := fs.String("plan", "", "Terraform's own plan of the head against the applied base, as the tools/e2e plan command writes it (repository checkout only), to show next to the static analysis")
	diagrams := fs.Bool("diagrams", true, "draw each changed stack's changed neighbourhood as Mermaid (markdown)")
	requireAgreement := fs.Bool("require-plan-agreement", false, "with -plan: also exit 1 when Terraform's plan and the static analysis disagree")
	maxBytes := fs.Int("max-bytes", 65000, "bound the Markdown to this many bytes (a GitHub comment takes 65,536): diagrams, then details, are left out; 0: no bound")
	fullReport := fs.String("full-report", "", "where the unabridged report is, named in the note when details are left out")
	jsonOut := fs.String("json-out", "", "also write the JSON report to this file")
	baseName := fs.String("base-name", "", "name of the base in the report (default: BASE_DIR)")
	headName := fs.String("head-name", "", "name of the head in the report (default: HEAD_DIR)")
	broadening := fs.Bool("broadening", false, "fail on every new or widened ingress rule and every new IAM grant until the -ack file lists it")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: hybridcheck diff [-format markdown|json] [-ack FILE] [-plan FILE] [-broadening] [-diagrams=false] BASE_DIR HEAD_DIR")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return 2
	}
	if *format != "markdown" && *format != "json" {
		fmt.Fprintf(stderr, "hybridcheck diff: -format %q is not markdown or json\n", *format)
		return 2
	}
	baseDir, headDir := fs.Arg(0), fs.Arg(1)
	base, err := review.LoadDir(baseDir)
	if err != nil {
		fmt.Fprintln(stderr, "hybridcheck diff: base:", err)
		return 2
	}
	head, err := review.LoadDir(headDir)
	if err != nil {
		fmt.Fprintln(stderr, "hybridcheck diff: head:", err)
		return 2
	}
	opts := review.Options{Broadening: *broadening}
	if *ackPath != "" {
		if opts.Acks, err = review.ReadAckFile(*ackPath); err != nil {
			fmt.Fprintln(stderr, "hybridcheck diff:", err)
			return 2
		}
		if *ackBase != "" {
			// The base's file may predate today's format: entries it
			// holds are only compared, never checked.
			if data, err := os.ReadFile(*ackBase); err == nil {
				var old review.AckFile
				if json.Unmarshal(data, &old) == nil {
					opts.Acks = opts.Acks.Without(&old)
				}
			}
		}
	}
	if *planPath != "" {
		if opts.Plan, err = review.ReadPlanFile(*planPath); err != nil {
			fmt.Fprintln(stderr, "hybridcheck diff:", err)
			return 2
		}
	}
	if *baseName == "" {
		*baseName = baseDir
	}
	if *headName == "" {
		*headName = headDir
	}
	rep := review.Compare(*baseName, *headName, base, head, opts)
	// One line per stack on stderr: the job log's summary (summary.go).
	writeDiffSummary(stderr, rep)
	if *format == "json" {
		err = rep.WriteJSON(stdout)
	} else {
		md := review.MarkdownOptions{Diagrams: *diagrams, MaxBytes: *maxBytes, FullReport: *fullReport}
		if *ackPath != "" {
			md.AckPath = *ackPath
		}
		err = rep.WriteMarkdown(stdout, md)
	}
	if err == nil && *jsonOut != "" {
		var f *os.File
		if f, err = os.Create(*jsonOut); err == nil {
			err = rep.WriteJSON(f)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "hybridcheck diff:", err)
		return 2
	}
	code := 0
	if rep.Unacknowledged > 0 {
		fmt.Fprintf(stderr, "hybridcheck diff: %d high-risk change(s) not acknowledged\n", rep.Unacknowledged)
		if len(rep.BaseAcks) > 0 {
			what := fmt.Sprintf("%d entries of %s matching findings were", len(rep.BaseAcks), *ackPath)
			if len(rep.BaseAcks) == 1 {
				what = fmt.Sprintf("the entry of %s matching a finding was", *ackPath)
			}
			fmt.Fprintf(stderr, "hybridcheck diff: %s already in the base's ack file (%s) and so acknowledge%s nothing in this change\n", what, *ackBase, map[bool]string{true: "s", false: ""}[len(rep.BaseAcks) == 1])
		}
		code = 1
	}
	if len(rep.StaleAcks) > 0 {
		fmt.Fprintf(stderr, "hybridcheck diff: %d acknowledgement(s) match no finding of this change: remove them\n", len(rep.StaleAcks))
		code = 1
	}
	if *requireAgreement && rep.Disagreements() > 0 {
		fmt.Fprintf(stderr, "hybridcheck diff: the real plan and the static analysis disagree on %d resource(s)\n", rep.Disagreements())
		code = 1
	}
	return code
}

// runDiagram prints one stack's Mermaid diagram.
func runDiagram(args []string, stdout, stderr io.Writer) int {
	stacks, name, code := loadOne(args, stderr, "diagram DIR STACK", true)
	if code != 0 {
		return code
	}
	fmt.Fprint(stdout, review.Mermaid(stacks[name]))
	return 0
}

// runCost prints the fixed monthly cost of one stack, or of each.
func runCost(args []string, stdout, stderr io.Writer) int {
	stacks, name, code := loadOne(args, stderr, "cost DIR [STACK]", false)
	if code != 0 {
		return code
	}
	names := []string{name}
	if name == "" {
		names = names[:0]
		for n := range stacks {
			names = append(names, n)
		}
		sort.Strings(names)
	}
	for i, n := range names {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		fmt.Fprintf(stdout, "### %s\n\n", n)
		if err := review.WriteCostMarkdown(stdout, review.EstimateCost(stacks[n], review.DefaultPrices())); err != nil {
			fmt.Fprintln(stderr, "hybridcheck cost:", err)
			return 2
		}
	}
	return 0
}

func loadOne(args []string, stderr io.Writer, usage string, needStack bool) (map[string]*review.Stack, string, int) {
	if len(args) < 1 || len(args) > 2 || (needStack && len(args) != 2) {
		fmt.Fprintln(stderr, "usage: hybridcheck "+usage)
		return nil, "", 2
	}
	stacks, err := review.LoadDir(args[0])
	if err != nil {
		fmt.Fprintln(stderr, "hybridcheck:", err)
		return nil, "", 2
	}
	name := ""
	if len(args) == 2 {
		name = args[1]
		if _, ok := stacks[name]; !ok {
			var have []string
			for n := range stacks {
				have = append(have, n)
			}
			sort.Strings(have)
			fmt.Fprintf(stderr, "hybridcheck: %s has no stack %q; it has %v\n", args[0], name, have)
			return nil, "", 2
		}
	}
	return stacks, name, 0
}
