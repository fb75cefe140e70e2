package delivery_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/delivery"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
)

// TestCanaryFrontend renders the route for a Service a tenant's
// repository deploys: attached to it, all traffic to stable, weights left
// to Argo Rollouts.
func TestCanaryFrontend(t *testing.T) {
	stack := newStack(t)
	analysis := delivery.Analysis{PrometheusURL: "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-42", Region: "eu-west-1"}
	target := delivery.Target{Namespace: "order-routing", Deployment: "order-routing", PodLabels: map[string]string{"app": "order-routing"}, Port: 8080}
	c, err := delivery.NewCanary(stack, "order-routing", delivery.CanaryProps{Target: target, Frontend: "orders", Analysis: analysis})
	if err != nil {
		t.Fatal(err)
	}
	if c.Route() == nil {
		t.Fatal("Route() is nil with Frontend")
	}
	doc := tftest.Synth(t, stack)
	r := doc.One(t, "kubernetes_manifest", "route")
	m := get(r, "manifest")
	if str(m, "metadata", "name") != "order-routing" || str(m, "kind") != "HTTPRoute" {
		t.Errorf("route = %v", m)
	}
	if got := get(m, "spec", "parentRefs", 0); !reflect.DeepEqual(got, map[string]any{"group": "", "kind": "Service", "name": "orders", "port": float64(8080)}) {
		t.Errorf("parentRef = %v", got)
	}
	backends := get(m, "spec", "rules", 0, "backendRefs").([]any)
	if len(backends) != 2 || str(backends[0], "name") != "order-routing-stable" || get(backends[0], "weight") != float64(100) ||
		str(backends[1], "name") != "order-routing-canary" || get(backends[1], "weight") != float64(0) {
		t.Errorf("backendRefs = %v", backends)
	}
	computed := get(r, "computed_fields")
	if !reflect.DeepEqual(computed, []any{"metadata.annotations", "metadata.labels", "spec.rules[0].backendRefs[0].weight", "spec.rules[0].backendRefs[1].weight"}) {
		t.Errorf("computed_fields = %v", computed)
	}
	if got := str(manifest(t, doc, "rollout"), "spec", "strategy", "canary", "trafficRouting", "plugins", "argoproj-labs/gatewayAPI", "httpRoute"); got != "order-routing" {
		t.Errorf("plugin route = %q", got)
	}

	_, err = delivery.NewCanary(stack, "bad", delivery.CanaryProps{Target: target, Frontend: "order-routing-stable", Analysis: analysis})
	if err == nil || !strings.Contains(err.Error(), `Frontend "order-routing-stable" is also the stable or canary Service`) {
		t.Errorf("error = %v", err)
	}
	_, err = delivery.NewCanary(stack, "none", delivery.CanaryProps{Target: target, Analysis: analysis})
	if err == nil || !strings.Contains(err.Error(), "HTTPRoute is empty; give the name of the HTTPRoute whose backendRefs are the stable and canary Services (mesh.VirtualService.HTTPRouteName returns \"\" for a route the intent does not have), or Frontend") {
		t.Errorf("error = %v", err)
	}
}
