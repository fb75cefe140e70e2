package review

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// planComplete reports whether a plan-refused stack's changes are a whole
// plan (the second plan, with prevent_destroy lifted for the refused
// resources, ran): an address it does not list is then a no-op to
// compare, not a change Terraform never got to. Plan files written before
// the complete field say so in the reason.
func planComplete(ps *PlanStack) bool {
	return ps.Complete || strings.Contains(ps.Reason, "the other changes are from a second plan")
}

// gapCascade explains a replacement or update Terraform plans only
// because the emulator replaces a resource it references: the head
// configuration of addr takes a value from a resource the plan replaces
// with an emulator gap (or that is itself such a cascade). It returns ""
// when addr is not one.
func (d *StackDiff) gapCascade(tf map[string]PlanChange, addr string) string {
	return d.gapCascadeSeen(tf, addr, map[string]bool{})
}

func (d *StackDiff) gapCascadeSeen(tf map[string]PlanChange, addr string, seen map[string]bool) string {
	if seen[addr] || d.head == nil {
		return ""
	}
	seen[addr] = true
	pc, ok := tf[addr]
	if !ok {
		return ""
	}
	act := tfAction(pc.Actions)
	if act != "replace" && act != "update" {
		return ""
	}
	r, ok := d.head.Resources[addr]
	if !ok {
		return ""
	}
	var froms []string
	for _, ref := range d.head.Refs(r) {
		if ref == addr {
			continue
		}
		rc, ok := tf[ref]
		if !ok || tfAction(rc.Actions) != "replace" {
			continue
		}
		if rc.EmulatorGap != "" || d.gapCascadeSeen(tf, ref, seen) != "" {
			froms = append(froms, ref)
		}
	}
	if len(froms) == 0 {
		return ""
	}
	// A replacement is the cascade's only when every replace path takes a
	// value from one of them.
	if act == "replace" && len(pc.ReplacePaths) > 0 {
		for _, rp := range pc.ReplacePaths {
			attr, _ := rp[0].(string)
			hit := false
			for _, s := range stringsIn(r.Attrs[attr]) {
				for _, ref := range blockRefs(s) {
					hit = hit || contains(froms, ref.Address)
				}
			}
			if !hit {
				return ""
			}
		}
	}
	sort.Strings(froms)
	return fmt.Sprintf("follows the emulator's replacement of %s: it takes a value from it, known only after the emulator recreates it", strings.Join(froms, ", "))
}

// writePlanSummaries writes one line per stack with a real plan: what the
// comment keeps when the size budget leaves the per-stack details out,
// so no stack's verdict (and no disagreement's address) is lost.
func (r *Report) writePlanSummaries(b *bytes.Buffer) {
	n := 0
	for _, d := range r.Stacks {
		if d.Plan != nil {
			n++
		}
	}
	if n == 0 {
		return
	}
	b.WriteString("Real plan per stack:\n")
	for _, d := range r.Stacks {
		p := d.Plan
		if p == nil {
			continue
		}
		fmt.Fprintf(b, "- %s: %s; %d agree, %d disagree, %d the emulator cannot judge", d.Stack, p.Status, p.Agree, len(p.Disagree), len(p.Emulator))
		if len(p.Disagree) > 0 {
			var addrs []string
			for i, x := range p.Disagree {
				if i == 5 {
					addrs = append(addrs, fmt.Sprintf("and %d more", len(p.Disagree)-5))
					break
				}
				addrs = append(addrs, fmt.Sprintf("`%s` (static %s, Terraform %s)", x.Address, x.Static, x.Terraform))
			}
			b.WriteString(": " + strings.Join(addrs, ", "))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}
