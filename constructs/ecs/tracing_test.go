package ecs_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/ecs"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
)

func envOf(c map[string]any) map[string]string {
	out := map[string]string{}
	list, _ := c["environment"].([]any)
	for _, e := range list {
		kv := e.(map[string]any)
		out[kv["name"].(string)] = kv["value"].(string)
	}
	return out
}

// Tracing adds the collector sidecar, points every container at it, and
// lets the task role write traces.
func TestTaskDefinitionTracing(t *testing.T) {
	f := newFixture(t)
	f.task(t, "etl", func(p *ecs.TaskDefinitionProps) {
		p.Tracing = true
		p.CPU, p.MemoryMiB = 512, 1024
		p.Containers[0].Environment = map[string]string{"OTEL_SERVICE_NAME": "prices", "LOG_LEVEL": "info"}
		p.Containers = append(p.Containers, container(func(c *ecs.ContainerSpec) { c.Name = "proxy"; c.Ports = []int{9090} }))
	})
	f.task(t, "plain", nil)
	doc := tftest.Synth(t, f.stack)
	r := doc.One(t, "aws_ecs_task_definition", "etl_task-definition")
	defs := containerDefs(t, r)
	if len(defs) != 3 {
		t.Fatalf("want app, proxy and the sidecar; got %d containers", len(defs))
	}
	for _, c := range defs[:2] {
		env := envOf(c)
		if env["OTEL_EXPORTER_OTLP_ENDPOINT"] != "http://localhost:4317" || env["AWS_XRAY_DAEMON_ADDRESS"] != "localhost:2000" ||
			env["OTEL_PROPAGATORS"] != "tracecontext,baggage,xray" {
			t.Errorf("%s: environment %v", c["name"], env)
		}
		deps, _ := c["dependsOn"].([]any)
		if len(deps) != 1 || deps[0].(map[string]any)["containerName"] != "aws-otel-collector" || deps[0].(map[string]any)["condition"] != "START" {
			t.Errorf("%s: dependsOn %v", c["name"], c["dependsOn"])
		}
	}
	// The container's own value wins; the others get the family.
	if env := envOf(defs[0]); env["OTEL_SERVICE_NAME"] != "prices" || env["LOG_LEVEL"] != "info" {
		t.Errorf("app environment %v", env)
	}
	if env := envOf(defs[1]); env["OTEL_SERVICE_NAME"] != "test-etl" {
		t.Errorf("proxy OTEL_SERVICE_NAME %q", env["OTEL_SERVICE_NAME"])
	}
	s := defs[2]
	if s["name"] != "aws-otel-collector" || s["image"] != "public.ecr.aws/aws-observability/aws-otel-collector:v0.48.0" || s["essential"] != false {
		t.Errorf("sidecar name/image/essential = %v %v %v", s["name"], s["image"], s["essential"])
	}
	if cmd := tftest.Strings(s["command"]); len(cmd) != 1 || cmd[0] != "--config=/etc/ecs/ecs-default-config.yaml" {
		t.Errorf("sidecar command %v", cmd)
	}
	if s["cpu"] != float64(64) || s["memory"] != float64(128) || s["readonlyRootFilesystem"] != true {
		t.Errorf("sidecar cpu/memory/readonly = %v %v %v", s["cpu"], s["memory"], s["readonlyRootFilesystem"])
	}
	if env := envOf(s); !strings.Contains(env["AWS_REGION"], "data.aws_region") {
		t.Errorf("sidecar AWS_REGION %q", env["AWS_REGION"])
	}
	logs := s["logConfiguration"].(map[string]any)
	opts := logs["options"].(map[string]any)
	if logs["logDriver"] != "awslogs" || opts["awslogs-stream-prefix"] != "aws-otel-collector" || !strings.Contains(opts["awslogs-group"].(string), "etl_log-group") {
		t.Errorf("sidecar logConfiguration %v", logs)
	}
	if m := s["mountPoints"].([]any); len(m) != 1 || m[0].(map[string]any)["containerPath"] != "/tmp" {
		t.Errorf("sidecar mountPoints %v", s["mountPoints"])
	}
	vols := fmt.Sprint(r["volume"])
	if !strings.Contains(vols, "aws-otel-collector-tmp") {
		t.Errorf("volume %v", vols)
	}

	// The task role (not the execution role) writes traces, on "*", and
	// the task definition waits for it.
	p := doc.One(t, "aws_iam_role_policy", "etl_policy-write-traces")
	if !strings.Contains(p["role"].(string), "etl_task-role") {
		t.Errorf("trace policy is on %v", p["role"])
	}
	st := tftest.Policy(t, p["policy"])["Statement"].([]any)[0].(map[string]any)
	actions := strings.Join(tftest.Strings(st["Action"]), ",")
	if actions != "xray:GetSamplingRules,xray:GetSamplingTargets,xray:PutTelemetryRecords,xray:PutTraceSegments" || strings.Join(tftest.Strings(st["Resource"]), ",") != "*" {
		t.Errorf("trace statement %v", st)
	}
	if deps := strings.Join(tftest.Strings(r["depends_on"]), " "); !strings.Contains(deps, "etl_policy-write-traces") {
		t.Errorf("depends_on = %v", deps)
	}

	// Off by default: no sidecar, no variables, no policy.
	plain := doc.One(t, "aws_ecs_task_definition", "plain_task-definition")
	if defs := containerDefs(t, plain); len(defs) != 1 || len(envOf(defs[0])) != 0 || defs[0]["dependsOn"] != nil {
		t.Errorf("plain task: %v", defs)
	}
	if _, ok := doc.Resources("aws_iam_role_policy")["plain_policy-write-traces"]; ok {
		t.Error("a task without Tracing may write traces")
	}
}

