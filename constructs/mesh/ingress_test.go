package mesh_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/mesh"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// TestIngress routes an ingress gateway to orders and checks the Gateway
// (manual deployment), the route, the grant in orders' namespace and the
// gateway's one principal on orders' policy.
func TestIngress(t *testing.T) {
	stack, n, _ := istioEnv(t, "orders")
	orders, err := mesh.NewVirtualService(stack, "orders", mesh.VirtualServiceProps{
		Network: n, Namespace: "orders", Selector: map[string]string{"app": "orders"},
		Versions: []mesh.Version{{Name: "v1", Service: "orders-v1"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.AddIngress("public", mesh.IngressProps{
		Namespace: "istio-ingress", ServiceName: "istio-ingress", ServiceAccount: "istio-ingress",
		Routes: []mesh.IngressRoute{{PathPrefix: "/orders", Service: orders}},
	}); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	gw := manifests(doc, "Gateway")["public"]
	if gw == nil {
		t.Fatalf("no Gateway public: %v", manifests(doc, "Gateway"))
	}
	if got := path(gw, "manifest", "spec", "gatewayClassName"); got != "istio" {
		t.Errorf("class = %v", got)
	}
	if got := path(gw, "manifest", "spec", "addresses", 0, "value"); got != "istio-ingress.istio-ingress.svc.cluster.local" {
		t.Errorf("address = %v", got)
	}
	if got := path(gw, "manifest", "spec", "listeners", 0, "port"); got != float64(80) {
		t.Errorf("listener port = %v", got)
	}
	route := manifests(doc, "HTTPRoute")["public"]
	if got := path(route, "manifest", "spec", "rules", 0, "backendRefs", 0, "name"); got != "orders" {
		t.Errorf("backend = %v", got)
	}
	if got := path(route, "manifest", "spec", "rules", 0, "matches", 0, "path", "value"); got != "/orders" {
		t.Errorf("path = %v", got)
	}
	grants := manifests(doc, "ReferenceGrant")
	if len(grants) != 1 {
		t.Fatalf("%d reference grants, want 1", len(grants))
	}
	for _, g := range grants {
		if got := path(g, "manifest", "spec", "from", 0, "namespace"); got != "istio-ingress" {
			t.Errorf("grant from %v", got)
		}
	}
	policy := manifests(doc, "AuthorizationPolicy")["orders"]
	got := path(policy, "manifest", "spec", "rules", 0, "from", 0, "source", "principals")
	if want := []any{"cluster.local/ns/istio-ingress/sa/istio-ingress"}; !reflect.DeepEqual(got, want) {
		t.Errorf("orders principals = %v, want %v", got, want)
	}

	err = n.AddIngress("Bad", mesh.IngressProps{ServiceName: "x", ServiceAccount: "x", Port: 70000,
		Routes: []mesh.IngressRoute{{PathPrefix: "orders", Service: orders}, {PathPrefix: "orders"}}})
	for _, want := range []string{`id "Bad" is not a DNS label`, `Namespace "" is not a namespace name`, "Port 70000 is not a port", `Routes[0].PathPrefix "orders" must start with /`, `Routes[1].PathPrefix "orders" is routed twice`, `Routes[1].Service is not a virtual service of network "shop"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v\ndoes not say %q", err, want)
		}
	}
	if n := len(validate.Fields(err)); n != 7 {
		t.Errorf("%d errors, want 7: %v", n, err)
	}
}
