package review

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// pair builds a base and a head stack from resource maps (TYPE.NAME ->
// attributes) and compares them.
func pair(t *testing.T, base, head map[string]map[string]any, extraHead map[string]any) *Report {
	t.Helper()
	build := func(res map[string]map[string]any, extra map[string]any) *Stack {
		doc := map[string]any{}
		r := map[string]map[string]any{}
		for addr, attrs := range res {
			typ, name, _ := strings.Cut(addr, ".")
			if r[typ] == nil {
				r[typ] = map[string]any{}
			}
			a := map[string]any{"//": map[string]any{"metadata": map[string]any{"path": "app/" + name}}}
			for k, v := range attrs {
				a[k] = v
			}
			r[typ][name] = a
		}
		doc["resource"] = r
		for k, v := range extra {
			doc[k] = v
		}
		data, _ := json.Marshal(doc)
		s, err := Parse("app", data)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	return Compare("base", "head", map[string]*Stack{"app": build(base, nil)}, map[string]*Stack{"app": build(head, extraHead)}, Options{})
}

func policy(stmts ...map[string]any) string {
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	return string(b)
}

func TestRuleGaps(t *testing.T) {
	sub := func(op, v string) map[string]any {
		return map[string]any{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": map[string]any{"Federated": "${aws_iam_openid_connect_provider.oidc.arn}"},
			"Condition": map[string]any{op: map[string]any{"oidc:sub": v}}}
	}
	deny := func(v string) map[string]any {
		return map[string]any{"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*", "Condition": map[string]any{"ArnNotLike": map[string]any{"aws:PrincipalArn": v}}}
	}
	kms := func(p string) map[string]any {
		return map[string]any{"Effect": "Allow", "Action": "kms:*", "Resource": "*", "Principal": map[string]any{"AWS": p}}
	}
	ingress := func(from, to float64, proto string) map[string]any {
		return map[string]any{"security_group_id": "sg-1", "cidr_ipv4": "10.0.0.0/16", "from_port": from, "to_port": to, "ip_protocol": proto}
	}
	task := func(second bool) map[string]any {
		c := []map[string]any{{"name": "app", "logConfiguration": map[string]any{"logDriver": "awslogs"}}, {"name": "job"}}
		if second {
			c[1]["logConfiguration"] = map[string]any{"logDriver": "awslogs"}
		}
		b, _ := json.Marshal(c)
		return map[string]any{"family": "f", "container_definitions": string(b)}
	}
	for _, tc := range []struct {
		name       string
		base, head map[string]map[string]any
		extra      map[string]any
		addr       string
		class      string
		sev        Severity
		text       string
	}{
		{"trust condition widened", map[string]map[string]any{"aws_iam_role.r": {"assume_role_policy": policy(sub("StringEquals", "system:serviceaccount:kube-system:ca"))}},
			map[string]map[string]any{"aws_iam_role.r": {"assume_role_policy": policy(sub("StringLike", "system:serviceaccount:*:*"))}}, nil,
			"aws_iam_role.r", ClassIAM, High, "a grant's condition changed"},
		{"deny condition weakened", map[string]map[string]any{"aws_s3_bucket_policy.p": {"policy": policy(deny("arn:aws:iam::1:role/audit-*"))}},
			map[string]map[string]any{"aws_s3_bucket_policy.p": {"policy": policy(deny("arn:aws:iam::1:role/*"))}}, nil,
			"aws_s3_bucket_policy.p", ClassIAM, High, "a Deny's condition changed"},
		{"key shared with a variable account", nil,
			map[string]map[string]any{"aws_kms_key.k": {"policy": policy(kms("arn:aws:iam::${var.partner}:root"))}}, nil,
			"aws_kms_key.k", ClassIAM, High, "outside this account"},
		{"route authorization removed", map[string]map[string]any{"aws_apigatewayv2_route.r": {"route_key": "GET /me", "authorization_type": "JWT"}},
			map[string]map[string]any{"aws_apigatewayv2_route.r": {"route_key": "GET /me"}}, nil,
			"aws_apigatewayv2_route.r", ClassNetwork, High, "no authorization"},
		{"lattice without IAM", map[string]map[string]any{"aws_vpclattice_service.s": {"name": "s", "auth_type": "AWS_IAM"}},
			map[string]map[string]any{"aws_vpclattice_service.s": {"name": "s", "auth_type": "NONE"}}, nil,
			"aws_vpclattice_service.s", ClassNetwork, High, "not authenticated"},
		{"every protocol", map[string]map[string]any{"aws_vpc_security_group_ingress_rule.i": ingress(443, 443, "tcp")},
			map[string]map[string]any{"aws_vpc_security_group_ingress_rule.i": ingress(443, 443, "-1")}, nil,
			"aws_vpc_security_group_ingress_rule.i", ClassNetwork, High, "every protocol"},
		{"port range widened", map[string]map[string]any{"aws_vpc_security_group_ingress_rule.i": ingress(5432, 5432, "tcp")},
			map[string]map[string]any{"aws_vpc_security_group_ingress_rule.i": ingress(0, 65535, "tcp")}, nil,
			"aws_vpc_security_group_ingress_rule.i", ClassNetwork, Medium, "highest port: 5432 -> 65535"},
		{"second container loses its logs", map[string]map[string]any{"aws_ecs_task_definition.t": task(true)},
			map[string]map[string]any{"aws_ecs_task_definition.t": task(false)}, nil,
			"aws_ecs_task_definition.t", ClassLoggingOff, Medium, "no longer sends its logs"},
		{"security group replaced while in use",
			map[string]map[string]any{"aws_security_group.g": {"name_prefix": "db-", "description": "database", "vpc_id": "vpc-1"}, "aws_db_instance.d": {"engine": "postgres", "vpc_security_group_ids": []any{"${aws_security_group.g.id}"}}},
			map[string]map[string]any{"aws_security_group.g": {"name_prefix": "db-", "description": "the database", "vpc_id": "vpc-1"}, "aws_db_instance.d": {"engine": "postgres", "vpc_security_group_ids": []any{"${aws_security_group.g.id}"}}}, nil,
			"aws_security_group.g", ClassApply, Medium, "DependencyViolation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.base == nil {
				tc.base = map[string]map[string]any{}
			}
			wantFinding(t, pair(t, tc.base, tc.head, tc.extra), tc.addr, tc.class, tc.sev, tc.text)
		})
	}
}

