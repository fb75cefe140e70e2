package hybridmicroservices

import (
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecrlifecyclepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecrrepository"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/delivery"
	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/mesh"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/telemetry"
	"github.com/hybridstack/hybridstack/stacks/base"
)

// Suffixes of the stacks that run inside the cluster. Terraform cannot
// configure the kubernetes and helm providers from a cluster it creates in
// the same plan, so the variant's stacks are applied in order:
// <name> (AWS), then <name>-addons (controllers and their CRDs), then
// <name>-workloads (the services; TargetGroupBinding needs the CRD while
// planning).
const (
	AddonsSuffix    = "-addons"
	WorkloadsSuffix = "-workloads"
)

// StackNames returns the names of a variant's three stacks, in apply order.
func StackNames(name string) []string {
	return []string{name, name + AddonsSuffix, name + WorkloadsSuffix}
}

// ordersIdentity is orders' AWS identity: the IRSA role it signs its
// Lattice calls to payments with, or none on Istio ambient, where its
// workload identity is the mesh's and it calls no AWS API.
func ordersIdentity(engine mesh.Engine) kube.Identity {
	if engine == mesh.IstioAmbient {
		return kube.IdentityNone
	}
	return kube.IdentityIRSA
}

// images are the container repositories of the services, made in the
// cluster's stack; CI pushes each version's tag (tags are immutable).
type images struct {
	orders, payments, events string
}

// repositories creates the ECR repositories of the services: tags cannot
// be overwritten, every push is scanned, images are encrypted, and only the
// 30 newest images of each repository are kept.
func repositories(stack cdktf.TerraformStack, name string, disposable bool) images {
	repo := func(service string) string {
		r := ecrrepository.NewEcrRepository(stack, jsii.String(service+"-repository"), &ecrrepository.EcrRepositoryConfig{
			Name:                       jsii.String(name + "/" + service),
			ImageTagMutability:         jsii.String("IMMUTABLE"),
			ImageScanningConfiguration: &ecrrepository.EcrRepositoryImageScanningConfiguration{ScanOnPush: jsii.Bool(true)},
			EncryptionConfiguration:    &[]*ecrrepository.EcrRepositoryEncryptionConfiguration{{EncryptionType: jsii.String("KMS")}},
			// Images are deployable history: a destroy keeps them unless
			// the stack is disposable.
			ForceDelete: jsii.Bool(disposable),
		})
		ecrlifecyclepolicy.NewEcrLifecyclePolicy(stack, jsii.String(service+"-repository-lifecycle"), &ecrlifecyclepolicy.EcrLifecyclePolicyConfig{
			Repository: r.Name(),
			Policy: jsii.String(`{"rules":[{"rulePriority":1,"description":"Keep the 30 newest images",` +
				`"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":30},"action":{"type":"expire"}}]}`),
		})
		return *r.RepositoryUrl()
	}
	return images{orders: repo("orders"), payments: repo("payments"), events: repo("order-events")}
}

// inCluster is what the in-cluster stacks take from the variant's AWS stack
// (as cross-stack references).
type inCluster struct {
	name, region string
	// admin is the ARN of the cluster's administrator role, which the
	// providers assume for their tokens.
	admin  string
	eks    *eks.Cluster
	vpc    *network.VPC
	engine mesh.Engine
	images images
	// ordersTargetGroupARN is the NLB target group the front door and the
	// worker reach orders through.
	ordersTargetGroupARN string
	// orders and payments are the Lattice services (nil on Istio ambient,
	// where the workloads stack renders them).
	orders, payments *mesh.VirtualService
	// metrics is the Prometheus workspace the canary analyses query.
	metrics *telemetry.Metrics
}

