package tenancy

// Tenants in Istio ambient mode (PlatformProps.AmbientMesh), and tenant
// services shared with other tenants (TenantProps.Services), with or
// without the mesh.

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	np "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/networkpolicyv1"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/deps"
	"github.com/hybridstack/hybridstack/constructs/internal/istio"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/telemetry"
)

// AmbientMesh enrols the tenants in Istio ambient mode. Each tenant
// namespace gets:
//
//   - the labels istio.io/dataplane-mode=ambient (istio-cni hands every
//     pod's traffic to ztunnel, which wraps it in mTLS with the pod's
//     service account identity), istio.io/use-waypoint=waypoint and
//     istio.io/ingress-use-waypoint=true (calls to its Services, from
//     meshed pods and from ingress gateways alike, pass its waypoint);
//   - a PeerAuthentication STRICT: no plaintext reaches its pods
//     (TenantProps.EdgePodLabels exempt the load balancers' and Lattice's
//     ports of the pods they reach);
//   - its waypoint, a Gateway of class istio-waypoint that istiod runs as
//     a Deployment of two replicas in the namespace (it counts against
//     the tenant's quota, and the LimitRange's container maxima must
//     admit its limits, kube.WaypointLimits: 1 CPU and 1Gi);
//   - the identity fence: a namespace-wide ALLOW AuthorizationPolicy
//     "tenant", enforced by ztunnel on every pod, whose one principal is
//     the tenant's own namespace ("<trust domain>/ns/<tenant>/sa/*", which
//     covers its waypoint); an ALLOW policy "waypoint" attached to the
//     waypoint with the same principal; and, per shared service
//     (TenantProps.Services), an ALLOW policy "callers-<service>" attached
//     to that Service at the waypoint with exactly one principal per
//     caller: "<trust domain>/ns/<caller>/sa/<caller's ServiceAccount>".
//     Another tenant therefore reaches only the Services shared with it,
//     only through the waypoint (the waypoint-wide policy admits no one
//     else, and ztunnel admits no other tenant's identity on the pods:
//     pod addresses and headless Services stay inside the tenant), and a
//     tenant no service names reaches nothing;
//   - NetworkPolicies for the mesh's paths (meshed traffic arrives on
//     HBONE port 15008, never on the application's port): kubelet probes,
//     which ambient pods receive from 169.254.7.127; the waypoint to
//     istiod (15012) and, with ScraperCIDRs, the scraper to the waypoint's
//     metrics; each caller's namespace to the waypoint on 15008, and each
//     caller's pods to it.
//
// Pod Security stays restricted in every tenant namespace: ambient needs
// no privileged pod there (istio-cni and ztunnel run in istio-system).
// Waypoint pods pass restricted only when istiod's values set
// gateways.seccompProfile.type=RuntimeDefault.
//
// The AppProject of every tenant also refuses the Istio security and
// networking kinds: a tenant's own ALLOW policy would widen the fence, a
// PERMISSIVE PeerAuthentication weaken it.
type AmbientMesh struct {
	// TrustDomain is istiod's meshConfig.trustDomain, the first part of
	// every principal.
	// Default: "cluster.local"
	TrustDomain string
	// ScraperCIDRs are the ranges the Prometheus scraper connects from
	// (the managed collector of telemetry.NewMetrics: the VPC's range,
	// network.VPC.CIDR()): each tenant's waypoint admits them on
	// telemetry.IstioMetricsPort, so that the waypoint's request metrics,
	// which canary analyses read, are scraped. With the VPC CNI pods take
	// addresses from that range too, so every pod may read the waypoints'
	// metrics (request counts and latencies per service, no payloads).
	// Default: - none; the waypoints' metrics are not scraped
	ScraperCIDRs []string
}

// TenantService is a service of a tenant that other tenants may call.
type TenantService struct {
	// Name of the tenant's Kubernetes Service (deployed by its
	// repository): a DNS-1035 label. With AmbientMesh the callers'
	// AuthorizationPolicy is attached to this Service at the waypoint.
	// Required.
	Name string
	// Port is the TCP port of the service's pods (the Service's
	// targetPort). Without AmbientMesh the callers' namespaces are
	// admitted to it by NetworkPolicy; with it, calls reach the pods from
	// the waypoint, inside the namespace. Required.
	Port int
	// PodLabels select the service's pods. Without AmbientMesh only these
	// pods are opened to the callers. Required.
	PodLabels map[string]string
	// Callers are the names of the tenants that may call the service; each
	// is admitted by exactly one principal, its workload service account
	// (TenantProps.ServiceAccount). They may be added before or after this
	// tenant. Required.
	Callers []string
}

