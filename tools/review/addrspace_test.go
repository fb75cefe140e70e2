package review

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

func TestAddressSpaceMath(t *testing.T) {
	vpc := mustSet("10.70.0.0/16")
	for _, tc := range []struct {
		name      string
		cidrs     []string
		whole4    bool
		whole6    bool
		public4   uint64 // IPv4 addresses of the public part
		public6   bool   // the public part has IPv6 addresses
		widerThan bool   // than the VPC 10.70.0.0/16
		prefixes  string // the set as the fewest CIDRs ("": not checked)
	}{
		{"single /0", []string{"0.0.0.0/0"}, true, false, 3702259456, false, true, "0.0.0.0/0"},
		{"two /1 halves", []string{"0.0.0.0/1", "128.0.0.0/1"}, true, false, 3702259456, false, true, "0.0.0.0/0"},
		{"one /1 half", []string{"128.0.0.0/1"}, false, false, 2147483648 - 65536 - 1048576 - 256 - 65536 - 131072 - 536870912, false, true, "128.0.0.0/1"},
		{"the VPC itself", []string{"10.70.0.0/16"}, false, false, 0, false, false, "10.70.0.0/16"},
		{"two halves of the VPC", []string{"10.70.0.0/17", "10.70.128.0/17"}, false, false, 0, false, false, "10.70.0.0/16"},
		{"wider than the VPC, private", []string{"10.0.0.0/8"}, false, false, 0, false, true, "10.0.0.0/8"},
		{"private only, several ranges", []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"}, false, false, 0, false, true, "10.0.0.0/8 + 100.64.0.0/10 + 172.16.0.0/12 + 192.168.0.0/16"},
		{"IPv6 ::/0", []string{"::/0"}, false, true, 0, true, true, "::/0"},
		{"IPv6 unique local", []string{"fd00::/8"}, false, false, 0, false, true, "fd00::/8"},
		{"host bits ignored", []string{"198.51.100.7/24"}, false, false, 256, false, true, "198.51.100.0/24"},
		{"many /8s assemble the public space", eights(), true, false, 3702259456, false, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustSet(tc.cidrs...)
			v4, v6 := s.wholeInternet()
			if v4 != tc.whole4 || v6 != tc.whole6 {
				t.Errorf("whole Internet: IPv4 %v IPv6 %v, want %v %v", v4, v6, tc.whole4, tc.whole6)
			}
			pub := s.publicPart()
			if got := pub.count4(); got != tc.public4 {
				t.Errorf("public IPv4 addresses %d, want %d", got, tc.public4)
			}
			if got := len(pub.v6) > 0; got != tc.public6 {
				t.Errorf("public IPv6: %v, want %v", got, tc.public6)
			}
			if got := !vpc.covers(s); got != tc.widerThan {
				t.Errorf("wider than the VPC: %v, want %v", got, tc.widerThan)
			}
			if got := s.String(); tc.prefixes != "" && got != tc.prefixes {
				t.Errorf("prefixes %q, want %q", got, tc.prefixes)
			}
		})
	}
	if got := mustSet("10.0.0.0/8").minus(vpc).sizeText(); got != "16,711,680 IPv4 addresses" {
		t.Errorf("10.0.0.0/8 outside the VPC: %s", got)
	}
	// A prefix list's addresses are not in the configuration: the rule's
	// space is empty and the list is an unknown peer.
	rules := rulesOf(&Stack{Resources: map[string]*Resource{}}, "aws_vpc_security_group_ingress_rule.i", &Resource{Type: "aws_vpc_security_group_ingress_rule", Attrs: map[string]any{"prefix_list_id": "pl-0123", "ip_protocol": "tcp", "from_port": 5432.0, "to_port": 5432.0, "security_group_id": "sg-1"}})
	if len(rules) != 1 || !rules[0].Space.empty() || len(rules[0].Others) != 1 || rules[0].Others[0] != `prefix list "pl-0123"` {
		t.Errorf("prefix list rule: %+v", rules)
	}
}

// eights is every /8 from 1 to 223 but 127: public space assembled from
// many prefixes (private and reserved ones among them).
func eights() []string {
	var out []string
	for i := 1; i < 224; i++ {
		if i != 127 {
			out = append(out, strconv.Itoa(i)+".0.0.0/8")
		}
	}
	return out
}

