package review

import (
	"fmt"
	"hash/fnv"
	"regexp"
	"sort"
	"strings"
)

// Mermaid draws a whole stack as a Mermaid flowchart ("flowchart LR").
//
// The nodes are the stack's managed resources; data sources and providers
// are left out. Each node is labelled with its resource type without the
// provider prefix and the last element of its construct path
// (`audit_logs_bucket[("s3_bucket<br/>bucket")]`), and sits in
// subgraphs for its construct scopes: fintech/audit-logs/bucket is in
// subgraph "audit-logs", fintech/etl/output/bucket in subgraph "output"
// inside subgraph "etl". A scope that holds nothing but one other scope is
// drawn as one subgraph titled with both names ("etl/output"). Resources
// directly under the stack are drawn outside any subgraph.
//
// An edge goes from the referring resource to the one it references
// (Stack.Refs); an edge whose only reference is depends_on is dotted.
// References to data sources are left out with the data sources.
// Data-bearing resources (DataBearing) are drawn as cylinders and given the
// class "dataBearing".
//
// Node ids are derived from the address: the name without cdktf's hash
// suffix (audit-logs_bucket_3767BEAC is audit_logs_bucket), or, when two
// resources share that, the type without its provider prefix and the name
// (s3_bucket_audit_logs_bucket), or, when that is shared too or is a
// Mermaid keyword, that with a short hash of the address appended; every
// character outside [A-Za-z0-9_] becomes "_". Subgraph ids are "sg_" and
// the scope's path. Labels escape quotes and the characters Mermaid reads
// as markup (#quot; #35; #lt; #gt; #amp; #96;). Everything is sorted, so
// the output is deterministic.
//
// GitHub renders Mermaid up to 50,000 characters of text and 500 edges. A
// diagram that would reach either limit is collapsed, one step at a time
// until it fits: first the IAM resources (aws_iam_*) of each construct
// scope that has more than one are drawn as one node labelled "iam" and
// their count, with the edges to and from them merged; then the dotted
// depends_on-only edges are left out. A diagram that still does not fit is
// returned whole with a %% comment saying so. No snapshot stack of this
// repository needs collapsing: the largest, hybridmicroservices, draws 179
// nodes and 325 edges in about 32,000 characters, and the tests check every
// snapshot stack against both limits. No resource type is left out.
func Mermaid(s *Stack) string {
	if s == nil {
		return "flowchart LR\n"
	}
	var nodes []*diagramNode
	for _, addr := range s.Addresses() {
		nodes = append(nodes, newDiagramNode(s.Resources[addr], ""))
	}
	var edges []diagramEdge
	for _, addr := range s.Addresses() {
		edges = append(edges, resourceEdges(s, s.Resources[addr], nil)...)
	}
	var classes []classDef
	for _, n := range nodes {
		if n.data {
			n.class = "dataBearing"
			classes = []classDef{{"dataBearing", "fill:#e7f0fd,stroke:#1f6feb,stroke-width:2px"}}
		}
	}
	out := renderDiagram(nodes, edges, classes)
	if fitsGitHub(out, len(edges)) {
		return out
	}
	nodes, edges = foldIAM(nodes, edges)
	out = renderDiagram(nodes, edges, classes)
	if fitsGitHub(out, len(edges)) {
		return out
	}
	solid := edges[:0:0]
	for _, e := range edges {
		if !e.dotted {
			solid = append(solid, e)
		}
	}
	out = renderDiagram(nodes, solid, classes)
	if fitsGitHub(out, len(solid)) {
		return out
	}
	return out + fmt.Sprintf("  %%%% %d characters and %d edges: more than GitHub renders (%d, %d)\n",
		len(out), len(solid), githubMaxText, githubMaxEdges)
}

// GitHub's limits for a Mermaid diagram.
const (
	githubMaxText  = 50000
	githubMaxEdges = 500
)

func fitsGitHub(text string, edges int) bool {
	return len(text) < githubMaxText && edges < githubMaxEdges
}