// IngressUseWaypointLabel on a namespace sends traffic from ingress
// gateways to its Services through its waypoint too.
const IngressUseWaypointLabel = "istio.io/ingress-use-waypoint"

// waypointPodLabel is the label istiod puts on the pods of a Gateway's
// Deployment, with the Gateway's name.
const waypointPodLabel = "gateway.networking.k8s.io/gateway-name"

// istiodPort is where istiod serves xDS and certificates to proxies.
const istiodPort = 15012

// meshGuardedKinds are refused in the tenants' AppProjects with
// AmbientMesh: a tenant's AuthorizationPolicy could widen the platform's
// (ALLOW policies add up), its PeerAuthentication weaken STRICT, its
// ServiceEntry or DestinationRule redirect other tenants' calls.
var meshGuardedKinds = [][2]string{{"security.istio.io", "*"}, {"networking.istio.io", "*"}}

// waypointLimits are the limits kube.NewIstioAmbient gives waypoint
// containers (istiod's global.waypoint.resources), which the tenant's
// LimitRange must admit.
var waypointLimits = struct{ cpu, memory string }{kube.WaypointLimits().CPU, kube.WaypointLimits().Memory}

// checkAmbientMesh reports a bad AmbientMesh and fills in its defaults.
func checkAmbientMesh(r *validation.Report, m *AmbientMesh) {
	if m.TrustDomain == "" {
		m.TrustDomain = istio.DefaultTrustDomain
	}
	if !istio.ValidTrustDomain(m.TrustDomain) {
		r.Addf("AmbientMesh.TrustDomain", "%q is not a trust domain (lowercase letters, digits, '.', '-' and '_', such as cluster.local: the install's, kube.IstioAmbientProps.TrustDomain)", m.TrustDomain)
	}
	for i, c := range m.ScraperCIDRs {
		checkCIDR(r, fmt.Sprintf("AmbientMesh.ScraperCIDRs[%d]", i), c)
	}
}

// meshLabels are the namespace labels that enrol a tenant in ambient
// mode with its waypoint, or none without AmbientMesh.
func (p *Platform) meshLabels() map[string]string {
	if p.props.AmbientMesh == nil {
		return nil
	}
	return ptr.Merge(istio.NamespaceLabels(istio.WaypointName), map[string]string{IngressUseWaypointLabel: "true"})
}

// principal is the identity of the workloads of tenant t (its service
// account) in the mesh.
func (p *Platform) principal(t *Tenant) string {
	return istio.Principal(p.props.AmbientMesh.TrustDomain, t.name, t.serviceAccount)
}

// namespacePrincipal matches every service account of namespace, and
// nothing outside it ("/sa/" ends the namespace).
func (p *Platform) namespacePrincipal(namespace string) string {
	return istio.Principal(p.props.AmbientMesh.TrustDomain, namespace, "*")
}

// Principal returns the SPIFFE principal of the tenant's workloads (its
// ServiceAccount) as AuthorizationPolicies name it, or "" when the
// platform has no AmbientMesh.
func (t *Tenant) Principal() string {
	if t.platform.props.AmbientMesh == nil {
		return ""
	}
	return t.platform.principal(t)
}

