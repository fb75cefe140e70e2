package tradingplatform_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/telemetry"
	"github.com/hybridstack/hybridstack/stacks/base"
	"github.com/hybridstack/hybridstack/stacks/tradingplatform"
)

// synthApp synthesizes the whole app, so that cross-stack references
// become remote-state outputs as they do for Terraform, and returns each
// stack's configuration by name. The app is synthesized once per test
// binary: the tests only read it.
func synthApp(t *testing.T) map[string]map[string]any {
	t.Helper()
	if synthesized != nil {
		return synthesized
	}
	app := cdktf.Testing_App(nil)
	defer os.RemoveAll(*app.Outdir())
	s := base.Settings{}.WithDefaults()
	st, err := tradingplatform.Build(app, s, tradingplatform.Tenants(tradingplatform.OptionsFrom(s)))
	if err != nil {
		t.Fatal(err)
	}
	if st.OrderRoutingCanary == nil || st.Metrics == nil {
		t.Fatalf("Stack.OrderRoutingCanary %v, Stack.Metrics %v", st.OrderRoutingCanary, st.Metrics)
	}
	app.Synth()
	out := map[string]map[string]any{}
	for _, name := range tradingplatform.StackNames() {
		b, err := os.ReadFile(filepath.Join(*app.Outdir(), "stacks", name, "cdk.tf.json"))
		if err != nil {
			t.Fatal(err)
		}
		var d map[string]any
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		out[name] = d
	}
	synthesized = out
	return out
}

var synthesized map[string]map[string]any

func resources(d map[string]any, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	r, _ := d["resource"].(map[string]any)
	m, _ := r[typ].(map[string]any)
	for k, v := range m {
		out[k] = v.(map[string]any)
	}
	return out
}

// tenantNamespaces returns the tenants stack's namespaces' metadata by
// name, and a resolver of a namespace value (a name or a reference to one
// of them) to its name.
func tenantNamespaces(t *testing.T, d map[string]any) (map[string]map[string]any, func(any) string) {
	t.Helper()
	byID := map[string]string{}
	byName := map[string]map[string]any{}
	for id, ns := range resources(d, "kubernetes_namespace_v1") {
		meta := ns["metadata"].(map[string]any)
		byID[id] = fmt.Sprint(meta["name"])
		byName[fmt.Sprint(meta["name"])] = meta
	}
	ref := regexp.MustCompile(`^\$\{kubernetes_namespace_v1\.([^.]+)\.metadata\[0\]\.name\}$`)
	return byName, func(v any) string {
		s := fmt.Sprint(v)
		if m := ref.FindStringSubmatch(s); m != nil {
			return byID[m[1]]
		}
		return s
	}
}

// manifestObject is a kubernetes_manifest's object with its namespace
// resolved.
type manifestObject struct {
	id, kind, name, namespace string
	body, spec                map[string]any
	resource                  map[string]any
}

