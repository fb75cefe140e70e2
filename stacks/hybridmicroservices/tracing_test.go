package hybridmicroservices_test

import (
	"testing"

	"github.com/hybridstack/hybridstack/constructs/telemetry"
	"github.com/hybridstack/hybridstack/stacks/hybridmicroservices"
)

// Every service's pods point their OpenTelemetry SDK at the cluster's
// collector, name themselves, and read X-Ray as well as W3C headers, in
// both variants (on Istio ambient payments is one Deployment whose pods a
// Rollout runs).
func TestServicesSendTracesToTheCollector(t *testing.T) {
	for _, istio := range []bool{false, true} {
		name := variantName(istio)
		namespaces := map[any]string{"orders": "orders", "payments-v1": "payments", "payments-v2": "payments", "order-events": "bursty"}
		if istio {
			namespaces = map[any]string{"orders": "orders", "payments": "payments", "order-events": "bursty"}
		}
		deployments := synthAll(t, istio)[name+hybridmicroservices.WorkloadsSuffix].Resource["kubernetes_deployment_v1"]
		if len(deployments) != len(namespaces) {
			t.Fatalf("%s: %d deployments, want %d (%v)", name, len(deployments), len(namespaces), namespaces)
		}
		for id, d := range deployments {
			deployment := one(d["metadata"])["name"]
			ns, ok := namespaces[deployment]
			if !ok {
				t.Errorf("%s: unexpected deployment %v", name, deployment)
				continue
			}
			c := one(one(one(one(d["spec"])["template"])["spec"])["container"])
			env := map[string]any{}
			for _, e := range c["env"].([]any) {
				kv := e.(map[string]any)
				env[kv["name"].(string)] = kv["value"]
			}
			if env["OTEL_EXPORTER_OTLP_ENDPOINT"] != telemetry.OTLPGRPCEndpoint || env["OTEL_EXPORTER_OTLP_PROTOCOL"] != "grpc" ||
				env["OTEL_SERVICE_NAME"] != deployment || env["OTEL_PROPAGATORS"] != "tracecontext,baggage,xray" {
				t.Errorf("%s %s: env %v", name, id, env)
			}
			if want := "k8s.namespace.name=" + ns + ",service.namespace=" + name; env["OTEL_RESOURCE_ATTRIBUTES"] != want {
				t.Errorf("%s %s: OTEL_RESOURCE_ATTRIBUTES %v, want %s", name, id, env["OTEL_RESOURCE_ATTRIBUTES"], want)
			}
		}
	}
}
