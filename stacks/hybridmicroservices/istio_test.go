package hybridmicroservices_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/telemetry"
	"github.com/hybridstack/hybridstack/stacks/hybridmicroservices"
)

// object is one Kubernetes object of a kubernetes_manifest, its namespace
// resolved to the name when it refers to a namespace resource.
type object struct {
	stack, id             string
	kind, name, namespace string
	body                  map[string]any // the manifest
	resource              map[string]any // the Terraform resource (computed_fields, depends_on)
}

func (o object) spec() map[string]any {
	s, _ := o.body["spec"].(map[string]any)
	return s
}

// namespaceRef is a reference to a namespace resource's name.
var namespaceRef = regexp.MustCompile(`^\$\{kubernetes_namespace_v1\.([^.]+)\.metadata\[0\]\.name\}$`)

// namespaces returns the kubernetes_namespace_v1 resources of the
// documents by namespace name, and a resolver of namespace values (a
// literal or a reference to one of them) to names.
func namespaces(t *testing.T, docs map[string]doc) (map[string]map[string]any, func(any) string) {
	t.Helper()
	byID := map[string]string{}
	byName := map[string]map[string]any{}
	for stack, d := range docs {
		for id, ns := range d.Resource["kubernetes_namespace_v1"] {
			meta := one(ns["metadata"])
			name := fmt.Sprint(meta["name"])
			if byName[name] != nil {
				t.Errorf("namespace %s is created twice (again in %s)", name, stack)
			}
			byID[id] = name
			byName[name] = meta
		}
	}
	resolve := func(v any) string {
		s := fmt.Sprint(v)
		if m := namespaceRef.FindStringSubmatch(s); m != nil {
			if n, ok := byID[m[1]]; ok {
				return n
			}
			t.Errorf("reference %s to a namespace no stack creates", s)
		}
		return s
	}
	return byName, resolve
}

// objects returns every kubernetes_manifest object of the documents.
func objects(t *testing.T, docs map[string]doc) []object {
	t.Helper()
	_, resolve := namespaces(t, docs)
	var out []object
	for stack, d := range docs {
		for id, m := range d.Resource["kubernetes_manifest"] {
			body := m["manifest"].(map[string]any)
			meta, _ := body["metadata"].(map[string]any)
			o := object{stack: stack, id: id, kind: fmt.Sprint(body["kind"]), name: fmt.Sprint(meta["name"]), body: body, resource: m}
			if ns, ok := meta["namespace"]; ok {
				o.namespace = resolve(ns)
			}
			out = append(out, o)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].stack+out[i].id < out[j].stack+out[j].id })
	return out
}

func ofKind(objs []object, kind string) []object {
	var out []object
	for _, o := range objs {
		if o.kind == kind {
			out = append(out, o)
		}
	}
	return out
}

func istioDocs(t *testing.T) map[string]doc {
	t.Helper()
	return synthAll(t, true)
}

// On Istio ambient every byte between meshed pods is mTLS: each namespace
// in the mesh has a STRICT PeerAuthentication for the whole namespace,
// the root namespace (istio-system) a mesh-wide one, and nothing anywhere
// relaxes it.
func TestIstioMTLSIsStrict(t *testing.T) {
	docs := istioDocs(t)
	byName, _ := namespaces(t, docs)
	var ambient []string
	for name, meta := range byName {
		labels, _ := meta["labels"].(map[string]any)
		if labels["istio.io/dataplane-mode"] == "ambient" {
			ambient = append(ambient, name)
		}
	}
	sort.Strings(ambient)
	if !slices.Equal(ambient, []string{"orders", "payments"}) {
		t.Errorf("namespaces in the mesh: %v, want orders and payments (bursty runs on Fargate, which has no ztunnel)", ambient)
	}
	strict := map[string]bool{}
	for _, pa := range ofKind(objects(t, docs), "PeerAuthentication") {
		spec := pa.spec()
		mode := fmt.Sprint(one(spec["mtls"])["mode"])
		if mode != "STRICT" || spec["portLevelMtls"] != nil {
			t.Errorf("%s %s/%s: mtls %v, port-level %v; want STRICT and no exception", pa.stack, pa.namespace, pa.name, spec["mtls"], spec["portLevelMtls"])
		}
		if spec["selector"] != nil {
			t.Errorf("%s %s/%s selects %v; want the whole namespace", pa.stack, pa.namespace, pa.name, spec["selector"])
			continue
		}
		strict[pa.namespace] = mode == "STRICT"
	}
	for _, ns := range append([]string{"istio-system"}, ambient...) {
		if !strict[ns] {
			t.Errorf("namespace %s has no namespace-wide STRICT PeerAuthentication (found: %v)", ns, strict)
		}
	}
	relax := regexp.MustCompile(`"(PERMISSIVE|DISABLE|UNSET)"`)
	for name, d := range docs {
		b, err := json.Marshal(d.Resource)
		if err != nil {
			t.Fatal(err)
		}
		if m := relax.FindAllString(string(b), -1); len(m) > 0 {
			t.Errorf("%s relaxes mTLS: %v", name, m)
		}
	}
}

