package mesh

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appmeshvirtualservice"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpclatticeauthpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpclatticeservice"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/manifest"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/grant"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

// Version is one deployable version of the workload behind a virtual
// service. Set exactly one of Service (a Kubernetes service on EKS),
// Hostname or CloudMap; Istio ambient takes Service only.
type Version struct {
	// Name such as "v1": lowercase letters, digits and hyphens. Required.
	Name string
	// Service is the Kubernetes service of this version, in the virtual
	// service's namespace. On Istio ambient it is an HTTPRoute backend and
	// must listen on VirtualServiceProps.Port, and may not be named like
	// the virtual service (whose name the frontend Service takes).
	Service string
	// Hostname is a fixed DNS name instead of a Kubernetes service (not on
	// Istio ambient).
	Hostname string
	// CloudMap discovers the version's endpoints in AWS Cloud Map (App Mesh
	// uses Cloud Map discovery; Lattice tags the target group with it; not
	// on Istio ambient).
	CloudMap *CloudMap
}

// CloudMap names a Cloud Map service.
type CloudMap struct {
	Namespace, Service string
}

// HeaderMatch matches a request header exactly or by prefix.
type HeaderMatch struct {
	Name          string
	Exact, Prefix string
}

// Target sends Weight percent of a route's traffic to a version.
type Target struct {
	Version string
	Weight  int
}

// Retry retries failed requests (App Mesh only; on Istio ambient the Gateway
// API standard channel has no retry field, and Istio's default retry
// policy applies).
type Retry struct {
	// MaxRetries is 1 to 25.
	MaxRetries int
	// PerTryTimeoutMS bounds each attempt.
	// Default: 2000
	PerTryTimeoutMS int
	// Events that trigger a retry.
	// Default: ["server-error", "gateway-error"]
	Events []string
}

// Route sends matching requests to weighted versions. Lattice and App Mesh
// try routes in the order given. Istio ambient renders each route as an
// HTTPRoute, and Gateway API orders rules by specificity, not by list
// order: a longer PathPrefix first, then the route with more Headers;
// routes matching the same requests (same PathPrefix and Headers) are
// refused there. Istio matches PathPrefix by whole path segments ("/api"
// matches "/api/x" but not "/apix").
type Route struct {
	// Name of the route: lowercase letters, digits and hyphens. Required.
	Name string
	// PathPrefix matches the request path.
	// Default: "/"
	PathPrefix string
	// Headers must all match (at most 10).
	// Default: - none
	Headers []HeaderMatch
	// Targets and their weights in percent, summing to 100; 1 to 10.
	// Required.
	Targets []Target
	// Retry policy (App Mesh only).
	// Default: - no retries
	Retry *Retry
	// TimeoutMS per request (App Mesh; Istio ambient: the HTTPRoute's
	// request timeout, at most 86400000).
	// Default: - the engine's default
	TimeoutMS int
	// ManagedWeights hands this route's weights to a progressive-delivery
	// controller (Argo Rollouts with its Gateway API plugin; Istio ambient
	// only). The weights are rendered as initial values and listed in the
	// HTTPRoute manifest's computed_fields, so that Terraform accepts the
	// weights the controller sets instead of setting them back. The route
	// needs exactly 2 targets: the stable and the canary version.
	// Default: false
	ManagedWeights bool
}

// HealthCheck probes each version's endpoints.
type HealthCheck struct {
	// Path of the probe.
	// Default: /healthz
	Path string
	// IntervalSeconds is 5 to 300.
	// Default: 10
	IntervalSeconds int
	// TimeoutSeconds is 2 to 60.
	// Default: 5
	TimeoutSeconds int
	// HealthyThreshold and UnhealthyThreshold are 2 to 10.
	// Default: 2 and 3
	HealthyThreshold, UnhealthyThreshold int
}

// OutlierDetection ejects failing endpoints (App Mesh; Istio ambient: a
// DestinationRule per version, applied by the waypoint).
type OutlierDetection struct {
	MaxServerErrors     int
	IntervalSeconds     int
	BaseEjectionSeconds int
	MaxEjectionPercent  int
}

