package review

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// StackDoc renders a stack's reference page (docs/stacks/STACK.md): what it
// holds, its data-bearing resources, its Mermaid architecture diagram and
// its fixed monthly cost. source names the JSON it was generated from.
func StackDoc(s *Stack, description, source string, prices PriceTable) (string, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n\n", s.Name)
	fmt.Fprintf(&b, "<!-- Generated from %s by `make snapshots`; `make test` fails when it drifts. Do not edit. -->\n\n", source)
	if description != "" {
		fmt.Fprintf(&b, "%s.\n\n", strings.TrimSuffix(description, "."))
	}
	types := map[string]int{}
	var data []string
	for _, a := range s.Addresses() {
		r := s.Resources[a]
		types[r.Type]++
		if what, ok := DataBearing(r.Type); ok {
			protected := ""
			if preventDestroy(r) {
				protected = ", `prevent_destroy`"
			}
			data = append(data, fmt.Sprintf("| `%s` | `%s` | %s%s |", r.ConstructPath(), a, what, protected))
		}
	}
	fmt.Fprintf(&b, "%d resources of %d types", len(s.Resources), len(types))
	if len(s.Providers) > 0 {
		fmt.Fprintf(&b, "; providers: %s", strings.Join(s.Providers, ", "))
	}
	b.WriteString(".\n\n")
	b.WriteString("## Architecture\n\n")
	overview, on, oe := MermaidOverview(s)
	fmt.Fprintf(&b, "Overview: one node per top-level construct with its resource count (%d nodes, %d edges); an arrow points from a construct to one whose resources its resources reference, labelled with how many references; cylinders hold data.\n\n", on, oe)
	fmt.Fprintf(&b, "```mermaid\n%s```\n\n", overview)
	detail := Mermaid(s)
	dn, de := mermaidCounts(detail)
	intro := fmt.Sprintf("Every resource, grouped by construct path (%d nodes, %d edges); an arrow points from a resource to one it references; cylinders hold data.", dn, de)
	if dn >= overviewDetailsFrom {
		fmt.Fprintf(&b, "<details><summary>%s</summary>\n\n```mermaid\n%s```\n\n</details>\n\n", intro, detail)
	} else {
		fmt.Fprintf(&b, "%s\n\n```mermaid\n%s```\n\n", intro, detail)
	}
	if len(data) > 0 {
		b.WriteString("## Data-bearing resources\n\nDestroying or replacing one of these loses what it holds; `hybridcheck diff` reports it as a high-risk change.\n\n")
		b.WriteString("| Construct path | Address | Holds |\n|---|---|---|\n")
		sort.Strings(data)
		b.WriteString(strings.Join(data, "\n") + "\n\n")
	}
	var cost bytes.Buffer
	if err := WriteCostMarkdown(&cost, EstimateCost(s, prices)); err != nil {
		return "", err
	}
	// The estimate's own heading, one level up to sit beside the others.
	b.WriteString(strings.TrimPrefix(cost.String(), "#"))
	return b.String(), nil
}
