package catalog_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/hybridstack/hybridstack/stacks/catalog"
	"github.com/hybridstack/hybridstack/tools/review"
)

const stackDocs = "../../docs/stacks"

// TestStackDocs checks that docs/stacks/STACK.md (diagram, data-bearing
// resources, fixed cost) is what the golden snapshot gives; make snapshots
// (or -update) rewrites them, and a page without a stack is an error.
func TestStackDocs(t *testing.T) {
	stacks, err := review.LoadDir(snapshotDir)
	if err != nil {
		t.Fatal(err)
	}
	rewrite := *update || os.Getenv("UPDATE_SNAPSHOTS") == "1"
	descriptions := map[string]string{}
	for _, e := range catalog.Entries() {
		for _, name := range e.StackNames() {
			descriptions[name] = e.Description
			if name != e.Name {
				descriptions[name] = "One of the stacks of `" + e.Name + "` (" + e.Description + ")"
			}
		}
	}
	names := make([]string, 0, len(stacks))
	for n := range stacks {
		names = append(names, n)
	}
	sort.Strings(names)
	index := "# Reference stacks\n\n<!-- Generated from __snapshots__/ by `make snapshots`; `make test` fails when it drifts. Do not edit. -->\n\n" +
		"Each page draws the stack from its golden snapshot (Mermaid), lists what holds data, and estimates the fixed monthly cost (`tools/review`). " +
		"The in-cluster stacks (-addons, -tenants, -workloads) cost nothing by themselves in Terraform's view: " +
		"the AWS resources their controllers create (load balancers for Ingress and Service objects, EBS volumes for claims) are outside Terraform and not priced.\n\n" +
		"| Stack | Resources | Fixed $/month |\n|---|---:|---:|\n"
	for _, n := range names {
		est := review.EstimateCost(stacks[n], review.DefaultPrices())
		index += fmt.Sprintf("| [%s](%s.md) | %d | %.2f |\n", n, n, len(stacks[n].Resources), est.MonthlyUSD)
	}
	docs := map[string]string{"README": index}
	for _, n := range names {
		want, err := review.StackDoc(stacks[n], descriptions[n], "__snapshots__/"+n+".tf.json", review.DefaultPrices())
		if err != nil {
			t.Fatal(err)
		}
		docs[n] = want
	}
	for _, n := range append([]string{"README"}, names...) {
		want := docs[n]
		path := filepath.Join(stackDocs, n+".md")
		got, _ := os.ReadFile(path)
		if string(got) == want {
			continue
		}
		if rewrite {
			if err := os.MkdirAll(stackDocs, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("%s is not what __snapshots__/ gives; run make snapshots and commit it", path)
	}
	pages, _ := filepath.Glob(filepath.Join(stackDocs, "*.md"))
	for _, p := range pages {
		n := filepath.Base(p)
		n = n[:len(n)-len(".md")]
		if _, ok := stacks[n]; !ok && n != "README" {
			t.Errorf("%s documents no stack of __snapshots__/: delete it", p)
		}
	}
}