// addonsStack installs the controllers: the AWS Load Balancer Controller
// (TargetGroupBinding), metrics-server (the HPAs), cluster-autoscaler (the
// steady node group), Argo CD and the collectors; on Istio ambient also
// Istio (with the ingress gateway) and Argo Rollouts.
func addonsStack(scope constructs.Construct, c inCluster, s base.Settings) (cdktf.TerraformStack, *kube.Controllers, error) {
	stack, err := base.NewStack(scope, c.name+AddonsSuffix, s)
	if err != nil {
		return nil, nil, err
	}
	if _, err := kube.NewProviders(stack, "kubernetes", kube.ProvidersProps{Cluster: c.eks, Region: c.region, RoleARN: c.admin}); err != nil {
		return nil, nil, err
	}
	controllers, err := kube.NewControllers(stack, "controllers", kube.ControllersProps{
		Cluster: c.eks, Region: c.region, VPCID: c.vpc.VPCID(),
	})
	if err != nil {
		return nil, nil, err
	}
	// The collectors: container logs to a log group per namespace,
	// kube-state-metrics for the managed Prometheus scraper, traces to
	// X-Ray (the workloads' OTLP endpoint).
	if _, err := telemetry.NewCollectors(stack, "telemetry", telemetry.CollectorsProps{
		Cluster: c.eks, Region: c.region, VPCCIDR: c.vpc.CIDR(),
	}); err != nil {
		return nil, nil, err
	}
	if c.engine == mesh.IstioAmbient {
		// Istio ambient (istiod, istio-cni and ztunnel in istio-system,
		// the only privileged namespace it makes) with the ingress
		// gateway the internal NLB reaches, and Argo Rollouts for the
		// payments canary, which reads the Prometheus workspace.
		// The gateway's pods get readiness gates: a rollout of the gateway
		// waits until the NLB sees each new pod healthy.
		if _, err := kube.NewIstioAmbient(stack, "istio", kube.IstioAmbientProps{
			Cluster: c.eks, IngressGateway: true, IngressReadinessGates: true,
			// The readiness gates come from the controller's pod webhook.
			WaitFor: []cdktf.ITerraformDependable{controllers.Release("load-balancer-controller")},
		}); err != nil {
			return nil, nil, err
		}
		if _, err := kube.NewArgoRollouts(stack, "argo-rollouts", kube.ArgoRolloutsProps{
			Cluster: c.eks, Region: c.region, PrometheusWorkspaceARN: c.metrics.WorkspaceARN(), PrometheusKMSKeyARN: c.metrics.KMSKeyARN(),
		}); err != nil {
			return nil, nil, err
		}
	}
	return stack, controllers, nil
}

// workloadsStack runs the services (latticeServices or istioServices, by
// engine) and the bursty order-events consumer on Fargate.
func workloadsStack(scope constructs.Construct, c inCluster, s base.Settings) (cdktf.TerraformStack, error) {
	stack, err := base.NewStack(scope, c.name+WorkloadsSuffix, s)
	if err != nil {
		return nil, err
	}
	if _, err := kube.NewProviders(stack, "kubernetes", kube.ProvidersProps{Cluster: c.eks, Region: c.region, RoleARN: c.admin}); err != nil {
		return nil, err
	}
	namespace := func(name string) (*kube.Namespace, error) {
		return kube.NewNamespace(stack, name+"-namespace", kube.NamespaceProps{Name: name})
	}
	ordersNS, err := namespace("orders")
	if err != nil {
		return nil, err
	}
	paymentsNS, err := namespace("payments")
	if err != nil {
		return nil, err
	}
	burstyNS, err := namespace("bursty")
	if err != nil {
		return nil, err
	}
	steady := map[string]string{"workload": "steady"}
	// Every service sends its spans to the cluster's OpenTelemetry
	// collector (telemetry.NewCollectors, in namespace observability),
	// which forwards them to X-Ray: the trace that reached orders (from the
	// front door or the worker's X-Amzn-Trace-Id/traceparent) goes on to
	// payments when the images are built with an OpenTelemetry SDK. The
	// images are not ours: this sets only their environment.
	tracing := &kube.Tracing{OTLPEndpoint: telemetry.OTLPGRPCEndpoint, ServiceNamespace: c.name}
	if c.engine == mesh.IstioAmbient {
		if err := istioServices(stack, c, ordersNS, paymentsNS, steady, tracing); err != nil {
			return nil, err
		}
	} else if err := latticeServices(stack, c, ordersNS, paymentsNS, steady, tracing); err != nil {
		return nil, err
	}
	// Bursty: Fargate (the cluster's "bursty" profile) starts a pod per
	// replica, so bursts need no spare nodes. It calls no AWS API, so it
	// gets no role (one would be IRSA: Fargate has no Pod Identity).
	if _, err := kube.NewWorkload(stack, "order-events", kube.WorkloadProps{
		Namespace: burstyNS, Name: "order-events", Image: c.images.events + ":v1", Port: ordersPort,
		Requests: kube.Resources{CPU: "250m", Memory: "512Mi"}, Limits: kube.Resources{CPU: "500m", Memory: "1Gi"},
		MinReplicas: 1, MaxReplicas: 30, TargetCPUPercent: 60,
		Identity: kube.IdentityNone, Tracing: tracing,
	}); err != nil {
		return nil, err
	}
	return stack, nil
}