// foldIAM draws the IAM resources of each scope that has more than one as
// one node.
func foldIAM(nodes []*diagramNode, edges []diagramEdge) ([]*diagramNode, []diagramEdge) {
	byScope := map[string][]*diagramNode{}
	for _, n := range nodes {
		if strings.HasPrefix(n.addr, "aws_iam_") {
			k := strings.Join(n.scope, "/")
			byScope[k] = append(byScope[k], n)
		}
	}
	into := map[string]string{}
	folded := map[string]*diagramNode{}
	for k, members := range byScope {
		if len(members) < 2 {
			continue
		}
		id := "iam"
		if k != "" {
			id = "iam_" + sanitizeID(k)
		}
		f := &diagramNode{addr: "iam:" + k, label: fmt.Sprintf("iam<br/>%d resources", len(members)), scope: members[0].scope, ids: []string{id}}
		folded[k] = f
		for _, m := range members {
			into[m.addr] = f.addr
		}
	}
	var out []*diagramNode
	for _, n := range nodes {
		if _, ok := into[n.addr]; !ok {
			out = append(out, n)
		}
	}
	for _, f := range folded {
		out = append(out, f)
	}
	seen := map[[2]string]int{}
	var merged []diagramEdge
	for _, e := range edges {
		if f, ok := into[e.from]; ok {
			e.from = f
		}
		if t, ok := into[e.to]; ok {
			e.to = t
		}
		if e.from == e.to {
			continue
		}
		k := [2]string{e.from, e.to}
		if i, ok := seen[k]; ok {
			merged[i].dotted = merged[i].dotted && e.dotted
			continue
		}
		seen[k] = len(merged)
		merged = append(merged, e)
	}
	return out, merged
}