// checkSharing reports problems with the tenant's Services and, with
// AmbientMesh, with what the mesh needs of the tenant. Callers that are
// not tenants yet are not errors here: they may be added later (Check).
func (p *Platform) checkSharing(r *validation.Report, s *TenantProps, lim Limits) {
	names := map[string]bool{}
	for i, svc := range s.Services {
		f := fmt.Sprintf("Services[%d]", i)
		switch {
		case !validation.DNSLabel(svc.Name) || svc.Name[0] < 'a' || svc.Name[0] > 'z':
			r.Addf(f+".Name", "%q is not a Service name (a DNS-1035 label: lowercase letters, digits and '-', starting with a letter)", svc.Name)
		case names[svc.Name]:
			r.Addf(f+".Name", "%q is listed twice; each Service is shared once, with all its callers", svc.Name)
		}
		names[svc.Name] = true
		if svc.Port < 1 || svc.Port > 65535 {
			r.Addf(f+".Port", "%d is not a TCP port (1-65535)", svc.Port)
		}
		if len(svc.PodLabels) == 0 {
			r.Addf(f+".PodLabels", "is empty; select the service's pods (an empty selector would open every pod of the namespace)")
		}
		checkSelector(r, f+".PodLabels", svc.PodLabels)
		if len(svc.Callers) == 0 {
			r.Addf(f+".Callers", "is empty; name the tenants that may call %q (a service no tenant calls needs no sharing)", svc.Name)
		}
		seen := map[string]bool{}
		for j, c := range svc.Callers {
			cf := fmt.Sprintf("%s.Callers[%d]", f, j)
			switch {
			case c == s.Name:
				r.Addf(cf, "%q is the tenant itself; its own pods reach its services anyway", c)
			case !validation.DNSLabel(c):
				r.Addf(cf, "%q is not a tenant name (a DNS label)", c)
			case seen[c]:
				r.Addf(cf, "%q is listed twice; each caller is admitted once", c)
			}
			seen[c] = true
		}
	}
	if p.props.AmbientMesh == nil {
		if len(s.EdgePodLabels) > 0 {
			r.Addf("EdgePodLabels", "are set but the platform has no AmbientMesh; without it the load balancers and Lattice reach the pods on IngressPorts and MeshPorts anyway")
		}
		return
	}
	if (len(s.IngressPorts) > 0 || len(s.MeshPorts) > 0) && len(s.EdgePodLabels) == 0 {
		r.Addf("EdgePodLabels", "is empty but IngressPorts %v and MeshPorts %v are set; with AmbientMesh the load balancers' and Lattice's plaintext is refused (STRICT mTLS) unless the pods they reach are selected here", s.IngressPorts, s.MeshPorts)
	}
	checkSelector(r, "EdgePodLabels", s.EdgePodLabels)
	for _, k := range ptr.SortedKeys(s.Labels) {
		if k == istio.DataplaneModeLabel || k == istio.UseWaypointLabel || k == IngressUseWaypointLabel {
			r.Addf("Labels", "key %q is set by the platform's AmbientMesh; a tenant cannot override it", k)
		}
	}
	for _, l := range []struct{ field, value, need string }{
		{"Limits.MaxCPU", lim.MaxCPU, waypointLimits.cpu}, {"Limits.MaxMemory", lim.MaxMemory, waypointLimits.memory},
	} {
		have, ok1 := kube.ParseQuantity(l.value)
		need, _ := kube.ParseQuantity(l.need)
		if ok1 && have < need {
			r.Addf(l.field, "%s is below the limit %s of the tenant's waypoint container (istiod's global.waypoint.resources); the LimitRange would refuse the waypoint", l.value, l.need)
		}
	}
}

// meshNetworkPolicies opens the paths of sharing and of the mesh: with
// AmbientMesh, kubelet probes (from istio.ProbeSourceCIDR) and the
// waypoint's own paths; for each of the tenant's Services, its callers'
// namespaces; and, for each Service of a tenant added before this one
// that names this tenant as a caller, this tenant's pods to it.
func (t *Tenant) meshNetworkPolicies(p *Platform, policy func(name string, types []string, ingress []*np.NetworkPolicyV1SpecIngress, egress []*np.NetworkPolicyV1SpecEgress) np.NetworkPolicyV1) {
	if am := p.props.AmbientMesh; am != nil {
		// Kubelet probes of ambient pods arrive from the link-local
		// address istio-cni gives them, on whatever port they probe.
		policy("allow-ambient-probes", []string{"Ingress"}, []*np.NetworkPolicyV1SpecIngress{{
			From: []*np.NetworkPolicyV1SpecIngressFrom{{IpBlock: &np.NetworkPolicyV1SpecIngressFromIpBlock{Cidr: ptr.String(istio.ProbeSourceCIDR)}}},
		}}, nil)
		// The waypoint is not in the mesh itself: it fetches its
		// configuration and certificate from istiod, and is scraped.
		var ingress []*np.NetworkPolicyV1SpecIngress
		types := []string{"Egress"}
		if len(am.ScraperCIDRs) > 0 {
			var from []*np.NetworkPolicyV1SpecIngressFrom
			for _, c := range am.ScraperCIDRs {
				from = append(from, &np.NetworkPolicyV1SpecIngressFrom{IpBlock: &np.NetworkPolicyV1SpecIngressFromIpBlock{Cidr: ptr.String(c)}})
			}
			ingress = []*np.NetworkPolicyV1SpecIngress{{From: from, Ports: ingressPorts([]int{telemetry.IstioMetricsPort})}}
			types = []string{"Ingress", "Egress"}
		}
		r := t.networkPolicy("allow-waypoint", "allow-waypoint", waypointPods(), types, ingress, []*np.NetworkPolicyV1SpecEgress{{
			To: []*np.NetworkPolicyV1SpecEgressTo{{
				NamespaceSelector: &np.NetworkPolicyV1SpecEgressToNamespaceSelector{MatchLabels: ptr.Map(map[string]string{"kubernetes.io/metadata.name": istio.RootNamespace})},
				PodSelector:       &np.NetworkPolicyV1SpecEgressToPodSelector{MatchLabels: ptr.Map(map[string]string{"app": "istiod"})},
			}},
			Ports: egressPorts([]int{istiodPort}),
		}})
		t.fence("networking.k8s.io", "NetworkPolicy", "allow-waypoint", r)
	}
	for _, svc := range t.props.Services {
		name := "allow-callers-" + svc.Name
		r := t.networkPolicy(name, name, p.calleePods(svc), []string{"Ingress"}, []*np.NetworkPolicyV1SpecIngress{{
			From:  callerNamespaces(svc.Callers),
			Ports: ingressPorts(p.calleePorts(svc)),
		}}, nil)
		t.fence("networking.k8s.io", "NetworkPolicy", name, r)
	}
	for _, name := range p.order {
		callee := p.tenants[name]
		for _, svc := range callee.props.Services {
			if slices.Contains(svc.Callers, t.name) {
				t.callPolicy(p, callee, svc, false)
			}
		}
	}
}