// latticeServices runs orders behind the internal NLB (pods registered by
// TargetGroupBinding) and payments v1 and v2, each version's pods bound to
// its Lattice target group.
func latticeServices(stack cdktf.TerraformStack, c inCluster, ordersNS, paymentsNS *kube.Namespace, steady map[string]string, tracing *kube.Tracing) error {
	orders, err := kube.NewWorkload(stack, "orders", kube.WorkloadProps{
		Namespace: ordersNS, Name: "orders", Image: c.images.orders + ":v1", Port: ordersPort,
		Env:      map[string]string{"PAYMENTS_URL": "http://" + c.payments.DNSName()},
		Requests: kube.Resources{CPU: "250m", Memory: "256Mi"}, Limits: kube.Resources{CPU: "1", Memory: "512Mi"},
		MinReplicas: 3, MaxReplicas: 12, NodeSelector: steady, Tracing: tracing,
		// On VPC Lattice orders signs its calls to payments with the
		// mesh's caller role.
		Cluster: c.eks, ServiceAccountRole: c.orders.CallerRole(), Identity: ordersIdentity(c.engine),
	})
	if err != nil {
		return err
	}
	if _, err := kube.BindTargetGroup(stack, "orders-nlb", kube.TargetGroupBindingProps{Workload: orders, TargetGroupARN: c.ordersTargetGroupARN}); err != nil {
		return err
	}
	// On Lattice each version's ALB target group gets its pods too.
	bindMesh := func(vs *mesh.VirtualService, version string, w *kube.Workload) error {
		arn := vs.PodTargetGroupARN(version)
		if arn == "" {
			return nil
		}
		_, err := kube.BindTargetGroup(stack, w.Name()+"-lattice", kube.TargetGroupBindingProps{Workload: w, TargetGroupARN: arn})
		return err
	}
	if err := bindMesh(c.orders, "v1", orders); err != nil {
		return err
	}
	for _, v := range []string{"v1", "v2"} {
		payments, err := kube.NewWorkload(stack, "payments-"+v, kube.WorkloadProps{
			Namespace: paymentsNS, Name: "payments-" + v, Image: c.images.payments + ":" + v, Port: ordersPort,
			Labels:   map[string]string{"app.kubernetes.io/version": v, "app.kubernetes.io/part-of": "payments"},
			Requests: kube.Resources{CPU: "250m", Memory: "256Mi"}, Limits: kube.Resources{CPU: "1", Memory: "512Mi"},
			MinReplicas: 2, MaxReplicas: 8, NodeSelector: steady, Tracing: tracing,
			// Payments calls no AWS API.
			Identity: kube.IdentityNone,
		})
		if err != nil {
			return err
		}
		if err := bindMesh(c.payments, v, payments); err != nil {
			return err
		}
	}
	return nil
}

