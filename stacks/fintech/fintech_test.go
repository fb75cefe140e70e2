package fintech_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/stacks/base"
	"github.com/hybridstack/hybridstack/stacks/base/gitops"
	"github.com/hybridstack/hybridstack/stacks/fintech"
)

type resources map[string]map[string]map[string]any

func synth(t *testing.T, st cdktf.TerraformStack) resources {
	t.Helper()
	var d struct {
		Resource resources `json:"resource"`
	}
	if err := json.Unmarshal([]byte(*cdktf.Testing_Synth(st, jsii.Bool(false))), &d); err != nil {
		t.Fatal(err)
	}
	return d.Resource
}

func build(t *testing.T, s base.Settings, opts fintech.Options) *fintech.Stack {
	t.Helper()
	app := cdktf.Testing_App(nil)
	t.Cleanup(func() { os.RemoveAll(*app.Outdir()) })
	st, err := fintech.Build(app, s, opts)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func named(t *testing.T, r resources, typ, part string) map[string]any {
	t.Helper()
	for name, v := range r[typ] {
		if strings.Contains(name, part) {
			return v
		}
	}
	t.Fatalf("no %s named like %q", typ, part)
	return nil
}

// TestAuditBucket: compliance-locked for the chosen retention, protected,
// and its policy lets only the audit-logs tenant write and nobody delete.
func TestAuditBucket(t *testing.T) {
	st := build(t, base.Settings{}, fintech.Options{AuditRetentionDays: 3650})
	r := synth(t, st.Stack)
	b := named(t, r, "aws_s3_bucket", "audit-logs")
	if b["object_lock_enabled"] != true || !strings.Contains(jsonOf(b["lifecycle"]), `"prevent_destroy":true`) {
		t.Errorf("audit bucket = %v", b)
	}
	lock := named(t, r, "aws_s3_bucket_object_lock_configuration", "audit-logs")
	if got := jsonOf(lock["rule"]); !strings.Contains(got, `"mode":"COMPLIANCE"`) || !strings.Contains(got, `"days":3650`) {
		t.Errorf("lock = %s", got)
	}
	policy := named(t, r, "aws_s3_bucket_policy", "audit-logs")["policy"].(string)
	for _, want := range []string{`"Sid":"OnlyTheAuditTenantWrites"`, `role/fintech-audit-logs-workload-*`, `"Sid":"NobodyDeletesOrUnlocks"`, `"s3:BypassGovernanceRetention"`} {
		if !strings.Contains(policy, want) {
			t.Errorf("audit bucket policy lacks %s: %s", want, policy)
		}
	}
	// The tenants: only audit-logs has any grant on the audit bucket, and
	// it may only put objects.
	grants := 0
	for name, p := range synth(t, st.Tenants)["aws_iam_role_policy"] {
		doc := p["policy"].(string)
		// The test synth renders cross-stack references as local ones.
		if !strings.Contains(doc, "aws_s3_bucket.audit-logs_bucket") {
			continue
		}
		grants++
		if !strings.Contains(name, "audit-logs_workload-role_policy-write-audit-logs") || strings.Contains(doc, "s3:DeleteObject") || strings.Contains(doc, "s3:GetObject") || !strings.Contains(doc, "/"+fintech.AuditPrefix+"*") {
			t.Errorf("%s: %s", name, doc)
		}
	}
	if grants != 1 {
		t.Errorf("%d policies name the audit bucket, want the audit-logs tenant's write grant only", grants)
	}
}

// A disposable environment must be destroyable: governance mode, and no
// Deny on deletes.
func TestDisposableAuditBucket(t *testing.T) {
	r := synth(t, build(t, base.Settings{Disposable: true}, fintech.Options{}).Stack)
	lock := named(t, r, "aws_s3_bucket_object_lock_configuration", "audit-logs")
	if got := jsonOf(lock["rule"]); !strings.Contains(got, `"mode":"GOVERNANCE"`) || !strings.Contains(got, `"days":2555`) {
		t.Errorf("lock = %s", got)
	}
	if policy := named(t, r, "aws_s3_bucket_policy", "audit-logs")["policy"].(string); strings.Contains(policy, "NobodyDeletesOrUnlocks") {
		t.Errorf("a disposable audit bucket could never be emptied: %s", policy)
	}
}

// TestFrontDoorPaths: GET /me on the Lambda, /auth through the VPC link to
// the internal ALB, which admits the link and reaches the tasks.
func TestFrontDoorPaths(t *testing.T) {
	r := synth(t, build(t, base.Settings{}, fintech.Options{}).Stack)
	routes := map[string]string{}
	for _, rt := range r["aws_apigatewayv2_route"] {
		routes[rt["route_key"].(string)] = rt["target"].(string)
	}
	if !strings.Contains(routes["GET /me"], "lambda-session") || !strings.Contains(routes["ANY /auth/{proxy+}"], "service-auth") || !strings.Contains(routes["ANY /auth"], "service-auth") {
		t.Errorf("routes = %v", routes)
	}
	integ := named(t, r, "aws_apigatewayv2_integration", "service-auth")
	if integ["connection_type"] != "VPC_LINK" || !strings.Contains(integ["integration_uri"].(string), "aws_lb_listener.auth_listener") {
		t.Errorf("auth integration = %v", integ)
	}
	alb := named(t, r, "aws_lb", "auth_load-balancer")
	if alb["internal"] != true || !strings.Contains(jsonOf(alb["subnets"]), "load-balancer-subnet") {
		t.Errorf("auth ALB = %v", alb)
	}
	in := named(t, r, "aws_vpc_security_group_ingress_rule", "auth-lb-from-vpc-link-80")
	if in["from_port"] != float64(80) || !strings.Contains(in["referenced_security_group_id"].(string), "front-door") {
		t.Errorf("ALB ingress = %v", in)
	}
	if tasks := named(t, r, "aws_vpc_security_group_ingress_rule", "auth-tasks-from-auth-lb-8080"); tasks["from_port"] != float64(8080) {
		t.Errorf("task ingress = %v", tasks)
	}
	// One ECS cluster runs both the service and the ETL schedule.
	if len(r["aws_ecs_cluster"]) != 1 {
		t.Errorf("%d ECS clusters, want 1", len(r["aws_ecs_cluster"]))
	}
	if s := named(t, r, "aws_scheduler_schedule", "etl_hourly"); !strings.Contains(s["target"].(map[string]any)["input"].(string), "ecs-cluster") {
		t.Errorf("ETL schedule does not run on the shared cluster: %v", s["target"])
	}
}

func TestTenants(t *testing.T) {
	var names []string
	for _, tp := range fintech.Tenants(gitops.Settings{}) {
		names = append(names, tp.Name)
	}
	if strings.Join(names, ",") != "trading-engine,risk-analysis,audit-logs" {
		t.Errorf("tenants = %v", names)
	}
	st := build(t, base.Settings{}, fintech.Options{})
	if st.Platform == nil || st.Tenants == nil || st.Addons == nil {
		t.Fatal("stacks missing")
	}
	reads := 0
	for name, p := range synth(t, st.Tenants)["aws_iam_role_policy"] {
		if strings.Contains(p["policy"].(string), "/prices/*") {
			reads++
			if strings.Contains(name, "audit-logs") {
				t.Errorf("audit-logs reads prices: %s", name)
			}
		}
	}
	if reads != 2 {
		t.Errorf("%d tenants read the ETL's prices, want trading-engine and risk-analysis", reads)
	}
}

// TestTenantLifecycle reads what issue 21 fixed in the tenants stack:
// each Application has Argo CD's cascade finalizer and waits for its
// tenant's namespace, syncs as the tenant's argocd-sync account, and no
// namespace is labelled for readiness gates (no tenant is behind a load
// balancer of the platform).
func TestTenantLifecycle(t *testing.T) {
	r := synth(t, build(t, base.Settings{}, fintech.Options{}).Tenants)
	apps := 0
	for name, m := range r["kubernetes_manifest"] {
		body := m["manifest"].(map[string]any)
		switch body["kind"] {
		case "Application":
			apps++
			if f := jsonOf(body["metadata"].(map[string]any)["finalizers"]); f != `["resources-finalizer.argocd.argoproj.io"]` {
				t.Errorf("%s finalizers = %s", name, f)
			}
			if prefix := name[:strings.Index(name, "argocd-application")]; !strings.Contains(jsonOf(m["depends_on"]), "kubernetes_namespace_v1."+prefix+"namespace") {
				t.Errorf("%s does not wait for its namespace: %s", name, jsonOf(m["depends_on"]))
			}
		case "AppProject":
			tenant := body["metadata"].(map[string]any)["name"].(string)
			if got := jsonOf(body["spec"].(map[string]any)["destinationServiceAccounts"]); !strings.Contains(got, `"defaultServiceAccount":"`+tenant+`:argocd-sync"`) {
				t.Errorf("%s destinationServiceAccounts = %s", tenant, got)
			}
		}
	}
	if apps != 3 {
		t.Errorf("%d Applications, want 3", apps)
	}
	for name, ns := range r["kubernetes_namespace_v1"] {
		if strings.Contains(jsonOf(ns["metadata"]), "pod-readiness-gate-inject") {
			t.Errorf("%s is labelled for readiness gates without a TargetGroupBinding", name)
		}
	}
}

func TestInvalidRetention(t *testing.T) {
	_, err := fintech.Build(cdktf.Testing_App(nil), base.Settings{}, fintech.Options{AuditRetentionDays: 40000})
	if err == nil || !strings.Contains(err.Error(), "ObjectLock.RetentionDays 40000 is out of range; use 1 to 36500") {
		t.Errorf("error = %v", err)
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestArgoCDSyncImpersonation checks that the addons stack turns on Argo
// CD's sync impersonation, which the tenants' AppProjects
// (destinationServiceAccounts) need; it is off unless asked.
func TestArgoCDSyncImpersonation(t *testing.T) {
	r := synth(t, build(t, base.Settings{}, fintech.Options{}).Addons)
	n := 0
	for name, rel := range r["helm_release"] {
		if rel["chart"] != "argo-cd" {
			continue
		}
		n++
		var values struct {
			Configs struct {
				CM map[string]string `json:"cm"`
			} `json:"configs"`
		}
		if err := json.Unmarshal([]byte(rel["values"].([]any)[0].(string)), &values); err != nil {
			t.Fatal(err)
		}
		if got := values.Configs.CM["application.sync.impersonation.enabled"]; got != "true" {
			t.Errorf("%s sync impersonation = %q, want \"true\"", name, got)
		}
	}
	if n != 1 {
		t.Errorf("%d argo-cd releases, want 1", n)
	}
}

// TestTenantRoleDescriptions checks that the tenant roles' descriptions
// say what they get: fintech has no Kafka.
func TestTenantRoleDescriptions(t *testing.T) {
	r := synth(t, build(t, base.Settings{}, fintech.Options{}).Tenants)
	n := 0
	for name, role := range r["aws_iam_role"] {
		d, _ := role["description"].(string)
		if !strings.HasPrefix(d, "Workloads of tenant ") {
			continue
		}
		n++
		if strings.Contains(d, "Kafka") || !strings.HasSuffix(d, " (its own S3 prefix)") {
			t.Errorf("%s description = %q; fintech's tenants get their S3 prefix and no Kafka", name, d)
		}
	}
	if n != 3 {
		t.Errorf("%d tenant roles, want 3", n)
	}
}
