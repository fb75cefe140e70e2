package eks_test

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/grant"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/queue"
	"github.com/hybridstack/hybridstack/constructs/storage"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// A cluster with one managed node group in a new VPC: private API
// endpoint, secrets encrypted with a new KMS key, control-plane logs, and
// the core add-ons at the versions pinned for the default Kubernetes
// version.
func ExampleNewCluster() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.NewVPC(stack, "network", network.VPCProps{ClusterNames: []string{"platform"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	cluster, err := eks.NewCluster(stack, "platform", eks.ClusterProps{
		VPC:        vpc,
		NodeGroups: []eks.NodeGroupProps{{Name: "general", MaxSize: 3}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cluster.Version() == eks.DefaultVersion, cluster.NodeGroup("general") != nil)
	for _, addon := range eks.PinnedAddons(cluster.Version()) {
		fmt.Println(addon, cluster.Addon(addon) != nil)
	}
	// Output:
	// true true
	// amazon-cloudwatch-observability false
	// aws-ebs-csi-driver true
	// aws-efs-csi-driver false
	// coredns true
	// eks-pod-identity-agent true
	// kube-proxy true
	// vpc-cni true
}

// A production cluster: a public endpoint for the office range only,
// admins through access entries, an on-demand group for system pods and a
// Spot group (several instance types) for batch, tainted so that only
// batch pods land on it, and a Fargate profile for one namespace.
func ExampleNewCluster_realistic() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.ImportVPC(stack, "network", network.ImportVPCProps{
		VPCID:            "vpc-0123456789abcdef0",
		CIDR:             "10.20.0.0/16",
		PrivateSubnetIDs: []string{"subnet-0a000000", "subnet-0b000000", "subnet-0c000000"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	cluster, err := eks.NewCluster(stack, "prod", eks.ClusterProps{
		Name:              "prod",
		Version:           "1.34",
		VPC:               vpc,
		PublicAccessCIDRs: []string{"203.0.113.0/24"},
		LogRetentionDays:  365,
		AccessEntries: []eks.AccessEntry{
			{PrincipalARN: "arn:aws:iam::123456789012:role/PlatformAdmin", Policy: eks.AccessPolicyClusterAdmin},
			{PrincipalARN: "arn:aws:iam::123456789012:role/Developers", Policy: eks.AccessPolicyEdit, Namespaces: []string{"shop", "payments"}},
		},
		NodeGroups: []eks.NodeGroupProps{
			{Name: "system", InstanceTypes: []string{"m7g.large"}, MinSize: 2, MaxSize: 4},
			{
				Name: "batch", CapacityType: eks.Spot, InstanceTypes: []string{"c7i.2xlarge", "c6i.2xlarge", "c5.2xlarge"},
				MaxSize: 20, Labels: map[string]string{"workload": "batch"},
				Taints: []eks.Taint{{Key: "workload", Value: "batch", Effect: eks.NoSchedule}},
			},
		},
		FargateProfiles: []eks.FargateProfileProps{{Name: "reports", Selectors: []eks.FargateSelector{{Namespace: "reports"}}}},
		Tags:            map[string]string{"team": "platform"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cluster.Version(), cluster.NodeGroup("system") != nil, cluster.NodeGroup("batch") != nil)
	fmt.Println("vpc-cni", eks.AddonVersion("1.34", eks.AddonVPCCNI))
	// Output:
	// 1.34 true true
	// vpc-cni v1.22.4-eksbuild.3
}

// Invalid props create nothing; each problem names its field.
func ExampleNewCluster_invalidProps() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))

	_, err := eks.NewCluster(stack, "platform", eks.ClusterProps{
		Version:    "1.29",
		NodeGroups: []eks.NodeGroupProps{{Name: "general", MinSize: 3, MaxSize: 2}},
	})
	fmt.Println(errors.Is(err, validate.ErrInvalid))
	var fields []string
	for _, fe := range validate.Fields(err) {
		fields = append(fields, fe.Field)
	}
	sort.Strings(fields)
	fmt.Println(fields)
	// Output:
	// true
	// [NodeGroups[0].DesiredSize NodeGroups[0].MinSize VPC Version]
}

// An IAM role for one Kubernetes service account through IRSA: annotate
// the service account with Annotations().
func ExampleNewServiceAccountRole() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.NewVPC(stack, "network", network.VPCProps{AZCount: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	cluster, err := eks.NewCluster(stack, "platform", eks.ClusterProps{VPC: vpc, NodeGroups: []eks.NodeGroupProps{{Name: "general", MaxSize: 3}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	role, err := eks.NewServiceAccountRole(stack, "orders-api", eks.ServiceAccountRoleProps{
		Cluster:        cluster,
		Namespace:      "shop",
		ServiceAccount: "orders-api",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for key := range role.Annotations() {
		fmt.Println(key)
	}
	// Output: eks.amazonaws.com/role-arn
}

// An IRSA role with a managed policy, an inline policy, and grants from a
// bucket and from package grant (the role is a grant.Grantee). A bad
// namespace is refused.
func ExampleNewServiceAccountRole_realistic() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.NewVPC(stack, "network", network.VPCProps{AZCount: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	cluster, err := eks.NewCluster(stack, "platform", eks.ClusterProps{VPC: vpc, NodeGroups: []eks.NodeGroupProps{{Name: "general", MaxSize: 3}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	reports, err := storage.NewBucket(stack, "reports", storage.BucketProps{})
	if err != nil {
		fmt.Println(err)
		return
	}
	inline, err := iamdoc.Document(iamdoc.Allow("QueryOrders", []string{"dynamodb:Query"}, "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"))
	if err != nil {
		fmt.Println(err)
		return
	}
	role, err := eks.NewServiceAccountRole(stack, "orders-api", eks.ServiceAccountRoleProps{
		Cluster:           cluster,
		Namespace:         "shop",
		ServiceAccount:    "orders-api",
		ManagedPolicyARNs: []string{"arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"},
		PolicyDocument:    inline,
		Description:       "Orders API pods",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(reports.GrantReadWrite(role, "orders/"))
	fmt.Println(grant.SecretRead(role, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-db-AbCdEf"))

	_, err = eks.NewServiceAccountRole(stack, "typo", eks.ServiceAccountRoleProps{Cluster: cluster, Namespace: "Shop", ServiceAccount: "orders-api"})
	fmt.Println(err)
	// Output:
	// <nil>
	// <nil>
	// eks "example/typo": Namespace "Shop" is not a namespace name (RFC 1123 label: lowercase letters, digits and '-', at most 63)
}

// A role handed to a service account through EKS Pod Identity (the
// cluster runs the eks-pod-identity-agent add-on by default).
func ExampleNewPodIdentityRole() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.NewVPC(stack, "network", network.VPCProps{AZCount: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	cluster, err := eks.NewCluster(stack, "platform", eks.ClusterProps{VPC: vpc, NodeGroups: []eks.NodeGroupProps{{Name: "general", MaxSize: 3}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	worker, err := eks.NewPodIdentityRole(stack, "worker", eks.PodIdentityRoleProps{
		Cluster:        cluster,
		Namespace:      "jobs",
		ServiceAccount: "worker",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(worker.RoleARN() != "")
	// Output: true
}

// A Pod Identity role granted to consume a queue by the queue itself.
// Pods of a namespace that runs only on Fargate cannot use Pod Identity.
func ExampleNewPodIdentityRole_realistic() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.NewVPC(stack, "network", network.VPCProps{AZCount: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	cluster, err := eks.NewCluster(stack, "platform", eks.ClusterProps{
		VPC:             vpc,
		NodeGroups:      []eks.NodeGroupProps{{Name: "general", MaxSize: 3}},
		FargateProfiles: []eks.FargateProfileProps{{Name: "reports", Selectors: []eks.FargateSelector{{Namespace: "reports"}}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	jobs, err := queue.NewQueue(stack, "jobs", queue.Props{})
	if err != nil {
		fmt.Println(err)
		return
	}
	worker, err := eks.NewPodIdentityRole(stack, "worker", eks.PodIdentityRoleProps{
		Cluster:           cluster,
		Namespace:         "jobs",
		ServiceAccount:    "worker",
		ManagedPolicyARNs: []string{"arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(jobs.GrantConsume(worker))

	_, err = eks.NewPodIdentityRole(stack, "reporter", eks.PodIdentityRoleProps{Cluster: cluster, Namespace: "reports", ServiceAccount: "reporter"})
	fmt.Println(err)
	// Output:
	// <nil>
	// eks "example/reporter": Namespace "reports" runs on Fargate, which does not support Pod Identity; use NewServiceAccountRole (IRSA)
}

// An existing cluster, made outside this stack (by another team, or
// before the stack existed): ImportCluster reads it and its IAM OIDC
// provider with data sources at plan time, and what AWS cannot tell
// before then (the Kubernetes version, the node role, whether it has EC2
// nodes) comes from props. The imported cluster is an eks.ClusterRef like
// a *Cluster: IRSA roles trust its OIDC provider, and kube, mesh, tenancy
// and telemetry constructs run on it. It manages nothing of the cluster
// but the access entries it is given.
func ExampleImportCluster() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	cluster, err := eks.ImportCluster(stack, "platform", eks.ImportClusterProps{
		Name:        "platform",
		Version:     "1.34",
		NodeRoleARN: "arn:aws:iam::123456789012:role/platform-nodes",
		EC2Nodes:    true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	err = cluster.AddAccessEntry(eks.AccessEntry{PrincipalARN: "arn:aws:iam::123456789012:role/Deployer", Policy: eks.AccessPolicyEdit, Namespaces: []string{"shop"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	var ref eks.ClusterRef = cluster
	if _, err := eks.NewServiceAccountRole(stack, "orders-api", eks.ServiceAccountRoleProps{Cluster: ref, Namespace: "shop", ServiceAccount: "orders-api"}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ref.Version(), ref.HasEC2Nodes(), ref.NodeRoleARN())

	// What cannot be read from AWS is checked before anything is made.
	_, err = eks.ImportCluster(stack, "old", eks.ImportClusterProps{Name: "old", Version: "1.20", NodeRoleARN: "platform-nodes"})
	for _, fe := range validate.Fields(err) {
		problem, _, _ := strings.Cut(fe.Problem, ";")
		fmt.Println(fe.Field, "refused:", problem)
	}

	fmt.Println(tftest.Collect(stack, "aws_eks_access_entry", func(a map[string]any) string {
		return fmt.Sprint(a["principal_arn"], " on ", a["cluster_name"])
	}))
	fmt.Println(tftest.Collect(stack, "aws_iam_role", func(a map[string]any) string {
		return fmt.Sprint("trusts the imported OIDC provider: ", strings.Contains(fmt.Sprint(a["assume_role_policy"]), "${data.aws_iam_openid_connect_provider.platform_oidc-provider_"))
	}))
	// Output:
	// 1.34 true arn:aws:iam::123456789012:role/platform-nodes
	// Version refused: "1.20" is not a Kubernetes version EKS supports (as of 2026-11-22)
	// NodeRoleARN refused: "platform-nodes" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)
	// [arn:aws:iam::123456789012:role/Deployer on ${data.aws_eks_cluster.platform_cluster_314FC901.name}]
	// [trusts the imported OIDC provider: true]
}
