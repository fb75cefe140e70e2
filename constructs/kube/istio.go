package kube

import (
	"bytes"
	_ "embed" // the Gateway API CRDs
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-helm-go/helm/v10/release"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/manifest"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
	"go.yaml.in/yaml/v3"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/internal/istio"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// GatewayAPIVersion is the Gateway API release whose standard-channel CRDs
// NewIstioAmbient applies: the release Istio 1.30.3 is built and tested
// against.
const GatewayAPIVersion = "v1.5.1"

// gatewayAPIStandardInstall is the release asset standard-install.yaml of
// kubernetes-sigs/gateway-api v1.5.1 as published (config/crd/standard
// joined by hack/build-install-yaml.sh), unchanged: eight
// CustomResourceDefinitions and the ValidatingAdmissionPolicy (and its
// binding) safe-upgrades.gateway.networking.k8s.io, which refuses
// experimental-channel CRDs over standard ones and bundles older than
// v1.5.0. gatewayapi/README.md names its source and digest.
//
//go:embed gatewayapi/standard-install-v1.5.1.yaml
var gatewayAPIStandardInstall []byte

// WaypointLimits returns the resource limits NewIstioAmbient gives every
// waypoint pod istiod deploys (two per meshed namespace): a namespace's
// LimitRange must admit them.
func WaypointLimits() Resources { return Resources{CPU: "1", Memory: "1Gi"} }

// ChartOverride changes one chart of a construct that installs several.
type ChartOverride struct {
	// Version overrides the pinned chart version; OutdatedCharts tells
	// whether it is behind the newest release known.
	// Default: - the Chart* function's Version
	Version string
	// Values are handed to helm after this package's values, so helm
	// merges them over those: maps key by key, lists and scalars
	// replaced whole. For settings this package has no field for, such as
	// an image mirror (global.hub of istiod, hub of istio's cni and
	// ztunnel charts). Values that loosen Pod Security (securityContext
	// keys) are the caller's to justify.
	// Default: - none
	Values map[string]any
}

// IstioAmbientProps configures NewIstioAmbient.
type IstioAmbientProps struct {
	// Cluster Istio runs on (it may live in another stack). Istio's
	// cluster id stays its default, Kubernetes: the charts offer no EKS
	// platform profile (global.platform=eks fails to render with "unknown
	// platform"), and EKS needs none. Required.
	Cluster eks.ClusterRef
	// TrustDomain is the mesh's SPIFFE trust domain, the first part of
	// every workload identity (istio.Principal): istiod signs workload
	// certificates for it and AuthorizationPolicies name callers in it.
	// Changing it on a running mesh re-issues every identity.
	// Default: "cluster.local"
	TrustDomain string
	// IngressGateway also installs an ingress gateway (Istio's gateway
	// chart, release istio-ingress) in the restricted namespace
	// istio-ingress, behind a ClusterIP Service: a load balancer reaches
	// it through a TargetGroupBinding, so Istio creates no load balancer.
	// Default: false
	IngressGateway bool
	// IngressReadinessGates labels istio-ingress so that the AWS Load
	// Balancer Controller gives the gateway's pods a readiness gate for the
	// TargetGroupBinding that registers them (NamespaceProps.ReadinessGates):
	// a rollout of the gateway then waits until the load balancer sees each
	// new pod healthy. The controller's pod webhook must be running before
	// the gateway's pods are created (install NewControllers in an earlier
	// apply): it fails closed, and the gateway's release would time out.
	// Only with IngressGateway.
	// Default: false
	IngressReadinessGates bool
	// WaitFor are installed before any of Istio's charts: the load
	// balancer controller's release, when IngressReadinessGates relies on
	// its pod webhook for the gateway's pods (Controllers.Release).
	// Default: - none
	WaitFor []cdktf.ITerraformDependable
	// Base overrides the base chart (Istio's CRDs and validation
	// webhook).
	// Default: - the pinned version, no extra values
	Base ChartOverride
	// Istiod overrides the istiod chart (the control plane).
	// Default: - the pinned version, no extra values
	Istiod ChartOverride
	// CNI overrides the cni chart (the node agent that redirects ambient
	// pods' traffic into ztunnel).
	// Default: - the pinned version, no extra values
	CNI ChartOverride
	// Ztunnel overrides the ztunnel chart (the per-node mTLS proxy).
	// Default: - the pinned version, no extra values
	Ztunnel ChartOverride
	// Gateway overrides the gateway chart of the ingress gateway (used
	// only with IngressGateway).
	// Default: - the pinned version, no extra values
	Gateway ChartOverride
}

// IstioAmbient is an Istio install in ambient mode: the Gateway API CRDs,
// the control plane (istiod) and the node agents (istio-cni, ztunnel) in
// istio-system, and optionally an ingress gateway.
type IstioAmbient struct {
	constructs.Construct
	trustDomain string
	ingress     bool
	releases    map[string]release.Release
	manifests   []manifest.Manifest
}

// Names NewIstioAmbient gives its namespaces, releases and ingress
// gateway objects.
const (
	istioNamespace        = istio.RootNamespace
	istioIngressNamespace = "istio-ingress"
	// istioIngressName names the gateway release, and so (the chart
	// derives both from it) its Deployment, Service and service account.
	istioIngressName = "istio-ingress"
	// istioProxyUID is the user the Istio proxy image runs as (the
	// injection templates' default ProxyUID and ProxyGID).
	istioProxyUID = 1337
)

// istioPrivilegedReason says why istio-system cannot be restricted; it is
// the only namespace of the install that is not.
const istioPrivilegedReason = "istio-cni and ztunnel are the node agents of Istio ambient mode and run in this namespace. " +
	"istio-cni installs a CNI plugin on every node: it mounts host paths (/opt/cni/bin, /etc/cni/net.d, /proc, /var/run/netns, " +
	"/var/run/istio-cni, /var/run/ztunnel), runs as root with NET_ADMIN, NET_RAW, SYS_ADMIN, SYS_PTRACE and DAC_OVERRIDE " +
	"and AppArmor unconfined, to rewrite pod network namespaces. ztunnel needs NET_ADMIN, SYS_ADMIN and NET_RAW as root " +
	"and the host path /var/run/ztunnel to proxy every ambient pod's traffic. Baseline forbids host paths, these " +
	"capabilities and unconfined AppArmor, so only privileged admits them."

// NewIstioAmbient installs Istio 1.30.3 in ambient mode: the namespace
// istio-system (privileged, the only namespace of the install that is not
// restricted); the Gateway API v1.5.1 standard CRDs and their
// ValidatingAdmissionPolicy and binding, one kubernetes_manifest per
// object; the charts base, istiod (profile ambient), cni and ztunnel, each
// a helm_release that waits until its pods are ready and is rolled back if
// they do not get ready; with props.IngressGateway, the restricted
// namespace istio-ingress and the gateway chart. Explicit depends_on give
// the order: base after its namespace, istiod after base and every
// Gateway API object, cni after istiod, ztunnel after istiod and cni, the
// gateway after istiod (whose injector fills in its proxy) and its
// namespace. istiod is told to give the waypoints and gateways it deploys
// into application namespaces the RuntimeDefault seccomp profile, the one
// setting they lack to pass Pod Security restricted.
//
// It belongs in an add-ons stack applied before any stack that creates
// Gateways, HTTPRoutes or Istio policy objects: a kubernetes_manifest
// resource reads its CRD's schema while planning. It returns every problem
// with props at once, joined, each a *validate.FieldError wrapping
// validate.ErrInvalid.
func NewIstioAmbient(scope constructs.Construct, id string, props IstioAmbientProps) (*IstioAmbient, error) {
	r := validation.ForConstruct("kube", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	if eks.IsNil(props.Cluster) {
		r.Addf("Cluster", "is nil; pass the *eks.Cluster Istio runs on")
	}
	trustDomain := props.TrustDomain
	if trustDomain == "" {
		trustDomain = istio.DefaultTrustDomain
	} else if !validation.IsToken(trustDomain) && !istio.ValidTrustDomain(trustDomain) {
		r.Addf("TrustDomain", "%q is not a SPIFFE trust domain (lowercase letters, digits, '.', '-' and '_', such as cluster.local or prod.example.com)", trustDomain)
	}
	if props.IngressReadinessGates && !props.IngressGateway {
		r.Addf("IngressReadinessGates", "is set but IngressGateway is not; there is no ingress gateway to gate")
	}
	overrides := map[string]chartOverride{}
	for _, o := range []struct {
		field, release string
		override       ChartOverride
	}{
		{"Base", "istio-base", props.Base}, {"Istiod", "istiod", props.Istiod}, {"CNI", "istio-cni", props.CNI},
		{"Ztunnel", "ztunnel", props.Ztunnel}, {"Gateway", istioIngressName, props.Gateway},
	} {
		overrides[o.release] = checkChartOverride(r, o.field, o.override)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	objects, err := gatewayAPIObjects()
	if err != nil {
		return nil, err
	}

	m := &IstioAmbient{trustDomain: trustDomain, ingress: props.IngressGateway, releases: map[string]release.Release{}}
	constructs.NewConstruct_Override(m, scope, &id)
	ns, err := NewNamespace(m, "namespace", NamespaceProps{
		Name: istioNamespace, PodSecurity: PodSecurityPrivileged, RelaxReason: istioPrivilegedReason,
	})
	if err != nil {
		return nil, err
	}

	// The Gateway API CRDs, before istiod: istiod serves Gateway API
	// resources (waypoints are Gateways) only for CRDs present.
	crds := constructs.NewConstruct(m, ptr.String("gateway-api"))
	var crdDeps []cdktf.ITerraformDependable
	for _, obj := range objects {
		mf := manifest.NewManifest(crds, ptr.String(manifestID(obj)), &manifest.ManifestConfig{Manifest: &obj})
		m.manifests = append(m.manifests, mf)
		crdDeps = append(crdDeps, mf)
	}

	seccomp := map[string]string{"type": "RuntimeDefault"}
	base := m.install(releaseSpec{
		id: "istio-base", chart: chartIstioBase, override: overrides["istio-base"], namespace: ns.Name(),
		values: istioBaseValues{DefaultRevision: "default"},
		deps:   append([]cdktf.ITerraformDependable{ns.Resource()}, props.WaitFor...),
	})
	istiod := m.install(releaseSpec{
		id: "istiod", chart: chartIstiod, override: overrides["istiod"], namespace: ns.Name(),
		values: istiodValues{
			Profile: "ambient",
			// Two replicas: the chart's PodDisruptionBudget keeps one
			// available, which with a single replica blocks every node
			// drain (node group upgrades, cluster-autoscaler scale-in).
			AutoscaleMin: 2,
			// The chart's "small install" requests, pinned here so that
			// a chart upgrade that changes them is a visible change.
			Resources:      resourceValues{Requests: map[string]string{"cpu": "500m", "memory": "2048Mi"}},
			SeccompProfile: seccomp,
			MeshConfig:     istioMeshConfig{TrustDomain: trustDomain},
			// The waypoints (files/waypoint.yaml) and Gateway API
			// gateways (files/kube-gateway.yaml) istiod deploys into
			// application namespaces already run as 1337, non-root,
			// without privilege escalation, with every capability dropped
			// and only emptyDir, configMap, downwardAPI and projected
			// volumes (and, for gateways, the safe sysctl
			// net.ipv4.ip_unprivileged_port_start); the seccomp profile is
			// the one thing Pod Security restricted also requires, and it
			// is off by default.
			Gateways: istioGatewaysValues{SeccompProfile: seccomp},
			// Every request into a meshed namespace passes its waypoint:
			// two replicas, one kept through node drains, spread over
			// zones, and limits a tenant's LimitRange can admit
			// (WaypointLimits()).
			Global: map[string]any{"waypoint": map[string]any{
				"resources": map[string]any{
					"requests": map[string]string{"cpu": "100m", "memory": "128Mi"},
					"limits":   map[string]string{"cpu": WaypointLimits().CPU, "memory": WaypointLimits().Memory},
				},
				"topologySpreadConstraints": []any{map[string]any{
					"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway",
					"labelSelector": map[string]any{"matchLabels": map[string]string{"gateway.istio.io/managed": "istio.io-mesh-controller"}},
				}},
			}},
			GatewayClasses: map[string]any{"istio-waypoint": map[string]any{
				"deployment":          map[string]any{"spec": map[string]any{"replicas": 2}},
				"podDisruptionBudget": map[string]any{"spec": map[string]any{"minAvailable": 1}},
			}},
		},
		deps: append([]cdktf.ITerraformDependable{base}, crdDeps...),
	})
	// The node agents tolerate every taint: kept off Fargate, which runs
	// no DaemonSet (their pods would stay Pending there for ever, and
	// ztunnel's rolling updates, maxUnavailable 0, would never finish).
	notFargate := map[string]any{"nodeAffinity": map[string]any{"requiredDuringSchedulingIgnoredDuringExecution": map[string]any{
		"nodeSelectorTerms": []any{map[string]any{"matchExpressions": []any{map[string]any{
			"key": "eks.amazonaws.com/compute-type", "operator": "NotIn", "values": []string{"fargate"},
		}}}},
	}}}
	cni := m.install(releaseSpec{
		id: "istio-cni", chart: chartIstioCNI, override: overrides["istio-cni"], namespace: ns.Name(),
		// profile ambient turns on ambient redirection (cni.ambient.enabled).
		values: istioNodeAgentValues{Profile: "ambient", Resources: resourceValues{Requests: map[string]string{"cpu": "100m", "memory": "100Mi"}}, Affinity: notFargate},
		deps:   []cdktf.ITerraformDependable{istiod},
	})
	m.install(releaseSpec{
		id: "ztunnel", chart: chartZtunnel, override: overrides["ztunnel"], namespace: ns.Name(),
		values: istioNodeAgentValues{Profile: "ambient", Resources: resourceValues{Requests: map[string]string{"cpu": "200m", "memory": "512Mi"}}, Affinity: notFargate},
		deps:   []cdktf.ITerraformDependable{istiod, cni},
	})

	if props.IngressGateway {
		ingressNS, err := NewNamespace(m, "ingress-namespace", NamespaceProps{Name: istioIngressNamespace, ReadinessGates: props.IngressReadinessGates})
		if err != nil {
			return nil, err
		}
		m.install(releaseSpec{
			id: istioIngressName, chart: chartIstioGateway, override: overrides[istioIngressName], namespace: ingressNS.Name(),
			values: istioGatewayValues{
				// A load balancer in front binds the Service's pods through
				// a TargetGroupBinding; Istio makes no load balancer.
				Service: map[string]string{"type": "ClusterIP"},
				// istio=ingress is the selector Istio Gateway objects use;
				// the gateway stays out of the ambient data plane (it is a
				// full proxy itself), as the chart's default says.
				Labels:         map[string]string{"istio": "ingress", istio.DataplaneModeLabel: "none"},
				ServiceAccount: serviceAccountValues{Create: true, Name: istioIngressName},
				Autoscaling:    istioAutoscalingValues{Enabled: true, MinReplicas: 2, MaxReplicas: 5},
				// Only rendered with two or more replicas, as here.
				PodDisruptionBudget: map[string]int{"maxUnavailable": 1},
				// Setting securityContext replaces the chart's default,
				// which is only the sysctl below (safe since Kubernetes
				// 1.22, allowed by restricted): the proxy binds 80 and 443
				// as user 1337.
				SecurityContext: podSecurityValues{
					RunAsNonRoot:   true,
					SeccompProfile: seccomp,
					Sysctls:        []map[string]string{{"name": "net.ipv4.ip_unprivileged_port_start", "value": "0"}},
				},
				ContainerSecurityContext: containerSecurityValues{
					AllowPrivilegeEscalation: false,
					Capabilities:             map[string][]string{"drop": {"ALL"}},
					Privileged:               false,
					ReadOnlyRootFilesystem:   true,
					RunAsNonRoot:             true,
					RunAsUser:                istioProxyUID,
					RunAsGroup:               istioProxyUID,
					SeccompProfile:           seccomp,
				},
			},
			deps: []cdktf.ITerraformDependable{istiod, ingressNS.Resource()},
		})
	}
	return m, nil
}

// install adds one helm_release of the install.
func (m *IstioAmbient) install(s releaseSpec) release.Release {
	s.name = s.id
	rel := newRelease(m, s)
	m.releases[s.id] = rel
	return rel
}

// Namespace returns the namespace of istiod and the node agents,
// istio-system (the name, not a reference: objects in other stacks need
// no cross-stack reference for it).
func (m *IstioAmbient) Namespace() string { return istioNamespace }

// IngressNamespace returns the ingress gateway's namespace, istio-ingress,
// or "" without IngressGateway.
func (m *IstioAmbient) IngressNamespace() string {
	if !m.ingress {
		return ""
	}
	return istioIngressNamespace
}

// IngressServiceName returns the name of the ingress gateway's ClusterIP
// Service (ports 80, 443 and the status port 15021), which a
// TargetGroupBinding registers, or "" without IngressGateway.
func (m *IstioAmbient) IngressServiceName() string {
	if !m.ingress {
		return ""
	}
	return istioIngressName
}

// IngressServiceAccount returns the ingress gateway's service account
// (its workload identity is istio.Principal(TrustDomain(),
// IngressNamespace(), IngressServiceAccount())), or "" without
// IngressGateway.
func (m *IstioAmbient) IngressServiceAccount() string {
	if !m.ingress {
		return ""
	}
	return istioIngressName
}

// TrustDomain returns the mesh's trust domain.
func (m *IstioAmbient) TrustDomain() string { return m.trustDomain }

// Release returns the helm_release of "istio-base", "istiod", "istio-cni",
// "ztunnel" or "istio-ingress" (nil without IngressGateway), as an escape
// hatch.
func (m *IstioAmbient) Release(name string) release.Release { return m.releases[name] }

// Releases returns every helm_release of the install by release name (a
// copy of the map).
func (m *IstioAmbient) Releases() map[string]release.Release {
	out := make(map[string]release.Release, len(m.releases))
	for k, v := range m.releases {
		out[k] = v
	}
	return out
}

// GatewayAPIManifests returns the kubernetes_manifest resources of the
// Gateway API CRDs and their admission policy, in the order of the
// release file, as an escape hatch.
func (m *IstioAmbient) GatewayAPIManifests() []manifest.Manifest {
	return append([]manifest.Manifest(nil), m.manifests...)
}

// chartOverride is a checked ChartOverride: its version and its values as
// JSON ("" when none).
type chartOverride struct {
	version, values string
}

// checkChartOverride reports a version that is not exact and values that
// do not marshal to JSON.
func checkChartOverride(r *validation.Report, field string, o ChartOverride) chartOverride {
	if v := o.Version; v != "" && !chartVersion.MatchString(v) {
		r.Addf(field+".Version", "%q is not an exact chart version such as 1.2.3 (ranges are not allowed: upgrades are reviewed changes)", v)
	}
	out := chartOverride{version: o.Version}
	if len(o.Values) > 0 {
		doc, err := json.Marshal(o.Values)
		if err != nil {
			r.Addf(field+".Values", "cannot be handed to helm: %v; use strings, numbers, bools, lists and maps", err)
		}
		out.values = string(doc)
	}
	return out
}

// releaseSpec is one helm_release.
type releaseSpec struct {
	id, name  string
	chart     Chart
	override  chartOverride
	namespace string
	values    any
	deps      []cdktf.ITerraformDependable
}

// newRelease adds a helm_release with the options of every release of this
// package: wait for ready pods, roll back a release that does not get
// there, keep five revisions.
func newRelease(scope constructs.Construct, s releaseSpec) release.Release {
	version := s.chart.Version
	if s.override.version != "" {
		version = s.override.version
	}
	doc, err := json.Marshal(s.values)
	if err != nil {
		// The values types hold strings, numbers, bools and maps and
		// lists of them; they always marshal.
		panic(fmt.Sprintf("kube: marshalling %s values: %v", s.id, err))
	}
	values := []*string{ptr.String(string(doc))}
	if s.override.values != "" {
		// Helm merges later values documents over earlier ones.
		values = append(values, ptr.String(s.override.values))
	}
	cfg := &release.ReleaseConfig{
		Name:          ptr.String(s.name),
		Repository:    ptr.String(s.chart.Repository),
		Chart:         ptr.String(s.chart.Name),
		Version:       ptr.String(version),
		Namespace:     ptr.String(s.namespace),
		Values:        &values,
		Wait:          true,
		Atomic:        true,
		CleanupOnFail: true,
		Timeout:       ptr.Number(600),
		MaxHistory:    ptr.Number(5),
	}
	if len(s.deps) > 0 {
		deps := append([]cdktf.ITerraformDependable(nil), s.deps...)
		cfg.DependsOn = &deps
	}
	return release.NewRelease(scope, ptr.String(s.id), cfg)
}

// gatewayAPIObjects parses the embedded Gateway API install once.
var gatewayAPIObjects = sync.OnceValues(func() ([]map[string]any, error) {
	return parseManifests(gatewayAPIStandardInstall)
})

// parseManifests reads a multi-document Kubernetes YAML file into one
// object per document, as kubectl would send them: documents that are
// empty (only comments) are skipped, each object's status is dropped
// (the API server owns it), and everything else is kept as written:
// strings stay strings (timestamps too), numbers and bools stay numbers
// and bools. "${" and "%{" in strings are escaped as "$${" and "%%{" so that
// Terraform passes them through rather than interpolating. Every object
// needs apiVersion, kind and metadata.name, and the construct ids derived
// from kind and name (manifestID) must be unique.
func parseManifests(data []byte) ([]map[string]any, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []map[string]any
	ids := map[string]bool{}
	for i := 0; ; i++ {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("kube: gateway API document %d: %w", i, err)
		}
		if len(doc.Content) == 0 {
			continue
		}
		v, err := yamlValue(doc.Content[0])
		if err != nil {
			return nil, fmt.Errorf("kube: gateway API document %d: %w", i, err)
		}
		if v == nil {
			continue
		}
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("kube: gateway API document %d (line %d) is not an object", i, doc.Content[0].Line)
		}
		delete(obj, "status")
		meta, _ := obj["metadata"].(map[string]any)
		name, _ := meta["name"].(string)
		kind, _ := obj["kind"].(string)
		if api, _ := obj["apiVersion"].(string); api == "" || kind == "" || name == "" {
			return nil, fmt.Errorf("kube: gateway API document %d (line %d) lacks apiVersion, kind or metadata.name", i, doc.Content[0].Line)
		}
		id := manifestID(obj)
		if ids[id] {
			return nil, fmt.Errorf("kube: gateway API document %d: a second %s %s", i, kind, name)
		}
		ids[id] = true
		out = append(out, obj)
	}
	return out, nil
}

// manifestID is the construct id of an object's kubernetes_manifest: its
// kind and name, lowercase, with dots as dashes
// ("customresourcedefinition-httproutes-gateway-networking-k8s-io"). It is
// part of the Terraform address: a rename recreates the object.
func manifestID(obj map[string]any) string {
	kind, _ := obj["kind"].(string)
	meta, _ := obj["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	return strings.ToLower(kind) + "-" + strings.ReplaceAll(strings.ToLower(name), ".", "-")
}

// yamlValue converts a YAML node to the JSON value kubectl would send.
func yamlValue(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.AliasNode:
		return yamlValue(n.Alias)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!merge" || k.ShortTag() == "!!null" {
				return nil, fmt.Errorf("line %d: key is not a plain scalar (merge keys and complex keys are not supported)", k.Line)
			}
			if strings.Contains(k.Value, "${") || strings.Contains(k.Value, "%{") {
				return nil, fmt.Errorf("line %d: key %q holds a Terraform template sequence", k.Line, k.Value)
			}
			if _, dup := m[k.Value]; dup {
				return nil, fmt.Errorf("line %d: duplicate key %q", k.Line, k.Value)
			}
			val, err := yamlValue(v)
			if err != nil {
				return nil, err
			}
			m[k.Value] = val
		}
		return m, nil
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			val, err := yamlValue(c)
			if err != nil {
				return nil, err
			}
			l = append(l, val)
		}
		return l, nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str", "!!timestamp":
			return escapeTemplate(n.Value), nil
		case "!!null":
			return nil, nil
		case "!!bool", "!!int", "!!float":
			var v any
			if err := n.Decode(&v); err != nil {
				return nil, fmt.Errorf("line %d: %w", n.Line, err)
			}
			if f, ok := v.(float64); ok && (math.IsInf(f, 0) || math.IsNaN(f)) {
				return nil, fmt.Errorf("line %d: %s has no JSON form", n.Line, n.Value)
			}
			return v, nil
		}
		return nil, fmt.Errorf("line %d: unsupported YAML tag %s", n.Line, n.ShortTag())
	}
	return nil, fmt.Errorf("line %d: unsupported YAML node", n.Line)
}

