package kube

import (
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/manifest"

	"github.com/hybridstack/hybridstack/constructs/internal/deps"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// TargetGroupBindingProps configures BindTargetGroup.
type TargetGroupBindingProps struct {
	// Workload whose Service's pods are registered. Set exactly one of
	// Workload and Service.
	// Default: - none
	Workload *Workload
	// Service whose pods are registered, for a Service this package's
	// NewWorkload did not make (such as an Istio ingress gateway's,
	// IstioAmbient.IngressServiceName).
	// Default: - none
	Service *ServiceTarget
	// TargetGroupARN of an existing ELB target group of target type ip
	// (it may come from another stack). Required.
	TargetGroupARN string
}

// ServiceTarget is a Service, on one of its ports, in a namespace that
// may belong to another stack: label that namespace for readiness gates
// where it is made (NamespaceProps.ReadinessGates).
type ServiceTarget struct {
	// Namespace of the Service (its name). Required.
	Namespace string
	// Name of the Service. Required.
	Name string
	// Port of the Service (its port, not the pods'). Required.
	Port int
}

// BindTargetGroup creates a TargetGroupBinding (elbv2.k8s.aws/v1beta1): the
// AWS Load Balancer Controller registers the workload's ready pod IPs in
// the target group and deregisters them as they go, so the load balancer
// follows scaling and rollouts. It labels the workload's namespace for
// readiness gates (Namespace.EnableReadinessGates), so a rollout waits
// until the load balancer sees the new pods healthy, and makes the
// workload's Deployment wait for the binding when both are in one stack,
// so that even its first pods get the gate (the controller's webhook adds
// it only for a Service a binding already targets; the first apply then
// waits until the load balancer sees them healthy). The CRD comes with
// the controller (NewControllers), which must be installed in an earlier
// apply: the kubernetes_manifest resource reads the CRD's schema while
// planning.
//
// The binding declares no spec.networking: the security group rules from
// the load balancer to the pods are Terraform's (network.Connections), so
// they are reviewed with the rest and the controller edits no group.
func BindTargetGroup(scope constructs.Construct, id string, props TargetGroupBindingProps) (manifest.Manifest, error) {
	r := validation.ForConstruct("kube", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	// The id names the Kubernetes object too.
	if !validation.DNSLabel(id) {
		r.Addf("id", "%q is not a DNS label; it names the TargetGroupBinding object", id)
	}
	switch {
	case props.Workload == nil && props.Service == nil:
		r.Addf("Workload", "is nil; pass the *Workload whose pods to register (or set Service instead)")
	case props.Workload != nil && props.Service != nil:
		r.Addf("Service", "is set and so is Workload; set exactly one")
	case props.Service != nil:
		if ns := props.Service.Namespace; !validation.IsToken(ns) && !validation.DNSLabel(ns) {
			r.Addf("Service.Namespace", "%q is not a namespace name (DNS label)", ns)
		}
		checkName(r, "Service.Name", props.Service.Name)
		if p := props.Service.Port; p < 1 || p > 65535 {
			r.Addf("Service.Port", "%d is not a port (1-65535)", p)
		}
	}
	arn := props.TargetGroupARN
	if arn == "" {
		r.Addf("TargetGroupARN", "is empty; give the ARN of an ip target group")
	} else if !validation.IsToken(arn) && (!strings.HasPrefix(arn, "arn:") || !strings.Contains(arn, ":elasticloadbalancing:") || !strings.Contains(arn, ":targetgroup/")) {
		r.Addf("TargetGroupARN", "%q is not an Elastic Load Balancing target group ARN", arn)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	var namespace, service string
	var port int
	if w := props.Workload; w != nil {
		w.ns.EnableReadinessGates()
		namespace, service, port = w.namespace, *w.service.Metadata().Name(), w.servicePort
	} else {
		t := props.Service
		namespace, service, port = t.Namespace, t.Name, t.Port
	}
	tgb := manifest.NewManifest(scope, ptr.String(id), &manifest.ManifestConfig{
		Manifest: &map[string]any{
			"apiVersion": "elbv2.k8s.aws/v1beta1",
			"kind":       "TargetGroupBinding",
			"metadata":   map[string]any{"name": id, "namespace": namespace, "labels": map[string]string{"app.kubernetes.io/managed-by": "hybridstack"}},
			"spec": map[string]any{
				"targetGroupARN": arn,
				"targetType":     "ip",
				"serviceRef":     map[string]any{"name": service, "port": port},
			},
		},
	})
	if w := props.Workload; w != nil && deps.SameStack(w.deployment, tgb) {
		// The controller's webhook gives a pod its readiness gate only
		// when a binding already targets the pod's Service as the pod is
		// created: the workload's first pods wait for the binding. Only
		// within one stack: depends_on names resources of its own stack.
		deps.Add(w.deployment, tgb)
	}
	return tgb, nil
}
