// Package hybridmicroservices is the reference stack for serverless + EKS
// microservices: an HTTP API front door (Cognito JWT) routes /orders/* to the
// orders service on EKS through a VPC link and an internal NLB, and
// /webhooks/* to a Lambda that queues them; an SQS-triggered worker Lambda in
// the VPC forwards queued webhooks and EventBridge order events to orders;
// orders calls payments through the service mesh; steady services run on a
// managed node group and bursty pods on Fargate.
//
// Two variants render the same intent. The default renders the mesh to VPC
// Lattice (IAM-authorized calls, payments v1 and v2 behind a 90/10
// canary). The -istio variant renders it to Istio ambient: every
// pod-to-pod byte is mTLS, the internal NLB reaches orders through an Istio
// ingress gateway, and payments is released progressively by Argo
// Rollouts (weights moved through its waypoint's HTTPRoute, analysis of
// error rate and latency from the Prometheus workspace, automatic
// rollback). No variant renders App Mesh, past end of support since
// 2026-09-30.
//
// Each variant is three stacks, applied in order: <name> (AWS: network,
// cluster, load balancer, Lattice mesh (default variant), functions, front
// door, image repositories), <name>-addons (the load balancer controller,
// metrics-server, cluster-autoscaler and Argo CD; in the -istio variant
// also Istio ambient with its ingress gateway and Argo Rollouts) and
// <name>-workloads (orders, payments and order-events, with HPAs; the
// default variant runs payments v1 and v2 and registers orders' pods in the
// NLB's target group, the -istio variant runs payments as a Rollout and
// registers the ingress gateway's pods). The in-cluster stacks read the
// AWS stack's values through cdktf cross-stack references.
package hybridmicroservices

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchmetricalarm"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lb"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lblistener"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lbtargetgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/frontdoor"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/lambdacode"
	"github.com/hybridstack/hybridstack/constructs/mesh"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/observe"
	"github.com/hybridstack/hybridstack/constructs/queue"
	"github.com/hybridstack/hybridstack/constructs/serverless"
	"github.com/hybridstack/hybridstack/constructs/telemetry"
	"github.com/hybridstack/hybridstack/stacks/base"
)

// Names of the two variants.
const (
	Name      = "hybridmicroservices"
	IstioName = "hybridmicroservices-istio"
)

// The Lambda code of the stack.
const (
	WebhooksPackage = "github.com/hybridstack/hybridstack/stacks/hybridmicroservices/functions/webhooks"
	WorkerPackage   = "github.com/hybridstack/hybridstack/stacks/hybridmicroservices/functions/orderworker"
)

// ordersPort is where the orders and payments pods listen; the NLB listens
// on 80 for orders.
const ordersPort = 8080

// ingressPort is where the Istio ingress gateway's pods listen (the
// gateway chart's Service forwards its port 80 there).
const ingressPort = 80

// Stack holds the parts of the built stack.
type Stack struct {
	// Stack is the AWS stack; Addons and Workloads run inside the cluster
	// and are applied after it, in that order.
	Stack       cdktf.TerraformStack
	Addons      cdktf.TerraformStack
	Workloads   cdktf.TerraformStack
	Controllers *kube.Controllers
	Cluster     *eks.Cluster
	FrontDoor   *frontdoor.FrontDoor
	// Payments is the Lattice payments service (nil in the -istio
	// variant, whose mesh objects live in the workloads stack).
	Payments *mesh.VirtualService
}

// New builds the Lattice variant.
func New(scope constructs.Construct, s base.Settings) (*Stack, error) {
	return build(scope, Name, mesh.Lattice, s)
}

// NewIstio builds the Istio ambient variant.
func NewIstio(scope constructs.Construct, s base.Settings) (*Stack, error) {
	return build(scope, IstioName, mesh.IstioAmbient, s)
}

