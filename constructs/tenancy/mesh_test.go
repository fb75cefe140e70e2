package tenancy_test

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/tenancy"
	"github.com/hybridstack/hybridstack/constructs/validate"

	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// tradingTenants builds the trading platform's tenants on an ambient
// platform that also has Lattice, in the order the trading stack adds
// them: market-data shares prices with order-routing and risk, risk
// shares risk-checks with order-routing (callers come after the service's
// tenant), and order-routing runs as its own service account "router".
func tradingTenants(t *testing.T) (tftest.Doc, *tenancy.Platform) {
	t.Helper()
	e := newEnv(t)
	p := e.platform(t, func(pp *tenancy.PlatformProps) {
		pp.AmbientMesh = &tenancy.AmbientMesh{ScraperCIDRs: []string{"10.0.0.0/16"}}
	})
	md := tenant("market-data", 10001)
	md.EdgePodLabels = map[string]string{"app": "prices"}
	md.Services = []tenancy.TenantService{{Name: "prices", Port: 8080, PodLabels: map[string]string{"app": "prices"}, Callers: []string{"order-routing", "risk"}}}
	risk := tenant("risk", 10002)
	risk.EdgePodLabels = map[string]string{"app": "risk-checks"}
	risk.Services = []tenancy.TenantService{{Name: "risk-checks", Port: 8080, PodLabels: map[string]string{"app": "risk-checks"}, Callers: []string{"order-routing"}}}
	orders := tenant("order-routing", 10003)
	orders.EdgePodLabels = map[string]string{"app": "router"}
	orders.ServiceAccount = "router"
	for _, props := range []tenancy.TenantProps{md, risk, orders} {
		if _, err := p.AddTenant(props); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Check(); err != nil {
		t.Fatal(err)
	}
	return tftest.Synth(t, e.tenants), p
}

// kindsOf returns the tenant's kubernetes_manifest bodies of kind, by
// name, and their Terraform addresses.
func kindsOf(doc tftest.Doc, tenant, kind string) (map[string]map[string]any, map[string]string) {
	bodies, addrs := map[string]map[string]any{}, map[string]string{}
	for name, m := range doc.Resources("kubernetes_manifest") {
		body := m["manifest"].(map[string]any)
		if strings.HasPrefix(name, "tenancy_"+tenant+"_") && body["kind"] == kind {
			n := body["metadata"].(map[string]any)["name"].(string)
			bodies[n] = body
			addrs[n] = "kubernetes_manifest." + name
		}
	}
	return bodies, addrs
}

// principalsOf returns the principals of a one-rule ALLOW policy.
func principalsOf(t *testing.T, policy map[string]any) []string {
	t.Helper()
	spec := policy["spec"].(map[string]any)
	rules := spec["rules"].([]any)
	if spec["action"] != "ALLOW" || len(rules) != 1 {
		t.Fatalf("policy %v is not one ALLOW rule", policy["metadata"])
	}
	from := rules[0].(map[string]any)["from"].([]any)
	if len(from) != 1 {
		t.Fatalf("policy %v has %d sources", policy["metadata"], len(from))
	}
	return tftest.Strings(from[0].(map[string]any)["source"].(map[string]any)["principals"])
}

// netpols returns the tenant's NetworkPolicy specs by name, and their
// addresses.
func netpols(doc tftest.Doc, tenant string) (map[string]map[string]any, map[string]string) {
	specs, addrs := map[string]map[string]any{}, map[string]string{}
	for name, r := range doc.Resources("kubernetes_network_policy_v1") {
		if strings.HasPrefix(name, "tenancy_"+tenant+"_") {
			n := tftest.Block(r, "metadata")["name"].(string)
			specs[n] = tftest.Block(r, "spec")
			addrs[n] = "kubernetes_network_policy_v1." + name
		}
	}
	return specs, addrs
}

// TestAmbientMesh checks the trading platform on Istio ambient: every
// tenant namespace in the mesh with a waypoint, STRICT mTLS and Pod
// Security restricted; the identity fence (the namespace's own identities
// on every pod and at the waypoint, and at each shared Service exactly
// one principal per admitted caller: no other principal, no namespaces
// field, no wildcard for another tenant); NetworkPolicies for HBONE
// (15008) between exactly the callers and the callees' waypoints, for the
// probes of ambient pods and for the waypoint's own paths; and the
// Argo CD project and Application around it all.
func TestAmbientMesh(t *testing.T) {
	doc, p := tradingTenants(t)
	if got := p.Tenant("order-routing").Principal(); got != "cluster.local/ns/order-routing/sa/router" {
		t.Errorf("order-routing principal = %q", got)
	}
	callers := map[string]map[string][]string{
		"market-data":   {"prices": {"cluster.local/ns/order-routing/sa/router", "cluster.local/ns/risk/sa/workload"}},
		"risk":          {"risk-checks": {"cluster.local/ns/order-routing/sa/router"}},
		"order-routing": {},
	}
	edgeApps := map[string]string{"market-data": "prices", "risk": "risk-checks", "order-routing": "router"}
	// Who each tenant calls, as allow-call.<callee>.<service>.
	calls := map[string][]string{
		"market-data":   nil,
		"risk":          {"allow-call.market-data.prices"},
		"order-routing": {"allow-call.market-data.prices", "allow-call.risk.risk-checks"},
	}
	for tenant, services := range callers {
		nsRes := ofTenant(doc, "kubernetes_namespace_v1", tenant)[0]
		labels := tftest.Block(tftest.Block(nsRes, "metadata"), "labels")
		for k, v := range map[string]string{
			"istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "waypoint", "istio.io/ingress-use-waypoint": "true",
			"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/warn": "restricted",
		} {
			if labels[k] != v {
				t.Errorf("%s namespace label %s = %v, want %s", tenant, k, labels[k], v)
			}
		}
		inNamespace := func(what string, meta map[string]any) {
			if !strings.Contains(fmt.Sprint(meta["namespace"]), "kubernetes_namespace_v1.tenancy_"+tenant+"_namespace") {
				t.Errorf("%s %s is not in the tenant's namespace: %v", tenant, what, meta["namespace"])
			}
		}

		pas, paAddrs := kindsOf(doc, tenant, "PeerAuthentication")
		strict := pas["default"]
		if strict == nil || fmt.Sprint(strict["spec"]) != "map[mtls:map[mode:STRICT]]" {
			t.Errorf("%s has no namespace-wide PeerAuthentication STRICT: %v", tenant, pas)
		} else {
			inNamespace("PeerAuthentication", strict["metadata"].(map[string]any))
		}
		edgePods := fmt.Sprintf("map[matchLabels:map[app:%s]]", edgeApps[tenant])
		edge := pas["edge"]
		if edge == nil || fmt.Sprint(edge["spec"].(map[string]any)["portLevelMtls"]) != "map[8080:map[mode:PERMISSIVE]]" ||
			fmt.Sprint(edge["spec"].(map[string]any)["selector"]) != edgePods || len(pas) != 2 {
			t.Errorf("%s edge exemption = %v; want PERMISSIVE on 8080 only, for the edge pods", tenant, edge)
		}
		gateways, gwAddrs := kindsOf(doc, tenant, "Gateway")
		if gw := gateways["waypoint"]; gw == nil || gw["spec"].(map[string]any)["gatewayClassName"] != "istio-waypoint" || len(gateways) != 1 {
			t.Errorf("%s waypoints = %v", tenant, gateways)
		} else {
			inNamespace("waypoint", gw["metadata"].(map[string]any))
		}

		policies, apAddrs := kindsOf(doc, tenant, "AuthorizationPolicy")
		own := "cluster.local/ns/" + tenant + "/sa/*"
		for name, policy := range policies {
			inNamespace("AuthorizationPolicy "+name, policy["metadata"].(map[string]any))
			text := fmt.Sprint(policy["spec"])
			for _, field := range []string{"namespaces", "notPrincipals", "notNamespaces", "DENY"} {
				if strings.Contains(text, field) {
					t.Errorf("%s/%s uses %s: %s", tenant, name, field, text)
				}
			}
			if name == "edge" {
				continue
			}
			for _, pr := range principalsOf(t, policy) {
				if strings.Contains(pr, "*") && pr != own {
					t.Errorf("%s/%s admits the wildcard %s", tenant, name, pr)
				}
			}
		}
		tenantPolicy := policies["tenant"]
		if tenantPolicy == nil {
			t.Fatalf("%s has no namespace-wide policy: %v", tenant, policies)
		}
		if spec := tenantPolicy["spec"].(map[string]any); spec["selector"] != nil || spec["targetRefs"] != nil || fmt.Sprint(principalsOf(t, tenantPolicy)) != "["+own+"]" {
			t.Errorf("%s namespace-wide policy = %v; want no selector or target and the namespace's own identities only", tenant, spec)
		}
		gate := policies["waypoint"]
		if gate == nil || fmt.Sprint(gate["spec"].(map[string]any)["targetRefs"]) != "[map[group:gateway.networking.k8s.io kind:Gateway name:waypoint]]" ||
			fmt.Sprint(principalsOf(t, gate)) != "["+own+"]" {
			t.Errorf("%s waypoint-wide policy = %v; want the namespace's own identities only, attached to the waypoint", tenant, gate)
		}
		edgePolicy := policies["edge"]
		if edgePolicy == nil || fmt.Sprint(edgePolicy["spec"].(map[string]any)["selector"]) != edgePods || !strings.Contains(fmt.Sprint(edgePolicy["spec"]), "ipBlocks:[10.0.240.0/24 10.0.241.0/24]") || !strings.Contains(fmt.Sprint(edgePolicy["spec"]), "ipBlocks:["+tenancy.LatticeCIDR+"]") {
			t.Errorf("%s edge policy = %v", tenant, edgePolicy)
		}
		for service, want := range services {
			policy := policies["callers-"+service]
			if policy == nil {
				t.Fatalf("%s has no policy for %s: %v", tenant, service, policies)
			}
			if refs := fmt.Sprint(policy["spec"].(map[string]any)["targetRefs"]); refs != "[map[group: kind:Service name:"+service+"]]" {
				t.Errorf("%s callers-%s targets %s; want the Service", tenant, service, refs)
			}
			if got := principalsOf(t, policy); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s callers-%s principals = %v, want exactly %v", tenant, service, got, want)
			}
		}
		if want := 3 + len(services); len(policies) != want {
			t.Errorf("%s has %d AuthorizationPolicies, want %d: %v", tenant, len(policies), want, policies)
		}

		specs, npAddrs := netpols(doc, tenant)
		probes := specs["allow-ambient-probes"]
		if probes == nil || fmt.Sprint(probes["ingress"]) != "[map[from:[map[ip_block:map[cidr:169.254.7.127/32]]]]]" {
			t.Errorf("%s probes policy = %v", tenant, probes)
		}
		wp := specs["allow-waypoint"]
		if wp == nil || !strings.Contains(fmt.Sprint(wp["egress"]), "port:15012") || !strings.Contains(fmt.Sprint(wp["egress"]), "istio-system") ||
			!strings.Contains(fmt.Sprint(wp["ingress"]), "cidr:10.0.0.0/16") || !strings.Contains(fmt.Sprint(wp["ingress"]), "port:15020") ||
			fmt.Sprint(wp["pod_selector"]) != "map[match_labels:map[gateway.networking.k8s.io/gateway-name:waypoint]]" {
			t.Errorf("%s waypoint policy = %v", tenant, wp)
		}
		for service, want := range services {
			in := specs["allow-callers-"+service]
			if in == nil {
				t.Fatalf("%s has no ingress for the callers of %s", tenant, service)
			}
			var from []string
			for _, peer := range in["ingress"].([]any)[0].(map[string]any)["from"].([]any) {
				ns := tftest.Block(tftest.Block(peer.(map[string]any), "namespace_selector"), "match_labels")
				from = append(from, fmt.Sprint(ns["kubernetes.io/metadata.name"]))
			}
			sort.Strings(from)
			var wantFrom []string
			for _, pr := range want {
				wantFrom = append(wantFrom, strings.Split(pr, "/")[2])
			}
			if fmt.Sprint(from) != fmt.Sprint(wantFrom) || !strings.Contains(fmt.Sprint(in["ingress"]), "port:15008") || strings.Contains(fmt.Sprint(in["ingress"]), "8080") ||
				fmt.Sprint(in["pod_selector"]) != "map[match_labels:map[gateway.networking.k8s.io/gateway-name:waypoint]]" {
				t.Errorf("%s ingress for %s = %v; want %v to its waypoint on 15008", tenant, service, in, wantFrom)
			}
		}
		var got []string
		for name, spec := range specs {
			if strings.HasPrefix(name, "allow-call.") {
				got = append(got, name)
				parts := strings.Split(name, ".")
				to := fmt.Sprint(spec["egress"])
				if !strings.Contains(to, "kubernetes.io/metadata.name:"+parts[1]+"]") || !strings.Contains(to, "gateway.networking.k8s.io/gateway-name:waypoint") || !strings.Contains(to, "port:15008") {
					t.Errorf("%s %s = %s; want %s's waypoint on 15008", tenant, name, to, parts[1])
				}
			}
		}
		sort.Strings(got)
		if fmt.Sprint(got) != fmt.Sprint(calls[tenant]) {
			t.Errorf("%s calls %v, want %v", tenant, got, calls[tenant])
		}

		// The AppProject refuses Istio objects of the tenant's own and
		// does not report the platform's as orphaned; the Application
		// waits for every one of them.
		project := manifestOf(t, doc, tenant, "AppProject")["spec"].(map[string]any)
		for _, kind := range []string{"map[group:security.istio.io kind:*]", "map[group:networking.istio.io kind:*]"} {
			if !strings.Contains(fmt.Sprint(project["namespaceResourceBlacklist"]), kind) {
				t.Errorf("%s AppProject does not refuse %s", tenant, kind)
			}
		}
		ignored := fmt.Sprint(project["orphanedResources"])
		// istiod's root certificate, written into every meshed namespace.
		if !strings.Contains(ignored, "map[group: kind:ConfigMap name:istio-ca-root-cert]") {
			t.Errorf("%s AppProject reports istio-ca-root-cert as orphaned: %v", tenant, ignored)
		}
		_, app := application(t, doc, tenant)
		dependsOn := map[string]bool{}
		for _, d := range tftest.Strings(app["depends_on"]) {
			dependsOn[d] = true
		}
		for _, set := range []struct {
			group, kind string
			addrs       map[string]string
		}{{"security.istio.io", "PeerAuthentication", paAddrs}, {"gateway.networking.k8s.io", "Gateway", gwAddrs},
			{"security.istio.io", "AuthorizationPolicy", apAddrs}, {"networking.k8s.io", "NetworkPolicy", npAddrs}} {
			for name, addr := range set.addrs {
				if !strings.Contains(ignored, fmt.Sprintf("map[group:%s kind:%s name:%s]", set.group, set.kind, name)) {
					t.Errorf("%s: Argo CD would report the platform's %s %s as orphaned", tenant, set.kind, name)
				}
				if !dependsOn[addr] {
					t.Errorf("%s Application does not wait for %s", tenant, addr)
				}
			}
		}
	}
}

