package review

import (
	"strings"
	"testing"
)

// TestConstructMove: four resources of a construct moved under a new
// parent get one construct-level call; a rename of a resource's own id
// keeps its per-resource fix.
func TestConstructMove(t *testing.T) {
	rep := fixture(t, "construct-move")
	d := rep.Stacks[0]
	if len(d.ConstructMoves) != 1 {
		t.Fatalf("%d construct moves, want 1: %+v", len(d.ConstructMoves), d.ConstructMoves)
	}
	m := d.ConstructMoves[0]
	if m.From != "jobs" || m.To != "workers/jobs" || len(m.Addresses) != 4 {
		t.Errorf("construct move %+v: want jobs -> workers/jobs with 4 addresses", m)
	}
	if want := `moves.From(jobs, "jobs")`; !strings.HasPrefix(m.Cdktf, want) {
		t.Errorf("call %q, want it to start with %q", m.Cdktf, want)
	}
	n := 0
	for _, c := range d.Changes {
		if c.Action != Rename {
			continue
		}
		n++
		inConstruct := strings.HasPrefix(c.Path, "workers/jobs/")
		if inConstruct != (c.Fix.Construct == m.Cdktf) {
			t.Errorf("%s: construct fix %q (in the construct: %v)", c.Address, c.Fix.Construct, inConstruct)
		}
	}
	if n != 5 {
		t.Errorf("%d renames, want 5", n)
	}
}

func TestMovedPrefix(t *testing.T) {
	for _, tc := range []struct {
		base, head, from, to string
		ok                   bool
	}{
		{"uploads/bucket", "media/bucket", "uploads", "media", true},
		{"store/uploads/bucket", "store/media/bucket", "store/uploads", "store/media", true},
		{"jobs/key", "workers/jobs/key", "jobs", "workers/jobs", true},
		{"workers/jobs/key", "jobs/key", "workers/jobs", "jobs", true},
		{"a/b/c/key", "x/key", "a/b/c", "x", true},
		{"worker/logs", "worker/log-group", "", "", false},
		{"key", "jobs/key", "", "", false},
	} {
		from, to, ok := movedPrefix(tc.base, tc.head)
		if from != tc.from || to != tc.to || ok != tc.ok {
			t.Errorf("movedPrefix(%q, %q) = %q, %q, %v; want %q, %q, %v", tc.base, tc.head, from, to, ok, tc.from, tc.to, tc.ok)
		}
	}
}