// build builds a variant's three stacks, in the order the parts depend on
// each other (construct order also fixes the order of the synthesized
// JSON): the network and cluster, the internal NLB in front of orders, the
// service mesh, the event-driven Lambda side, the front door, then the
// outputs, the in-cluster stacks and the dashboard over it all.
func build(scope constructs.Construct, name string, engine mesh.Engine, s base.Settings) (*Stack, error) {
	s = s.WithDefaults()
	stack, err := base.NewStack(scope, name, s)
	if err != nil {
		return nil, err
	}
	istioMesh := engine == mesh.IstioAmbient
	c, err := newCore(stack, name, s, istioMesh)
	if err != nil {
		return nil, err
	}
	n, err := newInternalNLB(stack, name, c, istioMesh)
	if err != nil {
		return nil, err
	}
	// On Lattice the mesh is AWS's, in this stack; on Istio ambient it is
	// the cluster's, in the workloads stack.
	var payments, orders *mesh.VirtualService
	if !istioMesh {
		if payments, orders, err = newServiceMesh(stack, name, c); err != nil {
			return nil, err
		}
	}
	webhooks, eventSource, err := newEventGlue(stack, name, c, n)
	if err != nil {
		return nil, err
	}
	fd, users, err := newFrontDoor(stack, name, s, c, n, webhooks)
	if err != nil {
		return nil, err
	}

	base.Output(stack, "api_endpoint", "The front door's URL", fd.Endpoint())
	base.Output(stack, "cluster_name", "EKS cluster name", c.cluster.Name())
	base.Output(stack, "kubeconfig_command", "Writes a kubeconfig entry for the cluster", c.cluster.KubeconfigCommand())
	if istioMesh {
		base.Output(stack, "ingress_target_group_arn", "Bind the Istio ingress gateway's pods here (TargetGroupBinding)", *n.ordersTargetGroup.Arn())
		base.Output(stack, "payments_service", "Where orders reaches payments in the mesh", "payments.payments.svc.cluster.local")
	} else {
		base.Output(stack, "orders_target_group_arn", "Bind the orders pods here (TargetGroupBinding)", *n.ordersTargetGroup.Arn())
		base.Output(stack, "payments_service", "Where clients reach payments in the mesh", payments.DNSName())
	}
	base.Output(stack, "user_pool_id", "Cognito user pool whose tokens the API accepts", *users.Pool.Id())
	if orders != nil && orders.CallerRole() != nil {
		base.Output(stack, "orders_caller_role_arn", "Annotate the orders service account with it (eks.amazonaws.com/role-arn) to call payments through VPC Lattice", orders.CallerRole().RoleARN())
	}
	base.Output(stack, "admin_role_arn", "Assume (with MFA) to administer the cluster", c.admin.ARN())
	base.Output(stack, "alerts_topic", "Subscribe to receive alarms", c.alarms)
	base.Output(stack, "order_event_source", "The EventBridge source of order events the worker forwards", eventSource)

	// The cluster's inside, in two more stacks applied after this one.
	in := inCluster{
		name: name, region: s.Region, eks: c.cluster, vpc: c.vpc, engine: engine, images: c.images, admin: c.admin.ARN(),
		ordersTargetGroupARN: *n.ordersTargetGroup.Arn(), orders: orders, payments: payments, metrics: c.metrics,
	}
	addons, controllers, err := addonsStack(scope, in, s)
	if err != nil {
		return nil, err
	}
	workloads, err := workloadsStack(scope, in, s)
	if err != nil {
		return nil, err
	}
	workloads.AddDependency(addons)
	// Last, after every construct (the other stacks add to this one): the
	// dashboard and health alarm of them all.
	if _, err := observe.NewDashboard(stack, "dashboard", observe.DashboardProps{Name: name, AlarmTopicARN: c.alarms}); err != nil {
		return nil, err
	}
	return &Stack{Stack: stack, Addons: addons, Workloads: workloads, Controllers: controllers, Cluster: c.cluster, FrontDoor: fd, Payments: payments}, nil
}

