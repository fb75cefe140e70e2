package policy

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

// R is a resource for building test documents: type.name -> attributes.
type R map[string]map[string]any

// doc builds a Terraform JSON document from resources keyed "type.name".
func doc(t *testing.T, rs R, extra ...map[string]any) []byte {
	t.Helper()
	resource := map[string]map[string]any{}
	for addr, attrs := range rs {
		typ, name, _ := strings.Cut(addr, ".")
		if resource[typ] == nil {
			resource[typ] = map[string]any{}
		}
		resource[typ][name] = attrs
	}
	d := map[string]any{"resource": resource}
	for _, e := range extra {
		for k, v := range e {
			d[k] = v
		}
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func policyJSON(stmts ...map[string]any) string {
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	return string(b)
}

// A compliant bucket with its four companion resources.
func goodBucket(name string) R {
	ref := "${aws_s3_bucket." + name + ".id}"
	return R{
		"aws_s3_bucket." + name:                                      {"bucket_prefix": name, "lifecycle": map[string]any{"prevent_destroy": true}},
		"aws_s3_bucket_public_access_block." + name:                  {"bucket": ref, "block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true},
		"aws_s3_bucket_server_side_encryption_configuration." + name: {"bucket": ref, "rule": []any{map[string]any{"apply_server_side_encryption_by_default": map[string]any{"sse_algorithm": "AES256"}}}},
		"aws_s3_bucket_versioning." + name:                           {"bucket": ref, "versioning_configuration": map[string]any{"status": "Enabled"}},
		"aws_s3_bucket_policy." + name: {"bucket": ref, "policy": policyJSON(map[string]any{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
			"Resource": []string{"${aws_s3_bucket." + name + ".arn}/*"}, "Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}})},
	}
}

func merge(rs ...R) R {
	out := R{}
	for _, r := range rs {
		for k, v := range r {
			out[k] = v
		}
	}
	return out
}

func without(r R, addr string) R {
	out := merge(r)
	delete(out, addr)
	return out
}

func with(r R, addr, key string, value any) R {
	out := merge(r)
	attrs := map[string]any{}
	for k, v := range r[addr] {
		attrs[k] = v
	}
	attrs[key] = value
	out[addr] = attrs
	return out
}

func goodCluster() map[string]any {
	return map[string]any{
		"vpc_config":                map[string]any{"endpoint_private_access": true, "endpoint_public_access": false, "subnet_ids": []string{"a"}},
		"encryption_config":         map[string]any{"provider": map[string]any{"key_arn": "${aws_kms_key.k.arn}"}, "resources": []string{"secrets"}},
		"enabled_cluster_log_types": []string{"api", "audit", "authenticator", "controllerManager", "scheduler"},
		"access_config":             map[string]any{"authentication_mode": "API", "bootstrap_cluster_creator_admin_permissions": false},
		"lifecycle":                 map[string]any{"prevent_destroy": true},
	}
}

func nodeGroup(ltAttrs map[string]any) R {
	return R{
		"aws_iam_role.node":                     {"assume_role_policy": "{}"},
		"aws_launch_template.lt":                ltAttrs,
		"aws_eks_node_group.ng":                 {"node_role_arn": "${aws_iam_role.node.arn}", "launch_template": map[string]any{"id": "${aws_launch_template.lt.id}", "version": "1"}},
		"aws_iam_role_policy_attachment.worker": {"role": "${aws_iam_role.node.name}", "policy_arn": "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"},
	}
}

var imds = map[string]any{"metadata_options": map[string]any{"http_tokens": "required", "http_put_response_hop_limit": 1}}

func fn(extra map[string]any) map[string]any {
	attrs := map[string]any{"function_name": "f", "timeout": 30, "tracing_config": map[string]any{"mode": "Active"}}
	for k, v := range extra {
		attrs[k] = v
	}
	return attrs
}

var logGroup = R{"aws_cloudwatch_log_group.f": {"name": "/aws/lambda/f", "retention_in_days": 90}}

func irsaTrust(conditions map[string]any) string {
	return policyJSON(map[string]any{"Effect": "Allow", "Principal": map[string]any{"Federated": "${aws_iam_openid_connect_provider.oidc.arn}"},
		"Action": "sts:AssumeRoleWithWebIdentity", "Condition": map[string]any{"StringEquals": conditions}})
}

func TestEveryRule(t *testing.T) {
	asyncFn := merge(logGroup, R{
		"aws_lambda_function.f":         fn(nil),
		"aws_cloudwatch_event_rule.r":   {"schedule_expression": "rate(1 hour)"},
		"aws_cloudwatch_event_target.t": {"rule": "${aws_cloudwatch_event_rule.r.name}", "arn": "${aws_lambda_function.f.arn}"},
		"aws_sqs_queue.dlq":             {"sqs_managed_sse_enabled": true},
		"aws_lambda_permission.p":       {"principal": "events.amazonaws.com", "function_name": "${aws_lambda_function.f.function_name}", "source_arn": "${aws_cloudwatch_event_rule.r.arn}"},
	})
	sqsSource := merge(logGroup, R{
		"aws_lambda_function.f":             fn(nil),
		"aws_sqs_queue.q":                   {"sqs_managed_sse_enabled": true, "visibility_timeout_seconds": 10, "redrive_policy": `{"deadLetterTargetArn":"x","maxReceiveCount":5}`},
		"aws_lambda_event_source_mapping.m": {"event_source_arn": "${aws_sqs_queue.q.arn}", "function_name": "${aws_lambda_function.f.arn}"},
	})
	cases := []struct {
		rule       string
		fail, pass []byte
	}{
		{"EKS-001", doc(t, R{"aws_eks_cluster.c": with(R{"x": goodCluster()}, "x", "vpc_config", map[string]any{"endpoint_public_access": true, "public_access_cidrs": []string{"0.0.0.0/0"}})["x"]}),
			doc(t, R{"aws_eks_cluster.c": with(R{"x": goodCluster()}, "x", "vpc_config", map[string]any{"endpoint_public_access": true, "public_access_cidrs": []string{"203.0.113.0/24"}})["x"]})},
		{"EKS-002", doc(t, R{"aws_eks_cluster.c": with(R{"x": goodCluster()}, "x", "encryption_config", nil)["x"]}), doc(t, R{"aws_eks_cluster.c": goodCluster()})},
		{"EKS-003", doc(t, R{"aws_eks_cluster.c": with(R{"x": goodCluster()}, "x", "enabled_cluster_log_types", []string{"api", "audit"})["x"]}), doc(t, R{"aws_eks_cluster.c": goodCluster()})},
		{"EKS-004", doc(t, R{"aws_eks_cluster.c": with(R{"x": goodCluster()}, "x", "access_config", map[string]any{"authentication_mode": "CONFIG_MAP"})["x"]}), doc(t, R{"aws_eks_cluster.c": goodCluster()})},
		{"EKS-005", doc(t, nodeGroup(map[string]any{"metadata_options": map[string]any{"http_tokens": "optional", "http_put_response_hop_limit": 2}})), doc(t, nodeGroup(imds))},
		{"EKS-006", doc(t, merge(nodeGroup(imds), R{"aws_iam_role_policy_attachment.s3": {"role": "${aws_iam_role.node.name}", "policy_arn": "arn:aws:iam::aws:policy/AmazonS3FullAccess"}})), doc(t, nodeGroup(imds))},
		{"LAM-001", doc(t, merge(logGroup, R{"aws_lambda_function.f": fn(map[string]any{"tracing_config": map[string]any{"mode": "PassThrough"}})})), doc(t, merge(logGroup, R{"aws_lambda_function.f": fn(nil)}))},
		{"LAM-002", doc(t, merge(asyncFn, R{"aws_lambda_permission.p": {"principal": "s3.amazonaws.com", "function_name": "f"}})), doc(t, asyncFn)},
		{"LAM-003", doc(t, R{"aws_lambda_function_url.u": {"function_name": "f", "authorization_type": "NONE"}}), doc(t, R{"aws_lambda_function_url.u": {"function_name": "f", "authorization_type": "AWS_IAM"}})},
		{"LAM-004", doc(t, asyncFn), doc(t, merge(asyncFn, R{"aws_lambda_function_event_invoke_config.c": {"function_name": "${aws_lambda_function.f.function_name}",
			"destination_config": map[string]any{"on_failure": map[string]any{"destination": "${aws_sqs_queue.dlq.arn}"}}}}))},
		{"LAM-005", doc(t, merge(logGroup, R{"aws_lambda_function.f": fn(map[string]any{"environment": map[string]any{"variables": map[string]any{"DB_PASSWORD": "hunter2"}}})})),
			doc(t, merge(logGroup, R{"aws_lambda_function.f": fn(map[string]any{"environment": map[string]any{"variables": map[string]any{"DB_PASSWORD_SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:1:secret:db", "MODE": "fast"}}})}))},
		{"LAM-006", doc(t, R{"aws_lambda_function.f": fn(nil)}), doc(t, merge(logGroup, R{"aws_lambda_function.f": fn(nil)}))},
		{"API-001", doc(t, R{"aws_apigatewayv2_stage.s": {"name": "$default"}}), doc(t, R{"aws_apigatewayv2_stage.s": {"access_log_settings": map[string]any{"destination_arn": "arn", "format": "{}"}}})},
		{"API-002", doc(t, R{"aws_apigatewayv2_route.r": {"route_key": "GET /x", "authorization_type": "NONE"}}), doc(t, R{"aws_apigatewayv2_route.r": {"route_key": "GET /x", "authorization_type": "JWT"}})},
		{"API-003", doc(t, R{"aws_apigatewayv2_domain_name.d": {"domain_name_configuration": map[string]any{"security_policy": "TLS_1_0"}}}),
			doc(t, R{"aws_apigatewayv2_domain_name.d": {"domain_name_configuration": map[string]any{"security_policy": "TLS_1_2"}}})},
		{"IAM-001", doc(t, R{"aws_iam_role_policy.p": {"policy": policyJSON(map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"})}}),
			doc(t, R{"aws_iam_role_policy.p": {"policy": policyJSON(map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "${aws_s3_bucket.b.arn}/*"})}})},
		{"IAM-002", doc(t, R{"aws_iam_policy.p": {"policy": policyJSON(map[string]any{"Effect": "Allow", "Action": []string{"s3:*"}, "Resource": "${aws_s3_bucket.b.arn}"})}}),
			doc(t, R{"aws_iam_policy.p": {"policy": policyJSON(map[string]any{"Effect": "Allow", "Action": []string{"s3:GetObject"}, "Resource": "${aws_s3_bucket.b.arn}"})}})},
		{"IAM-003", doc(t, R{"aws_iam_role.r": {"assume_role_policy": irsaTrust(map[string]any{"${local.issuer}:sub": "system:serviceaccount:a:b"})}}),
			doc(t, R{"aws_iam_role.r": {"assume_role_policy": irsaTrust(map[string]any{"${local.issuer}:sub": "system:serviceaccount:a:b", "${local.issuer}:aud": "sts.amazonaws.com"})}})},
		{"S3-001", doc(t, without(goodBucket("b"), "aws_s3_bucket_public_access_block.b")), doc(t, goodBucket("b"))},
		{"S3-002", doc(t, without(goodBucket("b"), "aws_s3_bucket_server_side_encryption_configuration.b")), doc(t, goodBucket("b"))},
		{"S3-003", doc(t, with(goodBucket("b"), "aws_s3_bucket_versioning.b", "versioning_configuration", map[string]any{"status": "Suspended"})), doc(t, goodBucket("b"))},
		{"S3-004", doc(t, without(goodBucket("b"), "aws_s3_bucket_policy.b")), doc(t, goodBucket("b"))},
		{"SQS-001", doc(t, R{"aws_sqs_queue.q": {"sqs_managed_sse_enabled": false}}), doc(t, R{"aws_sqs_queue.q": {"kms_master_key_id": "alias/x", "redrive_policy": "{}"}})},
		{"SQS-002", doc(t, R{"aws_sqs_queue.q": {"sqs_managed_sse_enabled": true}}),
			doc(t, R{"aws_sqs_queue.q": {"sqs_managed_sse_enabled": true, "redrive_policy": `{"deadLetterTargetArn":"${aws_sqs_queue.dlq.arn}"}`}, "aws_sqs_queue.dlq": {"sqs_managed_sse_enabled": true}})},
		{"SQS-003", doc(t, sqsSource), doc(t, with(sqsSource, "aws_sqs_queue.q", "visibility_timeout_seconds", 180))},
		{"KMS-001", doc(t, R{"aws_kms_key.k": {"enable_key_rotation": false, "lifecycle": map[string]any{"prevent_destroy": true}}}),
			doc(t, R{"aws_kms_key.k": {"enable_key_rotation": true, "lifecycle": map[string]any{"prevent_destroy": true}}})},
		{"LOG-001", doc(t, R{"aws_cloudwatch_log_group.g": {"name": "x"}}), doc(t, R{"aws_cloudwatch_log_group.g": {"name": "x", "retention_in_days": 30}})},
		{"LOG-002", doc(t, R{"aws_cloudwatch_log_group.g": {"name": "x", "retention_in_days": 30}}),
			doc(t, R{"aws_cloudwatch_log_group.g": {"name": "x", "retention_in_days": 30, "kms_key_id": "${aws_kms_key.logs-key.arn}"}})},
		{"OBS-001", doc(t, merge(logGroup, R{"aws_lambda_function.f": fn(nil)})),
			doc(t, merge(logGroup, R{"aws_lambda_function.f": fn(nil), "aws_cloudwatch_metric_alarm.errors": {"namespace": "AWS/Lambda", "metric_name": "Errors",
				"dimensions": map[string]any{"FunctionName": "${aws_lambda_function.f.function_name}"}}}))},
		{"ECS-001", doc(t, R{"aws_ecs_cluster.c": {"name": "c"}}), doc(t, R{"aws_ecs_cluster.c": {"setting": []any{map[string]any{"name": "containerInsights", "value": "enabled"}}}})},
		{"ECS-002", doc(t, R{"aws_ecs_task_definition.t": {"container_definitions": `[{"name":"app","environment":[{"name":"API_KEY","value":"abc123"}]}]`}}),
			doc(t, R{"aws_ecs_task_definition.t": {"container_definitions": `[{"name":"app","logConfiguration":{"logDriver":"awslogs"},"secrets":[{"name":"API_KEY","valueFrom":"arn:aws:ssm:x"}]}]`},
				"aws_ecs_service.s": {"network_configuration": map[string]any{"assign_public_ip": false}}})},
		{"MESH-001", doc(t, R{"aws_appmesh_mesh.m": {"spec": map[string]any{"egress_filter": map[string]any{"type": "DROP_ALL"}}}}), doc(t, R{})},
		{"MESH-002", doc(t, R{"aws_appmesh_mesh.m": {"spec": map[string]any{"egress_filter": map[string]any{"type": "ALLOW_ALL"}}}}),
			doc(t, R{"aws_appmesh_mesh.m": {"spec": map[string]any{"egress_filter": map[string]any{"type": "DROP_ALL"}}},
				"aws_appmesh_virtual_node.n": {"spec": map[string]any{"backend": []any{map[string]any{"virtual_service": map[string]any{"virtual_service_name": "x", "client_policy": map[string]any{"tls": map[string]any{"enforce": true}}}}}}}})},
		{"DATA-001", doc(t, R{"aws_dynamodb_table.t": {"name": "orders"}}), doc(t, R{"aws_dynamodb_table.t": {"name": "orders", "deletion_protection_enabled": true}})},
	}
	cases = append(cases, deployRuleCases(t)...)
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.rule] = true
		t.Run(c.rule, func(t *testing.T) {
			fail, err := Check("fail", c.fail)
			if err != nil {
				t.Fatal(err)
			}
			if !has(fail, c.rule) {
				t.Errorf("failing document raised no %s: %v", c.rule, fail)
			}
			pass, err := Check("pass", c.pass)
			if err != nil {
				t.Fatal(err)
			}
			if has(pass, c.rule) {
				t.Errorf("passing document raised %s: %v", c.rule, pass)
			}
		})
	}
	for _, r := range Rules() {
		if !covered[r.ID] {
			t.Errorf("rule %s has no failing/passing test", r.ID)
		}
	}
}

func has(findings []Finding, rule string) bool {
	for _, f := range findings {
		if f.RuleID == rule && !f.Suppressed {
			return true
		}
	}
	return false
}

func TestFindingNamesAddressPathAndFix(t *testing.T) {
	f, err := Check("s", doc(t, merge(clusterAdmin("c"), R{"aws_eks_cluster.c": with(R{"x": goodCluster()}, "x", "vpc_config", map[string]any{"endpoint_public_access": true})["x"]})))
	if err != nil {
		t.Fatal(err)
	}
	if len(f) != 1 {
		t.Fatalf("findings = %v", f)
	}
	got := f[0]
	if got.Address != "aws_eks_cluster.c" || got.Path != "vpc_config.endpoint_public_access" || got.Severity != Error || got.Fix == "" || got.Stack != "s" {
		t.Errorf("finding = %+v", got)
	}
	if err := Err(f); err == nil || !strings.Contains(err.Error(), "policy: s EKS-001: aws_eks_cluster.c the API endpoint is public to the whole Internet") {
		t.Errorf("Err = %v", err)
	}
}

func TestSingleBlocksAsObjectOrList(t *testing.T) {
	asList := goodCluster()
	asList["vpc_config"] = []any{asList["vpc_config"]}
	asList["access_config"] = []any{asList["access_config"]}
	asList["encryption_config"] = []any{map[string]any{"provider": []any{map[string]any{"key_arn": "k"}}, "resources": []string{"secrets"}}}
	admin := clusterAdmin("c")
	assoc := admin["aws_eks_access_policy_association.c-admin"]
	assoc["access_scope"] = []any{assoc["access_scope"]}
	f, err := Check("s", doc(t, merge(admin, R{"aws_eks_cluster.c": asList})))
	if err != nil || len(f) != 0 {
		t.Errorf("one-element lists are not read as blocks: %v %v", f, err)
	}
}

func TestSuppressions(t *testing.T) {
	route := map[string]any{"route_key": "GET /health", "authorization_type": "NONE",
		"//": map[string]any{suppressionKey: map[string]any{"API-002": "health checks from the load balancer"}}}
	f, err := Check("s", doc(t, R{"aws_apigatewayv2_route.r": route}))
	if err != nil {
		t.Fatal(err)
	}
	if len(f) != 1 || !f[0].Suppressed || f[0].SuppressionReason != "health checks from the load balancer" || Err(f) != nil {
		t.Errorf("suppressed finding = %+v", f)
	}
	// A suppression without a reason, and one that matches nothing, are errors.
	bad := map[string]any{"route_key": "GET /x", "authorization_type": "JWT",
		"//": map[string]any{suppressionKey: map[string]any{"API-002": "was public once", "LOG-001": "", "XYZ-999": "a rule that never was"}}}
	f, _ = Check("s", doc(t, R{"aws_apigatewayv2_route.r": bad}))
	var msgs []string
	for _, x := range Failing(f) {
		msgs = append(msgs, x.RuleID+": "+x.Message)
	}
	joined := strings.Join(msgs, "\n")
	if len(msgs) != 3 {
		t.Errorf("%d failing findings, want 3 (stale, unexplained, unknown rule):\n%s", len(msgs), joined)
	}
	// The library only checks a suppressed id's shape (nag.Suppress); an id
	// no rule has is caught here, at check time.
	if !strings.Contains(joined, "SUP-001: suppression of XYZ-999 names no rule of this pack (reason: a rule that never was)") {
		t.Errorf("suppression of an unknown rule not reported:\n%s", joined)
	}
	if !strings.Contains(joined, "SUP-001: suppression of API-002 matches no finding (reason: was public once)") || !strings.Contains(joined, "SUP-001: suppression of LOG-001 has no reason") {
		t.Errorf("stale/unexplained suppressions not reported:\n%s", joined)
	}
}

func TestDisposableStackSkipsDataProtection(t *testing.T) {
	f, err := Check("s", doc(t, R{"aws_dynamodb_table.t": {"name": "x"}}, map[string]any{"locals": map[string]any{DisposableLocal: true}}))
	if err != nil || has(f, "DATA-001") {
		t.Errorf("disposable stack still raised DATA-001: %v %v", f, err)
	}
}

func TestPoliciesWithInterpolationsParse(t *testing.T) {
	p := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"${replace(aws_eks_cluster.c.identity[0].oidc[0].issuer, "https://", "")}:sub":"x"}}}]}`
	stmts, ok := parsePolicy(p)
	if !ok || len(stmts) != 1 || stmts[0].Actions[0] != "*" {
		t.Errorf("parsePolicy = %v %v", stmts, ok)
	}
	if _, ok := parsePolicy("${jsonencode({})}"); ok {
		t.Error("a jsonencode() expression is not a literal document")
	}
}

func TestRulesMarkdownListsEveryRule(t *testing.T) {
	md := RulesMarkdown()
	for _, r := range Rules() {
		if !strings.Contains(md, "| "+r.ID+" | "+string(r.Severity)+" |") {
			t.Errorf("rule list lacks %s", r.ID)
		}
	}
}

// TestReadmeRuleListIsGenerated fails when the README's rule table differs
// from the code's.
func TestReadmeRuleListIsGenerated(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(readme)
	start, end := strings.Index(s, "<!-- rules:start -->\n"), strings.Index(s, "<!-- rules:end -->")
	if start < 0 || end < start {
		t.Fatal("README.md has no <!-- rules:start --> ... <!-- rules:end --> section")
	}
	if got := s[start+len("<!-- rules:start -->\n") : end]; got != RulesMarkdown() {
		t.Errorf("README rule list is stale; replace it with the output of go run ./tools/cmd/hybridcheck -rules")
	}
}

// TestRuleTable checks the rule table: ids unique and in order, every rule
// complete and indexed, and Rules a copy callers cannot use to change it.
func TestRuleTable(t *testing.T) {
	if len(ruleTable) == 0 {
		t.Fatal("ruleTable is empty")
	}
	id := regexp.MustCompile(`^[A-Z][A-Z0-9]*-\d{3}$`)
	seen := map[string]bool{}
	for i, r := range ruleTable {
		if seen[r.ID] {
			t.Errorf("rule id %s appears twice", r.ID)
		}
		seen[r.ID] = true
		if i > 0 && ruleTable[i-1].ID >= r.ID {
			t.Errorf("rule %s comes after %s: keep ruleTable in rule-id order", r.ID, ruleTable[i-1].ID)
		}
		if !id.MatchString(r.ID) || r.ID == UnusedSuppression {
			t.Errorf("rule id %q is malformed or reserved", r.ID)
		}
		if r.check == nil {
			t.Errorf("rule %s has no check", r.ID)
		}
		if strings.TrimSpace(r.Title) == "" || strings.TrimSpace(r.Fix) == "" {
			t.Errorf("rule %s needs a title and a fix", r.ID)
		}
		if r.Severity != Error && r.Severity != Warning {
			t.Errorf("rule %s has severity %q", r.ID, r.Severity)
		}
		if got, ok := ruleByID[r.ID]; !ok || got.Title != r.Title {
			t.Errorf("ruleByID does not index %s", r.ID)
		}
	}
	if len(ruleByID) != len(ruleTable) {
		t.Errorf("ruleByID has %d rules, ruleTable %d", len(ruleByID), len(ruleTable))
	}
	rs := Rules()
	rs[0].ID = "CHANGED-001"
	if ruleTable[0].ID == "CHANGED-001" {
		t.Error("Rules returns the table itself, not a copy")
	}
}

// TestPolicyNotLiteralIsNotChecked: IAM and S3 rules say which policies
// they could not read (a data source's json, jsonencode()) with an info
// finding naming the resource and attribute; info never fails.
func TestPolicyNotLiteralIsNotChecked(t *testing.T) {
	bucket := goodBucket("b")
	bucket["aws_s3_bucket_policy.b"]["policy"] = "${data.aws_iam_policy_document.tls.json}"
	f, err := Check("s", doc(t, merge(bucket, R{
		"aws_iam_role_policy.p": {"role": "r", "policy": "${jsonencode({\"Statement\" = [{\"Effect\" = \"Allow\", \"Action\" = \"*\", \"Resource\" = \"*\"}]})}"},
		"aws_iam_role.r":        {"assume_role_policy": "${data.aws_iam_policy_document.trust.json}"},
		"aws_iam_policy.ok":     {"policy": policyJSON(map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})},
	})))
	if err != nil {
		t.Fatal(err)
	}
	var info []string
	for _, x := range f {
		if x.Severity == Info {
			info = append(info, x.RuleID+" "+x.Address+" "+x.Path+": "+x.Message)
		}
	}
	want := []string{
		"IAM-003 aws_iam_role.r assume_role_policy: not checked: assume_role_policy is the expression ${data.aws_iam_policy_document.trust.json}, not a literal JSON document, so its statements were not read",
		`IAM-001 aws_iam_role_policy.p policy: not checked: policy is the expression ${jsonencode({"Statement" = [{"Effect" = "Allow", "Action" = "*", "Resource" = "*"}]})}, not a literal JSON document, so its statements were not read`,
		`IAM-002 aws_iam_role_policy.p policy: not checked: policy is the expression ${jsonencode({"Statement" = [{"Effect" = "Allow", "Action" = "*", "Resource" = "*"}]})}, not a literal JSON document, so its statements were not read`,
		"S3-004 aws_s3_bucket_policy.b policy: not checked: policy is the expression ${data.aws_iam_policy_document.tls.json}, not a literal JSON document, so its statements were not read",
	}
	if len(info) != len(want) {
		t.Fatalf("got %d info findings, want %d:\n%s", len(info), len(want), strings.Join(info, "\n"))
	}
	for i := range want {
		if info[i] != want[i] {
			t.Errorf("finding %d:\n got %s\nwant %s", i, info[i], want[i])
		}
	}
	for _, x := range Failing(f) {
		if x.Severity == Info {
			t.Errorf("an info finding fails: %v", x)
		}
	}
	// The bucket's TLS error stands: the unread policy does not prove TLS.
	if !has(f, "S3-004") {
		t.Error("S3-004 error on the bucket is gone")
	}
	var table strings.Builder
	if err := WriteTable(&table, f); err != nil || !strings.Contains(table.String(), " 4 not checked, ") {
		t.Errorf("table summary: %v\n%s", err, table.String())
	}
}
