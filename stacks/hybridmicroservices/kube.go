package hybridmicroservices

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecrlifecyclepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecrrepository"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/servicev1"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

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

// ordersIdentity is orders' AWS identity when the mesh gives it no caller
// role: none (on App Mesh it calls no AWS API).
func ordersIdentity(engine mesh.Engine) kube.Identity {
	if engine == mesh.AppMesh {
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
	orders, payments     *mesh.VirtualService
}

// addonsStack installs the controllers: the AWS Load Balancer Controller
// (TargetGroupBinding), metrics-server (the HPAs), cluster-autoscaler (the
// steady node group) and Argo CD.
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
	return stack, controllers, nil
}

// workloadsStack runs the services: orders behind the internal NLB (pods
// registered by TargetGroupBinding), payments v1 and v2 behind the mesh,
// and the bursty order-events consumer on Fargate.
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
	orders, err := kube.NewWorkload(stack, "orders", kube.WorkloadProps{
		Namespace: ordersNS, Name: "orders", Image: c.images.orders + ":v1", Port: ordersPort,
		Env:      map[string]string{"PAYMENTS_URL": "http://" + c.payments.DNSName()},
		Requests: kube.Resources{CPU: "250m", Memory: "256Mi"}, Limits: kube.Resources{CPU: "1", Memory: "512Mi"},
		MinReplicas: 3, MaxReplicas: 12, NodeSelector: steady, Tracing: tracing,
		// On VPC Lattice orders signs its calls to payments with the
		// mesh's caller role; on App Mesh it calls no AWS API.
		Cluster: c.eks, ServiceAccountRole: c.orders.CallerRole(), Identity: ordersIdentity(c.engine),
	})
	if err != nil {
		return nil, err
	}
	if _, err := kube.BindTargetGroup(stack, "orders-nlb", kube.TargetGroupBindingProps{Workload: orders, TargetGroupARN: c.ordersTargetGroupARN}); err != nil {
		return nil, err
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
		return nil, err
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
			return nil, err
		}
		if err := bindMesh(c.payments, v, payments); err != nil {
			return nil, err
		}
	}
	if c.engine == mesh.AppMesh {
		// Without Envoy sidecars (see the README) App Mesh's virtual
		// service name must still resolve for orders: a Service "payments"
		// over both versions. It balances by pod count, not by the
		// router's 90/10 weights.
		servicev1.NewServiceV1(stack, jsii.String("payments-service"), &servicev1.ServiceV1Config{
			Metadata: &servicev1.ServiceV1Metadata{Name: jsii.String("payments"), Namespace: jsii.String(paymentsNS.Name())},
			Spec: &servicev1.ServiceV1Spec{
				Selector: &map[string]*string{"app.kubernetes.io/part-of": jsii.String("payments")},
				Port:     &[]*servicev1.ServiceV1SpecPort{{Name: jsii.String("http"), Port: jsii.Number(80), TargetPort: jsii.String("http")}},
			},
		})
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
