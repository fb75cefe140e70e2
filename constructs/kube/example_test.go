package kube_test

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/network"
)

// A service in a restricted namespace: a Deployment whose pods run as a
// non-root user on a read-only root filesystem with every capability
// dropped, behind a ClusterIP Service, scaled by an HPA on CPU and memory,
// and protected by a PodDisruptionBudget. The pods call no AWS API, so they
// get no IAM role.
func ExampleNewWorkload() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("workloads"))

	ns, err := kube.NewNamespace(stack, "shop", kube.NamespaceProps{Name: "shop"})
	if err != nil {
		fmt.Println(err)
		return
	}
	w, err := kube.NewWorkload(stack, "catalog", kube.WorkloadProps{
		Namespace:   ns,
		Name:        "catalog",
		Image:       "123456789012.dkr.ecr.eu-west-1.amazonaws.com/catalog@sha256:0f3c7b1d2e4a5968778695a4b3c2d1e0f9e8d7c6b5a4938271605f4e3d2c1b0a",
		Requests:    kube.Resources{CPU: "250m", Memory: "256Mi"},
		Limits:      kube.Resources{CPU: "1", Memory: "512Mi"},
		MinReplicas: 3,
		Identity:    kube.IdentityNone,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(w.Namespace(), w.Name(), w.ServicePort(), w.Role() == nil)

	var doc struct {
		Resource map[string]any `json:"resource"`
	}
	out := *cdktf.Testing_Synth(stack, jsii.Bool(false))
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		fmt.Println(err)
		return
	}
	var types []string
	for typ := range doc.Resource {
		types = append(types, typ)
	}
	sort.Strings(types)
	for _, typ := range types {
		fmt.Println(typ)
	}
	pod := tftest.Collect(stack, "kubernetes_deployment_v1", func(d map[string]any) string {
		spec := tftest.Block(tftest.Block(tftest.Block(d, "spec"), "template"), "spec")
		c := spec["container"].([]any)[0].(map[string]any)
		return fmt.Sprintf("replicas=%v run_as_non_root=%v read_only_root_filesystem=%v",
			tftest.Block(d, "spec")["replicas"], tftest.Block(spec, "security_context")["run_as_non_root"],
			tftest.Block(c, "security_context")["read_only_root_filesystem"])
	})
	fmt.Println(pod[0])
	// Output:
	// shop catalog 80 true
	// kubernetes_deployment_v1
	// kubernetes_horizontal_pod_autoscaler_v2
	// kubernetes_namespace_v1
	// kubernetes_pod_disruption_budget_v1
	// kubernetes_service_account_v1
	// kubernetes_service_v1
	// replicas=3 run_as_non_root=true read_only_root_filesystem=true
}

