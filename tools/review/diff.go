package review

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hybridstack/hybridstack/tools/tfjson"
)

// Action is what Terraform will do with a resource.
type Action string

// The actions, in the order a summary lists them.
const (
	Create  Action = "create"
	Update  Action = "update"
	Replace Action = "replace"
	Delete  Action = "delete"
	// Rename is a probable rename: a deleted and a created resource of the
	// same type with (nearly) the same configuration. Terraform destroys
	// and recreates it unless the change adds a moved block.
	Rename Action = "rename"
	// Move is a rename the change declares with a moved block: Terraform
	// keeps the resource (and updates or replaces it for any other change).
	Move Action = "move"
	// Forget is a resource the change drops with a removed block and
	// lifecycle { destroy = false }: Terraform forgets it, AWS keeps it.
	Forget Action = "forget"
)

// ResourceChange is one resource that differs between base and head.
type ResourceChange struct {
	// Address is the head address (the base one for deletions).
	Address string `json:"address"`
	Type    string `json:"type"`
	// Path is the construct path inside the stack.
	Path   string `json:"path"`
	Action Action `json:"action"`
	// From is the base address of a rename or move.
	From string `json:"from,omitempty"`
	// Similarity of a probable rename's two configurations, 0..1.
	Similarity float64 `json:"similarity,omitempty"`
	// Attrs are the attribute changes of an update, replace, rename or
	// move.
	Attrs []AttrChange `json:"attrs,omitempty"`
	// ReplacedBecause says why a resource is replaced: the forced-new
	// attributes, or a replaced or recreated resource it takes a forced-new
	// value from.
	ReplacedBecause []string `json:"replaced_because,omitempty"`
	// UpdatedBecause says why a resource whose configuration is unchanged
	// is updated: it takes a value from a recreated resource.
	UpdatedBecause []string `json:"updated_because,omitempty"`
	// Fix is the code that turns a probable rename into a move.
	Fix *RenameFix `json:"fix,omitempty"`
	// PreventDestroy is set when the base resource has
	// lifecycle.prevent_destroy: Terraform refuses a plan that destroys it.
	PreventDestroy bool `json:"prevent_destroy,omitempty"`
	// Terraform is the action a real plan reported (with -plan), and
	// Disagreement explains a mismatch with Action.
	Terraform    string `json:"terraform,omitempty"`
	Disagreement string `json:"disagreement,omitempty"`
}

// RenameFix is how to keep a renamed resource.
type RenameFix struct {
	// Moved is the Terraform moved block.
	Moved string `json:"moved"`
	// Cdktf is the Go call to put in the construct that creates the
	// resource now.
	Cdktf string `json:"cdktf"`
	// StillReplaced lists forced-new attributes that differ even after the
	// move: the resource is replaced anyway unless they are kept.
	StillReplaced []string `json:"still_replaced,omitempty"`
	// Construct is the construct-level call that keeps this resource
	// with the others moved with its construct (see ConstructMove); when
	// set, it replaces Cdktf.
	Construct string `json:"construct,omitempty"`
}

// StackDiff is the difference of one stack.
type StackDiff struct {
	Stack string `json:"stack"`
	// Status is added or removed for a stack only on one side, changed or
	// unchanged otherwise.
	Status   string           `json:"status"`
	Changes  []ResourceChange `json:"changes,omitempty"`
	Findings []Finding        `json:"findings,omitempty"`
	Cost     *CostDelta       `json:"cost,omitempty"`
	// Plan is the real plan's status for this stack (with -plan).
	Plan *PlanStatus `json:"plan,omitempty"`
	// ConstructMoves are constructs renamed as a whole (constructmove.go).
	ConstructMoves []ConstructMove `json:"construct_moves,omitempty"`

	base, head *Stack
	// rename maps head addresses to base ones (moves and probable
	// renames).
	rename map[string]string
	// eq compares references by what they resolve to (equiv.go).
	eq *equivalence
}

// lookup finds an address in head, then in base.
func (d *StackDiff) lookup(addr string) (*Resource, bool) {
	if r, ok := d.head.Lookup(addr); ok {
		return r, true
	}
	return d.base.Lookup(addr)
}

// readable renders a value of either side.
func (d *StackDiff) readable(v any) string { return readable(v, d.lookup) }

// Count returns how many changes have the action.
func (d *StackDiff) Count(a Action) int {
	n := 0
	for _, c := range d.Changes {
		if c.Action == a {
			n++
		}
	}
	return n
}

// renameThreshold is the share of equal attributes (references compared by
// type) from which a deleted and a created resource count as one renamed.
const renameThreshold = 0.6

