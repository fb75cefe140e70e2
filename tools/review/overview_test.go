package review

import (
	"strings"
	"testing"
)

// TestMermaidOverviewAggregates: one node per top-level construct with its
// resource count, one arrow per pair of constructs labelled with the
// references it stands for, none inside a construct.
func TestMermaidOverviewAggregates(t *testing.T) {
	s, err := Parse("app", []byte(`{"resource": {
	  "aws_s3_bucket": {"b": {"//": {"metadata": {"path": "app/store/bucket"}}, "bucket": "x"}},
	  "aws_kms_key": {"k": {"//": {"metadata": {"path": "app/store/key"}}}},
	  "aws_iam_role": {"r": {"//": {"metadata": {"path": "app/worker/role"}}, "name": "r"}},
	  "aws_iam_role_policy": {"p": {"//": {"metadata": {"path": "app/worker/policy"}}, "role": "${aws_iam_role.r.id}",
	    "policy": "{\"Statement\":[{\"Resource\":[\"${aws_s3_bucket.b.arn}\",\"${aws_kms_key.k.arn}\"]}]}"}},
	  "aws_s3_bucket_policy": {"bp": {"//": {"metadata": {"path": "app/store/policy"}}, "bucket": "${aws_s3_bucket.b.id}", "policy": "${aws_iam_role.r.arn}"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	text, nodes, edges := MermaidOverview(s)
	if nodes != 2 || edges != 2 {
		t.Fatalf("want 2 nodes and 2 edges, got %d, %d:\n%s", nodes, edges, text)
	}
	for _, want := range []string{
		`c_store[("store<br/>3 resources")]`,
		`c_worker["worker<br/>2 resources"]`,
		"c_worker -->|2| c_store",
		"c_store --> c_worker",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("overview lacks %q:\n%s", want, text)
		}
	}
}

// TestMermaidOverviewSnapshots: every snapshot stack's overview has at
// most overviewMaxNodes nodes and fewer than its every-resource diagram;
// the largest (by resources) folds its smallest constructs into "other
// constructs".
func TestMermaidOverviewSnapshots(t *testing.T) {
	stacks, err := LoadDir("../..")
	if err != nil {
		t.Fatal(err)
	}
	if len(stacks) < 10 {
		t.Fatalf("want the reference stacks' snapshots, got %d", len(stacks))
	}
	// The largest stack by resources (the diagram's nodes), not bytes: an
	// add-ons stack carrying CRDs is large in bytes but has few constructs.
	name, most := "", 0
	for n, s := range stacks {
		if dn, _ := mermaidCounts(Mermaid(s)); dn > most {
			name, most = n, dn
		}
	}
	for n, s := range stacks {
		text, nodes, edges := MermaidOverview(s)
		dn, de := mermaidCounts(Mermaid(s))
		if nodes > overviewMaxNodes || nodes == 0 || nodes >= dn || edges > de {
			t.Errorf("%s: overview %d nodes, %d edges; every resource %d nodes, %d edges", n, nodes, edges, dn, de)
		}
		if gn, ge := mermaidCounts(text); gn != nodes || ge != edges {
			t.Errorf("%s: counted %d nodes, %d edges in the text, MermaidOverview says %d, %d", n, gn, ge, nodes, edges)
		}
		if n == name && !strings.Contains(text, "other constructs<br/>") {
			t.Errorf("%s: the largest stack's overview folds no construct:\n%s", n, text)
		}
	}
}

// TestStackDocFoldsLargeDiagram: a stack page starts its architecture with
// the overview and folds a large every-resource diagram in <details>.
func TestStackDocFoldsLargeDiagram(t *testing.T) {
	stacks, err := LoadDir("../..")
	if err != nil {
		t.Fatal(err)
	}
	name, _ := largestSnapshot(t)
	doc, err := StackDoc(stacks[name], "", "test", DefaultPrices())
	if err != nil {
		t.Fatal(err)
	}
	arch := doc[strings.Index(doc, "## Architecture"):]
	over, det := strings.Index(arch, "Overview: one node per top-level construct"), strings.Index(arch, "<details><summary>Every resource")
	if over < 0 || det < 0 || over > det {
		t.Errorf("want the overview, then the folded detail; got:\n%.600s", arch)
	}
	if n := strings.Count(arch[:det], "```mermaid"); n != 1 {
		t.Errorf("want one diagram above the fold, got %d", n)
	}
}
