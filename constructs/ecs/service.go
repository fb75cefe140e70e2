package ecs

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appautoscalingpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appautoscalingtarget"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecsservice"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lb"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lblistener"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lbtargetgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/alarm"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

// TLSPolicy is the listener security policy of HTTPS services: TLS 1.3
// and 1.2 with forward-secret ciphers only.
const TLSPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"

// ServiceProps configures a Service.
type ServiceProps struct {
	// Cluster runs the service. Required.
	Cluster *Cluster
	// TaskDefinition is the task the service keeps running. Required.
	TaskDefinition *TaskDefinition
	// Name is the service's name: 1-255 letters, digits, '-' and '_'.
	// Default: - the construct path with "-" for "/", cut to 255 with a hash
	Name string
	// Port is the container port the load balancer sends to; one of a
	// container's Ports. Required.
	Port int
	// CertificateARN is the ACM certificate of an HTTPS listener on 443
	// (policy TLSPolicy). Either it or PlaintextReason is required.
	// Default: - none
	CertificateARN string
	// PlaintextReason opts an internal service out of TLS: the listener
	// speaks HTTP on 80. The reason (such as "reached only through the
	// front door's VPC link, inside the VPC") is recorded on the listener
	// in the listener's "//" metadata. Not allowed with InternetFacing.
	// Default: - none: HTTPS with CertificateARN
	PlaintextReason string
	// InternetFacing puts the load balancer in the public subnets with a
	// public address. Its security group still admits nobody until
	// LoadBalancer().AllowFromCIDR opens it.
	// Default: false (internal, in the VPC's load balancer subnets)
	InternetFacing bool
	// HealthCheckPath is what the load balancer requests to decide that a
	// task is healthy (HTTP 200-399).
	// Default: /healthz
	HealthCheckPath string
	// HealthCheckGraceSeconds ignores failed health checks of new tasks
	// for this long, 0 to 3600.
	// Default: 30
	HealthCheckGraceSeconds *int
	// MinCount and MaxCount bound the number of tasks autoscaling keeps:
	// 1 <= MinCount <= MaxCount <= 1000. Two or more tasks spread across
	// zones keep the service up while a zone or a deployment fails.
	// Default: 2 and 10
	MinCount, MaxCount int
	// CPUTargetPercent is the average CPU utilization autoscaling holds,
	// 10 to 90.
	// Default: 60
	CPUTargetPercent int
	// RequestsPerTarget is the requests per task per minute autoscaling
	// holds, 1 to 100000.
	// Default: 1000
	RequestsPerTarget int
	// SecurityGroupIDs are the tasks' groups instead of a new one.
	// Default: - a new group admitting only the load balancer, with HTTPS out only to the VPC's endpoints (see AllowInternetHTTPS)
	SecurityGroupIDs []string
	// AllowInternetHTTPS lets the tasks' new group send HTTPS anywhere
	// (through NAT).
	// Default: false
	AllowInternetHTTPS bool
	// AlarmTopicARN is notified when targets are unhealthy, the tasks
	// answer with server errors, or their CPU stays saturated (an average
	// of 90%, or CPUTargetPercent + 5 when higher, for 15 minutes:
	// autoscaling cannot add tasks).
	// Default: - alarms without notification
	AlarmTopicARN string
	// Tags are added to every resource.
	// Default: - none
	Tags map[string]string
}

// Service is a Fargate service behind an Application Load Balancer, in the
// cluster VPC's private subnets without public IPs. Deployments that do
// not become healthy roll back (deployment circuit breaker); autoscaling
// follows CPU and requests per task. An internal Service is a
// frontdoor.ServiceTarget: ListenerARN, ListenerPort and LoadBalancer.
type Service struct {
	constructs.Construct
	name          string
	port          int
	service       ecsservice.EcsService
	alb           lb.Lb
	listener      lblistener.LbListener
	targetGroup   lbtargetgroup.LbTargetGroup
	listenerPort  int
	lbConnections *network.Connections
	securityGroup string
	connections   *network.Connections
	// Signals: the cluster's name, the alarms raised and the tasks' log
	// group.
	clusterName string
	raised      []observe.Alarm
	logGroup    string
}

