package review

import (
	"fmt"
	"sort"
	"strings"
)

// overviewMaxNodes caps the construct-level overview: the smallest
// constructs beyond it are drawn as one "other constructs" node.
const overviewMaxNodes = 30

// overviewDetailsFrom is the node count from which a stack page folds its
// every-resource diagram in a <details> block under the overview.
const overviewDetailsFrom = 40

// MermaidOverview draws a stack at the construct level: one node per
// top-level construct (the first element of each resource's construct
// path; a resource created at the stack's top level is its own
// construct), labelled with its resource count, and one arrow from a
// construct to another when any of its resources references one of the
// other's, labelled with how many references it stands for. At most
// overviewMaxNodes nodes: the constructs with the fewest resources beyond
// that are drawn together as "other constructs". It returns the Mermaid
// text and its node and edge counts.
func MermaidOverview(s *Stack) (text string, nodes, edges int) {
	if s == nil || len(s.Resources) == 0 {
		return "flowchart LR\n", 0, 0
	}
	group := map[string]string{} // resource address -> construct
	size := map[string]int{}
	data := map[string]bool{}
	for _, a := range s.Addresses() {
		r := s.Resources[a]
		g := strings.SplitN(r.ConstructPath(), "/", 2)[0]
		group[a] = g
		size[g]++
		if _, ok := DataBearing(r.Type); ok {
			data[g] = true
		}
	}
	names := make([]string, 0, len(size))
	for g := range size {
		names = append(names, g)
	}
	// Largest first; ties by name, so the result depends only on the stack.
	sort.Slice(names, func(i, j int) bool {
		if size[names[i]] != size[names[j]] {
			return size[names[i]] > size[names[j]]
		}
		return names[i] < names[j]
	})
	const other = "other constructs"
	if len(names) > overviewMaxNodes {
		n := 0
		var folded []string
		for _, g := range names[overviewMaxNodes-1:] {
			n += size[g]
			folded = append(folded, g)
		}
		for a, g := range group {
			if contains(folded, g) {
				group[a] = other
				if data[g] {
					data[other] = true
				}
			}
		}
		names = append(names[:overviewMaxNodes-1:overviewMaxNodes-1], other)
		size[other] = n
	}
	count := map[[2]string]int{}
	for _, a := range s.Addresses() {
		for _, ref := range s.Refs(s.Resources[a]) {
			to, ok := group[ref]
			if !ok || to == group[a] {
				continue
			}
			count[[2]string{group[a], to}]++
		}
	}
	cands := map[string][]string{}
	for _, g := range names {
		cands[g] = []string{"c_" + sanitizeID(g)}
	}
	ids := allocateIDs(names, cands)
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	for _, g := range names {
		label := fmt.Sprintf("%s<br/>%d resource", escapeLabel(g), size[g])
		if size[g] != 1 {
			label += "s"
		}
		if data[g] {
			fmt.Fprintf(&b, "  %s[(\"%s\")]\n", ids[g], label)
		} else {
			fmt.Fprintf(&b, "  %s[\"%s\"]\n", ids[g], label)
		}
	}
	pairs := make([][2]string, 0, len(count))
	for p := range count {
		pairs = append(pairs, p)
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i][0] != pairs[j][0] {
			return pairs[i][0] < pairs[j][0]
		}
		return pairs[i][1] < pairs[j][1]
	})
	for _, p := range pairs {
		if n := count[p]; n > 1 {
			fmt.Fprintf(&b, "  %s -->|%d| %s\n", ids[p[0]], n, ids[p[1]])
		} else {
			fmt.Fprintf(&b, "  %s --> %s\n", ids[p[0]], ids[p[1]])
		}
	}
	return b.String(), len(names), len(pairs)
}

// mermaidCounts counts the nodes and edges of a diagram Mermaid drew.
func mermaidCounts(text string) (nodes, edges int) {
	for _, line := range strings.Split(text, "\n") {
		l := strings.TrimSpace(line)
		switch {
		case strings.Contains(l, "-->") || strings.Contains(l, "-.->"):
			edges++
		case strings.HasPrefix(l, "subgraph ") || l == "end" || strings.HasPrefix(l, "class") || strings.HasPrefix(l, "%%") || strings.HasPrefix(l, "flowchart"):
		case strings.Contains(l, "[") || strings.Contains(l, "(("):
			nodes++
		}
	}
	return nodes, edges
}
