package tenancy_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/telemetry"
	"github.com/hybridstack/hybridstack/constructs/tenancy"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// withTelemetry builds alpha and beta on a platform with Telemetry and
// returns the tenants stack's document.
func withTelemetry(t *testing.T) tftest.Doc {
	t.Helper()
	e := newEnv(t)
	p := e.platform(t, func(p *tenancy.PlatformProps) { p.Telemetry = &tenancy.Telemetry{LogRetentionDays: 30} })
	for i, name := range []string{"alpha", "beta"} {
		tn, err := p.AddTenant(tenant(name, 10001+i))
		if err != nil {
			t.Fatal(err)
		}
		if tn.LogGroupName() == "" {
			t.Errorf("%s has no log group name", name)
		}
	}
	return tftest.Synth(t, e.tenants)
}

// TestTenantNamespacesRestricted: every tenant namespace enforces Pod
// Security restricted, with telemetry or without; only the collectors'
// own logging namespace (another stack) is privileged.
func TestTenantNamespacesRestricted(t *testing.T) {
	for name, doc := range map[string]tftest.Doc{"telemetry": withTelemetry(t), "plain": twoTenants(t)} {
		namespaces := doc.Resources("kubernetes_namespace_v1")
		if len(namespaces) != 2 {
			t.Fatalf("%s: %d namespaces", name, len(namespaces))
		}
		for id, ns := range namespaces {
			labels := tftest.Block(ns, "metadata")["labels"].(map[string]any)
			for _, mode := range []string{"enforce", "warn", "audit"} {
				if labels["pod-security.kubernetes.io/"+mode] != "restricted" {
					t.Errorf("%s: %s %s = %v, want restricted", name, id, mode, labels["pod-security.kubernetes.io/"+mode])
				}
			}
		}
	}
}

func TestTenantLogGroup(t *testing.T) {
	doc := withTelemetry(t)
	for _, name := range []string{"alpha", "beta"} {
		ns := ofTenant(doc, "kubernetes_namespace_v1", name)[0]
		if got := tftest.Block(ns, "metadata")["labels"].(map[string]any)[telemetry.LogGroupLabel]; got != "tenant-"+name {
			t.Errorf("%s namespace label %s = %v, want tenant-%s", name, telemetry.LogGroupLabel, got, name)
		}
		groups := ofTenant(doc, "aws_cloudwatch_log_group", name)
		if len(groups) != 1 {
			t.Fatalf("%s log groups = %v", name, groups)
		}
		g := groups[0]
		if !regexp.MustCompile(`^/hybridstack/\$\{[^}]+\}/tenant-` + name + `$`).MatchString(g["name"].(string)) {
			t.Errorf("%s log group name = %v", name, g["name"])
		}
		if g["retention_in_days"] != float64(30) || g["kms_key_id"] == nil {
			t.Errorf("%s log group has no 30-day retention or no KMS key: %v", name, g)
		}
	}
	// A dashboard per tenant, whose error table reads its own group.
	for _, name := range []string{"alpha", "beta"} {
		boards := ofTenant(doc, "aws_cloudwatch_dashboard", name)
		if len(boards) != 1 || !strings.Contains(fmt.Sprint(boards[0]["dashboard_body"]), "SOURCE '${aws_cloudwatch_log_group.tenancy_"+name+"_log-group_") {
			t.Errorf("%s dashboards = %v, want one querying its log group", name, boards)
		}
	}
	// The stack's shared logs key, made once.
	if keys := doc.Resources("aws_kms_key"); len(keys) != 1 {
		t.Errorf("KMS keys = %d, want the stack's one logs key", len(keys))
	}
}

// TestTenantReadsOnlyItsLogs: the workload role may read its own group
// (and fetch query results by id, which IAM cannot scope), nothing else.
func TestTenantReadsOnlyItsLogs(t *testing.T) {
	doc := withTelemetry(t)
	groupRef := regexp.MustCompile(`^\$\{aws_cloudwatch_log_group\.tenancy_(alpha|beta)_log-group_[0-9A-F]+\.arn\}(:\*)?$`)
	for _, name := range []string{"alpha", "beta"} {
		var found bool
		for id, p := range doc.Resources("aws_iam_role_policy") {
			if !strings.HasPrefix(id, "tenancy_"+name+"_") || p["name"] != "read-tenant-logs" {
				continue
			}
			found = true
			for _, s := range tftest.Policy(t, p["policy"])["Statement"].([]any) {
				st := s.(map[string]any)
				actions := fmt.Sprint(st["Action"])
				for _, res := range tftest.Strings(st["Resource"]) {
					switch {
					case actions == "[logs:GetQueryResults]":
						if res != "*" {
							t.Errorf("%s GetQueryResults on %s", name, res)
						}
					default:
						m := groupRef.FindStringSubmatch(res)
						if m == nil || m[1] != name {
							t.Errorf("%s may %s on %s, not its own log group", name, actions, res)
						}
					}
				}
				if strings.Contains(actions, "Put") || strings.Contains(actions, "Create") || strings.Contains(actions, "Delete") {
					t.Errorf("%s may write logs: %s", name, actions)
				}
			}
		}
		if !found {
			t.Errorf("%s's workload role cannot read its logs", name)
		}
	}
}