// Who may call whom: the ingress gateway may call orders, orders may call
// payments, each through its namespace's waypoint, and the pods admit
// their waypoint only. Every policy is ALLOW by exact workload identity:
// no namespace, IP block or wildcard source.
func TestIstioWhoMayCall(t *testing.T) {
	docs := istioDocs(t)
	objs := objects(t, docs)
	byName, resolve := namespaces(t, docs)
	want := map[string][]string{
		"orders/orders":                   {"cluster.local/ns/istio-ingress/sa/istio-ingress"},
		"orders/orders-from-waypoint":     {"cluster.local/ns/orders/sa/waypoint"},
		"payments/payments":               {"cluster.local/ns/orders/sa/orders"},
		"payments/payments-from-waypoint": {"cluster.local/ns/payments/sa/waypoint"},
		// Attached to each waypoint, allowing nothing: a Service no policy
		// covers (payments-pods) admits no one through the waypoint.
		"orders/waypoint-allow-nothing":   {},
		"payments/waypoint-allow-nothing": {},
	}
	got := map[string][]string{}
	for _, p := range ofKind(objs, "AuthorizationPolicy") {
		key := p.namespace + "/" + p.name
		spec := p.spec()
		if spec["action"] != "ALLOW" {
			t.Errorf("%s: action %v, want ALLOW", key, spec["action"])
		}
		rules, _ := spec["rules"].([]any)
		if len(rules) == 0 && p.name != "waypoint-allow-nothing" {
			t.Errorf("%s has no rules", key)
		}
		var principals []string
		for _, r := range rules {
			from, _ := r.(map[string]any)["from"].([]any)
			if len(from) == 0 {
				t.Errorf("%s: rule %v has no source, so it admits every caller", key, r)
			}
			for _, f := range from {
				source, _ := f.(map[string]any)["source"].(map[string]any)
				for k, v := range source {
					if k != "principals" {
						t.Errorf("%s: source %s %v; want principals only", key, k, v)
						continue
					}
					for _, pr := range v.([]any) {
						s := fmt.Sprint(pr)
						if strings.Contains(s, "*") {
							t.Errorf("%s: wildcard principal %s", key, s)
						}
						principals = append(principals, s)
					}
				}
			}
		}
		got[key] = principals
		// The from-waypoint policies guard the pods (ztunnel, by
		// selector); the others the Services (the waypoint, by
		// targetRefs).
		if p.name == "waypoint-allow-nothing" {
			if len(rules) != 0 || fmt.Sprint(spec["targetRefs"]) != "[map[group:gateway.networking.k8s.io kind:Gateway name:waypoint]]" {
				t.Errorf("%s: rules %v, targetRefs %v; want no rules on the waypoint", key, rules, spec["targetRefs"])
			}
		} else if strings.HasSuffix(p.name, "-from-waypoint") {
			if spec["selector"] == nil || spec["targetRefs"] != nil {
				t.Errorf("%s: selector %v, targetRefs %v; want a pod selector", key, spec["selector"], spec["targetRefs"])
			}
		} else if refs, _ := spec["targetRefs"].([]any); len(refs) == 0 {
			t.Errorf("%s targets no Service", key)
		}
	}
	for key, w := range want {
		if g, ok := got[key]; !ok || !slices.Equal(g, w) {
			t.Errorf("AuthorizationPolicy %s allows %v, want exactly %v", key, got[key], w)
		}
	}
	for key := range got {
		if want[key] == nil {
			t.Errorf("unexpected AuthorizationPolicy %s allowing %v", key, got[key])
		}
	}

	// The identities exist: orders runs as service account orders, the
	// ingress gateway as istio-ingress in istio-ingress, and each
	// namespace's waypoint (whose service account Istio names after it)
	// is the one the namespace uses.
	workloads := docs[hybridmicroservices.IstioName+hybridmicroservices.WorkloadsSuffix].Resource
	ordersSA := ""
	for id, sa := range workloads["kubernetes_service_account_v1"] {
		meta := one(sa["metadata"])
		if meta["name"] == "orders" && resolve(meta["namespace"]) == "orders" {
			ordersSA = id
		}
	}
	if ordersSA == "" {
		t.Error("no service account orders in namespace orders")
	}
	ordersDeployments := 0
	for id, d := range workloads["kubernetes_deployment_v1"] {
		if one(d["metadata"])["name"] != "orders" {
			continue
		}
		ordersDeployments++
		if got := one(one(one(d["spec"])["template"])["spec"])["service_account_name"]; got != "${kubernetes_service_account_v1."+ordersSA+".metadata[0].name}" {
			t.Errorf("%s runs as %v, not the service account orders", id, got)
		}
	}
	if ordersDeployments != 1 {
		t.Errorf("%d Deployments named orders, want 1", ordersDeployments)
	}
	ingressSA := false
	for _, rel := range docs[hybridmicroservices.IstioName+hybridmicroservices.AddonsSuffix].Resource["helm_release"] {
		if rel["chart"] != "gateway" {
			continue
		}
		var values struct {
			ServiceAccount struct {
				Name string `json:"name"`
			} `json:"serviceAccount"`
		}
		if err := json.Unmarshal([]byte(rel["values"].([]any)[0].(string)), &values); err != nil {
			t.Fatal(err)
		}
		ingressSA = rel["name"] == "istio-ingress" && values.ServiceAccount.Name == "istio-ingress" && resolve(rel["namespace"]) == "istio-ingress"
	}
	if !ingressSA {
		t.Error("the ingress gateway does not run as istio-ingress/istio-ingress")
	}
	waypoints := map[string]bool{}
	for _, g := range ofKind(objs, "Gateway") {
		if g.spec()["gatewayClassName"] == "istio-waypoint" {
			waypoints[g.namespace+"/"+g.name] = true
		}
	}
	for _, ns := range []string{"orders", "payments"} {
		labels, _ := byName[ns]["labels"].(map[string]any)
		if use := fmt.Sprint(labels["istio.io/use-waypoint"]); use != "waypoint" || !waypoints[ns+"/"+use] {
			t.Errorf("namespace %s uses waypoint %q; waypoints: %v", ns, use, waypoints)
		}
	}
}

