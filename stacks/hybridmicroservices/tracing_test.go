package hybridmicroservices_test

import (
	"testing"

	"github.com/hybridstack/hybridstack/constructs/telemetry"
	"github.com/hybridstack/hybridstack/stacks/hybridmicroservices"
)

// Every service's pods point their OpenTelemetry SDK at the cluster's
// collector, name themselves, and read X-Ray as well as W3C headers.
func TestServicesSendTracesToTheCollector(t *testing.T) {
	docs := synthAll(t, false)
	deployments := docs[hybridmicroservices.Name+hybridmicroservices.WorkloadsSuffix].Resource["kubernetes_deployment_v1"]
	if len(deployments) != 4 {
		t.Fatalf("%d deployments, want orders, payments-v1, payments-v2 and order-events", len(deployments))
	}
	for id, d := range deployments {
		name := one(d["metadata"])["name"]
		c := one(one(one(one(d["spec"])["template"])["spec"])["container"])
		env := map[string]any{}
		for _, e := range c["env"].([]any) {
			kv := e.(map[string]any)
			env[kv["name"].(string)] = kv["value"]
		}
		if env["OTEL_EXPORTER_OTLP_ENDPOINT"] != telemetry.OTLPGRPCEndpoint || env["OTEL_EXPORTER_OTLP_PROTOCOL"] != "grpc" ||
			env["OTEL_SERVICE_NAME"] != name || env["OTEL_PROPAGATORS"] != "tracecontext,baggage,xray" {
			t.Errorf("%s: env %v", id, env)
		}
		ns := map[any]string{"orders": "orders", "payments-v1": "payments", "payments-v2": "payments", "order-events": "bursty"}[name]
		if want := "k8s.namespace.name=" + ns + ",service.namespace=" + hybridmicroservices.Name; env["OTEL_RESOURCE_ATTRIBUTES"] != want {
			t.Errorf("%s: OTEL_RESOURCE_ATTRIBUTES %v, want %s", id, env["OTEL_RESOURCE_ATTRIBUTES"], want)
		}
	}
}