// core is the AWS side every other part stands on: the network, the
// cluster with its administrator role, the alarm topic and the image
// repositories.
type core struct {
	vpc     *network.VPC
	admin   *base.AdminRole
	alarms  string // the ARN of the stack's alert topic
	cluster *eks.Cluster
	images  images
	// metrics is the cluster's Prometheus workspace and collector.
	metrics *telemetry.Metrics
}

// newCore builds the VPC (three zones, one NAT gateway), the operators'
// admin role, the alert topic, the EKS cluster (a steady node group and a
// bursty Fargate profile), the image repositories and the cluster's
// metrics (Prometheus and Container Insights).
func newCore(stack cdktf.TerraformStack, name string, s base.Settings, istioMesh bool) (core, error) {
	// Every global name derives from the stack's name, so both variants
	// (and a copy under another name) fit in one account and Region.
	cluster := name
	var c core
	var err error
	c.vpc, err = network.NewVPC(stack, "network", network.VPCProps{
		Name:              name,
		CIDR:              "10.40.0.0/16",
		AvailabilityZones: s.AvailabilityZones(3),
		ClusterNames:      []string{cluster},
		Endpoints:         []network.Endpoint{network.EndpointS3, network.EndpointECRAPI, network.EndpointECRDocker, network.EndpointSTS, network.EndpointLogs, network.EndpointSQS},
		// One NAT gateway: AWS calls go through the endpoints, and an
		// account's default quota of 5 Elastic IPs then holds the platform
		// stack (3) and both hybrid variants (1 each).
		NAT: network.NATSingle,
	})
	if err != nil {
		return core{}, err
	}
	// The operators' role: the cluster's only administrator (API
	// authentication, no creator admin), MFA required.
	c.admin, err = base.NewAdminRole(stack, cluster)
	if err != nil {
		return core{}, err
	}
	alerts, err := base.AlertTopic(stack, name, s.Disposable, true)
	if err != nil {
		return core{}, err
	}
	c.alarms = *alerts.Arn()
	c.cluster, err = eks.NewCluster(stack, "cluster", eks.ClusterProps{
		Name:          cluster,
		VPC:           c.vpc,
		Disposable:    s.Disposable,
		AlarmTopicARN: c.alarms,
		// Where Terraform runs the in-cluster stacks from: the operators'
		// networks, or else anywhere in the VPC.
		PrivateAccessCIDRs: s.AdminCIDRs(c.vpc.CIDR()),
		AccessEntries: []eks.AccessEntry{
			{PrincipalARN: c.admin.ARN(), Policy: eks.AccessPolicyClusterAdmin},
		},
		NodeGroups: []eks.NodeGroupProps{{
			Name: "steady", InstanceTypes: []string{"m7i.large", "m6i.large"},
			MinSize: 2, DesiredSize: 3, MaxSize: 6, Labels: map[string]string{"workload": "steady"},
		}},
		FargateProfiles: []eks.FargateProfileProps{{
			Name: "bursty", Selectors: []eks.FargateSelector{{Namespace: "bursty"}},
		}},
	})
	if err != nil {
		return core{}, err
	}
	if err := c.admin.AllowKubeconfig(stack, c.cluster.ARN()); err != nil {
		return core{}, err
	}
	c.images = repositories(stack, name, s.Disposable)
	// Cluster metrics: Prometheus (managed collector, rules, alerts to the
	// topic) and Container Insights.
	// With Istio ambient it also scrapes the waypoints, the ingress
	// gateway and ztunnel: the canary analyses read them.
	if c.metrics, err = telemetry.NewMetrics(stack, "metrics", telemetry.MetricsProps{Cluster: c.cluster, AlertTopicARN: c.alarms, Disposable: s.Disposable, IstioAmbient: istioMesh}); err != nil {
		return core{}, err
	}
	return c, nil
}

