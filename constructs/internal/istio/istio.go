// Package istio builds the Istio ambient and Gateway API objects that the
// mesh, tenancy and kube packages render (as kubernetes_manifest
// resources), so that every namespace joins the mesh the same way and
// every principal is spelled the same way. The CRDs these objects need
// come with kube.NewIstioAmbient, applied in an earlier stack: a
// kubernetes_manifest resource reads its CRD's schema while planning.
package istio

import (
	"regexp"
	"sort"
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/manifest"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/servicev1"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
)

// Labels and well-known values of Istio ambient mode.
const (
	// DataplaneModeLabel on a namespace enrols its pods in ambient mode:
	// istio-cni redirects their traffic into ztunnel, which wraps every
	// connection in mTLS (HBONE) with the pod's workload identity.
	DataplaneModeLabel = "istio.io/dataplane-mode"
	// Ambient is DataplaneModeLabel's value for ambient mode.
	Ambient = "ambient"
	// UseWaypointLabel on a namespace sends traffic to its services
	// through the named waypoint (the L7 proxy that applies HTTPRoutes
	// and L7 authorization).
	UseWaypointLabel = "istio.io/use-waypoint"
	// IngressUseWaypointLabel ("true") on a namespace makes Istio ingress
	// gateways send traffic for its services through their waypoint too,
	// instead of straight to the pods, so that the waypoint's HTTPRoutes
	// and L7 authorization apply to traffic from outside the mesh.
	IngressUseWaypointLabel = "istio.io/ingress-use-waypoint"
	// WaypointClass is the GatewayClass of waypoints.
	WaypointClass = "istio-waypoint"
	// WaypointName is the name this library gives each meshed namespace's
	// waypoint (and so its service account).
	WaypointName = "waypoint"
	// HBONEPort is where ztunnel and waypoints accept mTLS tunnels:
	// NetworkPolicies of meshed pods must admit it, because meshed traffic
	// arrives on it rather than on the application's port.
	HBONEPort = 15008
	// ProbeSourceCIDR is the link-local address istio-cni gives kubelet
	// health probes of ambient pods (they are not mTLS); NetworkPolicies
	// that restrict ingress must admit it or every probe fails.
	ProbeSourceCIDR = "169.254.7.127/32"
	// DefaultTrustDomain is Istio's default trust domain, the first part
	// of every SPIFFE principal.
	DefaultTrustDomain = "cluster.local"
	// RootNamespace is where istiod reads mesh-wide policy.
	RootNamespace = "istio-system"
)

// API versions of the objects built here.
const (
	SecurityAPI   = "security.istio.io/v1"
	NetworkingAPI = "networking.istio.io/v1"
	GatewayAPI    = "gateway.networking.k8s.io/v1"
)

// trustDomain is Istio's trust domain syntax: lowercase letters, digits,
// '.', '-' and '_', starting and ending with a letter or digit.
var trustDomain = regexp.MustCompile(`^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$`)

// ValidTrustDomain reports whether td is a trust domain Istio accepts
// (at most 255 characters): the install and every policy naming its
// principals check the same rule.
func ValidTrustDomain(td string) bool { return len(td) <= 255 && trustDomain.MatchString(td) }

// NamespaceLabels are the labels that enrol a namespace in ambient mode
// with its waypoint (waypoint "" for L4 only).
func NamespaceLabels(waypoint string) map[string]string {
	l := map[string]string{DataplaneModeLabel: Ambient}
	if waypoint != "" {
		l[UseWaypointLabel] = waypoint
	}
	return l
}

// Principal is the SPIFFE identity (without the spiffe:// scheme, as
// AuthorizationPolicy names it) of pods running as serviceAccount in
// namespace.
func Principal(trustDomain, namespace, serviceAccount string) string {
	if trustDomain == "" {
		trustDomain = DefaultTrustDomain
	}
	return trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount
}

// Metadata is the metadata of an object this library renders: name,
// namespace and labels, with app.kubernetes.io/managed-by=hybridstack.
func Metadata(name, namespace string, labels map[string]string) map[string]any {
	l := map[string]string{"app.kubernetes.io/managed-by": "hybridstack"}
	for k, v := range labels {
		l[k] = v
	}
	return map[string]any{"name": name, "namespace": namespace, "labels": l}
}

// Manifest creates a kubernetes_manifest resource for obj.
func Manifest(scope constructs.Construct, id string, obj map[string]any) manifest.Manifest {
	cfg := &manifest.ManifestConfig{Manifest: &obj}
	return manifest.NewManifest(scope, ptr.String(id), cfg)
}

