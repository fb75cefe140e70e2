// Command hybridstack is the cdktf app: it synthesizes every reference stack
// (or the one named by -stack or STACK) into cdktf.out with built-in
// defaults, and needs no AWS credentials. Invalid configuration is reported
// in full, nothing is written, and the exit status is 1.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/stacks/base"
	"github.com/hybridstack/hybridstack/stacks/catalog"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("hybridstack", flag.ContinueOnError)
	stack := fs.String("stack", os.Getenv("STACK"), "synthesize only these stacks (comma-separated); default: all of "+strings.Join(catalog.Names(), ", "))
	list := fs.Bool("list", false, "list the reference stacks and exit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *list {
		for _, e := range catalog.Entries() {
			fmt.Printf("%-22s %s\n", e.Name, e.Description)
		}
		return 0
	}
	var names []string
	if *stack != "" {
		names = strings.Split(*stack, ",")
	}
	selected, err := catalog.Select(names)
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		return 2
	}

	// cdktf-cli sets CDKTF_OUTDIR; make synth and go run use cdktf.out.
	outdir := os.Getenv("CDKTF_OUTDIR")
	if outdir == "" {
		outdir = "cdktf.out"
	}
	results, err := catalog.Synth(outdir, selected, func(app cdktf.App) (base.Settings, error) {
		return base.FromEnvironment(os.LookupEnv, app.Node())
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "synth failed; nothing was written. Problems:")
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintln(os.Stderr, "  -", line)
		}
		return 1
	}
	for _, r := range results {
		fmt.Printf("%-37s %4d resources  %s\n", r.Name, r.Resources, r.Dir)
		for _, w := range r.Warnings {
			fmt.Fprintf(os.Stderr, "warning: %s: %s\n", r.Name, w)
		}
		var rules []string
		for _, f := range r.Findings {
			if !f.Suppressed {
				rules = append(rules, f.RuleID)
			}
		}
		if len(rules) > 0 {
			fmt.Fprintf(os.Stderr, "policy: %s: %d warnings (%s); details: go run ./tools/cmd/hybridcheck %s\n", r.Name, len(rules), strings.Join(rules, ", "), outdir)
		}
	}
	return 0
}
