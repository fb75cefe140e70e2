package review

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// ConstructMove is a construct renamed or moved as a whole: several
// probable renames whose base construct paths are From/S and head paths
// To/S for the same S. One call on the construct
// (constructs/moves.From) keeps them all, where a fix per resource would
// name resources the construct does not expose.
type ConstructMove struct {
	// From and To are the construct's paths inside the stack, in base and
	// head.
	From string `json:"from"`
	To   string `json:"to"`
	// Addresses are the head addresses of the renames the call keeps.
	Addresses []string `json:"addresses"`
	// Cdktf is the Go call to put where the construct is created.
	Cdktf string `json:"cdktf"`
}

// constructMoves groups the probable renames by the construct that moved:
// each rename's base and head construct paths lose their longest common
// tail, and the remaining prefixes name the construct's old and new
// paths. A prefix pair with at least two renames becomes one
// ConstructMove, and each rename's fix points to it.
func (d *StackDiff) constructMoves() {
	type key struct{ from, to string }
	groups := map[key][]int{}
	for i, c := range d.Changes {
		if c.Action != Rename || c.Fix == nil {
			continue
		}
		b, ok := d.base.Resources[c.From]
		if !ok {
			continue
		}
		from, to, ok := movedPrefix(b.ConstructPath(), c.Path)
		if !ok {
			continue
		}
		groups[key{from, to}] = append(groups[key{from, to}], i)
	}
	keys := make([]key, 0, len(groups))
	for k, idx := range groups {
		if len(idx) >= 2 && d.constructMovable(k.from, k.to) {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].to != keys[j].to {
			return keys[i].to < keys[j].to
		}
		return keys[i].from < keys[j].from
	})
	for _, k := range keys {
		m := ConstructMove{From: k.from, To: k.to}
		m.Cdktf = fmt.Sprintf("moves.From(%s, %q) // %s is the construct at %s, formerly %s: one moved block for each resource under it", pathVar(k.to), k.from, pathVar(k.to), k.to, k.from)
		for _, i := range groups[k] {
			m.Addresses = append(m.Addresses, d.Changes[i].Address)
			d.Changes[i].Fix.Construct = m.Cdktf
		}
		sort.Strings(m.Addresses)
		d.ConstructMoves = append(d.ConstructMoves, m)
	}
}

// constructMovable reports whether moves.From(<construct at to>, from)
// can keep the resources: moves.From refuses an old path that still names
// a construct, so neither may the suggestion. It cannot when a head
// resource's construct path is from or lies under it (the old construct
// is still there: "uploads/*" to "uploads/settings/*" keeps the bucket at
// "uploads/bucket"), or when one path is an ancestor of the other. The
// renames then keep their per-resource fixes.
func (d *StackDiff) constructMovable(from, to string) bool {
	if under(to, from) || under(from, to) {
		return false
	}
	for _, r := range d.head.Resources {
		if under(r.ConstructPath(), from) {
			return false
		}
	}
	return true
}

// under reports whether path is the construct path prefix or lies below
// it.
func under(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

// movedPrefix splits two construct paths into a common tail and the
// differing prefixes before it: "uploads/bucket" and "media/bucket" give
// "uploads" and "media". When one path is all tail (a construct moved
// under a new parent with its id kept: "jobs/key" and "workers/jobs/key"),
// the construct is the tail's first element: "jobs" and "workers/jobs".
// It fails when the paths share no tail (the resource's own id changed:
// a per-resource fix) or the tail is only the resource.
func movedPrefix(base, head string) (from, to string, ok bool) {
	pb, ph := strings.Split(base, "/"), strings.Split(head, "/")
	i, j := len(pb)-1, len(ph)-1
	for i >= 0 && j >= 0 && pb[i] == ph[j] {
		i, j = i-1, j-1
	}
	tail := len(pb) - 1 - i
	if tail == 0 {
		return "", "", false
	}
	if i < 0 || j < 0 {
		if tail < 2 {
			return "", "", false
		}
		i, j = i+1, j+1
	}
	return strings.Join(pb[:i+1], "/"), strings.Join(ph[:j+1], "/"), true
}

// pathVar suggests a Go variable name for the construct at a path.
func pathVar(path string) string {
	return goVar(&Resource{Path: "stack/" + path})
}

// writeConstructMoves renders the construct-level calls of a stack, each
// with the renames it keeps, before the per-resource fixes.
func writeConstructMoves(b *bytes.Buffer, d *StackDiff) {
	for _, m := range d.ConstructMoves {
		fmt.Fprintf(b, "- construct `%s` → `%s`: %d resources renamed with it (%s). One call where the construct is created keeps them all (package constructs/moves):\n\n", m.From, m.To, len(m.Addresses), strings.Join(backquote(m.Addresses), ", "))
		fmt.Fprintf(b, "  ```go\n  %s\n  ```\n\n", m.Cdktf)
		var still []string
		for _, c := range d.Changes {
			if c.Fix != nil && c.Fix.Construct == m.Cdktf && len(c.Fix.StillReplaced) > 0 {
				still = append(still, fmt.Sprintf("`%s` (%s)", c.Address, strings.Join(c.Fix.StillReplaced, ", ")))
			}
		}
		if len(still) > 0 {
			fmt.Fprintf(b, "  Even moved, some are replaced: a change of a forced-new attribute: %s. Keep the old values to avoid that.\n\n", strings.Join(still, "; "))
		}
	}
}