// TestSharingWithoutMesh checks sharing on a platform without
// AmbientMesh: NetworkPolicy only, from the callers' namespaces to the
// service's pods on its port, with a caller added before the service's
// tenant (its egress policy is made later and still joins its project's
// orphan list and its Application's depends_on) and one added after;
// Check names a caller that is not a tenant yet, with the field and the
// tenants there are; and synthesis fails while one never is.
func TestSharingWithoutMesh(t *testing.T) {
	e := newEnv(t)
	p := e.platform(t, nil)
	if _, err := p.AddTenant(tenant("beta", 10002)); err != nil {
		t.Fatal(err)
	}
	a := tenant("alpha", 10001)
	a.Services = []tenancy.TenantService{{Name: "ledger", Port: 9090, PodLabels: map[string]string{"app": "ledger"}, Callers: []string{"beta", "gamma"}}}
	if _, err := p.AddTenant(a); err != nil {
		t.Fatal(err)
	}
	err := p.Check()
	want := `tenancy "tenants/tenancy/alpha": Services[0].Callers[1] "gamma" is not a tenant of the platform (tenants: beta, alpha)`
	if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, validate.ErrInvalid) || strings.Contains(err.Error(), `"beta" is not`) {
		t.Fatalf("Check() = %v, want %q", err, want)
	}
	if _, err := p.AddTenant(tenant("gamma", 10003)); err != nil {
		t.Fatal(err)
	}
	if err := p.Check(); err != nil {
		t.Fatalf("Check() with every caller a tenant = %v", err)
	}
	doc := tftest.Synth(t, e.tenants)
	if m := doc.Resources("kubernetes_manifest"); len(m) != 2+3*2 {
		t.Errorf("%d manifests; want the admission policy and binding and each tenant's project and Application, no Istio object", len(m))
	}
	in, _ := netpols(doc, "alpha")
	got := in["allow-callers-ledger"]
	if fmt.Sprint(got["pod_selector"]) != "map[match_labels:map[app:ledger]]" ||
		fmt.Sprint(got["ingress"]) != "[map[from:[map[namespace_selector:map[match_labels:map[kubernetes.io/metadata.name:beta]]] map[namespace_selector:map[match_labels:map[kubernetes.io/metadata.name:gamma]]]] ports:[map[port:9090 protocol:TCP]]]]" {
		t.Errorf("alpha ingress for ledger = %v", got)
	}
	for _, caller := range []string{"beta", "gamma"} {
		specs, addrs := netpols(doc, caller)
		out := specs["allow-call.alpha.ledger"]
		if fmt.Sprint(out["egress"]) != "[map[ports:[map[port:9090 protocol:TCP]] to:[map[namespace_selector:map[match_labels:map[kubernetes.io/metadata.name:alpha]] pod_selector:map[match_labels:map[app:ledger]]]]]]" ||
			len(tftest.Block(out, "pod_selector")) != 0 {
			t.Errorf("%s egress to ledger = %v", caller, out)
		}
		if strings.Contains(fmt.Sprint(specs), "15008") {
			t.Errorf("%s has mesh ports without a mesh: %v", caller, specs)
		}
		project := manifestOf(t, doc, caller, "AppProject")["spec"].(map[string]any)
		if !strings.Contains(fmt.Sprint(project["orphanedResources"]), "map[group:networking.k8s.io kind:NetworkPolicy name:allow-call.alpha.ledger]") {
			t.Errorf("%s project reports its egress to ledger as orphaned: %v", caller, project["orphanedResources"])
		}
		if strings.Contains(fmt.Sprint(project["namespaceResourceBlacklist"]), "istio") {
			t.Errorf("%s project names Istio kinds without a mesh", caller)
		}
		_, app := application(t, doc, caller)
		if !strings.Contains(fmt.Sprint(app["depends_on"]), addrs["allow-call.alpha.ledger"]) {
			t.Errorf("%s Application does not wait for its egress to ledger: %v", caller, app["depends_on"])
		}
	}
	if specs, _ := netpols(doc, "alpha"); specs["allow-call.alpha.ledger"] != nil {
		t.Error("alpha calls its own service")
	}

	// A caller that never becomes a tenant fails the synthesis.
	d := tenant("delta", 10004)
	d.Services = []tenancy.TenantService{{Name: "audit", Port: 8080, PodLabels: map[string]string{"app": "audit"}, Callers: []string{"ghost"}}}
	if _, err := p.AddTenant(d); err != nil {
		t.Fatal(err)
	}
	msg := func() (msg string) {
		defer func() { msg = fmt.Sprint(recover()) }()
		cdktf.Testing_Synth(e.tenants, ptr.Bool(true))
		return ""
	}()
	if !strings.Contains(msg, `Services[0].Callers[0] "ghost" is not a tenant of the platform (tenants: beta, alpha, gamma, delta)`) {
		t.Errorf("synthesis with an unknown caller: %q", msg)
	}
}

