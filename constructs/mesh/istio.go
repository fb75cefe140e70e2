package mesh

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/servicev1"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/istio"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/kube"
)

// istioNoRetry is why Istio ambient renders no retry policy.
const istioNoRetry = "the Gateway API standard channel installed (v1.5.1) has no HTTPRoute retry field; Istio's default retry policy applies (2 retries on connect failure, refused stream, 503)"

// istioMaxTimeoutMS bounds a route's timeout on Istio ambient (24 hours).
const istioMaxTimeoutMS = 24 * 3600 * 1000

// headerName is a Gateway API HTTPHeaderName.
var headerName = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+\\-.^_`|~]{1,256}$")

// validateIstioNetwork records the problems of props on Istio ambient:
// Lattice-only settings, the trust domain, and a stack that cannot render
// Kubernetes objects.
func validateIstioNetwork(r *validation.Report, scope constructs.Construct, props NetworkProps) {
	if props.PodTargets != "" {
		r.Addf("PodTargets", "%q applies to Lattice only; on %s the waypoint reaches the pods through their Services", props.PodTargets, IstioAmbient)
	}
	if props.LogRetentionDays != 0 {
		r.Addf("LogRetentionDays", "%d applies to Lattice access logs only; on %s ztunnel and the waypoints log to stdout", props.LogRetentionDays, IstioAmbient)
	}
	if td := props.TrustDomain; td != "" && !istio.ValidTrustDomain(td) {
		r.Addf("TrustDomain", "%q is not a trust domain; give lowercase letters, digits, '.', '-' and '_', such as %q (the install's, kube.IstioAmbientProps.TrustDomain)", td, istio.DefaultTrustDomain)
	}
	if stack, ok := stackOf(scope); !ok {
		r.Addf("Engine", "%q renders Kubernetes objects, but the scope is in no stack", IstioAmbient)
	} else if !hasKubernetesProvider(stack) {
		r.Addf("Engine", "%q renders Kubernetes objects, but stack %q has no kubernetes provider; create the network in the in-cluster stack, after kube.NewProviders (the Istio and Gateway API CRDs come from an earlier stack)", IstioAmbient, *stack.Node().Id())
	}
}

// stackOf returns the stack scope is in.
func stackOf(scope constructs.Construct) (cdktf.TerraformStack, bool) {
	scopes := *scope.Node().Scopes()
	for i := len(scopes) - 1; i >= 0; i-- {
		if *cdktf.TerraformStack_IsStack(scopes[i]) {
			s, ok := scopes[i].(cdktf.TerraformStack)
			return s, ok
		}
	}
	return nil, false
}

// hasKubernetesProvider reports whether stack configures a kubernetes
// provider.
func hasKubernetesProvider(stack cdktf.TerraformStack) bool {
	for _, c := range *stack.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		if p, ok := c.(cdktf.TerraformProvider); ok && *p.TerraformResourceType() == "kubernetes" {
			return true
		}
	}
	return false
}

// newIstioNetwork creates an Istio ambient network: the mesh-wide
// PeerAuthentication STRICT in the root namespace.
func newIstioNetwork(scope constructs.Construct, id string, p NetworkProps) *Network {
	n := &Network{name: p.Name, engine: IstioAmbient, trustDomain: p.TrustDomain, tags: p.Tags,
		ports: map[int]bool{}, targetPorts: map[int]bool{}, joined: map[string]*kube.Namespace{}}
	constructs.NewConstruct_Override(n, scope, &id)
	istio.PeerAuthenticationStrict(n, "peer-authentication-mesh", istio.RootNamespace)
	return n
}

// Join enrols a namespace in an Istio ambient network: it labels the
// namespace for ambient mode (istio.io/dataplane-mode=ambient), for its
// waypoint "waypoint" (istio.io/use-waypoint) and for traffic from Istio
// ingress gateways to pass the waypoint too
// (istio.io/ingress-use-waypoint=true, so that the waypoint's routes and
// L7 authorization apply to it), and renders in it a PeerAuthentication
// STRICT ("default"), the waypoint, a Gateway of class istio-waypoint,
// and an AuthorizationPolicy attached to the waypoint that allows nothing
// ("waypoint-allow-nothing"): through the waypoint, only what a virtual
// service's policy allows gets in. Virtual services may then use the
// namespace. The namespace keeps its Pod
// Security level: the node-level pieces (istio-cni, ztunnel) run in
// istio-system. Joining a namespace of the same name again does nothing.
// It returns an error on the other engines, for a nil namespace, for
// istio-system (the root namespace, which holds the mesh-wide policy) and
// when the namespace refuses the labels.
func (n *Network) Join(ns *kube.Namespace) error {
	r := validation.NewReport("mesh", *n.Node().Path())
	switch {
	case n.engine != IstioAmbient:
		r.Addf("Join", "network %q renders to %s, which enrols no namespaces; Join is for %s networks", n.name, n.engine, IstioAmbient)
	case ns == nil:
		r.Addf("Join", "namespace is nil; give the *kube.Namespace of the workloads")
	case ns.LiteralName() == istio.RootNamespace:
		r.Addf("Join", "namespace %q is Istio's root namespace, which holds the mesh-wide policy; join the namespaces of the workloads", istio.RootNamespace)
	}
	if err := r.Err(); err != nil {
		return err
	}
	name := ns.LiteralName()
	if n.joined[name] != nil {
		return nil
	}
	labels := istio.NamespaceLabels(istio.WaypointName)
	labels[istio.IngressUseWaypointLabel] = "true"
	if err := ns.AddLabels(labels); err != nil {
		return err
	}
	n.joined[name] = ns
	istio.PeerAuthenticationStrict(n, "peer-authentication-"+name, ns.Name())
	istio.Waypoint(n, "waypoint-"+name, ns.Name(), istio.WaypointName)
	// Deny by default at the waypoint: a policy attached to the waypoint
	// itself that allows nothing, so that a Service no virtual service
	// covers (a workload's own Service, one added later) admits no one
	// through the waypoint; each virtual service's policy allows its
	// callers (ALLOW policies add up).
	istio.Manifest(n, "waypoint-allow-nothing-"+name, map[string]any{
		"apiVersion": istio.SecurityAPI,
		"kind":       "AuthorizationPolicy",
		"metadata":   istio.Metadata("waypoint-allow-nothing", ns.Name(), nil),
		"spec": map[string]any{
			"targetRefs": []any{map[string]any{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": istio.WaypointName}},
			"action":     "ALLOW",
		},
	})
	return nil
}

// Joined reports whether the namespace of that name joined the network
// (Join; Istio ambient only).
func (n *Network) Joined(namespace string) bool { return n.joined[namespace] != nil }

// TrustDomain returns the Istio trust domain of the network's principals
// ("" on the other engines).
func (n *Network) TrustDomain() string { return n.trustDomain }

// validateIstio records the problems of p on Istio ambient, besides those
// validate finds on every engine. healthCheck says whether the props gave
// a HealthCheck (validate sees the default).
func validateIstio(r *validation.Report, p VirtualServiceProps, healthCheck bool, warns *[]string) {
	n := p.Network
	if validation.DNSLabel(p.Namespace) && n.joined[p.Namespace] == nil {
		r.Addf("Namespace", "%q has not joined network %q; call Network.Join with its kube.Namespace first", p.Namespace, n.name)
	}
	for i, v := range p.Versions {
		f := fmt.Sprintf("Versions[%d]", i)
		if v.Hostname != "" {
			r.Addf(f+".Hostname", "%q is not supported by %s: HTTPRoute backends are Kubernetes Services in the service's namespace; set Service", v.Hostname, IstioAmbient)
		}
		if v.CloudMap != nil {
			r.Addf(f+".CloudMap", "is not supported by %s: HTTPRoute backends are Kubernetes Services in the service's namespace; set Service", IstioAmbient)
		}
		if v.Service != "" && !validation.DNSLabel(v.Service) {
			r.Addf(f+".Service", "%q is not a Service name (RFC 1123 label)", v.Service)
		}
		if v.Service != "" && v.Service == p.Name {
			r.Addf(f+".Service", "%q is the name of the frontend Service that %s creates for the virtual service (Name); give the version a Service of its own", v.Service, IstioAmbient)
		}
	}
	if len(p.Selector) == 0 {
		r.Addf("Selector", "is empty; %s needs the labels the pods of every version share: the frontend Service selects them, and only the waypoint may reach them", IstioAmbient)
	}
	for _, k := range ptr.SortedKeys(p.Selector) {
		if !validation.LabelKey(k) {
			r.Addf("Selector", "key %q is not a label key ([prefix/]name; name at most 63 characters of letters, digits, '-', '_', '.')", k)
		}
		if v := p.Selector[k]; !validation.LabelValue(v) || v == "" {
			r.Addf("Selector["+k+"]", "%q is not a label value (1 to 63 characters of letters, digits, '-', '_', '.', starting and ending with a letter or digit)", v)
		}
	}
	matches := map[string]int{}
	for i, rt := range p.Routes {
		f := fmt.Sprintf("Routes[%d]", i)
		if rt.ManagedWeights && len(rt.Targets) != 2 {
			r.Addf(f+".Targets", "has %d targets; ManagedWeights needs exactly 2, the stable and the canary version", len(rt.Targets))
		}
		if rt.TimeoutMS > istioMaxTimeoutMS {
			r.Addf(f+".TimeoutMS", "%d is more than %d (24 hours)", rt.TimeoutMS, istioMaxTimeoutMS)
		}
		for j, h := range rt.Headers {
			if h.Name != "" && !headerName.MatchString(h.Name) {
				r.Addf(fmt.Sprintf("%s.Headers[%d].Name", f, j), "%q is not an HTTP header name (token characters only)", h.Name)
			}
		}
		key := routeMatchKey(rt)
		if j, ok := matches[key]; ok {
			r.Addf(f, "matches the same requests as Routes[%d] (%q): Gateway API orders HTTPRoute rules by specificity, not by list order, so one of them would never be used on %s; make their PathPrefix or Headers differ", j, p.Routes[j].Name, IstioAmbient)
		} else {
			matches[key] = i
		}
	}
	for i, sa := range p.AllowedServiceAccounts {
		f := fmt.Sprintf("AllowedServiceAccounts[%d]", i)
		if !validation.DNSLabel(sa.Namespace) {
			r.Addf(f+".Namespace", "%q is not a namespace name (RFC 1123 label)", sa.Namespace)
		}
		if !validation.DNSSubdomain(sa.Name) {
			r.Addf(f+".Name", "%q is not a service account name (lowercase RFC 1123 subdomain)", sa.Name)
		}
	}
	const (
		mtls   = "ztunnel encrypts every connection with mTLS"
		iam    = "IAM principals authorize calls on VPC Lattice only; name callers with Backends or AllowedServiceAccounts"
		alarms = "the library raises CloudWatch alarms on VPC Lattice metrics only; watch the waypoint's Prometheus metrics (istio_requests_total and istio_request_duration_milliseconds, reporter=\"waypoint\")"
	)
	for _, u := range []struct {
		field string
		set   bool
		why   string
	}{
		{"TLS", p.TLS != nil, mtls},
		{"PlaintextReason", p.PlaintextReason != "", mtls},
		{"Gateway", p.Gateway != nil, "use an Istio ingress gateway, and admit its service account with AllowedServiceAccounts"},
		{"AllowedPrincipals", len(p.AllowedPrincipals) > 0, iam},
		{"AllowedPrincipalTags", len(p.AllowedPrincipalTags) > 0, iam},
		{"AlarmTopicARN", p.AlarmTopicARN != "", alarms},
		{"LatencyAlarmMS", p.LatencyAlarmMS != 0, alarms},
		{"HealthCheck", healthCheck, "the pods' readiness probes decide which endpoints receive traffic; give the workload a readiness probe"},
	} {
		if u.set {
			unsupported(r, p, warns, u.field, u.why, u.field+" is not rendered on Istio ambient: "+u.why)
		}
	}
}

// routeMatchKey identifies the requests a route matches: its path prefix
// (a trailing slash does not count in Gateway API) and its headers (names
// are case-insensitive), in any order.
func routeMatchKey(rt Route) string {
	path := rt.PathPrefix
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/")
	}
	var headers []string
	for _, h := range rt.Headers {
		headers = append(headers, strings.ToLower(h.Name)+"\x00"+h.Exact+"\x00"+h.Prefix)
	}
	sort.Strings(headers)
	return path + "\x01" + strings.Join(headers, "\x01")
}

// renderIstio creates, in the service's namespace, the frontend Service
// (selecting the pods of every version), an HTTPRoute per intent route
// attached to it (GAMMA), the AuthorizationPolicy that the waypoint
// enforces for it, the policy that admits only the waypoint to the pods,
// and with OutlierDetection a DestinationRule per version. It admits the
// service's identity to each of its backends.
func (vs *VirtualService) renderIstio() {
	p := vs.props
	namespace := p.Network.joined[p.Namespace].Name()
	vs.istioNamespace = namespace
	vs.dnsName = k8sHost(p.Name, p.Namespace)
	servicev1.NewServiceV1(vs, ptr.String("frontend-service"), &servicev1.ServiceV1Config{
		Metadata: &servicev1.ServiceV1Metadata{
			Name: ptr.String(p.Name), Namespace: ptr.String(namespace),
			Labels: ptr.Map(map[string]string{"app.kubernetes.io/managed-by": "hybridstack"}),
		},
		Spec: &servicev1.ServiceV1Spec{
			Type:     ptr.String("ClusterIP"),
			Selector: ptr.Map(p.Selector),
			Port:     istio.HTTPPort(p.Port),
		},
	})
	for _, rt := range p.Routes {
		vs.istioRoute(rt)
	}
	vs.istioPolicy = istio.AuthorizationPolicy(vs, "authorization-policy", vs.istioCallerPolicy())
	// The waypoint enforces the policy above; the pods admit only the
	// waypoint, so no call reaches them around it.
	istio.AuthorizationPolicy(vs, "authorization-policy-from-waypoint", istio.Policy{
		Name: p.Name + "-from-waypoint", Namespace: namespace, Selector: p.Selector,
		Principals: []string{istio.Principal(p.Network.trustDomain, p.Namespace, istio.WaypointName)},
	})
	if o := p.OutlierDetection; o != nil {
		for _, v := range p.Versions {
			istio.Manifest(vs, "destination-rule-"+v.Name, map[string]any{
				"apiVersion": istio.NetworkingAPI,
				"kind":       "DestinationRule",
				"metadata":   istio.Metadata(p.Name+"-"+v.Name, namespace, nil),
				"spec": map[string]any{
					"host": k8sHost(v.Service, p.Namespace),
					"trafficPolicy": map[string]any{"outlierDetection": map[string]any{
						"consecutive5xxErrors": o.MaxServerErrors,
						"interval":             fmt.Sprintf("%ds", o.IntervalSeconds),
						"baseEjectionTime":     fmt.Sprintf("%ds", o.BaseEjectionSeconds),
						"maxEjectionPercent":   o.MaxEjectionPercent,
					}},
				},
			})
		}
	}
	for _, b := range p.Backends {
		b.admitIstioCaller(vs.Principal())
	}
}

// istioRoute renders one intent route as an HTTPRoute attached to the
// frontend Service: one rule with the route's match, weighted backends
// (the versions' Services) and timeout. With ManagedWeights the weights
// are computed fields, which a progressive-delivery controller owns.
func (vs *VirtualService) istioRoute(rt Route) {
	p := vs.props
	services := map[string]string{}
	for _, v := range p.Versions {
		services[v.Name] = v.Service
	}
	match := map[string]any{"path": map[string]any{"type": "PathPrefix", "value": rt.PathPrefix}}
	var headers []any
	for _, h := range rt.Headers {
		if h.Exact != "" {
			headers = append(headers, map[string]any{"type": "Exact", "name": h.Name, "value": h.Exact})
		} else {
			// Istio matches header regular expressions against the whole
			// value (RE2).
			headers = append(headers, map[string]any{"type": "RegularExpression", "name": h.Name, "value": "^" + regexp.QuoteMeta(h.Prefix) + ".*"})
		}
	}
	if len(headers) > 0 {
		match["headers"] = headers
	}
	var refs []any
	for _, t := range rt.Targets {
		refs = append(refs, map[string]any{"name": services[t.Version], "port": p.Port, "weight": t.Weight})
	}
	rule := map[string]any{"matches": []any{match}, "backendRefs": refs}
	if rt.TimeoutMS > 0 {
		rule["timeouts"] = map[string]any{"request": gatewayDuration(rt.TimeoutMS)}
	}
	name := p.Name + "-" + rt.Name
	m := istio.Manifest(vs, "route-"+rt.Name, map[string]any{
		"apiVersion": istio.GatewayAPI,
		"kind":       "HTTPRoute",
		"metadata":   istio.Metadata(name, vs.istioNamespace, nil),
		"spec": map[string]any{
			"parentRefs": []any{map[string]any{"group": "", "kind": "Service", "name": p.Name, "port": p.Port}},
			"rules":      []any{rule},
		},
	})
	if rt.ManagedWeights {
		// Setting computed_fields replaces the provider's default, which
		// the labels and annotations keep.
		fields := []string{"metadata.annotations", "metadata.labels"}
		for i := range rt.Targets {
			fields = append(fields, fmt.Sprintf("spec.rules[0].backendRefs[%d].weight", i))
		}
		m.SetComputedFields(ptr.Strings(fields))
	}
	vs.httpRoutes[rt.Name] = name
}

// gatewayDuration spells ms as a Gateway API duration: at most 5 digits
// per unit.
func gatewayDuration(ms int) string {
	if ms <= 99999 {
		return strconv.Itoa(ms) + "ms"
	}
	var b strings.Builder
	for _, u := range []struct {
		name string
		ms   int
	}{{"h", 3600000}, {"m", 60000}, {"s", 1000}, {"ms", 1}} {
		if n := ms / u.ms; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, u.name)
			ms -= n * u.ms
		}
	}
	return b.String()
}

// istioCallerPolicy is the AuthorizationPolicy the waypoint enforces for
// the frontend Service and the versions' Services: it allows the services
// that list this one in their Backends and the AllowedServiceAccounts,
// one principal each, and nothing else; with no callers it allows nothing.
func (vs *VirtualService) istioCallerPolicy() istio.Policy {
	p := vs.props
	principals := append([]string(nil), vs.istioCallers...)
	for _, sa := range p.AllowedServiceAccounts {
		principals = append(principals, istio.Principal(p.Network.trustDomain, sa.Namespace, sa.Name))
	}
	var targets []string
	for _, v := range p.Versions {
		targets = append(targets, v.Service)
	}
	return istio.Policy{Name: p.Name, Namespace: vs.istioNamespace, TargetService: p.Name, TargetServices: targets, Principals: principals}
}

// admitIstioCaller adds a caller's principal to the service's
// AuthorizationPolicy. Callers are created after their backends, so the
// policy's manifest is rewritten as each one registers.
func (vs *VirtualService) admitIstioCaller(principal string) {
	vs.istioCallers = append(vs.istioCallers, principal)
	obj := istio.AuthorizationPolicyObject(vs.istioCallerPolicy())
	vs.istioPolicy.SetManifest(&obj)
}

// HTTPRouteName returns the name of the HTTPRoute that renders the intent
// route of that name on Istio ambient (<Name>-<route>), in the service's
// namespace: what a progressive-delivery controller is configured with
// (the httpRoutes of Argo Rollouts' Gateway API plugin). It returns "" on
// the other engines or for a route the intent does not have.
func (vs *VirtualService) HTTPRouteName(route string) string { return vs.httpRoutes[route] }

// FrontendService returns the name of the Kubernetes Service that clients
// call on Istio ambient (the virtual service's Name; it selects the pods
// of every version, and its HTTPRoutes split the traffic), or "" on the
// other engines.
func (vs *VirtualService) FrontendService() string {
	if vs.props.Network.engine != IstioAmbient {
		return ""
	}
	return vs.props.Name
}

// Principal returns the service's own identity on Istio ambient, as
// AuthorizationPolicies name it: <trust domain>/ns/<Namespace>/sa/<ServiceAccount>.
// It returns "" on the other engines.
func (vs *VirtualService) Principal() string {
	if vs.props.Network.engine != IstioAmbient {
		return ""
	}
	return istio.Principal(vs.props.Network.trustDomain, vs.props.Namespace, vs.props.ServiceAccount)
}