// backendRefs returns a rule's backend names and weights, and how many of
// them give a weight (a backend without one weighs 1).
func backendRefs(rule map[string]any) (names []string, weights []float64, weighted int) {
	refs, _ := rule["backendRefs"].([]any)
	for _, r := range refs {
		ref := r.(map[string]any)
		names = append(names, fmt.Sprint(ref["name"]))
		w, ok := ref["weight"].(float64)
		if ok {
			weighted++
		}
		weights = append(weights, w)
	}
	return names, weights, weighted
}

// Every route splits all of its traffic: weighted backends add up to 100
// (a single backend without weights gets it all), and the payments route
// whose weights Argo Rollouts moves leaves them to it.
func TestIstioRouteWeights(t *testing.T) {
	routes := ofKind(objects(t, istioDocs(t)), "HTTPRoute")
	if len(routes) < 4 {
		t.Fatalf("%d HTTPRoutes, want the ingress's, orders' and payments' two", len(routes))
	}
	var managed *object
	for i, r := range routes {
		rules, _ := r.spec()["rules"].([]any)
		if len(rules) == 0 {
			t.Errorf("%s/%s has no rules", r.namespace, r.name)
		}
		for i, rule := range rules {
			names, weights, weighted := backendRefs(rule.(map[string]any))
			sum := 0.0
			for _, w := range weights {
				sum += w
			}
			ok := len(names) == 1 && weighted == 0 || // one backend gets everything
				len(names) > 0 && weighted == len(names) && sum == 100
			if !ok {
				t.Errorf("%s/%s rule %d: backends %v, %d weighted %v; want weights on every backend adding up to 100, or a single backend", r.namespace, r.name, i, names, weighted, weights)
			}
		}
		if r.namespace == "payments" && r.name == "payments-canary" {
			managed = &routes[i]
		}
	}
	if managed == nil {
		t.Fatal("no HTTPRoute payments/payments-canary")
	}
	names, weights, _ := backendRefs(managed.spec()["rules"].([]any)[0].(map[string]any))
	if !slices.Equal(names, []string{"payments-stable", "payments-canary"}) || !slices.Equal(weights, []float64{100, 0}) {
		t.Errorf("payments-canary rule 0: backends %v weights %v; want payments-stable 100, payments-canary 0 (the Rollout moves them)", names, weights)
	}
	computed := fmt.Sprint(managed.resource["computed_fields"])
	for _, f := range []string{"spec.rules[0].backendRefs[0].weight", "spec.rules[0].backendRefs[1].weight", "metadata.annotations"} {
		if !strings.Contains(computed, f) {
			t.Errorf("payments-canary computed_fields %s lacks %s: Terraform would undo the Rollout's weights", computed, f)
		}
	}
}

