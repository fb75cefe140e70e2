// Package tradingplatform is the reference stack for a multi-tenant
// trading SaaS on EKS: tenants (market-data, order-routing, risk) are
// namespaces with quotas, network policies, their own RBAC and IAM role;
// Kafka (Amazon MSK, IAM auth) carries market and order events on topics
// each tenant owns; EFS gives every tenant a shared directory of its own;
// Istio ambient carries east-west calls between the trading services
// (mTLS between every pod, each shared service open to exactly its
// callers' identities); Argo CD deploys each tenant from its repository;
// Argo Rollouts releases order-routing as a canary checked against its
// error rate and latency.
//
// It is three stacks, applied in order:
//
//   - tradingplatform: the VPC (with a load balancer subnet tier), the EKS
//     cluster with the EFS CSI driver, MSK, EFS, the tenants' S3 bucket and
//     the Prometheus workspace;
//   - tradingplatform-addons: the AWS Load Balancer Controller,
//     metrics-server, cluster-autoscaler, Argo CD, Istio ambient, Argo
//     Rollouts and the EFS StorageClass;
//   - tradingplatform-tenants: one tenancy.Tenant per tenant, each in the
//     mesh, with its Argo CD project and Application, and order-routing's
//     canary.
package tradingplatform

import (
	"errors"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/storageclassv1"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/delivery"
	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/kafka"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/observe"
	"github.com/hybridstack/hybridstack/constructs/storage"
	"github.com/hybridstack/hybridstack/constructs/telemetry"
	"github.com/hybridstack/hybridstack/constructs/tenancy"
	"github.com/hybridstack/hybridstack/stacks/base"
	"github.com/hybridstack/hybridstack/stacks/base/gitops"
)

// Names of the three stacks, in apply order.
const (
	Name        = "tradingplatform"
	AddonsName  = Name + "-addons"
	TenantsName = Name + "-tenants"
)

// StackNames returns the stacks' names in apply order.
func StackNames() []string { return []string{Name, AddonsName, TenantsName} }

// servicePort is where the trading services' pods listen.
const servicePort = 8080

// vpcCIDR is the platform's network; the tenants' egress rules name it.
const vpcCIDR = "10.50.0.0/16"

// Stack holds the parts of the built platform.
type Stack struct {
	Stack, Addons, Tenants cdktf.TerraformStack
	Cluster                *eks.Cluster
	Kafka                  *kafka.Cluster
	FileSystem             *storage.FileSystem
	Platform               *tenancy.Platform
	// Metrics is the Prometheus workspace and collector; the canary
	// analyses query it.
	Metrics *telemetry.Metrics
	// OrderRoutingCanary releases order-routing progressively.
	OrderRoutingCanary *delivery.Canary
}

// Options are the stack's choices beyond base.Settings.
type Options struct {
	// Settings say where the tenants' repositories live.
	// Default: - see gitops.Settings
	gitops.Settings
}

// OptionsFrom returns the options read where s reads its own settings
// (s.Lookup: HYBRIDSTACK_GITOPS_REPO_BASE or its cdktf context key).
func OptionsFrom(s base.Settings) Options {
	return Options{Settings: gitops.SettingsFrom(s)}
}

// New builds the platform with its three example tenants, their
// repositories where OptionsFrom says.
func New(scope constructs.Construct, s base.Settings) (*Stack, error) {
	s = s.WithDefaults()
	opts := OptionsFrom(s)
	if err := errors.Join(s.Validate(Name), opts.Validate(Name)); err != nil {
		return nil, err
	}
	return Build(scope, s, Tenants(opts))
}