// waypointPods selects the pods of the namespace's waypoint.
func waypointPods() map[string]string {
	return map[string]string{waypointPodLabel: istio.WaypointName}
}

// calleePods are the pods that callers of svc connect to: its
// waypoint with AmbientMesh (which passes calls on inside the
// namespace), the service's pods without.
func (p *Platform) calleePods(svc TenantService) map[string]string {
	if p.props.AmbientMesh != nil {
		return waypointPods()
	}
	return svc.PodLabels
}

// calleePorts are the ports callers of svc connect to: HBONE with
// AmbientMesh (meshed traffic never arrives on the application's port),
// the service's port without.
func (p *Platform) calleePorts(svc TenantService) []int {
	if p.props.AmbientMesh != nil {
		return []int{istio.HBONEPort}
	}
	return []int{svc.Port}
}

// callerNamespaces are the namespaces of callers (tenant names).
func callerNamespaces(callers []string) []*np.NetworkPolicyV1SpecIngressFrom {
	out := make([]*np.NetworkPolicyV1SpecIngressFrom, len(callers))
	for i, c := range callers {
		out[i] = &np.NetworkPolicyV1SpecIngressFrom{
			NamespaceSelector: &np.NetworkPolicyV1SpecIngressFromNamespaceSelector{MatchLabels: ptr.Map(map[string]string{"kubernetes.io/metadata.name": c})},
		}
	}
	return out
}

// callPolicy lets the tenant's pods call callee's service svc: a
// NetworkPolicy "allow-call.<callee>.<service>" (dots cannot occur in
// either name, so no two pairs share one). late marks a policy made
// after the tenant's AppProject and Application (the callee was added
// after this tenant).
func (t *Tenant) callPolicy(p *Platform, callee *Tenant, svc TenantService, late bool) {
	name := "allow-call." + callee.name + "." + svc.Name
	r := t.networkPolicy(name, "allow-call_"+callee.name+"_"+svc.Name, nil, []string{"Egress"}, nil, []*np.NetworkPolicyV1SpecEgress{{
		To: []*np.NetworkPolicyV1SpecEgressTo{{
			NamespaceSelector: &np.NetworkPolicyV1SpecEgressToNamespaceSelector{MatchLabels: ptr.Map(map[string]string{"kubernetes.io/metadata.name": callee.name})},
			PodSelector:       &np.NetworkPolicyV1SpecEgressToPodSelector{MatchLabels: ptr.Map(p.calleePods(svc))},
		}},
		Ports: egressPorts(p.calleePorts(svc)),
	}})
	if late {
		t.fenceLate("networking.k8s.io", "NetworkPolicy", name, r)
	} else {
		t.fence("networking.k8s.io", "NetworkPolicy", name, r)
	}
}

