package review

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteJSON writes the report as indented JSON; "stacks" and "findings"
// are [] when empty, never null.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	out := *r
	out.Stacks, out.Findings = nonNil(out.Stacks), nonNil(out.Findings)
	return enc.Encode(&out)
}

// MarkdownOptions shape the pull-request comment.
type MarkdownOptions struct {
	// Diagrams draws each stack's changed neighbourhood.
	Diagrams bool
	// AckPath is the acknowledgement file's name in the repository, for
	// the instructions.
	AckPath string
	// MaxBytes bounds the comment (GitHub takes 65,536 characters): over
	// it, the diagrams go first, then each stack's details, leaving the
	// summary and the findings. 0: no bound.
	MaxBytes int
	// FullReport names where the unabridged report is, for the note.
	FullReport string
	// diagramsDropped records that WriteMarkdown left the diagrams out
	// for size (not because Diagrams was false), for the note.
	diagramsDropped bool
}

var actionSigns = map[Action]string{Create: "+", Update: "~", Replace: "-/+", Delete: "-", Rename: "-/+", Move: "→", Forget: "~"}

// WriteMarkdown writes the report as a pull-request comment: the summary
// table and the risky changes first, each stack's details folded.
func (r *Report) WriteMarkdown(w io.Writer, opts MarkdownOptions) error {
	out := r.markdown(opts, true)
	if opts.MaxBytes > 0 && len(out) > opts.MaxBytes && opts.Diagrams {
		opts.Diagrams, opts.diagramsDropped = false, true
		out = r.markdown(opts, true)
	}
	if opts.MaxBytes > 0 && len(out) > opts.MaxBytes {
		out = r.markdown(opts, false)
	}
	_, err := io.WriteString(w, out)
	return err
}

