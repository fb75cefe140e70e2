// Command eks-platform shows how a consumer composes hybridstack's network
// and EKS constructs in their own cdktf app: a two-zone VPC with a single
// NAT gateway, a Graviton node group, a Fargate profile, an admin access
// entry and an IRSA role for a workload.
//
// Run it with: go run ./examples/eks-platform [outdir]
package main

import (
	"fmt"
	"os"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/network"
)

// awsProviderConstraint is the AWS provider version this program requires:
// the 5.x line from 5.100, the same as the reference stacks
// (stacks/base.ProviderConstraint). Terraform installs any such provider,
// 5.100.0 from a mirror or a later 5.x from the registry.
const awsProviderConstraint = "~> 5.100"

func main() {
	outdir := "cdktf.out"
	if len(os.Args) > 1 {
		outdir = os.Args[1]
	}
	if err := build(outdir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("synthesized", outdir+"/stacks/eks-example")
}

func build(outdir string) error {
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(outdir)})
	stack := cdktf.NewTerraformStack(app, jsii.String("eks-example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-central-1")})
	// The aws/v19 binding pins the provider it was generated from (5.84.0)
	// exactly; require the 5.x line from 5.100, as the reference stacks do.
	stack.AddOverride(jsii.String("terraform.required_providers.aws.version"), awsProviderConstraint)
	cdktf.NewLocalBackend(stack, &cdktf.LocalBackendConfig{Path: jsii.String("terraform.eks-example.tfstate")})

	vpc, err := network.NewVPC(stack, "network", network.VPCProps{
		CIDR: "10.20.0.0/16",
		// Two zones, the first two the Region offers (data
		// aws_availability_zones, looked up at plan time).
		AZCount:      2,
		NAT:          network.NATSingle, // cheaper; one zone's outage cuts egress
		ClusterNames: []string{"shop"},
	})
	if err != nil {
		return err
	}
	cluster, err := eks.NewCluster(stack, "cluster", eks.ClusterProps{
		Name:              "shop",
		VPC:               vpc,
		PublicAccessCIDRs: []string{"203.0.113.0/24"}, // the office; never 0.0.0.0/0
		AccessEntries: []eks.AccessEntry{
			{PrincipalARN: "arn:aws:iam::111122223333:role/PlatformAdmin", Policy: eks.AccessPolicyClusterAdmin},
			{PrincipalARN: "arn:aws:iam::111122223333:role/ShopDevelopers", Policy: eks.AccessPolicyEdit, Namespaces: []string{"shop"}},
		},
		NodeGroups: []eks.NodeGroupProps{{
			Name:          "arm",
			InstanceTypes: []string{"m7g.large", "m6g.large"},
			MinSize:       2, MaxSize: 4,
		}},
		FargateProfiles: []eks.FargateProfileProps{{
			Name:      "batch",
			Selectors: []eks.FargateSelector{{Namespace: "batch"}},
		}},
	})
	if err != nil {
		return err
	}
	if _, err := eks.NewServiceAccountRole(stack, "orders-reader", eks.ServiceAccountRoleProps{
		Cluster:           cluster,
		Namespace:         "shop",
		ServiceAccount:    "orders",
		ManagedPolicyARNs: []string{"arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"},
	}); err != nil {
		return err
	}
	cdktf.NewTerraformOutput(stack, jsii.String("kubeconfig"), &cdktf.TerraformOutputConfig{Value: jsii.String(cluster.KubeconfigCommand())})
	app.Synth()
	return nil
}