// DiffStacks compares two versions of a stack; either may be nil (a stack
// added or removed).
func DiffStacks(base, head *Stack) *StackDiff {
	name := ""
	switch {
	case head != nil:
		name = head.Name
	case base != nil:
		name = base.Name
	}
	d := &StackDiff{Stack: name, Status: "changed", base: base, head: head}
	if base == nil {
		d.Status = "added"
		base = &Stack{Name: name, Resources: map[string]*Resource{}, Data: map[string]*Resource{}}
	}
	if head == nil {
		d.Status = "removed"
		head = &Stack{Name: name, Resources: map[string]*Resource{}, Data: map[string]*Resource{}}
	}
	d.base, d.head = base, head

	var removed, added []string
	for _, a := range base.Addresses() {
		if _, ok := head.Resources[a]; !ok {
			removed = append(removed, a)
		}
	}
	for _, a := range head.Addresses() {
		if _, ok := base.Resources[a]; !ok {
			added = append(added, a)
		}
	}

	// rename maps head addresses to base ones: declared moves first, then
	// probable renames.
	rename := map[string]string{}
	action := map[string]Action{}
	for _, m := range head.Moved {
		if _, inBase := base.Resources[m.From]; !inBase {
			continue
		}
		if _, inHead := head.Resources[m.To]; !inHead {
			continue
		}
		rename[m.To] = m.From
		action[m.To] = Move
	}
	removed = without(removed, values(rename))
	added = without(added, keys(rename))
	similarity := map[string]float64{}
	for to, from := range pairRenames(base, head, removed, added) {
		rename[to.addr] = from
		action[to.addr] = Rename
		similarity[to.addr] = to.score
	}
	// A pair whose forced-new references point elsewhere (a rule on
	// another security group, a policy on a queue that is not the renamed
	// one) is two resources, not one renamed: a moved block would not keep
	// it. Dropping one pair can break the pairs that reference it, so this
	// repeats until stable. Literal forced-new values (a name derived from
	// the construct path) keep the pair: the fix says to keep them.
	eq := newEquivalence(base, head, rename)
	for changed := true; changed; {
		changed = false
		for to, from := range rename {
			if action[to] != Rename {
				continue
			}
			before := flatten(base.Resources[from].Attrs)
			after := flatten(normalizeAttrs(head.Resources[to].Attrs, rename))
			for _, ac := range eq.dropEquivalent(diffAttrs(head.Resources[to].Type, before, after, base, head)) {
				if ac.ForcesNew != "" && (hasRef(ac.before) || hasRef(ac.after)) {
					delete(rename, to)
					delete(action, to)
					delete(similarity, to)
					changed = true
					break
				}
			}
		}
	}
	removed = without(removed, values(rename))
	added = without(added, keys(rename))
	eq = newEquivalence(base, head, rename)
	d.eq = eq

	forget := map[string]bool{}
	for _, rb := range head.Removed {
		if !rb.Destroy {
			forget[rb.From] = true
		}
	}
	for _, a := range removed {
		r := base.Resources[a]
		act := Delete
		if forget[a] {
			act = Forget
		}
		d.Changes = append(d.Changes, ResourceChange{Address: a, Type: r.Type, Path: r.ConstructPath(), Action: act, PreventDestroy: preventDestroy(r)})
	}
	for _, a := range added {
		r := head.Resources[a]
		d.Changes = append(d.Changes, ResourceChange{Address: a, Type: r.Type, Path: r.ConstructPath(), Action: Create})
	}
	for _, a := range head.Addresses() {
		r := head.Resources[a]
		from := a
		if f, ok := rename[a]; ok {
			from = f
		}
		b, ok := base.Resources[from]
		if !ok {
			continue
		}
		before := flatten(b.Attrs)
		after := flatten(normalizeAttrs(r.Attrs, rename))
		attrs := eq.dropEquivalent(diffAttrs(r.Type, before, after, base, head))
		act := action[a]
		if act == "" {
			if len(attrs) == 0 {
				continue
			}
			act = Update
		}
		c := ResourceChange{Address: a, Type: r.Type, Path: r.ConstructPath(), Action: act, Attrs: attrs, PreventDestroy: preventDestroy(b)}
		if act != Update {
			c.From = from
		}
		if act == Rename {
			c.Similarity = similarity[a]
		}
		for _, ac := range attrs {
			if ac.ForcesNew != "" {
				c.ReplacedBecause = append(c.ReplacedBecause, ac.Path)
			}
		}
		switch {
		case act == Rename:
			c.Fix = renameFix(r, from, c.ReplacedBecause)
		case len(c.ReplacedBecause) > 0:
			// An update or a move with a forced-new attribute.
			c.Action = Replace
		}
		d.Changes = append(d.Changes, c)
	}
	d.rename = rename
	d.constructMoves()
	d.cascade(rename)
	sort.Slice(d.Changes, func(i, j int) bool { return d.Changes[i].Address < d.Changes[j].Address })
	return d
}