// networkPolicy creates a NetworkPolicy for the pods selected by pods (all
// of the namespace when empty), with construct id "network-policy-<id>".
func (t *Tenant) networkPolicy(name, id string, pods map[string]string, types []string, ingress []*np.NetworkPolicyV1SpecIngress, egress []*np.NetworkPolicyV1SpecEgress) np.NetworkPolicyV1 {
	selector := &np.NetworkPolicyV1SpecPodSelector{}
	if len(pods) > 0 {
		selector.MatchLabels = ptr.Map(pods)
	}
	spec := &np.NetworkPolicyV1Spec{PodSelector: selector, PolicyTypes: ptr.Strings(types)}
	if len(ingress) > 0 {
		spec.Ingress = ingress
	}
	if len(egress) > 0 {
		spec.Egress = egress
	}
	return np.NewNetworkPolicyV1(t, ptr.String("network-policy-"+id), &np.NetworkPolicyV1Config{
		Metadata: &np.NetworkPolicyV1Metadata{Name: ptr.String(name), Namespace: ptr.String(t.ns), Labels: t.labels()},
		Spec:     spec,
	})
}

// fenceLate records an object made for the tenant after its AppProject
// and Application: the project's orphan list is rewritten with it, and
// the Application waits for it.
func (t *Tenant) fenceLate(group, kind, name string, r cdktf.TerraformResource) {
	t.fence(group, kind, name, r)
	t.rewriteOrphans()
	if t.app != nil {
		deps.Add(t.app, r)
	}
}

// mesh creates the tenant's Istio objects (AmbientMesh): STRICT mTLS, the
// waypoint, the identity fence and the callers' policies, and the edge
// exemption of EdgePodLabels.
func (t *Tenant) mesh(p *Platform) {
	am := p.props.AmbientMesh
	if am == nil {
		return
	}
	const security = "security.istio.io"
	pa := istio.PeerAuthenticationStrict(t, "mesh-peer-authentication", t.ns)
	t.fence(security, "PeerAuthentication", "default", pa)
	wp := istio.Waypoint(t, "mesh-waypoint", t.ns, istio.WaypointName)
	t.fence("gateway.networking.k8s.io", "Gateway", istio.WaypointName, wp)
	// istiod writes its root certificate into every namespace, owned by
	// nothing: not an orphan of the tenant's Applications either.
	t.owned = append(t.owned, map[string]string{"group": "", "kind": "ConfigMap", "name": "istio-ca-root-cert"})
	own := []string{p.namespacePrincipal(t.name)}
	// ztunnel, on every pod: the namespace only (its waypoint included).
	tenant := istio.AuthorizationPolicy(t, "mesh-policy-tenant", istio.Policy{Name: "tenant", Namespace: t.ns, Principals: own})
	t.fence(security, "AuthorizationPolicy", "tenant", tenant)
	// The waypoint ignores policies without targetRefs: without one of
	// its own it would pass every call that reaches it to any Service.
	gate := istio.Manifest(t, "mesh-policy-waypoint", authorizationPolicy("waypoint", t.ns,
		map[string]any{"targetRefs": []any{map[string]any{"kind": "Gateway", "group": "gateway.networking.k8s.io", "name": istio.WaypointName}}},
		principalRules(own)))
	t.fence(security, "AuthorizationPolicy", "waypoint", gate)
	for _, svc := range t.props.Services {
		name := "callers-" + svc.Name
		policy := istio.AuthorizationPolicy(t, "mesh-policy-"+name, istio.Policy{
			Name: name, Namespace: t.ns, TargetService: svc.Name, Principals: p.callerPrincipals(svc),
		})
		t.callerPolicies[svc.Name] = policy
		t.fence(security, "AuthorizationPolicy", name, policy)
	}
	t.edge(p)
}

// edge lets the pods of EdgePodLabels accept plaintext from the load
// balancers on IngressPorts and from VPC Lattice on MeshPorts, and nothing
// else in plaintext.
func (t *Tenant) edge(p *Platform) {
	pods := t.props.EdgePodLabels
	if len(pods) == 0 {
		return
	}
	ports := map[string]any{}
	var rules []any
	add := func(cidrs []string, open []int) {
		if len(open) == 0 {
			return
		}
		names := make([]string, len(open))
		for i, port := range open {
			names[i] = strconv.Itoa(port)
			ports[names[i]] = map[string]any{"mode": "PERMISSIVE"}
		}
		rules = append(rules, map[string]any{
			"from": []any{map[string]any{"source": map[string]any{"ipBlocks": append([]string(nil), cidrs...)}}},
			"to":   []any{map[string]any{"operation": map[string]any{"ports": names}}},
		})
	}
	add(p.props.LoadBalancerCIDRs, t.props.IngressPorts)
	add([]string{LatticeCIDR}, t.props.MeshPorts)
	selector := map[string]any{"matchLabels": pods}
	pa := istio.Manifest(t, "mesh-edge-peer-authentication", map[string]any{
		"apiVersion": istio.SecurityAPI,
		"kind":       "PeerAuthentication",
		"metadata":   istioMeta("edge", t.ns),
		"spec":       map[string]any{"selector": selector, "mtls": map[string]any{"mode": "STRICT"}, "portLevelMtls": ports},
	})
	t.fence("security.istio.io", "PeerAuthentication", "edge", pa)
	policy := istio.Manifest(t, "mesh-policy-edge", authorizationPolicy("edge", t.ns, map[string]any{"selector": selector}, rules))
	t.fence("security.istio.io", "AuthorizationPolicy", "edge", policy)
}

