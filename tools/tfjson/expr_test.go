package tfjson

import (
	"reflect"
	"strings"
	"testing"
)

func TestInterpolations(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"plain", nil},
		{"${a.b}", []string{"a.b"}},
		{"x-${a.b}-${c.d[0]}", []string{"a.b", "c.d[0]"}},
		{`${jsonencode({"k" = a.b})}`, []string{`jsonencode({"k" = a.b})`}},
		{`${jsonencode({"a" = {"b" = x.y}})}`, []string{`jsonencode({"a" = {"b" = x.y}})`}},
		{`${replace(x.y, "}", "{")}`, []string{`replace(x.y, "}", "{")`}},
		{`${format("%s-${var.a}", "b")}`, []string{`format("%s-${var.a}", "b")`}},
		{"$${not.this}", nil},
		{"$${not.this} but ${this.one}", []string{"this.one"}},
		{"${unterminated", []string{"unterminated"}},
		// A policy document: the interpolations sit inside JSON strings.
		{`{"Resource":"${aws_s3_bucket.b.arn}/*","Principal":{"AWS":"${data.aws_caller_identity.a.account_id}"}}`,
			[]string{"aws_s3_bucket.b.arn", "data.aws_caller_identity.a.account_id"}},
	}
	for _, tt := range tests {
		var got []string
		for _, in := range Interpolations(tt.in) {
			got = append(got, in.Expr)
			if in.Terminated && tt.in[in.Start:in.End] != "${"+in.Expr+"}" {
				t.Errorf("%q: span %d:%d is %q", tt.in, in.Start, in.End, tt.in[in.Start:in.End])
			}
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Interpolations(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestReplaceInterpolations(t *testing.T) {
	got := ReplaceInterpolations(`a-${x.y}-$${lit}-${f({"k" = "}"})}`, func(Interpolation) string { return "T" })
	if want := `a-T-$${lit}-T`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if HasInterpolation("costs $${x.y}") || !HasInterpolation("${x.y}") {
		t.Error("HasInterpolation: an escape is not an interpolation, a span is")
	}
}

// ref is a compact expectation: kind, address, canonical attribute path.
type ref struct {
	Kind    Kind
	Address string
	Attr    string
	Raw     string
}

func simplify(rs []Reference) []ref {
	var out []ref
	for _, r := range rs {
		out = append(out, ref{r.Kind, r.Address, r.Attr(), r.Raw})
	}
	return out
}

// TestReferenceForms holds every form of reference the golden snapshots
// contain (found by a scanner over __snapshots__/*.tf.json; the first
// group, each with a real example), then the other forms of the grammar.
func TestReferenceForms(t *testing.T) {
	tests := []struct {
		name string
		in   string // a JSON string value
		want []ref
	}{
		// Forms in the snapshots.
		{"resource attribute", "${aws_kms_key.logs-key.arn}",
			[]ref{{Resource, "aws_kms_key.logs-key", "arn", "aws_kms_key.logs-key.arn"}}},
		{"cdktf name with dashes and hash", "${aws_iam_role.controllers_cluster-autoscaler-role_58038E46.id}",
			[]ref{{Resource, "aws_iam_role.controllers_cluster-autoscaler-role_58038E46", "id", "aws_iam_role.controllers_cluster-autoscaler-role_58038E46.id"}}},
		{"data source attribute", "${data.aws_region.awsenv-region.name}",
			[]ref{{Data, "data.aws_region.awsenv-region", "name", "data.aws_region.awsenv-region.name"}}},
		{"indexed nested attribute", "${kubernetes_namespace_v1.controllers_argocd-namespace_CF1EE47D.metadata[0].name}",
			[]ref{{Resource, "kubernetes_namespace_v1.controllers_argocd-namespace_CF1EE47D", "metadata[0].name", "kubernetes_namespace_v1.controllers_argocd-namespace_CF1EE47D.metadata[0].name"}}},
		{"two indexes", "${aws_eks_cluster.cluster_A4C38409.identity[0].oidc[0].issuer}",
			[]ref{{Resource, "aws_eks_cluster.cluster_A4C38409", "identity[0].oidc[0].issuer", "aws_eks_cluster.cluster_A4C38409.identity[0].oidc[0].issuer"}}},
		{"remote state output with dashes", "${data.terraform_remote_state.cross-stack-reference-input-fintech.outputs.cross-stack-output-aws_eks_clustercluster_A4C38409name}",
			[]ref{{Data, "data.terraform_remote_state.cross-stack-reference-input-fintech", "outputs.cross-stack-output-aws_eks_clustercluster_A4C38409name", "data.terraform_remote_state.cross-stack-reference-input-fintech.outputs.cross-stack-output-aws_eks_clustercluster_A4C38409name"}}},
		{"function of a remote state output", "${base64decode(data.terraform_remote_state.cross-stack-reference-input-fintech.outputs.cross-stack-output-aws_eks_clustercluster_A4C38409certificate_authority0data)}",
			[]ref{{Data, "data.terraform_remote_state.cross-stack-reference-input-fintech", "outputs.cross-stack-output-aws_eks_clustercluster_A4C38409certificate_authority0data", "data.terraform_remote_state.cross-stack-reference-input-fintech.outputs.cross-stack-output-aws_eks_clustercluster_A4C38409certificate_authority0data"}}},
		{"replace with string literals", `${replace(aws_cloudwatch_log_group.mesh_access-logs_E4F364F7.name, "/", "$252F")}`,
			[]ref{{Resource, "aws_cloudwatch_log_group.mesh_access-logs_E4F364F7", "name", "aws_cloudwatch_log_group.mesh_access-logs_E4F364F7.name"}}},
		{"replace of an issuer URL", `${replace(aws_eks_cluster.cluster_A4C38409.identity[0].oidc[0].issuer, "https://", "")}`,
			[]ref{{Resource, "aws_eks_cluster.cluster_A4C38409", "identity[0].oidc[0].issuer", "aws_eks_cluster.cluster_A4C38409.identity[0].oidc[0].issuer"}}},
		{"tolist", "${tolist(aws_eks_cluster.cluster_A4C38409.vpc_config[0].subnet_ids)}",
			[]ref{{Resource, "aws_eks_cluster.cluster_A4C38409", "vpc_config[0].subnet_ids", "aws_eks_cluster.cluster_A4C38409.vpc_config[0].subnet_ids"}}},
		{"terraform.workspace", "${terraform.workspace}",
			[]ref{{TerraformKind, "terraform.workspace", "", "terraform.workspace"}}},
		{"local with dashes and hash", "https://${local.cluster_oidc-issuer-host_60B46FF4}",
			[]ref{{Local, "local.cluster_oidc-issuer-host_60B46FF4", "", "local.cluster_oidc-issuer-host_60B46FF4"}}},
		{"inside a JSON policy document", `{"Resource":["${aws_s3_bucket.b.arn}","${aws_s3_bucket.b.arn}/*"]}`,
			[]ref{{Resource, "aws_s3_bucket.b", "arn", "aws_s3_bucket.b.arn"}, {Resource, "aws_s3_bucket.b", "arn", "aws_s3_bucket.b.arn"}}},
		{"inside an alarm rule", `ALARM("${aws_cloudwatch_metric_alarm.etl_database_cpu-alarm_423F41E5.arn}") OR ALARM("${aws_cloudwatch_metric_alarm.x.arn}")`,
			[]ref{{Resource, "aws_cloudwatch_metric_alarm.etl_database_cpu-alarm_423F41E5", "arn", "aws_cloudwatch_metric_alarm.etl_database_cpu-alarm_423F41E5.arn"}, {Resource, "aws_cloudwatch_metric_alarm.x", "arn", "aws_cloudwatch_metric_alarm.x.arn"}}},
		{"escape", "costs $${aws_vpc.vpc.id} in text", nil},

		// The rest of the grammar.
		{"map key", `${aws_x.name["key"]}`, []ref{{Resource, "aws_x.name", `["key"]`, `aws_x.name["key"]`}}},
		{"key then attribute", `${aws_x.name["k-1"].id}`, []ref{{Resource, "aws_x.name", `["k-1"].id`, `aws_x.name["k-1"].id`}}},
		{"splat", "${aws_x.n[*].id}", []ref{{Resource, "aws_x.n", "[*].id", "aws_x.n[*].id"}}},
		{"legacy splat", "${aws_x.n.*.id}", []ref{{Resource, "aws_x.n", "[*].id", "aws_x.n.*.id"}}},
		{"legacy index", "${aws_x.n.cfg.0.id}", []ref{{Resource, "aws_x.n", "cfg[0].id", "aws_x.n.cfg.0.id"}}},
		{"no attribute", "${aws_x.n}", []ref{{Resource, "aws_x.n", "", "aws_x.n"}}},
		{"var", "${var.x}", []ref{{Var, "var.x", "", "var.x"}}},
		{"module output", "${module.m.out}", []ref{{Module, "module.m", "out", "module.m.out"}}},
		{"remote state output by key", `${data.terraform_remote_state.s.outputs["o"]}`, []ref{{Data, "data.terraform_remote_state.s", `outputs["o"]`, `data.terraform_remote_state.s.outputs["o"]`}}},
		{"jsonencode with object keys", `${jsonencode({"Statement" = [{Effect = "Allow", Resource = aws_s3_bucket.b.arn}]})}`,
			[]ref{{Resource, "aws_s3_bucket.b", "arn", "aws_s3_bucket.b.arn"}}},
		{"string literals only", `${jsonencode({"Statement" = [{"Principal" = {"Service" = "eks.amazonaws.com"}}]})}`, nil},
		{"lookup", `${lookup(var.m, "k", local.d)}`, []ref{{Var, "var.m", "", "var.m"}, {Local, "local.d", "", "local.d"}}},
		{"element with count.index", "${element(aws_subnet.s.*.id, count.index)}",
			[]ref{{Resource, "aws_subnet.s", "[*].id", "aws_subnet.s.*.id"}, {Count, "count.index", "", "count.index"}}},
		{"index by expression", "${aws_subnet.s[count.index].id}",
			[]ref{{Resource, "aws_subnet.s", "", "aws_subnet.s"}, {Count, "count.index", "", "count.index"}}},
		{"each", "${each.value.arn}", []ref{{Each, "each.value", "arn", "each.value.arn"}}},
		{"conditional", `${var.on ? aws_x.a.id : "none"}`, []ref{{Var, "var.on", "", "var.on"}, {Resource, "aws_x.a", "id", "aws_x.a.id"}}},
		{"attribute of a call result is not a root", "${element(aws_x.a, 0).id}", []ref{{Resource, "aws_x.a", "", "aws_x.a"}}},
		{"for expression binds its variables", "${[for s in aws_subnet.x : s.id if s.id != null]}", []ref{{Resource, "aws_subnet.x", "", "aws_subnet.x"}}},
		{"template inside a string literal", `${format("%s", "${var.a}-x")}`, []ref{{Var, "var.a", "", "var.a"}}},
		{"numbers and operators", "${var.n * 1.5 + 2}", []ref{{Var, "var.n", "", "var.n"}}},
		{"dashed role name from the issue", "${aws_iam_role.orders_caller-role.arn}", []ref{{Resource, "aws_iam_role.orders_caller-role", "arn", "aws_iam_role.orders_caller-role.arn"}}},
		{"path.module", "${path.module}/x", []ref{{PathKind, "path.module", "", "path.module"}}},
		{"lone identifier names nothing", "${x}", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refs := References(tt.in)
			if got := simplify(refs); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("References(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
			}
			for _, r := range refs {
				if tt.in[r.Start:r.End] != r.Raw {
					t.Errorf("offsets %d:%d hold %q, not %q", r.Start, r.End, tt.in[r.Start:r.End], r.Raw)
				}
			}
		})
	}
}

func TestReferenceParts(t *testing.T) {
	refs := References(`${data.terraform_remote_state.net.outputs.vpc-id}`)
	if len(refs) != 1 {
		t.Fatalf("got %d references, want 1", len(refs))
	}
	st, out, ok := refs[0].RemoteOutput()
	if !ok || st != "net" || out != "vpc-id" || refs[0].Type != "terraform_remote_state" || refs[0].Name != "net" {
		t.Errorf("RemoteOutput = %q %q %v (%+v)", st, out, ok, refs[0])
	}
	if _, _, ok := References("${data.aws_region.r.name}")[0].RemoteOutput(); ok {
		t.Error("a data source other than terraform_remote_state has no remote output")
	}
	r := References("${aws_eks_cluster.c.vpc_config.0.cluster_security_group_id}")[0]
	if r.Type != "aws_eks_cluster" || r.Name != "c" || len(r.Path) != 3 || r.Path[1].Kind != IndexStep || r.Path[1].Index != 0 {
		t.Errorf("parts: %+v", r)
	}
	for _, tt := range []struct {
		ref, attr string
		ok        bool
	}{
		{"${aws_eks_cluster.c.vpc_config[0].cluster_security_group_id}", "vpc_config[0].cluster_security_group_id", true},
		{"${aws_eks_cluster.c.vpc_config.0.cluster_security_group_id}", "vpc_config[0].cluster_security_group_id", true},
		{"${aws_eks_cluster.c.vpc_config[*].cluster_security_group_id}", "vpc_config[0].cluster_security_group_id", true},
		{"${aws_eks_cluster.c.vpc_config[0].cluster_security_group_ids}", "vpc_config[0].cluster_security_group_id", false},
		{"${aws_eks_cluster.c.vpc_config[1].cluster_security_group_id}", "vpc_config[0].cluster_security_group_id", false},
		{"${aws_eks_cluster.c.arn}", "", true},
	} {
		if _, ok := References(tt.ref)[0].HasPrefix(tt.attr); ok != tt.ok {
			t.Errorf("%s HasPrefix(%q) = %v, want %v", tt.ref, tt.attr, ok, tt.ok)
		}
	}
}

func TestParseReference(t *testing.T) {
	tests := []struct {
		in, addr string
		ok       bool
	}{
		{"aws_iam_role_policy_attachment.attach", "aws_iam_role_policy_attachment.attach", true},
		{"aws_vpc_security_group_ingress_rule.pods-from-internal-nlb", "aws_vpc_security_group_ingress_rule.pods-from-internal-nlb", true},
		{"data.aws_region.r", "data.aws_region.r", true},
		{"${aws_x.y}", "aws_x.y", true},
		{"module.m", "module.m", true},
		{"not a reference", "", false},
		{"https://example.com", "", false},
		{"${aws_x.y}-suffix", "", false},
	}
	for _, tt := range tests {
		r, ok := ParseReference(tt.in)
		if ok != tt.ok || r.Address != tt.addr {
			t.Errorf("ParseReference(%q) = %q %v, want %q %v", tt.in, r.Address, ok, tt.addr, tt.ok)
		}
	}
}

func TestRewriteAddresses(t *testing.T) {
	in := `${replace(aws_eks_cluster.c.identity[0].oidc[0].issuer, "https://", "")} and ${var.x} and $${aws_x.lit}`
	got := RewriteAddresses(in, func(r Reference) string {
		if r.Kind == Resource {
			return "‹" + r.Name + "›"
		}
		return r.Address
	})
	want := `${replace(‹c›.identity[0].oidc[0].issuer, "https://", "")} and ${var.x} and $${aws_x.lit}`
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestReferencesIn(t *testing.T) {
	body := map[string]any{
		"role":       "${aws_iam_role.r.arn}",
		"depends_on": []any{"aws_iam_role_policy.p"},
		"//":         map[string]any{"x": "${aws_ignored.meta.id}"},
		"nested":     []any{map[string]any{"k": "${data.aws_region.r.name}"}},
	}
	refs := ReferencesIn(body)
	var got []string
	for _, r := range refs {
		got = append(got, r.Address)
	}
	if len(got) != 3 || !strings.Contains(strings.Join(got, " "), "aws_iam_role_policy.p") || strings.Contains(strings.Join(got, " "), "aws_ignored") {
		t.Errorf("got %v", got)
	}
}

func TestParsePath(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"vpc_config[0].subnet_ids", ".vpc_config[0].subnet_ids"},
		{"a.0.b", ".a[0].b"},
		{`outputs["x"]`, `.outputs["x"]`},
		{"tags.Name", ".tags.Name"},
	}
	for _, tt := range tests {
		var b strings.Builder
		for _, s := range ParsePath(tt.in) {
			b.WriteString(s.String())
		}
		if b.String() != tt.want {
			t.Errorf("ParsePath(%q) = %q, want %q", tt.in, b.String(), tt.want)
		}
	}
	if ParsePath("a b") != nil {
		t.Error(`ParsePath("a b") parsed`)
	}
}
