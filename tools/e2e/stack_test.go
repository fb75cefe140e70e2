package main

import (
	"reflect"
	"strings"
	"testing"
)

// fixture is a cdktf-style configuration: a VPC, a subnet, a cluster that
// depends_on a role policy, an add-on (gapped in the tests) the node group
// depends_on, a data source reading the cluster, a local built from the
// cluster, and a rule using the cluster's security group.
const fixture = `{
  "//": {"metadata": {"version": "0.20.11"}},
  "provider": {"aws": [{"region": "eu-west-1"}, {"alias": "use1", "region": "us-east-1"}]},
  "locals": {"issuer-host": "${replace(aws_eks_cluster.cluster.identity[0].oidc[0].issuer, \"https://\", \"\")}"},
  "data": {
    "aws_caller_identity": {"account": {}},
    "aws_eks_addon_version": {"vpc-cni": {"addon_name": "vpc-cni", "kubernetes_version": "${aws_eks_cluster.cluster.version}"}}
  },
  "resource": {
    "aws_vpc": {"vpc": {"//": {"metadata": {"path": "x/vpc"}}, "cidr_block": "10.0.0.0/16"}},
    "aws_subnet": {"a": {"vpc_id": "${aws_vpc.vpc.id}", "tags": {"Name": "not.a_reference"}}},
    "aws_iam_role": {"role": {"name": "r", "assume_role_policy": "${jsonencode({\"Statement\" = [{\"Principal\" = {\"Service\" = \"eks.amazonaws.com\"}}]})}"}},
    "aws_iam_role_policy_attachment": {"attach": {"role": "${aws_iam_role.role.name}", "policy_arn": "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"}},
    "aws_eks_cluster": {"cluster": {
      "name": "c", "role_arn": "${aws_iam_role.role.arn}",
      "vpc_config": {"subnet_ids": ["${aws_subnet.a.id}"]},
      "depends_on": ["aws_iam_role_policy_attachment.attach"]
    }},
    "aws_eks_addon": {"vpc-cni": {"cluster_name": "${aws_eks_cluster.cluster.name}", "addon_version": "${data.aws_eks_addon_version.vpc-cni.version}"}},
    "aws_eks_node_group": {"general": {"cluster_name": "${aws_eks_cluster.cluster.name}", "depends_on": ["aws_eks_addon.vpc-cni"]}},
    "aws_iam_openid_connect_provider": {"oidc": {"url": "https://${local.issuer-host}"}},
    "aws_vpc_security_group_ingress_rule": {
      "pods": {"security_group_id": "${aws_eks_cluster.cluster.vpc_config[0].cluster_security_group_id}", "cidr_ipv4": "10.0.0.0/16"},
      "literal": {"security_group_id": "sg-123", "description": "costs $${aws_vpc.vpc.id} in text"}
    },
    "aws_kms_key": {"k": {"description": "account ${data.aws_caller_identity.account.account_id}"}}
  }
}`