// PeerAuthenticationStrict refuses every plaintext connection to the pods
// of namespace: only mTLS from meshed workloads is accepted.
func PeerAuthenticationStrict(scope constructs.Construct, id, namespace string) manifest.Manifest {
	return Manifest(scope, id, map[string]any{
		"apiVersion": SecurityAPI,
		"kind":       "PeerAuthentication",
		"metadata":   Metadata("default", namespace, nil),
		"spec":       map[string]any{"mtls": map[string]any{"mode": "STRICT"}},
	})
}

// Waypoint creates the namespace's waypoint: a Gateway of class
// istio-waypoint that istiod runs as a Deployment in the namespace,
// serving the namespace's services (UseWaypointLabel).
func Waypoint(scope constructs.Construct, id, namespace, name string) manifest.Manifest {
	return Manifest(scope, id, map[string]any{
		"apiVersion": GatewayAPI,
		"kind":       "Gateway",
		"metadata":   Metadata(name, namespace, map[string]string{"istio.io/waypoint-for": "service"}),
		"spec": map[string]any{
			"gatewayClassName": WaypointClass,
			"listeners": []any{map[string]any{
				"name": "mesh", "port": HBONEPort, "protocol": "HBONE",
			}},
		},
	})
}

// Policy is an ALLOW AuthorizationPolicy. Set either TargetService or
// TargetServices (enforced by the namespace's waypoint, with the original
// caller's identity), or Selector (enforced by ztunnel on the pods, L4);
// none makes it namespace-wide (ztunnel). Only the listed principals are
// allowed; with an ALLOW policy in place everything else is denied, and a
// policy without Principals allows nothing at all.
type Policy struct {
	Name, Namespace string
	// TargetService is the Service the waypoint enforces the policy for.
	TargetService string
	// TargetServices are more Services the waypoint enforces it for
	// (after TargetService, duplicates dropped).
	TargetServices []string
	// Selector selects the pods ztunnel enforces it on.
	Selector map[string]string
	// Principals allowed, from Principal.
	Principals []string
	// Ports, when set, limit what the principals may reach.
	Ports []int
}

// AuthorizationPolicy renders p.
func AuthorizationPolicy(scope constructs.Construct, id string, p Policy) manifest.Manifest {
	return Manifest(scope, id, AuthorizationPolicyObject(p))
}

// AuthorizationPolicyObject is the object AuthorizationPolicy renders, for
// rewriting a policy's manifest (SetManifest) when its principals change.
// The principals are sorted and deduplicated. Without principals the
// policy has no rules: an ALLOW policy that matches nothing denies every
// request (an empty principals list would instead match any source).
func AuthorizationPolicyObject(p Policy) map[string]any {
	principals := sortedUnique(p.Principals)
	spec := map[string]any{"action": "ALLOW"}
	if len(principals) > 0 {
		rule := map[string]any{"from": []any{map[string]any{"source": map[string]any{"principals": principals}}}}
		if len(p.Ports) > 0 {
			ports := make([]string, len(p.Ports))
			for i, port := range p.Ports {
				ports[i] = strconv.Itoa(port)
			}
			rule["to"] = []any{map[string]any{"operation": map[string]any{"ports": ports}}}
		}
		spec["rules"] = []any{rule}
	}
	var targets []any
	seen := map[string]bool{}
	for _, svc := range append([]string{p.TargetService}, p.TargetServices...) {
		if svc == "" || seen[svc] {
			continue
		}
		seen[svc] = true
		targets = append(targets, map[string]any{"kind": "Service", "group": "", "name": svc})
	}
	switch {
	case len(targets) > 0:
		spec["targetRefs"] = targets
	case len(p.Selector) > 0:
		spec["selector"] = map[string]any{"matchLabels": p.Selector}
	}
	return map[string]any{
		"apiVersion": SecurityAPI,
		"kind":       "AuthorizationPolicy",
		"metadata":   Metadata(p.Name, p.Namespace, nil),
		"spec":       spec,
	}
}

// sortedUnique returns the non-empty strings of s, sorted, each once.
func sortedUnique(s []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range s {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

// HTTPPort is the one port of a Service the mesh routes HTTP through:
// named http with appProtocol http (so that waypoints treat it as HTTP
// and apply routes to it), forwarding to the same port of the pods.
func HTTPPort(port int) *[]*servicev1.ServiceV1SpecPort {
	return &[]*servicev1.ServiceV1SpecPort{{
		Name: ptr.String("http"), Port: ptr.Number(port), TargetPort: ptr.String(strconv.Itoa(port)),
		Protocol: ptr.String("TCP"), AppProtocol: ptr.String("http"),
	}}
}