func manifests(t *testing.T, d map[string]any) []manifestObject {
	t.Helper()
	_, resolve := tenantNamespaces(t, d)
	var out []manifestObject
	for id, m := range resources(d, "kubernetes_manifest") {
		body := m["manifest"].(map[string]any)
		meta := body["metadata"].(map[string]any)
		spec, _ := body["spec"].(map[string]any)
		out = append(out, manifestObject{
			id: id, kind: fmt.Sprint(body["kind"]), name: fmt.Sprint(meta["name"]), namespace: resolve(meta["namespace"]),
			body: body, spec: spec, resource: m,
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

var tenantNames = []string{"market-data", "order-routing", "risk"}

// The tenants' east-west calls go through Istio ambient: every tenant's
// namespace is in the mesh with STRICT mTLS and a waypoint, each shared
// Service admits exactly its callers' workload identities, the other
// policies admit only the tenant's own identities, and nothing of VPC
// Lattice remains in any stack.
func TestMeshBetweenTenants(t *testing.T) {
	stacks := synthApp(t)
	tenants := stacks[tradingplatform.TenantsName]
	byName, resolve := tenantNamespaces(t, tenants)
	objs := manifests(t, tenants)

	strict := map[string]bool{}
	waypoints := map[string]bool{}
	for _, o := range objs {
		switch o.kind {
		case "PeerAuthentication":
			mode := fmt.Sprint(o.spec["mtls"].(map[string]any)["mode"])
			if mode != "STRICT" || o.spec["selector"] != nil || o.spec["portLevelMtls"] != nil {
				t.Errorf("%s/%s: mtls %s, selector %v, port-level %v; want STRICT for the whole namespace", o.namespace, o.name, mode, o.spec["selector"], o.spec["portLevelMtls"])
				continue
			}
			strict[o.namespace] = true
		case "Gateway":
			if o.spec["gatewayClassName"] == "istio-waypoint" {
				waypoints[o.namespace+"/"+o.name] = true
			}
		}
	}
	for _, tenant := range tenantNames {
		labels, _ := byName[tenant]["labels"].(map[string]any)
		if labels["istio.io/dataplane-mode"] != "ambient" {
			t.Errorf("namespace %s is not in the mesh: labels %v", tenant, labels)
		}
		if !strict[tenant] {
			t.Errorf("namespace %s has no namespace-wide STRICT PeerAuthentication", tenant)
		}
		if use := fmt.Sprint(labels["istio.io/use-waypoint"]); !waypoints[tenant+"/"+use] {
			t.Errorf("namespace %s uses waypoint %q; waypoints: %v", tenant, use, waypoints)
		}
	}
	relax := regexp.MustCompile(`"(PERMISSIVE|DISABLE|UNSET)"`)
	for _, name := range tradingplatform.StackNames() {
		b, _ := json.Marshal(stacks[name]["resource"])
		if m := relax.FindAllString(string(b), -1); len(m) > 0 {
			t.Errorf("%s relaxes mTLS: %v", name, m)
		}
		for typ := range stacks[name]["resource"].(map[string]any) {
			if strings.HasPrefix(typ, "aws_vpclattice_") {
				t.Errorf("%s still renders %s", name, typ)
			}
		}
	}

	// Who may call: the shared Services by exact identity; the rest of a
	// tenant's namespace only its own service accounts.
	want := map[string][]string{
		"market-data/callers-prices": {"cluster.local/ns/order-routing/sa/workload", "cluster.local/ns/risk/sa/workload"},
		"risk/callers-risk-checks":   {"cluster.local/ns/order-routing/sa/workload"},
	}
	services := map[string]string{"market-data/callers-prices": "prices", "risk/callers-risk-checks": "risk-checks"}
	got := map[string][]string{}
	for _, o := range objs {
		if o.kind != "AuthorizationPolicy" {
			continue
		}
		key := o.namespace + "/" + o.name
		if o.spec["action"] != "ALLOW" {
			t.Errorf("%s: action %v, want ALLOW", key, o.spec["action"])
		}
		rules, _ := o.spec["rules"].([]any)
		if len(rules) == 0 {
			t.Errorf("%s has no rules", key)
		}
		var principals []string
		for _, r := range rules {
			from, _ := r.(map[string]any)["from"].([]any)
			if len(from) == 0 {
				t.Errorf("%s: rule %v has no source, so it admits every caller", key, r)
			}
			for _, f := range from {
				for k, v := range f.(map[string]any)["source"].(map[string]any) {
					if k != "principals" {
						t.Errorf("%s: source %s %v; want principals only", key, k, v)
						continue
					}
					for _, p := range v.([]any) {
						principals = append(principals, fmt.Sprint(p))
					}
				}
			}
		}
		if w, shared := want[key]; shared {
			got[key] = principals
			if refs := fmt.Sprint(o.spec["targetRefs"]); refs != "[map[group: kind:Service name:"+services[key]+"]]" {
				t.Errorf("%s targets %s, want the Service %s", key, refs, services[key])
			}
			if !slices.Equal(principals, w) {
				t.Errorf("%s allows %v, want exactly %v", key, principals, w)
			}
			continue
		}
		// Any other policy keeps to the tenant's own identities.
		for _, p := range principals {
			if p != "cluster.local/ns/"+o.namespace+"/sa/*" && !strings.HasPrefix(p, "cluster.local/ns/"+o.namespace+"/sa/") {
				t.Errorf("%s admits %s from outside the tenant", key, p)
			}
		}
	}
	for key := range want {
		if got[key] == nil {
			t.Errorf("no AuthorizationPolicy %s", key)
		}
	}
	// The principals are the callers' workload service accounts.
	accounts := map[string]bool{}
	for _, sa := range resources(tenants, "kubernetes_service_account_v1") {
		meta := sa["metadata"].(map[string]any)
		accounts["cluster.local/ns/"+resolve(meta["namespace"])+"/sa/"+fmt.Sprint(meta["name"])] = true
	}
	for key, principals := range want {
		for _, p := range principals {
			if !accounts[p] {
				t.Errorf("%s admits %s, which is no service account of the stack (%v)", key, p, keys(accounts))
			}
		}
	}
	for _, o := range objs {
		if o.kind == "TargetGroupBinding" {
			t.Errorf("TargetGroupBinding %s/%s remains", o.namespace, o.name)
		}
	}
}

// order-routing is released by an Argo Rollout through its waypoint's
// route: the Rollout, its route (weights left to Argo Rollouts), the
// analysis and the stable and canary Services are the platform's, so the
// tenant's AppProject ignores each of them, once, and its Application
// waits for them.
func TestOrderRoutingCanary(t *testing.T) {
	stacks := synthApp(t)
	tenants := stacks[tradingplatform.TenantsName]
	_, resolve := tenantNamespaces(t, tenants)
	objs := manifests(t, tenants)
	find := func(kind, namespace, name string) *manifestObject {
		for i, o := range objs {
			if o.kind == kind && o.name == name && o.namespace == namespace {
				return &objs[i]
			}
		}
		t.Errorf("no %s %s/%s", kind, namespace, name)
		return nil
	}
	rollout, route := find("Rollout", "order-routing", "order-routing"), find("HTTPRoute", "order-routing", "order-routing")
	template := find("AnalysisTemplate", "order-routing", "order-routing-canary-health")
	project, app := find("AppProject", "argocd", "order-routing"), find("Application", "argocd", "order-routing")
	if rollout == nil || route == nil || template == nil {
		t.FailNow()
	}
	if ref := fmt.Sprint(rollout.spec["workloadRef"]); !strings.Contains(ref, "kind:Deployment name:order-routing") {
		t.Errorf("workloadRef %s", ref)
	}
	canary := rollout.spec["strategy"].(map[string]any)["canary"].(map[string]any)
	plugin := canary["trafficRouting"].(map[string]any)["plugins"].(map[string]any)["argoproj-labs/gatewayAPI"].(map[string]any)
	if plugin["httpRoute"] != route.name || resolve(plugin["namespace"]) != "order-routing" || rollout.spec["progressDeadlineAbort"] != true {
		t.Errorf("Rollout routes through %v, progressDeadlineAbort %v", plugin, rollout.spec["progressDeadlineAbort"])
	}
	rule := route.spec["rules"].([]any)[0].(map[string]any)
	sum := 0.0
	var backends []string
	for _, b := range rule["backendRefs"].([]any) {
		ref := b.(map[string]any)
		sum += ref["weight"].(float64)
		backends = append(backends, fmt.Sprint(ref["name"]))
	}
	if sum != 100 || !slices.Equal(backends, []string{fmt.Sprint(canary["stableService"]), fmt.Sprint(canary["canaryService"])}) {
		t.Errorf("route backends %v weigh %v; want the Rollout's stable and canary Services, adding up to 100", backends, sum)
	}
	if parent := fmt.Sprint(route.spec["parentRefs"]); !strings.Contains(parent, "kind:Service name:order-routing port:8080") {
		t.Errorf("route attaches to %s, want the Service order-routing (GAMMA)", parent)
	}
	if computed := fmt.Sprint(route.resource["computed_fields"]); !strings.Contains(computed, "spec.rules[0].backendRefs[0].weight") || !strings.Contains(computed, "spec.rules[0].backendRefs[1].weight") {
		t.Errorf("route computed_fields %s: Terraform would undo the Rollout's weights", computed)
	}
	if n := len(template.spec["metrics"].([]any)); n != 2 {
		t.Errorf("%d analysis metrics, want 2 (error rate, latency)", n)
	}
	for _, m := range template.spec["metrics"].([]any) {
		prom := m.(map[string]any)["provider"].(map[string]any)["prometheus"].(map[string]any)
		if a := fmt.Sprint(prom["address"]); !strings.Contains(a, "terraform_remote_state") || !strings.Contains(a, "aws_prometheus_workspace") {
			t.Errorf("analysis queries %s, not the platform's workspace", a)
		}
	}
	if project == nil || app == nil {
		t.FailNow()
	}
	ignore := project.spec["orphanedResources"].(map[string]any)["ignore"].([]any)
	listed := map[string]int{}
	for _, i := range ignore {
		e := i.(map[string]any)
		listed[fmt.Sprintf("%v/%v/%v", e["group"], e["kind"], e["name"])]++
	}
	var twice []string
	for entry, n := range listed {
		if n > 1 {
			twice = append(twice, entry)
		}
	}
	sort.Strings(twice)
	if len(twice) > 0 {
		t.Errorf("the AppProject's orphanedResources.ignore (%d entries) lists %d objects more than once: %v", len(ignore), len(twice), twice)
	}
	deps := fmt.Sprint(app.resource["depends_on"])
	platform := map[string]string{
		"/Service/order-routing-stable": "", "/Service/order-routing-canary": "",
		"gateway.networking.k8s.io/HTTPRoute/order-routing":        "kubernetes_manifest." + route.id,
		"argoproj.io/AnalysisTemplate/order-routing-canary-health": "kubernetes_manifest." + template.id,
		"argoproj.io/Rollout/order-routing":                        "kubernetes_manifest." + rollout.id,
	}
	for id, svc := range resources(tenants, "kubernetes_service_v1") {
		meta := svc["metadata"].(map[string]any)
		if key := "/Service/" + fmt.Sprint(meta["name"]); resolve(meta["namespace"]) == "order-routing" {
			if _, ok := platform[key]; ok {
				platform[key] = "kubernetes_service_v1." + id
			}
		}
	}
	for entry, address := range platform {
		if listed[entry] == 0 {
			t.Errorf("the AppProject does not ignore %s: Argo CD would report it as orphaned", entry)
		}
		if address == "" || !strings.Contains(deps, address) {
			t.Errorf("the Application does not wait for %s (%q)", entry, address)
		}
	}
}

// Pod Security across the platform's in-cluster stacks: istio-system
// (istio-cni and ztunnel) and the telemetry's log namespace (Fluent Bit's
// hostPath) are privileged, each saying why; every other namespace, the
// tenants' among them, enforces restricted; no chart creates a namespace
// of its own.
func TestPodSecurity(t *testing.T) {
	stacks := synthApp(t)
	all := map[string]map[string]any{}
	var ids []string
	for _, name := range []string{tradingplatform.AddonsName, tradingplatform.TenantsName} {
		byName, _ := tenantNamespaces(t, stacks[name])
		for n, meta := range byName {
			if all[n] != nil {
				t.Errorf("namespace %s is created twice", n)
			}
			all[n] = meta
		}
		for id := range resources(stacks[name], "kubernetes_namespace_v1") {
			ids = append(ids, id)
		}
	}
	privileged := []string{"istio-system", telemetry.LoggingNamespace}
	for name, meta := range all {
		labels, _ := meta["labels"].(map[string]any)
		level := labels["pod-security.kubernetes.io/enforce"]
		if slices.Contains(privileged, name) {
			annotations, _ := meta["annotations"].(map[string]any)
			if level != "privileged" || annotations["hybridstack.io/pod-security-reason"] == nil {
				t.Errorf("namespace %s: enforce %v, reason %v; want privileged with a reason", name, level, annotations["hybridstack.io/pod-security-reason"])
			}
			continue
		}
		if level != "restricted" {
			t.Errorf("namespace %s enforces %v, want restricted", name, level)
		}
	}
	for _, name := range append(append(privileged, tenantNames...), "argo-rollouts", "argocd", "observability") {
		if all[name] == nil {
			t.Errorf("no stack creates namespace %s (namespaces: %v)", name, keys(all))
		}
	}
	for id, rel := range resources(stacks[tradingplatform.AddonsName], "helm_release") {
		ns := fmt.Sprint(rel["namespace"])
		known := ns == "kube-system"
		for _, nsID := range ids {
			known = known || ns == "${kubernetes_namespace_v1."+nsID+".metadata[0].name}"
		}
		if rel["create_namespace"] == true || !known {
			t.Errorf("helm release %s installs into %s, which no stack labels (create_namespace %v)", id, ns, rel["create_namespace"])
		}
	}
}
