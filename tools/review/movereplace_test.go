package review

import (
	"strings"
	"testing"
)

// TestMovedReplaceNote: a bucket moved with moves.From from id "uploads"
// to "media" is still replaced, because its default bucket_prefix derives
// from the id: the data-loss finding names the attribute, both values
// and the prop to pin.
func TestMovedReplaceNote(t *testing.T) {
	rep := fixture(t, "construct-move-derived")
	var loss []Finding
	for _, f := range rep.Findings {
		if f.Class == ClassDataLoss && strings.HasPrefix(f.Address, "aws_s3_bucket.") {
			loss = append(loss, f)
		}
	}
	if len(loss) != 1 {
		t.Fatalf("%d bucket data-loss findings, want 1: %+v", len(loss), rep.Findings)
	}
	want := "; even moved with its construct, it is replaced because `bucket_prefix` changes from \"uploads-\" to \"media-\" (derived from the construct id): pin NamePrefix (storage.BucketProps.NamePrefix) to \"uploads-\""
	if loss[0].Severity != High || !strings.Contains(loss[0].Message, want) || strings.Contains(loss[0].Message, "changes and forces a new resource") {
		t.Errorf("finding %s %q, want high containing %q", loss[0].Severity, loss[0].Message, want)
	}
	// A move that forces nothing new gets no note.
	for _, f := range rep.Findings {
		if f.Address != loss[0].Address && strings.Contains(f.Message, "even moved with its construct") {
			t.Errorf("%s: %s", f.Address, f.Message)
		}
	}
}