var (
	serviceNameRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)
	healthPathRe  = regexp.MustCompile(`^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$`)
	acmARNRe      = regexp.MustCompile(`^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]+$`)
)

type serviceSettings struct {
	ServiceProps
	grace int
}

func (p ServiceProps) withDefaults(r *validation.Report, scope constructs.Construct) serviceSettings {
	s := serviceSettings{ServiceProps: p, grace: 30}
	if s.Name == "" {
		s.Name = defaultName(r, scope, 255)
	}
	if s.HealthCheckPath == "" {
		s.HealthCheckPath = "/healthz"
	}
	if p.HealthCheckGraceSeconds != nil {
		s.grace = *p.HealthCheckGraceSeconds
	}
	if s.MinCount == 0 {
		s.MinCount = 2
	}
	if s.MaxCount == 0 {
		s.MaxCount = max(10, s.MinCount)
	}
	if s.CPUTargetPercent == 0 {
		s.CPUTargetPercent = 60
	}
	if s.RequestsPerTarget == 0 {
		s.RequestsPerTarget = 1000
	}
	return s
}

func (s serviceSettings) validate(r *validation.Report) {
	if !serviceNameRe.MatchString(s.Name) {
		r.Addf("Name", "%q must be 1-255 letters, digits, '-' or '_'", s.Name)
	}
	if s.Cluster == nil {
		r.Addf("Cluster", "is nil; name the cluster that runs the service")
	}
	if s.TaskDefinition == nil {
		r.Addf("TaskDefinition", "is nil; name the task the service runs")
	} else if s.TaskDefinition.containerFor(s.Port) == "" {
		var ports []int
		for _, c := range s.TaskDefinition.containers {
			ports = append(ports, c.Ports...)
		}
		r.Addf("Port", "%d is not a port of the task's containers; use one of %v", s.Port, ports)
	}
	switch {
	case s.CertificateARN == "" && s.PlaintextReason == "":
		r.Addf("CertificateARN", "is empty; give the ACM certificate of the HTTPS listener, or, for an internal service, PlaintextReason saying why HTTP inside the VPC is acceptable")
	case s.CertificateARN != "" && s.PlaintextReason != "":
		r.Addf("PlaintextReason", "is set with CertificateARN; choose HTTPS (CertificateARN) or HTTP (PlaintextReason)")
	case s.CertificateARN != "" && !validation.IsToken(s.CertificateARN) && !acmARNRe.MatchString(s.CertificateARN):
		r.Addf("CertificateARN", "%q is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)", s.CertificateARN)
	}
	if s.InternetFacing && s.PlaintextReason != "" {
		r.Addf("PlaintextReason", "is set on an Internet-facing service; public listeners use HTTPS (CertificateARN)")
	}
	if s.InternetFacing && s.Cluster != nil && len(s.Cluster.VPC().PublicSubnetIDs()) == 0 {
		r.Addf("InternetFacing", "is set but the cluster's VPC has no public subnets")
	}
	if !healthPathRe.MatchString(s.HealthCheckPath) || len(s.HealthCheckPath) > 1024 {
		r.Addf("HealthCheckPath", "%q is not an absolute URL path such as /healthz", s.HealthCheckPath)
	}
	if s.grace < 0 || s.grace > 3600 {
		r.Addf("HealthCheckGraceSeconds", "%d is out of range; use 0 to 3600", s.grace)
	}
	if s.MinCount < 1 || s.MinCount > s.MaxCount || s.MaxCount > 1000 {
		r.Addf("MinCount", "%d and MaxCount %d must satisfy 1 <= MinCount <= MaxCount <= 1000", s.MinCount, s.MaxCount)
	}
	if s.CPUTargetPercent < 10 || s.CPUTargetPercent > 90 {
		r.Addf("CPUTargetPercent", "%d is out of range; use 10 to 90", s.CPUTargetPercent)
	}
	if s.RequestsPerTarget < 1 || s.RequestsPerTarget > 100000 {
		r.Addf("RequestsPerTarget", "%d is out of range; use 1 to 100000", s.RequestsPerTarget)
	}
}