// cascade marks as replaced the resources that take a forced-new value
// from a resource Terraform recreates (replaced, deleted and created, or
// renamed without a moved block): the new value is unknown until apply,
// so Terraform replaces them too. It repeats until nothing changes.
func (d *StackDiff) cascade(rename map[string]string) {
	recreated := map[string]string{}
	for _, c := range d.Changes {
		switch c.Action {
		case Replace, Rename:
			recreated[c.Address] = string(c.Action)
		}
	}
	byAddr := map[string]int{}
	for i, c := range d.Changes {
		byAddr[c.Address] = i
	}
	for changed := true; changed; {
		changed = false
		for _, a := range d.head.Addresses() {
			if _, done := recreated[a]; done {
				continue
			}
			r := d.head.Resources[a]
			if _, isNew := d.base.Resources[a]; !isNew && rename[a] == "" {
				continue // created: nothing to replace
			}
			for path, v := range flatten(r.Attrs) {
				f, forces := ForcesNew(r.Type, path)
				if !forces {
					continue
				}
				cause := ""
				for _, s := range stringsIn(v) {
					for _, ref := range blockRefs(s) {
						if why, ok := recreated[ref.Address]; ok && !d.knownAfterReplace(ref) {
							cause = fmt.Sprintf("%s takes %s from %s, which is %s (%s)", path, ref.Attr(), ref.Address, pastTense(why), f.Doc)
						}
					}
				}
				if cause == "" {
					continue
				}
				i, ok := byAddr[a]
				if !ok {
					base := a
					if from, ok := rename[a]; ok {
						base = from
					}
					d.Changes = append(d.Changes, ResourceChange{Address: a, Type: r.Type, Path: r.ConstructPath(), Action: Replace, PreventDestroy: preventDestroy(d.base.Resources[base])})
					i = len(d.Changes) - 1
					byAddr[a] = i
				}
				c := &d.Changes[i]
				c.ReplacedBecause = append(c.ReplacedBecause, cause)
				sort.Strings(c.ReplacedBecause)
				if c.Action == Update || c.Action == Move {
					c.Action = Replace
				}
				recreated[a] = "replaced"
				changed = true
				break
			}
		}
	}
	// A resource that takes any other value from a recreated resource is
	// updated: the value is known only after apply, unless the recreated
	// resource's configuration sets it literally.
	for _, a := range d.head.Addresses() {
		if _, done := recreated[a]; done {
			continue
		}
		if i, ok := byAddr[a]; ok && d.Changes[i].Action != Update && d.Changes[i].Action != Move {
			continue
		}
		if _, inBase := d.base.Resources[a]; !inBase && rename[a] == "" {
			continue
		}
		r := d.head.Resources[a]
		var causes []string
		for path, v := range flatten(r.Attrs) {
			if path == "depends_on" || strings.HasPrefix(path, "lifecycle.") {
				continue
			}
			for _, s := range stringsIn(v) {
				for _, ref := range blockRefs(s) {
					why, ok := recreated[ref.Address]
					if !ok || d.knownAfterReplace(ref) {
						continue
					}
					causes = append(causes, fmt.Sprintf("%s takes %s from %s, which is %s: known after apply", path, ref.Attr(), ref.Address, pastTense(why)))
				}
			}
		}
		if len(causes) == 0 {
			continue
		}
		sort.Strings(causes)
		i, ok := byAddr[a]
		if !ok {
			d.Changes = append(d.Changes, ResourceChange{Address: a, Type: r.Type, Path: r.ConstructPath(), Action: Update})
			i = len(d.Changes) - 1
			byAddr[a] = i
		}
		d.Changes[i].UpdatedBecause = causes
	}
}

// knownAfterReplace reports whether a referenced attribute of a recreated
// resource is set literally in its configuration, and to the value it had
// in the base, so the referrer's value is known at plan time and does not
// change.
func (d *StackDiff) knownAfterReplace(ref tfjson.Reference) bool {
	r, ok := d.head.Resources[ref.Address]
	if !ok {
		return false
	}
	attr := ref.Attr()
	if i := strings.IndexAny(attr, ".["); i >= 0 {
		attr = attr[:i]
	}
	v, set := r.Attrs[attr]
	if !set || hasRef(v) {
		return false
	}
	from := ref.Address
	if f, ok := d.rename[ref.Address]; ok {
		from = f
	}
	b, ok := d.base.Resources[from]
	if !ok {
		return false
	}
	return equalLeaf(b.Attrs[attr], v)
}