// The sidecar's reservation counts in the task's size and container
// count; its name and ports are its own.
func TestTaskDefinitionTracingValidation(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*ecs.TaskDefinitionProps)
		want []string
	}{
		{"memory", func(p *ecs.TaskDefinitionProps) {
			p.Containers[0].MemoryMiB = 512 // the whole task
		}, []string{"Containers limit memory to 640 MiB together with Tracing's collector sidecar (64 CPU units, 128 MiB), more than the task's 512"}},
		{"cpu", func(p *ecs.TaskDefinitionProps) {
			p.Containers[0].CPU = 256
		}, []string{"Containers reserve 320 CPU units together with Tracing's collector sidecar (64 CPU units, 128 MiB), more than the task's 256"}},
		{"count", func(p *ecs.TaskDefinitionProps) {
			p.Containers = nil
			for i := range 10 {
				p.Containers = append(p.Containers, container(func(c *ecs.ContainerSpec) { c.Name = fmt.Sprintf("c%d", i); c.Ports = nil }))
			}
		}, []string{"Containers has 10 containers; a task runs at most 10, and Tracing's collector sidecar takes one of them"}},
		{"name and ports", func(p *ecs.TaskDefinitionProps) {
			p.Containers[0].Name = "aws-otel-collector"
			p.Containers[0].Ports = []int{4317, 4318, 13133}
		}, []string{
			`Containers[0].Name "aws-otel-collector" is the name of Tracing's collector sidecar`,
			"Containers[0].Ports 4317 is the OTLP gRPC port of Tracing's collector sidecar",
			"Containers[0].Ports 4318 is the OTLP HTTP port",
			"Containers[0].Ports 13133 is the health check port",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			props := ecs.TaskDefinitionProps{Containers: []ecs.ContainerSpec{container(nil)}, Tracing: true}
			tc.mod(&props)
			_, err := ecs.NewTaskDefinition(f.stack, "t", props)
			wantErrors(t, err, tc.want...)
			// The same props without Tracing are fine.
			props.Tracing = false
			if _, err := ecs.NewTaskDefinition(f.stack, "u", props); err != nil {
				t.Errorf("without Tracing: %v", err)
			}
		})
	}
}