// istioMeta is the metadata of the Istio objects made here, labelled as
// package istio labels its own.
func istioMeta(name, namespace string) map[string]any {
	return map[string]any{"name": name, "namespace": namespace, "labels": map[string]string{"app.kubernetes.io/managed-by": "hybridstack"}}
}

// authorizationPolicy is an ALLOW AuthorizationPolicy with target (its
// selector or targetRefs) and rules, for what istio.Policy cannot say: a
// Gateway target, ipBlocks.
func authorizationPolicy(name, namespace string, target map[string]any, rules []any) map[string]any {
	spec := map[string]any{"action": "ALLOW", "rules": rules}
	for k, v := range target {
		spec[k] = v
	}
	return map[string]any{"apiVersion": istio.SecurityAPI, "kind": "AuthorizationPolicy", "metadata": istioMeta(name, namespace), "spec": spec}
}

// principalRules admit principals (sorted), as istio.AuthorizationPolicy
// renders them.
func principalRules(principals []string) []any {
	sorted := append([]string(nil), principals...)
	sort.Strings(sorted)
	return []any{map[string]any{"from": []any{map[string]any{"source": map[string]any{"principals": sorted}}}}}
}

// callerPrincipals are the principals of svc's callers that are tenants so
// far, one each.
func (p *Platform) callerPrincipals(svc TenantService) []string {
	var out []string
	for _, c := range svc.Callers {
		if caller := p.tenants[c]; caller != nil {
			out = append(out, p.principal(caller))
		}
	}
	sort.Strings(out)
	return out
}

// connect runs after t is registered: each Service of an earlier tenant
// that names t gets t's principal, and each earlier tenant that t's
// Services name gets its NetworkPolicy to them (t's own side was made in
// AddTenant).
func (p *Platform) connect(t *Tenant) {
	for _, name := range p.order {
		other := p.tenants[name]
		if other == t {
			continue
		}
		for _, svc := range other.props.Services {
			if policy := other.callerPolicies[svc.Name]; policy != nil && slices.Contains(svc.Callers, t.name) {
				policy.AddOverride(ptr.String("manifest.spec.rules"), principalRules(p.callerPrincipals(svc)))
			}
		}
		for _, svc := range t.props.Services {
			if slices.Contains(svc.Callers, other.name) {
				other.callPolicy(p, t, svc, true)
			}
		}
	}
}

// Check reports what only the whole platform can: callers of tenant
// Services (TenantProps.Services) that are not tenants. Callers may be
// added after the tenant whose service they call, so AddTenant cannot;
// Check runs again when the platform's stack is synthesized, which then
// fails. It returns every problem at once, joined, each a
// *validate.FieldError naming the tenant and field and wrapping
// validate.ErrInvalid.
func (p *Platform) Check() error {
	var errs []error
	for _, name := range p.order {
		t := p.tenants[name]
		r := validation.NewReport("tenancy", *t.Node().Path())
		for i, svc := range t.props.Services {
			for j, c := range svc.Callers {
				if p.tenants[c] == nil {
					r.Addf(fmt.Sprintf("Services[%d].Callers[%d]", i, j), "%q is not a tenant of the platform (tenants: %s); add it with AddTenant or remove it from the callers of %q", c, strings.Join(p.order, ", "), svc.Name)
				}
			}
		}
		if err := r.Err(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// callersAreTenants runs Platform.Check when the stack is synthesized.
type callersAreTenants struct{ p *Platform }

// Validate returns Check's problems, one per line.
func (c *callersAreTenants) Validate() *[]*string {
	err := c.p.Check()
	if err == nil {
		return &[]*string{}
	}
	return ptr.Strings(strings.Split(err.Error(), "\n"))
}

var _ constructs.IValidation = (*callersAreTenants)(nil)