// MermaidChange draws only the neighbourhood of a change: the resources in
// status (address -> "added", "removed", "changed", "replaced" or
// "renamed") and their direct neighbours, the resources they reference or
// that reference them, in head, and, for resources only in base (removed
// ones, or a rename's old address), in base. Edges are those of head among
// the drawn resources, plus those of base that touch a resource head no
// longer has. Each changed resource carries its status as a third label
// line and a class per status (green added, red removed, red dashed
// replaced, amber changed, blue renamed; any other status gets a grey
// class status_NAME); unchanged neighbours are drawn without a class.
// Subgraphs, labels, cylinders for data-bearing resources and ids are as
// in Mermaid. An address in status that neither stack has is drawn from
// the address alone. The neighbourhood is not collapsed. An empty status
// gives "".
func MermaidChange(base, head *Stack, status map[string]string) string {
	if len(status) == 0 {
		return ""
	}
	if base == nil {
		base = &Stack{Resources: map[string]*Resource{}, Data: map[string]*Resource{}}
	}
	if head == nil {
		head = &Stack{Resources: map[string]*Resource{}, Data: map[string]*Resource{}}
	}
	changed := make([]string, 0, len(status))
	for a := range status {
		changed = append(changed, a)
	}
	sort.Strings(changed)

	// lookup prefers head: a resource in both is drawn as head has it.
	lookup := func(addr string) *Resource {
		if r, ok := head.Resources[addr]; ok {
			return r
		}
		if r, ok := base.Resources[addr]; ok {
			return r
		}
		return nil
	}
	drawn := map[string]bool{}
	var headRefs, baseRefs map[string][]string
	for _, a := range changed {
		drawn[a] = true
		st, refs := head, &headRefs
		if _, ok := head.Resources[a]; !ok {
			st, refs = base, &baseRefs
			if _, ok := base.Resources[a]; !ok {
				continue
			}
		}
		if *refs == nil {
			*refs = managedRefs(st)
		}
		for _, ref := range (*refs)[a] {
			drawn[ref] = true
		}
		for from, to := range *refs {
			for _, ref := range to {
				if ref == a {
					drawn[from] = true
				}
			}
		}
	}

	addrs := make([]string, 0, len(drawn))
	for a := range drawn {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	var nodes []*diagramNode
	usedStatus := map[string]bool{}
	for _, a := range addrs {
		r := lookup(a)
		if r == nil {
			r = resourceFromAddress(a)
		}
		st := status[a]
		n := newDiagramNode(r, st)
		if st != "" {
			n.class = statusClass(st)
			usedStatus[st] = true
		}
		nodes = append(nodes, n)
	}

	seen := map[[2]string]int{}
	var edges []diagramEdge
	add := func(e diagramEdge) {
		k := [2]string{e.from, e.to}
		if i, ok := seen[k]; ok {
			edges[i].dotted = edges[i].dotted && e.dotted
			return
		}
		seen[k] = len(edges)
		edges = append(edges, e)
	}
	for _, a := range addrs {
		if r, ok := head.Resources[a]; ok {
			for _, e := range resourceEdges(head, r, drawn) {
				add(e)
			}
		}
	}
	for _, a := range addrs {
		r, ok := base.Resources[a]
		if !ok {
			continue
		}
		for _, e := range resourceEdges(base, r, drawn) {
			_, fromInHead := head.Resources[e.from]
			_, toInHead := head.Resources[e.to]
			if !fromInHead || !toInHead {
				add(e)
			}
		}
	}

	var classes []classDef
	statuses := make([]string, 0, len(usedStatus))
	for st := range usedStatus {
		statuses = append(statuses, st)
	}
	sort.Strings(statuses)
	for _, st := range statuses {
		style, ok := statusStyles[st]
		if !ok {
			style = "fill:#eaeef2,stroke:#57606a"
		}
		classes = append(classes, classDef{statusClass(st), style})
	}
	return renderDiagram(nodes, edges, classes)
}

// statusStyles are the classDef styles of the change statuses.
var statusStyles = map[string]string{
	"added":    "fill:#dafbe1,stroke:#1a7f37,stroke-width:2px",
	"removed":  "fill:#ffebe9,stroke:#cf222e,stroke-width:2px",
	"replaced": "fill:#ffebe9,stroke:#cf222e,stroke-width:2px,stroke-dasharray:5 3",
	"changed":  "fill:#fff8c5,stroke:#9a6700,stroke-width:2px",
	"renamed":  "fill:#ddf4ff,stroke:#0969da,stroke-width:2px",
}

// statusClass is the Mermaid class name of a status.
func statusClass(st string) string {
	if _, ok := statusStyles[st]; ok {
		return st
	}
	return "status_" + sanitizeID(st)
}

// resourceFromAddress makes a bare resource of an address no stack has.
func resourceFromAddress(addr string) *Resource {
	r := &Resource{Mode: "managed"}
	a := strings.TrimPrefix(addr, "data.")
	if a != addr {
		r.Mode = "data"
	}
	if i := strings.IndexByte(a, '.'); i >= 0 {
		r.Type, r.Name = a[:i], a[i+1:]
	} else {
		r.Type = a
	}
	return r
}

type diagramNode struct {
	addr  string
	label string
	data  bool
	class string
	// scope is the construct path without the stack name and the node's
	// own last element; nil for a resource directly under the stack.
	scope []string
	// ids are the candidate ids, when not those of the address.
	ids []string
}

type diagramEdge struct {
	from, to string // addresses
	dotted   bool
}

type classDef struct{ name, style string }

func newDiagramNode(r *Resource, status string) *diagramNode {
	n := &diagramNode{addr: r.Address()}
	typ := r.Type
	if i := strings.IndexByte(typ, '_'); i >= 0 && i < len(typ)-1 {
		typ = typ[i+1:]
	}
	last := r.Name
	if r.Path != "" {
		parts := strings.Split(r.ConstructPath(), "/")
		last = parts[len(parts)-1]
		if strings.Contains(r.Path, "/") && len(parts) > 1 {
			n.scope = parts[:len(parts)-1]
		}
	}
	n.label = escapeLabel(typ) + "<br/>" + escapeLabel(last)
	if status != "" {
		n.label += "<br/>(" + escapeLabel(status) + ")"
	}
	_, n.data = DataBearing(r.Type)
	return n
}

// resourceEdges are the edges from r to the managed resources it
// references, restricted to the addresses in only when only is not nil.
func resourceEdges(s *Stack, r *Resource, only map[string]bool) []diagramEdge {
	refs := s.Refs(r)
	if len(refs) == 0 {
		return nil
	}
	direct := map[string]bool{}
	if _, ok := r.Attrs["depends_on"]; ok {
		attrs := make(map[string]any, len(r.Attrs))
		for k, v := range r.Attrs {
			if k != "depends_on" {
				attrs[k] = v
			}
		}
		cp := *r
		cp.Attrs = attrs
		for _, a := range s.Refs(&cp) {
			direct[a] = true
		}
	} else {
		for _, a := range refs {
			direct[a] = true
		}
	}
	var out []diagramEdge
	for _, a := range refs {
		if _, ok := s.Resources[a]; !ok {
			continue
		}
		if only != nil && (!only[a] || !only[r.Address()]) {
			continue
		}
		out = append(out, diagramEdge{from: r.Address(), to: a, dotted: !direct[a]})
	}
	return out
}

// managedRefs maps each managed resource of a stack to the managed
// resources it references.
func managedRefs(s *Stack) map[string][]string {
	out := map[string][]string{}
	for _, a := range s.Addresses() {
		for _, ref := range s.Refs(s.Resources[a]) {
			if _, ok := s.Resources[ref]; ok {
				out[a] = append(out[a], ref)
			}
		}
	}
	return out
}

// scopeTree is one construct scope of a diagram.
type scopeTree struct {
	title    string
	key      string // the scope's path, joined by "/"
	nodes    []*diagramNode
	children map[string]*scopeTree
}

func renderDiagram(nodes []*diagramNode, edges []diagramEdge, classes []classDef) string {
	root := &scopeTree{children: map[string]*scopeTree{}}
	for _, n := range nodes {
		t := root
		for i, el := range n.scope {
			c, ok := t.children[el]
			if !ok {
				c = &scopeTree{title: el, key: strings.Join(n.scope[:i+1], "/"), children: map[string]*scopeTree{}}
				t.children[el] = c
			}
			t = c
		}
		t.nodes = append(t.nodes, n)
	}
	// A scope holding only one other scope is drawn as one subgraph.
	var merge func(t *scopeTree)
	merge = func(t *scopeTree) {
		for k, c := range t.children {
			for len(c.nodes) == 0 && len(c.children) == 1 {
				for _, only := range c.children {
					only.title = c.title + "/" + only.title
					c = only
				}
			}
			t.children[k] = c
			merge(c)
		}
	}
	merge(root)

	// Ids: nodes and subgraphs share one namespace.
	var keys []string
	candidates := map[string][]string{}
	for _, n := range nodes {
		k := "n:" + n.addr
		keys = append(keys, k)
		candidates[k] = n.ids
		if len(n.ids) == 0 {
			candidates[k] = nodeIDs(n.addr)
		}
	}
	var walkScopes func(t *scopeTree)
	walkScopes = func(t *scopeTree) {
		for _, c := range t.children {
			k := "s:" + c.key
			keys = append(keys, k)
			candidates[k] = []string{"sg_" + sanitizeID(c.key)}
			walkScopes(c)
		}
	}
	walkScopes(root)
	ids := allocateIDs(keys, candidates)

	var b strings.Builder
	b.WriteString("flowchart LR\n")
	var write func(t *scopeTree, depth int)
	write = func(t *scopeTree, depth int) {
		indent := strings.Repeat("  ", depth)
		sort.Slice(t.nodes, func(i, j int) bool { return ids["n:"+t.nodes[i].addr] < ids["n:"+t.nodes[j].addr] })
		for _, n := range t.nodes {
			open, close := "[\"", "\"]"
			if n.data {
				open, close = "[(\"", "\")]"
			}
			fmt.Fprintf(&b, "%s%s%s%s%s\n", indent, ids["n:"+n.addr], open, n.label, close)
		}
		names := make([]string, 0, len(t.children))
		for k := range t.children {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			c := t.children[k]
			fmt.Fprintf(&b, "%ssubgraph %s[\"%s\"]\n", indent, ids["s:"+c.key], escapeLabel(c.title))
			write(c, depth+1)
			fmt.Fprintf(&b, "%send\n", indent)
		}
	}
	write(root, 1)

	sort.Slice(edges, func(i, j int) bool {
		fi, fj := ids["n:"+edges[i].from], ids["n:"+edges[j].from]
		if fi != fj {
			return fi < fj
		}
		return ids["n:"+edges[i].to] < ids["n:"+edges[j].to]
	})
	for _, e := range edges {
		arrow := "-->"
		if e.dotted {
			arrow = "-.->"
		}
		fmt.Fprintf(&b, "  %s %s %s\n", ids["n:"+e.from], arrow, ids["n:"+e.to])
	}

	byClass := map[string][]string{}
	for _, n := range nodes {
		if n.class != "" {
			byClass[n.class] = append(byClass[n.class], ids["n:"+n.addr])
		}
	}
	for _, c := range classes {
		members := byClass[c.name]
		if len(members) == 0 {
			continue
		}
		sort.Strings(members)
		fmt.Fprintf(&b, "  classDef %s %s\n", c.name, c.style)
		fmt.Fprintf(&b, "  class %s %s\n", strings.Join(members, ","), c.name)
	}
	return b.String()
}

// mermaidKeywords are words Mermaid's flowchart grammar reserves; a node
// or subgraph id must not be one of them.
var mermaidKeywords = map[string]bool{
	"end": true, "subgraph": true, "graph": true, "flowchart": true, "style": true,
	"class": true, "classDef": true, "click": true, "linkStyle": true, "default": true,
	"direction": true, "call": true, "href": true, "interpolate": true,
}

// cdktfSuffix is the hash cdktf appends to the names of resources below
// the stack's top level.
var cdktfSuffix = regexp.MustCompile(`_[0-9A-F]{8}$`)

// nodeIDs are the candidate ids of a resource, shortest first: the name
// without cdktf's hash suffix (cdktf names are unique in a stack), then
// the type without its provider prefix and the name, both sanitized:
// aws_s3_bucket.audit-logs_bucket_3767BEAC is audit_logs_bucket, or
// s3_bucket_audit_logs_bucket.
func nodeIDs(addr string) []string {
	r := resourceFromAddress(addr)
	typ := r.Type
	if i := strings.IndexByte(typ, '_'); i >= 0 && i < len(typ)-1 {
		typ = typ[i+1:]
	}
	if r.Mode == "data" {
		typ = "data_" + typ
	}
	name := cdktfSuffix.ReplaceAllString(r.Name, "")
	if name == "" {
		name = r.Name
	}
	return []string{sanitizeID(name), sanitizeID(typ + "_" + name)}
}

// sanitizeID replaces every character outside [A-Za-z0-9_] by "_".
func sanitizeID(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "_"
	}
	return string(b)
}

