package delivery_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	k8s "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/delivery"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

const ampURL = "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-0123abcd-4567-89ef-0123-456789abcdef/"

// newStack returns a stack with the AWS and Kubernetes providers, whose
// app's output directory is removed after the test.
func newStack(t testing.TB) cdktf.TerraformStack {
	t.Helper()
	stack := tftest.NewStack(t)
	k8s.NewKubernetesProvider(stack, ptr.String("kubernetes"), &k8s.KubernetesProviderConfig{})
	if dir := *cdktf.App_Of(stack).Outdir(); strings.HasPrefix(filepath.Base(dir), "cdktf.outdir.") {
		t.Cleanup(func() { os.RemoveAll(dir) })
	}
	return stack
}

// workload creates a workload "orders" in namespace "orders", with
// ProgressiveDelivery when progressive.
func workload(t testing.TB, stack cdktf.TerraformStack, progressive bool) *kube.Workload {
	t.Helper()
	ns, err := kube.NewNamespace(stack, "orders-namespace", kube.NamespaceProps{Name: "orders"})
	if err != nil {
		t.Fatal(err)
	}
	w, err := kube.NewWorkload(stack, "orders", kube.WorkloadProps{
		Namespace: ns, Name: "orders", Image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:v1",
		Requests: kube.Resources{CPU: "250m", Memory: "256Mi"}, Limits: kube.Resources{CPU: "1", Memory: "512Mi"},
		Identity: kube.IdentityNone, ProgressiveDelivery: progressive,
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// get walks maps by key (a list of one block is stepped into) and lists
// by index.
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			if l, ok := v.([]any); ok && len(l) == 1 {
				v = l[0]
			}
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func str(v any, path ...any) string {
	s, _ := get(v, path...).(string)
	return s
}

// manifest returns the manifest of the one kubernetes_manifest named
// like part.
func manifest(t testing.TB, doc tftest.Doc, part string) map[string]any {
	t.Helper()
	m, _ := doc.One(t, "kubernetes_manifest", part)["manifest"].(map[string]any)
	if m == nil {
		t.Fatalf("kubernetes_manifest %s has no manifest", part)
	}
	return m
}

// service returns the kubernetes_service_v1 of the given Kubernetes name.
func service(t testing.TB, doc tftest.Doc, name string) map[string]any {
	t.Helper()
	for _, s := range doc.Resources("kubernetes_service_v1") {
		if str(s, "metadata", "name") == name {
			return s
		}
	}
	t.Fatalf("no kubernetes_service_v1 named %q", name)
	return nil
}

// TestCanaryFromWorkload delivers a kube.Workload with ProgressiveDelivery
// with the default steps and thresholds.
func TestCanaryFromWorkload(t *testing.T) {
	stack := newStack(t)
	w := workload(t, stack, true)
	c, err := delivery.NewCanary(stack, "orders-canary", delivery.CanaryProps{
		Target:    delivery.FromWorkload(w),
		HTTPRoute: "orders",
		Analysis:  delivery.Analysis{PrometheusURL: ampURL, Region: "eu-west-1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Name() != "orders" || c.Namespace() != "orders" || c.StableService() != "orders-stable" || c.CanaryService() != "orders-canary" ||
		c.Rollout() == nil || c.AnalysisTemplate() == nil || c.PluginConfigMap() != "orders-gatewayapi-routes" {
		t.Errorf("accessors: %q %q %q %q %q", c.Name(), c.Namespace(), c.StableService(), c.CanaryService(), c.PluginConfigMap())
	}
	doc := tftest.Synth(t, stack)

	// The workload's side: the Deployment holds the template at 0
	// replicas, the HPA scales the Rollout.
	if got := str(doc.One(t, "kubernetes_deployment_v1", "deployment"), "spec", "replicas"); got != "0" {
		t.Errorf("deployment replicas = %q, want 0", got)
	}
	if ref := get(doc.One(t, "kubernetes_horizontal_pod_autoscaler_v2", "autoscaler"), "spec", "scale_target_ref"); str(ref, "kind") != "Rollout" ||
		str(ref, "api_version") != "argoproj.io/v1alpha1" || str(ref, "name") != "orders" {
		t.Errorf("hpa target = %v", ref)
	}

	ro := manifest(t, doc, "rollout")
	if ro["apiVersion"] != "argoproj.io/v1alpha1" || ro["kind"] != "Rollout" || str(ro, "metadata", "name") != "orders" || str(ro, "metadata", "namespace") != "orders" {
		t.Errorf("rollout identity = %v %v %v", ro["apiVersion"], ro["kind"], ro["metadata"])
	}
	spec := get(ro, "spec")
	wantRef := map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "name": "orders", "scaleDown": "never"}
	if got := get(spec, "workloadRef"); !reflect.DeepEqual(got, wantRef) {
		t.Errorf("workloadRef = %v, want %v", got, wantRef)
	}
	if got := get(spec, "selector", "matchLabels"); !reflect.DeepEqual(got, map[string]any{"app.kubernetes.io/name": "orders"}) {
		t.Errorf("selector = %v", got)
	}
	// Rollback settings: a stuck rollout aborts, and an abort scales the
	// canary down once its traffic is back on stable.
	if get(spec, "progressDeadlineAbort") != true || get(spec, "progressDeadlineSeconds") != float64(600) || get(spec, "revisionHistoryLimit") != float64(5) {
		t.Errorf("progress deadline = %v abort %v, history %v", get(spec, "progressDeadlineSeconds"), get(spec, "progressDeadlineAbort"), get(spec, "revisionHistoryLimit"))
	}
	if r, ok := get(spec, "replicas").(float64); ok {
		t.Errorf("replicas = %v; the HPA owns the Rollout's replicas", r)
	}
	canary := get(spec, "strategy", "canary")
	if str(canary, "stableService") != "orders-stable" || str(canary, "canaryService") != "orders-canary" || get(canary, "abortScaleDownDelaySeconds") != float64(30) {
		t.Errorf("canary services / abort delay = %v %v %v", get(canary, "stableService"), get(canary, "canaryService"), get(canary, "abortScaleDownDelaySeconds"))
	}
	plugin := get(canary, "trafficRouting", "plugins", "argoproj-labs/gatewayAPI")
	if !reflect.DeepEqual(plugin, map[string]any{"httpRoute": "orders", "namespace": "orders", "configMap": "orders-gatewayapi-routes"}) {
		t.Errorf("gatewayAPI plugin = %v", plugin)
	}
	// Deleting the Rollout waits for its ReplicaSets and pods.
	if got := get(ro, "metadata", "finalizers"); !reflect.DeepEqual(got, []any{"foregroundDeletion"}) {
		t.Errorf("rollout finalizers = %v, want foregroundDeletion", got)
	}
	if got := fmt.Sprint(doc.One(t, "kubernetes_manifest", "rollout")["timeouts"]); got != "map[delete:30m]" {
		t.Errorf("rollout timeouts = %s, want delete 30m (it waits for its pods)", got)
	}
	if weights, pauses := steps(t, canary); !reflect.DeepEqual(weights, []float64{10, 25, 50, 75}) || !reflect.DeepEqual(pauses, []string{"120s", "120s", "120s", "120s"}) {
		t.Errorf("steps: weights %v pauses %v", weights, pauses)
	}
	if str(canary, "analysis", "templates", 0, "templateName") != "orders-canary-health" || get(canary, "analysis", "startingStep") != float64(1) {
		t.Errorf("background analysis = %v", get(canary, "analysis"))
	}
	// The Rollout waits for its template; every object waits for the
	// workload's Deployment (and so for the namespace it names by value).
	if deps := tftest.Strings(doc.One(t, "kubernetes_manifest", "rollout")["depends_on"]); len(deps) != 4 || !strings.Contains(deps[0], "analysis-template") ||
		!strings.Contains(deps[1], "stable-service") || !strings.Contains(deps[2], "canary-service") || !strings.Contains(deps[3], "kubernetes_deployment_v1.orders_deployment") {
		t.Errorf("rollout depends_on = %v, want the analysis template, both Services and the Deployment", deps)
	}
	for _, r := range []map[string]any{doc.One(t, "kubernetes_manifest", "analysis-template"), service(t, doc, "orders-stable"), service(t, doc, "orders-canary")} {
		if deps := tftest.Strings(r["depends_on"]); len(deps) != 1 || !strings.Contains(deps[0], "kubernetes_deployment_v1.orders_deployment") {
			t.Errorf("depends_on = %v, want the workload's Deployment", deps)
		}
	}

	at := manifest(t, doc, "analysis-template")
	if at["kind"] != "AnalysisTemplate" || str(at, "metadata", "name") != "orders-canary-health" || str(at, "metadata", "namespace") != "orders" {
		t.Errorf("analysis template identity = %v %v", at["kind"], at["metadata"])
	}
	errRate, latency := metrics(t, at)
	for _, m := range []map[string]any{errRate, latency} {
		if get(m, "failureLimit") != float64(2) || m["interval"] != "60s" || m["initialDelay"] != "120s" {
			t.Errorf("metric %v: failureLimit %v interval %v initialDelay %v", m["name"], m["failureLimit"], m["interval"], m["initialDelay"])
		}
		prom := get(m, "provider", "prometheus")
		if str(prom, "address") != ampURL || str(prom, "authentication", "sigv4", "region") != "eu-west-1" {
			t.Errorf("metric %v provider = %v", m["name"], prom)
		}
		q := str(prom, "query")
		if !strings.Contains(q, `reporter="waypoint",destination_service_name="orders-canary",destination_service_namespace="orders"`) || !strings.Contains(q, "[120s]") {
			t.Errorf("metric %v query does not select the canary at the waypoint over 120s (at least four scrapes): %s", m["name"], q)
		}
		if strings.Contains(q, "increase(") {
			t.Errorf("metric %v has a request minimum without MinRequests: %s", m["name"], q)
		}
	}
	// A measurement is judged only when it has a value: no traffic
	// (empty or NaN) matches neither condition and is inconclusive.
	if got := errRate["successCondition"]; got != "len(result) > 0 && !isNaN(result[0]) && result[0] <= 1" {
		t.Errorf("error-rate successCondition = %q", got)
	}
	if got := errRate["failureCondition"]; got != "len(result) > 0 && !isNaN(result[0]) && result[0] > 1" {
		t.Errorf("error-rate failureCondition = %q", got)
	}
	if got := latency["successCondition"]; got != "len(result) > 0 && !isNaN(result[0]) && result[0] <= 500" {
		t.Errorf("latency successCondition = %q", got)
	}
	if got := latency["failureCondition"]; got != "len(result) > 0 && !isNaN(result[0]) && result[0] > 500" {
		t.Errorf("latency failureCondition = %q", got)
	}
	if errRate["inconclusiveLimit"] != float64(2) || latency["inconclusiveLimit"] != float64(2) {
		t.Errorf("inconclusiveLimit = %v / %v, want FailureLimit (2)", errRate["inconclusiveLimit"], latency["inconclusiveLimit"])
	}
	want := `100 * (sum(rate(istio_requests_total{reporter="waypoint",destination_service_name="orders-canary",destination_service_namespace="orders",response_code=~"5.."}[120s])) or vector(0)) / sum(rate(istio_requests_total{reporter="waypoint",destination_service_name="orders-canary",destination_service_namespace="orders"}[120s]))`
	if got := str(errRate, "provider", "prometheus", "query"); got != want {
		t.Errorf("error-rate query =\n%s\nwant\n%s", got, want)
	}
	if got := str(latency, "provider", "prometheus", "query"); !strings.HasPrefix(got, "histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{") {
		t.Errorf("latency query = %s", got)
	}

	// Both Services select the workload's pods on its container port, and
	// leave the selector to Argo Rollouts once created.
	for _, name := range []string{"orders-stable", "orders-canary"} {
		s := service(t, doc, name)
		if got := get(s, "spec", "selector"); !reflect.DeepEqual(got, map[string]any{"app.kubernetes.io/name": "orders"}) {
			t.Errorf("%s selector = %v", name, got)
		}
		if str(s, "metadata", "namespace") != "orders" || get(s, "spec", "port", "port") != float64(8080) || str(s, "spec", "port", "target_port") != "8080" ||
			str(s, "spec", "port", "app_protocol") != "http" {
			t.Errorf("%s = %v", name, s["spec"])
		}
		if ignored := tftest.Strings(get(s, "lifecycle", "ignore_changes")); !reflect.DeepEqual(ignored, []string{"metadata[0].annotations", "spec[0].selector"}) {
			t.Errorf("%s ignore_changes = %v", name, ignored)
		}
	}
}

// TestCanaryOfForeignDeployment delivers a Deployment made elsewhere, with
// its own steps, thresholds and request minimum.
func TestCanaryOfForeignDeployment(t *testing.T) {
	stack := newStack(t)
	labels := map[string]string{"app": "billing", "tier": "api"}
	c, err := delivery.NewCanary(stack, "billing", delivery.CanaryProps{
		Target:        delivery.Target{Namespace: "tenant-a", Deployment: "billing", PodLabels: labels, Port: 9000},
		HTTPRoute:     "billing-route",
		StableService: "billing-v-stable",
		CanaryService: "billing-v-canary",
		Replicas:      4,
		Steps:         []delivery.Step{{Weight: 5, PauseSeconds: 300}, {Weight: 20}, {Weight: 60, PauseSeconds: 30}},
		Analysis: delivery.Analysis{
			PrometheusURL: "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-42", Region: "eu-west-1",
			MaxErrorRatePercent: 0.5, MaxLatencyP99MS: 250, IntervalSeconds: 30, FailureLimit: 3, MinRequests: 20,
		},
		ProgressDeadlineSeconds: 900,
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.StableService() != "billing-v-stable" || c.CanaryService() != "billing-v-canary" {
		t.Errorf("services = %q %q", c.StableService(), c.CanaryService())
	}
	doc := tftest.Synth(t, stack)
	spec := get(manifest(t, doc, "rollout"), "spec")
	if get(spec, "replicas") != float64(4) || str(spec, "workloadRef", "scaleDown") != "progressively" || get(spec, "progressDeadlineSeconds") != float64(900) {
		t.Errorf("replicas %v, scaleDown %v, deadline %v", get(spec, "replicas"), get(spec, "workloadRef", "scaleDown"), get(spec, "progressDeadlineSeconds"))
	}
	if got := get(spec, "selector", "matchLabels"); !reflect.DeepEqual(got, map[string]any{"app": "billing", "tier": "api"}) {
		t.Errorf("selector = %v", got)
	}
	canary := get(spec, "strategy", "canary")
	weights, pauses := steps(t, canary)
	if !reflect.DeepEqual(weights, []float64{5, 20, 60}) || !reflect.DeepEqual(pauses, []string{"300s", "120s", "30s"}) {
		t.Errorf("steps: weights %v pauses %v", weights, pauses)
	}
	for i, w := range weights {
		if w >= 100 || (i > 0 && w <= weights[i-1]) {
			t.Errorf("weights %v do not increase below 100", weights)
		}
	}
	if got := get(canary, "trafficRouting", "plugins", "argoproj-labs/gatewayAPI", "httpRoute"); got != "billing-route" {
		t.Errorf("plugin route = %v", got)
	}
	errRate, latency := metrics(t, manifest(t, doc, "analysis-template"))
	if got := errRate["successCondition"]; got != "len(result) > 0 && !isNaN(result[0]) && result[0] <= 0.5" {
		t.Errorf("error-rate successCondition = %q", got)
	}
	if got := latency["successCondition"]; got != "len(result) > 0 && !isNaN(result[0]) && result[0] <= 250" {
		t.Errorf("latency successCondition = %q", got)
	}
	for _, m := range []map[string]any{errRate, latency} {
		q := str(m, "provider", "prometheus", "query")
		// Measured every 30 s, over two minutes (at least four scrapes).
		if get(m, "failureLimit") != float64(3) || m["interval"] != "30s" || !strings.Contains(q, "[120s]") || strings.Contains(q, "[30s]") ||
			!strings.Contains(q, `destination_service_name="billing-v-canary",destination_service_namespace="tenant-a"`) {
			t.Errorf("metric %v: failureLimit %v interval %v query %s", m["name"], m["failureLimit"], m["interval"], q)
		}
		// Fewer than 20 requests: an empty result, which is inconclusive.
		if !strings.HasSuffix(q, `) and on() (sum(increase(istio_requests_total{reporter="waypoint",destination_service_name="billing-v-canary",destination_service_namespace="tenant-a"}[120s])) >= 20)`) {
			t.Errorf("metric %v query lacks the request minimum: %s", m["name"], q)
		}
	}
	for _, name := range []string{"billing-v-stable", "billing-v-canary"} {
		s := service(t, doc, name)
		if !reflect.DeepEqual(get(s, "spec", "selector"), map[string]any{"app": "billing", "tier": "api"}) || get(s, "spec", "port", "port") != float64(9000) {
			t.Errorf("%s = %v", name, s["spec"])
		}
	}
}

// steps returns the weights of the setWeight steps and the durations of
// the pauses, checking that they alternate.
func steps(t testing.TB, canary any) ([]float64, []string) {
	t.Helper()
	list, _ := get(canary, "steps").([]any)
	var weights []float64
	var pauses []string
	for i, s := range list {
		if i%2 == 0 {
			w, ok := get(s, "setWeight").(float64)
			if !ok {
				t.Fatalf("step %d = %v, want setWeight", i, s)
			}
			weights = append(weights, w)
		} else {
			d := str(s, "pause", "duration")
			if d == "" {
				t.Fatalf("step %d = %v, want a pause with a duration", i, s)
			}
			pauses = append(pauses, d)
		}
	}
	return weights, pauses
}

// metrics returns the error-rate and latency metrics of an
// AnalysisTemplate, checking there are no others.
func metrics(t testing.TB, template map[string]any) (errorRate, latency map[string]any) {
	t.Helper()
	list, _ := get(template, "spec", "metrics").([]any)
	if len(list) != 2 {
		t.Fatalf("metrics = %v, want error-rate and latency-p99", list)
	}
	errorRate, _ = list[0].(map[string]any)
	latency, _ = list[1].(map[string]any)
	if errorRate["name"] != "error-rate" || latency["name"] != "latency-p99" {
		t.Fatalf("metric names = %v, %v", errorRate["name"], latency["name"])
	}
	return errorRate, latency
}

// wantErrs checks that err is about invalid props and that every want is
// part of one of its FieldErrors.
func wantErrs(t testing.TB, err error, wants ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %q", wants)
	}
	if !errors.Is(err, validate.ErrInvalid) {
		t.Fatalf("error does not wrap validate.ErrInvalid: %v", err)
	}
	for _, w := range wants {
		found := false
		for _, fe := range validate.Fields(err) {
			if strings.Contains(fe.Error(), w) {
				found = true
			}
		}
		if !found {
			t.Errorf("no error says %q; got:\n%v", w, err)
		}
	}
}

func TestCanaryValidation(t *testing.T) {
	stack := newStack(t)
	progressive := workload(t, stack, true)
	ns, err := kube.NewNamespace(stack, "plain-namespace", kube.NamespaceProps{Name: "plain"})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := kube.NewWorkload(stack, "plain", kube.WorkloadProps{
		Namespace: ns, Name: "plain", Image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/plain:v1",
		Requests: kube.Resources{CPU: "250m", Memory: "256Mi"}, Limits: kube.Resources{CPU: "1", Memory: "512Mi"}, Identity: kube.IdentityNone,
	})
	if err != nil {
		t.Fatal(err)
	}
	analysis := delivery.Analysis{PrometheusURL: ampURL, Region: "eu-west-1"}
	valid := func() delivery.CanaryProps {
		return delivery.CanaryProps{
			Target:    delivery.Target{Namespace: "shop", Deployment: "orders", PodLabels: map[string]string{"app": "orders"}, Port: 8080},
			HTTPRoute: "orders", Analysis: analysis,
		}
	}
	tests := []struct {
		name  string
		props func() delivery.CanaryProps
		wants []string
	}{
		{"everything missing", func() delivery.CanaryProps { return delivery.CanaryProps{} }, []string{
			`delivery "test/canary": Namespace is empty`, "Deployment is empty", "HTTPRoute is empty", "PodLabels is empty",
			"Port 0 is not a port (1-65535)", "Analysis.PrometheusURL is empty", "Analysis.Region is empty",
		}},
		{"bad names", func() delivery.CanaryProps {
			p := valid()
			p.Namespace, p.Deployment, p.HTTPRoute, p.CanaryService = "Shop", "orders_v2", "Orders", "9canary"
			return p
		}, []string{`Namespace "Shop" is not a DNS label`, `Deployment "orders_v2" is not a DNS label`, `HTTPRoute "Orders" is not a Kubernetes object name`, `CanaryService "9canary" is not a Service name`}},
		{"long deployment", func() delivery.CanaryProps {
			p := valid()
			p.Deployment = strings.Repeat("a", 60)
			return p
		}, []string{`StableService "` + strings.Repeat("a", 60) + `-stable" is not a Service name`, `defaults to Deployment + "-canary"`}},
		{"same services", func() delivery.CanaryProps {
			p := valid()
			p.StableService, p.CanaryService = "orders-svc", "orders-svc"
			return p
		}, []string{`CanaryService "orders-svc" is also StableService`}},
		{"labels, port, scale down, replicas, deadline", func() delivery.CanaryProps {
			p := valid()
			p.PodLabels = map[string]string{"rollouts-pod-template-hash": "abc", "bad key!": "x", "app": "-bad-"}
			p.Port, p.ScaleDown, p.Replicas, p.ProgressDeadlineSeconds = 70000, "always", -1, 30
			return p
		}, []string{
			`PodLabels key "rollouts-pod-template-hash" is Argo Rollouts' own`, `PodLabels key "bad key!" is not a label key`, `PodLabels value "-bad-" of "app"`,
			"Port 70000 is not a port", `ScaleDown "always" is not a scale-down mode; use "never", "progressively" or "onsuccess"`,
			"Replicas -1 is not between 0", "ProgressDeadlineSeconds 30 is not between 60 and 86400",
		}},
		{"steps", func() delivery.CanaryProps {
			p := valid()
			p.Steps = []delivery.Step{{Weight: 0}, {Weight: 30}, {Weight: 30}, {Weight: 20}, {Weight: 100, PauseSeconds: -5}}
			return p
		}, []string{
			"Steps[0].Weight 0 is not a percentage between 1 and 99", "Steps[2].Weight 30 is not above Steps[1].Weight 30; weights must increase",
			"Steps[3].Weight 20 is not above Steps[2].Weight 30", "Steps[4].Weight 100 is not a percentage between 1 and 99",
			"Steps[4].PauseSeconds -5 is not between 1 and 86400",
		}},
		{"no steps", func() delivery.CanaryProps {
			p := valid()
			p.Steps = []delivery.Step{}
			return p
		}, []string{"Steps is empty"}},
		{"pauses too short for the analysis", func() delivery.CanaryProps {
			p := valid()
			p.Steps = []delivery.Step{{Weight: 50, PauseSeconds: 60}}
			return p
		}, []string{"Steps pause 60s in all, less than the 240s (the first measurement after 120s, then Analysis.IntervalSeconds 60 × Analysis.FailureLimit 2)"}},
		{"plain http", func() delivery.CanaryProps {
			p := valid()
			p.Analysis.PrometheusURL = "http://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/"
			return p
		}, []string{`Analysis.PrometheusURL "http://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/" is not HTTPS`}},
		{"api path", func() delivery.CanaryProps {
			p := valid()
			p.Analysis.PrometheusURL = ampURL + "api/v1/query"
			return p
		}, []string{"names an API path", "Argo Rollouts appends /api/v1/query"}},
		{"not AMP", func() delivery.CanaryProps {
			p := valid()
			p.Analysis.PrometheusURL = "https://prometheus.example.com/"
			return p
		}, []string{`Analysis.PrometheusURL "https://prometheus.example.com/" is not an AMP workspace query endpoint`, "only to aps-workspaces hosts"}},
		{"region", func() delivery.CanaryProps {
			p := valid()
			p.Analysis.Region = "us-east-1"
			return p
		}, []string{`Analysis.Region "us-east-1" is not the region of PrometheusURL (eu-west-1)`}},
		{"thresholds", func() delivery.CanaryProps {
			p := valid()
			p.Analysis = delivery.Analysis{PrometheusURL: ampURL, Region: "Ireland", MaxErrorRatePercent: 100, MaxLatencyP99MS: -1, IntervalSeconds: 10, FailureLimit: -2, MinRequests: -3}
			return p
		}, []string{
			`Analysis.Region "Ireland" is not an AWS region`, "Analysis.MaxErrorRatePercent 100 is not a percentage above 0 and below 100",
			"Analysis.MaxLatencyP99MS -1 is not between 1 and 600000", "Analysis.IntervalSeconds 10 is not between 30 and 3600",
			"Analysis.FailureLimit -2 is not between 1 and 100", "Analysis.MinRequests -3 is not between 0",
		}},
		{"nil workload", func() delivery.CanaryProps {
			p := valid()
			p.Target = delivery.FromWorkload(nil)
			return p
		}, []string{"Target is FromWorkload(nil)"}},
		{"workload without progressive delivery", func() delivery.CanaryProps {
			p := valid()
			p.Target = delivery.FromWorkload(plain)
			return p
		}, []string{"Target workload plain/plain was made without ProgressiveDelivery", "set WorkloadProps.ProgressiveDelivery"}},
		{"workload's own service, replicas with an HPA", func() delivery.CanaryProps {
			p := valid()
			p.Target, p.StableService, p.Replicas = delivery.FromWorkload(progressive), "orders", 3
			return p
		}, []string{`StableService "orders" is the workload's own Service`, "Replicas is 3 but the workload's HPA scales the Rollout"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := delivery.NewCanary(stack, "canary", tc.props())
			if c != nil {
				t.Errorf("NewCanary returned a canary with an error")
			}
			wantErrs(t, err, tc.wants...)
			if stack.Node().TryFindChild(ptr.String("canary")) != nil {
				t.Error("a failed NewCanary left a construct in the tree")
			}
		})
	}

	// Valid edge values, and tokens (an endpoint of another stack's
	// workspace), pass.
	endpoint := *cdktf.NewTerraformVariable(stack, ptr.String("amp"), &cdktf.TerraformVariableConfig{Type: ptr.String("string")}).StringValue()
	ok := valid()
	ok.Analysis = delivery.Analysis{PrometheusURL: endpoint, Region: "eu-west-1", MaxErrorRatePercent: 99.9, MaxLatencyP99MS: 600000, IntervalSeconds: 30, FailureLimit: 1}
	ok.Steps = []delivery.Step{{Weight: 1, PauseSeconds: 30}, {Weight: 99, PauseSeconds: 120}} // 150 s: the first measurement after 120 s, one more after 30
	if _, err := delivery.NewCanary(stack, "edge", ok); err != nil {
		t.Errorf("edge values: %v", err)
	}
	if _, err := delivery.NewCanary(nil, "orphan", valid()); err == nil || !strings.Contains(err.Error(), "scope is nil") {
		t.Errorf("nil scope: %v", err)
	}
	if _, err := delivery.NewCanary(stack, "edge", valid()); err == nil || !strings.Contains(err.Error(), `id "edge" is already used`) {
		t.Errorf("duplicate id: %v", err)
	}
}