// istioServices renders the mesh intent on Istio ambient: orders and
// payments join the mesh (mTLS between every pod, STRICT), orders is
// reached from the internal NLB through the Istio ingress gateway and
// orders' waypoint, and payments is one Argo Rollout whose canary steps
// move the weights of its waypoint route, checked against the waypoint's
// error rate and latency in the Prometheus workspace, and rolled back
// when they fail. Who may call: the ingress gateway may call orders,
// orders may call payments, nothing else.
func istioServices(stack cdktf.TerraformStack, c inCluster, ordersNS, paymentsNS *kube.Namespace, steady map[string]string, tracing *kube.Tracing) error {
	net, err := mesh.NewNetwork(stack, "mesh", mesh.NetworkProps{Name: c.name, Engine: mesh.IstioAmbient})
	if err != nil {
		return err
	}
	for _, ns := range []*kube.Namespace{ordersNS, paymentsNS} {
		if err := net.Join(ns); err != nil {
			return err
		}
	}
	// Payments: one Deployment (the pod template, replicas 0) that an
	// Argo Rollout runs; stable and canary Services for the route.
	payments, err := kube.NewWorkload(stack, "payments", kube.WorkloadProps{
		Namespace: paymentsNS, Name: "payments", Image: c.images.payments + ":v1", Port: ordersPort,
		// The frontend Service "payments" is the mesh's; this one selects
		// every payments pod, stable and canary alike.
		ServiceName: "payments-pods", ServicePort: ordersPort,
		Labels:   map[string]string{"app.kubernetes.io/part-of": "payments"},
		Requests: kube.Resources{CPU: "250m", Memory: "256Mi"}, Limits: kube.Resources{CPU: "1", Memory: "512Mi"},
		MinReplicas: 2, MaxReplicas: 8, NodeSelector: steady, Tracing: tracing,
		// Payments calls no AWS API.
		Identity: kube.IdentityNone, ProgressiveDelivery: true,
	})
	if err != nil {
		return err
	}
	paymentsVS, err := mesh.NewVirtualService(stack, "payments-mesh", mesh.VirtualServiceProps{
		Network: net, Name: "payments", Namespace: "payments", Port: ordersPort, Selector: payments.PodSelector(),
		Versions: []mesh.Version{{Name: "stable", Service: "payments-stable"}, {Name: "canary", Service: "payments-canary"}},
		Routes: []mesh.Route{
			// Testers opt into the canary with a header; everyone else
			// follows the rollout's weights.
			{Name: "canary-testers", Headers: []mesh.HeaderMatch{{Name: "x-canary", Exact: "v2"}}, Targets: []mesh.Target{{Version: "canary", Weight: 100}}},
			{Name: "canary", Targets: []mesh.Target{{Version: "stable", Weight: 100}, {Version: "canary", Weight: 0}}, ManagedWeights: true},
		},
	})
	if err != nil {
		return err
	}
	if _, err := delivery.NewCanary(stack, "payments-canary", delivery.CanaryProps{
		Target: delivery.FromWorkload(payments), HTTPRoute: paymentsVS.HTTPRouteName("canary"),
		StableService: "payments-stable", CanaryService: "payments-canary",
		Analysis: delivery.Analysis{PrometheusURL: c.metrics.QueryURL(), Region: c.region},
	}); err != nil {
		return err
	}
	orders, err := kube.NewWorkload(stack, "orders", kube.WorkloadProps{
		Namespace: ordersNS, Name: "orders", Image: c.images.orders + ":v1", Port: ordersPort,
		ServiceName: "orders-v1", ServicePort: ordersPort,
		Env:      map[string]string{"PAYMENTS_URL": "http://" + paymentsVS.DNSName() + ":" + strconv.Itoa(ordersPort)},
		Requests: kube.Resources{CPU: "250m", Memory: "256Mi"}, Limits: kube.Resources{CPU: "1", Memory: "512Mi"},
		MinReplicas: 3, MaxReplicas: 12, NodeSelector: steady, Tracing: tracing,
		// Its identity in the mesh is its service account; it calls no
		// AWS API.
		Identity: ordersIdentity(c.engine),
	})
	if err != nil {
		return err
	}
	ordersVS, err := mesh.NewVirtualService(stack, "orders-mesh", mesh.VirtualServiceProps{
		Network: net, Name: "orders", Namespace: "orders", Port: ordersPort, Selector: orders.PodSelector(),
		Versions: []mesh.Version{{Name: "v1", Service: "orders-v1"}},
		Backends: []*mesh.VirtualService{paymentsVS},
	})
	if err != nil {
		return err
	}
	// The internal NLB's targets are the ingress gateway's pods; the
	// gateway routes everything to orders (the front door and the worker
	// call nothing else through it).
	if err := net.AddIngress("internal", mesh.IngressProps{
		Namespace: istioIngressNamespace, ServiceName: istioIngressName, ServiceAccount: istioIngressName, Port: ingressPort,
		Routes: []mesh.IngressRoute{{PathPrefix: "/", Service: ordersVS}},
	}); err != nil {
		return err
	}
	_, err = kube.BindTargetGroup(stack, "ingress-nlb", kube.TargetGroupBindingProps{
		Service:        &kube.ServiceTarget{Namespace: istioIngressNamespace, Name: istioIngressName, Port: ingressPort},
		TargetGroupARN: c.ordersTargetGroupARN,
	})
	return err
}

// The Istio ingress gateway kube.NewIstioAmbient installs in the add-ons
// stack (IngressNamespace, IngressServiceName, IngressServiceAccount).
const (
	istioIngressNamespace = "istio-ingress"
	istioIngressName      = "istio-ingress"
)
