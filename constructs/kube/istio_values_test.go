package kube_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/configmapv1"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/kube"
)

// TestIstioAmbientOperations checks what keeps the mesh up: the node
// agents stay off Fargate, waypoints run two replicas with a disruption
// budget and limits a tenant's LimitRange can admit, and WaitFor orders
// every chart after what it names.
func TestIstioAmbientOperations(t *testing.T) {
	e := newEnv(t, nil)
	addons := e.other(t, "addons")
	first := configmapv1.NewConfigMapV1(addons, ptr.String("first"), &configmapv1.ConfigMapV1Config{
		Metadata: &configmapv1.ConfigMapV1Metadata{Name: ptr.String("first"), Namespace: ptr.String("default")},
	})
	e.istio(t, addons, kube.IstioAmbientProps{WaitFor: []cdktf.ITerraformDependable{first}})
	doc := synth(t, addons)
	for _, agent := range []string{"istio-cni", "ztunnel"} {
		_, v := istioRelease(t, doc, agent)
		terms := fmt.Sprint(get(v[0], "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"))
		if terms != "[map[matchExpressions:[map[key:eks.amazonaws.com/compute-type operator:NotIn values:[fargate]]]]]" {
			t.Errorf("%s node affinity = %s, want off Fargate", agent, terms)
		}
	}
	_, iv := istioRelease(t, doc, "istiod")
	if got := get(iv[0], "gatewayClasses", "istio-waypoint", "deployment", "spec", "replicas"); got != float64(2) {
		t.Errorf("waypoint replicas = %v, want 2", got)
	}
	if got := get(iv[0], "gatewayClasses", "istio-waypoint", "podDisruptionBudget", "spec", "minAvailable"); got != float64(1) {
		t.Errorf("waypoint PDB minAvailable = %v, want 1", got)
	}
	limits := kube.WaypointLimits()
	if str(iv[0], "global", "waypoint", "resources", "limits", "cpu") != limits.CPU || str(iv[0], "global", "waypoint", "resources", "limits", "memory") != limits.Memory {
		t.Errorf("waypoint resources = %v, want limits %v", get(iv[0], "global", "waypoint", "resources"), limits)
	}
	base := doc.One(t, "helm_release", "istio-base")
	if deps := fmt.Sprint(base["depends_on"]); !strings.Contains(deps, "kubernetes_config_map_v1.first") {
		t.Errorf("istio-base depends_on = %s, want WaitFor's objects", deps)
	}
}
