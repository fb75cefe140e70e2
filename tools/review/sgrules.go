package review

import (
	"bytes"
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/hybridstack/hybridstack/tools/tfjson"
)

// sgRule is one rule of a security group as a resource configures it: a
// direction, a protocol and port range of one group, and the addresses
// (or other peers) it admits or reaches.
type sgRule struct {
	// Address is the resource that holds the rule.
	Address string
	// Attr is the attribute the peers are written in (cidr_ipv4,
	// cidr_blocks, ingress[0]).
	Attr string
	// Direction is ingress or egress.
	Direction string
	// Group is the security group as written (a reference or an id).
	Group string
	// Protocol is tcp, udp, icmp, icmpv6, all, or the number as written.
	Protocol string
	// From and To are the port range; -1 when unset.
	From, To int
	// CIDRs are the peers given as addresses, as written, and Space what
	// they resolve to.
	CIDRs []string
	Space addrSet
	// Others are the peers that are not addresses (security groups,
	// prefix lists, self) and address values not known from the
	// configuration (variables, remote state): their space is unknown.
	Others []string
	// Unresolved are the CIDR values Space lacks because they are not
	// known from the configuration.
	Unresolved []string
}

// sgRuleTypes are the resource types that hold security group rules.
var sgRuleTypes = map[string]bool{
	"aws_security_group":                  true,
	"aws_default_security_group":          true,
	"aws_security_group_rule":             true,
	"aws_vpc_security_group_ingress_rule": true,
	"aws_vpc_security_group_egress_rule":  true,
}

func normProtocol(v any) string {
	s := strings.ToLower(fmt.Sprint(v))
	if v == nil {
		s = ""
	}
	switch s {
	case "-1", "all":
		return "all"
	case "6":
		return "tcp"
	case "17":
		return "udp"
	case "1":
		return "icmp"
	case "58":
		return "icmpv6"
	}
	return s
}

func portOf(v any) int {
	switch x := v.(type) {
	case float64:
		return int(x)
	case string:
		var n int
		if _, err := fmt.Sscanf(x, "%d", &n); err == nil {
			return n
		}
	}
	return -1
}

// blockList reads a nested block written as an object or a list of
// objects.
func blockList(v any) []map[string]any { return tfjson.Objects(v) }

// rulesOf reads the security group rules a resource configures (nil for
// other types). The stack resolves CIDRs written as references to a VPC
// or subnet.
func rulesOf(s *Stack, addr string, r *Resource) []sgRule {
	if r == nil || !sgRuleTypes[r.Type] {
		return nil
	}
	a := r.Attrs
	var out []sgRule
	switch r.Type {
	case "aws_security_group", "aws_default_security_group":
		self := "${" + addr + ".id}"
		for _, dir := range []string{"ingress", "egress"} {
			for i, b := range blockList(a[dir]) {
				rule := sgRule{Address: addr, Attr: fmt.Sprintf("%s[%d]", dir, i), Direction: dir, Group: self,
					Protocol: normProtocol(b["protocol"]), From: portOf(b["from_port"]), To: portOf(b["to_port"])}
				rule.addCIDRs(s, stringList(b["cidr_blocks"]), stringList(b["ipv6_cidr_blocks"]))
				for _, p := range stringList(b["prefix_list_ids"]) {
					rule.Others = append(rule.Others, "prefix list "+s.Readable(p))
				}
				for _, g := range stringList(b["security_groups"]) {
					rule.Others = append(rule.Others, "group "+groupName(s, g))
				}
				if sf, _ := b["self"].(bool); sf {
					rule.Others = append(rule.Others, "itself")
				}
				out = append(out, rule)
			}
		}
	case "aws_security_group_rule":
		g, _ := a["security_group_id"].(string)
		rule := sgRule{Address: addr, Attr: "cidr_blocks", Direction: fmt.Sprint(a["type"]), Group: g,
			Protocol: normProtocol(a["protocol"]), From: portOf(a["from_port"]), To: portOf(a["to_port"])}
		rule.addCIDRs(s, stringList(a["cidr_blocks"]), stringList(a["ipv6_cidr_blocks"]))
		for _, p := range stringList(a["prefix_list_ids"]) {
			rule.Others = append(rule.Others, "prefix list "+s.Readable(p))
		}
		if src, ok := a["source_security_group_id"].(string); ok {
			rule.Others = append(rule.Others, "group "+groupName(s, src))
		}
		if sf, _ := a["self"].(bool); sf {
			rule.Others = append(rule.Others, "itself")
		}
		out = append(out, rule)
	default:
		dir := "ingress"
		if r.Type == "aws_vpc_security_group_egress_rule" {
			dir = "egress"
		}
		g, _ := a["security_group_id"].(string)
		rule := sgRule{Address: addr, Direction: dir, Group: g,
			Protocol: normProtocol(a["ip_protocol"]), From: portOf(a["from_port"]), To: portOf(a["to_port"])}
		var v4, v6 []string
		if c, ok := a["cidr_ipv4"].(string); ok {
			v4, rule.Attr = []string{c}, "cidr_ipv4"
		}
		if c, ok := a["cidr_ipv6"].(string); ok {
			v6, rule.Attr = []string{c}, "cidr_ipv6"
		}
		rule.addCIDRs(s, v4, v6)
		if p, ok := a["prefix_list_id"].(string); ok {
			rule.Others, rule.Attr = append(rule.Others, "prefix list "+s.Readable(p)), "prefix_list_id"
		}
		if p, ok := a["referenced_security_group_id"].(string); ok {
			rule.Others, rule.Attr = append(rule.Others, "group "+groupName(s, p)), "referenced_security_group_id"
		}
		out = append(out, rule)
	}
	return out
}

