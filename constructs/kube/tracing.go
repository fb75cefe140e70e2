package kube

import (
	"net/url"
	"strings"

	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// Tracing points a workload's OpenTelemetry SDK at a collector through
// the SDK's standard environment variables: OTEL_EXPORTER_OTLP_ENDPOINT,
// OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_SERVICE_NAME (the workload's name),
// OTEL_PROPAGATORS (W3C trace context and baggage, then AWS X-Ray, so a
// caller's X-Amzn-Trace-Id continues too) and OTEL_RESOURCE_ATTRIBUTES
// (k8s.namespace.name and service.namespace). A program records spans
// only if it is built with an SDK; the variables change nothing for one
// that is not.
//
// The workload writes no NetworkPolicy: in a namespace whose policies
// deny egress by default (tenancy's), egress to the collector must be
// allowed there.
type Tracing struct {
	// OTLPEndpoint is the collector's OTLP endpoint, an http or https URL
	// such as "http://otel-collector.observability.svc:4317"
	// (telemetry.OTLPGRPCEndpoint). Required.
	OTLPEndpoint string
	// Protocol is the OTLP transport: "grpc" or "http/protobuf".
	// Default: "http/protobuf" for an endpoint on port 4318, else "grpc"
	Protocol string
	// ServiceNamespace is the service.namespace resource attribute, which
	// groups the services of one system.
	// Default: - the Kubernetes namespace
	ServiceNamespace string
}

// tracingPropagators are the propagators every traced workload uses.
const tracingPropagators = "tracecontext,baggage,xray"

func (p WorkloadProps) checkTracing(r *validation.Report) {
	t := p.Tracing
	if t == nil {
		return
	}
	if !validation.IsToken(t.OTLPEndpoint) {
		u, err := url.Parse(t.OTLPEndpoint)
		if t.OTLPEndpoint == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
			r.Addf("Tracing.OTLPEndpoint", "%q is not an http or https URL of a collector, such as \"http://otel-collector.observability.svc:4317\"", t.OTLPEndpoint)
		}
	}
	switch t.Protocol {
	case "", "grpc", "http/protobuf":
	default:
		r.Addf("Tracing.Protocol", "%q is not an OTLP protocol; use \"grpc\" or \"http/protobuf\"", t.Protocol)
	}
	if strings.ContainsAny(t.ServiceNamespace, ",= \t\n") {
		r.Addf("Tracing.ServiceNamespace", "%q holds ',', '=' or a space, which OTEL_RESOURCE_ATTRIBUTES cannot carry", t.ServiceNamespace)
	}
}

// containerEnv is Env with Tracing's variables under it.
func (p WorkloadProps) containerEnv() map[string]string {
	t := p.Tracing
	if t == nil {
		return p.Env
	}
	protocol := t.Protocol
	if protocol == "" {
		protocol = "grpc"
		if u, err := url.Parse(t.OTLPEndpoint); err == nil && u.Port() == "4318" {
			protocol = "http/protobuf"
		}
	}
	ns := ""
	if p.Namespace != nil {
		ns = p.Namespace.name
	}
	serviceNS := t.ServiceNamespace
	if serviceNS == "" {
		serviceNS = ns
	}
	env := map[string]string{
		"OTEL_EXPORTER_OTLP_ENDPOINT": t.OTLPEndpoint,
		"OTEL_EXPORTER_OTLP_PROTOCOL": protocol,
		"OTEL_SERVICE_NAME":           p.Name,
		"OTEL_PROPAGATORS":            tracingPropagators,
		"OTEL_RESOURCE_ATTRIBUTES":    "k8s.namespace.name=" + ns + ",service.namespace=" + serviceNS,
	}
	for k, v := range p.Env {
		env[k] = v
	}
	return env
}
