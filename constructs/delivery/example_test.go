package delivery_test

import (
	"fmt"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/delivery"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/kube"
)

// A workload delivered as canaries: its Deployment only holds the pod
// template (0 replicas), an Argo Rollout runs the pods and moves 10, 25,
// 50 and 75 percent of the requests through the HTTPRoute "orders" to each
// new version, two minutes a step, while the canary's error rate and p99
// latency at the waypoint are read from Amazon Managed Prometheus. The
// stack is applied after the one installing the Argo Rollouts chart.
func ExampleNewCanary() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("workloads"))

	ns, err := kube.NewNamespace(stack, "shop", kube.NamespaceProps{Name: "shop"})
	if err != nil {
		fmt.Println(err)
		return
	}
	orders, err := kube.NewWorkload(stack, "orders", kube.WorkloadProps{
		Namespace:           ns,
		Name:                "orders",
		Image:               "123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders@sha256:0f3c7b1d2e4a5968778695a4b3c2d1e0f9e8d7c6b5a4938271605f4e3d2c1b0a",
		Requests:            kube.Resources{CPU: "250m", Memory: "256Mi"},
		Limits:              kube.Resources{CPU: "1", Memory: "512Mi"},
		Identity:            kube.IdentityNone,
		ProgressiveDelivery: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	canary, err := delivery.NewCanary(stack, "orders-delivery", delivery.CanaryProps{
		Target:    delivery.FromWorkload(orders),
		HTTPRoute: "orders",
		Analysis: delivery.Analysis{
			PrometheusURL: "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-0123abcd-4567-89ef-0123-456789abcdef/",
			Region:        "eu-west-1",
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("backendRefs:", canary.StableService(), canary.CanaryService())

	kinds := tftest.Collect(stack, "kubernetes_manifest", func(m map[string]any) string {
		manifest := m["manifest"].(map[string]any)
		return fmt.Sprint(manifest["kind"], " ", manifest["metadata"].(map[string]any)["name"])
	})
	for _, k := range kinds {
		fmt.Println(k)
	}
	conditions := tftest.Collect(stack, "kubernetes_manifest", func(m map[string]any) string {
		spec := m["manifest"].(map[string]any)["spec"].(map[string]any)
		metrics, _ := spec["metrics"].([]any)
		out := ""
		for _, metric := range metrics {
			x := metric.(map[string]any)
			out += fmt.Sprintf("%s: %s\n", x["name"], x["successCondition"])
		}
		return out
	})
	fmt.Print(conditions[1])
	// Output:
	// backendRefs: orders-stable orders-canary
	// AnalysisTemplate orders-canary-health
	// Rollout orders
	// error-rate: len(result) > 0 && !isNaN(result[0]) && result[0] <= 1
	// latency-p99: len(result) > 0 && !isNaN(result[0]) && result[0] <= 500
}
