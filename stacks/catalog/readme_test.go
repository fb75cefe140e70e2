package catalog_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/stacks/catalog"
)

const (
	readme      = "../../README.md"
	countsStart = "<!-- synth-output:start (generated from __snapshots__; make snapshots rewrites it) -->"
	countsEnd   = "<!-- synth-output:end -->"
)

// synthOutput is what make synth prints for the snapshots' stacks, in the
// format of main.go. No reference stack has a construct warning since the
// App Mesh variant is gone (TestSynthWarnings makes its own), so no
// warning line follows the counts.
func synthOutput(t *testing.T) string {
	var b strings.Builder
	b.WriteString("```\n")
	for _, name := range catalog.Names() {
		doc, err := os.ReadFile(filepath.Join(snapshotDir, name+".tf.json"))
		if err != nil {
			t.Fatal(err)
		}
		n, err := catalog.CountResources(doc)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%-37s %4d resources  %s\n", name, n, "cdktf.out/stacks/"+name)
	}
	b.WriteString("```\n")
	return b.String()
}

// TestReadmeResourceCounts keeps the README's sample output of make synth
// equal to the snapshots, so its resource counts cannot drift.
func TestReadmeResourceCounts(t *testing.T) {
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	i, j := strings.Index(text, countsStart), strings.Index(text, countsEnd)
	if i < 0 || j < i {
		t.Fatalf("README lacks the markers %q ... %q", countsStart, countsEnd)
	}
	want := synthOutput(t)
	got := text[i+len(countsStart)+1 : j]
	if got == want {
		return
	}
	if *update || os.Getenv("UPDATE_SNAPSHOTS") == "1" {
		if err := os.WriteFile(readme, []byte(text[:i+len(countsStart)+1]+want+text[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README's make synth output differs from the snapshots; run make snapshots.\ngot:\n%s\nwant:\n%s", got, want)
}