func TestAddressSpaceDatabase(t *testing.T) {
	rep := fixture(t, "addrspace-database")
	lower := "aws_vpc_security_group_ingress_rule.etl_database_database-from-hourly-5432_B6DD1A79"
	upper := "aws_vpc_security_group_ingress_rule.etl_database_database-from-anywhere-upper-5432_0B1C2D3E"
	if n := len(findings(rep, lower, ClassNetwork)); n != 1 {
		t.Fatalf("%d network findings at the widened rule, want 1: %+v", n, rep.Findings)
	}
	wantFinding(t, rep, lower, ClassNetwork, High, "admits the whole Internet (assembled from 0.0.0.0/1 and the same group's 128.0.0.0/1 in "+upper+") to TCP 5432 (PostgreSQL)")
	wantFinding(t, rep, upper, ClassNetwork, High, "admits the whole Internet (assembled from 128.0.0.0/1 and the same group's 0.0.0.0/1 in "+lower+")")
	if rep.Unacknowledged != 2 {
		t.Errorf("%d unacknowledged, want 2", rep.Unacknowledged)
	}
}

func TestAddressSpaceEKS(t *testing.T) {
	rep := fixture(t, "addrspace-eks")
	api := "aws_vpc_security_group_ingress_rule.cluster_private-api-access-0_C41B83E0"
	wantFinding(t, rep, api, ClassNetwork, High, "admits 10.0.0.0/8, wider than the VPC ‹network/vpc› (10.70.0.0/16): 16,711,680 IPv4 addresses outside it to TCP 443 (the Kubernetes API)")
	wantFinding(t, rep, "aws_vpc_security_group_ingress_rule.cluster_private-api-access-1_5D6E7F80", ClassNetwork, High, "admits public address space (198.51.100.0/24, 256 IPv4 addresses) to TCP 443 (the Kubernetes API)")
	// 443 on a group that is not the cluster's is not a port that matters.
	wantFinding(t, rep, "aws_vpc_security_group_ingress_rule.network_endpoint-https-ingress_57718202", ClassNetwork, Medium, "admits 10.0.0.0/8, wider than the VPC")
}

