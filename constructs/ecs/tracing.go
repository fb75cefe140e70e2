package ecs

import (
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecstaskdefinition"

	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// The collector sidecar TaskDefinitionProps.Tracing adds.
const (
	// TracingSidecarName is the sidecar container's name; no container of
	// a task with Tracing may take it.
	TracingSidecarName = "aws-otel-collector"
	// TracingSidecarImage is the AWS Distro for OpenTelemetry collector,
	// pinned (multi-architecture: ARM64 and X86_64).
	TracingSidecarImage = "public.ecr.aws/aws-observability/aws-otel-collector:v0.48.0"
	// TracingSidecarConfig is the configuration bundled in the image
	// (config/ecs/ecs-default-config.yaml of aws-otel-collector): OTLP
	// gRPC on 4317 and HTTP on 4318, the X-Ray daemon protocol on UDP
	// 2000 and StatsD on UDP 8125; traces go to X-Ray, metrics as EMF to
	// CloudWatch Logs (which the task role is not granted: metrics sent
	// to the sidecar are dropped with an error in its log).
	TracingSidecarConfig = "/etc/ecs/ecs-default-config.yaml"
	// TracingSidecarCPU is the CPU the sidecar reserves, in units.
	TracingSidecarCPU = 64
	// TracingSidecarMemoryMiB is the sidecar's hard memory limit: the
	// collector cannot take more of the task's memory than this.
	TracingSidecarMemoryMiB = 128
)

// tracingPorts are the TCP ports the collector listens on in the task's
// network namespace (OTLP gRPC, OTLP HTTP, its health check).
var tracingPorts = map[int]string{4317: "OTLP gRPC", 4318: "OTLP HTTP", 13133: "health check"}

// sidecarReservation is what Tracing's sidecar takes of the task: CPU
// units, MiB and containers; zero without Tracing.
func (s taskSettings) sidecarReservation() (cpu, memoryMiB, containers int) {
	if !s.Tracing {
		return 0, 0, 0
	}
	return TracingSidecarCPU, TracingSidecarMemoryMiB, 1
}

// checkTracingContainer refuses what would clash with the sidecar: its
// name and its ports.
func (s taskSettings) checkTracingContainer(r *validation.Report, f string, c ContainerSpec) {
	if !s.Tracing {
		return
	}
	if c.Name == TracingSidecarName {
		r.Addf(f+".Name", "%q is the name of Tracing's collector sidecar; choose another", c.Name)
	}
	for _, p := range c.Ports {
		if what, taken := tracingPorts[p]; taken {
			r.Addf(f+".Ports", "%d is the %s port of Tracing's collector sidecar, which shares the task's network namespace; choose another", p, what)
		}
	}
}

// tracingEnvironment is env with what points an instrumented program at
// the sidecar; the container's own values win.
func tracingEnvironment(family string, env map[string]string) map[string]string {
	out := map[string]string{
		// OpenTelemetry SDKs: OTLP over gRPC to the sidecar.
		"OTEL_EXPORTER_OTLP_ENDPOINT": "http://localhost:4317",
		"OTEL_SERVICE_NAME":           family,
		// W3C first, then X-Ray: a caller's X-Amzn-Trace-Id (an ALB adds
		// one to every request) continues into the program's spans.
		"OTEL_PROPAGATORS": "tracecontext,baggage,xray",
		// X-Ray SDKs: segments over UDP to the sidecar's awsxray receiver.
		"AWS_XRAY_DAEMON_ADDRESS": "localhost:2000",
	}
	for k, v := range env {
		out[k] = v
	}
	return out
}

// tracingStatements let the collector send traces and read sampling
// rules. X-Ray's actions have no resource-level permissions: "*" is the
// only resource they accept (the same as the AWSXRayDaemonWriteAccess
// managed policy).
func tracingStatements() []iamdoc.Statement {
	return []iamdoc.Statement{iamdoc.Allow("WriteTraces", []string{
		"xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:PutTelemetryRecords", "xray:PutTraceSegments",
	}, "*")}
}

// tracingSidecar is the collector's container definition and its scratch
// volume: not essential (the task runs on without traces if it stops),
// read-only root with a writable /tmp, its own log stream in the task's
// log group.
func (t *TaskDefinition) tracingSidecar() (containerDef, []*ecstaskdefinition.EcsTaskDefinitionVolume) {
	vol := TracingSidecarName + "-tmp"
	d := containerDef{
		Name:      TracingSidecarName,
		Image:     TracingSidecarImage,
		Essential: false,
		Command:   []string{"--config=" + TracingSidecarConfig},
		// The collector finds the Region here for its X-Ray exporter.
		Environment:            []nameValue{{Name: "AWS_REGION", Value: t.env.Region}},
		CPU:                    TracingSidecarCPU,
		Memory:                 TracingSidecarMemoryMiB,
		ReadonlyRootFilesystem: true,
		MountPoints:            []mountPoint{{SourceVolume: vol, ContainerPath: "/tmp"}},
		// It stops after the containers that depend on it, and gets time
		// to flush their last spans.
		StopTimeout:     10,
		LinuxParameters: map[string]bool{"initProcessEnabled": true},
		LogConfiguration: logConfiguration{LogDriver: "awslogs", Options: map[string]string{
			"awslogs-group":         *t.logs.Name(),
			"awslogs-region":        t.env.Region,
			"awslogs-stream-prefix": TracingSidecarName,
			"mode":                  "non-blocking",
			"max-buffer-size":       "4m",
		}},
	}
	return d, []*ecstaskdefinition.EcsTaskDefinitionVolume{{Name: ptr.String(vol)}}
}
