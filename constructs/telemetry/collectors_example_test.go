package telemetry_test

import (
	"fmt"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/telemetry"
)

// The collectors of a cluster, in its add-ons stack next to the
// controllers: Fluent Bit (namespace logging, the only privileged one)
// sends each namespace's container logs to its own KMS-encrypted log
// group, kube-state-metrics waits for the managed Prometheus scraper, and
// the OpenTelemetry collector sends traces to X-Ray. A workload gets the
// collector's address from OTLPEnv.
func ExampleNewCollectors() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("platform"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	vpc, err := network.NewVPC(stack, "network", network.VPCProps{AvailabilityZones: []string{"eu-west-1a", "eu-west-1b"}, ClusterNames: []string{"platform"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	cluster, err := eks.NewCluster(stack, "cluster", eks.ClusterProps{
		Name: "platform", VPC: vpc, PrivateAccessCIDRs: []string{vpc.CIDR()},
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
	collectors, err := telemetry.NewCollectors(addons, "telemetry", telemetry.CollectorsProps{
		Cluster: cluster, Region: "eu-west-1", VPCCIDR: vpc.CIDR(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(collectors.OTLPEndpoint())
	fmt.Println(telemetry.OTLPEnv())

	for _, ns := range tftest.Collect(addons, "kubernetes_namespace_v1", func(r map[string]any) string {
		meta := tftest.Block(r, "metadata")
		return fmt.Sprintf("namespace %v: %v", meta["name"], meta["labels"].(map[string]any)["pod-security.kubernetes.io/enforce"])
	}) {
		fmt.Println(ns)
	}
	for _, g := range tftest.Collect(addons, "aws_cloudwatch_log_group", func(r map[string]any) string {
		name := r["name"].(string)
		return fmt.Sprintf("log group .../%s, %v days", name[strings.LastIndex(name, "/")+1:], r["retention_in_days"])
	}) {
		fmt.Println(g)
	}
	// Output:
	// http://otel-collector.observability.svc:4317
	// map[OTEL_EXPORTER_OTLP_ENDPOINT:http://otel-collector.observability.svc:4317 OTEL_EXPORTER_OTLP_PROTOCOL:grpc]
	// namespace logging: privileged
	// namespace observability: restricted
	// log group .../argocd, 90 days
	// log group .../kube-system, 90 days
	// log group .../logging, 90 days
	// log group .../observability, 90 days
	// log group .../platform, 90 days
}