func TestAddressFindingsByCode(t *testing.T) {
	sg := func(vpc string) map[string]any {
		return map[string]any{"name_prefix": "db-", "description": "db", "vpc_id": vpc}
	}
	vpc := map[string]any{"cidr_block": "10.70.0.0/16"}
	rule := func(cidr string, port float64) map[string]any {
		return map[string]any{"security_group_id": "${aws_security_group.g.id}", "cidr_ipv4": cidr, "from_port": port, "to_port": port, "ip_protocol": "tcp"}
	}
	legacy := func(cidrs ...any) map[string]any {
		return map[string]any{"type": "ingress", "security_group_id": "${aws_security_group.g.id}", "cidr_blocks": cidrs, "from_port": 9092.0, "to_port": 9098.0, "protocol": "tcp"}
	}
	inline := func(cidrs ...any) map[string]any {
		return map[string]any{"name_prefix": "db-", "description": "db", "vpc_id": "${aws_vpc.v.id}", "ingress": []any{map[string]any{"cidr_blocks": cidrs, "from_port": 22.0, "to_port": 22.0, "protocol": "tcp"}}}
	}
	net := func(extra map[string]map[string]any) map[string]map[string]any {
		out := map[string]map[string]any{"aws_vpc.v": vpc, "aws_security_group.g": sg("${aws_vpc.v.id}")}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	for _, tc := range []struct {
		name       string
		base, head map[string]map[string]any
		addr       string
		sev        Severity
		text       string // "" : no network finding
	}{
		{"inside the VPC is routine", net(nil), net(map[string]map[string]any{"aws_vpc_security_group_ingress_rule.r": rule("10.70.4.0/24", 5432)}), "aws_vpc_security_group_ingress_rule.r", "", ""},
		{"wider than the VPC to a database", net(nil), net(map[string]map[string]any{"aws_vpc_security_group_ingress_rule.r": rule("10.0.0.0/8", 5432)}), "aws_vpc_security_group_ingress_rule.r", High, "wider than the VPC"},
		{"wider than the VPC elsewhere", net(nil), net(map[string]map[string]any{"aws_vpc_security_group_ingress_rule.r": rule("10.0.0.0/8", 8080)}), "aws_vpc_security_group_ingress_rule.r", Medium, "wider than the VPC"},
		{"IPv6 everyone", net(nil), net(map[string]map[string]any{"aws_vpc_security_group_ingress_rule.r": {"security_group_id": "${aws_security_group.g.id}", "cidr_ipv6": "::/0", "from_port": 8080.0, "to_port": 8080.0, "ip_protocol": "tcp"}}), "aws_vpc_security_group_ingress_rule.r", High, "admits the whole Internet (::/0) to TCP 8080"},
		{"legacy rule widened to two halves on Kafka", net(map[string]map[string]any{"aws_security_group_rule.k": legacy("10.70.0.0/16")}), net(map[string]map[string]any{"aws_security_group_rule.k": legacy("0.0.0.0/1", "128.0.0.0/1")}), "aws_security_group_rule.k", High, "admits the whole Internet (assembled from 0.0.0.0/1 + 128.0.0.0/1) to TCP 9092-9098"},
		{"inline SSH from a public range", map[string]map[string]any{"aws_vpc.v": vpc, "aws_security_group.g": inline("10.70.0.0/16")}, map[string]map[string]any{"aws_vpc.v": vpc, "aws_security_group.g": inline("10.70.0.0/16", "203.0.113.0/24")}, "aws_security_group.g", High, "admits public address space (203.0.113.0/24, 256 IPv4 addresses) to TCP 22 (SSH)"},
		{"every protocol covers the databases", net(nil), net(map[string]map[string]any{"aws_vpc_security_group_ingress_rule.r": {"security_group_id": "${aws_security_group.g.id}", "cidr_ipv4": "172.16.0.0/12", "ip_protocol": "-1"}}), "aws_vpc_security_group_ingress_rule.r", High, "admits 172.16.0.0/12, outside the VPC ‹v› (10.70.0.0/16): 1,048,576 IPv4 addresses to every protocol and port"},
		{"a range the VPC's size outside it", net(nil), net(map[string]map[string]any{"aws_vpc_security_group_ingress_rule.r": rule("10.71.0.0/16", 8080)}), "aws_vpc_security_group_ingress_rule.r", Medium, "admits 10.71.0.0/16, outside the VPC ‹v› (10.70.0.0/16): 65,536 IPv4 addresses to TCP 8080"},
		{"ranges partly outside the VPC", net(map[string]map[string]any{"aws_security_group_rule.k": legacy("10.70.0.0/16")}), net(map[string]map[string]any{"aws_security_group_rule.k": legacy("10.70.255.0/24", "10.71.0.0/24")}), "aws_security_group_rule.k", High, "admits 10.70.255.0/24 + 10.71.0.0/24, partly outside the VPC ‹v› (10.70.0.0/16): 256 IPv4 addresses outside it to TCP 9092-9098"},
		{"VPC not known, wider than any VPC", map[string]map[string]any{"aws_security_group.g": sg("${var.vpc_id}")}, map[string]map[string]any{"aws_security_group.g": sg("${var.vpc_id}"), "aws_vpc_security_group_ingress_rule.r": rule("10.0.0.0/8", 6379)}, "aws_vpc_security_group_ingress_rule.r", High, "wider than any VPC can be (a VPC CIDR block is at most /16; this one is not known: vpc_id is \"${var.vpc_id}\")"},
		{"VPC not known, a /24 elsewhere", map[string]map[string]any{"aws_security_group.g": sg("${var.vpc_id}"), "aws_vpc_security_group_ingress_rule.r": rule("10.1.0.0/24", 5432)}, map[string]map[string]any{"aws_security_group.g": sg("${var.vpc_id}"), "aws_vpc_security_group_ingress_rule.r": rule("10.2.0.0/24", 5432)}, "aws_vpc_security_group_ingress_rule.r", Low, "admits 10.2.0.0/24 instead of 10.1.0.0/24; private space, but the VPC's CIDR is not known (vpc_id is \"${var.vpc_id}\")"},
		{"the VPC's own CIDR by reference", net(nil), net(map[string]map[string]any{"aws_vpc_security_group_ingress_rule.r": rule("${aws_vpc.v.cidr_block}", 5432)}), "aws_vpc_security_group_ingress_rule.r", "", ""},
		{"a value known only at apply", net(nil), net(map[string]map[string]any{"aws_vpc_security_group_ingress_rule.r": rule("${var.office}", 5432)}), "aws_vpc_security_group_ingress_rule.r", Medium, "admits \"${var.office}\" to TCP 5432 (PostgreSQL); its addresses are not known before apply"},
		{"a prefix list is unknown, not a finding", net(nil), net(map[string]map[string]any{"aws_vpc_security_group_ingress_rule.r": {"security_group_id": "${aws_security_group.g.id}", "prefix_list_id": "pl-0123", "from_port": 5432.0, "to_port": 5432.0, "ip_protocol": "tcp"}}), "aws_vpc_security_group_ingress_rule.r", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := pair(t, tc.base, tc.head, nil)
			if tc.text == "" {
				if f := findings(rep, tc.addr, ClassNetwork); len(f) != 0 {
					t.Errorf("unexpected findings: %+v", f)
				}
				return
			}
			n := 0
			for _, f := range findings(rep, tc.addr, ClassNetwork) {
				if f.Attr != "ip_protocol" { // the every-protocol rule's own finding
					n++
				}
			}
			if n != 1 {
				t.Errorf("%d address findings, want 1: %+v", n, rep.Findings)
			}
			wantFinding(t, rep, tc.addr, ClassNetwork, tc.sev, tc.text)
		})
	}
}