// Payments is released by an Argo Rollout of its Deployment: increasing
// canary weights through the waypoint's route, an analysis of error rate
// and p99 latency signed for the workspace in the AWS stack, and an abort
// (back to stable) when the rollout stalls.
func TestIstioPaymentsRollout(t *testing.T) {
	docs := istioDocs(t)
	objs := objects(t, docs)
	rollouts := ofKind(objs, "Rollout")
	if len(rollouts) != 1 || rollouts[0].name != "payments" || rollouts[0].namespace != "payments" {
		t.Fatalf("rollouts %v, want payments/payments", rollouts)
	}
	spec := rollouts[0].spec()
	if ref := fmt.Sprint(spec["workloadRef"]); ref != "map[apiVersion:apps/v1 kind:Deployment name:payments scaleDown:never]" {
		t.Errorf("workloadRef %s, want the Deployment payments", ref)
	}
	if spec["progressDeadlineAbort"] != true {
		t.Errorf("progressDeadlineAbort %v: a stalled rollout would not roll back", spec["progressDeadlineAbort"])
	}
	canary := spec["strategy"].(map[string]any)["canary"].(map[string]any)
	last := 0.0
	var weights []float64
	for _, s := range canary["steps"].([]any) {
		if w, ok := s.(map[string]any)["setWeight"].(float64); ok {
			if w <= last || w >= 100 {
				t.Errorf("step weight %v after %v; want increasing weights below 100", w, last)
			}
			last = w
			weights = append(weights, w)
		}
	}
	if len(weights) < 2 {
		t.Errorf("canary weights %v; want several steps", weights)
	}
	plugin, _ := canary["trafficRouting"].(map[string]any)["plugins"].(map[string]any)["argoproj-labs/gatewayAPI"].(map[string]any)
	if plugin["httpRoute"] != "payments-canary" || plugin["namespace"] != "payments" {
		t.Errorf("traffic routing %v, want the gatewayAPI plugin on HTTPRoute payments/payments-canary", canary["trafficRouting"])
	}
	if canary["stableService"] != "payments-stable" || canary["canaryService"] != "payments-canary" {
		t.Errorf("services %v / %v", canary["stableService"], canary["canaryService"])
	}
	// The controller loads the plugin by the same name.
	plugins := ""
	for _, rel := range docs[hybridmicroservices.IstioName+hybridmicroservices.AddonsSuffix].Resource["helm_release"] {
		if rel["chart"] == "argo-rollouts" {
			plugins = fmt.Sprint(rel["values"])
		}
	}
	if !strings.Contains(plugins, `"trafficRouterPlugins":[{"name":"argoproj-labs/gatewayAPI"`) {
		t.Errorf("the Argo Rollouts controller does not load the gatewayAPI plugin: %s", plugins)
	}
	// The Deployment runs no pod of its own; the HPA scales the Rollout.
	workloads := docs[hybridmicroservices.IstioName+hybridmicroservices.WorkloadsSuffix].Resource
	paymentsDeployments := 0
	for id, d := range workloads["kubernetes_deployment_v1"] {
		if one(d["metadata"])["name"] != "payments" {
			continue
		}
		paymentsDeployments++
		if one(d["spec"])["replicas"] != "0" {
			t.Errorf("%s replicas %v, want 0", id, one(d["spec"])["replicas"])
		}
	}
	if paymentsDeployments != 1 {
		t.Errorf("%d Deployments named payments, want 1", paymentsDeployments)
	}
	scaled := false
	for _, h := range workloads["kubernetes_horizontal_pod_autoscaler_v2"] {
		ref := one(one(h["spec"])["scale_target_ref"])
		scaled = scaled || (ref["kind"] == "Rollout" && ref["name"] == "payments" && ref["api_version"] == "argoproj.io/v1alpha1")
	}
	if !scaled {
		t.Error("no HPA scales the Rollout payments")
	}

	templates := ofKind(objs, "AnalysisTemplate")
	if len(templates) != 1 || templates[0].namespace != "payments" {
		t.Fatalf("analysis templates %v, want one in payments", templates)
	}
	tmpl := templates[0]
	if got := fmt.Sprint(canary["analysis"]); !strings.Contains(got, "templateName:"+tmpl.name) {
		t.Errorf("the Rollout's analysis %s does not run template %s", got, tmpl.name)
	}
	if !strings.Contains(fmt.Sprint(rollouts[0].resource["depends_on"]), "kubernetes_manifest."+tmpl.id) {
		t.Errorf("the Rollout does not wait for its template: depends_on %v", rollouts[0].resource["depends_on"])
	}
	awsOutputs := outputs(docs[hybridmicroservices.IstioName])
	metrics := map[string]string{}
	for _, m := range tmpl.spec()["metrics"].([]any) {
		metric := m.(map[string]any)
		name := fmt.Sprint(metric["name"])
		metrics[name] = fmt.Sprint(metric["successCondition"])
		if limit, _ := metric["failureLimit"].(float64); limit < 1 {
			t.Errorf("metric %s failureLimit %v", name, metric["failureLimit"])
		}
		prom := metric["provider"].(map[string]any)["prometheus"].(map[string]any)
		if region := fmt.Sprint(prom["authentication"].(map[string]any)["sigv4"].(map[string]any)["region"]); region != "eu-west-1" {
			t.Errorf("metric %s signs for region %s", name, region)
		}
		address := fmt.Sprint(prom["address"])
		m := remoteOutput.FindStringSubmatch(address)
		if m == nil {
			t.Errorf("metric %s queries %q, not the AWS stack's workspace", name, address)
			continue
		}
		if v := fmt.Sprint(awsOutputs[m[1]]); !strings.Contains(v, "aws_prometheus_workspace.") || !strings.HasSuffix(v, ".prometheus_endpoint}") {
			t.Errorf("metric %s queries output %s = %s, not the workspace's endpoint", name, m[1], v)
		}
		if !strings.Contains(fmt.Sprint(prom["query"]), `reporter="waypoint"`) || !strings.Contains(fmt.Sprint(prom["query"]), `destination_service_name="payments-canary"`) {
			t.Errorf("metric %s query %v does not measure the canary at the waypoint", name, prom["query"])
		}
	}
	thresholds := map[string]string{"error-rate": "<= 1", "latency-p99": "<= 500"}
	for name, want := range thresholds {
		if c, ok := metrics[name]; !ok || !strings.HasSuffix(c, want) {
			t.Errorf("metric %s success condition %q, want a threshold %s", name, c, want)
		}
	}
	if len(metrics) != len(thresholds) {
		t.Errorf("metrics %v, want %v", metrics, thresholds)
	}
}