func (r *sgRule) addCIDRs(s *Stack, lists ...[]string) {
	for _, list := range lists {
		for _, c := range list {
			r.CIDRs = append(r.CIDRs, c)
			if p, ok := resolveCIDR(s, c); ok {
				r.Space.add(p)
				continue
			}
			r.Unresolved = append(r.Unresolved, s.Readable(c))
			r.Others = append(r.Others, s.Readable(c)+" (not known before apply)")
		}
	}
}

// resolveCIDR reads a CIDR literal, or a reference to the literal
// cidr_block of a VPC or subnet of the stack.
func resolveCIDR(s *Stack, v string) (netip.Prefix, bool) {
	if p, ok := parseCIDR(v); ok {
		return p, true
	}
	ref, ok := tfjson.ParseReference(v)
	if !ok || ref.Kind != tfjson.Resource || (ref.Type != "aws_vpc" && ref.Type != "aws_subnet") || ref.Attr() != "cidr_block" {
		return netip.Prefix{}, false
	}
	if r, ok := s.Resources[ref.Address]; ok {
		if c, ok := r.Attrs["cidr_block"].(string); ok {
			return parseCIDR(c)
		}
	}
	return netip.Prefix{}, false
}

// ports renders the protocol and port range as cdk diff does: "TCP 443",
// "TCP 0-65535", "Everything".
func (r sgRule) ports() string {
	if r.Protocol == "all" {
		return "Everything"
	}
	proto := strings.ToUpper(r.Protocol)
	switch {
	case r.From < 0 && r.To < 0:
		return proto
	case r.From == r.To:
		return fmt.Sprintf("%s %d", proto, r.From)
	}
	return fmt.Sprintf("%s %d-%d", proto, r.From, r.To)
}

// coversPorts reports whether r admits every protocol and port o does.
func (r sgRule) coversPorts(o sgRule) bool {
	switch {
	case r.Protocol == "all":
		return true
	case r.Protocol != o.Protocol:
		return false
	case r.Protocol != "tcp" && r.Protocol != "udp":
		return r.From == o.From && r.To == o.To
	}
	return r.From <= o.From && o.To <= r.To
}

// portThatMatters is a port whose exposure beyond the VPC is high risk.
type portThatMatters struct {
	Port int
	What string
	// ClusterOnly: the port matters on an EKS cluster's security group.
	ClusterOnly bool
}

