package telemetry

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/deploymentv1"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

// The namespaces NewCollectors makes.
const (
	// LoggingNamespace runs Fluent Bit; the one namespace of the library
	// that Pod Security does not restrict (privileged: Fluent Bit reads the
	// node's /var/log through a hostPath volume).
	LoggingNamespace = "logging"
	// ObservabilityNamespace runs kube-state-metrics and the OpenTelemetry
	// collector, restricted.
	ObservabilityNamespace = "observability"
)

// The container images NewCollectors runs unless CollectorsProps.Images
// says otherwise: exact releases (kube-state-metrics and the collector also
// by digest). An upgrade is a reviewed change.
const (
	// ImageFluentBit is Fluent Bit 5.0.3: the cloudwatch_logs output with
	// log_group_template, and the kubernetes filter's namespace_labels
	// (Fluent Bit 3.0 and later). Its image runs as root (see
	// fluentBitSecurity).
	ImageFluentBit = "cr.fluentbit.io/fluent/fluent-bit:5.0.3"
	// ImageKubeStateMetrics is kube-state-metrics v2.20.0.
	ImageKubeStateMetrics = "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0@sha256:42cfe3723a5f058171c627537fb57a3ea0f26e4380fa18555a95cb1a1b4cfc5b"
	// ImageOTelCollector is the AWS Distro for OpenTelemetry collector
	// v0.48.0.
	ImageOTelCollector = "public.ecr.aws/aws-observability/aws-otel-collector:v0.48.0@sha256:9b28046359054b414f4ba76056ba4e8cffda2d53fbcee06171d7eeecd71326c3"
)

// Images overrides the collectors' container images, such as with copies
// in a registry of your own. Each must name an exact tag or a digest.
type Images struct {
	// FluentBit is the log collector (Fluent Bit 3.0 or later).
	// Default: ImageFluentBit
	FluentBit string
	// KubeStateMetrics is kube-state-metrics.
	// Default: ImageKubeStateMetrics
	KubeStateMetrics string
	// OTelCollector is an OpenTelemetry collector with the awsxray
	// exporter and the awsproxy extension (AWS Distro for OpenTelemetry).
	// Default: ImageOTelCollector
	OTelCollector string
}

// CollectorsProps configures NewCollectors.
type CollectorsProps struct {
	// Cluster the collectors run on (it may live in another stack).
	// Required.
	Cluster eks.ClusterRef
	// Region of the cluster, where the logs and traces go. Required.
	Region string
	// VPCCIDR is the cluster VPC's range: the Amazon Managed Service for
	// Prometheus collector scrapes kube-state-metrics from its network
	// interfaces there, outside the cluster. Required.
	VPCCIDR string
	// Namespaces are namespaces the stack knows whose logs get a log group
	// of their own, /hybridstack/<cluster>/<namespace>, without a label;
	// logging and observability are always among them.
	// Default: ["kube-system", "argocd"] (the controllers' namespaces)
	Namespaces []string
	// LogRetentionDays is how long every log group keeps events: one of
	// the periods CloudWatch Logs accepts.
	// Default: 90 (observe.DefaultLogRetentionDays)
	LogRetentionDays int
	// Images overrides the container images.
	// Default: - ImageFluentBit, ImageKubeStateMetrics, ImageOTelCollector
	Images Images
}

// Collectors are a cluster's in-cluster telemetry collectors.
type Collectors struct {
	constructs.Construct
	cluster       string
	logging       *kube.Namespace
	observability *kube.Namespace
	logGroups     map[string]cloudwatchloggroup.CloudwatchLogGroup
	fluentBitRole *eks.ServiceAccountRole
	otelRole      *eks.ServiceAccountRole
}

// defaultNamespaces are the controllers' namespaces (kube.NewControllers):
// kube-system (load balancer controller, metrics-server,
// cluster-autoscaler) and argocd.
var defaultNamespaces = []string{"kube-system", "argocd"}