func TestSecurityGroupTable(t *testing.T) {
	rep := fixture(t, "addrspace-database")
	var b bytes.Buffer
	if err := rep.WriteMarkdown(&b, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, row := range []string{
		"| - | ‹etl/database/security-group› | In | TCP 5432 | group ‹etl/hourly/security-group› |",
		"| + | ‹etl/database/security-group› | In | TCP 5432 | `0.0.0.0/1` (public) |",
		"| + | ‹etl/database/security-group› | In | TCP 5432 | `128.0.0.0/1` (public) |",
	} {
		if !strings.Contains(md, row) {
			t.Errorf("the table lacks %s:\n%s", row, md)
		}
	}
	// Far over budget, the table goes with the details.
	b.Reset()
	_ = rep.WriteMarkdown(&b, MarkdownOptions{MaxBytes: 1500})
	if strings.Contains(b.String(), "#### Security group rules") {
		t.Errorf("the table outlived the budget:\n%s", b.String())
	}
}

func TestBroadening(t *testing.T) {
	rep := fixture(t, "broadening")
	rule := "aws_vpc_security_group_ingress_rule.network_endpoint-proxy-ingress_1A2B3C4D"
	pol := "aws_iam_role_policy.etl_task_policy-read-secrets_965AA668"
	wantFinding(t, rep, rule, ClassNetwork, High, "broadening mode: a new ingress rule admits TCP 8443 from 10.60.0.0/16")
	wantFinding(t, rep, pol, ClassIAM, High, "broadening mode: new IAM grant: secretsmanager:DescribeSecret on \"${aws_secretsmanager_secret.etl_vendor-api-key_B9851C91.arn}\"")
	wantFinding(t, rep, pol, ClassIAM, Medium, "grants new actions or resources")
	if rep.Unacknowledged != 2 || !rep.Failed() {
		t.Errorf("%d unacknowledged, want 2", rep.Unacknowledged)
	}
	acked := fixture(t, "broadening-acked")
	if acked.Unacknowledged != 0 || acked.Failed() {
		t.Errorf("the ack file covers both: %+v", acked.Findings)
	}
	// Off by default: the same change has no high finding.
	base, _ := LoadDir("testdata/broadening/base")
	head, _ := LoadDir("testdata/broadening/head")
	if off := Compare("a", "b", base, head, Options{}); off.Unacknowledged != 0 || len(findings(off, rule, ClassNetwork)) != 0 {
		t.Errorf("without broadening: %+v", off.Findings)
	}
}
