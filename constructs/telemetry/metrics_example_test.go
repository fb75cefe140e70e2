package telemetry_test

import (
	"fmt"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
	"go.yaml.in/yaml/v3"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/telemetry"
)

// A cluster measured by Amazon Managed Service for Prometheus: the managed
// collector scrapes the API server, the kubelets, cAdvisor and
// kube-state-metrics; the default alerts go to the stack's alert topic; and
// Container Insights runs with container logs off.
func ExampleNewMetrics() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.NewVPC(stack, "network", network.VPCProps{})
	if err != nil {
		fmt.Println(err)
		return
	}
	cluster, err := eks.NewCluster(stack, "cluster", eks.ClusterProps{
		Name: "platform", VPC: vpc,
		NodeGroups: []eks.NodeGroupProps{{Name: "general", MinSize: 2, MaxSize: 6}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	metrics, err := telemetry.NewMetrics(stack, "metrics", telemetry.MetricsProps{
		Cluster:       cluster,
		AlertTopicARN: "arn:aws:sns:eu-west-1:123456789012:platform-alerts",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range metrics.RuleGroups() {
		for _, r := range g.Rules {
			if r.Alert != "" {
				fmt.Printf("alert %s (%s, for %s)\n", r.Alert, r.Labels["severity"], r.For)
			}
		}
	}
	for _, jobs := range tftest.Collect(stack, "aws_prometheus_scraper", func(a map[string]any) string {
		var cfg struct {
			Jobs []struct {
				Name string `yaml:"job_name"`
			} `yaml:"scrape_configs"`
		}
		if err := yaml.Unmarshal([]byte(a["scrape_configuration"].(string)), &cfg); err != nil {
			return err.Error()
		}
		var names []string
		for _, j := range cfg.Jobs {
			names = append(names, j.Name)
		}
		return strings.Join(names, ", ")
	}) {
		fmt.Println("jobs:", jobs)
	}
	for _, addon := range tftest.Collect(stack, "aws_eks_addon", func(a map[string]any) string {
		if a["addon_name"] != eks.AddonCloudWatchObservability {
			return ""
		}
		return fmt.Sprint(a["addon_version"], " ", a["configuration_values"])
	}) {
		if addon != "" {
			fmt.Println(addon)
		}
	}
	// Output:
	// alert KubePodCrashLooping (warning, for 5m)
	// alert KubeHPAMaxedOut (warning, for 15m)
	// alert KubePersistentVolumeFillingUp (critical, for 5m)
	// alert KubeNodeNotReady (critical, for 15m)
	// alert KubeAPIServerErrors (critical, for 10m)
	// jobs: kubernetes-apiservers, kubelet, cadvisor, kube-state-metrics
	// v4.5.0-eksbuild.1 {"agent":{"config":{"logs":{"metrics_collected":{"application_signals":{},"kubernetes":{"enhanced_container_insights":true}}},"traces":{"traces_collected":{"application_signals":{}}}}},"containerLogs":{"enabled":false}}
}

// Grafana is opt-in: a workspace reading the cluster's Prometheus
// workspace, CloudWatch and X-Ray, for users of IAM Identity Center.
func ExampleNewGrafana() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.NewVPC(stack, "network", network.VPCProps{})
	if err != nil {
		fmt.Println(err)
		return
	}
	cluster, err := eks.NewCluster(stack, "cluster", eks.ClusterProps{Name: "platform", VPC: vpc, NodeGroups: []eks.NodeGroupProps{{Name: "general", MaxSize: 3}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	metrics, err := telemetry.NewMetrics(stack, "metrics", telemetry.MetricsProps{Cluster: cluster, AlertTopicARN: "arn:aws:sns:eu-west-1:123456789012:platform-alerts"})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := telemetry.NewGrafana(stack, "grafana", telemetry.GrafanaProps{Metrics: []*telemetry.Metrics{metrics}}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tftest.Collect(stack, "aws_grafana_workspace", func(a map[string]any) string {
		return fmt.Sprint(a["name"], " ", a["authentication_providers"], " ", a["permission_type"], " ", a["data_sources"])
	}))
	// Output:
	// [example-grafana [AWS_SSO] CUSTOMER_MANAGED [PROMETHEUS CLOUDWATCH XRAY]]
}
