package kube_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/prometheusworkspace"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

const workspaceARN = "arn:aws:aps:eu-west-1:123456789012:workspace/ws-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"

// rollouts installs NewArgoRollouts with props (Cluster filled in unless
// set) in stack, next to its providers.
func (e *env) rollouts(t testing.TB, stack cdktf.TerraformStack, props kube.ArgoRolloutsProps) *kube.ArgoRollouts {
	t.Helper()
	if _, err := kube.NewProviders(stack, "kubernetes", kube.ProvidersProps{Cluster: e.cluster, Region: "eu-west-1"}); err != nil {
		t.Fatal(err)
	}
	if props.Cluster == nil {
		props.Cluster = e.cluster
	}
	a, err := kube.NewArgoRollouts(stack, "rollouts", props)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// rolloutsValues returns the argo-rollouts helm_release and its values
// documents, parsed.
func rolloutsValues(t testing.TB, doc tftest.Doc) (map[string]any, []map[string]any) {
	t.Helper()
	r := doc.One(t, "helm_release", "rollouts_argo-rollouts_")
	var values []map[string]any
	for _, v := range tftest.Strings(r["values"]) {
		values = append(values, mustJSON(t, v))
	}
	if len(values) == 0 {
		t.Fatal("argo-rollouts has no values")
	}
	return r, values
}

// policyStatements returns the statements of the controller role's inline
// policy.
func policyStatements(t testing.TB, doc tftest.Doc) []any {
	t.Helper()
	return get(tftest.Policy(t, doc.One(t, "aws_iam_role_policy", "rollouts_controller-role_role-inline")["policy"]), "Statement").([]any)
}

func TestArgoRollouts(t *testing.T) {
	e := newEnv(t, nil)
	addons := e.other(t, "addons")
	a := e.rollouts(t, addons, kube.ArgoRolloutsProps{PrometheusWorkspaceARN: workspaceARN})
	doc := synth(t, addons)

	ns := doc.One(t, "kubernetes_namespace_v1", "rollouts_namespace")
	if str(ns, "metadata", "name") != "argo-rollouts" || str(ns, "metadata", "labels", "pod-security.kubernetes.io/enforce") != "restricted" ||
		len(doc.Resources("kubernetes_namespace_v1")) != 1 {
		t.Errorf("namespace = %v", ns["metadata"])
	}

	// The role may read the one workspace and do nothing else.
	sts := policyStatements(t, doc)
	if len(sts) != 1 || str(sts[0], "Effect") != "Allow" || get(sts[0], "Condition") != nil {
		t.Fatalf("policy statements = %v", sts)
	}
	actions := sorted(list(get(sts[0], "Action")))
	if want := []string{"aps:GetLabels", "aps:GetMetricMetadata", "aps:GetSeries", "aps:QueryMetrics"}; !reflect.DeepEqual(actions, want) {
		t.Errorf("actions = %v, want %v", actions, want)
	}
	if res := list(get(sts[0], "Resource")); len(res) != 1 || res[0] != workspaceARN {
		t.Errorf("resources = %v, want only %s", res, workspaceARN)
	}
	if trust := doc.One(t, "aws_iam_role", "rollouts_controller-role")["assume_role_policy"].(string); !strings.Contains(trust, `"system:serviceaccount:argo-rollouts:argo-rollouts"`) {
		t.Errorf("trust = %s", trust)
	}

	r, vs := rolloutsValues(t, doc)
	chart := kube.ChartArgoRollouts()
	if chart.Repository != "https://argoproj.github.io/argo-helm" || chart.Name != "argo-rollouts" || chart.Version != "2.41.0" || chart.AppVersion != "v1.9.0" {
		t.Errorf("chart = %+v", chart)
	}
	if r["repository"] != chart.Repository || r["chart"] != "argo-rollouts" || r["name"] != "argo-rollouts" || r["version"] != "2.41.0" ||
		r["namespace"] != "${"+doc.Address(t, "kubernetes_namespace_v1", "rollouts_namespace")+".metadata[0].name}" {
		t.Errorf("release = %v %v %v %v %v", r["repository"], r["chart"], r["name"], r["version"], r["namespace"])
	}
	if r["wait"] != true || r["atomic"] != true || r["cleanup_on_fail"] != true || r["timeout"] != float64(600) || r["max_history"] != float64(5) {
		t.Errorf("release options = %v", r)
	}
	if len(vs) != 1 {
		t.Errorf("%d values documents without Chart.Values", len(vs))
	}
	v := vs[0]
	roleARN := "${" + doc.Address(t, "aws_iam_role", "rollouts_controller-role") + ".arn}"
	if v["installCRDs"] != true || v["keepCRDs"] != true || get(v, "dashboard", "enabled") != false ||
		get(v, "notifications", "secret", "create") != false || get(v, "serviceAccount", "create") != true ||
		str(v, "serviceAccount", "name") != "argo-rollouts" || str(v, "serviceAccount", "annotations", "eks.amazonaws.com/role-arn") != roleARN {
		t.Errorf("values = %v", v)
	}
	plugins := get(v, "controller", "trafficRouterPlugins").([]any)
	if want := []any{map[string]any{
		"name":     "argoproj-labs/gatewayAPI",
		"location": "https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/v0.17.0/gatewayapi-plugin-linux-amd64",
		"sha256":   "1904ca787d33107c140521899d61fff030ee75d99908bd175fca5a4647759061",
	}}; !reflect.DeepEqual(plugins, want) {
		t.Errorf("trafficRouterPlugins = %v", plugins)
	}
	// The default plugin runs on amd64 only.
	if str(v, "controller", "nodeSelector", "kubernetes.io/arch") != "amd64" {
		t.Errorf("nodeSelector = %v", get(v, "controller", "nodeSelector"))
	}
	providers, _ := get(v, "providerRBAC", "providers").(map[string]any)
	var on []string
	for p, enabled := range providers {
		if enabled != false {
			on = append(on, p)
		}
	}
	if get(v, "providerRBAC", "enabled") != true || len(providers) != 10 || strings.Join(on, ",") != "gatewayAPI" {
		t.Errorf("providerRBAC = %v, want gatewayAPI only (of the chart's ten)", get(v, "providerRBAC"))
	}
	if c := get(v, "containerSecurityContext"); get(c, "allowPrivilegeEscalation") != false || get(c, "runAsNonRoot") != true ||
		get(c, "readOnlyRootFilesystem") != true || str(c, "seccompProfile", "type") != "RuntimeDefault" ||
		!reflect.DeepEqual(get(c, "capabilities"), map[string]any{"drop": []any{"ALL"}}) {
		t.Errorf("containerSecurityContext = %v", c)
	}
	if p := get(v, "podSecurityContext"); get(p, "runAsNonRoot") != true || str(p, "seccompProfile", "type") != "RuntimeDefault" {
		t.Errorf("podSecurityContext = %v", p)
	}
	if str(v, "controller", "resources", "requests", "cpu") != "100m" || str(v, "controller", "resources", "requests", "memory") != "256Mi" ||
		get(v, "controller", "replicas") != float64(2) || get(v, "controller", "pdb", "enabled") != true {
		t.Errorf("controller = %v", get(v, "controller"))
	}
	// AWS_REGION is the stack's Region when none is given.
	env := map[string]string{}
	for _, ev := range get(v, "controller", "extraEnv").([]any) {
		env[str(ev, "name")] = str(ev, "value")
	}
	if env["AWS_REGION"] != "${data.aws_region.awsenv-region.name}" || env["AWS_STS_REGIONAL_ENDPOINTS"] != "regional" || len(env) != 2 {
		t.Errorf("extraEnv = %v", env)
	}

	if a.Namespace() != "argo-rollouts" || a.PluginName() != "argoproj-labs/gatewayAPI" || a.Role() == nil || a.Release() == nil {
		t.Errorf("accessors: %q %q %v %v", a.Namespace(), a.PluginName(), a.Role(), a.Release())
	}
}

// A workspace of the same stack (a token), a mirrored plugin and extra
// values.
func TestArgoRolloutsOptions(t *testing.T) {
	e := newEnv(t, nil)
	addons := e.other(t, "addons")
	ws := prometheusworkspace.NewPrometheusWorkspace(addons, ptr.String("metrics"), &prometheusworkspace.PrometheusWorkspaceConfig{Alias: ptr.String("metrics")})
	e.rollouts(t, addons, kube.ArgoRolloutsProps{
		PrometheusWorkspaceARN: *ws.Arn(), Region: "eu-central-1",
		PrometheusKMSKeyARN: "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		PluginLocation:      "file:///plugins/gatewayapi-plugin",
		Chart:               kube.ChartOverride{Version: "2.40.0", Values: map[string]any{"controller": map[string]any{"initContainers": []any{map[string]any{"name": "copy-plugin"}}}}},
	})
	doc := synth(t, addons)
	if res := list(get(policyStatements(t, doc)[0], "Resource")); len(res) != 1 || res[0] != "${"+doc.Address(t, "aws_prometheus_workspace", "metrics")+".arn}" {
		t.Errorf("resources = %v, want only the workspace", res)
	}
	// The workspace's key, through Prometheus only.
	if st := policyStatements(t, doc); len(st) != 2 || fmt.Sprint(list(get(st[1], "Resource"))) != "[arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab]" ||
		str(st[1], "Condition", "StringEquals", "kms:ViaService") != "aps.eu-central-1.amazonaws.com" {
		t.Errorf("statements = %v, want the query and the key's decrypt through aps", st)
	}
	r, vs := rolloutsValues(t, doc)
	if r["version"] != "2.40.0" || len(vs) != 2 || str(vs[1], "controller", "initContainers", 0, "name") != "copy-plugin" {
		t.Errorf("version %v, values %v", r["version"], vs)
	}
	plugin := get(vs[0], "controller", "trafficRouterPlugins", 0)
	if str(plugin, "location") != "file:///plugins/gatewayapi-plugin" || get(plugin, "sha256") != nil {
		t.Errorf("plugin = %v, want the file and no digest", plugin)
	}
	if get(vs[0], "controller", "nodeSelector") != nil || str(vs[0], "controller", "extraEnv", 0, "value") != "eu-central-1" {
		t.Errorf("controller = %v", get(vs[0], "controller"))
	}
}

func TestArgoRolloutsValidation(t *testing.T) {
	e := newEnv(t, nil)
	ok := func(p kube.ArgoRolloutsProps) kube.ArgoRolloutsProps {
		p.Cluster, p.PrometheusWorkspaceARN = e.cluster, workspaceARN
		return p
	}
	sha := "1904ca787d33107c140521899d61fff030ee75d99908bd175fca5a4647759061"
	tests := []struct {
		name  string
		props kube.ArgoRolloutsProps
		want  []string
	}{
		{"nothing given", kube.ArgoRolloutsProps{}, []string{
			`kube "test/rollouts": Cluster is nil; pass the *eks.Cluster Argo Rollouts runs on`,
			`kube "test/rollouts": PrometheusWorkspaceARN is empty; give the ARN of the Amazon Managed Service for Prometheus workspace`,
		}},
		{"not a workspace", kube.ArgoRolloutsProps{Cluster: e.cluster, PrometheusWorkspaceARN: "arn:aws:aps:eu-west-1:123456789012:rulegroupsnamespace/ws-1/x"},
			[]string{`PrometheusWorkspaceARN "arn:aws:aps:eu-west-1:123456789012:rulegroupsnamespace/ws-1/x" is not an Amazon Managed Service for Prometheus workspace ARN`}},
		{"not a KMS key", ok(kube.ArgoRolloutsProps{PrometheusKMSKeyARN: "arn:aws:s3:::metrics-bucket"}),
			[]string{`PrometheusKMSKeyARN "arn:aws:s3:::metrics-bucket" is not a KMS key ARN`}},
		{"workspace id", kube.ArgoRolloutsProps{Cluster: e.cluster, PrometheusWorkspaceARN: "ws-0f1e2d3c"},
			[]string{`PrometheusWorkspaceARN "ws-0f1e2d3c" is not an Amazon Managed Service for Prometheus workspace ARN`}},
		{"plain http", ok(kube.ArgoRolloutsProps{PluginLocation: "http://mirror.example.com/plugin", PluginSHA256: sha}),
			[]string{`PluginLocation "http://mirror.example.com/plugin" is not an https:// or file:// location`}},
		{"https without digest", ok(kube.ArgoRolloutsProps{PluginLocation: "https://mirror.example.com/plugin"}),
			[]string{`PluginSHA256 is empty but PluginLocation is "https://mirror.example.com/plugin"`}},
		{"digest without location", ok(kube.ArgoRolloutsProps{PluginSHA256: sha}),
			[]string{`PluginSHA256 is set but PluginLocation is not`}},
		{"digest of a file", ok(kube.ArgoRolloutsProps{PluginLocation: "file:///plugins/p", PluginSHA256: sha}),
			[]string{`PluginSHA256 is set but PluginLocation "file:///plugins/p" is a file`}},
		{"bad digest", ok(kube.ArgoRolloutsProps{PluginLocation: "https://mirror.example.com/plugin", PluginSHA256: strings.ToUpper(sha)}),
			[]string{`PluginSHA256 "1904CA787D`}},
		{"chart version", ok(kube.ArgoRolloutsProps{Chart: kube.ChartOverride{Version: "2.x"}}),
			[]string{`Chart.Version "2.x" is not an exact chart version`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := kube.NewArgoRollouts(e.stack, "rollouts", tc.props)
			if a != nil {
				t.Fatal("NewArgoRollouts returned a controller and an error")
			}
			wantErrs(t, err, tc.want...)
			if n := len(validate.Fields(err)); n != len(tc.want) {
				t.Errorf("%d errors, want %d: %v", n, len(tc.want), err)
			}
		})
	}
	if e.stack.Node().TryFindChild(ptr.String("rollouts")) != nil {
		t.Error("a failed NewArgoRollouts added a construct")
	}
	_, err := kube.NewArgoRollouts(nil, "rollouts", kube.ArgoRolloutsProps{Cluster: e.cluster, PrometheusWorkspaceARN: workspaceARN})
	wantErrs(t, err, "scope is nil")
}