// NewService validates props and creates the load balancer (security
// group, target group, listener), the service, its autoscaling and
// alarms. It returns every problem with props at once, each a
// *validate.FieldError wrapping validate.ErrInvalid, and creates nothing
// then.
func NewService(scope constructs.Construct, id string, props ServiceProps) (*Service, error) {
	r := validation.ForConstruct("ecs", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	s := props.withDefaults(r, scope)
	s.validate(r)
	if err := r.Err(); err != nil {
		return nil, err
	}
	svc := &Service{name: s.Name, port: s.Port, clusterName: s.Cluster.Name(), logGroup: s.TaskDefinition.LogGroupName()}
	constructs.NewConstruct_Override(svc, scope, &id)
	vpc, td, cluster := s.Cluster.VPC(), s.TaskDefinition, s.Cluster
	short := names.Truncate(strings.Trim(s.Name, "-_"), 24)

	// The load balancer: its own group, which admits nobody until a
	// caller is allowed (the front door's VPC link, or CIDRs).
	lbGroup := securitygroup.NewSecurityGroup(svc, ptr.String("load-balancer-security-group"), &securitygroup.SecurityGroupConfig{
		NamePrefix:  ptr.String(short + "-lb-"),
		Description: ptr.String("Load balancer of ECS service " + s.Name),
		VpcId:       ptr.String(vpc.VPCID()),
		Tags:        ptr.Map(s.Tags),
		Lifecycle:   &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: ptr.Bool(true)},
	})
	svc.lbConnections = network.NewConnections(svc, names.ID(id)+"-lb", *lbGroup.Id())
	subnets := vpc.LoadBalancerSubnetIDs()
	if s.InternetFacing {
		subnets = vpc.PublicSubnetIDs()
	}
	svc.alb = lb.NewLb(svc, ptr.String("load-balancer"), &lb.LbConfig{
		Name:                     ptr.String(lbName(s.Name)),
		Internal:                 ptr.Bool(!s.InternetFacing),
		LoadBalancerType:         ptr.String("application"),
		Subnets:                  ptr.Strings(subnets),
		SecurityGroups:           ptr.Strings([]string{*lbGroup.Id()}),
		DropInvalidHeaderFields:  ptr.Bool(true),
		DesyncMitigationMode:     ptr.String("strictest"),
		EnableDeletionProtection: ptr.Bool(false),
		Tags:                     ptr.Map(s.Tags),
	})
	svc.targetGroup = lbtargetgroup.NewLbTargetGroup(svc, ptr.String("target-group"), &lbtargetgroup.LbTargetGroupConfig{
		NamePrefix: ptr.String(names.Truncate(strings.ReplaceAll(short, "_", "-"), 5) + "-"),
		Port:       ptr.Number(s.Port),
		Protocol:   ptr.String("HTTP"),
		TargetType: ptr.String("ip"),
		VpcId:      ptr.String(vpc.VPCID()),
		// Tasks get 30 s to finish in-flight requests when they go.
		DeregistrationDelay: ptr.String("30"),
		HealthCheck: &lbtargetgroup.LbTargetGroupHealthCheck{
			Path: ptr.String(s.HealthCheckPath), Matcher: ptr.String("200-399"), Interval: ptr.Number(15),
			Timeout: ptr.Number(5), HealthyThreshold: ptr.Number(2), UnhealthyThreshold: ptr.Number(3),
		},
		Tags:      ptr.Map(s.Tags),
		Lifecycle: &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: ptr.Bool(true)},
	})
	listener := &lblistener.LbListenerConfig{
		LoadBalancerArn: svc.alb.Arn(),
		DefaultAction:   []*lblistener.LbListenerDefaultAction{{Type: ptr.String("forward"), TargetGroupArn: svc.targetGroup.Arn()}},
		Tags:            ptr.Map(s.Tags),
	}
	if s.CertificateARN != "" {
		svc.listenerPort = 443
		listener.Port, listener.Protocol = ptr.Number(443), ptr.String("HTTPS")
		listener.CertificateArn, listener.SslPolicy = ptr.String(s.CertificateARN), ptr.String(TLSPolicy)
	} else {
		svc.listenerPort = 80
		listener.Port, listener.Protocol = ptr.Number(80), ptr.String("HTTP")
	}
	svc.listener = lblistener.NewLbListener(svc, ptr.String("listener"), listener)
	if s.PlaintextReason != "" {
		// A Terraform JSON comment: reviewers see the reason beside the
		// listener in the synthesized configuration and its snapshots.
		svc.listener.AddOverride(ptr.String("//.plaintext_reason"), s.PlaintextReason)
	}

	// The tasks: admitted from the load balancer on Port only.
	sgs := s.SecurityGroupIDs
	if len(sgs) == 0 {
		svc.securityGroup = network.NewWorkloadGroup(svc, vpc, network.WorkloadGroupProps{
			NamePrefix: short + "-tasks-", Subject: "ECS service " + s.Name,
			AllowInternetHTTPS: s.AllowInternetHTTPS, Tags: s.Tags,
		})
		sgs = []string{svc.securityGroup}
		if _, err := svc.lbConnections.AllowTo(svc, s.Port, "From the load balancer of "+s.Name+" to its tasks"); err != nil {
			return nil, err
		}
	} else if _, err := svc.lbConnections.AllowTo(network.NewConnections(svc, names.ID(id)+"-tasks", sgs...), s.Port, "From the load balancer of "+s.Name+" to its tasks"); err != nil {
		return nil, err
	}

	svc.service = ecsservice.NewEcsService(svc, ptr.String("service"), &ecsservice.EcsServiceConfig{
		Name:            ptr.String(s.Name),
		Cluster:         ptr.String(cluster.ARN()),
		TaskDefinition:  ptr.String(td.ARN()),
		DesiredCount:    ptr.Number(s.MinCount),
		LaunchType:      ptr.String("FARGATE"),
		PlatformVersion: ptr.String("LATEST"),
		NetworkConfiguration: &ecsservice.EcsServiceNetworkConfiguration{
			Subnets: ptr.Strings(vpc.PrivateSubnetIDs()), SecurityGroups: ptr.Strings(sgs), AssignPublicIp: ptr.Bool(false),
		},
		LoadBalancer: []*ecsservice.EcsServiceLoadBalancer{{
			TargetGroupArn: svc.targetGroup.Arn(), ContainerName: ptr.String(td.containerFor(s.Port)), ContainerPort: ptr.Number(s.Port),
		}},
		HealthCheckGracePeriodSeconds: ptr.Number(s.grace),
		// A deployment whose tasks do not become healthy stops and
		// returns to the last one that did.
		DeploymentCircuitBreaker:        &ecsservice.EcsServiceDeploymentCircuitBreaker{Enable: ptr.Bool(true), Rollback: ptr.Bool(true)},
		DeploymentMinimumHealthyPercent: ptr.Number(100),
		DeploymentMaximumPercent:        ptr.Number(200),
		AvailabilityZoneRebalancing:     ptr.String("ENABLED"),
		EnableEcsManagedTags:            ptr.Bool(true),
		PropagateTags:                   ptr.String("SERVICE"),
		Tags:                            ptr.Map(s.Tags),
		// Autoscaling owns the count after creation.
		Lifecycle: &cdktf.TerraformResourceLifecycle{IgnoreChanges: ptr.Strings([]string{"desired_count"})},
		// ECS refuses a target group that no listener attaches to a
		// load balancer yet.
		DependsOn: &[]cdktf.ITerraformDependable{svc.listener},
	})
	svc.autoscaling(cluster, s)
	svc.alarms(s)
	return svc, nil
}

