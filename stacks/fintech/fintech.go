// Package fintech is the reference stack for a fintech platform that
// combines serverless, ECS and EKS in one VPC:
//
//   - the front door: an HTTP API (Cognito JWT) whose GET /me is a Lambda
//     handler, and whose /auth routes reach the ECS authentication service
//     through the VPC link and an internal ALB;
//   - ECS on Fargate: the authentication service (a Service with a
//     deployment circuit breaker and autoscaling) and the hourly price ETL
//     (etl.NewJob on the same cluster);
//   - EKS: the trading engine, with tenants for the engine, risk analysis
//     and audit logs (tenancy: namespaces, quotas, network policies, RBAC,
//     IAM roles, Argo CD);
//   - audit logs in an S3 bucket with Object Lock in compliance mode
//     (Options.AuditRetentionDays), protected from destroy; only the
//     audit-logs tenant may write to it, and nobody may delete from it.
//
// It is three stacks, applied in order: fintech (AWS), fintech-addons
// (the in-cluster controllers, Argo CD among them) and fintech-tenants.
package fintech

import (
	"errors"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/ecs"
	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/frontdoor"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/lambdacode"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/observe"
	"github.com/hybridstack/hybridstack/constructs/registry"
	"github.com/hybridstack/hybridstack/constructs/serverless"
	"github.com/hybridstack/hybridstack/constructs/storage"
	"github.com/hybridstack/hybridstack/constructs/telemetry"
	"github.com/hybridstack/hybridstack/constructs/tenancy"
	"github.com/hybridstack/hybridstack/stacks/base"
	"github.com/hybridstack/hybridstack/stacks/base/etl"
	"github.com/hybridstack/hybridstack/stacks/base/etl/job"
	"github.com/hybridstack/hybridstack/stacks/base/gitops"
)

// Names of the three stacks, in apply order.
const (
	Name        = "fintech"
	AddonsName  = Name + "-addons"
	TenantsName = Name + "-tenants"
)

// StackNames returns the stacks' names in apply order.
func StackNames() []string { return []string{Name, AddonsName, TenantsName} }

// SessionPackage is the Go package of the GET /me handler.
const SessionPackage = "github.com/hybridstack/hybridstack/stacks/fintech/functions/session/cmd/session"

// AuthImageTag is the tag of the authentication service's image the stack
// runs from its repository. The service's code is the team's, not this
// repository's: it must answer GET /healthz on authPort.
const AuthImageTag = "2026.11.1"

// authPort is where the authentication service listens.
const authPort = 8080

// DefaultAuditRetentionDays keeps audit logs seven years, the longest
// record-keeping period common to broker-dealer and investment-firm rules.
const DefaultAuditRetentionDays = 2555

// Options are the stack's choices beyond base.Settings.
type Options struct {
	// AuditRetentionDays is the Object Lock retention of every audit log
	// object, 1 to 36500. In compliance mode nobody can shorten it.
	// Default: DefaultAuditRetentionDays
	AuditRetentionDays int
	// Settings are the ETL job's image and vendor API.
	// Default: - see etl.Settings
	etl.Settings
	// GitOps says where the tenants' repositories live.
	// Default: - see gitops.Settings
	GitOps gitops.Settings
}

// OptionsFrom returns the default options with the ETL and GitOps settings
// read where s reads its own (s.Lookup: HYBRIDSTACK_ETL_IMAGE,
// HYBRIDSTACK_ETL_VENDOR_URL, HYBRIDSTACK_GITOPS_REPO_BASE or their cdktf
// context keys).
func OptionsFrom(s base.Settings) Options {
	return Options{Settings: etl.SettingsFrom(s), GitOps: gitops.SettingsFrom(s)}
}