// Tenants returns the three example tenants, their repositories under
// opts.GitOpsRepoBase:
//
//   - market-data publishes prices, which order-routing and risk read, and
//     serves them (service prices) to order-routing and risk through the
//     mesh;
//   - risk runs pre-trade checks (service risk-checks), called by
//     order-routing through the mesh;
//   - order-routing takes orders (its service order-routing, which its
//     own edge pods call) and publishes fills; it is released as a canary.
func Tenants(opts Options) []tenancy.TenantProps {
	tenant := func(name string, tier tenancy.Tier, uid int) tenancy.TenantProps {
		repo := opts.RepoURL(name)
		return tenancy.TenantProps{
			Name: name, Tier: tier, UID: uid, GID: uid,
			Repositories: []string{repo},
			Application:  &tenancy.Application{RepoURL: repo, Path: "deploy"},
		}
	}
	marketData := tenant("market-data", tenancy.TierMedium, 20001)
	marketData.Topics = []tenancy.Topic{{Name: "prices", Readers: []string{"risk", "order-routing"}}, {Name: "reference-data"}}
	marketData.Services = []tenancy.TenantService{{Name: "prices", Port: servicePort, PodLabels: map[string]string{"app.kubernetes.io/name": "prices"}, Callers: []string{"order-routing", "risk"}}}
	risk := tenant("risk", tenancy.TierSmall, 20002)
	risk.Topics = []tenancy.Topic{{Name: "limits"}, {Name: "breaches"}}
	risk.ReadTopics = []string{"market-data.prices"}
	risk.Services = []tenancy.TenantService{{Name: "risk-checks", Port: servicePort, PodLabels: map[string]string{"app.kubernetes.io/name": "risk-checks"}, Callers: []string{"order-routing"}}}
	orders := tenant("order-routing", tenancy.TierMedium, 20003)
	orders.Topics = []tenancy.Topic{{Name: "orders"}, {Name: "fills"}}
	orders.ReadTopics = []string{"market-data.prices"}
	return []tenancy.TenantProps{marketData, risk, orders}
}