// remoteOutput is a value read from the AWS stack's state.
var remoteOutput = regexp.MustCompile(`^\$\{data\.terraform_remote_state\.cross-stack-reference-input-` + regexp.QuoteMeta(hybridmicroservices.IstioName) + `\.outputs\.([^}]+)\}$`)

// outputs returns the document's outputs' values by name.
func outputs(d doc) map[string]any {
	out := map[string]any{}
	for name, o := range d.Output {
		out[name] = o.(map[string]any)["value"]
	}
	return out
}

// Pod Security: of the namespaces the three stacks create, istio-system
// (istio-cni and ztunnel) and the telemetry's log namespace (Fluent Bit's
// hostPath) are privileged, each saying why; every other one, every
// application namespace among them, enforces restricted. No chart creates
// a namespace of its own, which would escape these labels.
func TestIstioPodSecurity(t *testing.T) {
	checkPodSecurity(t, istioDocs(t), []string{"orders", "payments", "bursty", "istio-ingress", "argo-rollouts", "argocd", "observability"})
}

func checkPodSecurity(t *testing.T, docs map[string]doc, restricted []string) {
	t.Helper()
	byName, resolve := namespaces(t, docs)
	privileged := []string{"istio-system", telemetry.LoggingNamespace}
	for name, meta := range byName {
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
	for _, name := range append(privileged, restricted...) {
		if byName[name] == nil {
			t.Errorf("no stack creates namespace %s (namespaces: %v)", name, keys(byName))
		}
	}
	for stack, d := range docs {
		for id, rel := range d.Resource["helm_release"] {
			ns := resolve(rel["namespace"])
			if rel["create_namespace"] == true || (byName[ns] == nil && ns != "kube-system") {
				t.Errorf("%s: helm release %s installs into namespace %s, which no stack labels (create_namespace %v)", stack, id, ns, rel["create_namespace"])
			}
		}
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// The internal NLB reaches orders through the Istio ingress gateway: its
// target group checks the gateway's readiness on the status port, the
// pods' security group admits the NLB on the gateway's ports only, and a
// TargetGroupBinding registers the gateway Service's pods.
func TestIstioIngressPath(t *testing.T) {
	docs := istioDocs(t)
	r := docs[hybridmicroservices.IstioName].Resource
	if n := len(r["aws_lb_target_group"]); n != 1 {
		t.Fatalf("%d target groups, want the ingress gateway's", n)
	}
	tgID := ""
	for id, tg := range r["aws_lb_target_group"] {
		tgID = id
		hc := one(tg["health_check"])
		if tg["port"] != float64(80) || tg["target_type"] != "ip" || hc["port"] != "15021" || hc["path"] != "/healthz/ready" || hc["protocol"] != "HTTP" {
			t.Errorf("target group %s: port %v, type %v, health check %v; want ip targets on 80 checked on 15021 /healthz/ready", id, tg["port"], tg["target_type"], hc)
		}
	}
	const nlb = "${aws_security_group.internal-nlb-security-group.id}"
	fromNLB := []float64{}
	for _, rule := range r["aws_vpc_security_group_ingress_rule"] {
		if strings.Contains(fmt.Sprint(rule["security_group_id"]), "cluster_security_group_id") && rule["referenced_security_group_id"] == nlb {
			if rule["from_port"] != rule["to_port"] {
				t.Errorf("the pods admit the NLB on a port range %v-%v", rule["from_port"], rule["to_port"])
			}
			fromNLB = append(fromNLB, rule["from_port"].(float64))
		}
	}
	slices.Sort(fromNLB)
	if !slices.Equal(fromNLB, []float64{80, 15021}) {
		t.Errorf("the pods admit the NLB on %v, want 80 and 15021 (the gateway's traffic and status ports)", fromNLB)
	}
	toPods := []float64{}
	for _, rule := range r["aws_vpc_security_group_egress_rule"] {
		if rule["security_group_id"] == nlb {
			toPods = append(toPods, rule["from_port"].(float64))
		}
	}
	slices.Sort(toPods)
	if !slices.Equal(toPods, []float64{80, 15021}) {
		t.Errorf("the NLB may reach the pods on %v, want 80 and 15021", toPods)
	}

	objs := objects(t, docs)
	var binding *object
	for i, o := range objs {
		if o.kind == "TargetGroupBinding" {
			if binding != nil {
				t.Errorf("a second TargetGroupBinding %s/%s", o.namespace, o.name)
			}
			binding = &objs[i]
		}
	}
	if binding == nil {
		t.Fatal("no TargetGroupBinding")
	}
	spec := binding.spec()
	if binding.name != "ingress-nlb" || binding.namespace != "istio-ingress" || spec["targetType"] != "ip" ||
		fmt.Sprint(spec["serviceRef"]) != "map[name:istio-ingress port:80]" {
		t.Errorf("TargetGroupBinding %s/%s spec %v; want ingress-nlb in istio-ingress binding Service istio-ingress port 80", binding.namespace, binding.name, spec)
	}
	if arn := fmt.Sprint(spec["targetGroupARN"]); !strings.HasSuffix(arn, "cross-stack-output-aws_lb_target_group"+tgID+"arn}") {
		t.Errorf("the binding fills %s, not the NLB's target group %s", arn, tgID)
	}
	byName, resolve := namespaces(t, docs)
	if labels, _ := byName["istio-ingress"]["labels"].(map[string]any); labels["elbv2.k8s.aws/pod-readiness-gate-inject"] != "enabled" {
		t.Errorf("istio-ingress labels %v: a gateway rollout would not wait for the NLB to see new pods healthy", labels)
	}
	// The gateway sends everything to orders, which lets it in.
	var routed bool
	for _, route := range ofKind(objs, "HTTPRoute") {
		if route.namespace != "istio-ingress" {
			continue
		}
		b, _ := json.Marshal(route.spec())
		for _, rule := range route.spec()["rules"].([]any) {
			for _, ref := range rule.(map[string]any)["backendRefs"].([]any) {
				ref := ref.(map[string]any)
				routed = routed || (ref["name"] == "orders" && resolve(ref["namespace"]) == "orders" && ref["port"] == float64(8080))
			}
		}
		if !strings.Contains(string(b), `"value":"/"`) {
			t.Errorf("ingress route %s matches %s, want every path", route.name, b)
		}
	}
	granted := false
	for _, g := range ofKind(objs, "ReferenceGrant") {
		granted = granted || (g.namespace == "orders" && strings.Contains(fmt.Sprint(g.spec()["from"]), "kind:HTTPRoute namespace:istio-ingress"))
	}
	if !routed || !granted {
		t.Errorf("the ingress gateway routes to orders:8080: %v, with a ReferenceGrant in orders: %v", routed, granted)
	}
}

// Every namespaced object of the workloads stacks waits for its
// namespace when the same stack creates it: it refers to the namespace,
// or to something that does (its Service, its Deployment), or depends on
// it; else a first apply may create it in a namespace that does not exist
// yet and fail.
func TestObjectsWaitForTheirNamespace(t *testing.T) {
	for _, istio := range []bool{false, true} {
		stack := variantName(istio) + hybridmicroservices.WorkloadsSuffix
		r := synthAll(t, istio)[stack].Resource
		// refs: each resource's references to the stack's resources.
		refs := map[string][]string{}
		for typ, byID := range r {
			for id, res := range byID {
				b, err := json.Marshal(res)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range reference.FindAllStringSubmatch(string(b), -1) {
					refs[typ+"."+id] = append(refs[typ+"."+id], m[1])
				}
			}
		}
		waits := func(from, ns string) bool {
			seen := map[string]bool{}
			var visit func(string) bool
			visit = func(a string) bool {
				if a == ns {
					return true
				}
				if seen[a] {
					return false
				}
				seen[a] = true
				return slices.ContainsFunc(refs[a], visit)
			}
			return visit(from)
		}
		// created: the stack's namespaces' addresses, by name and by
		// reference.
		created := map[string]string{}
		for id, ns := range r["kubernetes_namespace_v1"] {
			created[fmt.Sprint(one(ns["metadata"])["name"])] = "kubernetes_namespace_v1." + id
			created["${kubernetes_namespace_v1."+id+".metadata[0].name}"] = "kubernetes_namespace_v1." + id
		}
		checked := 0
		for typ, byID := range r {
			if !strings.HasPrefix(typ, "kubernetes_") || typ == "kubernetes_namespace_v1" {
				continue
			}
			for id, res := range byID {
				meta := one(res["metadata"])
				if typ == "kubernetes_manifest" {
					meta, _ = res["manifest"].(map[string]any)["metadata"].(map[string]any)
				}
				ns := fmt.Sprint(meta["namespace"])
				address, ok := created[ns]
				if !ok {
					continue
				}
				checked++
				if !waits(typ+"."+id, address) {
					t.Errorf("%s: %s.%s names namespace %q literally and nothing it refers to waits for %s", stack, typ, id, ns, address)
				}
			}
		}
		if checked < 10 {
			t.Errorf("%s: only %d objects in the stack's namespaces; the check proves little", stack, checked)
		}
	}
}

// reference is a Terraform reference to a resource, or a depends_on
// entry.
var reference = regexp.MustCompile(`(?:\$\{|")((?:kubernetes|aws|helm)_[a-z0-9_]+\.[A-Za-z0-9_-]+)[."}\[]`)
