package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/hybridstack/hybridstack/tools/tfjson"
)

// PlanChange is one resource the plan wants to change.
type PlanChange struct {
	Address string
	Actions []string
	// Paths are the attribute paths whose planned value is known and
	// differs from the state (list indices written as [i]).
	Paths []string
	// Unknown says some attributes become "known after apply" (a
	// consequence of another change, or of a replacement).
	Unknown bool
}

// String renders the change on one line.
func (c PlanChange) String() string {
	s := c.Address + " (" + strings.Join(c.Actions, ", ") + ")"
	if len(c.Paths) > 0 {
		s += ": " + strings.Join(c.Paths, ", ")
	} else if c.Unknown {
		s += ": only values known after apply"
	}
	return s
}

// ParsePlanChanges reads `terraform show -json PLANFILE` and returns every
// managed resource the plan would change (no-ops and data source reads
// are not changes), by address.
func ParsePlanChanges(showJSON []byte) ([]PlanChange, error) {
	var p struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Mode    string `json:"mode"`
			Change  struct {
				Actions      []string `json:"actions"`
				Before       any      `json:"before"`
				After        any      `json:"after"`
				AfterUnknown any      `json:"after_unknown"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal(showJSON, &p); err != nil {
		return nil, fmt.Errorf("parse plan JSON: %w", err)
	}
	var out []PlanChange
	for _, rc := range p.ResourceChanges {
		a := rc.Change.Actions
		if rc.Mode != "managed" || len(a) == 0 || (len(a) == 1 && (a[0] == "no-op" || a[0] == "read")) {
			continue
		}
		pc := PlanChange{Address: rc.Address, Actions: a}
		diffPaths(rc.Change.Before, rc.Change.After, rc.Change.AfterUnknown, "", &pc)
		sort.Strings(pc.Paths)
		out = append(out, pc)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out, nil
}

// diffPaths records in pc the paths under prefix where after (known)
// differs from before. Null and empty collections are the same here: the
// provider normalizes between them.
func diffPaths(before, after, unknown any, prefix string, pc *PlanChange) {
	if u, ok := unknown.(bool); ok && u {
		pc.Unknown = true
		return
	}
	if isEmpty(before) && isEmpty(after) {
		if hasUnknown(unknown) {
			pc.Unknown = true
		}
		return
	}
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch a := after.(type) {
	case map[string]any:
		b, ok := before.(map[string]any)
		if !ok {
			pc.Paths = append(pc.Paths, nonEmpty(prefix))
			return
		}
		u, _ := unknown.(map[string]any)
		keys := map[string]bool{}
		for k := range a {
			keys[k] = true
		}
		for k := range b {
			keys[k] = true
		}
		for k := range keys {
			diffPaths(b[k], a[k], u[k], join(k), pc)
		}
		return
	case []any:
		b, ok := before.([]any)
		u, _ := unknown.([]any)
		if !ok || len(a) != len(b) {
			if hasUnknown(unknown) && ok && len(a) == len(b) {
				pc.Unknown = true
			}
			pc.Paths = append(pc.Paths, nonEmpty(prefix))
			return
		}
		for i := range a {
			var ui any
			if i < len(u) {
				ui = u[i]
			}
			diffPaths(b[i], a[i], ui, fmt.Sprintf("%s[%d]", prefix, i), pc)
		}
		return
	}
	if after == nil && hasUnknown(unknown) {
		pc.Unknown = true
		return
	}
	if !reflect.DeepEqual(before, after) {
		pc.Paths = append(pc.Paths, nonEmpty(prefix))
	}
}

func nonEmpty(p string) string {
	if p == "" {
		return "(whole resource)"
	}
	return p
}

func isEmpty(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case []any:
		return len(t) == 0
	case map[string]any:
		return len(t) == 0
	}
	return false
}

func hasUnknown(u any) bool {
	switch t := u.(type) {
	case bool:
		return t
	case []any:
		for _, e := range t {
			if hasUnknown(e) {
				return true
			}
		}
	case map[string]any:
		for _, e := range t {
			if hasUnknown(e) {
				return true
			}
		}
	}
	return false
}

// withoutIndexes removes the list indexes ([0], .0) of an attribute path
// (tfjson.ParsePath); a path that does not parse is returned as it is.
func withoutIndexes(path string) string {
	steps := tfjson.ParsePath(path)
	if steps == nil {
		return path
	}
	var b strings.Builder
	for _, s := range steps {
		if s.Kind != tfjson.IndexStep {
			b.WriteString(s.String())
		}
	}
	return strings.TrimPrefix(b.String(), ".")
}

// Covered reports whether path is one of attrs or lies under one, list
// indices aside: logging_config[0].log_format is under logging_config.
func Covered(path string, attrs []string) bool {
	p := withoutIndexes(path)
	for _, a := range attrs {
		a = withoutIndexes(a)
		if p == a || strings.HasPrefix(p, a+".") {
			return true
		}
	}
	return false
}

// Explained reports whether every known diff of c is covered by the
// attributes ignore lists for its address.
func (c PlanChange) Explained(ignore map[string][]string) bool {
	attrs := ignore[c.Address]
	if len(attrs) == 0 || len(c.Paths) == 0 {
		return false
	}
	for _, p := range c.Paths {
		if !Covered(p, attrs) {
			return false
		}
	}
	return true
}

// PlanActions extracts, from the human-readable output of terraform plan,
// the part that shows what the plan would change: from "Terraform will
// perform the following actions" to the "Plan:" line, and any "Changes to
// Outputs".
func PlanActions(out string) string {
	lines := strings.Split(out, "\n")
	var keep []string
	in := false
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "Terraform will perform the following actions"),
			strings.HasPrefix(l, "Changes to Outputs"):
			in = true
		case strings.HasPrefix(l, "Warning:"), strings.HasPrefix(l, "─"), strings.HasPrefix(l, "Error:"):
			in = false
		}
		if in {
			keep = append(keep, l)
		}
		if strings.HasPrefix(l, "Plan:") {
			in = false
		}
	}
	return strings.TrimSpace(strings.Join(keep, "\n"))
}

// ErrorBlocks extracts the "Error: ..." diagnostics from Terraform's
// human-readable output, each with the lines that follow it up to the next
// blank line after its "with ..." line (or the next diagnostic).
func ErrorBlocks(out string) []string {
	var blocks []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			blocks = append(blocks, strings.TrimSpace(strings.Join(cur, "\n")))
			cur = nil
		}
	}
	in := false
	for _, l := range strings.Split(out, "\n") {
		t := strings.TrimLeft(l, "│╷╵ ")
		if strings.HasPrefix(t, "Error: ") {
			flush()
			in = true
		} else if strings.HasPrefix(t, "Warning: ") {
			flush()
			in = false
		}
		if in {
			cur = append(cur, strings.TrimRight(strings.TrimPrefix(strings.TrimPrefix(l, "│ "), "│"), " "))
		}
	}
	flush()
	return blocks
}