// internalNLB is the internal network load balancer in front of the
// orders pods, which the front door and the worker reach.
type internalNLB struct {
	// paths are its security group's connections.
	paths             *network.Connections
	lb                lb.Lb
	ordersTargetGroup lbtargetgroup.LbTargetGroup
	ordersListener    lblistener.LbListener
}

// newInternalNLB builds the internal NLB, its security group admitted to
// the pods, the orders target group (filled by a TargetGroupBinding) and
// listener on 80, its unhealthy-targets alarm and its dashboard panel.
//
// With Istio ambient the NLB's targets are the Istio ingress gateway's
// pods (their port 80, health on the status port 15021), which route to
// orders through orders' waypoint: orders admits mTLS only (STRICT), so
// the NLB's plain TCP must end at the gateway.
func newInternalNLB(stack cdktf.TerraformStack, name string, c core, istioMesh bool) (internalNLB, error) {
	// The orders and payments services: pods behind an internal NLB whose
	// target groups the AWS Load Balancer Controller fills
	// (TargetGroupBinding).
	nlbSG := securitygroup.NewSecurityGroup(stack, jsii.String("internal-nlb-security-group"), &securitygroup.SecurityGroupConfig{
		NamePrefix:  jsii.String(name + "-internal-nlb-"),
		Description: jsii.String("Internal NLB of the orders and payments services"),
		VpcId:       jsii.String(c.vpc.VPCID()),
		Lifecycle:   &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: jsii.Bool(true)},
	})
	// Pods (on nodes and on Fargate) carry the cluster security group: the
	// load balancer reaches them there, or every target stays unhealthy.
	var n internalNLB
	n.paths = network.NewConnections(stack, "internal-nlb", *nlbSG.Id())
	targetPort, healthPath := ordersPort, "/healthz"
	var healthPort *string // the traffic port
	if istioMesh {
		targetPort, healthPort, healthPath = ingressPort, jsii.String("15021"), "/healthz/ready"
		if _, err := n.paths.AllowTo(c.cluster, 15021, "From the internal NLB to the Istio ingress gateway's status port (health checks)"); err != nil {
			return internalNLB{}, err
		}
	}
	why := "From the internal NLB to the orders and payments pods"
	if istioMesh {
		why = "From the internal NLB to the Istio ingress gateway's pods"
	}
	toPods, err := n.paths.AllowTo(c.cluster, targetPort, why)
	if err != nil {
		return internalNLB{}, err
	}
	if !istioMesh {
		// These rules were hand-written at the stack's top level before
		// Connections; moved blocks keep them instead of recreating them
		// (AWS refuses a duplicate rule while the old one still exists).
		toPods.Ingress[0].MoveFromId(jsii.String("aws_vpc_security_group_ingress_rule.pods-from-internal-nlb"))
	}
	nlb := lb.NewLb(stack, jsii.String("internal-nlb"), &lb.LbConfig{
		Name:                         jsii.String(truncate(name, 23) + "-internal"),
		Internal:                     jsii.Bool(true),
		LoadBalancerType:             jsii.String("network"),
		Subnets:                      jsii.Strings(c.vpc.PrivateSubnetIDs()...),
		SecurityGroups:               jsii.Strings(*nlbSG.Id()),
		EnableCrossZoneLoadBalancing: jsii.Bool(true),
	})
	// Orders (on Istio: the ingress gateway in front of it) gets a target
	// group (pod IPs) and a listener on 80 for the front door and the
	// worker. Payments has none: it is reached only through the mesh, where
	// only orders may call it (the Lattice auth policy admits orders'
	// caller role, the Istio policy orders' service account); a listener
	// admitting the VPC would bypass that.
	service := func(id string, port int) (lbtargetgroup.LbTargetGroup, lblistener.LbListener) {
		tg := lbtargetgroup.NewLbTargetGroup(stack, jsii.String(id+"-target-group"), &lbtargetgroup.LbTargetGroupConfig{
			NamePrefix: jsii.String(truncate(id, 6)),
			Port:       jsii.Number(targetPort),
			Protocol:   jsii.String("TCP"),
			TargetType: jsii.String("ip"),
			// Pods get 30 s to finish when they go (their grace period).
			DeregistrationDelay: jsii.String("30"),
			VpcId:               jsii.String(c.vpc.VPCID()),
			HealthCheck: &lbtargetgroup.LbTargetGroupHealthCheck{
				Protocol: jsii.String("HTTP"), Port: healthPort, Path: jsii.String(healthPath), Interval: jsii.Number(10),
				HealthyThreshold: jsii.Number(2), UnhealthyThreshold: jsii.Number(3),
			},
			Lifecycle: &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: jsii.Bool(true)},
		})
		l := lblistener.NewLbListener(stack, jsii.String(id+"-listener"), &lblistener.LbListenerConfig{
			LoadBalancerArn: nlb.Arn(),
			Port:            jsii.Number(port),
			Protocol:        jsii.String("TCP"),
			DefaultAction:   []*lblistener.LbListenerDefaultAction{{Type: jsii.String("forward"), TargetGroupArn: tg.Arn()}},
		})
		return tg, l
	}
	n.lb = nlb
	n.ordersTargetGroup, n.ordersListener = service("orders", 80)
	tg := n.ordersTargetGroup
	// The NLB is made here rather than by a construct: the stack says how
	// to watch it. No healthy target means the front door and the worker
	// cannot reach orders at all.
	nlbDims := map[string]*string{"LoadBalancer": nlb.ArnSuffix(), "TargetGroup": tg.ArnSuffix()}
	nlbAlarm := cloudwatchmetricalarm.NewCloudwatchMetricAlarm(stack, jsii.String("internal-nlb-unhealthy-alarm"), &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
		AlarmName:          jsii.String(name + "-internal-nlb-unhealthy"),
		AlarmDescription:   jsii.String("Orders targets of the internal NLB failed health checks (AWS/NetworkELB UnHealthyHostCount) in 3 of the last 5 minutes"),
		Namespace:          jsii.String("AWS/NetworkELB"),
		MetricName:         jsii.String("UnHealthyHostCount"),
		Dimensions:         &nlbDims,
		Statistic:          jsii.String("Maximum"),
		Period:             jsii.Number(60),
		EvaluationPeriods:  jsii.Number(5),
		DatapointsToAlarm:  jsii.Number(3),
		Threshold:          jsii.Number(1),
		ComparisonOperator: jsii.String("GreaterThanOrEqualToThreshold"),
		TreatMissingData:   jsii.String("notBreaching"),
		AlarmActions:       jsii.Strings(c.alarms),
		OkActions:          jsii.Strings(c.alarms),
	})
	nlbMetric := func(metric, stat string) observe.Metric {
		return observe.Metric{Namespace: "AWS/NetworkELB", Name: metric, Stat: stat, Dimensions: map[string]string{"LoadBalancer": *nlb.ArnSuffix(), "TargetGroup": *tg.ArnSuffix()}}
	}
	if _, err := observe.NewPanel(stack, "internal-nlb-signals", observe.Signals{
		Title: "Internal NLB (front door and worker to orders)",
		Widgets: []observe.Widget{
			{Title: "New flows", Signal: observe.Traffic, Metrics: []observe.Metric{nlbMetric("NewFlowCount", "Sum")}},
			{Title: "Resets", Signal: observe.Errors, Metrics: []observe.Metric{nlbMetric("TCP_Target_Reset_Count", "Sum"), nlbMetric("TCP_ELB_Reset_Count", "Sum")}},
			{Title: "Targets", Signal: observe.Saturation, Metrics: []observe.Metric{nlbMetric("HealthyHostCount", "Minimum"), nlbMetric("UnHealthyHostCount", "Maximum")}},
		},
		Alarms: []observe.Alarm{{Name: *nlbAlarm.AlarmName(), ARN: *nlbAlarm.Arn()}},
	}); err != nil {
		return internalNLB{}, err
	}
	return n, nil
}