func TestOwnAccountRootIsNoFinding(t *testing.T) {
	own := policy(map[string]any{"Effect": "Allow", "Action": "kms:*", "Resource": "*", "Principal": map[string]any{"AWS": "arn:aws:iam::${data.aws_caller_identity.me.account_id}:root"}})
	rep := pair(t, map[string]map[string]any{}, map[string]map[string]any{"aws_kms_key.k": {"policy": own}}, nil)
	noFinding(t, rep, "aws_kms_key.k")
}

// A removed block with destroy = false forgets the resource: no data is
// lost.
func TestRemovedBlockForgets(t *testing.T) {
	bucket := map[string]map[string]any{"aws_s3_bucket.b": {"bucket_prefix": "x-"}}
	rep := pair(t, bucket, map[string]map[string]any{}, map[string]any{"removed": []any{map[string]any{"from": "aws_s3_bucket.b", "lifecycle": map[string]any{"destroy": false}}}})
	if c := change(t, rep, "app", "aws_s3_bucket.b"); c.Action != Forget {
		t.Errorf("bucket: %+v", c)
	}
	noFinding(t, rep, "aws_s3_bucket.b")
	rep = pair(t, bucket, map[string]map[string]any{}, map[string]any{"removed": []any{map[string]any{"from": "aws_s3_bucket.b"}}})
	wantFinding(t, rep, "aws_s3_bucket.b", ClassDataLoss, High, "is destroyed")
}

// The forced-new cascade stops at a value known at plan time that does
// not change (a literal cluster name).
func TestCascadeStopsAtKnownValue(t *testing.T) {
	cluster := func(flag bool) map[string]any {
		return map[string]any{"name": "platform", "role_arn": "arn:r", "bootstrap_self_managed_addons": flag, "vpc_config": map[string]any{"subnet_ids": []any{"s"}}}
	}
	ng := map[string]any{"cluster_name": "${aws_eks_cluster.c.name}", "node_role_arn": "arn:n", "subnet_ids": []any{"s"}}
	rep := pair(t, map[string]map[string]any{"aws_eks_cluster.c": cluster(true), "aws_eks_node_group.n": ng},
		map[string]map[string]any{"aws_eks_cluster.c": cluster(false), "aws_eks_node_group.n": ng}, nil)
	if c := change(t, rep, "app", "aws_eks_cluster.c"); c.Action != Replace {
		t.Fatalf("cluster: %+v", c)
	}
	for _, c := range rep.Stacks[0].Changes {
		if c.Address == "aws_eks_node_group.n" {
			t.Errorf("the node group keeps its literal cluster name: %+v", c)
		}
	}
}

// An instance class the table lacks makes the cost change unknown, never
// a saving.
func TestUnpricedIsUnknown(t *testing.T) {
	db := func(class string) map[string]map[string]any {
		return map[string]map[string]any{"aws_db_instance.d": {"engine": "postgres", "instance_class": class, "allocated_storage": 20, "storage_type": "gp3"}}
	}
	rep := pair(t, db("db.t4g.medium"), db("db.x9.mega"), nil)
	c := rep.Stacks[0].Cost
	if len(c.Unpriced) != 1 {
		t.Fatalf("cost: %+v", c)
	}
	var b bytes.Buffer
	if err := rep.WriteMarkdown(&b, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "unknown (1 unpriced)") || !strings.Contains(b.String(), "the change is not known") {
		t.Errorf("markdown:\n%s", b.String())
	}
}

// A comment over MaxBytes drops the diagrams, then the details.
func TestMarkdownBudget(t *testing.T) {
	base, _ := LoadDir("testdata/real/base")
	head, _ := LoadDir("testdata/real/head")
	rep := Compare("a", "b", base, head, Options{})
	var full, small, tiny bytes.Buffer
	_ = rep.WriteMarkdown(&full, MarkdownOptions{Diagrams: true})
	_ = rep.WriteMarkdown(&small, MarkdownOptions{Diagrams: true, MaxBytes: full.Len() - 1})
	_ = rep.WriteMarkdown(&tiny, MarkdownOptions{Diagrams: true, MaxBytes: 2000, FullReport: ".review/review-full.md"})
	if strings.Contains(small.String(), "```mermaid") || !strings.Contains(small.String(), "Diagrams are left out") || small.Len() >= full.Len() {
		t.Errorf("over budget, the diagrams go first (%d -> %d bytes)", full.Len(), small.Len())
	}
	if strings.Contains(tiny.String(), "<details>") || !strings.Contains(tiny.String(), "see `.review/review-full.md`") || !strings.Contains(tiny.String(), "| hybridmicroservices |") {
		t.Errorf("far over budget, only the summary and findings stay:\n%s", tiny.String())
	}
}
