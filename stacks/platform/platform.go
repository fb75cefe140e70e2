// Package platform is the reference stack the others build on: a VPC and an
// EKS cluster with a general-purpose node group, a tainted Spot node group,
// a Fargate profile for the serverless namespace, managed add-ons, an admin
// role with an access entry, and an IRSA role for the cluster autoscaler.
package platform

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopic"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/observe"
	"github.com/hybridstack/hybridstack/constructs/telemetry"
	"github.com/hybridstack/hybridstack/stacks/base"
)

// Name is the stack's name and the cluster's name.
const Name = "platform"

// AddonsName is the stack of the in-cluster controllers, applied after the
// platform stack (Terraform cannot configure the kubernetes and helm
// providers from a cluster created in the same plan).
const AddonsName = Name + "-addons"

// Platform is the synthesized stack with handles other stacks build on.
type Platform struct {
	Stack   cdktf.TerraformStack
	VPC     *network.VPC
	Cluster *eks.Cluster
	// Autoscaler is the cluster autoscaler's IRSA role.
	Autoscaler *eks.ServiceAccountRole
	// Admin is the operators' role.
	Admin *base.AdminRole
	// Alerts is the topic every alarm of the stack notifies.
	Alerts snstopic.SnsTopic
	// Addons is the stack of the in-cluster controllers (New only).
	Addons cdktf.TerraformStack
}

// New builds the platform stack. Every invalid construct is reported.
func New(scope constructs.Construct, s base.Settings) (*Platform, error) {
	stack, err := base.NewStack(scope, Name, s)
	if err != nil {
		return nil, err
	}
	p, err := Build(stack, Name, s)
	if err != nil {
		return nil, err
	}
	base.Output(stack, "cluster_name", "EKS cluster name", p.Cluster.Name())
	base.Output(stack, "cluster_endpoint", "Kubernetes API endpoint (private to the VPC)", p.Cluster.Endpoint())
	base.Output(stack, "oidc_issuer", "OIDC issuer URL for IRSA", p.Cluster.OIDCIssuerURL())
	base.Output(stack, "kubeconfig_command", "Writes a kubeconfig entry for the cluster", p.Cluster.KubeconfigCommand())
	base.Output(stack, "admin_role_arn", "Assume (with MFA) to administer the cluster", p.Admin.ARN())
	base.Output(stack, "cluster_autoscaler_role_arn", "Annotate kube-system/cluster-autoscaler with it (eks.amazonaws.com/role-arn)", p.Autoscaler.RoleARN())

	// The controllers, in a stack of their own: the load balancer
	// controller, metrics-server, cluster-autoscaler on the role above,
	// and Argo CD.
	region := s.WithDefaults().Region
	addons, err := base.NewStack(scope, AddonsName, s)
	if err != nil {
		return nil, err
	}
	if _, err := kube.NewProviders(addons, "kubernetes", kube.ProvidersProps{Cluster: p.Cluster, Region: region, RoleARN: p.Admin.ARN()}); err != nil {
		return nil, err
	}
	if _, err := kube.NewControllers(addons, "controllers", kube.ControllersProps{
		Cluster: p.Cluster, Region: region, VPCID: p.VPC.VPCID(),
		ClusterAutoscalerRole: p.Autoscaler,
	}); err != nil {
		return nil, err
	}
	// The collectors: container logs to a log group per namespace,
	// kube-state-metrics for the managed Prometheus scraper, traces to
	// X-Ray.
	if _, err := telemetry.NewCollectors(addons, "telemetry", telemetry.CollectorsProps{
		Cluster: p.Cluster, Region: region, VPCCIDR: p.VPC.CIDR(),
	}); err != nil {
		return nil, err
	}
	p.Addons = addons
	// Last, after every construct: the dashboard and health alarm of
	// them all.
	alerts := p.Alerts
	base.Output(stack, "alerts_topic", "Subscribe to receive alarms", *alerts.Arn())
	// Cluster metrics: Prometheus (managed collector, rules, alerts to the
	// topic) and Container Insights.
	if _, err := telemetry.NewMetrics(stack, "metrics", telemetry.MetricsProps{Cluster: p.Cluster, AlertTopicARN: *alerts.Arn(), Disposable: s.Disposable}); err != nil {
		return nil, err
	}
	if _, err := observe.NewDashboard(stack, "dashboard", observe.DashboardProps{Name: Name, AlarmTopicARN: *alerts.Arn()}); err != nil {
		return nil, err
	}
	return p, nil
}

