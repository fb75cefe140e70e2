package kube

import (
	"fmt"
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/deploymentv1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/horizontalpodautoscalerv2"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/poddisruptionbudgetv1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/serviceaccountv1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/servicev1"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/grant"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

// Identity says how a workload's pods get AWS credentials.
type Identity string

// The identities a workload can have.
const (
	// IdentityIRSA binds an IAM role through the cluster's OIDC provider
	// (IAM roles for service accounts); it works on nodes and on Fargate.
	IdentityIRSA Identity = "irsa"
	// IdentityPodIdentity binds an IAM role through EKS Pod Identity; the
	// cluster must run the eks-pod-identity-agent add-on, and Fargate does
	// not support it.
	IdentityPodIdentity Identity = "pod-identity"
	// IdentityNone gives the pods no AWS credentials.
	IdentityNone Identity = "none"
)

// Resources is an amount of CPU and memory, as Kubernetes quantities.
type Resources struct {
	// CPU such as "250m" or "1". Required.
	CPU string
	// Memory such as "256Mi" or "1Gi". Required.
	Memory string
}

// Relaxation loosens the restricted pod security of a workload. Each
// loosening needs the namespace to allow it (a baseline or privileged
// Pod Security level) and a reason.
type Relaxation struct {
	// Reason says why the workload cannot run restricted. Required.
	Reason string
	// RunAsRoot lets the container run as user 0.
	// Default: false
	RunAsRoot bool
	// WritableRootFilesystem makes the root filesystem writable.
	// Default: false
	WritableRootFilesystem bool
	// AddCapabilities are Linux capabilities added after dropping ALL.
	// Default: - none
	AddCapabilities []string
}

// WorkloadProps configures a workload.
type WorkloadProps struct {
	// Namespace the workload runs in. Required.
	Namespace *Namespace
	// Name of the Deployment, Service, HPA, PDB and ServiceAccount (a DNS
	// label). Required.
	Name string
	// Image is the container image, preferably pinned by digest. Required.
	Image string
	// Command overrides the image's entrypoint.
	// Default: - the image's
	Command []string
	// Args overrides the image's arguments.
	// Default: - the image's
	Args []string
	// Env sets environment variables (plain values only; secrets belong in
	// a secret store the role can read).
	// Default: - none
	Env map[string]string
	// Port the container listens on (HTTP), named "http".
	// Default: 8080
	Port int
	// ServicePort is the Service's port, forwarded to Port.
	// Default: 80
	ServicePort int
	// ServiceName names the workload's Service when another object must
	// carry the workload's name (such as a mesh's frontend Service, on
	// Istio ambient, which selects every version of the workload).
	// Default: Name
	ServiceName string
	// Requests are the resources the scheduler reserves for each pod.
	// Required.
	Requests Resources
	// Limits cap each pod; each at least its request. Required.
	Limits Resources
	// MinReplicas is the HPA's minimum (and the Deployment's initial
	// replica count, unless ProgressiveDelivery).
	// Default: 2
	MinReplicas int
	// MaxReplicas is the HPA's maximum.
	// Default: 10
	MaxReplicas int
	// TargetCPUPercent is the average CPU use, as a percentage of the
	// request, the HPA keeps pods at.
	// Default: 70
	TargetCPUPercent int
	// TargetMemoryPercent is the average memory use, as a percentage of the
	// request, the HPA keeps pods at.
	// Default: 80
	TargetMemoryPercent int
	// HealthPath is the HTTP path of the liveness probe.
	// Default: "/healthz"
	HealthPath string
	// ReadyPath is the HTTP path of the readiness probe.
	// Default: HealthPath
	ReadyPath string
	// Labels are added to the pods (never to the selector, which cannot
	// change).
	// Default: - none
	Labels map[string]string
	// PodAnnotations are added to the pods.
	// Default: - none
	PodAnnotations map[string]string
	// NodeSelector constrains the pods to nodes with these labels.
	// Default: - none
	NodeSelector map[string]string
	// Identity says how the pods get AWS credentials.
	// Default: IdentityIRSA
	Identity Identity
	// Cluster the workload runs on; required unless Identity is
	// IdentityNone.
	// Default: - none
	Cluster eks.ClusterRef
	// ServiceAccountRole is an existing IRSA role made for this workload's
	// service account (Namespace/Name), such as a mesh caller role; the
	// service account is annotated with it and no role is created.
	// Default: - a role per Identity
	ServiceAccountRole *eks.ServiceAccountRole
	// WritablePaths get an emptyDir volume each, since the root
	// filesystem is read-only.
	// Default: ["/tmp"]
	WritablePaths []string
	// RunAsUser is the non-root user (and group) the container runs as.
	// Default: 10001
	RunAsUser int
	// Relax loosens restricted pod security, with a reason.
	// Default: - restricted: non-root, read-only root filesystem, no
	// privilege escalation, all capabilities dropped, seccomp RuntimeDefault
	Relax *Relaxation
	// Tracing points the containers' OpenTelemetry SDK at a collector
	// (OTEL_* variables, see Tracing); Env wins over what it sets.
	// Default: - none: no OTEL_* variables
	Tracing *Tracing
	// Alarms raises a CloudWatch alarm on container restarts (a crash
	// loop) in the workload's stack; it needs Cluster (see WorkloadAlarms
	// and Signals).
	// Default: - no alarm
	Alarms *WorkloadAlarms
	// ProgressiveDelivery hands the pods to an Argo Rollout of the same
	// name (package delivery: delivery.NewCanary with
	// delivery.FromWorkload), which runs the Deployment's pod template
	// through its workloadRef and shifts traffic to each new version step
	// by step. The Deployment then only holds the pod template: it is
	// rendered with 0 replicas, and Terraform keeps it at 0 (no
	// ignore_changes on its replicas), so its own ReplicaSets run no
	// pods. The HPA scales the Rollout (argoproj.io/v1alpha1, kind
	// Rollout) instead of the Deployment; until the Rollout exists the
	// HPA has no target and the workload runs no pods, so create the
	// Rollout in the same apply (its stack comes after the one installing
	// the Argo Rollouts chart and CRDs). The Service, PodDisruptionBudget
	// and ServiceAccount are unchanged: they select the Rollout's pods by
	// the same labels.
	// Default: false: the Deployment runs the pods, scaled by the HPA
	ProgressiveDelivery bool
}

// Workload is a Deployment with its Service, HPA, PDB, ServiceAccount and
// (unless IdentityNone) IAM role.
type Workload struct {
	constructs.Construct
	name, namespace string
	serviceName     string // the Service's name when not name (ServiceName)
	ns              *Namespace
	servicePort     int
	port            int
	selector        map[string]string
	progressive     bool
	role            grant.Grantee
	deployment      deploymentv1.DeploymentV1
	service         servicev1.ServiceV1
	// Kept by watch (workload_signals.go).
	cluster eks.ClusterRef
	alarms  []observe.Alarm
}

// NewWorkload creates the workload. It returns every problem with props at
// once, joined, each a *validate.FieldError wrapping validate.ErrInvalid:
// bad names, labels and quantities, requests above limits, replica bounds,
// a relaxation without a reason or that the namespace's Pod Security level
// would refuse, and identity settings the cluster cannot serve.
func NewWorkload(scope constructs.Construct, id string, props WorkloadProps) (*Workload, error) {
	r := validation.ForConstruct("kube", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	p := props.withDefaults()
	p.check(r)
	p.checkAlarms(r)
	p.checkTracing(r)
	if err := r.Err(); err != nil {
		return nil, err
	}
	selector := map[string]string{"app.kubernetes.io/name": p.Name}
	w := &Workload{
		name: p.Name, namespace: p.Namespace.name, ns: p.Namespace, servicePort: p.ServicePort,
		port: p.Port, selector: selector, progressive: p.ProgressiveDelivery,
	}
	constructs.NewConstruct_Override(w, scope, &id)
	ns := p.Namespace.Name()
	labels := ptr.Merge(p.Labels, selector, map[string]string{"app.kubernetes.io/managed-by": "hybridstack"})
	meta := func() (*string, *string, *map[string]*string) {
		return ptr.String(p.Name), ptr.String(ns), ptr.Map(labels)
	}

	var saAnnotations map[string]string
	switch {
	case p.ServiceAccountRole != nil:
		w.role, saAnnotations = p.ServiceAccountRole, p.ServiceAccountRole.Annotations()
	case p.Identity == IdentityIRSA:
		role, err := eks.NewServiceAccountRole(w, "role", eks.ServiceAccountRoleProps{
			Cluster: p.Cluster, Namespace: p.Namespace.name, ServiceAccount: p.Name,
			Description: "IRSA role of workload " + p.Namespace.name + "/" + p.Name,
		})
		if err != nil {
			scope.Node().TryRemoveChild(&id)
			return nil, err
		}
		w.role, saAnnotations = role, role.Annotations()
	case p.Identity == IdentityPodIdentity:
		role, err := eks.NewPodIdentityRole(w, "role", eks.PodIdentityRoleProps{
			Cluster: p.Cluster, Namespace: p.Namespace.name, ServiceAccount: p.Name,
		})
		if err != nil {
			// Nothing of a failed workload stays in the tree.
			scope.Node().TryRemoveChild(&id)
			return nil, err
		}
		w.role = role
	}
	name, namespace, l := meta()
	sa := serviceaccountv1.NewServiceAccountV1(w, ptr.String("service-account"), &serviceaccountv1.ServiceAccountV1Config{
		Metadata: &serviceaccountv1.ServiceAccountV1Metadata{Name: name, Namespace: namespace, Labels: l, Annotations: ptr.Map(saAnnotations)},
		// The pods do not call the Kubernetes API; IRSA and Pod Identity
		// mount their own audience-bound tokens.
		AutomountServiceAccountToken: false,
	})
	deployment := &deploymentv1.DeploymentV1Config{
		Metadata: &deploymentv1.DeploymentV1Metadata{Name: name, Namespace: namespace, Labels: l},
		Spec:     p.deploymentSpec(selector, labels, sa),
		// The HPA owns the replica count after creation.
		Lifecycle: &cdktf.TerraformResourceLifecycle{IgnoreChanges: &[]*string{ptr.String("spec[0].replicas")}},
	}
	if p.ProgressiveDelivery {
		// The Rollout runs the pods from this template; the Deployment
		// itself stays at 0, and Terraform puts it back there if anyone
		// scales it.
		deployment.Spec.Replicas = ptr.String("0")
		deployment.Lifecycle = nil
	}
	w.deployment = deploymentv1.NewDeploymentV1(w, ptr.String("deployment"), deployment)
	serviceName := name
	if p.ServiceName != "" {
		serviceName = ptr.String(p.ServiceName)
		w.serviceName = p.ServiceName
	}
	w.service = servicev1.NewServiceV1(w, ptr.String("service"), &servicev1.ServiceV1Config{
		Metadata: &servicev1.ServiceV1Metadata{Name: serviceName, Namespace: namespace, Labels: l},
		Spec: &servicev1.ServiceV1Spec{
			Type:     ptr.String("ClusterIP"),
			Selector: ptr.Map(selector),
			Port: &[]*servicev1.ServiceV1SpecPort{{
				Name: ptr.String("http"), Port: ptr.Number(p.ServicePort), TargetPort: ptr.String("http"), Protocol: ptr.String("TCP"),
			}},
		},
	})
	target := &horizontalpodautoscalerv2.HorizontalPodAutoscalerV2SpecScaleTargetRef{
		ApiVersion: ptr.String("apps/v1"), Kind: ptr.String("Deployment"), Name: w.deployment.Metadata().Name(),
	}
	if p.ProgressiveDelivery {
		// The Rollout (a CRD with a scale subresource) is made elsewhere,
		// under the workload's name.
		target = &horizontalpodautoscalerv2.HorizontalPodAutoscalerV2SpecScaleTargetRef{
			ApiVersion: ptr.String(RolloutAPIVersion), Kind: ptr.String("Rollout"), Name: ptr.String(p.Name),
		}
	}
	utilization := func(resource string, percent int) *horizontalpodautoscalerv2.HorizontalPodAutoscalerV2SpecMetric {
		return &horizontalpodautoscalerv2.HorizontalPodAutoscalerV2SpecMetric{
			Type: ptr.String("Resource"),
			Resource: &horizontalpodautoscalerv2.HorizontalPodAutoscalerV2SpecMetricResource{
				Name:   ptr.String(resource),
				Target: &horizontalpodautoscalerv2.HorizontalPodAutoscalerV2SpecMetricResourceTarget{Type: ptr.String("Utilization"), AverageUtilization: ptr.Number(percent)},
			},
		}
	}
	horizontalpodautoscalerv2.NewHorizontalPodAutoscalerV2(w, ptr.String("autoscaler"), &horizontalpodautoscalerv2.HorizontalPodAutoscalerV2Config{
		Metadata: &horizontalpodautoscalerv2.HorizontalPodAutoscalerV2Metadata{Name: name, Namespace: namespace, Labels: l},
		Spec: &horizontalpodautoscalerv2.HorizontalPodAutoscalerV2Spec{
			MinReplicas:    ptr.Number(p.MinReplicas),
			MaxReplicas:    ptr.Number(p.MaxReplicas),
			ScaleTargetRef: target,
			Metric:         &[]*horizontalpodautoscalerv2.HorizontalPodAutoscalerV2SpecMetric{utilization("cpu", p.TargetCPUPercent), utilization("memory", p.TargetMemoryPercent)},
			// Scale up at once, down only after five calm minutes and by at
			// most half the pods a minute.
			Behavior: &horizontalpodautoscalerv2.HorizontalPodAutoscalerV2SpecBehavior{
				ScaleDown: &[]*horizontalpodautoscalerv2.HorizontalPodAutoscalerV2SpecBehaviorScaleDown{{
					StabilizationWindowSeconds: ptr.Number(300),
					SelectPolicy:               ptr.String("Max"),
					Policy:                     &[]*horizontalpodautoscalerv2.HorizontalPodAutoscalerV2SpecBehaviorScaleDownPolicy{{Type: ptr.String("Percent"), Value: ptr.Number(50), PeriodSeconds: ptr.Number(60)}},
				}},
			},
		},
	})
	poddisruptionbudgetv1.NewPodDisruptionBudgetV1(w, ptr.String("disruption-budget"), &poddisruptionbudgetv1.PodDisruptionBudgetV1Config{
		Metadata: &poddisruptionbudgetv1.PodDisruptionBudgetV1Metadata{Name: name, Namespace: namespace, Labels: l},
		Spec: &poddisruptionbudgetv1.PodDisruptionBudgetV1Spec{
			// Node drains and upgrades take one pod at a time.
			MaxUnavailable: ptr.String("1"),
			Selector:       &poddisruptionbudgetv1.PodDisruptionBudgetV1SpecSelector{MatchLabels: ptr.Map(selector)},
		},
	})
	w.watch(p)
	return w, nil
}

func (p WorkloadProps) withDefaults() WorkloadProps {
	if p.Port == 0 {
		p.Port = 8080
	}
	if p.ServicePort == 0 {
		p.ServicePort = 80
	}
	if p.MinReplicas == 0 {
		p.MinReplicas = 2
	}
	if p.MaxReplicas == 0 {
		p.MaxReplicas = max(10, p.MinReplicas)
	}
	if p.TargetCPUPercent == 0 {
		p.TargetCPUPercent = 70
	}
	if p.TargetMemoryPercent == 0 {
		p.TargetMemoryPercent = 80
	}
	if p.HealthPath == "" {
		p.HealthPath = "/healthz"
	}
	if p.ReadyPath == "" {
		p.ReadyPath = p.HealthPath
	}
	if p.Identity == "" {
		p.Identity = IdentityIRSA
	}
	if p.WritablePaths == nil {
		p.WritablePaths = []string{"/tmp"}
	}
	if p.RunAsUser == 0 {
		p.RunAsUser = 10001
	}
	return p
}

func (p WorkloadProps) check(r *validation.Report) {
	if p.Namespace == nil {
		r.Addf("Namespace", "is nil; create one with NewNamespace")
	}
	checkName(r, "Name", p.Name)
	if p.ServiceName != "" {
		checkName(r, "ServiceName", p.ServiceName)
	}
	if validation.DNSLabel(p.Name) && !rfc1035.MatchString(p.Name) {
		r.Addf("Name", "%q starts with a digit; it names a Service, which must start with a letter", p.Name)
	}
	if p.Image == "" {
		r.Addf("Image", "is empty; give the container image, such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders@sha256:...")
	}
	for _, k := range ptr.SortedKeys(p.Env) {
		if k == "" || !envName.MatchString(k) {
			r.Addf("Env", "name %q is not an environment variable name (letters, digits, '_', '-', '.'; not starting with a digit)", k)
		}
	}
	checkPort(r, "Port", p.Port)
	checkPort(r, "ServicePort", p.ServicePort)
	req := checkResources(r, "Requests", p.Requests)
	lim := checkResources(r, "Limits", p.Limits)
	if req != nil && lim != nil {
		if req[0] > lim[0] {
			r.Addf("Limits.CPU", "%q is below Requests.CPU %q; a limit must be at least its request", p.Limits.CPU, p.Requests.CPU)
		}
		if req[1] > lim[1] {
			r.Addf("Limits.Memory", "%q is below Requests.Memory %q; a limit must be at least its request", p.Limits.Memory, p.Requests.Memory)
		}
	}
	if p.MinReplicas < 1 || p.MinReplicas > 1000 {
		r.Addf("MinReplicas", "%d is not between 1 and 1000", p.MinReplicas)
	} else if p.MaxReplicas < p.MinReplicas || p.MaxReplicas > 1000 {
		r.Addf("MaxReplicas", "%d is not between MinReplicas (%d) and 1000", p.MaxReplicas, p.MinReplicas)
	}
	for _, f := range []struct {
		field string
		v     int
	}{{"TargetCPUPercent", p.TargetCPUPercent}, {"TargetMemoryPercent", p.TargetMemoryPercent}} {
		if f.v < 1 || f.v > 100 {
			r.Addf(f.field, "%d is not a percentage between 1 and 100 of the request", f.v)
		}
	}
	for _, f := range [][2]string{{"HealthPath", p.HealthPath}, {"ReadyPath", p.ReadyPath}} {
		if f[1][0] != '/' {
			r.Addf(f[0], "%q does not start with '/'", f[1])
		}
	}
	checkLabels(r, "Labels", p.Labels)
	checkLabels(r, "NodeSelector", p.NodeSelector)
	for _, k := range ptr.SortedKeys(p.PodAnnotations) {
		if !validation.LabelKey(k) {
			r.Addf("PodAnnotations", "key %q is not an annotation key ([prefix/]name)", k)
		}
	}
	switch p.Identity {
	case IdentityIRSA, IdentityPodIdentity:
		if eks.IsNil(p.Cluster) && p.ServiceAccountRole == nil {
			r.Addf("Cluster", "is nil but Identity is %q; give the *eks.Cluster, or set Identity to IdentityNone", p.Identity)
		}
	case IdentityNone:
	default:
		r.Addf("Identity", "%q is not an identity; use IdentityIRSA, IdentityPodIdentity or IdentityNone", p.Identity)
	}
	seen := map[string]bool{}
	for i, path := range p.WritablePaths {
		switch {
		case path == "" || path[0] != '/' || path == "/":
			r.Addf(fmt.Sprintf("WritablePaths[%d]", i), "%q is not an absolute path below /", path)
		case seen[path]:
			r.Addf(fmt.Sprintf("WritablePaths[%d]", i), "%q is listed twice; a path takes one volume", path)
		}
		seen[path] = true
	}
	switch {
	case p.RunAsUser < 0:
		r.Addf("RunAsUser", "%d is not a user id (0 or more)", p.RunAsUser)
	case p.RunAsUser == 0 && (p.Relax == nil || !p.Relax.RunAsRoot):
		r.Addf("RunAsUser", "%d is root; give a non-root user id, or set Relax.RunAsRoot with a reason", p.RunAsUser)
	}
	if x := p.Relax; x != nil {
		if x.Reason == "" {
			r.Addf("Relax.Reason", "is empty; say why the workload cannot run with restricted pod security")
		}
		level := PodSecurityRestricted
		if p.Namespace != nil {
			level = p.Namespace.level
		}
		// What Pod Security Admission would refuse in the namespace:
		// restricted refuses root and every added capability but
		// NET_BIND_SERVICE; baseline refuses capabilities outside its list.
		if x.RunAsRoot && level == PodSecurityRestricted && p.Namespace != nil {
			r.Addf("Relax.RunAsRoot", "is set but namespace %q enforces restricted, which refuses root containers; relax the namespace (NamespaceProps.PodSecurity) too", p.Namespace.name)
		}
		for i, c := range x.AddCapabilities {
			field := fmt.Sprintf("Relax.AddCapabilities[%d]", i)
			switch {
			case !capability.MatchString(c):
				r.Addf(field, "%q is not a capability name such as NET_BIND_SERVICE", c)
			case level == PodSecurityRestricted && c != "NET_BIND_SERVICE" && p.Namespace != nil:
				r.Addf(field, "%q is refused by namespace %q, which enforces restricted (only NET_BIND_SERVICE may be added)", c, p.Namespace.name)
			case level == PodSecurityBaseline && !baselineCapabilities[c]:
				r.Addf(field, "%q is refused by namespace %q, which enforces baseline (allowed: %v)", c, p.Namespace.name, ptr.SortedKeys(baselineCapabilities))
			}
		}
	}
}

func checkPort(r *validation.Report, field string, port int) {
	if port < 1 || port > 65535 {
		r.Addf(field, "%d is not a port (1-65535)", port)
	}
}

// checkResources returns the CPU and memory of res, or nil after reporting
// what is wrong with them.
func checkResources(r *validation.Report, field string, res Resources) []float64 {
	out := make([]float64, 2)
	ok := true
	for i, q := range []struct{ name, value, example string }{{"CPU", res.CPU, `"250m" or "1"`}, {"Memory", res.Memory, `"256Mi" or "1Gi"`}} {
		v, valid := parseQuantity(q.value)
		switch {
		case q.value == "":
			r.Addf(field+"."+q.name, "is empty; every container needs %s requests and limits, such as %s", q.name, q.example)
			ok = false
		case !valid:
			r.Addf(field+"."+q.name, "%q is not a Kubernetes quantity such as %s", q.value, q.example)
			ok = false
		case v <= 0:
			r.Addf(field+"."+q.name, "%q is zero; give a positive quantity such as %s", q.value, q.example)
			ok = false
		}
		out[i] = v
	}
	if !ok {
		return nil
	}
	return out
}

// deploymentSpec is the Deployment's spec: rolling updates that never go
// below the desired count, restricted pod security, probes, and zone spread.
func (p WorkloadProps) deploymentSpec(selector, labels map[string]string, sa serviceaccountv1.ServiceAccountV1) *deploymentv1.DeploymentV1Spec {
	user := strconv.Itoa(p.RunAsUser)
	podSecurity := &deploymentv1.DeploymentV1SpecTemplateSpecSecurityContext{
		RunAsNonRoot:   true,
		RunAsUser:      ptr.String(user),
		RunAsGroup:     ptr.String(user),
		FsGroup:        ptr.String(user),
		SeccompProfile: &deploymentv1.DeploymentV1SpecTemplateSpecSecurityContextSeccompProfile{Type: ptr.String("RuntimeDefault")},
	}
	container := &deploymentv1.DeploymentV1SpecTemplateSpecContainerSecurityContext{
		AllowPrivilegeEscalation: false,
		Privileged:               false,
		ReadOnlyRootFilesystem:   true,
		RunAsNonRoot:             true,
		Capabilities:             &deploymentv1.DeploymentV1SpecTemplateSpecContainerSecurityContextCapabilities{Drop: ptr.Strings([]string{"ALL"})},
		SeccompProfile:           &deploymentv1.DeploymentV1SpecTemplateSpecContainerSecurityContextSeccompProfile{Type: ptr.String("RuntimeDefault")},
	}
	if x := p.Relax; x != nil {
		if x.RunAsRoot {
			podSecurity.RunAsNonRoot, podSecurity.RunAsUser, podSecurity.RunAsGroup = false, ptr.String("0"), ptr.String("0")
			container.RunAsNonRoot = false
		}
		container.ReadOnlyRootFilesystem = !x.WritableRootFilesystem
		if len(x.AddCapabilities) > 0 {
			container.Capabilities.Add = ptr.Strings(x.AddCapabilities)
		}
	}
	var env []*deploymentv1.DeploymentV1SpecTemplateSpecContainerEnv
	vars := p.containerEnv()
	for _, k := range ptr.SortedKeys(vars) {
		env = append(env, &deploymentv1.DeploymentV1SpecTemplateSpecContainerEnv{Name: ptr.String(k), Value: ptr.String(vars[k])})
	}
	var volumes []*deploymentv1.DeploymentV1SpecTemplateSpecVolume
	var mounts []*deploymentv1.DeploymentV1SpecTemplateSpecContainerVolumeMount
	for i, path := range p.WritablePaths {
		v := fmt.Sprintf("writable-%d", i)
		volumes = append(volumes, &deploymentv1.DeploymentV1SpecTemplateSpecVolume{Name: ptr.String(v), EmptyDir: &deploymentv1.DeploymentV1SpecTemplateSpecVolumeEmptyDir{SizeLimit: ptr.String("1Gi")}})
		mounts = append(mounts, &deploymentv1.DeploymentV1SpecTemplateSpecContainerVolumeMount{Name: ptr.String(v), MountPath: ptr.String(path)})
	}
	spread := func(key, when string) *deploymentv1.DeploymentV1SpecTemplateSpecTopologySpreadConstraint {
		return &deploymentv1.DeploymentV1SpecTemplateSpecTopologySpreadConstraint{
			MaxSkew: ptr.Number(1), TopologyKey: ptr.String(key), WhenUnsatisfiable: ptr.String(when),
			LabelSelector: &[]*deploymentv1.DeploymentV1SpecTemplateSpecTopologySpreadConstraintLabelSelector{{MatchLabels: ptr.Map(selector)}},
		}
	}
	return &deploymentv1.DeploymentV1Spec{
		Replicas:             ptr.String(strconv.Itoa(p.MinReplicas)),
		RevisionHistoryLimit: ptr.Number(5),
		Selector:             &deploymentv1.DeploymentV1SpecSelector{MatchLabels: ptr.Map(selector)},
		Strategy: &deploymentv1.DeploymentV1SpecStrategy{
			Type:          ptr.String("RollingUpdate"),
			RollingUpdate: &deploymentv1.DeploymentV1SpecStrategyRollingUpdate{MaxUnavailable: ptr.String("0"), MaxSurge: ptr.String("25%")},
		},
		Template: &deploymentv1.DeploymentV1SpecTemplate{
			Metadata: &deploymentv1.DeploymentV1SpecTemplateMetadata{Labels: ptr.Map(labels), Annotations: ptr.Map(p.PodAnnotations)},
			Spec: &deploymentv1.DeploymentV1SpecTemplateSpec{
				ServiceAccountName:           sa.Metadata().Name(),
				AutomountServiceAccountToken: false,
				SecurityContext:              podSecurity,
				NodeSelector:                 ptr.Map(p.NodeSelector),
				// Spread over zones (a zone outage leaves the others
				// serving), then nodes. Best effort: with one node group
				// across zones, cluster-autoscaler cannot choose the zone
				// it adds a node in, and a hard zone rule could leave pods
				// pending.
				TopologySpreadConstraint: &[]*deploymentv1.DeploymentV1SpecTemplateSpecTopologySpreadConstraint{
					spread("topology.kubernetes.io/zone", "ScheduleAnyway"),
					spread("kubernetes.io/hostname", "ScheduleAnyway"),
				},
				TerminationGracePeriodSeconds: ptr.Number(30),
				Volume:                        &volumes,
				Container: &[]*deploymentv1.DeploymentV1SpecTemplateSpecContainer{{
					Name:            ptr.String(p.Name),
					Image:           ptr.String(p.Image),
					ImagePullPolicy: ptr.String("IfNotPresent"),
					Command:         ptr.Strings(p.Command),
					Args:            ptr.Strings(p.Args),
					Env:             &env,
					Port:            &[]*deploymentv1.DeploymentV1SpecTemplateSpecContainerPort{{Name: ptr.String("http"), ContainerPort: ptr.Number(p.Port), Protocol: ptr.String("TCP")}},
					Resources: &deploymentv1.DeploymentV1SpecTemplateSpecContainerResources{
						Requests: ptr.Map(map[string]string{"cpu": p.Requests.CPU, "memory": p.Requests.Memory}),
						Limits:   ptr.Map(map[string]string{"cpu": p.Limits.CPU, "memory": p.Limits.Memory}),
					},
					LivenessProbe: &deploymentv1.DeploymentV1SpecTemplateSpecContainerLivenessProbe{
						HttpGet:          &deploymentv1.DeploymentV1SpecTemplateSpecContainerLivenessProbeHttpGet{Path: ptr.String(p.HealthPath), Port: ptr.String("http")},
						PeriodSeconds:    ptr.Number(10),
						FailureThreshold: ptr.Number(3),
						TimeoutSeconds:   ptr.Number(2),
					},
					ReadinessProbe: &deploymentv1.DeploymentV1SpecTemplateSpecContainerReadinessProbe{
						HttpGet:          &deploymentv1.DeploymentV1SpecTemplateSpecContainerReadinessProbeHttpGet{Path: ptr.String(p.ReadyPath), Port: ptr.String("http")},
						PeriodSeconds:    ptr.Number(5),
						FailureThreshold: ptr.Number(2),
						TimeoutSeconds:   ptr.Number(2),
					},
					SecurityContext: container,
					VolumeMount:     &mounts,
				}},
			},
		},
	}
}

// RolloutAPIVersion is the API version of Argo Rollouts' Rollout, which
// the HPA of a workload with ProgressiveDelivery scales.
const RolloutAPIVersion = "argoproj.io/v1alpha1"

// Name returns the workload's name (Deployment, Service, ServiceAccount).
func (w *Workload) Name() string { return w.name }

// Namespace returns the name of the workload's namespace, as a literal.
func (w *Workload) Namespace() string { return w.namespace }

// ServiceName returns the name of the workload's Service, as a literal
// (WorkloadProps.ServiceName, or else the workload's name).
func (w *Workload) ServiceName() string {
	if w.serviceName != "" {
		return w.serviceName
	}
	return w.name
}

// ServicePort returns the Service's port.
func (w *Workload) ServicePort() int { return w.servicePort }

// Port returns the port the container listens on (the Service's target
// port, named "http").
func (w *Workload) Port() int { return w.port }

// PodSelector returns the labels that select the workload's pods (those
// of the Deployment's selector, the Service and the PodDisruptionBudget),
// as a new map.
func (w *Workload) PodSelector() map[string]string {
	return ptr.Merge(w.selector)
}

// ProgressiveDelivery reports whether the workload was made with
// ProgressiveDelivery: an Argo Rollout runs its pods.
func (w *Workload) ProgressiveDelivery() bool { return w.progressive }

// Role returns the pods' IAM role, a grant.Grantee: the ServiceAccountRole
// given, or the role created for the Identity (nil with IdentityNone and no
// ServiceAccountRole): bucket.GrantRead(w.Role(), "in/").
func (w *Workload) Role() grant.Grantee { return w.role }

// Deployment returns the kubernetes_deployment_v1 resource, as an escape
// hatch.
func (w *Workload) Deployment() deploymentv1.DeploymentV1 { return w.deployment }

// Service returns the kubernetes_service_v1 resource, as an escape hatch.
func (w *Workload) Service() servicev1.ServiceV1 { return w.service }