// TLS secures traffic to the service (Lattice and App Mesh; on Istio
// ambient ztunnel encrypts every connection with mTLS).
type TLS struct {
	// CertificateARN is the ACM certificate the service presents. Required.
	CertificateARN string
	// CertificateAuthorityARN is the ACM Private CA clients trust (App
	// Mesh). Required for App Mesh.
	CertificateAuthorityARN string
	// DomainName is the service's custom domain, matching the certificate
	// (Lattice). Required for Lattice.
	DomainName string
}

// Gateway admits traffic from outside the mesh (App Mesh only; on Istio
// ambient use an Istio ingress gateway and AllowedServiceAccounts).
type Gateway struct {
	// Port of the virtual gateway listener.
	// Default: 8088
	Port int
}

// ServiceAccountRef names a Kubernetes service account: on Istio ambient,
// the workload identity of the pods that run as it.
type ServiceAccountRef struct {
	// Namespace of the service account. Required.
	Namespace string
	// Name of the service account. Required.
	Name string
}

// VirtualServiceProps is the traffic intent for one service.
type VirtualServiceProps struct {
	// Network the service joins. Required.
	Network *Network
	// Name of the service: 3-40 lowercase letters, digits and hyphens. On
	// Istio ambient it names the frontend Service that clients call.
	// Default: the construct id
	Name string
	// Namespace of the workload on EKS. Required. On Istio ambient the
	// namespace must have joined the network (Network.Join).
	Namespace string
	// ServiceAccount the workload's pods run as (App Mesh: gets the Envoy
	// IRSA role; Istio ambient: the service's identity, which its backends'
	// authorization policies admit).
	// Default: Name
	ServiceAccount string
	// Port the service listens on. On Istio ambient it is the port of the
	// frontend Service, of each version's Service and of the pods.
	// Default: 8080
	Port int
	// Versions of the workload: 1 to 10. Required.
	Versions []Version
	// Routes in priority order (Istio ambient: by specificity, see Route).
	// Default: - one route "/" sending all traffic to the first version
	Routes []Route
	// HealthCheck of each version (Lattice and App Mesh; on Istio ambient
	// the pods' readiness probes decide which endpoints get traffic).
	// Default: - GET /healthz every 10 s
	HealthCheck *HealthCheck
	// OutlierDetection (App Mesh and Istio ambient).
	// Default: - none
	OutlierDetection *OutlierDetection
	// TLS for traffic to the service (Lattice and App Mesh).
	// Default: - plain HTTP inside the VPC (App Mesh: only with
	// PlaintextReason; Istio ambient: mTLS between all meshed pods)
	TLS *TLS
	// PlaintextReason is the documented opt-out from TLS on App Mesh: why
	// traffic to this service may travel unencrypted. It is recorded as the
	// reviewed suppression of MESH-002 on every client's virtual node.
	// Default: - none; App Mesh services without TLS are refused
	PlaintextReason string
	// Backends are the services this one calls (App Mesh: the only ones it
	// can reach under egress DROP_ALL; Lattice and Istio ambient: each
	// backend admits this service's identity).
	// Default: - none
	Backends []*VirtualService
	// AllowedPrincipals may invoke the service (Lattice IAM auth policy).
	// Default: - principals of this account
	AllowedPrincipals []string
	// AllowedPrincipalTags lets principals of this account invoke the
	// service when they carry one of the listed values of each tag key
	// (aws:PrincipalTag). Lattice authorizes a call only when the caller's
	// own IAM policy allows it too: give every role carrying such a tag
	// GrantInvoke (AdmitsPrincipalTag tells which ones the service admits).
	// It names callers created after the service, such as tenant roles in
	// a later stack, without a cyclic reference to their ARNs.
	// Default: - none
	AllowedPrincipalTags map[string][]string
	// AllowedServiceAccounts may call the service besides the services
	// that list it in their Backends (Istio ambient only): callers outside
	// the intent, such as an Istio ingress gateway or a tenant's workload.
	// Each becomes exactly one principal of the service's authorization
	// policy.
	// Default: - none
	AllowedServiceAccounts []ServiceAccountRef
	// Selector is the pod labels shared by the pods of every version
	// (Istio ambient only, where it is required): the frontend Service
	// selects them, and only the namespace's waypoint may reach them.
	// Other engines ignore it.
	// Default: - none
	Selector map[string]string
	// Gateway adds an App Mesh virtual gateway in front of the service.
	// Default: - none
	Gateway *Gateway
	// WarnOnUnsupported turns features the engine lacks (Lattice: retries,
	// timeouts, outlier detection, gateways; Istio ambient: retries, TLS,
	// gateways, IAM principals, CloudWatch alarms, health checks) from
	// errors into synth warnings. The features are then not rendered.
	// Default: false
	WarnOnUnsupported bool
	// AlarmTopicARN is notified when an alarm of the service fires or
	// recovers (Lattice only; App Mesh and Istio ambient services get no
	// alarms): server
	// errors (5 or more 5xx responses a minute in 3 of 5 minutes) and
	// latency (the p99 of RequestTime at LatencyAlarmMS or more in 3
	// consecutive 5-minute periods).
	// Default: - alarms without notification
	AlarmTopicARN string
	// LatencyAlarmMS is the p99 request time, in milliseconds, at which
	// the latency alarm fires (Lattice only). One hop between services
	// should be well below what a front door allows a whole request.
	// Default: 2000
	LatencyAlarmMS int
}