// newServiceMesh builds the VPC Lattice mesh of the default variant and
// its two services: payments, v1 and v2 behind a 90/10 canary with a
// header for testers, and orders, which calls payments. (The -istio
// variant renders the same intent in its workloads stack.)
func newServiceMesh(stack cdktf.TerraformStack, name string, c core) (payments, orders *mesh.VirtualService, _ error) {
	// Each version's pods reach Lattice through an internal ALB whose
	// target group a TargetGroupBinding fills (see mesh.PodTargetsALB).
	meshNet, err := mesh.NewNetwork(stack, "mesh", mesh.NetworkProps{Name: name, Engine: mesh.Lattice, VPC: c.vpc, Cluster: c.cluster, PodTargets: mesh.PodTargetsALB})
	if err != nil {
		return nil, nil, err
	}
	// Lattice authenticates every call with IAM (SigV4); the services
	// raise alarms on errors and latency.
	meshAlarms := c.alarms
	payments, err = mesh.NewVirtualService(stack, "payments", mesh.VirtualServiceProps{
		Network:       meshNet,
		Namespace:     "payments",
		AlarmTopicARN: meshAlarms,
		Versions:      []mesh.Version{{Name: "v1", Service: "payments-v1"}, {Name: "v2", Service: "payments-v2"}},
		Routes: []mesh.Route{
			// Testers opt into v2 with a header; everyone else is split 90/10.
			{Name: "canary-testers", Headers: []mesh.HeaderMatch{{Name: "x-canary", Exact: "v2"}}, Targets: []mesh.Target{{Version: "v2", Weight: 100}}},
			{Name: "canary", Targets: []mesh.Target{{Version: "v1", Weight: 90}, {Version: "v2", Weight: 10}}},
		},
	})
	if err != nil {
		return nil, nil, err
	}
	orders, err = mesh.NewVirtualService(stack, "orders", mesh.VirtualServiceProps{
		Network:       meshNet,
		Namespace:     "orders",
		AlarmTopicARN: meshAlarms,
		Port:          ordersPort,
		Versions:      []mesh.Version{{Name: "v1", Service: "orders"}},
		Backends:      []*mesh.VirtualService{payments},
	})
	if err != nil {
		return nil, nil, err
	}
	return payments, orders, nil
}