func (r *Report) markdown(opts MarkdownOptions, details bool) string {
	var b bytes.Buffer
	if opts.AckPath == "" {
		opts.AckPath = "review-ack.json"
	}
	fmt.Fprintf(&b, "## Infrastructure review: `%s` → `%s`\n\n", r.Base, r.Head)
	if len(r.Stacks) == 0 {
		fmt.Fprintf(&b, "No stack changes (%d stacks compared).\n", len(r.Unchanged))
		return b.String()
	}
	b.WriteString("| Stack | Create | Update | Replace | Delete | Rename / move | High | Medium | Low | $/month |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, d := range r.Stacks {
		h, m, l := severityCounts(d.Findings)
		name := d.Stack
		if d.Status != "changed" {
			name += " (" + d.Status + ")"
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %s | %s | %d | %d | %s |\n", name,
			d.Count(Create), d.Count(Update), d.Count(Replace), d.Count(Delete),
			renameCell(d), bold(h), m, l, deltaCell(d.Cost))
	}
	b.WriteString("\n")
	if len(r.Unchanged) > 0 {
		fmt.Fprintf(&b, "Unchanged: %s.\n\n", strings.Join(r.Unchanged, ", "))
	}
	fmt.Fprintf(&b, "Fixed cost of all stacks: %s → %s per month (%s); on-demand list prices of %s, %s.",
		usd(r.BaseMonthlyUSD), usd(r.HeadMonthlyUSD), signedUSD(r.HeadMonthlyUSD-r.BaseMonthlyUSD), r.PriceDate, r.PriceRegion)
	usage := map[string]bool{} // stack and address: a traced function has two usage lines
	for _, d := range r.Stacks {
		if d.Cost != nil {
			for _, u := range d.Cost.AddedUsage {
				usage[d.Stack+"\x00"+u.Address] = true
			}
		}
	}
	if len(usage) > 0 {
		fmt.Fprintf(&b, " Not in it: %d usage-priced resource(s) added, billed by what they ingest, store or serve (listed in each stack's cost).", len(usage))
	}
	b.WriteString("\n\n")
	if r.Failed() {
		fmt.Fprintf(&b, "**%d high-risk change(s) not acknowledged.** %s\n\n", r.Unacknowledged, r.unacknowledgedText(opts.AckPath))
	} else if n := countHigh(r.Findings); n > 0 {
		fmt.Fprintf(&b, "Every high-risk change (%d) is acknowledged in `%s`.\n\n", n, opts.AckPath)
	} else {
		b.WriteString("No high-risk change.\n\n")
	}
	if len(r.Findings) > 0 {
		b.WriteString("| Severity | Class | Stack | Resource | What |\n|---|---|---|---|---|\n")
		for _, f := range r.Findings {
			what := f.Message
			if f.Attr != "" {
				what = "`" + f.Attr + "`: " + what
			}
			if f.Acknowledged {
				what += " — acknowledged: " + f.AckReason
			}
			sev := string(f.Severity)
			if f.Severity == High && !f.Acknowledged {
				sev = "**high**"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | `%s`<br>%s | %s |\n", sev, f.Class, f.Stack, f.Address, cell(f.Path), cell(what))
		}
		b.WriteString("\n")
	}
	if len(r.StaleAcks) > 0 {
		fmt.Fprintf(&b, "Acknowledgements in `%s` that match no finding (remove them):\n", opts.AckPath)
		for _, a := range r.StaleAcks {
			fmt.Fprintf(&b, "- %s: %s\n", a.Stack, strings.Join(a.Addresses, ", "))
		}
		b.WriteString("\n")
	}
	if r.Plan != nil {
		fmt.Fprintf(&b, "Real plan: Terraform %s, AWS provider %s, against %s with the base applied.\n\n", r.Plan.Terraform, r.Plan.Provider, r.Plan.Emulator)
	}
	if !details {
		r.writePlanSummaries(&b)
		full := "the JSON report (`-format json`)"
		if opts.FullReport != "" {
			full = "`" + opts.FullReport + "`"
		}
		fmt.Fprintf(&b, "The per-resource details are left out to keep this comment under %d characters: see %s.\n", opts.MaxBytes, full)
		return b.String()
	}
	if opts.diagramsDropped {
		b.WriteString("Diagrams are left out to keep this comment short (`hybridcheck diff -max-bytes 0` draws them).\n\n")
	}
	for _, d := range r.Stacks {
		r.writeStack(&b, d, opts)
	}
	return b.String()
}

func (r *Report) writeStack(b *bytes.Buffer, d *StackDiff, opts MarkdownOptions) {
	var parts []string
	for _, a := range []Action{Create, Update, Replace, Delete, Rename, Move, Forget} {
		if n := d.Count(a); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, a))
		}
	}
	fmt.Fprintf(b, "<details><summary><b>%s</b>: %s</summary>\n\n", d.Stack, strings.Join(parts, ", "))

	var renames []ResourceChange
	for _, c := range d.Changes {
		if c.Action == Rename {
			renames = append(renames, c)
		}
	}
	if len(renames) > 0 {
		b.WriteString("#### Probable renames\n\n")
		b.WriteString("Terraform destroys the old address and creates the new one. To keep the resource, add to the construct that creates it now:\n\n")
		writeConstructMoves(b, d)
		for _, c := range renames {
			if c.Fix.Construct != "" {
				continue // kept by the construct-level call above
			}
			fmt.Fprintf(b, "- `%s` → `%s` (%s, %.0f%% alike)\n\n", c.From, c.Address, c.Path, c.Similarity*100)
			fmt.Fprintf(b, "  ```go\n  %s\n  ```\n\n", c.Fix.Cdktf)
			fmt.Fprintf(b, "  or, in plain Terraform:\n\n  ```hcl\n%s\n  ```\n\n", indent(c.Fix.Moved, "  "))
			if len(c.Fix.StillReplaced) > 0 {
				fmt.Fprintf(b, "  Even moved, it is replaced: a change of %s forces a new resource. Keep the old value to avoid that.\n\n", strings.Join(backquote(c.Fix.StillReplaced), ", "))
			}
		}
	}

	b.WriteString("#### Changes\n\n```diff\n")
	for _, c := range d.Changes {
		sign := actionSigns[c.Action]
		head := fmt.Sprintf("%s %s %s (%s)", sign, c.Action, c.Address, c.Path)
		if c.From != "" {
			head += " from " + c.From
		}
		switch {
		case c.PreventDestroy && c.Action == Replace:
			head += " [prevent_destroy: terraform refuses the plan]"
		case c.PreventDestroy && (c.Action == Delete || c.Action == Rename):
			head += " [prevent_destroy leaves with it: nothing stops the destroy]"
		}
		if c.Terraform != "" {
			head += " [terraform: " + c.Terraform + "]"
		}
		// diff syntax colours lines starting with + and -.
		switch c.Action {
		case Create:
			b.WriteString("+ " + head[2:] + "\n")
		case Delete, Replace, Rename:
			b.WriteString("- " + strings.TrimLeft(head, "-/+ ") + "\n")
		default:
			if c.Action == Forget {
				head += " [removed block: Terraform forgets it, AWS keeps it]"
			}
			b.WriteString("! " + strings.TrimLeft(head, "~→ ") + "\n")
		}
		for _, why := range c.ReplacedBecause {
			if !strings.Contains(why, " takes ") {
				continue
			}
			b.WriteString("#     replaced: " + why + "\n")
		}
		for _, why := range c.UpdatedBecause {
			b.WriteString("#     updated: " + why + "\n")
		}
		cited := map[string]bool{}
		for _, a := range c.Attrs {
			line := attrLine(a, cited[a.ForcesNew])
			cited[a.ForcesNew] = true
			b.WriteString(line)
		}
		if c.Disagreement != "" {
			b.WriteString("#     terraform disagrees: " + c.Disagreement + "\n")
		}
	}
	b.WriteString("```\n\n")
	d.writeRuleTable(b)
	if d.Plan != nil {
		fmt.Fprintf(b, "Real plan: %s", d.Plan.Status)
		if d.Plan.Reason != "" {
			fmt.Fprintf(b, " (%s)", oneLine(d.Plan.Reason))
		}
		fmt.Fprintf(b, "; %d change(s) agree with the static analysis, %d disagree, %d the emulator cannot judge.\n\n", d.Plan.Agree, len(d.Plan.Disagree), len(d.Plan.Emulator))
		if len(d.Plan.Disagree)+len(d.Plan.Emulator) > 0 {
			b.WriteString("| Resource | Static | Terraform | Note |\n|---|---|---|---|\n")
			for _, x := range d.Plan.Disagree {
				fmt.Fprintf(b, "| `%s` | %s | **%s** | %s |\n", x.Address, x.Static, x.Terraform, cell(x.Note))
			}
			for _, x := range d.Plan.Emulator {
				fmt.Fprintf(b, "| `%s` | %s | %s | emulator: %s |\n", x.Address, x.Static, x.Terraform, cell(x.Note))
			}
			b.WriteString("\n")
		}
	}
	if opts.Diagrams {
		status := map[string]string{}
		for _, c := range d.Changes {
			status[c.Address] = string(c.Action) + "d"
			switch c.Action {
			case Create:
				status[c.Address] = "added"
			case Update:
				status[c.Address] = "changed"
			case Rename:
				status[c.Address] = "renamed"
			case Move:
				status[c.Address] = "changed"
			case Delete:
				status[c.Address] = "removed"
			}
		}
		if m := MermaidChange(d.base, d.head, status); m != "" {
			b.WriteString("#### What changed, with its neighbours\n\n```mermaid\n" + m + "```\n\n")
		}
	}
	if d.Cost != nil && (d.Cost.DeltaUSD != 0 || len(d.Cost.Added)+len(d.Cost.Removed)+len(d.Cost.Changed)+len(d.Cost.Unpriced)+len(d.Cost.AddedUsage)+len(d.Cost.RemovedUsage) > 0) {
		fmt.Fprintf(b, "#### Cost: %s → %s per month (%s)\n\n", usd(d.Cost.BaseUSD), usd(d.Cost.HeadUSD), signedUSD(d.Cost.DeltaUSD))
		if len(d.Cost.Unpriced) > 0 {
			fmt.Fprintf(b, "Not priced, so the change is not known: %s have a fixed price the table (`tools/review/prices.json`) lacks.\n\n", strings.Join(backquote(d.Cost.Unpriced), ", "))
		}
		b.WriteString("| | Resource | What | $/month |\n|---|---|---|---:|\n")
		for _, l := range d.Cost.Added {
			fmt.Fprintf(b, "| + | `%s` | %s | %s |\n", l.Address, cell(l.What), signedUSD(l.MonthlyUSD))
		}
		for _, l := range d.Cost.Removed {
			fmt.Fprintf(b, "| - | `%s` | %s | %s |\n", l.Address, cell(l.What), signedUSD(-l.MonthlyUSD))
		}
		for _, ch := range d.Cost.Changed {
			fmt.Fprintf(b, "| ~ | `%s` | %s | %s |\n", ch.Head.Address, cell(ch.Head.What), signedUSD(ch.Head.MonthlyUSD-ch.Base.MonthlyUSD))
		}
		// Usage-priced resources have no figure: the row says what their
		// cost grows with.
		for _, u := range d.Cost.AddedUsage {
			fmt.Fprintf(b, "| + | `%s` | %s | usage-priced |\n", u.Address, cell(u.Basis))
		}
		for _, u := range d.Cost.RemovedUsage {
			fmt.Fprintf(b, "| - | `%s` | %s | usage-priced |\n", u.Address, cell(u.Basis))
		}
		b.WriteString("\n")
	}
	b.WriteString("</details>\n\n")
}