// hasRef reports whether a value holds a ${...} reference.
func hasRef(v any) bool {
	for _, s := range stringsIn(v) {
		if tfjson.HasInterpolation(s) {
			return true
		}
	}
	return false
}

func pastTense(action string) string {
	switch action {
	case string(Rename):
		return "renamed without a moved block (destroyed and created)"
	case string(Replace), "replaced":
		return "replaced"
	}
	return action
}

func stringsIn(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, stringsIn(e)...)
		}
		return out
	}
	return nil
}

func preventDestroy(r *Resource) bool {
	if r == nil {
		return false
	}
	lc, _ := r.Attrs["lifecycle"].(map[string]any)
	v, _ := lc["prevent_destroy"].(bool)
	return v
}

type scored struct {
	addr  string
	score float64
}

// pairRenames matches deleted to created resources of the same type whose
// configurations (references compared by type only) are at least
// renameThreshold alike, best pairs first. Ties prefer construct paths
// that share more trailing elements.
func pairRenames(base, head *Stack, removed, added []string) map[scored]string {
	type candidate struct {
		from, to string
		score    float64
	}
	var cands []candidate
	flatBase := map[string]map[string]any{}
	for _, a := range removed {
		flatBase[a] = flatten(typeOnlyAttrs(base.Resources[a].Attrs))
	}
	for _, to := range added {
		h := head.Resources[to]
		fh := flatten(typeOnlyAttrs(h.Attrs))
		for _, from := range removed {
			b := base.Resources[from]
			if b.Type != h.Type {
				continue
			}
			s := similarity(flatBase[from], fh)
			if s < renameThreshold {
				continue
			}
			s += 0.001 * pathAffinity(b.ConstructPath(), h.ConstructPath())
			cands = append(cands, candidate{from, to, s})
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		if cands[i].to != cands[j].to {
			return cands[i].to < cands[j].to
		}
		return cands[i].from < cands[j].from
	})
	out := map[scored]string{}
	usedFrom, usedTo := map[string]bool{}, map[string]bool{}
	for _, c := range cands {
		if usedFrom[c.from] || usedTo[c.to] {
			continue
		}
		usedFrom[c.from], usedTo[c.to] = true, true
		score := c.score
		if score > 1 {
			score = 1
		}
		out[scored{c.to, float64(int(score*100)) / 100}] = c.from
	}
	return out
}

// similarity is the share of attribute paths with equal values among all
// paths of either side.
func similarity(a, b map[string]any) float64 {
	union, same := 0, 0
	for k, va := range a {
		union++
		if vb, ok := b[k]; ok && equalLeaf(va, vb) {
			same++
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			union++
		}
	}
	if union == 0 {
		return 1
	}
	return float64(same) / float64(union)
}

// pathAffinity counts the trailing construct path elements two paths share.
func pathAffinity(a, b string) float64 {
	pa, pb := strings.Split(a, "/"), strings.Split(b, "/")
	n := 0
	for i, j := len(pa)-1, len(pb)-1; i >= 0 && j >= 0 && pa[i] == pb[j]; i, j = i-1, j-1 {
		n++
	}
	return float64(n)
}

func renameFix(r *Resource, from string, stillReplaced []string) *RenameFix {
	return &RenameFix{
		Moved:         fmt.Sprintf("moved {\n  from = %s\n  to   = %s\n}", from, r.Address()),
		Cdktf:         fmt.Sprintf("%s.MoveFromId(jsii.String(%q)) // on the resource at %s, the one Terraform would create", goVar(r), from, r.ConstructPath()),
		StillReplaced: stillReplaced,
	}
}

// goVar suggests a variable name for the resource in the construct's code.
func goVar(r *Resource) string {
	parts := strings.Split(r.ConstructPath(), "/")
	last := parts[len(parts)-1]
	var b strings.Builder
	upper := false
	for _, ch := range last {
		switch {
		case ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' && b.Len() > 0:
			if upper {
				b.WriteString(strings.ToUpper(string(ch)))
				upper = false
			} else {
				b.WriteRune(ch)
			}
		default:
			upper = b.Len() > 0
		}
	}
	if b.Len() == 0 {
		return "resource"
	}
	return b.String()
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func values(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func without(list, drop []string) []string {
	set := map[string]bool{}
	for _, d := range drop {
		set[d] = true
	}
	out := list[:0:0]
	for _, e := range list {
		if !set[e] {
			out = append(out, e)
		}
	}
	return out
}