func TestTenantReachesCollector(t *testing.T) {
	doc := withTelemetry(t)
	var policy map[string]any
	for _, p := range ofTenant(doc, "kubernetes_network_policy_v1", "alpha") {
		if tftest.Block(p, "metadata")["name"] == "allow-telemetry" {
			policy = tftest.Block(p, "spec")
		}
	}
	if policy == nil {
		t.Fatal("alpha has no allow-telemetry NetworkPolicy")
	}
	if fmt.Sprint(policy["policy_types"]) != "[Egress]" || policy["ingress"] != nil {
		t.Errorf("allow-telemetry = %v, want egress only", policy)
	}
	egress := policy["egress"].([]any)
	if len(egress) != 1 {
		t.Fatalf("egress = %v", egress)
	}
	rule := egress[0].(map[string]any)
	to := rule["to"].([]any)[0].(map[string]any)
	if ns := tftest.Block(tftest.Block(to, "namespace_selector"), "match_labels"); fmt.Sprint(ns) != "map[kubernetes.io/metadata.name:observability]" {
		t.Errorf("namespace selector = %v", ns)
	}
	if pods := tftest.Block(tftest.Block(to, "pod_selector"), "match_labels"); fmt.Sprint(pods) != "map[app.kubernetes.io/name:otel-collector]" {
		t.Errorf("pod selector = %v", pods)
	}
	if fmt.Sprint(rule["ports"]) != "[map[port:4317 protocol:TCP] map[port:4318 protocol:TCP] map[port:2000 protocol:TCP]]" {
		t.Errorf("ports = %v", rule["ports"])
	}
}

func TestTenantWithoutTelemetry(t *testing.T) {
	doc := twoTenants(t)
	if n := len(doc.Resources("aws_cloudwatch_log_group")); n != 0 {
		t.Errorf("%d log groups without Telemetry", n)
	}
	if len(doc.Resources("kubernetes_namespace_v1")) == 0 || len(doc.Resources("kubernetes_network_policy_v1")) == 0 {
		t.Fatal("no namespaces or network policies to check")
	}
	for _, ns := range doc.Resources("kubernetes_namespace_v1") {
		if _, ok := tftest.Block(ns, "metadata")["labels"].(map[string]any)[telemetry.LogGroupLabel]; ok {
			t.Errorf("namespace labelled for a log group without Telemetry: %v", tftest.Block(ns, "metadata"))
		}
	}
	for _, p := range doc.Resources("kubernetes_network_policy_v1") {
		if tftest.Block(p, "metadata")["name"] == "allow-telemetry" {
			t.Errorf("allow-telemetry without Telemetry")
		}
	}
}

func TestTelemetryValidation(t *testing.T) {
	e := newEnv(t)
	_, err := tenancy.NewPlatform(e.tenants, "bad", tenancy.PlatformProps{Cluster: e.cluster, Telemetry: &tenancy.Telemetry{LogRetentionDays: 13}})
	if err == nil || !errors.Is(err, validate.ErrInvalid) || !strings.Contains(err.Error(), "Telemetry.LogRetentionDays 13 is not a retention") {
		t.Errorf("NewPlatform with a bad retention: %v", err)
	}
	p := e.platform(t, func(p *tenancy.PlatformProps) { p.Telemetry = &tenancy.Telemetry{} })
	for _, tc := range []struct {
		props tenancy.TenantProps
		want  string
	}{
		{tenancy.TenantProps{Name: "logging"}, `Name "logging" is a namespace Kubernetes or the platform uses`},
		{tenancy.TenantProps{Name: "observability"}, `Name "observability" is a namespace Kubernetes or the platform uses`},
		{tenancy.TenantProps{Name: "gamma", UID: 10009, GID: 10009, Labels: map[string]string{telemetry.LogGroupLabel: "platform"}}, `key "logs.hybridstack.io/group" is set by the platform`},
	} {
		_, err := p.AddTenant(tc.props)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("AddTenant(%s): %v, want %q", tc.props.Name, err, tc.want)
		}
	}
}