func mustConfig(t *testing.T) *Config {
	t.Helper()
	c, err := ParseConfig([]byte(fixture))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestParseConfig(t *testing.T) {
	c := mustConfig(t)
	if got := len(c.Resources); got != 11 {
		t.Errorf("resources: got %d, want 11: %v", got, c.ResourceAddresses())
	}
	if _, ok := c.Data["data.aws_eks_addon_version.vpc-cni"]; !ok {
		t.Errorf("data sources: %v", c.Data)
	}
	if _, ok := c.Locals["local.issuer-host"]; !ok {
		t.Errorf("locals: %v", c.Locals)
	}
	if got := c.AWSProviderAliases(); !reflect.DeepEqual(got, []string{"", "use1"}) {
		t.Errorf("aliases: %v", got)
	}
}

func TestParseConfigListBodies(t *testing.T) {
	c, err := ParseConfig([]byte(`{"resource": {"aws_vpc": {"v": [{"cidr_block": "10.0.0.0/16"}, {"tags": {"a": "b"}}]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	body := c.Resources["aws_vpc.v"]
	if body["cidr_block"] != "10.0.0.0/16" || body["tags"] == nil {
		t.Errorf("merged body: %v", body)
	}
	if got := c.AWSProviderAliases(); !reflect.DeepEqual(got, []string{""}) {
		t.Errorf("no provider block: aliases %v", got)
	}
}

func TestDependencies(t *testing.T) {
	deps := mustConfig(t).Dependencies()
	tests := []struct {
		addr string
		want []string
	}{
		{"aws_vpc.vpc", []string{}},
		{"aws_subnet.a", []string{"aws_vpc.vpc"}},
		{"aws_iam_role.role", []string{}}, // a function call with string literals only
		{"aws_eks_cluster.cluster", []string{"aws_iam_role.role", "aws_iam_role_policy_attachment.attach", "aws_subnet.a"}},
		{"aws_eks_addon.vpc-cni", []string{"aws_eks_cluster.cluster", "data.aws_eks_addon_version.vpc-cni"}},
		{"aws_eks_node_group.general", []string{"aws_eks_addon.vpc-cni", "aws_eks_cluster.cluster"}},
		{"aws_iam_openid_connect_provider.oidc", []string{"local.issuer-host"}},
		{"local.issuer-host", []string{"aws_eks_cluster.cluster"}},
		{"data.aws_eks_addon_version.vpc-cni", []string{"aws_eks_cluster.cluster"}},
		{"aws_vpc_security_group_ingress_rule.literal", []string{}}, // $${ is a literal
		{"aws_kms_key.k", []string{"data.aws_caller_identity.account"}},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			got := deps[tt.addr]
			if got == nil {
				got = []string{}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestExpressions(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"plain", nil},
		{"${a.b}", []string{"a.b"}},
		{"x-${a.b}-${c.d[0]}", []string{"a.b", "c.d[0]"}},
		{`${jsonencode({"k" = a.b})}`, []string{`jsonencode({"k" = a.b})`}},
		{"$${not.this}", nil},
		{"${unterminated", []string{"unterminated"}},
	}
	for _, tt := range tests {
		if got := expressions(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("expressions(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTargets(t *testing.T) {
	c := mustConfig(t)
	tests := []struct {
		name     string
		gapped   []string
		excluded map[string][]string // address -> chain
	}{
		{name: "no gaps", excluded: map[string][]string{}},
		{
			name:   "resource gap pulls in depends_on dependents",
			gapped: []string{"aws_eks_addon.vpc-cni"},
			excluded: map[string][]string{
				"aws_eks_addon.vpc-cni":      {"aws_eks_addon.vpc-cni"},
				"aws_eks_node_group.general": {"aws_eks_node_group.general", "aws_eks_addon.vpc-cni"},
			},
		},
		{
			name:   "data source gap excludes its users, not the data source's own dependencies",
			gapped: []string{"data.aws_eks_addon_version.vpc-cni"},
			excluded: map[string][]string{
				"aws_eks_addon.vpc-cni":      {"aws_eks_addon.vpc-cni", "data.aws_eks_addon_version.vpc-cni"},
				"aws_eks_node_group.general": {"aws_eks_node_group.general", "aws_eks_addon.vpc-cni", "data.aws_eks_addon_version.vpc-cni"},
			},
		},
		{
			name:   "through a local and a depends_on chain",
			gapped: []string{"aws_iam_role_policy_attachment.attach"},
			excluded: map[string][]string{
				"aws_iam_role_policy_attachment.attach":    {"aws_iam_role_policy_attachment.attach"},
				"aws_eks_cluster.cluster":                  {"aws_eks_cluster.cluster", "aws_iam_role_policy_attachment.attach"},
				"aws_eks_addon.vpc-cni":                    {"aws_eks_addon.vpc-cni", "aws_eks_cluster.cluster", "aws_iam_role_policy_attachment.attach"},
				"aws_eks_node_group.general":               {"aws_eks_node_group.general", "aws_eks_addon.vpc-cni", "aws_eks_cluster.cluster", "aws_iam_role_policy_attachment.attach"},
				"aws_iam_openid_connect_provider.oidc":     {"aws_iam_openid_connect_provider.oidc", "local.issuer-host", "aws_eks_cluster.cluster", "aws_iam_role_policy_attachment.attach"},
				"aws_vpc_security_group_ingress_rule.pods": {"aws_vpc_security_group_ingress_rule.pods", "aws_eks_cluster.cluster", "aws_iam_role_policy_attachment.attach"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gapped := map[string]bool{}
			for _, g := range tt.gapped {
				gapped[g] = true
			}
			targets, excluded := c.Targets(gapped)
			got := map[string][]string{}
			for _, e := range excluded {
				got[e.Address] = e.Via
				if e.Gap != e.Via[len(e.Via)-1] {
					t.Errorf("%s: gap %s is not the end of %v", e.Address, e.Gap, e.Via)
				}
			}
			if !reflect.DeepEqual(got, tt.excluded) {
				t.Errorf("excluded:\n got %v\nwant %v", got, tt.excluded)
			}
			if len(targets)+len(excluded) != len(c.Resources) {
				t.Errorf("%d targets + %d excluded != %d resources", len(targets), len(excluded), len(c.Resources))
			}
			for _, a := range targets {
				if _, ok := got[a]; ok {
					t.Errorf("%s both targeted and excluded", a)
				}
				if strings.HasPrefix(a, "data.") {
					t.Errorf("data source %s targeted", a)
				}
			}
		})
	}
}

func TestUses(t *testing.T) {
	c := mustConfig(t)
	got := c.Uses("aws_eks_cluster.cluster", []string{"vpc_config[0].cluster_security_group_id"})
	want := map[string]string{"aws_vpc_security_group_ingress_rule.pods": "aws_eks_cluster.cluster.vpc_config[0].cluster_security_group_id"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	// Other index spellings, and no match on a longer attribute name.
	c2, err := ParseConfig([]byte(`{"resource": {
	  "a": {"x": {"v": "${aws_eks_cluster.c.vpc_config.0.cluster_security_group_id}"}},
	  "b": {"y": {"v": "${aws_eks_cluster.c.vpc_config[*].cluster_security_group_id}"}},
	  "c": {"z": {"v": "${aws_eks_cluster.c.vpc_config[0].cluster_security_group_ids}"}},
	  "d": {"w": {"v": "${aws_eks_cluster.cc.vpc_config[0].cluster_security_group_id}"}}
	}}`))
	if err != nil {
		t.Fatal(err)
	}
	got = c2.Uses("aws_eks_cluster.c", []string{"vpc_config[0].cluster_security_group_id"})
	if len(got) != 2 || got["a.x"] == "" || got["b.y"] == "" {
		t.Errorf("got %v, want a.x and b.y", got)
	}
}
