package mesh

import (
	"fmt"
	"strings"

	"github.com/hybridstack/hybridstack/constructs/internal/istio"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// IngressProps routes traffic that enters the cluster through an Istio
// ingress gateway (kube.NewIstioAmbient with IngressGateway: the gateway
// chart's Deployment and Service) to virtual services of an Istio ambient
// network.
type IngressProps struct {
	// Namespace of the ingress gateway's pods and Service
	// (IstioAmbient.IngressNamespace; it may be made by another stack).
	// Required.
	Namespace string
	// ServiceName is the gateway's Service (IstioAmbient.IngressServiceName):
	// the Gateway object names it as its address, so that istiod programs
	// the chart's pods rather than deploying a gateway of its own. Required.
	ServiceName string
	// ServiceAccount the gateway's pods run as
	// (IstioAmbient.IngressServiceAccount): it becomes an allowed caller,
	// one principal, of every routed service. Required.
	ServiceAccount string
	// Port the gateway listens on (the Gateway's listener; the port of its
	// Service, which kube.NewIstioAmbient's gateway forwards to the same
	// port of its pods).
	// Default: 80
	Port int
	// Routes send requests by path prefix to services, tried most
	// specific first (Gateway API precedence). Required: at least one.
	Routes []IngressRoute
}

// IngressRoute sends requests under PathPrefix to a virtual service.
type IngressRoute struct {
	// PathPrefix of the requests ("/orders"). Required.
	PathPrefix string
	// Service receiving them: a virtual service of the same network.
	// Required.
	Service *VirtualService
}

// AddIngress renders the routing of an Istio ingress gateway (Istio
// ambient networks only): a Gateway of class istio whose address is the
// gateway's Service (manual deployment: istiod configures the existing
// pods), an HTTPRoute in the gateway's namespace sending each path prefix
// to its service's frontend, a ReferenceGrant in each service's namespace
// admitting that route, and the gateway's service account as an allowed
// caller of each routed service (their namespaces are labelled
// istio.io/ingress-use-waypoint, so the request passes the service's
// waypoint and its policy). Plain HTTP arrives at the gateway from the
// load balancer; from the gateway on, every hop is mTLS. It returns every
// problem with props at once.
func (n *Network) AddIngress(id string, props IngressProps) error {
	r := validation.NewReport("mesh", *n.Node().Path()+"/"+id)
	if n.engine != IstioAmbient {
		r.Addf("AddIngress", "network %q renders to %s; an Istio ingress gateway routes to %s networks only", n.name, n.engine, IstioAmbient)
		return r.Err()
	}
	p := props
	if p.Port == 0 {
		p.Port = 80
	}
	if !validation.DNSLabel(id) {
		r.Addf("id", "%q is not a DNS label; it names the Gateway and HTTPRoute objects", id)
	}
	if !validation.DNSLabel(p.Namespace) {
		r.Addf("Namespace", "%q is not a namespace name (DNS label); give the ingress gateway's namespace (IstioAmbient.IngressNamespace)", p.Namespace)
	}
	if !validation.DNSLabel(p.ServiceName) {
		r.Addf("ServiceName", "%q is not a Service name (DNS label)", p.ServiceName)
	}
	if !validation.DNSSubdomain(p.ServiceAccount) {
		r.Addf("ServiceAccount", "%q is not a service account name (lowercase RFC 1123 subdomain)", p.ServiceAccount)
	}
	if p.Port < 1 || p.Port > 65535 {
		r.Addf("Port", "%d is not a port (1-65535)", p.Port)
	}
	if len(p.Routes) == 0 {
		r.Addf("Routes", "is empty; give at least one path prefix and service")
	}
	prefixes := map[string]bool{}
	for i, rt := range p.Routes {
		f := fmt.Sprintf("Routes[%d]", i)
		if !strings.HasPrefix(rt.PathPrefix, "/") {
			r.Addf(f+".PathPrefix", "%q must start with /", rt.PathPrefix)
		}
		if prefixes[rt.PathPrefix] {
			r.Addf(f+".PathPrefix", "%q is routed twice", rt.PathPrefix)
		}
		prefixes[rt.PathPrefix] = true
		if rt.Service == nil || rt.Service.props.Network != n {
			r.Addf(f+".Service", "is not a virtual service of network %q", n.name)
		}
	}
	if err := r.Err(); err != nil {
		return err
	}
	ns := p.Namespace
	istio.Manifest(n, id+"-gateway", map[string]any{
		"apiVersion": istio.GatewayAPI,
		"kind":       "Gateway",
		"metadata":   istio.Metadata(id, ns, nil),
		"spec": map[string]any{
			"gatewayClassName": "istio",
			// Manual deployment: the gateway chart's Service is the address.
			"addresses": []any{map[string]any{"type": "Hostname", "value": k8sHost(p.ServiceName, p.Namespace)}},
			"listeners": []any{map[string]any{
				"name": "http", "port": p.Port, "protocol": "HTTP",
				"allowedRoutes": map[string]any{"namespaces": map[string]any{"from": "Same"}},
			}},
		},
	})
	var rules []any
	granted := map[string]bool{}
	for _, rt := range p.Routes {
		vs := rt.Service
		rules = append(rules, map[string]any{
			"matches":     []any{map[string]any{"path": map[string]any{"type": "PathPrefix", "value": rt.PathPrefix}}},
			"backendRefs": []any{map[string]any{"name": vs.props.Name, "namespace": vs.istioNamespace, "port": vs.props.Port}},
		})
		vs.admitIstioCaller(istio.Principal(n.trustDomain, p.Namespace, p.ServiceAccount))
		if granted[vs.props.Namespace] {
			continue
		}
		granted[vs.props.Namespace] = true
		istio.Manifest(n, id+"-reference-grant-"+vs.props.Namespace, map[string]any{
			"apiVersion": istio.GatewayAPI,
			"kind":       "ReferenceGrant",
			"metadata":   istio.Metadata(id+"-from-"+p.Namespace, vs.istioNamespace, nil),
			"spec": map[string]any{
				"from": []any{map[string]any{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": p.Namespace}},
				"to":   []any{map[string]any{"group": "", "kind": "Service"}},
			},
		})
	}
	istio.Manifest(n, id+"-route", map[string]any{
		"apiVersion": istio.GatewayAPI,
		"kind":       "HTTPRoute",
		"metadata":   istio.Metadata(id, ns, nil),
		"spec": map[string]any{
			"parentRefs": []any{map[string]any{"name": id, "sectionName": "http"}},
			"rules":      rules,
		},
	})
	return nil
}