// portsThatMatter are the Kubernetes API, databases, brokers and remote
// shells.
var portsThatMatter = []portThatMatters{
	{22, "SSH", false}, {443, "the Kubernetes API", true}, {1433, "SQL Server", false}, {1521, "Oracle", false},
	{2181, "ZooKeeper", false}, {3306, "MySQL", false}, {3389, "RDP", false}, {5432, "PostgreSQL", false},
	{5671, "AMQP over TLS", false}, {5672, "AMQP", false}, {6379, "Redis", false}, {6443, "the Kubernetes API", false},
	{9042, "Cassandra", false}, {9092, "Kafka, plaintext", false}, {9094, "Kafka, TLS", false},
	{9096, "Kafka, SASL/SCRAM", false}, {9098, "Kafka, IAM auth", false}, {27017, "MongoDB", false},
}

// mattering names the ports that matter a rule admits.
func (r sgRule) mattering(cluster bool) []string {
	if r.Protocol != "all" && r.Protocol != "tcp" {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, p := range portsThatMatter {
		if p.ClusterOnly && !cluster {
			continue
		}
		if r.Protocol == "all" || (r.From <= p.Port && p.Port <= r.To) {
			name := fmt.Sprintf("%d (%s)", p.Port, p.What)
			if !seen[name] {
				seen[name] = true
				out = append(out, name)
			}
		}
	}
	return out
}

// groupName renders a security group for a reviewer: ‹app/sg›, or
// ‹cluster› cluster security group.
func groupName(s *Stack, g string) string {
	name := s.Readable(g)
	if n, ok := strings.CutSuffix(name, ".vpc_config[0].cluster_security_group_id"); ok {
		return n + " cluster security group"
	}
	return strings.TrimSuffix(name, ".id")
}

// clusterGroup reports whether a security group, as a rule names it, is
// an EKS cluster's: the cluster security group EKS creates, or a group
// the cluster's vpc_config lists.
func clusterGroup(s *Stack, group string) bool {
	ref, ok := tfjson.ParseReference(group)
	if !ok {
		return false
	}
	if ref.Type == "aws_eks_cluster" {
		_, ok := ref.HasPrefix("vpc_config[0].cluster_security_group_id")
		return ok
	}
	for _, addr := range s.Addresses() {
		r := s.Resources[addr]
		if r.Type != "aws_eks_cluster" {
			continue
		}
		for _, vc := range blockList(r.Attrs["vpc_config"]) {
			for _, g := range stringList(vc["security_group_ids"]) {
				if gr, ok := tfjson.ParseReference(g); ok && gr.Address == ref.Address {
					return true
				}
			}
		}
	}
	return false
}

// vpcOf finds the address space of the VPC a security group belongs to:
// the literal cidr_block of the aws_vpc its vpc_id names, with the
// secondary blocks of aws_vpc_ipv4_cidr_block_association. known is false
// when a reference cannot be followed; why then says which.
func vpcOf(s *Stack, group string) (space addrSet, vpc string, known bool, why string) {
	ref, ok := tfjson.ParseReference(group)
	if !ok {
		return addrSet{}, "", false, "the security group is " + s.Readable(group)
	}
	var vpcID string
	switch r, found := s.Resources[ref.Address]; {
	case !found || ref.Kind != tfjson.Resource:
		return addrSet{}, "", false, "the security group " + s.Readable(group) + " is not in this stack"
	case r.Type == "aws_eks_cluster":
		vpcID = clusterVPC(s, r)
	default:
		vpcID, _ = r.Attrs["vpc_id"].(string)
	}
	vref, ok := tfjson.ParseReference(vpcID)
	if ok && vref.Type == "aws_eks_cluster" {
		if c, found := s.Resources[vref.Address]; found {
			vpcID = clusterVPC(s, c)
			vref, ok = tfjson.ParseReference(vpcID)
		}
	}
	if vpcID == "" {
		return addrSet{}, "", false, "the security group names no vpc_id (the default VPC)"
	}
	if !ok || vref.Type != "aws_vpc" || vref.Kind != tfjson.Resource {
		return addrSet{}, "", false, "vpc_id is " + s.Readable(vpcID)
	}
	v, found := s.Resources[vref.Address]
	if !found {
		return addrSet{}, "", false, "vpc_id names " + vref.Address + ", not in this stack"
	}
	cidr, _ := v.Attrs["cidr_block"].(string)
	p, ok := parseCIDR(cidr)
	if !ok {
		return addrSet{}, "", false, "the VPC's cidr_block is " + s.Readable(v.Attrs["cidr_block"])
	}
	space.add(p)
	for _, addr := range s.Addresses() {
		a := s.Resources[addr]
		if a.Type != "aws_vpc_ipv4_cidr_block_association" {
			continue
		}
		if ar, ok := tfjson.ParseReference(fmt.Sprint(a.Attrs["vpc_id"])); !ok || ar.Address != vref.Address {
			continue
		}
		c, _ := a.Attrs["cidr_block"].(string)
		sp, ok := parseCIDR(c)
		if !ok {
			return space, s.Readable("${" + vref.Address + "}"), false, "a secondary CIDR block of the VPC is " + s.Readable(a.Attrs["cidr_block"])
		}
		space.add(sp)
	}
	return space, s.Readable("${" + vref.Address + "}"), true, ""
}

// clusterVPC follows an EKS cluster's first subnet to its vpc_id.
func clusterVPC(s *Stack, cluster *Resource) string {
	for _, vc := range blockList(cluster.Attrs["vpc_config"]) {
		for _, sub := range stringList(vc["subnet_ids"]) {
			if ref, ok := tfjson.ParseReference(sub); ok && ref.Type == "aws_subnet" {
				if r, found := s.Resources[ref.Address]; found {
					v, _ := r.Attrs["vpc_id"].(string)
					return v
				}
			}
		}
	}
	return ""
}

// ingressDelta is what a created or changed ingress rule admits that the
// resource's base rules did not admit to the same ports.
type ingressDelta struct {
	Rule sgRule
	// New is the new address space; NewOthers the new peers that are not
	// addresses.
	New       addrSet
	NewOthers []string
	// Before is the base rules' space for these ports, for the message.
	Before addrSet
	Had    bool
}

// ingressDeltas compares the ingress rules of a resource's two versions
// (base nil: created).
func (d *StackDiff) ingressDeltas(c ResourceChange, base, head *Resource) []ingressDelta {
	if head == nil || !sgRuleTypes[head.Type] {
		return nil
	}
	from := c.Address
	if c.From != "" {
		from = c.From
	}
	baseRules := rulesOf(d.base, from, base)
	var out []ingressDelta
	for _, h := range rulesOf(d.head, c.Address, head) {
		if h.Direction != "ingress" {
			continue
		}
		var prior addrSet
		priorOthers := map[string]bool{}
		had := false
		for _, b := range baseRules {
			if b.Direction != "ingress" || !b.coversPorts(h) || d.base.Readable(b.Group) != d.head.Readable(h.Group) {
				continue
			}
			had = true
			prior = prior.union(b.Space)
			for _, o := range b.Others {
				priorOthers[o] = true
			}
		}
		delta := ingressDelta{Rule: h, New: h.Space.minus(prior), Before: prior, Had: had}
		for _, o := range h.Others {
			if !priorOthers[o] {
				delta.NewOthers = append(delta.NewOthers, o)
			}
		}
		if !delta.New.empty() || len(delta.NewOthers) > 0 {
			out = append(out, delta)
		}
	}
	return out
}

// addressFindings judges the address space a created or changed ingress
// rule newly admits: the whole Internet, public space or a range wider
// than the VPC, to a port that matters or not.
func (d *StackDiff) addressFindings(c ResourceChange, base, head *Resource) []Finding {
	var out []Finding
	for _, delta := range d.ingressDeltas(c, base, head) {
		h := delta.Rule
		add := func(sev Severity, msg string) {
			out = append(out, Finding{Severity: sev, Class: ClassNetwork, Stack: d.Stack, Address: c.Address, Path: c.Path, Attr: h.Attr, Message: msg})
		}
		cluster := clusterGroup(d.head, h.Group)
		matters := h.mattering(cluster)
		to := " to " + h.ports()
		switch {
		case h.Protocol == "all":
			to = " to every protocol and port (remote shells, databases and brokers among them)"
		case len(matters) > 0 && h.From == h.To:
			to += " (" + strings.TrimPrefix(matters[0], fmt.Sprintf("%d (", h.From))
		case len(matters) > 0:
			to += ", covering " + summarize(matters)
		}
		if len(delta.New.v4)+len(delta.New.v6) == 0 {
			for _, u := range h.Unresolved {
				add(Medium, "admits "+u+to+"; its addresses are not known before apply")
			}
			continue
		}
		if pub := delta.New.publicPart(); !pub.empty() {
			// Every rule of the group for these ports, here and in other
			// resources, may assemble the whole Internet.
			all, with := d.groupSpace(h)
			v4, v6 := all.wholeInternet()
			switch {
			case (v4 && len(pub.v4) > 0) || (v6 && len(pub.v6) > 0):
				how := strings.Join(h.CIDRs, ", ")
				if alone4, alone6 := h.Space.wholeInternet(); !(alone4 && v4 || alone6 && v6) {
					how = "assembled from " + strings.Join(h.CIDRs, " + ") + " and the same group's " + strings.Join(with, "; ")
				} else if len(h.CIDRs) > 1 {
					how = "assembled from " + strings.Join(h.CIDRs, " + ")
				}
				add(High, "admits the whole Internet ("+how+")"+to)
			case len(matters) > 0:
				add(High, fmt.Sprintf("admits public address space (%s, %s)%s", pub, pub.sizeText(), to))
			default:
				add(Medium, fmt.Sprintf("admits %s (public address space, %s)%s", pub, pub.sizeText(), to))
			}
			continue
		}
		vpcSpace, vpc, known, why := vpcOf(d.head, h.Group)
		sev := Medium
		if len(matters) > 0 {
			sev = High
		}
		written := strings.Join(h.CIDRs, " + ")
		switch {
		case known && !vpcSpace.covers(delta.New):
			add(sev, "admits "+written+", "+beyondVPC(h.Space, delta.New, vpcSpace, vpc)+to)
		case !known && delta.New.widestV4() < maxVPCBits:
			add(sev, fmt.Sprintf("admits %s, wider than any VPC can be (a VPC CIDR block is at most /%d; this one is not known: %s)%s", written, maxVPCBits, why, to))
		case !known && delta.Had:
			add(Low, fmt.Sprintf("admits %s instead of %s; private space, but the VPC's CIDR is not known (%s)%s", written, delta.Before, why, to))
		}
	}
	return out
}

// groupSpace is the space every ingress rule of the head admits to a
// rule's group for its ports or more, and the other resources that
// contribute.
func (d *StackDiff) groupSpace(h sgRule) (addrSet, []string) {
	all := h.Space
	var with []string
	group := d.head.Readable(h.Group)
	for _, addr := range d.head.Addresses() {
		for _, o := range rulesOf(d.head, addr, d.head.Resources[addr]) {
			if o.Direction != "ingress" || d.head.Readable(o.Group) != group || !o.coversPorts(h) || o.Space.empty() {
				continue
			}
			if addr == h.Address && o.Attr == h.Attr {
				continue
			}
			all = all.union(o.Space)
			if addr != h.Address {
				with = append(with, strings.Join(o.CIDRs, " + ")+" in "+addr)
			} else {
				with = append(with, strings.Join(o.CIDRs, " + ")+" in "+o.Attr)
			}
		}
	}
	sort.Strings(with)
	return all, dedupe(with)
}

func dedupe(sorted []string) []string {
	var out []string
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// ruleRow is one line of a stack's security group table: one peer of one
// rule, added or removed.
type ruleRow struct {
	Sign, Group, Direction, Ports, Peer string
}

// maxRuleRows bounds each stack's security group table in the comment.
const maxRuleRows = 30

// ruleRows lists the security group rules a stack's changes add and
// remove, one row per peer, as cdk diff's security group table does.
func (d *StackDiff) ruleRows() []ruleRow {
	var rows []ruleRow
	for _, c := range d.Changes {
		if !sgRuleTypes[c.Type] || c.Action == Forget {
			continue
		}
		from := c.Address
		if c.From != "" {
			from = c.From
		}
		var baseRules, headRules []sgRule
		if c.Action != Create {
			baseRules = rulesOf(d.base, from, d.base.Resources[from])
		}
		if c.Action != Delete {
			headRules = rulesOf(d.head, c.Address, d.head.Resources[c.Address])
		}
		bRows, hRows := peerRows(d.base, baseRules), peerRows(d.head, headRules)
		in := func(list []ruleRow, r ruleRow) bool {
			for _, x := range list {
				if x == r {
					return true
				}
			}
			return false
		}
		for _, r := range bRows {
			if !in(hRows, r) {
				r.Sign = "-"
				rows = append(rows, r)
			}
		}
		for _, r := range hRows {
			if !in(bRows, r) {
				r.Sign = "+"
				rows = append(rows, r)
			}
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		if a.Direction != b.Direction {
			return a.Direction < b.Direction
		}
		if a.Ports != b.Ports {
			return a.Ports < b.Ports
		}
		return a.Sign > b.Sign // removed ("-") before added ("+")
	})
	return rows
}

func peerRows(s *Stack, rules []sgRule) []ruleRow {
	var out []ruleRow
	for _, r := range rules {
		dir := "In"
		if r.Direction == "egress" {
			dir = "Out"
		}
		group := groupName(s, r.Group)
		row := ruleRow{Group: group, Direction: dir, Ports: r.ports()}
		for _, c := range r.CIDRs {
			p, ok := resolveCIDR(s, c)
			if !ok {
				continue // listed with the others
			}
			row.Peer = "`" + c + "`"
			if _, literal := parseCIDR(c); !literal {
				row.Peer = "`" + s.Readable(c) + "` = `" + p.String() + "`"
			}
			row.Peer += " (" + spaceKind(setOf(p)) + ")"
			out = append(out, row)
		}
		for _, o := range r.Others {
			row.Peer = o
			out = append(out, row)
		}
	}
	return out
}

// spaceKind says what a peer's address space is, for the table.
func spaceKind(s addrSet) string {
	v4, v6 := s.wholeInternet()
	switch {
	case v4 && v6:
		return "everyone"
	case v4:
		return "everyone, IPv4"
	case v6:
		return "everyone, IPv6"
	case !s.publicPart().empty():
		return "public"
	}
	return "private"
}

// writeRuleTable writes the stack's security group table (nothing when
// no rule changes).
func (d *StackDiff) writeRuleTable(b *bytes.Buffer) {
	rows := d.ruleRows()
	if len(rows) == 0 {
		return
	}
	b.WriteString("#### Security group rules\n\n| | Group | Direction | Protocol and ports | Peer |\n|---|---|---|---|---|\n")
	for i, r := range rows {
		if i == maxRuleRows {
			fmt.Fprintf(b, "\n%d more rule(s) are left out; the changes above list them.\n", len(rows)-maxRuleRows)
			break
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", r.Sign, cell(r.Group), r.Direction, r.Ports, cell(r.Peer))
	}
	b.WriteString("\n")
}

// beyondVPC says how a rule's range (space) not within the VPC lies
// against it: "wider than the VPC" only when it holds all of the VPC and
// more, "outside the VPC" when it holds none of it, "partly outside the
// VPC" otherwise; each with the count of the addresses the change adds
// (added) outside the VPC.
func beyondVPC(space, added, vpcSpace addrSet, vpc string) string {
	outside := added.minus(vpcSpace)
	switch {
	case space.covers(vpcSpace):
		return fmt.Sprintf("wider than the VPC %s (%s): %s outside it", vpc, vpcSpace, outside.sizeText())
	case space.intersect(vpcSpace).empty():
		return fmt.Sprintf("outside the VPC %s (%s): %s", vpc, vpcSpace, outside.sizeText())
	default:
		return fmt.Sprintf("partly outside the VPC %s (%s): %s outside it", vpc, vpcSpace, outside.sizeText())
	}
}
