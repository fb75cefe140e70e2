package telemetry_test

import (
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/telemetry"
)

// Metrics run on any eks.ClusterRef: on an imported cluster, the scraper,
// its security group, the Container Insights add-on and the agent's IRSA
// role refer to the data sources that read the cluster and its OIDC
// provider.
func TestMetricsOnImportedCluster(t *testing.T) {
	stack := tftest.NewStack(t)
	c, err := eks.ImportCluster(stack, "legacy", eks.ImportClusterProps{Name: "legacy", Version: eks.DefaultVersion, EC2Nodes: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := telemetry.NewMetrics(stack, "metrics", telemetry.MetricsProps{Cluster: c, AlertTopicARN: topicARN, Disposable: true}); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	clusters, providers := doc.Data("aws_eks_cluster"), doc.Data("aws_iam_openid_connect_provider")
	if len(clusters) != 1 || len(providers) != 1 {
		t.Fatalf("want one cluster and one OIDC provider data source, got %d and %d", len(clusters), len(providers))
	}
	var cl, op string
	for name := range clusters {
		cl = "data.aws_eks_cluster." + name
	}
	for name := range providers {
		op = "data.aws_iam_openid_connect_provider." + name
	}

	src := tftest.Block(tftest.Block(doc.One(t, "aws_prometheus_scraper", "metrics_scraper"), "source"), "eks")
	if src["cluster_arn"] != "${"+cl+".arn}" || src["subnet_ids"] != "${tolist("+cl+".vpc_config[0].subnet_ids)}" {
		t.Errorf("scraper source = %v, want the imported cluster's ARN and subnets", src)
	}
	if sg := doc.One(t, "aws_security_group", "metrics_scraper-security-group"); sg["vpc_id"] != "${"+cl+".vpc_config[0].vpc_id}" {
		t.Errorf("scraper security group in VPC %v", sg["vpc_id"])
	}
	rules := doc.Resources("aws_vpc_security_group_ingress_rule")
	if len(rules) == 0 {
		t.Fatal("no ingress rule admits the scraper to the cluster")
	}
	for name, r := range rules {
		if r["security_group_id"] != "${"+cl+".vpc_config[0].cluster_security_group_id}" {
			t.Errorf("ingress rule %s on %v, want the imported cluster security group", name, r["security_group_id"])
		}
	}
	addon := doc.One(t, "aws_eks_addon", "container-insights")
	if addon["cluster_name"] != "${"+cl+".name}" {
		t.Errorf("Container Insights add-on on %v", addon["cluster_name"])
	}
	agent := doc.One(t, "aws_iam_role", "cloudwatch-agent")
	if policy, _ := agent["assume_role_policy"].(string); !strings.Contains(policy, `"Federated":"${`+op+`.arn}"`) {
		t.Errorf("agent role trust = %s, want the imported OIDC provider", policy)
	}
}

// A Fargate-only imported cluster (EC2Nodes false) is refused Container
// Insights, as a *eks.Cluster without node groups is.
func TestMetricsOnImportedFargateCluster(t *testing.T) {
	stack := tftest.NewStack(t)
	c, err := eks.ImportCluster(stack, "legacy", eks.ImportClusterProps{Name: "legacy", Version: eks.DefaultVersion})
	if err != nil {
		t.Fatal(err)
	}
	_, err = telemetry.NewMetrics(stack, "metrics", telemetry.MetricsProps{Cluster: c, AlertTopicARN: topicARN})
	if want := `DisableContainerInsights is false but cluster "test/legacy" has no EC2 nodes`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want %q", err, want)
	}
}
