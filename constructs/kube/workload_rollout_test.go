package kube_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/kube"
)

// TestWorkloadProgressiveDelivery checks that a workload handed to an
// Argo Rollout keeps its Deployment at 0 replicas, held there by
// Terraform, and scales the Rollout with its HPA; and that without the
// option the Deployment runs the pods as before.
func TestWorkloadProgressiveDelivery(t *testing.T) {
	w, doc := synthWorkload(t, kube.NamespaceProps{}, func(p *kube.WorkloadProps) {
		p.ProgressiveDelivery = true
		p.MinReplicas, p.Port = 3, 9090
	})
	dep := doc.One(t, "kubernetes_deployment_v1", "deployment")
	if got := str(dep, "spec", "replicas"); got != "0" {
		t.Errorf("deployment replicas = %q, want \"0\": the Rollout runs the pods", got)
	}
	if lc := get(dep, "lifecycle"); lc != nil {
		t.Errorf("deployment lifecycle = %v; Terraform must keep the replicas at 0", lc)
	}
	hpa := doc.One(t, "kubernetes_horizontal_pod_autoscaler_v2", "autoscaler")
	ref := get(hpa, "spec", "scale_target_ref")
	if str(ref, "api_version") != "argoproj.io/v1alpha1" || str(ref, "kind") != "Rollout" || str(ref, "name") != "orders" {
		t.Errorf("scale target = %v, want the Rollout orders", ref)
	}
	if get(hpa, "spec", "min_replicas") != float64(3) {
		t.Errorf("hpa min = %v, want 3", get(hpa, "spec", "min_replicas"))
	}
	// The pod template is unchanged: it is what the Rollout runs.
	if c := container(t, podSpec(t, doc)); get(c, "port", "container_port") != float64(9090) || str(c, "image") == "" {
		t.Errorf("container = %v", c)
	}

	// What package delivery reads from the workload.
	if !w.ProgressiveDelivery() || w.Port() != 9090 || w.ServiceName() != "orders" || w.Namespace() != "orders" || w.Name() != "orders" {
		t.Errorf("accessors: progressive=%v port=%d service=%q namespace=%q name=%q", w.ProgressiveDelivery(), w.Port(), w.ServiceName(), w.Namespace(), w.Name())
	}
	selector := get(dep, "spec", "selector", "match_labels")
	want := map[string]string{"app.kubernetes.io/name": "orders"}
	if got := w.PodSelector(); !reflect.DeepEqual(got, want) || !reflect.DeepEqual(selector, map[string]any{"app.kubernetes.io/name": "orders"}) {
		t.Errorf("PodSelector = %v, deployment selector = %v, want %v", got, selector, want)
	}
	// A copy: changing it changes nothing of the workload.
	w.PodSelector()["app.kubernetes.io/name"] = "other"
	if w.PodSelector()["app.kubernetes.io/name"] != "orders" {
		t.Error("PodSelector returns the workload's own map")
	}

	// Without the option: the Deployment runs the pods and the HPA scales it.
	plain, doc := synthWorkload(t, kube.NamespaceProps{}, nil)
	dep = doc.One(t, "kubernetes_deployment_v1", "deployment")
	if str(dep, "spec", "replicas") != "2" || strings.Join(tftest.Strings(get(dep, "lifecycle", "ignore_changes")), ",") != "spec[0].replicas" {
		t.Errorf("plain deployment: replicas %v, lifecycle %v", get(dep, "spec", "replicas"), get(dep, "lifecycle"))
	}
	if kind := str(doc.One(t, "kubernetes_horizontal_pod_autoscaler_v2", "autoscaler"), "spec", "scale_target_ref", "kind"); kind != "Deployment" {
		t.Errorf("plain hpa target kind = %q", kind)
	}
	if plain.ProgressiveDelivery() || plain.Port() != 8080 {
		t.Errorf("plain accessors: progressive=%v port=%d", plain.ProgressiveDelivery(), plain.Port())
	}
}