// Build adds the platform's VPC, cluster and roles to stack, naming the
// cluster name. Other reference stacks call it to start from the platform.
func Build(stack cdktf.TerraformStack, name string, s base.Settings) (*Platform, error) {
	s = s.WithDefaults()
	vpc, err := network.NewVPC(stack, "network", network.VPCProps{
		Name:              name,
		CIDR:              "10.0.0.0/16",
		AvailabilityZones: s.AvailabilityZones(3),
		ClusterNames:      []string{name},
		// Image pulls and AWS API calls stay off the NAT gateways.
		Endpoints: []network.Endpoint{network.EndpointS3, network.EndpointECRAPI, network.EndpointECRDocker, network.EndpointSTS, network.EndpointLogs},
	})
	if err != nil {
		return nil, err
	}

	admin, err := base.NewAdminRole(stack, name)
	if err != nil {
		return nil, err
	}
	alerts, err := base.AlertTopic(stack, name, s.Disposable, true)
	if err != nil {
		return nil, err
	}
	cluster, err := eks.NewCluster(stack, "cluster", eks.ClusterProps{
		Name:          name,
		VPC:           vpc,
		Disposable:    s.Disposable,
		AlarmTopicARN: *alerts.Arn(),
		// Where Terraform runs the in-cluster stacks from: the operators'
		// networks, or else anywhere in the VPC.
		PrivateAccessCIDRs: s.AdminCIDRs(vpc.CIDR()),
		AccessEntries: []eks.AccessEntry{
			{PrincipalARN: admin.ARN(), Policy: eks.AccessPolicyClusterAdmin},
		},
		NodeGroups: []eks.NodeGroupProps{
			{
				Name:          "general",
				InstanceTypes: []string{"m7i.large", "m6i.large"},
				MinSize:       2, DesiredSize: 3, MaxSize: 6,
				Labels: map[string]string{"workload": "general"},
			},
			{
				Name:          "spot",
				InstanceTypes: []string{"m7i.xlarge", "m6i.xlarge", "m7a.xlarge", "m6a.xlarge"},
				CapacityType:  eks.Spot,
				MinSize:       0, DesiredSize: 0, MaxSize: 10,
				Labels: map[string]string{"workload": "batch", "capacity": "spot"},
				Taints: []eks.Taint{{Key: "capacity", Value: "spot", Effect: eks.NoSchedule}},
			},
		},
		FargateProfiles: []eks.FargateProfileProps{
			{Name: "serverless", Selectors: []eks.FargateSelector{{Namespace: "serverless"}}},
		},
	})
	if err != nil {
		return nil, err
	}

	if err := admin.AllowKubeconfig(stack, cluster.ARN()); err != nil {
		return nil, err
	}

	policy, err := autoscalerPolicy(name)
	if err != nil {
		return nil, err
	}
	autoscaler, err := eks.NewServiceAccountRole(stack, "cluster-autoscaler", eks.ServiceAccountRoleProps{
		Cluster:        cluster,
		Namespace:      "kube-system",
		ServiceAccount: "cluster-autoscaler",
		PolicyDocument: policy,
	})
	if err != nil {
		return nil, err
	}
	return &Platform{Stack: stack, VPC: vpc, Cluster: cluster, Autoscaler: autoscaler, Admin: admin, Alerts: alerts}, nil
}

// autoscalerPolicy lets the cluster autoscaler resize only the node groups
// tagged as owned by this cluster.
func autoscalerPolicy(cluster string) (string, error) {
	// Describe calls do not support resource-level permissions.
	describe := iamdoc.Allow("Describe", []string{
		"autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeLaunchConfigurations",
		"autoscaling:DescribeScalingActivities", "autoscaling:DescribeTags", "ec2:DescribeImages", "ec2:DescribeInstanceTypes",
		"ec2:DescribeLaunchTemplateVersions", "ec2:GetInstanceTypesFromInstanceRequirements", "eks:DescribeNodegroup",
	}, "*")
	scale := iamdoc.Allow("ScaleOwnedGroups", []string{"autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"}, "*")
	scale.Condition = map[string]map[string]any{"StringEquals": {"aws:ResourceTag/k8s.io/cluster-autoscaler/" + cluster: "owned"}}
	return iamdoc.Document(describe, scale)
}