// VirtualService is the rendered intent.
type VirtualService struct {
	constructs.Construct
	props VirtualServiceProps
	build *validation.Report // errors found while rendering, such as bad policy documents
	// name is what other services address: the App Mesh virtual service
	// name or the Lattice service's DNS name.
	dnsName string
	arn     string
	tls     *TLS
	// Lattice: the auth policy, the caller roles of services that call
	// this one, and this service's own caller role.
	authPolicy vpclatticeauthpolicy.VpclatticeAuthPolicy
	callers    []string
	callerRole *eks.ServiceAccountRole
	// podTargetGroups are the ALB target groups of each version, under
	// PodTargetsALB.
	podTargetGroups map[string]string
	// the rendered service, for the escape hatches
	latticeService vpclatticeservice.VpclatticeService
	appMeshService appmeshvirtualservice.AppmeshVirtualService
	// raised are the Lattice service's alarms; bridges the ALBs of its
	// versions under PodTargetsALB.
	raised  []observe.Alarm
	bridges []bridge
	// Istio ambient: the namespace (a reference to it), the
	// AuthorizationPolicy naming the callers (rewritten as callers
	// register), the callers' principals, and the HTTPRoute of each intent
	// route.
	istioNamespace string
	istioPolicy    manifest.Manifest
	istioCallers   []string
	httpRoutes     map[string]string
}

// bridge is the ALB between Lattice and one version's pods, by the
// dimensions of its metrics.
type bridge struct {
	version, loadBalancer, targetGroup string
}

func withDefaults(id string, p VirtualServiceProps) VirtualServiceProps {
	if p.Name == "" {
		p.Name = id
	}
	if p.ServiceAccount == "" {
		p.ServiceAccount = p.Name
	}
	if p.Port == 0 {
		p.Port = 8080
	}
	if len(p.Routes) == 0 && len(p.Versions) > 0 {
		p.Routes = []Route{{Name: "default", Targets: []Target{{Version: p.Versions[0].Name, Weight: 100}}}}
	}
	for i := range p.Routes {
		if p.Routes[i].PathPrefix == "" {
			p.Routes[i].PathPrefix = "/"
		}
		if rt := p.Routes[i].Retry; rt != nil {
			c := *rt
			if c.PerTryTimeoutMS == 0 {
				c.PerTryTimeoutMS = 2000
			}
			if len(c.Events) == 0 {
				c.Events = []string{"server-error", "gateway-error"}
			}
			p.Routes[i].Retry = &c
		}
	}
	hc := HealthCheck{Path: "/healthz", IntervalSeconds: 10, TimeoutSeconds: 5, HealthyThreshold: 2, UnhealthyThreshold: 3}
	if p.HealthCheck != nil {
		given := *p.HealthCheck
		if given.Path != "" {
			hc.Path = given.Path
		}
		if given.IntervalSeconds != 0 {
			hc.IntervalSeconds = given.IntervalSeconds
		}
		if given.TimeoutSeconds != 0 {
			hc.TimeoutSeconds = given.TimeoutSeconds
		}
		if given.HealthyThreshold != 0 {
			hc.HealthyThreshold = given.HealthyThreshold
		}
		if given.UnhealthyThreshold != 0 {
			hc.UnhealthyThreshold = given.UnhealthyThreshold
		}
	}
	p.HealthCheck = &hc
	return p
}

const maxRoutes = 100

