package review

import (
	"strings"
	"testing"
)

// TestConstructMoveAncestor: two settings of a bucket move from
// uploads/* to uploads/settings/* while the bucket stays at
// uploads/bucket. moves.From(settings, "uploads") would be refused (the
// old path still names a construct), so none is suggested: each rename
// keeps its per-resource fix, and the setting-lost finding's message,
// which the comment shows, names them.
func TestConstructMoveAncestor(t *testing.T) {
	rep := fixture(t, "construct-move-ancestor")
	d := rep.Stacks[0]
	if len(d.ConstructMoves) != 0 {
		t.Errorf("%d construct moves, want none: %+v", len(d.ConstructMoves), d.ConstructMoves)
	}
	n := 0
	for _, c := range d.Changes {
		if c.Action != Rename {
			continue
		}
		n++
		if c.Fix == nil || c.Fix.Construct != "" || !strings.Contains(c.Fix.Cdktf, ".MoveFromId(") {
			t.Errorf("%s: fix %+v, want a per-resource MoveFromId", c.Address, c.Fix)
		}
	}
	if n != 2 {
		t.Fatalf("%d renames, want 2", n)
	}
	var lost []Finding
	for _, f := range rep.Findings {
		if f.Class == ClassSettingLost {
			lost = append(lost, f)
		}
	}
	if len(lost) != 1 {
		t.Fatalf("%d setting-lost findings, want 1: %+v", len(lost), rep.Findings)
	}
	for _, want := range []string{
		"Fix: a move for each: ",
		"`publicAccess.MoveFromId(jsii.String(\"aws_s3_bucket_public_access_block.uploads_public-access_AB3EDE4A\"))` (at uploads/settings/public-access; or `moved { from = aws_s3_bucket_public_access_block.uploads_public-access_AB3EDE4A, to = aws_s3_bucket_public_access_block.",
		"`versioning.MoveFromId(jsii.String(\"aws_s3_bucket_versioning.uploads_versioning_E6D9BEE8\"))`",
	} {
		if !strings.Contains(lost[0].Message, want) {
			t.Errorf("setting-lost message lacks %q:\n%s", want, lost[0].Message)
		}
	}
	if strings.Contains(lost[0].Message, "moves.From") {
		t.Errorf("setting-lost message suggests moves.From:\n%s", lost[0].Message)
	}
}

// TestConstructMovable: the old path may name no construct left in head
// and neither path may hold the other.
func TestConstructMovable(t *testing.T) {
	head := &Stack{Resources: map[string]*Resource{}}
	for _, p := range []string{"uploads/bucket", "store/media/key"} {
		r := &Resource{Type: "aws_x", Name: strings.ReplaceAll(p, "/", "_"), Path: "app/" + p}
		head.Resources[r.Address()] = r
	}
	d := &StackDiff{head: head}
	for _, tc := range []struct {
		from, to string
		ok       bool
	}{
		{"uploads", "uploads/settings", false},
		{"uploads/settings", "uploads", false},
		{"uploads", "media", false},
		{"jobs", "workers/jobs", true},
		{"store", "archive", false},
		{"store/uploads", "store/media", true},
		{"upload", "media", true},
	} {
		if got := d.constructMovable(tc.from, tc.to); got != tc.ok {
			t.Errorf("constructMovable(%q, %q) = %v, want %v", tc.from, tc.to, got, tc.ok)
		}
	}
}
