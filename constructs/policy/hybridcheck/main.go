// Command hybridcheck runs the hybridstack security and safety rule pack
// over synthesized stacks: a cdktf output directory (stacks/*/cdk.tf.json)
// or a directory of plain *.tf.json files.
//
//	go run ./constructs/policy/hybridcheck [-format table|json|sarif] [-fail-on error|warning|none] DIR...
//	go run ./constructs/policy/hybridcheck -rules
//
// The exit status is 1 when unsuppressed findings at or above -fail-on
// remain, 2 on bad usage or unreadable input.
//
//	go run ./constructs/policy/hybridcheck diff [-format markdown|json] [-ack FILE] [-plan FILE] [-diagrams] BASE_DIR HEAD_DIR
//
// reviews a change: what each stack's resources do between two sets of
// synthesized stacks (snapshot directories, cdktf output directories, or
// directories holding either), with probable renames and their fix,
// replacements, risk findings, the change in fixed monthly cost and, with
// -plan, Terraform's own actions from `go run ./scripts/e2e plan`. The exit
// status is 1 when a high-risk change is not acknowledged in the -ack file.
//
//	go run ./constructs/policy/hybridcheck diagram DIR STACK
//	go run ./constructs/policy/hybridcheck cost DIR [STACK]
//
// print a stack's Mermaid diagram, or its fixed monthly cost estimate.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hybridstack/hybridstack/constructs/policy"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "diff":
			return runDiff(args[1:], stdout, stderr)
		case "diagram":
			return runDiagram(args[1:], stdout, stderr)
		case "cost":
			return runCost(args[1:], stdout, stderr)
		}
	}
	fs := flag.NewFlagSet("hybridcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "table", "output format: table, json or sarif")
	failOn := fs.String("fail-on", "error", "exit 1 on unsuppressed findings of this severity or worse: error, warning or none")
	listRules := fs.Bool("rules", false, "print the rule list as Markdown and exit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *listRules {
		fmt.Fprint(stdout, policy.RulesMarkdown())
		return 0
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: hybridcheck [-format table|json|sarif] [-fail-on error|warning|none] DIR...")
		return 2
	}
	var findings []policy.Finding
	files := map[string]string{}
	for _, dir := range fs.Args() {
		f, err := policy.CheckDir(dir)
		if err != nil {
			fmt.Fprintln(stderr, "hybridcheck:", err)
			return 2
		}
		for _, x := range f {
			if _, ok := files[x.Stack]; !ok {
				p := filepath.Join(dir, "stacks", x.Stack, "cdk.tf.json")
				if _, err := os.Stat(p); err != nil {
					p = filepath.Join(dir, x.Stack+".tf.json")
				}
				files[x.Stack] = filepath.ToSlash(p)
			}
		}
		findings = append(findings, f...)
	}
	var err error
	switch *format {
	case "table":
		err = policy.WriteTable(stdout, findings)
	case "json":
		err = policy.WriteJSON(stdout, findings)
	case "sarif":
		err = policy.WriteSARIF(stdout, findings, func(stack string) string { return files[stack] })
	default:
		fmt.Fprintf(stderr, "hybridcheck: -format %q is not table, json or sarif\n", *format)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "hybridcheck:", err)
		return 2
	}
	for _, f := range findings {
		if f.Suppressed {
			continue
		}
		if (*failOn == "error" && f.Severity == policy.Error) || (*failOn == "warning") {
			return 1
		}
	}
	if *failOn != "error" && *failOn != "warning" && *failOn != "none" {
		fmt.Fprintf(stderr, "hybridcheck: -fail-on %q is not error, warning or none\n", *failOn)
		return 2
	}
	return 0
}