// allocateIDs gives each key the first of its candidate ids that no
// other key shares, that is not taken and that is not a Mermaid keyword;
// when none is, the last candidate with a short hash of the key appended.
// The result depends only on the set of keys.
func allocateIDs(keys []string, candidates map[string][]string) map[string]string {
	sort.Strings(keys)
	ids := map[string]string{}
	taken := map[string]bool{}
	for level := 0; ; level++ {
		count := map[string]int{}
		more := false
		for _, k := range keys {
			if _, done := ids[k]; !done && level < len(candidates[k]) {
				count[candidates[k][level]]++
				more = true
			}
		}
		if !more {
			break
		}
		for _, k := range keys {
			if _, done := ids[k]; done || level >= len(candidates[k]) {
				continue
			}
			c := candidates[k][level]
			if count[c] == 1 && !taken[c] && !mermaidKeywords[c] {
				ids[k] = c
			}
		}
		// Mark after the level so that keys of one level do not depend on
		// each other's order.
		for _, k := range keys {
			if id, ok := ids[k]; ok {
				taken[id] = true
			}
		}
	}
	for _, k := range keys {
		if _, ok := ids[k]; ok {
			continue
		}
		c := candidates[k][len(candidates[k])-1]
		h := fnv.New32a()
		h.Write([]byte(k))
		id := fmt.Sprintf("%s_%08x", c, h.Sum32())
		for taken[id] {
			id += "_"
		}
		ids[k] = id
		taken[id] = true
	}
	return ids
}

// escapeLabel makes text safe inside a quoted Mermaid label.
func escapeLabel(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch c {
		case '"':
			b.WriteString("#quot;")
		case '#':
			b.WriteString("#35;")
		case '<':
			b.WriteString("#lt;")
		case '>':
			b.WriteString("#gt;")
		case '&':
			b.WriteString("#amp;")
		case '`':
			b.WriteString("#96;")
		case '\n', '\r', '\t':
			b.WriteByte(' ')
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}