// escapeTemplate escapes Terraform's template sequences in a literal string.
func escapeTemplate(s string) string {
	if !strings.Contains(s, "${") && !strings.Contains(s, "%{") {
		return s
	}
	return strings.NewReplacer("${", "$${", "%{", "%%{").Replace(s)
}

// The typed values of the Istio charts: only the keys this package sets,
// named as in each chart's values.yaml (whose defaults sit under
// _internal_defaults_do_not_set and are set at the top level).
type (
	resourceValues struct {
		Requests map[string]string `json:"requests"`
	}
	istioBaseValues struct {
		DefaultRevision string `json:"defaultRevision"`
	}
	istioMeshConfig struct {
		TrustDomain string `json:"trustDomain"`
	}
	istioGatewaysValues struct {
		SeccompProfile map[string]string `json:"seccompProfile"`
	}
	istiodValues struct {
		Global         map[string]any      `json:"global"`
		GatewayClasses map[string]any      `json:"gatewayClasses"`
		Profile        string              `json:"profile"`
		AutoscaleMin   int                 `json:"autoscaleMin"`
		Resources      resourceValues      `json:"resources"`
		SeccompProfile map[string]string   `json:"seccompProfile"`
		MeshConfig     istioMeshConfig     `json:"meshConfig"`
		Gateways       istioGatewaysValues `json:"gateways"`
	}
	istioNodeAgentValues struct {
		Profile   string         `json:"profile"`
		Resources resourceValues `json:"resources"`
		Affinity  map[string]any `json:"affinity"`
	}
	istioAutoscalingValues struct {
		Enabled     bool `json:"enabled"`
		MinReplicas int  `json:"minReplicas"`
		MaxReplicas int  `json:"maxReplicas"`
	}
	podSecurityValues struct {
		RunAsNonRoot   bool                `json:"runAsNonRoot"`
		SeccompProfile map[string]string   `json:"seccompProfile"`
		Sysctls        []map[string]string `json:"sysctls,omitempty"`
	}
	containerSecurityValues struct {
		AllowPrivilegeEscalation bool                `json:"allowPrivilegeEscalation"`
		Capabilities             map[string][]string `json:"capabilities"`
		Privileged               bool                `json:"privileged"`
		ReadOnlyRootFilesystem   bool                `json:"readOnlyRootFilesystem"`
		RunAsNonRoot             bool                `json:"runAsNonRoot"`
		RunAsUser                int                 `json:"runAsUser,omitempty"`
		RunAsGroup               int                 `json:"runAsGroup,omitempty"`
		SeccompProfile           map[string]string   `json:"seccompProfile"`
	}
	istioGatewayValues struct {
		Service                  map[string]string       `json:"service"`
		Labels                   map[string]string       `json:"labels"`
		ServiceAccount           serviceAccountValues    `json:"serviceAccount"`
		Autoscaling              istioAutoscalingValues  `json:"autoscaling"`
		PodDisruptionBudget      map[string]int          `json:"podDisruptionBudget"`
		SecurityContext          podSecurityValues       `json:"securityContext"`
		ContainerSecurityContext containerSecurityValues `json:"containerSecurityContext"`
	}
)
