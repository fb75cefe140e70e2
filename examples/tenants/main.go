// Command tenants shows multi-tenancy on a shared EKS cluster: a cluster
// stack (VPC with a load balancer subnet tier, EKS, MSK, EFS, a bucket)
// and a tenants stack where tenancy.Platform onboards two teams, each
// with its namespace, quota, network policies, RBAC, IAM role (its S3
// prefix and Kafka topics only), EFS access point and volume, and Argo CD
// project syncing as the team's argocd-sync service account.
// The controllers (Argo CD among them) go in an add-ons stack applied in
// between, as in examples/kube-workload.
//
// Run it with: go run ./examples/tenants [outdir]
package main

import (
	"fmt"
	"os"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/kafka"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/storage"
	"github.com/hybridstack/hybridstack/constructs/tenancy"
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
	fmt.Println("synthesized", outdir+"/stacks/{desk-cluster,desk-addons,desk-tenants}")
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

	// 1. AWS: the shared cluster and what tenants share.
	shared := newStack(app, "desk-cluster")
	vpc, err := network.NewVPC(shared, "network", network.VPCProps{
		Name: "desk", CIDR: "10.70.0.0/16", AvailabilityZones: []string{region + "a", region + "b", region + "c"},
		ClusterNames: []string{"desk"}, NAT: network.NATSingle,
		LoadBalancerSubnetCIDRs: []string{"10.70.240.0/24", "10.70.241.0/24", "10.70.242.0/24"},
	})
	if err != nil {
		return err
	}
	var addons []eks.AddonProps
	for _, a := range []string{eks.AddonVPCCNI, eks.AddonKubeProxy, eks.AddonCoreDNS, eks.AddonPodIdentity, eks.AddonEFSCSIDriver} {
		addons = append(addons, eks.AddonProps{Name: a})
	}
	cluster, err := eks.NewCluster(shared, "cluster", eks.ClusterProps{
		Name: "desk", VPC: vpc, Addons: addons,
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
	events, err := kafka.NewCluster(shared, "kafka", kafka.ClusterProps{Name: "desk", VPC: vpc})
	if err != nil {
		return err
	}
	if _, err := cluster.Connections().AllowTo(events, kafka.IAMPort, "Pods to the Kafka brokers"); err != nil {
		return err
	}
	fs, err := storage.NewFileSystem(shared, "files", storage.FileSystemProps{Name: "desk", VPC: vpc})
	if err != nil {
		return err
	}
	if _, err := cluster.Connections().AllowTo(fs, storage.NFSPort, "Nodes (the EFS CSI driver) to EFS"); err != nil {
		return err
	}
	data, err := storage.NewBucket(shared, "data", storage.BucketProps{})
	if err != nil {
		return err
	}

	// 2. Controllers: Argo CD's CRDs must exist before the tenants' projects.
	controllers := newStack(app, "desk-addons")
	if _, err := kube.NewProviders(controllers, "kubernetes", kube.ProvidersProps{Cluster: cluster, Region: region}); err != nil {
		return err
	}
	// The tenants' AppProjects sync each tenant as its own service
	// account: tenancy needs Argo CD's sync impersonation.
	if _, err := kube.NewControllers(controllers, "controllers", kube.ControllersProps{Cluster: cluster, Region: region, VPCID: vpc.VPCID(), ArgoCDSyncImpersonation: true}); err != nil {
		return err
	}

	// 3. Tenants.
	tenants := newStack(app, "desk-tenants")
	tenants.AddDependency(controllers)
	if _, err := kube.NewProviders(tenants, "kubernetes", kube.ProvidersProps{Cluster: cluster, Region: region}); err != nil {
		return err
	}
	platform, err := tenancy.NewPlatform(tenants, "tenancy", tenancy.PlatformProps{
		Cluster: cluster, Bucket: data, Kafka: events, FileSystem: fs,
		Capacity:          kube.Resources{CPU: "24", Memory: "96Gi"},
		LoadBalancerCIDRs: vpc.LoadBalancerSubnetCIDRs(),
		EgressRules:       []tenancy.EgressRule{{Name: "vpc-services", CIDR: "10.70.0.0/16", Ports: []int{443, kafka.IAMPort}}},
	})
	if err != nil {
		return err
	}
	for i, name := range []string{"pricing", "quotes"} {
		repo := "https://git.example.com/desk/" + name + ".git"
		props := tenancy.TenantProps{
			Name: name, UID: 40001 + i, GID: 40001 + i,
			TeamRoleARN:  "arn:aws:iam::123456789012:role/" + name + "-team",
			Topics:       []tenancy.Topic{{Name: "ticks", Readers: []string{"quotes"}}},
			Repositories: []string{repo},
			Application:  &tenancy.Application{RepoURL: repo, Path: "deploy"},
		}
		if name == "quotes" {
			props.Topics = []tenancy.Topic{{Name: "quotes"}}
			props.ReadTopics = []string{"pricing.ticks"}
		}
		if _, err := platform.AddTenant(props); err != nil {
			return err
		}
	}
	app.Synth()
	return nil
}