var retryEvents = []string{"server-error", "gateway-error", "client-error", "stream-error"}

// validate records every problem in r. Features the engine lacks are
// errors, or, with WarnOnUnsupported, warnings appended to warns.
func validate(r *validation.Report, p VirtualServiceProps, warns *[]string) {
	if p.Network == nil {
		r.Addf("Network", "is nil; create one with mesh.NewNetwork")
		return
	}
	lattice := p.Network.engine == Lattice
	onIstio := p.Network.engine == IstioAmbient
	if !latticeNameRe.MatchString(p.Name) || strings.Contains(p.Name, "--") {
		r.Addf("Name", "%q must be 3-40 lowercase letters, digits and single hyphens, starting and ending with a letter or digit", p.Name)
	} else if full := p.Network.name + "-" + p.Name; lattice && len(full) > 40 {
		r.Addf("Name", "%q makes the Lattice service name %q %d characters long; Lattice allows 40 (the network name scopes service names, which are unique per account)", p.Name, full, len(full))
	}
	if !validation.DNSLabel(p.Namespace) {
		r.Addf("Namespace", "%q is not a namespace name (RFC 1123 label)", p.Namespace)
	}
	if !validation.DNSSubdomain(p.ServiceAccount) {
		r.Addf("ServiceAccount", "%q is not a service account name (lowercase RFC 1123 subdomain)", p.ServiceAccount)
	}
	if p.Port < 1 || p.Port > 65535 {
		r.Addf("Port", "%d is not a port", p.Port)
	}
	if n := len(p.Versions); n < 1 || n > 10 {
		r.Addf("Versions", "has %d versions; give 1 to 10", n)
	}
	versions := map[string]bool{}
	for i, v := range p.Versions {
		f := fmt.Sprintf("Versions[%d]", i)
		if !validation.DNSLabel(v.Name) {
			r.Addf(f+".Name", "%q must be lowercase letters, digits and hyphens", v.Name)
		}
		if versions[v.Name] {
			r.Addf(f+".Name", "%q is listed twice", v.Name)
		}
		versions[v.Name] = true
		set := 0
		for _, given := range []bool{v.Service != "", v.Hostname != "", v.CloudMap != nil} {
			if given {
				set++
			}
		}
		if set != 1 {
			r.Addf(f, "sets %d of Service, Hostname and CloudMap; set exactly one", set)
		}
		if v.CloudMap != nil && (v.CloudMap.Namespace == "" || v.CloudMap.Service == "") {
			r.Addf(f+".CloudMap", "needs Namespace and Service")
		}
		if tg := p.Network.name + "-" + p.Name + "-" + v.Name; lattice && len(tg) > 128 {
			r.Addf(f+".Name", "makes the target group name %q longer than Lattice's 128 characters", tg)
		}
	}
	if len(p.Routes) > maxRoutes {
		r.Addf("Routes", "has %d routes; at most %d (Lattice rule priorities are 1-100)", len(p.Routes), maxRoutes)
	}
	names := map[string]bool{}
	for i, rt := range p.Routes {
		f := fmt.Sprintf("Routes[%d]", i)
		if !validation.DNSLabel(rt.Name) {
			r.Addf(f+".Name", "%q must be lowercase letters, digits and hyphens", rt.Name)
		}
		if names[rt.Name] {
			r.Addf(f+".Name", "%q is used by another route", rt.Name)
		}
		names[rt.Name] = true
		if !strings.HasPrefix(rt.PathPrefix, "/") {
			r.Addf(f+".PathPrefix", "%q must start with /", rt.PathPrefix)
		}
		if len(rt.Headers) > 10 {
			r.Addf(f+".Headers", "has %d matches; at most 10", len(rt.Headers))
		}
		for j, h := range rt.Headers {
			if h.Name == "" || (h.Exact == "") == (h.Prefix == "") {
				r.Addf(fmt.Sprintf("%s.Headers[%d]", f, j), "needs a Name and exactly one of Exact and Prefix")
			}
		}
		if n := len(rt.Targets); n < 1 || n > 10 {
			r.Addf(f+".Targets", "has %d targets; give 1 to 10", n)
		}
		sum, positive := 0, false
		for j, t := range rt.Targets {
			tf := fmt.Sprintf("%s.Targets[%d]", f, j)
			if !versions[t.Version] {
				r.Addf(tf+".Version", "%q is not one of the Versions", t.Version)
			}
			if t.Weight < 0 || t.Weight > 100 {
				r.Addf(tf+".Weight", "%d is out of range; use 0 to 100 (percent)", t.Weight)
			}
			sum += t.Weight
			positive = positive || t.Weight > 0
		}
		if len(rt.Targets) > 0 && (sum != 100 || !positive) {
			r.Addf(f+".Targets", "weights sum to %d; they are percentages and must sum to 100", sum)
		}
		if rt.ManagedWeights && !onIstio {
			r.Addf(f+".ManagedWeights", "is not supported by %s: a progressive-delivery controller moves weights of Gateway API HTTPRoutes, which only %s renders", p.Network.engine, IstioAmbient)
		}
		if rt.Retry != nil {
			if lattice {
				unsupported(r, p, warns, f+".Retry", "VPC Lattice has no retry policy; make the client retry (with backoff) instead",
					fmt.Sprintf("route %q: retries are not rendered: VPC Lattice has no retry policy", rt.Name))
			} else if onIstio {
				unsupported(r, p, warns, f+".Retry", istioNoRetry,
					fmt.Sprintf("route %q: retries are not rendered: %s", rt.Name, istioNoRetry))
			} else {
				if rt.Retry.MaxRetries < 1 || rt.Retry.MaxRetries > 25 {
					r.Addf(f+".Retry.MaxRetries", "%d is out of range; use 1 to 25", rt.Retry.MaxRetries)
				}
				if rt.Retry.PerTryTimeoutMS < 1 {
					r.Addf(f+".Retry.PerTryTimeoutMS", "%d must be positive", rt.Retry.PerTryTimeoutMS)
				}
				for k, e := range rt.Retry.Events {
					if !validation.OneOf(e, retryEvents...) {
						r.Addf(fmt.Sprintf("%s.Retry.Events[%d]", f, k), "%q is not a retry event; use one of %v", e, retryEvents)
					}
				}
			}
		}
		if rt.TimeoutMS != 0 {
			if lattice {
				unsupported(r, p, warns, f+".TimeoutMS", "VPC Lattice has no per-route timeout; set the client's timeout instead",
					fmt.Sprintf("route %q: the %d ms timeout is not rendered: VPC Lattice has no per-route timeout", rt.Name, rt.TimeoutMS))
			} else if rt.TimeoutMS < 1 {
				r.Addf(f+".TimeoutMS", "%d must be positive", rt.TimeoutMS)
			}
		}
	}
	hc := p.HealthCheck
	if hc.IntervalSeconds < 5 || hc.IntervalSeconds > 300 {
		r.Addf("HealthCheck.IntervalSeconds", "%d is out of range; use 5 to 300", hc.IntervalSeconds)
	}
	if hc.TimeoutSeconds < 2 || hc.TimeoutSeconds > 60 {
		r.Addf("HealthCheck.TimeoutSeconds", "%d is out of range; use 2 to 60", hc.TimeoutSeconds)
	}
	if hc.HealthyThreshold < 2 || hc.HealthyThreshold > 10 {
		r.Addf("HealthCheck.HealthyThreshold", "%d is out of range; use 2 to 10", hc.HealthyThreshold)
	}
	if hc.UnhealthyThreshold < 2 || hc.UnhealthyThreshold > 10 {
		r.Addf("HealthCheck.UnhealthyThreshold", "%d is out of range; use 2 to 10", hc.UnhealthyThreshold)
	}
	if !strings.HasPrefix(hc.Path, "/") {
		r.Addf("HealthCheck.Path", "%q must start with /", hc.Path)
	}
	if o := p.OutlierDetection; o != nil {
		if lattice {
			unsupported(r, p, warns, "OutlierDetection", "VPC Lattice has no outlier detection; its health checks take failing targets out of rotation",
				"outlier detection is not rendered: VPC Lattice has none")
		} else {
			for _, f := range []struct {
				name string
				v    int
			}{{"MaxServerErrors", o.MaxServerErrors}, {"IntervalSeconds", o.IntervalSeconds}, {"BaseEjectionSeconds", o.BaseEjectionSeconds}} {
				if f.v < 1 {
					r.Addf("OutlierDetection."+f.name, "%d must be at least 1", f.v)
				}
			}
			if o.MaxEjectionPercent < 0 || o.MaxEjectionPercent > 100 {
				r.Addf("OutlierDetection.MaxEjectionPercent", "%d is out of range; use 0 to 100 (percent)", o.MaxEjectionPercent)
			}
		}
	}
	if t := p.TLS; t != nil && !onIstio {
		if t.CertificateARN == "" {
			r.Addf("TLS.CertificateARN", "is empty; the service needs an ACM certificate")
		}
		if lattice && t.DomainName == "" {
			r.Addf("TLS.DomainName", "is empty; a Lattice HTTPS listener serves a custom domain matching the certificate")
		}
		if !lattice && t.CertificateAuthorityARN == "" {
			r.Addf("TLS.CertificateAuthorityARN", "is empty; App Mesh clients validate the service against an ACM Private CA")
		}
	}
	if p.Network.engine == AppMesh && p.TLS == nil && strings.TrimSpace(p.PlaintextReason) == "" {
		r.Addf("TLS", "is nil on App Mesh: traffic to the service would not be encrypted; set TLS (ACM certificate and Private CA), or PlaintextReason to say why plaintext is acceptable")
	}
	for _, f := range []struct {
		field string
		set   bool
	}{{"AlarmTopicARN", p.AlarmTopicARN != ""}, {"LatencyAlarmMS", p.LatencyAlarmMS != 0}} {
		if field := f.field; f.set && p.Network.engine == AppMesh {
			unsupported(r, p, warns, field, "the library raises alarms on VPC Lattice metrics only; watch the Envoy proxies' metrics instead",
				field+" is not rendered: App Mesh services get no alarms")
		}
	}
	if p.LatencyAlarmMS < 0 {
		r.Addf("LatencyAlarmMS", "%d is negative; give the p99 request time in milliseconds at which the latency alarm fires, or 0 for 2000", p.LatencyAlarmMS)
	}
	if p.Gateway != nil && lattice {
		unsupported(r, p, warns, "Gateway", "VPC Lattice has no virtual gateway; associate the service network with the clients' VPC, or route from API Gateway through a VPC link",
			"the gateway is not rendered: VPC Lattice has no virtual gateway")
	}
	for i, b := range p.Backends {
		if b == nil || b.props.Network != p.Network {
			r.Addf(fmt.Sprintf("Backends[%d]", i), "is not a service of the same network")
		}
	}
	if len(p.AllowedServiceAccounts) > 0 && !onIstio {
		r.Addf("AllowedServiceAccounts", "is not supported by %s: only %s authorizes callers by their Kubernetes service account (Lattice: AllowedPrincipals, IAM roles)", p.Network.engine, IstioAmbient)
	}
	for _, k := range ptr.SortedKeys(p.AllowedPrincipalTags) {
		f := "AllowedPrincipalTags[" + k + "]"
		if !tagKey.MatchString(k) {
			r.Addf(f, "%q is not an IAM tag key (1-128 letters, digits, spaces and _.:/=+-@)", k)
		}
		if len(p.AllowedPrincipalTags[k]) == 0 {
			r.Addf(f, "lists no values; give the tag values whose principals may invoke the service")
		}
	}
	for i, pr := range p.AllowedPrincipals {
		if !validation.IsToken(pr) && !validation.IAMPrincipalARN(pr) && !strings.HasSuffix(pr, ":root") {
			r.Addf(fmt.Sprintf("AllowedPrincipals[%d]", i), "%q is not an IAM role, user or account root ARN", pr)
		}
	}
}

