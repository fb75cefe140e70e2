package mesh_test

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	kubeprovider "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/mesh"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// istioEnv is an in-cluster stack (a kubernetes provider) with an Istio
// ambient network "shop" that the given namespaces joined.
func istioEnv(t *testing.T, namespaces ...string) (cdktf.TerraformStack, *mesh.Network, map[string]*kube.Namespace) {
	t.Helper()
	stack := tftest.NewStack(t)
	kubeprovider.NewKubernetesProvider(stack, ptr.String("kubernetes"), &kubeprovider.KubernetesProviderConfig{})
	n, err := mesh.NewNetwork(stack, "mesh", mesh.NetworkProps{Name: "shop", Engine: mesh.IstioAmbient})
	if err != nil {
		t.Fatal(err)
	}
	joined := map[string]*kube.Namespace{}
	for _, name := range namespaces {
		ns, err := kube.NewNamespace(stack, "ns-"+name, kube.NamespaceProps{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		if err := n.Join(ns); err != nil {
			t.Fatal(err)
		}
		joined[name] = ns
	}
	return stack, n, joined
}

// istioCanary is the payments canary on Istio: testers pinned to v2 by a
// header, beta users by a header prefix, everyone else 90/10.
func istioCanary(n *mesh.Network) mesh.VirtualServiceProps {
	p := canary(n)
	p.Selector = map[string]string{"app.kubernetes.io/part-of": "payments"}
	p.Routes = append([]mesh.Route{{Name: "beta", PathPrefix: "/api", Headers: []mesh.HeaderMatch{{Name: "x-release", Prefix: "v1.2"}}, Targets: []mesh.Target{{Version: "v2", Weight: 100}}}}, p.Routes...)
	return p
}

// manifests returns the manifest of every kubernetes_manifest of kind, by
// metadata.name (PeerAuthentications, all "default", by Terraform name).
func manifests(doc tftest.Doc, kind string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for tfName, r := range doc.Resources("kubernetes_manifest") {
		m, _ := r["manifest"].(map[string]any)
		if m["kind"] != kind {
			continue
		}
		name, _ := tftest.Block(m, "metadata")["name"].(string)
		if kind == "PeerAuthentication" {
			name = tfName
		}
		out[name] = r
	}
	return out
}

// path walks nested JSON objects and lists (int indexes).
func path(v any, keys ...any) any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
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

// principals returns the principals an AuthorizationPolicy manifest
// allows, and whether it has rules at all.
func principals(policy map[string]any) ([]string, bool) {
	rules, ok := path(policy, "manifest", "spec", "rules").([]any)
	if !ok {
		return nil, false
	}
	var out []string
	for i := range rules {
		out = append(out, tftest.Strings(path(rules, i, "from", 0, "source", "principals"))...)
	}
	return out, true
}

// recordingGrantee records the policies granted to it.
type recordingGrantee struct {
	constructs.Construct
	added []string
}

func (g *recordingGrantee) RoleARN() string { return "arn:aws:iam::123456789012:role/caller" }

func (g *recordingGrantee) AddToRolePolicy(name string, _ ...iamdoc.Statement) error {
	g.added = append(g.added, name)
	return nil
}

func TestIstioAmbientMesh(t *testing.T) {
	stack, n, ns := istioEnv(t, "payments", "orders")
	// Joining again changes nothing.
	if err := n.Join(ns["payments"]); err != nil {
		t.Fatal(err)
	}
	p := istioCanary(n)
	p.Routes[1].TimeoutMS = 3000
	p.Routes[2].ManagedWeights = true
	p.OutlierDetection = &mesh.OutlierDetection{MaxServerErrors: 5, IntervalSeconds: 10, BaseEjectionSeconds: 30, MaxEjectionPercent: 50}
	p.AllowedServiceAccounts = []mesh.ServiceAccountRef{
		{Namespace: "istio-ingress", Name: "istio-ingressgateway"},
		{Namespace: "orders", Name: "orders"}, // also a caller through Backends
	}
	payments, err := mesh.NewVirtualService(stack, "payments", p)
	if err != nil {
		t.Fatal(err)
	}
	// Three callers in the mesh, created after the backend: orders (also
	// allowed by name), checkout, and returns, which runs as the service
	// account of orders.
	var orders *mesh.VirtualService
	for _, c := range []struct{ name, sa string }{{"orders", ""}, {"checkout", ""}, {"returns", "orders"}} {
		vs, err := mesh.NewVirtualService(stack, c.name, mesh.VirtualServiceProps{
			Network: n, Namespace: "orders", ServiceAccount: c.sa, Selector: map[string]string{"app": c.name},
			Versions: []mesh.Version{{Name: "v1", Service: c.name + "-v1"}}, Backends: []*mesh.VirtualService{payments},
		})
		if err != nil {
			t.Fatal(err)
		}
		if orders == nil {
			orders = vs
		}
	}
	if payments.DNSName() != "payments.payments.svc.cluster.local" || payments.ARN() != "" || payments.FrontendService() != "payments" ||
		payments.HTTPRouteName("canary") != "payments-canary" || payments.HTTPRouteName("nope") != "" ||
		orders.Principal() != "cluster.local/ns/orders/sa/orders" {
		t.Errorf("accessors: DNS %q, ARN %q, frontend %q, route %q, principal %q", payments.DNSName(), payments.ARN(), payments.FrontendService(), payments.HTTPRouteName("canary"), orders.Principal())
	}
	if title := payments.Signals().Title; title != "Istio ambient service payments" {
		t.Errorf("Signals().Title = %q", title)
	}
	// Istio authorizes no calls through IAM: nothing to grant.
	g := &recordingGrantee{}
	if err := payments.GrantInvoke(g); err != nil || len(g.added) != 0 {
		t.Errorf("GrantInvoke on Istio: %v, added %v", err, g.added)
	}
	if !n.Joined("orders") || n.Joined("billing") || n.TrustDomain() != "cluster.local" || n.ServiceNetworkID() != "" || n.MeshName() != "" {
		t.Errorf("network: joined orders %v, billing %v, trust domain %q", n.Joined("orders"), n.Joined("billing"), n.TrustDomain())
	}
	doc := tftest.Synth(t, stack)

	// mTLS only: STRICT mesh-wide and in every joined namespace, once each.
	peers := manifests(doc, "PeerAuthentication")
	nsRef := func(name string) string {
		return "${" + doc.Address(t, "kubernetes_namespace_v1", "ns-"+name) + ".metadata[0].name}"
	}
	var peerNamespaces []string
	for _, pa := range peers {
		if path(pa, "manifest", "spec", "mtls", "mode") != "STRICT" {
			t.Errorf("peer authentication = %v", pa)
		}
		peerNamespaces = append(peerNamespaces, path(pa, "manifest", "metadata", "namespace").(string))
	}
	sort.Strings(peerNamespaces)
	want := []string{nsRef("orders"), nsRef("payments"), "istio-system"}
	sort.Strings(want)
	if fmt.Sprint(peerNamespaces) != fmt.Sprint(want) {
		t.Errorf("STRICT peer authentication in %v, want %v", peerNamespaces, want)
	}
	if gw := manifests(doc, "Gateway"); len(gw) != 1 || path(gw["waypoint"], "manifest", "spec", "gatewayClassName") != "istio-waypoint" {
		t.Errorf("waypoints = %v", gw)
	}
	kinds := map[string]int{}
	for _, r := range doc.Resources("kubernetes_manifest") {
		kinds[path(r, "manifest", "kind").(string)]++
	}
	if kinds["Gateway"] != 2 {
		t.Errorf("%d waypoints, want one per joined namespace", kinds["Gateway"])
	}
	// Each waypoint allows nothing by itself: only the virtual services'
	// policies let callers through.
	nothing := 0
	for tfName, r := range doc.Resources("kubernetes_manifest") {
		if strings.HasPrefix(tfName, "mesh_waypoint-allow-nothing-") {
			nothing++
			spec := path(r, "manifest", "spec").(map[string]any)
			if spec["action"] != "ALLOW" || spec["rules"] != nil || fmt.Sprint(spec["targetRefs"]) != "[map[group:gateway.networking.k8s.io kind:Gateway name:waypoint]]" {
				t.Errorf("%s = %v, want an ALLOW with no rules on the waypoint", tfName, spec)
			}
		}
	}
	if nothing != 2 {
		t.Errorf("%d allow-nothing waypoint policies, want one per joined namespace", nothing)
	}
	labels := path(doc.One(t, "kubernetes_namespace_v1", "ns-payments"), "metadata", "labels").(map[string]any)
	for k, v := range map[string]string{"istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "waypoint", "istio.io/ingress-use-waypoint": "true", "pod-security.kubernetes.io/enforce": "restricted"} {
		if labels[k] != v {
			t.Errorf("namespace label %s = %v, want %q", k, labels[k], v)
		}
	}

	// One principal per caller: Backends and AllowedServiceAccounts, the
	// duplicate collapsed; the policy covers the versions' Services too.
	policies := manifests(doc, "AuthorizationPolicy")
	got, _ := principals(policies["payments"])
	if fmt.Sprint(got) != "[cluster.local/ns/istio-ingress/sa/istio-ingressgateway cluster.local/ns/orders/sa/checkout cluster.local/ns/orders/sa/orders]" {
		t.Errorf("payments principals = %v", got)
	}
	var targets []string
	for i := 0; i < 3; i++ {
		targets = append(targets, fmt.Sprint(path(policies["payments"], "manifest", "spec", "targetRefs", i, "name")))
	}
	if fmt.Sprint(targets) != "[payments payments-v1 payments-v2]" || path(policies["payments"], "manifest", "spec", "targetRefs", 0, "kind") != "Service" {
		t.Errorf("payments policy targets = %v", path(policies["payments"], "manifest", "spec", "targetRefs"))
	}
	// No callers: an ALLOW policy without rules, which denies every call.
	if got, hasRules := principals(policies["orders"]); hasRules || path(policies["orders"], "manifest", "spec", "action") != "ALLOW" {
		t.Errorf("orders (no callers) policy allows %v", got)
	}
	// Only the waypoint reaches the pods.
	fw := policies["payments-from-waypoint"]
	if got, _ := principals(fw); fmt.Sprint(got) != "[cluster.local/ns/payments/sa/waypoint]" ||
		path(fw, "manifest", "spec", "selector", "matchLabels", "app.kubernetes.io/part-of") != "payments" || path(fw, "manifest", "spec", "targetRefs") != nil {
		t.Errorf("from-waypoint policy = %v", fw)
	}

	// One HTTPRoute per intent route, attached to the frontend Service.
	routes := manifests(doc, "HTTPRoute")
	if len(routes) != 6 {
		t.Errorf("HTTPRoutes = %v", ptr.SortedKeys(routes))
	}
	for name, r := range routes {
		var sum float64
		for _, ref := range path(r, "manifest", "spec", "rules", 0, "backendRefs").([]any) {
			sum += ref.(map[string]any)["weight"].(float64)
		}
		if sum != 100 {
			t.Errorf("%s weights sum to %v", name, sum)
		}
		if _, computed := r["computed_fields"]; computed != (name == "payments-canary") {
			t.Errorf("%s computed_fields = %v", name, r["computed_fields"])
		}
	}
	can := routes["payments-canary"]
	if fmt.Sprint(can["computed_fields"]) != "[metadata.annotations metadata.labels spec.rules[0].backendRefs[0].weight spec.rules[0].backendRefs[1].weight]" {
		t.Errorf("canary computed_fields = %v", can["computed_fields"])
	}
	parent := path(can, "manifest", "spec", "parentRefs", 0).(map[string]any)
	if parent["kind"] != "Service" || parent["group"] != "" || parent["name"] != "payments" || parent["port"] != float64(8080) {
		t.Errorf("parentRef = %v", parent)
	}
	if ref := path(can, "manifest", "spec", "rules", 0, "backendRefs", 1).(map[string]any); ref["name"] != "payments-v2" || ref["weight"] != float64(10) || ref["port"] != float64(8080) {
		t.Errorf("canary backend = %v", ref)
	}
	beta := path(routes["payments-beta"], "manifest", "spec", "rules", 0, "matches", 0).(map[string]any)
	if h := path(beta, "headers", 0).(map[string]any); h["type"] != "RegularExpression" || h["value"] != `^v1\.2.*` || h["name"] != "x-release" ||
		path(beta, "path", "type") != "PathPrefix" || path(beta, "path", "value") != "/api" {
		t.Errorf("beta match = %v", beta)
	}
	testers := path(routes["payments-testers"], "manifest", "spec", "rules", 0).(map[string]any)
	if path(testers, "timeouts", "request") != "3000ms" || path(testers, "matches", 0, "headers", 0, "type") != "Exact" {
		t.Errorf("testers rule = %v", testers)
	}
	if _, ok := path(can, "manifest", "spec", "rules", 0).(map[string]any)["timeouts"]; ok {
		t.Error("canary has a timeout it was not given")
	}

	frontend := doc.One(t, "kubernetes_service_v1", "payments_frontend-service")
	port := tftest.Block(tftest.Block(frontend, "spec"), "port")
	if path(frontend, "spec", "selector", "app.kubernetes.io/part-of") != "payments" || port["app_protocol"] != "http" || port["name"] != "http" || port["port"] != float64(8080) ||
		path(frontend, "metadata", "namespace") != nsRef("payments") {
		t.Errorf("frontend service = %v", frontend)
	}
	dr := manifests(doc, "DestinationRule")
	if od := path(dr["payments-v2"], "manifest", "spec", "trafficPolicy", "outlierDetection").(map[string]any); len(dr) != 2 ||
		path(dr["payments-v2"], "manifest", "spec", "host") != "payments-v2.payments.svc.cluster.local" ||
		od["consecutive5xxErrors"] != float64(5) || od["interval"] != "10s" || od["baseEjectionTime"] != "30s" || od["maxEjectionPercent"] != float64(50) {
		t.Errorf("destination rules = %v", dr)
	}
	for typ := range doc["resource"].(map[string]any) {
		if strings.HasPrefix(typ, "aws_") {
			t.Errorf("Istio ambient rendered %s", typ)
		}
	}
	if w := tftest.Warnings(stack); len(w) != 0 {
		t.Errorf("warnings = %v", w)
	}
}

func TestIstioAmbientValidation(t *testing.T) {
	stack, n, _ := istioEnv(t, "payments")
	tests := []struct {
		name string
		mod  func(*mesh.VirtualServiceProps)
		want string
	}{
		{"namespace must join", func(p *mesh.VirtualServiceProps) { p.Namespace = "billing" },
			`Namespace "billing" has not joined network "shop"; call Network.Join with its kube.Namespace first`},
		{"retries", func(p *mesh.VirtualServiceProps) { p.Routes[2].Retry = &mesh.Retry{MaxRetries: 2} },
			`Routes[2].Retry is not supported by istio-ambient: the Gateway API standard channel installed (v1.5.1) has no HTTPRoute retry field; Istio's default retry policy applies (2 retries on connect failure, refused stream, 503); remove it, or set WarnOnUnsupported`},
		{"tls", func(p *mesh.VirtualServiceProps) {
			p.TLS = &mesh.TLS{CertificateARN: "arn:aws:acm:eu-west-1:1:certificate/x"}
		},
			`TLS is not supported by istio-ambient: ztunnel encrypts every connection with mTLS`},
		{"plaintext reason", func(p *mesh.VirtualServiceProps) { p.PlaintextReason = "legacy" },
			`PlaintextReason is not supported by istio-ambient: ztunnel encrypts every connection with mTLS`},
		{"gateway", func(p *mesh.VirtualServiceProps) { p.Gateway = &mesh.Gateway{} },
			`Gateway is not supported by istio-ambient: use an Istio ingress gateway`},
		{"iam principals", func(p *mesh.VirtualServiceProps) { p.AllowedPrincipals = []string{"arn:aws:iam::123456789012:role/x"} },
			`AllowedPrincipals is not supported by istio-ambient: IAM principals authorize calls on VPC Lattice only`},
		{"iam principal tags", func(p *mesh.VirtualServiceProps) { p.AllowedPrincipalTags = map[string][]string{"team": {"a"}} },
			`AllowedPrincipalTags is not supported by istio-ambient: IAM principals authorize calls on VPC Lattice only`},
		{"alarm topic", func(p *mesh.VirtualServiceProps) { p.AlarmTopicARN = alarmTopic },
			`AlarmTopicARN is not supported by istio-ambient: the library raises CloudWatch alarms on VPC Lattice metrics only; watch the waypoint's Prometheus metrics`},
		{"latency alarm", func(p *mesh.VirtualServiceProps) { p.LatencyAlarmMS = 500 },
			`LatencyAlarmMS is not supported by istio-ambient: the library raises CloudWatch alarms on VPC Lattice metrics only`},
		{"health check", func(p *mesh.VirtualServiceProps) { p.HealthCheck = &mesh.HealthCheck{Path: "/ready"} },
			`HealthCheck is not supported by istio-ambient: the pods' readiness probes decide`},
		{"hostname version", func(p *mesh.VirtualServiceProps) {
			p.Versions[1] = mesh.Version{Name: "v2", Hostname: "pay.example.com"}
		},
			`Versions[1].Hostname "pay.example.com" is not supported by istio-ambient: HTTPRoute backends are Kubernetes Services`},
		{"cloud map version", func(p *mesh.VirtualServiceProps) {
			p.Versions[1] = mesh.Version{Name: "v2", CloudMap: &mesh.CloudMap{Namespace: "legacy.local", Service: "pay"}}
		}, `Versions[1].CloudMap is not supported by istio-ambient`},
		{"version named like the frontend", func(p *mesh.VirtualServiceProps) { p.Versions[0].Service = "payments" },
			`Versions[0].Service "payments" is the name of the frontend Service`},
		{"selector required", func(p *mesh.VirtualServiceProps) { p.Selector = nil },
			`Selector is empty; istio-ambient needs the labels the pods of every version share`},
		{"selector labels", func(p *mesh.VirtualServiceProps) { p.Selector = map[string]string{"app": "bad value!"} },
			`Selector[app] "bad value!" is not a label value`},
		{"managed weights need two targets", func(p *mesh.VirtualServiceProps) { p.Routes[1].ManagedWeights = true },
			`Routes[1].Targets has 1 targets; ManagedWeights needs exactly 2, the stable and the canary version`},
		{"identical matches", func(p *mesh.VirtualServiceProps) {
			p.Routes[2].Headers = []mesh.HeaderMatch{{Name: "X-Canary", Exact: "always"}}
		}, `Routes[2] matches the same requests as Routes[1] ("testers"): Gateway API orders HTTPRoute rules by specificity, not by list order`},
		{"service accounts", func(p *mesh.VirtualServiceProps) {
			p.AllowedServiceAccounts = []mesh.ServiceAccountRef{{Namespace: "Istio_Ingress", Name: "gw"}}
		}, `AllowedServiceAccounts[0].Namespace "Istio_Ingress" is not a namespace name`},
		{"header name", func(p *mesh.VirtualServiceProps) { p.Routes[1].Headers[0].Name = "x canary" },
			`Routes[1].Headers[0].Name "x canary" is not an HTTP header name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := istioCanary(n)
			tt.mod(&p)
			_, err := mesh.NewVirtualService(stack, "svc", p)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, validate.ErrInvalid) {
				t.Errorf("error\n%v\ndoes not contain\n%s", err, tt.want)
			}
		})
	}

	// Warned instead of refused when asked, and not rendered.
	p := istioCanary(n)
	p.Name = "lenient"
	p.Versions = []mesh.Version{{Name: "v1", Service: "lenient-v1"}, {Name: "v2", Service: "lenient-v2"}}
	p.Routes[2].Retry = &mesh.Retry{MaxRetries: 2}
	p.WarnOnUnsupported = true
	if _, err := mesh.NewVirtualService(stack, "lenient", p); err != nil {
		t.Fatal(err)
	}
	if w := tftest.Warnings(stack); len(w) != 1 || !strings.Contains(w[0], `route "canary": retries are not rendered: the Gateway API standard channel installed (v1.5.1) has no HTTPRoute retry field`) {
		t.Errorf("warnings = %v", w)
	}

	// Networks: Lattice-only settings, the trust domain, Join on another
	// engine, and a stack without a kubernetes provider.
	_, err := mesh.NewNetwork(stack, "bad", mesh.NetworkProps{Name: "bad", Engine: mesh.IstioAmbient, PodTargets: mesh.PodTargetsALB, LogRetentionDays: 30, TrustDomain: "Not A Domain"})
	for _, want := range []string{
		`mesh "test/bad": PodTargets "alb" applies to Lattice only`,
		`LogRetentionDays 30 applies to Lattice access logs only`,
		`TrustDomain "Not A Domain" is not a trust domain`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("network error = %v; want %q", err, want)
		}
	}
	custom, err := mesh.NewNetwork(stack, "custom", mesh.NetworkProps{Name: "custom", Engine: mesh.IstioAmbient, TrustDomain: "prod.example.com"})
	if err != nil || custom.TrustDomain() != "prod.example.com" {
		t.Fatalf("custom trust domain: %v", err)
	}
	root, err := kube.NewNamespace(stack, "root", kube.NamespaceProps{Name: "istio-system", PodSecurity: kube.PodSecurityPrivileged, RelaxReason: "istio-cni and ztunnel"})
	if err != nil {
		t.Fatal(err)
	}
	if err := custom.Join(root); err == nil || !strings.Contains(err.Error(), `mesh "test/custom": Join namespace "istio-system" is Istio's root namespace`) {
		t.Errorf("joining istio-system: %v", err)
	}

	e := newEnv(t, false)
	lattice, err := mesh.NewNetwork(e.stack, "lattice", mesh.NetworkProps{Name: "shop", VPC: e.vpc, TrustDomain: "cluster.local"})
	if err == nil || !strings.Contains(err.Error(), `TrustDomain "cluster.local" applies to Istio ambient only`) {
		t.Errorf("trust domain on Lattice: %v", err)
	}
	if lattice, err = mesh.NewNetwork(e.stack, "lattice", mesh.NetworkProps{Name: "shop", VPC: e.vpc}); err != nil {
		t.Fatal(err)
	}
	nsOnLattice, err := kube.NewNamespace(e.stack, "ns", kube.NamespaceProps{Name: "payments"})
	if err != nil {
		t.Fatal(err)
	}
	if err := lattice.Join(nsOnLattice); err == nil || !strings.Contains(err.Error(), `mesh "test/lattice": Join network "shop" renders to lattice, which enrols no namespaces`) {
		t.Errorf("Join on Lattice: %v", err)
	}
	lp := canary(lattice)
	lp.Routes[1].ManagedWeights = true
	lp.AllowedServiceAccounts = []mesh.ServiceAccountRef{{Namespace: "istio-ingress", Name: "gateway"}}
	_, err = mesh.NewVirtualService(e.stack, "payments", lp)
	for _, want := range []string{
		`Routes[1].ManagedWeights is not supported by lattice: a progressive-delivery controller moves weights of Gateway API HTTPRoutes, which only istio-ambient renders`,
		`AllowedServiceAccounts is not supported by lattice: only istio-ambient authorizes callers by their Kubernetes service account`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Lattice error = %v; want %q", err, want)
		}
	}
	if _, err := mesh.NewNetwork(e.stack, "istio", mesh.NetworkProps{Name: "mesh", Engine: mesh.IstioAmbient}); err == nil ||
		!strings.Contains(err.Error(), `Engine "istio-ambient" renders Kubernetes objects, but stack "test" has no kubernetes provider`) {
		t.Errorf("Istio without a kubernetes provider: %v", err)
	}
}