// Stack holds the parts of the built platform.
type Stack struct {
	Stack, Addons, Tenants cdktf.TerraformStack
	FrontDoor              *frontdoor.FrontDoor
	Auth                   *ecs.Service
	ETL                    *etl.Job
	Cluster                *eks.Cluster
	Audit                  *storage.Bucket
	Platform               *tenancy.Platform
}

// New builds the platform with the options OptionsFrom reads.
func New(scope constructs.Construct, s base.Settings) (*Stack, error) {
	return Build(scope, s, OptionsFrom(s))
}

// Build builds the three stacks.
func Build(scope constructs.Construct, s base.Settings, opts Options) (*Stack, error) {
	s = s.WithDefaults()
	if opts.AuditRetentionDays == 0 {
		opts.AuditRetentionDays = DefaultAuditRetentionDays
	}
	opts.Settings = opts.Settings.WithDefaults()
	opts.GitOps = opts.GitOps.WithDefaults()
	if err := errors.Join(s.Validate(Name), opts.Settings.Validate(Name), opts.GitOps.Validate(Name)); err != nil {
		return nil, err
	}
	stack, err := base.NewStack(scope, Name, s)
	if err != nil {
		return nil, err
	}
	out := &Stack{Stack: stack}
	vpc, err := network.NewVPC(stack, "network", network.VPCProps{
		Name:              Name,
		CIDR:              "10.70.0.0/16",
		AvailabilityZones: s.AvailabilityZones(3),
		ClusterNames:      []string{Name},
		// The auth service's ALB gets subnets of its own.
		LoadBalancerSubnetCIDRs: []string{"10.70.240.0/24", "10.70.241.0/24", "10.70.242.0/24"},
		Endpoints: []network.Endpoint{network.EndpointS3, network.EndpointECRAPI, network.EndpointECRDocker, network.EndpointSTS,
			network.EndpointLogs, network.EndpointSecretsManager},
		NAT: network.NATSingle,
	})
	if err != nil {
		return nil, err
	}
	alerts, err := base.AlertTopic(stack, Name, s.Disposable, true)
	if err != nil {
		return nil, err
	}

	// Audit logs: write once, kept for the retention whatever happens. A
	// disposable environment must be destroyable, so it gets governance
	// mode (the same retention, which an administrator may bypass).
	lockMode := "COMPLIANCE"
	if s.Disposable {
		lockMode = "GOVERNANCE"
	}
	if out.Audit, err = storage.NewBucket(stack, "audit-logs", storage.BucketProps{
		NamePrefix: Name + "-audit-logs-",
		ObjectLock: &storage.ObjectLock{Mode: lockMode, RetentionDays: opts.AuditRetentionDays},
		// Locked versions stay until their retention ends; afterwards
		// they move to the cheapest class that still answers in hours.
		Lifecycle:  []storage.LifecycleRule{{ID: "archive-audit-logs", Transitions: []storage.Transition{{Days: 90, StorageClass: "GLACIER_IR"}, {Days: 365, StorageClass: "DEEP_ARCHIVE"}}}},
		Disposable: s.Disposable,
	}); err != nil {
		return nil, err
	}
	env, err := awsenv.Of(stack)
	if err != nil {
		return nil, err
	}
	if err := out.Audit.AddToResourcePolicy(auditWriters(env, out.Audit.BucketARN(), s.Disposable)...); err != nil {
		return nil, err
	}

	// ECS: one cluster for the authentication service and the ETL job.
	ecsCluster, err := ecs.NewCluster(stack, "ecs-cluster", ecs.ClusterProps{Name: Name, VPC: vpc})
	if err != nil {
		return nil, err
	}
	authRepo, err := registry.NewRepository(stack, "auth-repository", registry.RepositoryProps{Name: Name + "/auth", Disposable: s.Disposable})
	if err != nil {
		return nil, err
	}
	authTask, err := ecs.NewTaskDefinition(stack, "auth-task", ecs.TaskDefinitionProps{
		Family: Name + "-auth", CPU: 512, MemoryMiB: 1024,
		// The auth service answers the front door through the internal
		// ALB, which adds X-Amzn-Trace-Id to every request: instrumented
		// with an OpenTelemetry SDK (OTEL_PROPAGATORS includes xray), it
		// continues that trace and sends its spans through the ADOT
		// sidecar to X-Ray.
		Tracing: true,
		Containers: []ecs.ContainerSpec{{
			Name: "auth", Image: ecs.ImageFromRepository(authRepo, AuthImageTag), Ports: []int{authPort},
			Environment: map[string]string{"PORT": "8080", "LOG_FORMAT": "json"},
		}},
	})
	if err != nil {
		return nil, err
	}
	if out.Auth, err = ecs.NewService(stack, "auth", ecs.ServiceProps{
		Name: Name + "-auth", Cluster: ecsCluster, TaskDefinition: authTask, Port: authPort,
		PlaintextReason: "internal ALB reached only from the front door's VPC link, inside the VPC",
		MinCount:        2, MaxCount: 6,
		// It verifies Cognito tokens against the pool's public keys and
		// calls Cognito's API, which have no endpoint in the VPC.
		AllowInternetHTTPS: true,
		AlarmTopicARN:      *alerts.Arn(),
	}); err != nil {
		return nil, err
	}
	if out.ETL, err = etl.NewJob(stack, "etl", etl.JobProps{
		Name: Name + "-etl", VPC: vpc, Cluster: ecsCluster, Image: opts.ETLImage, VendorURL: opts.ETLVendorURL,
		AlarmTopicARN: *alerts.Arn(), Disposable: s.Disposable,
	}); err != nil {
		return nil, err
	}

	// The front door: Cognito users; GET /me on Lambda; /auth on ECS.
	users := base.NewUserPool(stack, Name, s.Disposable)
	session, err := serverless.NewHandler(stack, "session", serverless.HandlerProps{
		FunctionName: Name + "-session",
		Description:  "Answers GET /me from the caller's verified token",
		Code:         lambdacode.FromGoPackage(SessionPackage),
		MemoryMB:     128,
		Alarms:       serverless.AlarmProps{TopicARN: *alerts.Arn()},
	})
	if err != nil {
		return nil, err
	}
	if out.FrontDoor, err = frontdoor.NewFrontDoor(stack, "front-door", frontdoor.FrontDoorProps{
		Name: Name, VPC: vpc, AlarmTopicARN: *alerts.Arn(),
		DefaultAuthorizer: frontdoor.Authorizer{Cognito: &frontdoor.CognitoAuthorizer{
			Region: s.Region, UserPoolID: *users.Pool.Id(), ClientIDs: []string{*users.Client.Id()},
		}},
	}); err != nil {
		return nil, err
	}
	if err := out.FrontDoor.RouteToLambda("GET /me", session, frontdoor.RouteOptions{}); err != nil {
		return nil, err
	}
	auth := frontdoor.ServiceTarget{Name: "auth", ListenerARN: out.Auth.ListenerARN(), Port: out.Auth.ListenerPort(), LoadBalancer: out.Auth.LoadBalancer()}
	for _, route := range []string{"ANY /auth", "ANY /auth/{proxy+}"} {
		if err := out.FrontDoor.RouteToService(route, auth, frontdoor.RouteOptions{}); err != nil {
			return nil, err
		}
	}

	// EKS: the trading engine and its tenants.
	admin, err := base.NewAdminRole(stack, Name)
	if err != nil {
		return nil, err
	}
	if out.Cluster, err = eks.NewCluster(stack, "cluster", eks.ClusterProps{
		Name: Name, VPC: vpc, Disposable: s.Disposable, PrivateAccessCIDRs: s.AdminCIDRs(vpc.CIDR()), AlarmTopicARN: *alerts.Arn(),
		AccessEntries: []eks.AccessEntry{{PrincipalARN: admin.ARN(), Policy: eks.AccessPolicyClusterAdmin}},
		NodeGroups: []eks.NodeGroupProps{{
			Name: "trading", InstanceTypes: []string{"m7i.xlarge", "m6i.xlarge"}, MinSize: 3, DesiredSize: 3, MaxSize: 9,
		}},
	}); err != nil {
		return nil, err
	}
	if err := admin.AllowKubeconfig(stack, out.Cluster.ARN()); err != nil {
		return nil, err
	}
	// Cluster metrics: Prometheus (managed collector, rules, alerts to the
	// topic) and Container Insights.
	if _, err := telemetry.NewMetrics(stack, "metrics", telemetry.MetricsProps{Cluster: out.Cluster, AlertTopicARN: *alerts.Arn(), Disposable: s.Disposable}); err != nil {
		return nil, err
	}
	tenantData, err := storage.NewBucket(stack, "tenant-data", storage.BucketProps{NamePrefix: Name + "-tenant-data-", Disposable: s.Disposable})
	if err != nil {
		return nil, err
	}

	base.Output(stack, "api_endpoint", "The front door's URL", out.FrontDoor.Endpoint())
	base.Output(stack, "user_pool_id", "Cognito user pool whose tokens the API accepts", *users.Pool.Id())
	base.Output(stack, "auth_repository_url", "Push the authentication service's image here, tagged "+AuthImageTag, authRepo.RepositoryURL())
	base.Output(stack, "etl_repository_url", "Push the ETL job's image here, tagged "+etl.ImageTag, out.ETL.Repository.RepositoryURL())
	base.Output(stack, "vendor_api_key_secret", "Put the price vendor's API key in this secret", out.ETL.VendorKeyARN())
	base.Output(stack, "audit_bucket", "Audit logs (Object Lock, "+lockMode+")", out.Audit.BucketName())
	base.Output(stack, "cluster_name", "EKS cluster name", out.Cluster.Name())
	base.Output(stack, "kubeconfig_command", "Writes a kubeconfig entry for the cluster", out.Cluster.KubeconfigCommand())
	base.Output(stack, "admin_role_arn", "Assume (with MFA) to administer the cluster", admin.ARN())
	base.Output(stack, "alerts_topic", "Subscribe to receive alarms", *alerts.Arn())

	if out.Addons, err = addonsStack(scope, s, out.Cluster, vpc, admin.ARN()); err != nil {
		return nil, err
	}
	if out.Tenants, out.Platform, err = tenantsStack(scope, s, opts.GitOps, out, vpc, tenantData, admin.ARN()); err != nil {
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

// AuditPrefix is where the audit-logs tenant writes in the audit bucket.
const AuditPrefix = "trail/"

// auditWriters are the audit bucket's policy statements: no principal
// but the audit-logs tenant's workload role (its name prefix in the
// tenants stack) may write objects, and, unless the stack is disposable,
// nobody may delete an object or version or bypass governance retention
// (legal holds and longer retentions stay possible: they only add
// protection). IAM grants elsewhere in the
// account cannot widen a bucket policy's Deny. Object Lock keeps the locked
// versions; this keeps the log from gaining versions or delete markers
// from anyone else.
func auditWriters(env awsenv.Env, bucketARN string, disposable bool) []iamdoc.Statement {
	writer := "arn:" + env.Partition + ":iam::" + env.Account + ":role/" + Name + "-audit-logs-workload-*"
	out := []iamdoc.Statement{{
		Sid: "OnlyTheAuditTenantWrites", Effect: "Deny", Principal: map[string]any{"AWS": "*"},
		Actions:   []string{"s3:PutObject"},
		Resources: []string{bucketARN + "/*"},
		Condition: map[string]map[string]any{"ArnNotLike": {"aws:PrincipalArn": writer}},
	}}
	if !disposable {
		out = append(out, iamdoc.Statement{
			Sid: "NobodyDeletesOrUnlocks", Effect: "Deny", Principal: map[string]any{"AWS": "*"},
			Actions:   []string{"s3:BypassGovernanceRetention", "s3:DeleteObject", "s3:DeleteObjectVersion"},
			Resources: []string{bucketARN + "/*"},
		})
	}
	return out
}

// addonsStack installs the controllers (Argo CD among them).
func addonsStack(scope constructs.Construct, s base.Settings, cluster *eks.Cluster, vpc *network.VPC, admin string) (cdktf.TerraformStack, error) {
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
	return stack, nil
}

// Tenants returns the platform's tenants, their repositories under
// g.GitOpsRepoBase: the trading engine, risk analysis and audit logs
// (which alone writes to the audit bucket). Tenants are isolated from each
// other; the engine and risk analysis read the ETL's cleaned prices.
func Tenants(g gitops.Settings) []tenancy.TenantProps {
	tenant := func(name string, tier tenancy.Tier) tenancy.TenantProps {
		repo := g.RepoURL(name)
		return tenancy.TenantProps{Name: name, Tier: tier, Repositories: []string{repo}, Application: &tenancy.Application{RepoURL: repo, Path: "deploy"}}
	}
	engine := tenant("trading-engine", tenancy.TierMedium)
	risk := tenant("risk-analysis", tenancy.TierSmall)
	audit := tenant("audit-logs", tenancy.TierSmall)
	return []tenancy.TenantProps{engine, risk, audit}
}

// tenantsStack onboards the tenants and lets audit-logs write (only
// write) to the audit bucket.
func tenantsStack(scope constructs.Construct, s base.Settings, g gitops.Settings, p *Stack, vpc *network.VPC, data *storage.Bucket, admin string) (cdktf.TerraformStack, *tenancy.Platform, error) {
	stack, err := base.NewStack(scope, TenantsName, s)
	if err != nil {
		return nil, nil, err
	}
	if _, err := kube.NewProviders(stack, "kubernetes", kube.ProvidersProps{Cluster: p.Cluster, Region: s.Region, RoleARN: admin}); err != nil {
		return nil, nil, err
	}
	platform, err := tenancy.NewPlatform(stack, "tenancy", tenancy.PlatformProps{
		Cluster: p.Cluster, Bucket: data,
		// Each tenant's logs to a group of its own; OTLP to the collector.
		Telemetry: &tenancy.Telemetry{},
		// Three m7i.xlarge-class nodes hold 12 vCPU and 48 GiB, nine hold
		// 36 vCPU and 144 GiB; a node's worth is kept for system pods.
		Capacity:          kube.Resources{CPU: "32", Memory: "128Gi"},
		LoadBalancerCIDRs: vpc.LoadBalancerSubnetCIDRs(),
		EgressRules: []tenancy.EgressRule{
			// Interface endpoints (STS for IRSA) inside the VPC.
			{Name: "vpc-endpoints", CIDR: vpc.CIDR(), Ports: []int{443}},
			// S3 through its gateway endpoint, and HTTPS APIs: public
			// addresses only.
			{Name: "https-public", CIDR: "0.0.0.0/0", Except: []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"}, Ports: []int{443}},
		},
	})
	if err != nil {
		return nil, nil, err
	}
	for _, t := range Tenants(g) {
		tenant, err := platform.AddTenant(t)
		if err != nil {
			return nil, nil, err
		}
		switch t.Name {
		case "audit-logs":
			if err := p.Audit.GrantWrite(tenant.Role(), AuditPrefix); err != nil {
				return nil, nil, err
			}
		case "risk-analysis", "trading-engine":
			// Both read the ETL's cleaned prices.
			if err := p.ETL.Bucket.GrantRead(tenant.Role(), job.DefaultOutputPrefix+"/"); err != nil {
				return nil, nil, err
			}
		}
	}
	return stack, platform, nil
}
