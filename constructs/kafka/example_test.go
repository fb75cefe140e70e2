package kafka_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/kafka"
	"github.com/hybridstack/hybridstack/constructs/lambdacode"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/serverless"
)

// A cluster with the defaults: Kafka 3.9 in KRaft mode, one kafka.m7g.large
// broker in each of the VPC's three zones, IAM authentication over TLS, a
// new KMS key, broker logs kept 90 days, and these broker settings.
func ExampleNewCluster() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.NewVPC(stack, "network", network.VPCProps{})
	if err != nil {
		fmt.Println(err)
		return
	}
	events, err := kafka.NewCluster(stack, "events", kafka.ClusterProps{Name: "events", VPC: vpc})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(events.Brokers(), "brokers, own key:", events.Key() != nil)
	for _, p := range tftest.Collect(stack, "aws_msk_configuration", func(a map[string]any) string { return fmt.Sprint(a["server_properties"]) }) {
		fmt.Print(p)
	}
	// Output:
	// 3 brokers, own key: true
	// auto.create.topics.enable=false
	// default.replication.factor=3
	// min.insync.replicas=2
	// num.partitions=6
	// unclean.leader.election.enable=false
}

// Every problem with the props is reported at once, before anything is
// created.
func ExampleNewCluster_invalidProps() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.NewVPC(stack, "network", network.VPCProps{AZCount: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = kafka.NewCluster(stack, "events", kafka.ClusterProps{Name: "events_eu", VPC: vpc, InstanceType: "m7g.large", LogRetentionDays: 100})
	fmt.Println(err)
	// Output:
	// kafka "example/events": Name "events_eu" is not an MSK cluster name (1-64 letters, digits and hyphens, starting with a letter)
	// kafka "example/events": InstanceType "m7g.large" is not an MSK standard broker instance type; use kafka.<family>.<size> such as kafka.m7g.large
	// kafka "example/events": LogRetentionDays 100 is not a CloudWatch Logs retention; use one of [1 3 5 7 14 30 60 90 120 150 180 365 400 545 731 1096 1827 2192 2557 2922 3288 3653]
}

// A Lambda handler in the VPC that consumes payment events in its consumer
// group and produces orders: Connections opens the IAM port between the
// two security groups, GrantTopics attaches one inline policy scoped to
// those topics and that group of this cluster.
func ExampleCluster_GrantTopics() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.NewVPC(stack, "network", network.VPCProps{})
	if err != nil {
		fmt.Println(err)
		return
	}
	events, err := kafka.NewCluster(stack, "events", kafka.ClusterProps{Name: "events", VPC: vpc, BrokersPerZone: 2, VolumeSizeGiB: 500})
	if err != nil {
		fmt.Println(err)
		return
	}
	billing, err := serverless.NewHandler(stack, "billing", serverless.HandlerProps{
		Code:        lambdacode.FromS3("acme-artifacts", "billing/v7.zip", ""),
		VPC:         vpc,
		Environment: map[string]string{"KAFKA_BROKERS": events.BootstrapBrokersIAM()},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := billing.Connections().AllowTo(events, kafka.IAMPort, "Billing consumes payments and produces orders"); err != nil {
		fmt.Println(err)
		return
	}
	err = events.GrantTopics(billing, kafka.TopicAccess{
		Consume: []string{"payments.*"},
		Groups:  []string{"billing"},
		Produce: []string{"orders"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// The statements of the kafka-events policy, from the synthesized
	// configuration.
	policies := tftest.Collect(stack, "aws_iam_role_policy", func(a map[string]any) string {
		if a["name"] != "kafka-events" {
			return ""
		}
		return fmt.Sprint(a["policy"])
	})
	var doc struct {
		Statement []struct {
			Sid      string
			Action   []string
			Resource []string
		}
	}
	if err := json.Unmarshal([]byte(policies[len(policies)-1]), &doc); err != nil {
		fmt.Println(err)
		return
	}
	for _, st := range doc.Statement {
		// The cluster's ARN, or the name after the cluster name and UUID.
		on := "arn"
		if r := st.Resource[0]; strings.HasPrefix(r, "arn:") {
			on = r[strings.LastIndex(r, "/")+1:]
		}
		fmt.Println(st.Sid, strings.Join(st.Action, " "), on)
	}
	// Output:
	// Cluster kafka-cluster:Connect kafka-cluster:DescribeCluster kafka-cluster:WriteDataIdempotently arn
	// Produce kafka-cluster:DescribeTopic kafka-cluster:WriteData orders
	// Consume kafka-cluster:DescribeTopic kafka-cluster:ReadData payments.*
	// Groups kafka-cluster:AlterGroup kafka-cluster:DescribeGroup billing
}