// Build builds the three stacks with the given tenants (the scale
// benchmark builds hundreds).
func Build(scope constructs.Construct, s base.Settings, tenants []tenancy.TenantProps) (*Stack, error) {
	s = s.WithDefaults()
	stack, err := base.NewStack(scope, Name, s)
	if err != nil {
		return nil, err
	}
	vpc, err := network.NewVPC(stack, "network", network.VPCProps{
		Name:              Name,
		CIDR:              vpcCIDR,
		AvailabilityZones: s.AvailabilityZones(3),
		ClusterNames:      []string{Name},
		// Internal load balancers in front of tenants get subnets of
		// their own, so that the tenants' NetworkPolicies can admit them
		// by range without admitting pods (LoadBalancerCIDRs); none is
		// made here.
		LoadBalancerSubnetCIDRs: []string{"10.50.240.0/24", "10.50.241.0/24", "10.50.242.0/24"},
		Endpoints:               []network.Endpoint{network.EndpointS3, network.EndpointECRAPI, network.EndpointECRDocker, network.EndpointSTS, network.EndpointLogs},
		NAT:                     network.NATSingle,
	})
	if err != nil {
		return nil, err
	}
	admin, err := base.NewAdminRole(stack, Name)
	if err != nil {
		return nil, err
	}
	alerts, err := base.AlertTopic(stack, Name, s.Disposable, true)
	if err != nil {
		return nil, err
	}
	// The default add-ons and the EFS CSI driver, each at its pinned
	// version.
	var addons []eks.AddonProps
	for _, a := range []string{eks.AddonVPCCNI, eks.AddonKubeProxy, eks.AddonCoreDNS, eks.AddonPodIdentity, eks.AddonEBSCSIDriver, eks.AddonEFSCSIDriver} {
		addons = append(addons, eks.AddonProps{Name: a})
	}
	cluster, err := eks.NewCluster(stack, "cluster", eks.ClusterProps{
		Name:               Name,
		VPC:                vpc,
		Disposable:         s.Disposable,
		AlarmTopicARN:      *alerts.Arn(),
		PrivateAccessCIDRs: s.AdminCIDRs(vpcCIDR),
		AccessEntries:      []eks.AccessEntry{{PrincipalARN: admin.ARN(), Policy: eks.AccessPolicyClusterAdmin}},
		Addons:             addons,
		NodeGroups: []eks.NodeGroupProps{{
			Name: "trading", InstanceTypes: []string{"m7i.xlarge", "m6i.xlarge"},
			MinSize: 3, DesiredSize: 3, MaxSize: 12,
		}},
	})
	if err != nil {
		return nil, err
	}
	if err := admin.AllowKubeconfig(stack, cluster.ARN()); err != nil {
		return nil, err
	}

	// Kafka: provisioned MSK (see the README for why not Serverless).
	events, err := kafka.NewCluster(stack, "kafka", kafka.ClusterProps{Name: Name, VPC: vpc, Disposable: s.Disposable, AlarmTopicARN: *alerts.Arn()})
	if err != nil {
		return nil, err
	}
	if _, err := cluster.Connections().AllowTo(events, kafka.IAMPort, "From the cluster's pods to the Kafka brokers (IAM auth, TLS)"); err != nil {
		return nil, err
	}
	// EFS: the CSI driver on each node mounts it.
	fs, err := storage.NewFileSystem(stack, "shared-files", storage.FileSystemProps{Name: Name, VPC: vpc, Disposable: s.Disposable, AlarmTopicARN: *alerts.Arn()})
	if err != nil {
		return nil, err
	}
	if _, err := cluster.Connections().AllowTo(fs, storage.NFSPort, "From the cluster's nodes to EFS (the CSI driver mounts for pods)"); err != nil {
		return nil, err
	}
	bucket, err := storage.NewBucket(stack, "tenant-data", storage.BucketProps{NamePrefix: Name + "-tenant-data-", Disposable: s.Disposable})
	if err != nil {
		return nil, err
	}

	base.Output(stack, "cluster_name", "EKS cluster name", cluster.Name())
	base.Output(stack, "kubeconfig_command", "Writes a kubeconfig entry for the cluster", cluster.KubeconfigCommand())
	base.Output(stack, "admin_role_arn", "Assume (with MFA) to administer the cluster", admin.ARN())
	base.Output(stack, "kafka_bootstrap_brokers", "Kafka bootstrap brokers (SASL/IAM over TLS, port 9098)", events.BootstrapBrokersIAM())
	base.Output(stack, "file_system_id", "EFS file system of the tenants' shared directories", fs.ID())
	base.Output(stack, "risk_checks_service", "Where order-routing reaches risk checks in the mesh", "risk-checks.risk.svc.cluster.local")
	base.Output(stack, "prices_service", "Where tenants reach market-data prices in the mesh", "prices.market-data.svc.cluster.local")
	base.Output(stack, "alerts_topic", "Subscribe to receive alarms", *alerts.Arn())
	// Cluster metrics: Prometheus (managed collector, rules, alerts to the
	// topic) and Container Insights. No Kafka consumer-lag rules: they
	// need a kafka_exporter that can sign in to MSK with IAM, which this
	// stack does not run (telemetry.KafkaProps); kafka.Cluster alarms on
	// the consumer lag MSK publishes to CloudWatch instead.
	// With Istio ambient it also scrapes the waypoints and ztunnel: the
	// canary analyses read them.
	metrics, err := telemetry.NewMetrics(stack, "metrics", telemetry.MetricsProps{
		Cluster: cluster, AlertTopicARN: *alerts.Arn(), Disposable: s.Disposable, IstioAmbient: true,
	})
	if err != nil {
		return nil, err
	}

	out := &Stack{Stack: stack, Cluster: cluster, Kafka: events, FileSystem: fs, Metrics: metrics}
	if out.Addons, err = addonsStack(scope, s, cluster, vpc, fs, metrics, admin.ARN()); err != nil {
		return nil, err
	}
	if out.Tenants, out.Platform, err = tenantsStack(scope, s, out, vpc, bucket, admin.ARN(), tenants); err != nil {
		return nil, err
	}
	out.Tenants.AddDependency(out.Addons)
	// Last, after every construct (the other stacks add to this one): the
	// dashboard and health alarm of them all.
	if _, err := observe.NewDashboard(stack, "dashboard", observe.DashboardProps{Name: Name, AlarmTopicARN: *alerts.Arn()}); err != nil {
		return nil, err
	}
	return out, nil
}

