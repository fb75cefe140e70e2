package tenancy_test

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

// Tenants on Istio ambient mode: risk shares its Service risk-checks with
// order-routing, which is added after it. Each namespace gets STRICT mTLS
// and a waypoint; the AuthorizationPolicies admit the namespace's own
// identities on every pod ("tenant") and at the waypoint ("waypoint"),
// and order-routing's service account, alone, at risk-checks. The
// NetworkPolicies open HBONE (15008) from order-routing to risk's
// waypoint, and the probes of ambient pods.
func ExampleAmbientMesh() {
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

	// The tenants' stack comes after the one that installs Istio (its
	// CRDs, istiod, istio-cni and ztunnel) and Argo CD.
	tenants := cdktf.NewTerraformStack(app, jsii.String("tenants"))
	provider.NewAwsProvider(tenants, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	if _, err := kube.NewProviders(tenants, "kubernetes", kube.ProvidersProps{Cluster: cluster, Region: "eu-west-1"}); err != nil {
		fmt.Println(err)
		return
	}
	platform, err := tenancy.NewPlatform(tenants, "tenancy", tenancy.PlatformProps{
		Cluster:     cluster,
		AmbientMesh: &tenancy.AmbientMesh{ScraperCIDRs: []string{vpc.CIDR()}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, props := range []tenancy.TenantProps{
		{Name: "risk", Services: []tenancy.TenantService{{
			Name: "risk-checks", Port: 8080, PodLabels: map[string]string{"app": "risk-checks"}, Callers: []string{"order-routing"},
		}}},
		{Name: "order-routing"},
	} {
		if _, err := platform.AddTenant(props); err != nil {
			fmt.Println(err)
			return
		}
	}
	if err := platform.Check(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("order-routing runs as", platform.Tenant("order-routing").Principal())
	for _, line := range tftest.Collect(tenants, "kubernetes_manifest", func(a map[string]any) string {
		m := a["manifest"].(map[string]any)
		name := m["metadata"].(map[string]any)["name"]
		switch m["kind"] {
		case "AuthorizationPolicy":
			rule := m["spec"].(map[string]any)["rules"].([]any)[0].(map[string]any)
			return fmt.Sprint("AuthorizationPolicy ", name, " ", rule["from"].([]any)[0].(map[string]any)["source"].(map[string]any)["principals"])
		case "PeerAuthentication":
			return fmt.Sprint("PeerAuthentication ", name, " ", m["spec"].(map[string]any)["mtls"].(map[string]any)["mode"])
		case "Gateway":
			return fmt.Sprint("Gateway ", name)
		}
		return ""
	}) {
		if line != "" {
			fmt.Println(line)
		}
	}
	for _, line := range tftest.Collect(tenants, "kubernetes_network_policy_v1", func(a map[string]any) string {
		name := fmt.Sprint(tftest.Block(a, "metadata")["name"])
		if !strings.Contains(name, "call") && !strings.Contains(name, "ambient") {
			return ""
		}
		spec := tftest.Block(a, "spec")
		for _, dir := range []string{"ingress", "egress"} {
			if rules, ok := spec[dir].([]any); ok {
				return fmt.Sprint("network policy ", name, " ", dir, " ", rules[0])
			}
		}
		return ""
	}) {
		if line != "" {
			fmt.Println(line)
		}
	}
	// Output:
	// order-routing runs as cluster.local/ns/order-routing/sa/workload
	// AuthorizationPolicy callers-risk-checks [cluster.local/ns/order-routing/sa/workload]
	// AuthorizationPolicy tenant [cluster.local/ns/order-routing/sa/*]
	// AuthorizationPolicy tenant [cluster.local/ns/risk/sa/*]
	// AuthorizationPolicy waypoint [cluster.local/ns/order-routing/sa/*]
	// AuthorizationPolicy waypoint [cluster.local/ns/risk/sa/*]
	// Gateway waypoint
	// Gateway waypoint
	// PeerAuthentication default STRICT
	// PeerAuthentication default STRICT
	// network policy allow-ambient-probes ingress map[from:[map[ip_block:map[cidr:169.254.7.127/32]]]]
	// network policy allow-ambient-probes ingress map[from:[map[ip_block:map[cidr:169.254.7.127/32]]]]
	// network policy allow-call.risk.risk-checks egress map[ports:[map[port:15008 protocol:TCP]] to:[map[namespace_selector:map[match_labels:map[kubernetes.io/metadata.name:risk]] pod_selector:map[match_labels:map[gateway.networking.k8s.io/gateway-name:waypoint]]]]]
	// network policy allow-callers-risk-checks ingress map[from:[map[namespace_selector:map[match_labels:map[kubernetes.io/metadata.name:order-routing]]]] ports:[map[port:15008 protocol:TCP]]]
}