// lbName makes a load balancer name (at most 32 letters, digits and '-',
// not starting with "internal-" or ending with '-') from the service name.
func lbName(service string) string {
	n := strings.Trim(strings.ReplaceAll(service, "_", "-"), "-")
	n = strings.TrimPrefix(n, "internal-")
	return strings.Trim(names.Fit(n, 32), "-")
}

func (svc *Service) autoscaling(cluster *Cluster, s serviceSettings) {
	target := appautoscalingtarget.NewAppautoscalingTarget(svc, ptr.String("scaling-target"), &appautoscalingtarget.AppautoscalingTargetConfig{
		ServiceNamespace:  ptr.String("ecs"),
		ScalableDimension: ptr.String("ecs:service:DesiredCount"),
		ResourceId:        ptr.String("service/" + cluster.Name() + "/" + *svc.service.Name()),
		MinCapacity:       ptr.Number(s.MinCount),
		MaxCapacity:       ptr.Number(s.MaxCount),
		Tags:              ptr.Map(s.Tags),
	})
	policy := func(id, metric, label string, value int) {
		spec := &appautoscalingpolicy.AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification{
			PredefinedMetricType: ptr.String(metric), ResourceLabel: ptr.Optional(label),
		}
		appautoscalingpolicy.NewAppautoscalingPolicy(svc, ptr.String(id), &appautoscalingpolicy.AppautoscalingPolicyConfig{
			Name:              ptr.String(names.Fit(s.Name, 200) + "-" + id),
			PolicyType:        ptr.String("TargetTrackingScaling"),
			ServiceNamespace:  target.ServiceNamespace(),
			ScalableDimension: target.ScalableDimension(),
			ResourceId:        target.ResourceId(),
			TargetTrackingScalingPolicyConfiguration: &appautoscalingpolicy.AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration{
				TargetValue: ptr.Number(value), PredefinedMetricSpecification: spec,
				// Out quickly, in slowly: a burst is served before capacity
				// is given back.
				ScaleOutCooldown: ptr.Number(60), ScaleInCooldown: ptr.Number(300),
			},
		})
	}
	policy("cpu-scaling", "ECSServiceAverageCPUUtilization", "", s.CPUTargetPercent)
	policy("requests-scaling", "ALBRequestCountPerTarget", *svc.alb.ArnSuffix()+"/"+*svc.targetGroup.ArnSuffix(), s.RequestsPerTarget)
}

