package kube_test

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-cdk-go/cdktf"
	"go.yaml.in/yaml/v3"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// istio installs NewIstioAmbient with props (Cluster filled in unless set)
// in stack, next to its providers.
func (e *env) istio(t testing.TB, stack cdktf.TerraformStack, props kube.IstioAmbientProps) *kube.IstioAmbient {
	t.Helper()
	if _, err := kube.NewProviders(stack, "kubernetes", kube.ProvidersProps{Cluster: e.cluster, Region: "eu-west-1"}); err != nil {
		t.Fatal(err)
	}
	if props.Cluster == nil {
		props.Cluster = e.cluster
	}
	m, err := kube.NewIstioAmbient(stack, "istio", props)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// istioRelease returns the helm_release of an Istio release and its values
// documents, parsed.
func istioRelease(t testing.TB, doc tftest.Doc, name string) (map[string]any, []map[string]any) {
	t.Helper()
	r := doc.One(t, "helm_release", "istio_"+name+"_")
	var values []map[string]any
	for _, v := range tftest.Strings(r["values"]) {
		values = append(values, mustJSON(t, v))
	}
	if len(values) == 0 {
		t.Fatalf("%s has no values", name)
	}
	return r, values
}

// dependsOn returns a resource's depends_on, sorted.
func dependsOn(r map[string]any) []string {
	return sorted(tftest.Strings(r["depends_on"]))
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// The upstream install file, parsed independently of the package: the
// objects each kubernetes_manifest must carry, without status.
func upstreamGatewayAPI(t *testing.T) []map[string]any {
	t.Helper()
	b, err := os.ReadFile("gatewayapi/standard-install-v1.5.1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	var out []map[string]any
	for {
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil {
			break
		}
		if obj == nil {
			continue
		}
		delete(obj, "status")
		// As JSON, the way the manifest reaches Terraform.
		j, err := json.Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		var back map[string]any
		if err := json.Unmarshal(j, &back); err != nil {
			t.Fatal(err)
		}
		out = append(out, back)
	}
	return out
}

func TestIstioAmbient(t *testing.T) {
	e := newEnv(t, nil)
	addons := e.other(t, "addons")
	m := e.istio(t, addons, kube.IstioAmbientProps{IngressGateway: true, IngressReadinessGates: true, TrustDomain: "prod.example.com"})
	doc := synth(t, addons)

	// Namespaces: istio-system is the one that is not restricted, and
	// says why.
	nsAddr := map[string]string{}
	for name, ns := range doc.Resources("kubernetes_namespace_v1") {
		nsName, enforce := str(ns, "metadata", "name"), str(ns, "metadata", "labels", "pod-security.kubernetes.io/enforce")
		nsAddr[nsName] = "kubernetes_namespace_v1." + name
		switch {
		case nsName == "istio-system":
			reason := str(ns, "metadata", "annotations", "hybridstack.io/pod-security-reason")
			if enforce != "privileged" || !strings.Contains(reason, "istio-cni installs a CNI plugin on every node") ||
				!strings.Contains(reason, "ztunnel needs NET_ADMIN, SYS_ADMIN and NET_RAW") {
				t.Errorf("istio-system: enforce %q, reason %q", enforce, reason)
			}
		case enforce != "restricted":
			t.Errorf("namespace %s enforces %q; only istio-system may be below restricted", nsName, enforce)
		}
		if gates := str(ns, "metadata", "labels", "elbv2.k8s.aws/pod-readiness-gate-inject"); (gates == "enabled") != (nsName == "istio-ingress") {
			t.Errorf("namespace %s readiness gates label = %q, want enabled on istio-ingress only", nsName, gates)
		}
	}
	if got := strings.Join(ptr.SortedKeys(nsAddr), ","); got != "istio-ingress,istio-system" {
		t.Errorf("namespaces = %s", got)
	}

	// Releases: Istio's charts 1.30.3, the usual options.
	releases := map[string]kube.Chart{
		"istio-base": kube.ChartIstioBase(), "istiod": kube.ChartIstiod(), "istio-cni": kube.ChartIstioCNI(),
		"ztunnel": kube.ChartZtunnel(), "istio-ingress": kube.ChartIstioGateway(),
	}
	if n := len(doc.Resources("helm_release")); n != len(releases) {
		t.Errorf("%d helm releases, want %d", n, len(releases))
	}
	addr := map[string]string{}
	for name, chart := range releases {
		r, _ := istioRelease(t, doc, name)
		addr[name] = doc.Address(t, "helm_release", "istio_"+name+"_")
		ns := "istio-system"
		if name == "istio-ingress" {
			ns = "istio-ingress"
		}
		if chart.Repository != "https://istio-release.storage.googleapis.com/charts" || chart.Version != "1.30.3" {
			t.Errorf("%s chart = %+v", name, chart)
		}
		if r["repository"] != chart.Repository || r["chart"] != chart.Name || r["name"] != name || r["version"] != "1.30.3" ||
			r["namespace"] != "${"+nsAddr[ns]+".metadata[0].name}" {
			t.Errorf("%s release = %v %v %v %v %v", name, r["repository"], r["chart"], r["name"], r["version"], r["namespace"])
		}
		if r["wait"] != true || r["atomic"] != true || r["cleanup_on_fail"] != true || r["timeout"] != float64(600) || r["max_history"] != float64(5) {
			t.Errorf("%s release options = %v", name, r)
		}
		if m.Release(name) == nil || m.Releases()[name] == nil {
			t.Errorf("Release(%q) = nil", name)
		}
	}

	_, iv := istioRelease(t, doc, "istiod")
	istiod := iv[0]
	if istiod["profile"] != "ambient" || str(istiod, "meshConfig", "trustDomain") != "prod.example.com" ||
		str(istiod, "gateways", "seccompProfile", "type") != "RuntimeDefault" || str(istiod, "seccompProfile", "type") != "RuntimeDefault" ||
		str(istiod, "resources", "requests", "cpu") != "500m" || str(istiod, "resources", "requests", "memory") != "2048Mi" ||
		istiod["autoscaleMin"] != float64(2) {
		t.Errorf("istiod values = %v", istiod)
	}
	if len(iv) != 1 {
		t.Errorf("istiod has %d values documents without overrides", len(iv))
	}
	for name, cpu := range map[string]string{"istio-cni": "100m", "ztunnel": "200m"} {
		_, v := istioRelease(t, doc, name)
		if v[0]["profile"] != "ambient" || str(v[0], "resources", "requests", "cpu") != cpu {
			t.Errorf("%s values = %v", name, v[0])
		}
		// No EKS platform profile exists: global.platform=eks fails.
		if get(v[0], "global", "platform") != nil || v[0]["platform"] != nil {
			t.Errorf("%s sets a platform: %v", name, v[0])
		}
	}
	if _, v := istioRelease(t, doc, "istio-base"); v[0]["defaultRevision"] != "default" {
		t.Errorf("base values = %v", v[0])
	}

	// The ingress gateway: ClusterIP, Istio's gateway labels, and a pod
	// that passes restricted.
	_, gv := istioRelease(t, doc, "istio-ingress")
	gw := gv[0]
	if str(gw, "service", "type") != "ClusterIP" || str(gw, "labels", "istio") != "ingress" || str(gw, "labels", "istio.io/dataplane-mode") != "none" ||
		str(gw, "serviceAccount", "name") != "istio-ingress" || get(gw, "serviceAccount", "create") != true {
		t.Errorf("gateway values = %v", gw)
	}
	if pod := get(gw, "securityContext"); get(pod, "runAsNonRoot") != true || str(pod, "seccompProfile", "type") != "RuntimeDefault" ||
		str(pod, "sysctls", 0, "name") != "net.ipv4.ip_unprivileged_port_start" || str(pod, "sysctls", 0, "value") != "0" || len(get(pod, "sysctls").([]any)) != 1 {
		t.Errorf("gateway pod securityContext = %v", pod)
	}
	if c := get(gw, "containerSecurityContext"); get(c, "allowPrivilegeEscalation") != false || get(c, "privileged") != false ||
		get(c, "runAsNonRoot") != true || get(c, "runAsUser") != float64(1337) || str(c, "seccompProfile", "type") != "RuntimeDefault" ||
		!reflect.DeepEqual(get(c, "capabilities"), map[string]any{"drop": []any{"ALL"}}) {
		t.Errorf("gateway containerSecurityContext = %v", c)
	}

	// The Gateway API objects: one manifest each, as upstream wrote them
	// less status, with ids from kind and name.
	upstream := upstreamGatewayAPI(t)
	manifests := doc.Resources("kubernetes_manifest")
	if len(upstream) != 10 || len(manifests) != 10 || len(m.GatewayAPIManifests()) != 10 {
		t.Fatalf("%d upstream objects, %d manifests, want 10 (8 CRDs, the policy and its binding)", len(upstream), len(manifests))
	}
	kinds := map[string]int{}
	var crdAddrs, ids []string
	for name, r := range manifests {
		obj, _ := r["manifest"].(map[string]any)
		kinds[str(obj, "kind")]++
		if _, ok := obj["status"]; ok {
			t.Errorf("%s keeps status", name)
		}
		found := false
		for _, want := range upstream {
			if str(want, "kind") == str(obj, "kind") && str(want, "metadata", "name") == str(obj, "metadata", "name") {
				found = true
				if !reflect.DeepEqual(obj, want) {
					t.Errorf("%s differs from the upstream object", name)
				}
			}
		}
		if !found {
			t.Errorf("%s is no upstream object", name)
		}
		if str(obj, "kind") == "CustomResourceDefinition" && str(obj, "metadata", "annotations", "gateway.networking.k8s.io/bundle-version") != kube.GatewayAPIVersion {
			t.Errorf("%s bundle version = %v", name, get(obj, "metadata", "annotations"))
		}
		crdAddrs = append(crdAddrs, "kubernetes_manifest."+name)
		ids = append(ids, name[strings.Index(name, "gateway-api_")+len("gateway-api_"):strings.LastIndex(name, "_")])
	}
	if kinds["CustomResourceDefinition"] != 8 || kinds["ValidatingAdmissionPolicy"] != 1 || kinds["ValidatingAdmissionPolicyBinding"] != 1 {
		t.Errorf("manifest kinds = %v", kinds)
	}
	// The ids are Terraform addresses: a change recreates the objects.
	wantIDs := []string{
		"customresourcedefinition-backendtlspolicies-gateway-networking-k8s-io",
		"customresourcedefinition-gatewayclasses-gateway-networking-k8s-io",
		"customresourcedefinition-gateways-gateway-networking-k8s-io",
		"customresourcedefinition-grpcroutes-gateway-networking-k8s-io",
		"customresourcedefinition-httproutes-gateway-networking-k8s-io",
		"customresourcedefinition-listenersets-gateway-networking-k8s-io",
		"customresourcedefinition-referencegrants-gateway-networking-k8s-io",
		"customresourcedefinition-tlsroutes-gateway-networking-k8s-io",
		"validatingadmissionpolicy-safe-upgrades-gateway-networking-k8s-io",
		"validatingadmissionpolicybinding-safe-upgrades-gateway-networking-k8s-io",
	}
	if got := strings.Join(sorted(ids), "\n"); got != strings.Join(wantIDs, "\n") {
		t.Errorf("manifest ids\n%s\nwant\n%s", got, strings.Join(wantIDs, "\n"))
	}

	// Order: the namespace, then base and the CRDs, then istiod, then the
	// node agents; the gateway after istiod (its injector fills in the
	// proxy).
	deps := func(name string) []string { r, _ := istioRelease(t, doc, name); return dependsOn(r) }
	if d := deps("istio-base"); !contains(d, nsAddr["istio-system"]) {
		t.Errorf("base depends_on %v, want the namespace", d)
	}
	istiodDeps := deps("istiod")
	for _, want := range append([]string{addr["istio-base"]}, crdAddrs...) {
		if !contains(istiodDeps, want) {
			t.Errorf("istiod depends_on %v, want %s", istiodDeps, want)
		}
	}
	if d := deps("istio-cni"); !contains(d, addr["istiod"]) {
		t.Errorf("cni depends_on %v, want istiod", d)
	}
	if d := deps("ztunnel"); !contains(d, addr["istiod"]) || !contains(d, addr["istio-cni"]) {
		t.Errorf("ztunnel depends_on %v, want istiod and cni", d)
	}
	if d := deps("istio-ingress"); !contains(d, addr["istiod"]) || !contains(d, nsAddr["istio-ingress"]) {
		t.Errorf("gateway depends_on %v, want istiod and its namespace", d)
	}
	for _, r := range manifests {
		if len(dependsOn(r)) != 0 {
			t.Errorf("a CRD depends on %v", dependsOn(r))
		}
	}

	if m.Namespace() != "istio-system" || m.IngressNamespace() != "istio-ingress" || m.IngressServiceName() != "istio-ingress" ||
		m.IngressServiceAccount() != "istio-ingress" || m.TrustDomain() != "prod.example.com" || len(m.Releases()) != 5 {
		t.Errorf("accessors: %q %q %q %q %q %d", m.Namespace(), m.IngressNamespace(), m.IngressServiceName(), m.IngressServiceAccount(), m.TrustDomain(), len(m.Releases()))
	}
}

// Without an ingress gateway there is no istio-ingress at all; chart
// overrides change the version and add a values document helm merges
// last.
func TestIstioAmbientDefaultsAndOverrides(t *testing.T) {
	e := newEnv(t, nil)
	addons := e.other(t, "addons")
	m := e.istio(t, addons, kube.IstioAmbientProps{
		Istiod:  kube.ChartOverride{Version: "1.30.2", Values: map[string]any{"global": map[string]any{"hub": "mirror.example.com/istio"}}},
		Ztunnel: kube.ChartOverride{Values: map[string]any{"hub": "mirror.example.com/istio"}},
		Gateway: kube.ChartOverride{Version: "1.30.1"}, // no gateway: unused
	})
	doc := synth(t, addons)
	var names []string
	for name := range doc.Resources("helm_release") {
		names = append(names, name[len("istio_"):strings.LastIndex(name, "_")])
	}
	if got := strings.Join(sorted(names), ","); got != "istio-base,istio-cni,istiod,ztunnel" {
		t.Errorf("releases = %s", got)
	}
	if n := len(doc.Resources("kubernetes_namespace_v1")); n != 1 {
		t.Errorf("%d namespaces, want istio-system only", n)
	}
	r, iv := istioRelease(t, doc, "istiod")
	if r["version"] != "1.30.2" || len(iv) != 2 || str(iv[1], "global", "hub") != "mirror.example.com/istio" || str(iv[0], "meshConfig", "trustDomain") != "cluster.local" {
		t.Errorf("istiod version %v, values %v", r["version"], iv)
	}
	if r, zv := istioRelease(t, doc, "ztunnel"); r["version"] != "1.30.3" || len(zv) != 2 || zv[1]["hub"] != "mirror.example.com/istio" {
		t.Errorf("ztunnel version %v, values %v", r["version"], zv)
	}
	if _, cv := istioRelease(t, doc, "istio-cni"); len(cv) != 1 {
		t.Errorf("cni values = %v", cv)
	}
	if m.TrustDomain() != "cluster.local" || m.IngressNamespace() != "" || m.IngressServiceName() != "" || m.IngressServiceAccount() != "" ||
		m.Release("istio-ingress") != nil || len(m.Releases()) != 4 {
		t.Errorf("accessors without ingress: %q %q %q %q", m.TrustDomain(), m.IngressNamespace(), m.IngressServiceName(), m.IngressServiceAccount())
	}
}

func TestIstioAmbientValidation(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name  string
		props kube.IstioAmbientProps
		want  []string
	}{
		{"nothing given", kube.IstioAmbientProps{}, []string{`kube "test/istio": Cluster is nil; pass the *eks.Cluster Istio runs on`}},
		{"trust domain", kube.IstioAmbientProps{Cluster: e.cluster, TrustDomain: "Prod/Example"},
			[]string{`TrustDomain "Prod/Example" is not a SPIFFE trust domain`}},
		{"readiness gates without a gateway", kube.IstioAmbientProps{Cluster: e.cluster, IngressReadinessGates: true},
			[]string{`IngressReadinessGates is set but IngressGateway is not`}},
		{"versions and values", kube.IstioAmbientProps{Cluster: e.cluster,
			Istiod: kube.ChartOverride{Version: "1.30"}, CNI: kube.ChartOverride{Version: "~1.30.3"},
			Gateway: kube.ChartOverride{Values: map[string]any{"x": func() {}}}},
			[]string{`Istiod.Version "1.30" is not an exact chart version`, `CNI.Version "~1.30.3" is not an exact chart version`,
				`Gateway.Values cannot be handed to helm`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := kube.NewIstioAmbient(e.stack, "istio", tc.props)
			if m != nil {
				t.Fatal("NewIstioAmbient returned an install and an error")
			}
			wantErrs(t, err, tc.want...)
			if n := len(validate.Fields(err)); n != len(tc.want) {
				t.Errorf("%d errors, want %d: %v", n, len(tc.want), err)
			}
		})
	}
	if e.stack.Node().TryFindChild(ptr.String("istio")) != nil {
		t.Error("a failed NewIstioAmbient added a construct")
	}
	_, err := kube.NewIstioAmbient(nil, "istio", kube.IstioAmbientProps{Cluster: e.cluster})
	wantErrs(t, err, "scope is nil")
}
