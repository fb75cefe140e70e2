package kube_test

import (
	"testing"

	"github.com/hybridstack/hybridstack/constructs/kube"
)

// envOf reads a container's env list as a map.
func envOf(c map[string]any) map[string]string {
	out := map[string]string{}
	list, _ := c["env"].([]any)
	for _, e := range list {
		m := e.(map[string]any)
		v, _ := m["value"].(string)
		out[m["name"].(string)] = v
	}
	return out
}

func TestWorkloadTracing(t *testing.T) {
	for _, tc := range []struct {
		name    string
		tracing *kube.Tracing
		env     map[string]string
		want    map[string]string
	}{
		{"gRPC collector", &kube.Tracing{OTLPEndpoint: "http://otel-collector.observability.svc:4317"}, map[string]string{"PAYMENTS_URL": "http://payments"}, map[string]string{
			"OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel-collector.observability.svc:4317",
			"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
			"OTEL_SERVICE_NAME":           "orders",
			"OTEL_PROPAGATORS":            "tracecontext,baggage,xray",
			"OTEL_RESOURCE_ATTRIBUTES":    "k8s.namespace.name=orders,service.namespace=orders",
			"PAYMENTS_URL":                "http://payments",
		}},
		{"HTTP collector, own namespace, Env wins", &kube.Tracing{OTLPEndpoint: "http://collector.obs.svc:4318", ServiceNamespace: "shop"}, map[string]string{"OTEL_SERVICE_NAME": "orders-api"}, map[string]string{
			"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector.obs.svc:4318",
			"OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
			"OTEL_SERVICE_NAME":           "orders-api",
			"OTEL_PROPAGATORS":            "tracecontext,baggage,xray",
			"OTEL_RESOURCE_ATTRIBUTES":    "k8s.namespace.name=orders,service.namespace=shop",
		}},
		{"off", nil, map[string]string{"A": "b"}, map[string]string{"A": "b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, doc := synthWorkload(t, kube.NamespaceProps{}, func(p *kube.WorkloadProps) {
				p.Tracing = tc.tracing
				p.Env = tc.env
			})
			got := envOf(container(t, podSpec(t, doc)))
			if len(got) != len(tc.want) {
				t.Errorf("env = %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

func TestWorkloadTracingValidation(t *testing.T) {
	stack := newStack(t)
	ns := namespace(t, stack, "orders-namespace", kube.NamespaceProps{Name: "orders"})
	for i, tc := range []struct {
		tracing kube.Tracing
		want    []string
	}{
		{kube.Tracing{}, []string{`Tracing.OTLPEndpoint "" is not an http or https URL`}},
		{kube.Tracing{OTLPEndpoint: "otel-collector.observability.svc:4317"}, []string{`Tracing.OTLPEndpoint "otel-collector.observability.svc:4317" is not an http or https URL`}},
		{kube.Tracing{OTLPEndpoint: "grpc://collector:4317", Protocol: "thrift", ServiceNamespace: "a,b"}, []string{
			`Tracing.OTLPEndpoint "grpc://collector:4317"`,
			`Tracing.Protocol "thrift" is not an OTLP protocol`,
			`Tracing.ServiceNamespace "a,b" holds ','`,
		}},
	} {
		p := workloadProps(ns)
		tr := tc.tracing
		p.Tracing = &tr
		_, err := kube.NewWorkload(stack, "w"+string(rune('a'+i)), p)
		wantErrs(t, err, tc.want...)
	}
}