// newEventGlue builds the Lambda side: the webhook queue, the webhooks
// function that fills it, and the worker in the VPC that forwards queued
// webhooks and EventBridge order events to orders through the internal
// NLB. It returns the webhooks function and the order events' source.
func newEventGlue(stack cdktf.TerraformStack, name string, c core, n internalNLB) (*serverless.Handler, string, error) {
	// Event-driven glue: webhooks are queued; a worker in the VPC forwards
	// them, and orders events from EventBridge, to the orders service. The
	// events' source names the stack: both variants share the default bus.
	eventSource := name + ".orders"
	webhookQueue, err := queue.NewQueue(stack, "webhook-queue", queue.Props{
		NamePrefix:               name + "-webhooks-",
		VisibilityTimeoutSeconds: 6 * 30,
		Alarms:                   queue.AlarmProps{TopicARN: c.alarms},
	})
	if err != nil {
		return nil, "", err
	}
	webhooks, err := serverless.NewHandler(stack, "webhooks", serverless.HandlerProps{
		FunctionName: name + "-webhooks",
		Description:  "Accepts partner webhooks and queues them",
		Code:         lambdacode.FromGoPackage(WebhooksPackage),
		Environment:  map[string]string{"QUEUE_URL": webhookQueue.QueueURL()},
		Alarms:       serverless.AlarmProps{TopicARN: c.alarms},
	})
	if err != nil {
		return nil, "", err
	}
	if err := webhookQueue.GrantSend(webhooks); err != nil {
		return nil, "", err
	}
	worker, err := serverless.NewHandler(stack, "order-worker", serverless.HandlerProps{
		FunctionName: name + "-order-worker",
		Description:  "Forwards webhooks and order events to the orders service",
		Code:         lambdacode.FromGoPackage(WorkerPackage),
		// It calls only the orders NLB (below) and, through the VPC's
		// endpoints, AWS APIs: no Internet egress.
		VPC:         c.vpc,
		Environment: map[string]string{"ORDERS_URL": "http://" + *n.lb.DnsName(), "EVENT_SOURCE": eventSource},
		Alarms:      serverless.AlarmProps{TopicARN: c.alarms},
	})
	if err != nil {
		return nil, "", err
	}
	if err := worker.AddSQSSource("webhooks", webhookQueue, serverless.SQSSourceProps{BatchSize: 10, MaxConcurrency: 10}); err != nil {
		return nil, "", err
	}
	if err := worker.AddEventRule("order-events", serverless.EventRuleProps{
		Pattern:     `{"source":["` + eventSource + `"],"detail-type":["OrderPlaced","OrderCancelled"]}`,
		Description: "Orders events to the order worker",
	}); err != nil {
		return nil, "", err
	}
	// The worker reaches the NLB on port 80; the NLB admits it.
	toOrders, err := worker.Connections().AllowTo(n.paths, 80, "From the order worker Lambda to the internal NLB (orders)")
	if err != nil {
		return nil, "", err
	}
	toOrders.Egress[0].MoveFromId(jsii.String("aws_vpc_security_group_egress_rule.order-worker-to-orders"))
	toOrders.Ingress[0].MoveFromId(jsii.String("aws_vpc_security_group_ingress_rule.internal-nlb-from-worker"))
	return webhooks, eventSource, nil
}