func attrLine(a AttrChange, cited bool) string {
	var s string
	switch a.Kind {
	case "added":
		s = fmt.Sprintf("      %s = %s", a.Path, a.After)
	case "removed":
		s = fmt.Sprintf("      %s (was %s) removed", a.Path, a.Before)
	case "reordered":
		s = fmt.Sprintf("      %s reordered", a.Path)
	default:
		if len(a.Added)+len(a.Removed) > 0 {
			var parts []string
			for _, e := range a.Added {
				parts = append(parts, "+"+e)
			}
			for _, e := range a.Removed {
				parts = append(parts, "-"+e)
			}
			s = fmt.Sprintf("      %s: %s", a.Path, strings.Join(parts, " "))
		} else {
			s = fmt.Sprintf("      %s: %s -> %s", a.Path, a.Before, a.After)
		}
	}
	s = truncate(s, 300)
	switch {
	case a.ForcesNew != "" && cited:
		s += "   # forces replacement (as above)"
	case a.ForcesNew != "":
		s += "   # forces replacement: " + truncate(a.ForcesNew, 160)
	}
	return s + "\n"
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

func severityCounts(f []Finding) (h, m, l int) {
	for _, x := range f {
		switch x.Severity {
		case High:
			h++
		case Medium:
			m++
		default:
			l++
		}
	}
	return h, m, l
}

func countHigh(f []Finding) int {
	h, _, _ := severityCounts(f)
	return h
}

func bold(n int) string {
	if n == 0 {
		return "0"
	}
	return fmt.Sprintf("**%d**", n)
}

func renameCell(d *StackDiff) string {
	n := d.Count(Rename) + d.Count(Move)
	if d.Count(Rename) > 0 {
		return fmt.Sprintf("**%d**", n)
	}
	return fmt.Sprint(n)
}

func deltaCell(c *CostDelta) string {
	if c == nil {
		return ""
	}
	if len(c.Unpriced) > 0 {
		return fmt.Sprintf("unknown (%d unpriced)", len(c.Unpriced))
	}
	fixed := signedUSD(c.DeltaUSD)
	if c.DeltaUSD == 0 {
		fixed = "±0"
	}
	if len(c.AddedUsage) > 0 {
		return fixed + " + usage-priced"
	}
	return fixed
}

func usd(v float64) string { return "$" + thousands(v) }

func signedUSD(v float64) string {
	switch {
	case v > 0.004:
		return "+$" + thousands(v)
	case v < -0.004:
		return "-$" + thousands(-v)
	}
	return "±$0"
}

func thousands(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	whole, frac, _ := strings.Cut(s, ".")
	var out []string
	for len(whole) > 3 {
		out = append([]string{whole[len(whole)-3:]}, out...)
		whole = whole[:len(whole)-3]
	}
	out = append([]string{whole}, out...)
	return strings.Join(out, ",") + "." + frac
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.ReplaceAll(oneLine(s), "\n", " ")
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func indent(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = prefix + lines[i]
	}
	return strings.Join(lines, "\n")
}

func backquote(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = "`" + s + "`"
	}
	return out
}