// The in-cluster controllers of a cluster, in an add-ons stack applied
// after the cluster's stack: each chart pinned to an exact version, the
// load balancer controller and cluster-autoscaler with IRSA roles of their
// own.
func ExampleNewControllers() {
	app := cdktf.NewApp(nil)
	aws := cdktf.NewTerraformStack(app, jsii.String("platform"))
	provider.NewAwsProvider(aws, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	vpc, err := network.NewVPC(aws, "network", network.VPCProps{ClusterNames: []string{"platform"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	cluster, err := eks.NewCluster(aws, "platform", eks.ClusterProps{
		VPC: vpc,
		// Terraform runs the add-ons stack from inside the VPC.
		PrivateAccessCIDRs: []string{vpc.CIDR()},
		NodeGroups:         []eks.NodeGroupProps{{Name: "general", MaxSize: 3}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	addons := cdktf.NewTerraformStack(app, jsii.String("platform-addons"))
	provider.NewAwsProvider(addons, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	if _, err := kube.NewProviders(addons, "kubernetes", kube.ProvidersProps{Cluster: cluster, Region: "eu-west-1"}); err != nil {
		fmt.Println(err)
		return
	}
	controllers, err := kube.NewControllers(addons, "controllers", kube.ControllersProps{
		Cluster: cluster, Region: "eu-west-1", VPCID: vpc.VPCID(),
		ArgoCD: kube.Controller{Disabled: true},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(controllers.Release("argocd") == nil, controllers.Role("load-balancer-controller") != nil)
	for _, line := range tftest.Collect(addons, "helm_release", func(r map[string]any) string {
		return fmt.Sprintf("%s %s %s", r["namespace"], r["chart"], r["version"])
	}) {
		fmt.Println(line)
	}
	// Output:
	// true true
	// kube-system aws-load-balancer-controller 3.5.0
	// kube-system cluster-autoscaler 9.59.0
	// kube-system metrics-server 3.13.1
}

// A stack that overrides a chart version can check its pin against the
// releases this package knows: here a cluster that stays on the previous
// load balancer controller chart.
func ExampleOutdatedCharts() {
	lbc := kube.ChartLoadBalancerController()
	lbc.Version = "1.14.0"
	fmt.Println(kube.OutdatedCharts(lbc))
	fmt.Println(kube.OutdatedCharts() == nil)
	// Output:
	// kube: chart aws-load-balancer-controller 1.14.0 is older than 3.5.0 (app v3.5.0, released 2026-08-03), the newest known as of 2026-12-07
	// true
}

// Istio in ambient mode in an add-ons stack applied after the cluster's
// stack and before any stack that creates Gateways, HTTPRoutes or Istio
// policy: the Gateway API CRDs, istiod and the node agents in istio-system
// (the one privileged namespace), and an ingress gateway behind a
// ClusterIP Service for a load balancer to bind.
func ExampleNewIstioAmbient() {
	app := cdktf.NewApp(nil)
	aws := cdktf.NewTerraformStack(app, jsii.String("platform"))
	provider.NewAwsProvider(aws, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	vpc, err := network.NewVPC(aws, "network", network.VPCProps{ClusterNames: []string{"platform"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	cluster, err := eks.NewCluster(aws, "platform", eks.ClusterProps{
		VPC: vpc, PrivateAccessCIDRs: []string{vpc.CIDR()},
		NodeGroups: []eks.NodeGroupProps{{Name: "general", MaxSize: 3}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	addons := cdktf.NewTerraformStack(app, jsii.String("platform-addons"))
	provider.NewAwsProvider(addons, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	if _, err := kube.NewProviders(addons, "kubernetes", kube.ProvidersProps{Cluster: cluster, Region: "eu-west-1"}); err != nil {
		fmt.Println(err)
		return
	}
	istio, err := kube.NewIstioAmbient(addons, "istio", kube.IstioAmbientProps{Cluster: cluster, IngressGateway: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(istio.Namespace(), istio.TrustDomain(), istio.IngressNamespace(), istio.IngressServiceName())
	for _, line := range tftest.Collect(addons, "helm_release", func(r map[string]any) string {
		return fmt.Sprintf("%s %s %s", r["name"], r["chart"], r["version"])
	}) {
		fmt.Println(line)
	}
	fmt.Println(len(tftest.Collect(addons, "kubernetes_manifest", func(map[string]any) string { return "" })), "Gateway API", kube.GatewayAPIVersion, "objects")
	// Output:
	// istio-system cluster.local istio-ingress istio-ingress
	// istio-base base 1.30.3
	// istio-cni cni 1.30.3
	// istio-ingress gateway 1.30.3
	// istiod istiod 1.30.3
	// ztunnel ztunnel 1.30.3
	// 10 Gateway API v1.5.1 objects
}

// Argo Rollouts in the add-ons stack: its analyses query the platform's
// Amazon Managed Service for Prometheus workspace through an IRSA role
// that may only read it, and Rollouts move traffic through Gateway API
// HTTPRoutes with the gatewayAPI plugin.
func ExampleNewArgoRollouts() {
	app := cdktf.NewApp(nil)
	aws := cdktf.NewTerraformStack(app, jsii.String("platform"))
	provider.NewAwsProvider(aws, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	vpc, err := network.NewVPC(aws, "network", network.VPCProps{ClusterNames: []string{"platform"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	cluster, err := eks.NewCluster(aws, "platform", eks.ClusterProps{
		VPC: vpc, PrivateAccessCIDRs: []string{vpc.CIDR()},
		NodeGroups: []eks.NodeGroupProps{{Name: "general", MaxSize: 3}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	addons := cdktf.NewTerraformStack(app, jsii.String("platform-addons"))
	provider.NewAwsProvider(addons, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	if _, err := kube.NewProviders(addons, "kubernetes", kube.ProvidersProps{Cluster: cluster, Region: "eu-west-1"}); err != nil {
		fmt.Println(err)
		return
	}
	rollouts, err := kube.NewArgoRollouts(addons, "rollouts", kube.ArgoRolloutsProps{
		Cluster: cluster, Region: "eu-west-1",
		PrometheusWorkspaceARN: "arn:aws:aps:eu-west-1:123456789012:workspace/ws-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rollouts.Namespace(), rollouts.PluginName())
	for _, line := range tftest.Collect(addons, "aws_iam_role_policy", func(r map[string]any) string {
		var policy struct {
			Statement []struct{ Action, Resource []string }
		}
		if err := json.Unmarshal([]byte(r["policy"].(string)), &policy); err != nil {
			return err.Error()
		}
		return fmt.Sprint(policy.Statement[0].Action, policy.Statement[0].Resource)
	}) {
		fmt.Println(line)
	}
	// Output:
	// argo-rollouts argoproj-labs/gatewayAPI
	// [aps:QueryMetrics aps:GetSeries aps:GetLabels aps:GetMetricMetadata] [arn:aws:aps:eu-west-1:123456789012:workspace/ws-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b]
}
