package policy

import (
	"encoding/json"
)

// checkECSContainerInsights is ECS-001: it reports ECS clusters without the
// containerInsights setting enabled (or enhanced).
func checkECSContainerInsights(d *Doc, emit emitFunc) {
	for _, c := range d.Of("aws_ecs_cluster") {
		on := false
		for _, s := range blocks(c.Attrs, "setting") {
			on = on || (str(s["name"]) == "containerInsights" && (str(s["value"]) == "enabled" || str(s["value"]) == "enhanced"))
		}
		if !on {
			emit(c, "setting", "Container Insights is off")
		}
	}
}

// checkECSTaskHygiene is ECS-002: it reports containers of task definitions
// that do not log with awslogs or hold secret-looking environment values,
// and services that assign public IPs.
func checkECSTaskHygiene(d *Doc, emit emitFunc) {
	for _, td := range d.Of("aws_ecs_task_definition") {
		var containers []map[string]any
		if err := json.Unmarshal([]byte(stripInterpolations(str(td.Attrs["container_definitions"]))), &containers); err != nil {
			continue
		}
		for _, c := range containers {
			name := str(c["name"])
			lc, _ := c["logConfiguration"].(map[string]any)
			if str(lc["logDriver"]) != "awslogs" {
				emit(td, "container_definitions["+name+"].logConfiguration", "container logs do not go to CloudWatch Logs")
			}
			env, _ := c["environment"].([]any)
			for _, e := range env {
				kv, _ := e.(map[string]any)
				k, v := str(kv["name"]), str(kv["value"])
				if v != "" && v != Placeholder && LooksLikeSecret(k, v) {
					emit(td, "container_definitions["+name+"].environment."+k, "holds what looks like a secret in plain text")
				}
			}
		}
	}
	for _, s := range d.Of("aws_ecs_service") {
		if truthy(path(s.Attrs, "network_configuration", "assign_public_ip")) {
			emit(s, "network_configuration.assign_public_ip", "tasks get public IP addresses")
		}
	}
}