// unsupported records a feature the engine lacks: an error explaining why,
// or, when the props ask for it, the warning that it is left out.
func unsupported(r *validation.Report, p VirtualServiceProps, warns *[]string, field, why, warning string) {
	if p.WarnOnUnsupported {
		*warns = append(*warns, warning)
		return
	}
	r.Addf(field, "is not supported by %s: %s; remove it, or set WarnOnUnsupported to accept it being left out", p.Network.engine, why)
}

// NewVirtualService validates the intent against the network's engine and
// renders it. It returns every problem with props at once, joined, each a
// *validate.FieldError wrapping validate.ErrInvalid (including intent the
// network's engine cannot express).
func NewVirtualService(scope constructs.Construct, id string, props VirtualServiceProps) (*VirtualService, error) {
	r := validation.ForConstruct("mesh", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	p := withDefaults(id, props)
	var warns []string
	validate(r, p, &warns)
	if p.Network != nil && p.Network.engine == IstioAmbient {
		validateIstio(r, p, props.HealthCheck != nil, &warns)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	vs := &VirtualService{props: p, tls: p.TLS, build: r, podTargetGroups: map[string]string{}, httpRoutes: map[string]string{}}
	constructs.NewConstruct_Override(vs, scope, &id)
	for _, w := range warns {
		cdktf.Annotations_Of(vs).AddWarning(ptr.String(*vs.Node().Path() + ": " + w))
	}
	switch p.Network.engine {
	case AppMesh:
		if err := vs.renderAppMesh(); err != nil {
			return nil, err
		}
	case IstioAmbient:
		vs.renderIstio()
	default:
		if err := vs.renderLattice(); err != nil {
			return nil, err
		}
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return vs, nil
}

// DNSName returns the name clients use to reach the service (Istio
// ambient: the frontend Service, <Name>.<Namespace>.svc.cluster.local).
func (vs *VirtualService) DNSName() string { return vs.dnsName }

// CallerRole returns the IRSA role of the service's own pods (Lattice, when
// the service has Backends and the network a Cluster): annotate the
// workload's service account with its Annotations. It is nil otherwise.
func (vs *VirtualService) CallerRole() *eks.ServiceAccountRole { return vs.callerRole }

// PodTargetGroupARN returns the ARN of the IP target group to register a
// version's pods in (kube.BindTargetGroup) under PodTargetsALB, or "" when
// the network uses another mode or there is no such version.
func (vs *VirtualService) PodTargetGroupARN(version string) string {
	return vs.podTargetGroups[version]
}

// LatticeService returns the VPC Lattice service (nil on the other
// engines), as an escape hatch.
func (vs *VirtualService) LatticeService() vpclatticeservice.VpclatticeService {
	return vs.latticeService
}

// AppMeshService returns the App Mesh virtual service (nil on the other
// engines), as an escape hatch.
func (vs *VirtualService) AppMeshService() appmeshvirtualservice.AppmeshVirtualService {
	return vs.appMeshService
}

// ARN returns the App Mesh virtual service or Lattice service ARN ("" on
// Istio ambient, which has no AWS resource).
func (vs *VirtualService) ARN() string { return vs.arn }

// AdmitsPrincipalTag reports whether the service's auth policy admits
// principals carrying the IAM tag key with the given value
// (AllowedPrincipalTags). Each principal it admits needs GrantInvoke.
func (vs *VirtualService) AdmitsPrincipalTag(key, value string) bool {
	for _, v := range vs.props.AllowedPrincipalTags[key] {
		if v == value {
			return true
		}
	}
	return false
}

// GrantInvoke gives g's role the identity policy a Lattice call needs
// besides the service's auth policy: vpc-lattice-svcs:Invoke on the
// service and every path of it (an inline policy "invoke-<name>" on the
// role, in the role's stack). With the AWS_IAM auth type Lattice allows a
// call only when both policies allow it. On App Mesh and Istio ambient,
// which authorize no calls through IAM, it grants nothing and returns nil.
// It returns an error for a nil grantee or one whose role rejects the
// policy.
func (vs *VirtualService) GrantInvoke(g grant.Grantee) error {
	if g == nil {
		r := validation.NewReport("mesh", *vs.Node().Path())
		r.Addf("GrantInvoke", "grantee is nil; give the role of a caller of %s", vs.props.Name)
		return r.Err()
	}
	if vs.props.Network.engine != Lattice {
		return nil
	}
	return g.AddToRolePolicy("invoke-"+vs.latticeName(),
		iamdoc.Allow("InvokeLatticeService", []string{"vpc-lattice-svcs:Invoke"}, vs.arn, vs.arn+"/*"))
}

// k8sHost is the cluster DNS name of a Kubernetes service.
func k8sHost(service, namespace string) string {
	return service + "." + namespace + ".svc.cluster.local"
}

func (v Version) host(namespace string) string {
	switch {
	case v.Hostname != "":
		return v.Hostname
	case v.CloudMap != nil:
		return v.CloudMap.Service + "." + v.CloudMap.Namespace
	}
	return k8sHost(v.Service, namespace)
}

// tagKey is an IAM tag key.
var tagKey = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$`)
