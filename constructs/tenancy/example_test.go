package tenancy_test

import (
	"fmt"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/storage"
	"github.com/hybridstack/hybridstack/constructs/tenancy"
)

// A platform on an EKS cluster and a shared bucket, in a stack of its own
// applied after the cluster's, with one small tenant: its namespace with
// quota and limits, default-deny network policies, a Role for the team,
// an IAM role for its pods (its prefix of the bucket only) and an Argo CD
// project and Application for its repository.
func ExampleNewPlatform() {
	app := cdktf.NewApp(nil)
	aws := cdktf.NewTerraformStack(app, jsii.String("cluster"))
	provider.NewAwsProvider(aws, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	vpc, err := network.NewVPC(aws, "network", network.VPCProps{AZCount: 2, ClusterNames: []string{"trading"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	cluster, err := eks.NewCluster(aws, "cluster", eks.ClusterProps{Name: "trading", VPC: vpc, PrivateAccessCIDRs: []string{vpc.CIDR()},
		NodeGroups: []eks.NodeGroupProps{{Name: "general", MaxSize: 3}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	data, err := storage.NewBucket(aws, "data", storage.BucketProps{})
	if err != nil {
		fmt.Println(err)
		return
	}

	tenants := cdktf.NewTerraformStack(app, jsii.String("tenants"))
	provider.NewAwsProvider(tenants, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	if _, err := kube.NewProviders(tenants, "kubernetes", kube.ProvidersProps{Cluster: cluster, Region: "eu-west-1"}); err != nil {
		fmt.Println(err)
		return
	}
	platform, err := tenancy.NewPlatform(tenants, "tenancy", tenancy.PlatformProps{Cluster: cluster, Bucket: data})
	if err != nil {
		fmt.Println(err)
		return
	}
	repo := "https://git.example.com/trading/risk.git"
	risk, err := platform.AddTenant(tenancy.TenantProps{
		Name: "risk", Tier: tenancy.TierSmall,
		Repositories: []string{repo},
		Application:  &tenancy.Application{RepoURL: repo, Path: "deploy"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("tenants:", platform.Tenants(), "service account:", risk.ServiceAccount())
	for _, line := range tftest.Collect(tenants, "kubernetes_network_policy_v1", func(a map[string]any) string {
		return fmt.Sprint("network policy ", tftest.Block(a, "metadata")["name"])
	}) {
		fmt.Println(line)
	}
	for _, line := range tftest.Collect(tenants, "kubernetes_manifest", func(a map[string]any) string {
		m := a["manifest"].(map[string]any)
		return fmt.Sprint(m["kind"], " ", m["metadata"].(map[string]any)["name"])
	}) {
		fmt.Println(line)
	}
	// Output:
	// tenants: [risk] service account: workload
	// network policy allow-dns
	// network policy allow-same-namespace
	// network policy default-deny
	// AppProject risk
	// Application risk
	// ValidatingAdmissionPolicy hybridstack-tenancy-guardrails
	// ValidatingAdmissionPolicyBinding hybridstack-tenancy-guardrails
}