// addonsStack installs the controllers (Argo CD among them), the
// collectors, Istio ambient, Argo Rollouts and the EFS StorageClass.
func addonsStack(scope constructs.Construct, s base.Settings, cluster *eks.Cluster, vpc *network.VPC, fs *storage.FileSystem, metrics *telemetry.Metrics, admin string) (cdktf.TerraformStack, error) {
	stack, err := base.NewStack(scope, AddonsName, s)
	if err != nil {
		return nil, err
	}
	if _, err := kube.NewProviders(stack, "kubernetes", kube.ProvidersProps{Cluster: cluster, Region: s.Region, RoleARN: admin}); err != nil {
		return nil, err
	}
	// Sync impersonation: the tenants' AppProjects sync each tenant as its
	// own service account (tenancy requires it).
	if _, err := kube.NewControllers(stack, "controllers", kube.ControllersProps{Cluster: cluster, Region: s.Region, VPCID: vpc.VPCID(), ArgoCDSyncImpersonation: true}); err != nil {
		return nil, err
	}
	// The collectors: container logs to a log group per namespace (each
	// tenant's its own), kube-state-metrics for the managed Prometheus
	// scraper, traces to X-Ray.
	if _, err := telemetry.NewCollectors(stack, "telemetry", telemetry.CollectorsProps{Cluster: cluster, Region: s.Region, VPCCIDR: vpc.CIDR()}); err != nil {
		return nil, err
	}
	// Istio ambient (istiod, istio-cni and ztunnel in istio-system, the
	// only privileged namespace it makes) for the tenants' east-west
	// calls, and Argo Rollouts for their canaries, reading the Prometheus
	// workspace.
	if _, err := kube.NewIstioAmbient(stack, "istio", kube.IstioAmbientProps{Cluster: cluster}); err != nil {
		return nil, err
	}
	if _, err := kube.NewArgoRollouts(stack, "argo-rollouts", kube.ArgoRolloutsProps{
		Cluster: cluster, Region: s.Region, PrometheusWorkspaceARN: metrics.WorkspaceARN(), PrometheusKMSKeyARN: metrics.KMSKeyARN(),
	}); err != nil {
		return nil, err
	}
	// Dynamic volumes get an access point each under /dynamic, owned by a
	// POSIX id from a range apart from the tenants' (20001+).
	storageclassv1.NewStorageClassV1(stack, jsii.String("efs-storage-class"), &storageclassv1.StorageClassV1Config{
		Metadata:           &storageclassv1.StorageClassV1Metadata{Name: jsii.String("efs")},
		StorageProvisioner: jsii.String("efs.csi.aws.com"),
		ReclaimPolicy:      jsii.String("Retain"),
		VolumeBindingMode:  jsii.String("Immediate"),
		Parameters: &map[string]*string{
			"provisioningMode": jsii.String("efs-ap"), "fileSystemId": jsii.String(fs.ID()), "directoryPerms": jsii.String("700"),
			"basePath": jsii.String("/dynamic"), "gidRangeStart": jsii.String("50000"), "gidRangeEnd": jsii.String("59999"),
		},
	})
	return stack, nil
}