func (svc *Service) alarms(s serviceSettings) {
	dims := map[string]string{"LoadBalancer": *svc.alb.ArnSuffix(), "TargetGroup": *svc.targetGroup.ArnSuffix()}
	add := func(id, metric, statistic string, threshold, periods int, description string) {
		a := alarm.New(svc, id, alarm.Props{
			Name: fmt.Sprintf("%s-%s", names.Fit(s.Name, 200), id), Description: description,
			Namespace: "AWS/ApplicationELB", Metric: metric, Dimensions: dims, Statistic: statistic,
			PeriodSeconds: 60, Periods: periods, Threshold: threshold, TopicARN: s.AlarmTopicARN, Tags: s.Tags,
		})
		svc.raised = append(svc.raised, observe.Alarm{Name: *a.AlarmName(), ARN: *a.Arn()})
	}
	add("unhealthy-targets-alarm", "UnHealthyHostCount", "Maximum", 1, 5, "Tasks of ECS service "+s.Name+" have failed the load balancer's health check for 5 minutes")
	add("server-errors-alarm", "HTTPCode_Target_5XX_Count", "Sum", 10, 3, "Tasks of ECS service "+s.Name+" answered 10 or more requests a minute with 5xx for 3 minutes")
	// Autoscaling holds the average CPU at CPUTargetPercent: an average
	// well above it for 15 minutes means it cannot add tasks (MaxCount is
	// reached, or new tasks fail to start).
	threshold := max(90, s.CPUTargetPercent+5)
	a := alarm.New(svc, "cpu-saturated-alarm", alarm.Props{
		Name:        fmt.Sprintf("%s-cpu-saturated-alarm", names.Fit(s.Name, 200)),
		Description: fmt.Sprintf("The tasks of ECS service %s used %d%% of their CPU or more on average for 15 minutes: autoscaling cannot add tasks (MaxCount %d reached, or new tasks fail to start)", s.Name, threshold, s.MaxCount),
		Namespace:   "AWS/ECS", Metric: "CPUUtilization", Dimensions: map[string]string{"ClusterName": svc.clusterName, "ServiceName": *svc.service.Name()},
		Statistic: "Average", PeriodSeconds: 300, Periods: 3, Threshold: threshold, TopicARN: s.AlarmTopicARN, Tags: s.Tags,
	})
	svc.raised = append(svc.raised, observe.Alarm{Name: *a.AlarmName(), ARN: *a.Arn()})
}

