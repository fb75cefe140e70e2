// Command hybridcheck runs the hybridstack security and safety rule pack
// over synthesized stacks: a cdktf output directory (stacks/*/cdk.tf.json)
// or a directory of plain *.tf.json files.
//
//	go run ./tools/cmd/hybridcheck [check] [-format table|json|sarif] [-fail-on error|warning|none] DIR...
//	go run ./tools/cmd/hybridcheck -rules
//	go run ./tools/cmd/hybridcheck -version
//	go run ./tools/cmd/hybridcheck help
//
// The exit status is 1 when unsuppressed findings at or above -fail-on
// remain, 2 on bad usage or unreadable input.
//
//	go run ./tools/cmd/hybridcheck diff [-format markdown|json] [-ack FILE] [-plan FILE] [-diagrams] BASE_DIR HEAD_DIR
//
// reviews a change: what each stack's resources do between two sets of
// synthesized stacks (snapshot directories, cdktf output directories, or
// directories holding either), with probable renames and their fix,
// replacements, risk findings, the change in fixed monthly cost and, with
// -plan, Terraform's own actions from `go run ./tools/e2e plan`. The exit
// status is 1 when a high-risk change is not acknowledged in the -ack file.
//
//	go run ./tools/cmd/hybridcheck diagram DIR STACK
//	go run ./tools/cmd/hybridcheck cost DIR [STACK]
//
// print a stack's Mermaid diagram, or its fixed monthly cost estimate.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/hybridstack/hybridstack/tools/policy"
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
		case "help":
			writeUsage(stdout, nil)
			return 0
		case "check":
			args = args[1:]
		}
	}
	fs := flag.NewFlagSet("hybridcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "table", "output format: table, json or sarif")
	failOn := fs.String("fail-on", "error", "exit 1 on unsuppressed findings of this severity or worse: error, warning or none")
	listRules := fs.Bool("rules", false, "print the rule list as Markdown and exit")
	version := fs.Bool("version", false, "print the module version and exit")
	fs.Usage = func() { writeUsage(stderr, fs) }
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if *version {
		fmt.Fprintln(stdout, "hybridcheck", moduleVersion())
		return 0
	}
	if *listRules {
		fmt.Fprint(stdout, policy.RulesMarkdown())
		return 0
	}
	if fs.NArg() == 0 {
		writeUsage(stderr, nil)
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
	// One line per stack on stderr: the job log's summary (summary.go).
	writeCheckSummary(stderr, fs.Args(), findings)
	for _, f := range findings {
		if f.Suppressed {
			continue
		}
		if (*failOn == "error" && f.Severity == policy.Error) || (*failOn == "warning" && f.Severity != policy.Info) {
			return 1
		}
	}
	if *failOn != "error" && *failOn != "warning" && *failOn != "none" {
		fmt.Fprintf(stderr, "hybridcheck: -fail-on %q is not error, warning or none\n", *failOn)
		return 2
	}
	return 0
}

// usage lists the subcommands; check (the rule pack) is the default.
const usage = `usage: hybridcheck [check] [-format table|json|sarif] [-fail-on error|warning|none] DIR...
       hybridcheck diff [-format markdown|json] [-ack FILE] [-plan FILE] [-broadening] [-diagrams=false] BASE_DIR HEAD_DIR
       hybridcheck diagram DIR STACK
       hybridcheck cost DIR [STACK]
       hybridcheck -rules | -version | help

subcommands:
  check    run the security and safety rule pack over synthesized stacks (the default)
  diff     review a change between two sets of synthesized stacks
  diagram  print one stack's Mermaid diagram
  cost     print the fixed monthly cost estimate of one stack, or of each

"hybridcheck diff -h" lists the diff flags.
`

// writeUsage prints the subcommands and, with fs, the check flags.
func writeUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, usage)
	if fs != nil {
		fmt.Fprintln(w, "\ncheck flags:")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
}

// moduleVersion is the version of the main module the binary was built
// from: a tag with go install …@version, "(devel)" from a checkout.
func moduleVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok || info.Main.Version == "" {
		return "(devel)"
	}
	return info.Main.Version
}
