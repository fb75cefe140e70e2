package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hybridstack/hybridstack/tools/tfjson"
)

// headMoves maps each HEAD address a moved block moves from a BASE
// resource to that BASE address.
func headMoves(head, base *Config) map[string]string {
	out := map[string]string{}
	if head == nil || head.Model == nil || base == nil {
		return out
	}
	for _, m := range head.Model.Moved {
		if _, ok := base.Resources[m.From]; !ok {
			continue
		}
		if _, ok := head.Resources[m.To]; !ok {
			continue
		}
		out[m.To] = m.From
	}
	return out
}

// markGapCascade marks as the emulator's the changes that only follow an
// emulator-caused replacement: a replacement whose every replace path is
// an attribute taking a value from a resource the emulator replaces (the
// value is unknown until that one is recreated), or an update with no
// known difference whose unknown values come from one. It repeats until
// nothing changes, so a chain of cascades is marked whole.
func markGapCascade(changes []ReviewChange, planned []PlanChange, head *Config) []ReviewChange {
	if head == nil {
		return changes
	}
	byAddr := map[string]PlanChange{}
	for _, p := range planned {
		byAddr[p.Address] = p
	}
	gapReplaced := map[string]bool{}
	for _, c := range changes {
		if c.EmulatorGap != "" && isReplace(c.Actions) {
			gapReplaced[resourceOf(c.Address)] = true
		}
	}
	// cause names a gap-replaced resource the value references, if any.
	cause := func(v any) string {
		var out []string
		for _, r := range tfjson.ReferencesIn(v) {
			if r.IsBlock() && gapReplaced[r.Address] {
				out = append(out, r.Address)
			}
		}
		sort.Strings(out)
		if len(out) == 0 {
			return ""
		}
		return out[0]
	}
	for changed := true; changed; {
		changed = false
		for i, c := range changes {
			if c.EmulatorGap != "" {
				continue
			}
			body, ok := head.Resources[resourceOf(c.Address)]
			if !ok {
				continue
			}
			var why []string
			switch {
			case isReplace(c.Actions) && len(c.ReplacePaths) > 0:
				for _, rp := range c.ReplacePaths {
					attr, _ := rp[0].(string)
					from := cause(body[attr])
					if attr == "" || from == "" {
						why = nil
						break
					}
					why = append(why, fmt.Sprintf("%s takes a value from %s", pathString(rp), from))
				}
			case len(c.Actions) == 1 && c.Actions[0] == "update":
				p, ok := byAddr[c.Address]
				if !ok || len(p.Paths) > 0 || !p.Unknown {
					continue
				}
				var froms []string
				for k, v := range body {
					if tfjson.IsMetaArgument(k) {
						continue
					}
					if from := cause(v); from != "" {
						froms = appendUnique(froms, from)
					}
				}
				sort.Strings(froms)
				if len(froms) > 0 {
					why = []string{"its values known after apply come from " + strings.Join(froms, ", ")}
				}
			}
			if len(why) == 0 {
				continue
			}
			changes[i].EmulatorGap = "follows the emulator's replacement: " + strings.Join(why, "; ") + ", which only the emulator replaces"
			if isReplace(c.Actions) {
				gapReplaced[resourceOf(c.Address)] = true
			}
			changed = true
		}
	}
	return changes
}