// tenantsStack onboards the tenants.
func tenantsStack(scope constructs.Construct, s base.Settings, p *Stack, vpc *network.VPC, bucket *storage.Bucket, admin string, tenants []tenancy.TenantProps) (cdktf.TerraformStack, *tenancy.Platform, error) {
	stack, err := base.NewStack(scope, TenantsName, s)
	if err != nil {
		return nil, nil, err
	}
	if _, err := kube.NewProviders(stack, "kubernetes", kube.ProvidersProps{Cluster: p.Cluster, Region: s.Region, RoleARN: admin}); err != nil {
		return nil, nil, err
	}
	platform, err := tenancy.NewPlatform(stack, "tenancy", tenancy.PlatformProps{
		Cluster: p.Cluster, Bucket: bucket, Kafka: p.Kafka, FileSystem: p.FileSystem,
		// Each tenant's logs to a group of its own; OTLP to the collector.
		Telemetry: &tenancy.Telemetry{},
		// Three m7i.xlarge-class nodes hold 12 vCPU and 48 GiB; the
		// autoscaler grows the group to 12 nodes (48 vCPU, 192 GiB). The
		// quotas may promise what the grown group holds, minus a node's
		// worth for the system pods.
		Capacity:          kube.Resources{CPU: "44", Memory: "176Gi"},
		LoadBalancerCIDRs: vpc.LoadBalancerSubnetCIDRs(),
		// Every tenant in Istio ambient: mTLS between all pods, and each
		// shared service open to exactly its callers' identities. The
		// managed Prometheus collector (in the VPC) scrapes the waypoints.
		AmbientMesh: &tenancy.AmbientMesh{ScraperCIDRs: []string{vpcCIDR}},
		EgressRules: []tenancy.EgressRule{
			// Interface endpoints (STS for IRSA) and the Kafka brokers.
			{Name: "vpc-services", CIDR: vpcCIDR, Ports: []int{443, kafka.IAMPort}},
			// S3 through its gateway endpoint, and HTTPS APIs: public
			// addresses only, never the VPC's.
			{Name: "https-public", CIDR: "0.0.0.0/0", Except: []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"}, Ports: []int{443}},
		},
	})
	if err != nil {
		return nil, nil, err
	}
	for _, t := range tenants {
		tenant, err := platform.AddTenant(t)
		if err != nil {
			return nil, nil, err
		}
		if tenant.Name() != "order-routing" {
			continue
		}
		// order-routing's Deployment comes from its repository (it must
		// declare replicas: 0; the Rollout runs its pods); the platform
		// releases it: canary steps through the namespace's waypoint,
		// analysis against the Prometheus workspace, rollback on failure.
		canary, err := delivery.NewCanary(stack, "order-routing-canary", delivery.CanaryProps{
			Target: delivery.Target{
				Namespace: tenant.Namespace().Name(), Deployment: "order-routing",
				PodLabels: map[string]string{"app.kubernetes.io/name": "order-routing"}, Port: servicePort,
				ScaleDown: delivery.ScaleDownNever,
			},
			// Its edge pods call the Service order-routing; the route
			// splits those calls between the stable and canary pods.
			Frontend: "order-routing", Replicas: 3,
			Analysis: delivery.Analysis{PrometheusURL: p.Metrics.QueryURL(), Region: s.Region},
		})
		if err != nil {
			return nil, nil, err
		}
		p.OrderRoutingCanary = canary
		stable, canarySvc := canary.Services()
		tenant.Own("", "Service", canary.StableService(), stable)
		tenant.Own("", "Service", canary.CanaryService(), canarySvc)
		tenant.Own("gateway.networking.k8s.io", "HTTPRoute", "order-routing", canary.Route())
		tenant.Own("argoproj.io", "AnalysisTemplate", "order-routing-canary-health", canary.AnalysisTemplate())
		tenant.Own("argoproj.io", "Rollout", "order-routing", canary.Rollout())
		// The traffic router plugin's record of the routes it manages.
		tenant.IgnoreOrphan("", "ConfigMap", canary.PluginConfigMap())
	}
	if err := platform.Check(); err != nil {
		return nil, nil, err
	}
	return stack, platform, nil
}
