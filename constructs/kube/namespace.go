package kube

import (
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/namespacev1"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// PodSecurityLevel is a Pod Security Admission level.
type PodSecurityLevel string

// The Pod Security Admission levels.
const (
	PodSecurityRestricted PodSecurityLevel = "restricted"
	PodSecurityBaseline   PodSecurityLevel = "baseline"
	PodSecurityPrivileged PodSecurityLevel = "privileged"
)

// NamespaceProps configures a namespace.
type NamespaceProps struct {
	// Name of the namespace (a DNS label, not kube-*). Required.
	Name string
	// PodSecurity is the Pod Security Admission level enforced (and warned
	// and audited) in the namespace.
	// Default: PodSecurityRestricted
	PodSecurity PodSecurityLevel
	// RelaxReason says why a level below restricted is needed; required
	// when PodSecurity is baseline or privileged.
	// Default: - none
	RelaxReason string
	// Labels are added to the namespace.
	// Default: - none
	Labels map[string]string
	// ReadinessGates labels the namespace
	// elbv2.k8s.aws/pod-readiness-gate-inject=enabled, so that the AWS Load
	// Balancer Controller gives the pods it registers through a
	// TargetGroupBinding a readiness gate: a rollout then waits until the
	// load balancer sees each new pod healthy. BindTargetGroup sets it on
	// the workload's namespace; set it for bindings made otherwise.
	// Default: false
	ReadinessGates bool
}

// Namespace is a namespace with Pod Security Admission labels.
type Namespace struct {
	constructs.Construct
	name     string
	level    PodSecurityLevel
	labels   map[string]string
	resource namespacev1.NamespaceV1
}

// readinessGateLabel makes the AWS Load Balancer Controller's webhook
// inject readiness gates into the namespace's pods that a
// TargetGroupBinding selects.
const readinessGateLabel = "elbv2.k8s.aws/pod-readiness-gate-inject"

// NewNamespace creates the namespace, labelled so that Pod Security
// Admission enforces, warns about and audits props.PodSecurity, pinned to
// the latest policy version, and, with props.ReadinessGates, so that the
// AWS Load Balancer Controller injects readiness gates into the pods it
// registers. It returns every problem with props at once, joined, each a
// *validate.FieldError wrapping validate.ErrInvalid.
func NewNamespace(scope constructs.Construct, id string, props NamespaceProps) (*Namespace, error) {
	r := validation.ForConstruct("kube", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	level := props.PodSecurity
	if level == "" {
		level = PodSecurityRestricted
	}
	checkName(r, "Name", props.Name)
	if len(props.Name) >= 5 && props.Name[:5] == "kube-" {
		r.Addf("Name", "%q starts with kube-, which Kubernetes reserves for its own namespaces", props.Name)
	}
	switch level {
	case PodSecurityRestricted:
	case PodSecurityBaseline, PodSecurityPrivileged:
		if props.RelaxReason == "" {
			r.Addf("RelaxReason", "is empty but PodSecurity is %q; say why the namespace cannot be restricted", level)
		}
	default:
		r.Addf("PodSecurity", "%q is not a Pod Security Admission level; use restricted, baseline or privileged", level)
	}
	checkLabels(r, "Labels", props.Labels)
	if err := r.Err(); err != nil {
		return nil, err
	}
	n := &Namespace{name: props.Name, level: level}
	constructs.NewConstruct_Override(n, scope, &id)
	labels := ptr.Merge(props.Labels, map[string]string{
		"pod-security.kubernetes.io/enforce":         string(level),
		"pod-security.kubernetes.io/enforce-version": "latest",
		"pod-security.kubernetes.io/warn":            string(PodSecurityRestricted),
		"pod-security.kubernetes.io/audit":           string(PodSecurityRestricted),
		"app.kubernetes.io/managed-by":               "hybridstack",
	})
	if props.ReadinessGates {
		labels[readinessGateLabel] = "enabled"
	}
	n.labels = labels
	var annotations *map[string]*string
	if props.RelaxReason != "" {
		annotations = ptr.Map(map[string]string{"hybridstack.io/pod-security-reason": props.RelaxReason})
	}
	n.resource = namespacev1.NewNamespaceV1(n, ptr.String("namespace"), &namespacev1.NamespaceV1Config{
		Metadata: &namespacev1.NamespaceV1Metadata{Name: ptr.String(props.Name), Labels: ptr.Map(labels), Annotations: annotations},
		// Workloads created next need the default service account's
		// admission to be ready.
		WaitForDefaultServiceAccount: true,
	})
	return n, nil
}

// EnableReadinessGates labels the namespace so that the AWS Load Balancer
// Controller gives pods behind a TargetGroupBinding a readiness gate
// (NamespaceProps.ReadinessGates). Namespaces without a binding stay
// unlabelled: the controller's webhook then never sees their pods.
func (n *Namespace) EnableReadinessGates() {
	if n.labels[readinessGateLabel] == "enabled" {
		return
	}
	n.labels[readinessGateLabel] = "enabled"
	n.resource.Metadata().SetLabels(ptr.Map(n.labels))
}

// podSecurityPrefix is the prefix of the Pod Security Admission labels,
// which NewNamespace sets from PodSecurity alone.
const podSecurityPrefix = "pod-security.kubernetes.io/"

// AddLabels adds labels to the namespace, or changes the values of labels
// it has, such as the labels that enrol it in a service mesh. It refuses
// keys or values Kubernetes would refuse and any Pod Security Admission
// label (pod-security.kubernetes.io/...): the enforced level comes from
// NamespaceProps.PodSecurity and its RelaxReason only. It returns every
// problem at once, joined, each a *validate.FieldError wrapping
// validate.ErrInvalid, and then changes nothing.
func (n *Namespace) AddLabels(labels map[string]string) error {
	r := validation.NewReport("kube", *n.Node().Path())
	checkLabels(r, "AddLabels", labels)
	for _, k := range ptr.SortedKeys(labels) {
		if strings.HasPrefix(k, podSecurityPrefix) {
			r.Addf("AddLabels", "key %q is a Pod Security Admission label; set NamespaceProps.PodSecurity (with a RelaxReason) instead", k)
		}
	}
	if err := r.Err(); err != nil {
		return err
	}
	for k, v := range labels {
		n.labels[k] = v
	}
	n.resource.Metadata().SetLabels(ptr.Map(n.labels))
	return nil
}

// Name returns the namespace's name (a reference to the resource, so that
// objects created in it wait for it).
func (n *Namespace) Name() string { return *n.resource.Metadata().Name() }

// LiteralName returns the namespace's name as given in
// NamespaceProps.Name: a plain string to compare or to build names from
// (such as a workload identity), which, unlike Name, makes nothing wait for
// the namespace.
func (n *Namespace) LiteralName() string { return n.name }

// PodSecurity returns the enforced Pod Security Admission level.
func (n *Namespace) PodSecurity() PodSecurityLevel { return n.level }

// Resource returns the kubernetes_namespace_v1 resource, as an escape hatch.
func (n *Namespace) Resource() namespacev1.NamespaceV1 { return n.resource }

// checkName reports a Kubernetes object name that is not a DNS label.
func checkName(r *validation.Report, field, name string) {
	switch {
	case name == "":
		r.Addf(field, "is empty; give a DNS label (lowercase letters, digits and '-', at most 63 characters)")
	case !validation.DNSLabel(name):
		r.Addf(field, "%q is not a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)", name)
	}
}

// checkLabels reports label keys and values Kubernetes would refuse.
func checkLabels(r *validation.Report, field string, labels map[string]string) {
	for _, k := range ptr.SortedKeys(labels) {
		if !validation.LabelKey(k) {
			r.Addf(field, "key %q is not a label key ([prefix/]name; name at most 63 characters of letters, digits, '-', '_', '.')", k)
		}
		if v := labels[k]; !validation.LabelValue(v) {
			r.Addf(field+"["+k+"]", "%q is not a label value (at most 63 characters of letters, digits, '-', '_', '.', starting and ending with a letter or digit)", v)
		}
	}
}
