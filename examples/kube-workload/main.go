// Command kube-workload shows the Kubernetes layer: a cluster stack (VPC +
// EKS), an add-ons stack with the in-cluster controllers, and a workloads
// stack running one service with an HPA, a PDB, an IRSA role that may read
// one S3 prefix, and its pods registered in an existing load balancer
// target group. The two in-cluster stacks read the cluster through cdktf
// cross-stack references and are applied after it, in order.
//
// Run it with: go run ./examples/kube-workload [outdir]
package main

import (
	"fmt"
	"os"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/storage"
)

// awsProviderConstraint is the AWS provider version this program requires:
// the 5.x line from 5.100, the same as the reference stacks
// (stacks/base.ProviderConstraint). Terraform installs any such provider,
// 5.100.0 from a mirror or a later 5.x from the registry.
const awsProviderConstraint = "~> 5.100"

const region = "eu-west-1"

func main() {
	outdir := "cdktf.out"
	if len(os.Args) > 1 {
		outdir = os.Args[1]
	}
	if err := build(outdir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("synthesized", outdir+"/stacks/{shop-cluster,shop-addons,shop-workloads}")
}

func newStack(app cdktf.App, name string) cdktf.TerraformStack {
	stack := cdktf.NewTerraformStack(app, jsii.String(name))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String(region)})
	// The aws/v19 binding pins the provider it was generated from (5.84.0)
	// exactly; require the 5.x line from 5.100, as the reference stacks do.
	stack.AddOverride(jsii.String("terraform.required_providers.aws.version"), awsProviderConstraint)
	cdktf.NewLocalBackend(stack, &cdktf.LocalBackendConfig{Path: jsii.String("terraform." + name + ".tfstate")})
	return stack
}

func build(outdir string) error {
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(outdir)})

	// 1. AWS only: the network and the cluster.
	clusterStack := newStack(app, "shop-cluster")
	vpc, err := network.NewVPC(clusterStack, "network", network.VPCProps{
		Name: "shop", CIDR: "10.60.0.0/16", AvailabilityZones: []string{region + "a", region + "b", region + "c"},
		ClusterNames: []string{"shop"}, NAT: network.NATSingle,
	})
	if err != nil {
		return err
	}
	cluster, err := eks.NewCluster(clusterStack, "cluster", eks.ClusterProps{
		Name: "shop", VPC: vpc,
		// The in-cluster stacks' Terraform runs inside the VPC (a CI runner
		// or bastion): the VPC's range is admitted to the private API
		// endpoint on 443. Its identity still needs an access entry.
		PrivateAccessCIDRs: []string{vpc.CIDR()},
		AccessEntries:      []eks.AccessEntry{{PrincipalARN: "arn:aws:iam::123456789012:role/platform-admin", Policy: eks.AccessPolicyClusterAdmin}},
		NodeGroups:         []eks.NodeGroupProps{{Name: "general", MinSize: 3, MaxSize: 9}},
	})
	if err != nil {
		return err
	}
	assets, err := storage.NewBucket(clusterStack, "assets", storage.BucketProps{})
	if err != nil {
		return err
	}

	// 2. The controllers: the load balancer controller (TargetGroupBinding),
	// metrics-server (HPA), cluster-autoscaler and Argo CD.
	addons := newStack(app, "shop-addons")
	if _, err := kube.NewProviders(addons, "kubernetes", kube.ProvidersProps{Cluster: cluster, Region: region}); err != nil {
		return err
	}
	if _, err := kube.NewControllers(addons, "controllers", kube.ControllersProps{Cluster: cluster, Region: region, VPCID: vpc.VPCID()}); err != nil {
		return err
	}

	// 3. The workload, after the controllers (its TargetGroupBinding needs
	// their CRD while planning).
	workloads := newStack(app, "shop-workloads")
	workloads.AddDependency(addons)
	if _, err := kube.NewProviders(workloads, "kubernetes", kube.ProvidersProps{Cluster: cluster, Region: region}); err != nil {
		return err
	}
	ns, err := kube.NewNamespace(workloads, "catalog-namespace", kube.NamespaceProps{Name: "catalog"})
	if err != nil {
		return err
	}
	catalog, err := kube.NewWorkload(workloads, "catalog", kube.WorkloadProps{
		Namespace: ns, Name: "catalog", Cluster: cluster,
		Image:       "123456789012.dkr.ecr.eu-west-1.amazonaws.com/catalog:1.4.2",
		Env:         map[string]string{"ASSETS_BUCKET": assets.BucketName()},
		Requests:    kube.Resources{CPU: "250m", Memory: "256Mi"},
		Limits:      kube.Resources{CPU: "1", Memory: "512Mi"},
		MinReplicas: 3, MaxReplicas: 15,
	})
	if err != nil {
		return err
	}
	// The pods' IRSA role may read the assets bucket's images/ prefix.
	if err := assets.GrantRead(catalog.Role(), "images/"); err != nil {
		return err
	}
	if _, err := kube.BindTargetGroup(workloads, "catalog-tg", kube.TargetGroupBindingProps{
		Workload:       catalog,
		TargetGroupARN: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/catalog/0123456789abcdef",
	}); err != nil {
		return err
	}
	app.Synth()
	return nil
}