// TestMeshValidation checks the errors for bad AmbientMesh settings, bad
// tenant Services and what the mesh needs of a tenant.
func TestMeshValidation(t *testing.T) {
	e := newEnv(t)
	if _, err := tenancy.NewPlatform(e.tenants, "bad", tenancy.PlatformProps{
		Cluster: e.cluster, AmbientMesh: &tenancy.AmbientMesh{TrustDomain: "Cluster_Local", ScraperCIDRs: []string{"10.0.0.1/16"}},
	}); err == nil || !strings.Contains(err.Error(), `AmbientMesh.TrustDomain "Cluster_Local" is not a trust domain`) ||
		!strings.Contains(err.Error(), `AmbientMesh.ScraperCIDRs[0] "10.0.0.1/16" has host bits set`) {
		t.Errorf("NewPlatform error = %v", err)
	}
	ambient := e.platform(t, func(pp *tenancy.PlatformProps) { pp.AmbientMesh = &tenancy.AmbientMesh{} })
	plain, err := tenancy.NewPlatform(e.tenants, "plain", tenancy.PlatformProps{Cluster: e.cluster})
	if err != nil {
		t.Fatal(err)
	}
	svc := tenancy.TenantService{Name: "prices", Port: 8080, PodLabels: map[string]string{"app": "prices"}, Callers: []string{"risk"}}
	tests := []struct {
		name     string
		platform *tenancy.Platform
		mod      func(*tenancy.TenantProps)
		want     []string
	}{
		{"services", ambient, func(tp *tenancy.TenantProps) {
			tp.EdgePodLabels = map[string]string{"app": "web"}
			bad := svc
			bad.Name, bad.Port, bad.PodLabels, bad.Callers = "9prices", 0, nil, []string{"gamma", "risk", "risk", "Risk"}
			tp.Services = []tenancy.TenantService{svc, svc, bad, {Name: "empty", Port: 80, PodLabels: map[string]string{"app": "x"}}}
		}, []string{
			`tenancy "tenants/tenancy/gamma": Services[1].Name "prices" is listed twice`,
			`Services[2].Name "9prices" is not a Service name (a DNS-1035 label`,
			`Services[2].Port 0 is not a TCP port`,
			`Services[2].PodLabels is empty`,
			`Services[2].Callers[0] "gamma" is the tenant itself`,
			`Services[2].Callers[2] "risk" is listed twice`,
			`Services[2].Callers[3] "Risk" is not a tenant name`,
			`Services[3].Callers is empty; name the tenants that may call "empty"`,
		}},
		{"edge pods missing", ambient, func(tp *tenancy.TenantProps) {}, []string{
			`EdgePodLabels is empty but IngressPorts [8080] and MeshPorts [8080] are set; with AmbientMesh the load balancers' and Lattice's plaintext is refused`,
		}},
		{"mesh labels and waypoint limits", ambient, func(tp *tenancy.TenantProps) {
			tp.EdgePodLabels = map[string]string{"app": "web"}
			tp.Labels = map[string]string{"istio.io/dataplane-mode": "none"}
			tp.Limits.MaxCPU, tp.Limits.DefaultCPU, tp.Limits.MaxMemory, tp.Limits.DefaultMemory = "500m", "250m", "512Mi", "256Mi"
		}, []string{
			`Labels key "istio.io/dataplane-mode" is set by the platform's AmbientMesh`,
			`Limits.MaxCPU 500m is below the limit 1 of the tenant's waypoint container`,
			`Limits.MaxMemory 512Mi is below the limit 1Gi of the tenant's waypoint container`,
		}},
		{"edge pods without mesh", plain, func(tp *tenancy.TenantProps) {
			tp.IngressPorts, tp.MeshPorts, tp.EdgePodLabels = nil, nil, map[string]string{"app": "web"}
		}, []string{`EdgePodLabels are set but the platform has no AmbientMesh`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			props := tenant("gamma", 10003)
			props.Topics, props.TeamRoleARN = nil, ""
			tt.mod(&props)
			_, err := tt.platform.AddTenant(props)
			if err == nil || !errors.Is(err, validate.ErrInvalid) {
				t.Fatalf("AddTenant error = %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error:\n%v\nwant it to contain %q", err, w)
				}
			}
			if n := strings.Count(err.Error(), "\n") + 1; n != len(tt.want) {
				t.Errorf("%d problems reported, want %d:\n%v", n, len(tt.want), err)
			}
		})
	}
}