// imageRef is registry/repository, an optional tag and an optional
// digest.
var imageRef = regexp.MustCompile(`^[a-z0-9.-]+(:[0-9]+)?/[a-z0-9._/-]+(:([A-Za-z0-9._-]+))?(@sha256:[0-9a-f]{64})?$`)

// pinnedImage reports whether ref names a registry and an exact image: a
// digest, or a tag other than latest.
func pinnedImage(ref string) bool {
	m := imageRef.FindStringSubmatch(ref)
	if m == nil {
		return false
	}
	tag, digest := m[3], m[4]
	return digest != "" || (tag != "" && tag != "latest")
}

// NewCollectors runs a cluster's telemetry collectors, in the stack that
// installs its controllers (kube.NewControllers), as plain Kubernetes
// objects (no Helm chart, no custom resource):
//
//   - Fluent Bit, a DaemonSet in namespace logging, sends every
//     container's log lines to CloudWatch Logs, one log group per
//     namespace. Terraform makes every group, with a retention and a KMS
//     key; Fluent Bit's IRSA role may write to the cluster's groups but
//     create none. The namespaces in CollectorsProps.Namespaces (and
//     logging and observability) have groups of their own; any other
//     namespace picks its group with the label LogGroupLabel, and without
//     one its logs go to the platform group (PlatformLogGroupName).
//   - kube-state-metrics, in namespace observability, for the Amazon
//     Managed Service for Prometheus collector (NewMetrics), which scrapes
//     it from the VPC, outside the cluster, as ScraperKubernetesUser; that
//     user gets the read-only ClusterRole AWS documents for the collector.
//   - an OpenTelemetry collector (AWS Distro for OpenTelemetry), Service
//     otel-collector in namespace observability, receiving OTLP from every
//     namespace and sending traces to AWS X-Ray with its IRSA role;
//     workloads find it at OTLPGRPCEndpoint (OTLPEnv).
//
// Every namespace stays Pod Security restricted but logging, which is
// privileged because Fluent Bit reads the node's /var/log.
//
// It returns every problem with props at once, joined, each a
// *validate.FieldError wrapping validate.ErrInvalid; nothing is created
// then.
func NewCollectors(scope constructs.Construct, id string, props CollectorsProps) (*Collectors, error) {
	r := validation.ForConstruct("telemetry", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	p := props.withDefaults()
	p.check(r)
	if err := r.Err(); err != nil {
		return nil, err
	}
	env, err := awsenv.Of(scope)
	if err != nil {
		return nil, err
	}
	c := &Collectors{cluster: p.Cluster.Name(), logGroups: map[string]cloudwatchloggroup.CloudwatchLogGroup{}}
	constructs.NewConstruct_Override(c, scope, &id)
	fail := func(err error) (*Collectors, error) {
		// Nothing of a failed construct stays in the tree.
		scope.Node().TryRemoveChild(&id)
		return nil, err
	}
	c.logging, err = kube.NewNamespace(c, "logging-namespace", kube.NamespaceProps{
		Name: LoggingNamespace,
		// Fluent Bit reads the node's /var/log (every container's log
		// files) through a hostPath volume, which baseline and restricted
		// refuse. Only this namespace is privileged: nothing else runs in
		// it, and every other namespace the library makes stays
		// restricted.
		PodSecurity: kube.PodSecurityPrivileged,
		RelaxReason: "Fluent Bit reads container logs from the node's /var/log through a hostPath volume",
	})
	if err != nil {
		return fail(err)
	}
	c.observability, err = kube.NewNamespace(c, "observability-namespace", kube.NamespaceProps{Name: ObservabilityNamespace})
	if err != nil {
		return fail(err)
	}
	if err := c.logs(p, env); err != nil {
		return fail(err)
	}
	c.kubeStateMetrics(p)
	c.scraperAccess()
	if err := c.traces(p); err != nil {
		return fail(err)
	}
	return c, nil
}

func (p CollectorsProps) withDefaults() CollectorsProps {
	if p.Namespaces == nil {
		p.Namespaces = defaultNamespaces
	}
	ns := append([]string(nil), p.Namespaces...)
	for _, n := range []string{LoggingNamespace, ObservabilityNamespace} {
		if !slices.Contains(ns, n) {
			ns = append(ns, n)
		}
	}
	p.Namespaces = ns
	if p.LogRetentionDays == 0 {
		p.LogRetentionDays = observe.DefaultLogRetentionDays
	}
	if p.Images.FluentBit == "" {
		p.Images.FluentBit = ImageFluentBit
	}
	if p.Images.KubeStateMetrics == "" {
		p.Images.KubeStateMetrics = ImageKubeStateMetrics
	}
	if p.Images.OTelCollector == "" {
		p.Images.OTelCollector = ImageOTelCollector
	}
	return p
}

var regionName = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`)

func (p CollectorsProps) check(r *validation.Report) {
	if eks.IsNil(p.Cluster) {
		r.Addf("Cluster", "is nil; pass the *eks.Cluster the collectors run on")
	}
	switch {
	case p.Region == "":
		r.Addf("Region", "is empty; give the cluster's Region, such as eu-west-1")
	case !validation.IsToken(p.Region) && !regionName.MatchString(p.Region):
		r.Addf("Region", "%q is not an AWS Region name such as eu-west-1", p.Region)
	}
	switch {
	case p.VPCCIDR == "":
		r.Addf("VPCCIDR", "is empty; give the cluster VPC's IPv4 range (network.VPC.CIDR()), from which the managed Prometheus scraper connects")
	case validation.IsToken(p.VPCCIDR):
	default:
		if _, n, err := net.ParseCIDR(p.VPCCIDR); err != nil || n.String() != p.VPCCIDR || strings.Contains(p.VPCCIDR, ":") {
			r.Addf("VPCCIDR", "%q is not an IPv4 network in canonical form such as 10.0.0.0/16", p.VPCCIDR)
		} else if ones, _ := n.Mask.Size(); ones == 0 {
			r.Addf("VPCCIDR", "%q admits every address; give the VPC's range", p.VPCCIDR)
		}
	}
	seen := map[string]bool{}
	for i, n := range p.Namespaces {
		field := fmt.Sprintf("Namespaces[%d]", i)
		switch {
		case !validation.DNSLabel(n):
			r.Addf(field, "%q is not a namespace name (a DNS label)", n)
		case n == "platform":
			r.Addf(field, "%q would share the cluster's platform log group, which takes the logs of unlabelled namespaces; choose another namespace", n)
		case seen[n]:
			r.Addf(field, "%q is listed twice", n)
		}
		seen[n] = true
	}
	if !validation.LogRetention(p.LogRetentionDays) {
		r.Addf("LogRetentionDays", "%d is not a retention CloudWatch Logs accepts; use one of %v", p.LogRetentionDays, validation.LogRetentionDays)
	}
	for _, img := range []struct{ field, ref string }{
		{"Images.FluentBit", p.Images.FluentBit},
		{"Images.KubeStateMetrics", p.Images.KubeStateMetrics},
		{"Images.OTelCollector", p.Images.OTelCollector},
	} {
		if !pinnedImage(img.ref) {
			r.Addf(img.field, "%q is not a pinned image reference: give registry/repository:tag (an exact release, not latest) or @sha256:<digest>", img.ref)
		}
	}
}

// OTLPEndpoint returns the OpenTelemetry collector's OTLP/gRPC endpoint,
// OTLPGRPCEndpoint.
func (c *Collectors) OTLPEndpoint() string { return OTLPGRPCEndpoint }

// OTLPHTTPEndpoint returns the OpenTelemetry collector's OTLP/HTTP
// endpoint, OTLPHTTPEndpoint.
func (c *Collectors) OTLPHTTPEndpoint() string { return OTLPHTTPEndpoint }

// LoggingNamespace returns the namespace Fluent Bit runs in.
func (c *Collectors) LoggingNamespace() *kube.Namespace { return c.logging }

// ObservabilityNamespace returns the namespace kube-state-metrics and the
// OpenTelemetry collector run in.
func (c *Collectors) ObservabilityNamespace() *kube.Namespace { return c.observability }

// PlatformLogGroupName returns the name of the log group of the namespaces
// that have no group of their own: /hybridstack/<cluster>/platform.
func (c *Collectors) PlatformLogGroupName() string { return LogGroupName(c.cluster, PlatformLogGroup) }

// LogGroup returns the log group made for namespace (one of
// CollectorsProps.Namespaces), or for PlatformLogGroup the platform group;
// nil otherwise.
func (c *Collectors) LogGroup(namespace string) cloudwatchloggroup.CloudwatchLogGroup {
	return c.logGroups[namespace]
}

// FluentBitRole returns Fluent Bit's IRSA role.
func (c *Collectors) FluentBitRole() *eks.ServiceAccountRole { return c.fluentBitRole }

// OTelCollectorRole returns the OpenTelemetry collector's IRSA role.
func (c *Collectors) OTelCollectorRole() *eks.ServiceAccountRole { return c.otelRole }

// objectLabels are the labels of every object of a collector.
func objectLabels(name string) map[string]string {
	return map[string]string{
		"app.kubernetes.io/name":       name,
		"app.kubernetes.io/part-of":    "hybridstack-telemetry",
		"app.kubernetes.io/managed-by": "hybridstack",
	}
}

// restrictedSecurity is the pod and container security of a Deployment
// that Pod Security restricted admits: a non-root user, no privilege
// escalation, every capability dropped, seccomp RuntimeDefault and a
// read-only root filesystem.
func restrictedSecurity(user string) (*deploymentv1.DeploymentV1SpecTemplateSpecSecurityContext, *deploymentv1.DeploymentV1SpecTemplateSpecContainerSecurityContext) {
	return &deploymentv1.DeploymentV1SpecTemplateSpecSecurityContext{
			RunAsNonRoot:   true,
			RunAsUser:      ptr.String(user),
			RunAsGroup:     ptr.String(user),
			FsGroup:        ptr.String(user),
			SeccompProfile: &deploymentv1.DeploymentV1SpecTemplateSpecSecurityContextSeccompProfile{Type: ptr.String("RuntimeDefault")},
		}, &deploymentv1.DeploymentV1SpecTemplateSpecContainerSecurityContext{
			AllowPrivilegeEscalation: false,
			Privileged:               false,
			ReadOnlyRootFilesystem:   true,
			RunAsNonRoot:             true,
			Capabilities:             &deploymentv1.DeploymentV1SpecTemplateSpecContainerSecurityContextCapabilities{Drop: ptr.Strings([]string{"ALL"})},
			SeccompProfile:           &deploymentv1.DeploymentV1SpecTemplateSpecContainerSecurityContextSeccompProfile{Type: ptr.String("RuntimeDefault")},
		}
}

// itoa formats a port for a Kubernetes string field.
func itoa(n int) string { return strconv.Itoa(n) }

// sortedCopy returns ss sorted, leaving ss alone.
func sortedCopy(ss []string) []string {
	out := append([]string(nil), ss...)
	sort.Strings(out)
	return out
}

// unresolved matches the placeholder of an unresolved token in a string.
var unresolved = regexp.MustCompile(`\$\{TfToken\[[^\]]*\]\}`)

// configHash is the SHA-256 of a rendered configuration, for an annotation
// that rolls the pods when the configuration changes. Tokens (such as the
// cluster's name) count as one placeholder: their numbering changes with
// unrelated constructs, and would roll the pods for nothing.
func configHash(config string) string {
	sum := sha256.Sum256([]byte(unresolved.ReplaceAllString(config, "<token>")))
	return hex.EncodeToString(sum[:])
}