// newFrontDoor builds the stack's Cognito user pool and the HTTP API that
// accepts its tokens, routing /orders to the orders service (VPC link to
// the internal NLB) and POST /webhooks to the webhooks function.
func newFrontDoor(stack cdktf.TerraformStack, name string, s base.Settings, c core, n internalNLB, webhooks *serverless.Handler) (*frontdoor.FrontDoor, base.UserPool, error) {
	// The front door, authorized by a Cognito user pool of the stack.
	users := base.NewUserPool(stack, name, s.Disposable)
	pool, client := users.Pool, users.Client
	fd, err := frontdoor.NewFrontDoor(stack, "front-door", frontdoor.FrontDoorProps{
		Name:          name,
		VPC:           c.vpc,
		AlarmTopicARN: c.alarms,
		DefaultAuthorizer: frontdoor.Authorizer{Cognito: &frontdoor.CognitoAuthorizer{
			Region: s.Region, UserPoolID: *pool.Id(), ClientIDs: []string{*client.Id()},
		}},
	})
	if err != nil {
		return nil, base.UserPool{}, err
	}
	ordersTarget := frontdoor.ServiceTarget{Name: "orders", ListenerARN: *n.ordersListener.Arn(), Port: 80, LoadBalancer: n.paths}
	for _, route := range []string{"ANY /orders", "ANY /orders/{proxy+}"} {
		if err := fd.RouteToService(route, ordersTarget, frontdoor.RouteOptions{}); err != nil {
			return nil, base.UserPool{}, err
		}
	}
	// The NLB's rule admitting the VPC link moved from the front door to
	// the NLB's side of Connections.
	if rule, ok := stack.Node().TryFindChild(jsii.String("internal-nlb-from-vpc-link-80")).(vpcsecuritygroupingressrule.VpcSecurityGroupIngressRule); ok {
		rule.MoveFromId(jsii.String("aws_vpc_security_group_ingress_rule.front-door_load-balancer-ingress-1-80_2EF25DEB"))
	}
	if err := fd.RouteToLambda("POST /webhooks/{proxy+}", webhooks, frontdoor.RouteOptions{ThrottleBurst: 50, ThrottleRate: 20}); err != nil {
		return nil, base.UserPool{}, err
	}
	return fd, users, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