// Connections returns the tasks' own security group as a
// network.Connectable (to let them reach a database, say). Tasks given
// SecurityGroupIDs have none, and Allow calls return an error.
func (svc *Service) Connections() *network.Connections {
	if svc.connections == nil {
		var groups []string
		if svc.securityGroup != "" {
			groups = []string{svc.securityGroup}
		}
		svc.connections = network.NewConnections(svc, names.ID(*svc.Node().Id())+"-tasks", groups...)
	}
	return svc.connections
}

// LoadBalancer returns the load balancer's security group side: allow
// callers to it (frontdoor.ServiceTarget.LoadBalancer does for the VPC
// link).
func (svc *Service) LoadBalancer() network.Connectable { return svc.lbConnections }

// ListenerARN returns the listener's ARN (frontdoor.ServiceTarget).
func (svc *Service) ListenerARN() string { return *svc.listener.Arn() }

// ListenerPort returns 443 for HTTPS or 80 for HTTP.
func (svc *Service) ListenerPort() int { return svc.listenerPort }

// LoadBalancerDNSName returns the load balancer's DNS name.
func (svc *Service) LoadBalancerDNSName() string { return *svc.alb.DnsName() }

// TargetGroupARN returns the target group's ARN.
func (svc *Service) TargetGroupARN() string { return *svc.targetGroup.Arn() }

// Name returns the service's name.
func (svc *Service) Name() string { return svc.name }

// Resource returns the aws_ecs_service resource as an escape hatch.
func (svc *Service) Resource() ecsservice.EcsService { return svc.service }

// Signals returns the service's golden signals for a dashboard
// (observe.Source), from its Application Load Balancer's target group
// (namespace AWS/ApplicationELB, dimensions LoadBalancer and TargetGroup)
// and from ECS (AWS/ECS, ClusterName and ServiceName): latency
// (TargetResponseTime p50 and p99, in seconds), traffic (RequestCount),
// errors (HTTPCode_Target_5XX_Count, and UnHealthyHostCount, the tasks
// failing the health check), saturation (CPUUtilization and
// MemoryUtilization, average and maximum over the tasks); its alarms
// (unhealthy targets, server errors, CPU saturated) and the tasks' log
// group.
func (svc *Service) Signals() observe.Signals {
	lb := map[string]string{"LoadBalancer": *svc.alb.ArnSuffix(), "TargetGroup": *svc.targetGroup.ArnSuffix()}
	ecs := map[string]string{"ClusterName": svc.clusterName, "ServiceName": *svc.service.Name()}
	elb := func(name, stat, label string) observe.Metric {
		return observe.Metric{Namespace: "AWS/ApplicationELB", Name: name, Dimensions: lb, Stat: stat, Label: label}
	}
	task := func(name, stat, label string) observe.Metric {
		return observe.Metric{Namespace: "AWS/ECS", Name: name, Dimensions: ecs, Stat: stat, Label: label}
	}
	return observe.Signals{
		Title: "ECS service " + svc.name,
		Widgets: []observe.Widget{
			{Title: "Target response time (s)", Signal: observe.Latency, Metrics: []observe.Metric{
				elb("TargetResponseTime", "p50", "p50"), elb("TargetResponseTime", "p99", "p99"),
			}},
			{Title: "Requests", Signal: observe.Traffic, Metrics: []observe.Metric{elb("RequestCount", "Sum", "Requests")}},
			{Title: "Errors", Signal: observe.Errors, Metrics: []observe.Metric{
				elb("HTTPCode_Target_5XX_Count", "Sum", "5xx from the tasks"), elb("UnHealthyHostCount", "Maximum", "Unhealthy tasks"),
			}},
			{Title: "CPU and memory (%)", Signal: observe.Saturation, Metrics: []observe.Metric{
				task("CPUUtilization", "Average", "CPU average"), task("CPUUtilization", "Maximum", "CPU busiest task"),
				task("MemoryUtilization", "Average", "Memory average"), task("MemoryUtilization", "Maximum", "Memory busiest task"),
			}},
		},
		Alarms:    append([]observe.Alarm(nil), svc.raised...),
		LogGroups: []string{svc.logGroup},
	}
}
