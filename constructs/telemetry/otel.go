package telemetry

import (
	"encoding/json"
	"fmt"

	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/configmapv1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/deploymentv1"
	np "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/networkpolicyv1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/poddisruptionbudgetv1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/serviceaccountv1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/servicev1"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
)

// Where workloads send traces: the OpenTelemetry collector's Service in
// ObservabilityNamespace.
const (
	// OTelCollectorName names the collector's Deployment, Service and
	// service account.
	OTelCollectorName = "otel-collector"
	// OTLPGRPCPort receives OTLP over gRPC.
	OTLPGRPCPort = 4317
	// OTLPHTTPPort receives OTLP over HTTP.
	OTLPHTTPPort = 4318
	// XRayProxyPort forwards AWS X-Ray sampling requests (the X-Ray remote
	// sampler of the OpenTelemetry SDKs) to X-Ray, signed with the
	// collector's role.
	XRayProxyPort = 2000
	// OTLPGRPCEndpoint is the collector's OTLP/gRPC endpoint, for
	// OTEL_EXPORTER_OTLP_ENDPOINT.
	OTLPGRPCEndpoint = "http://" + OTelCollectorName + "." + ObservabilityNamespace + ".svc:4317"
	// OTLPHTTPEndpoint is the collector's OTLP/HTTP endpoint.
	OTLPHTTPEndpoint = "http://" + OTelCollectorName + "." + ObservabilityNamespace + ".svc:4318"
	// XRaySamplingEndpoint is where the X-Ray remote sampler asks for
	// sampling rules (OTEL_TRACES_SAMPLER=xray,
	// OTEL_TRACES_SAMPLER_ARG=endpoint=<it>).
	XRaySamplingEndpoint = "http://" + OTelCollectorName + "." + ObservabilityNamespace + ".svc:2000"
	// OTLPEndpointEnv is the environment variable the OpenTelemetry SDKs
	// read the exporter's endpoint from.
	OTLPEndpointEnv = "OTEL_EXPORTER_OTLP_ENDPOINT"
)

// otelHealthPort serves the collector's health check.
const otelHealthPort = 13133

// OTLPEnv returns the environment that points an OpenTelemetry SDK at the
// collector over OTLP/gRPC, for kube.WorkloadProps.Env. The pods' network
// policy must allow egress to OTelCollectorName in ObservabilityNamespace
// on OTLPGRPCPort (tenancy's does).
func OTLPEnv() map[string]string {
	return map[string]string{OTLPEndpointEnv: OTLPGRPCEndpoint, "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}
}

// The collector's configuration, as typed values: only the keys set here,
// named as in the collector's configuration.
type (
	otelEndpoint struct {
		Endpoint string `json:"endpoint"`
	}
	otelConfig struct {
		Extensions otelExtensions `json:"extensions"`
		Receivers  otelReceivers  `json:"receivers"`
		Processors otelProcessors `json:"processors"`
		Exporters  otelExporters  `json:"exporters"`
		Service    otelService    `json:"service"`
	}
	otelExtensions struct {
		HealthCheck otelEndpoint `json:"health_check"`
		AWSProxy    otelAWSProxy `json:"awsproxy"`
	}
	otelAWSProxy struct {
		Endpoint string `json:"endpoint"`
		Region   string `json:"region"`
	}
	otelReceivers struct {
		OTLP struct {
			Protocols struct {
				GRPC otelEndpoint `json:"grpc"`
				HTTP otelEndpoint `json:"http"`
			} `json:"protocols"`
		} `json:"otlp"`
	}
	otelProcessors struct {
		MemoryLimiter struct {
			CheckInterval        string `json:"check_interval"`
			LimitPercentage      int    `json:"limit_percentage"`
			SpikeLimitPercentage int    `json:"spike_limit_percentage"`
		} `json:"memory_limiter"`
		Batch struct {
			Timeout string `json:"timeout"`
		} `json:"batch"`
	}
	otelExporters struct {
		AWSXRay struct {
			Region string `json:"region"`
		} `json:"awsxray"`
	}
	otelPipeline struct {
		Receivers  []string `json:"receivers"`
		Processors []string `json:"processors"`
		Exporters  []string `json:"exporters"`
	}
	otelService struct {
		Extensions []string                `json:"extensions"`
		Pipelines  map[string]otelPipeline `json:"pipelines"`
	}
)

// otelCollectorConfig is the collector's configuration: OTLP in (gRPC and
// HTTP, from every namespace), traces out to X-Ray in region, memory
// bounded, and the X-Ray sampling proxy. JSON is YAML, which the collector
// reads.
func otelCollectorConfig(region string) string {
	var c otelConfig
	c.Extensions.HealthCheck.Endpoint = fmt.Sprintf("0.0.0.0:%d", otelHealthPort)
	c.Extensions.AWSProxy = otelAWSProxy{Endpoint: fmt.Sprintf("0.0.0.0:%d", XRayProxyPort), Region: region}
	c.Receivers.OTLP.Protocols.GRPC.Endpoint = fmt.Sprintf("0.0.0.0:%d", OTLPGRPCPort)
	c.Receivers.OTLP.Protocols.HTTP.Endpoint = fmt.Sprintf("0.0.0.0:%d", OTLPHTTPPort)
	// Refuse data before the container's memory limit is reached, rather
	// than be killed at it.
	c.Processors.MemoryLimiter.CheckInterval = "1s"
	c.Processors.MemoryLimiter.LimitPercentage = 80
	c.Processors.MemoryLimiter.SpikeLimitPercentage = 25
	c.Processors.Batch.Timeout = "5s"
	c.Exporters.AWSXRay.Region = region
	c.Service.Extensions = []string{"health_check", "awsproxy"}
	c.Service.Pipelines = map[string]otelPipeline{
		"traces": {Receivers: []string{"otlp"}, Processors: []string{"memory_limiter", "batch"}, Exporters: []string{"awsxray"}},
	}
	out, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		// Strings, ints, slices and maps of them always marshal.
		panic(fmt.Sprintf("telemetry: marshalling the collector configuration: %v", err))
	}
	return string(out) + "\n"
}

// xrayStatements let the collector send traces to X-Ray and fetch sampling
// rules for the SDKs. These X-Ray actions take no resource ARN (IAM
// supports no resource-level permission for them), so Resource must be
// "*"; they write to and read the account's X-Ray only.
var xrayStatements = []iamdoc.Statement{iamdoc.Allow("XRayWriteAndSampling",
	[]string{"xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:PutTelemetryRecords", "xray:PutTraceSegments"}, "*")}

// traces creates the OpenTelemetry collector: IRSA role, service account,
// configuration, Deployment, Service, PodDisruptionBudget and the
// NetworkPolicy that admits OTLP from every namespace.
func (c *Collectors) traces(p CollectorsProps) error {
	doc, err := iamdoc.Document(xrayStatements...)
	if err != nil {
		return err
	}
	c.otelRole, err = eks.NewServiceAccountRole(c, "otel-collector-role", eks.ServiceAccountRoleProps{
		Cluster: p.Cluster, Namespace: ObservabilityNamespace, ServiceAccount: OTelCollectorName,
		PolicyDocument: doc,
		Description:    "IRSA role of the OpenTelemetry collector: sends traces to X-Ray",
	})
	if err != nil {
		return err
	}
	const name = OTelCollectorName
	labels := objectLabels(name)
	selector := map[string]string{"app.kubernetes.io/name": name}
	ns := c.observability.Name()
	sa := serviceaccountv1.NewServiceAccountV1(c, ptr.String("otel-collector-service-account"), &serviceaccountv1.ServiceAccountV1Config{
		Metadata: &serviceaccountv1.ServiceAccountV1Metadata{
			Name: ptr.String(name), Namespace: ptr.String(ns), Labels: ptr.Map(labels),
			Annotations: ptr.Map(c.otelRole.Annotations()),
		},
		// It never calls the Kubernetes API; IRSA mounts its own
		// audience-bound token.
		AutomountServiceAccountToken: false,
	})
	config := otelCollectorConfig(p.Region)
	cm := configmapv1.NewConfigMapV1(c, ptr.String("otel-collector-config"), &configmapv1.ConfigMapV1Config{
		Metadata: &configmapv1.ConfigMapV1Metadata{Name: ptr.String("otel-collector-config"), Namespace: ptr.String(ns), Labels: ptr.Map(labels)},
		Data:     ptr.Map(map[string]string{"config.yaml": config}),
	})
	podSecurity, containerSecurity := restrictedSecurity("10001")
	port := func(name string, n int) *deploymentv1.DeploymentV1SpecTemplateSpecContainerPort {
		return &deploymentv1.DeploymentV1SpecTemplateSpecContainerPort{Name: ptr.String(name), ContainerPort: ptr.Number(n), Protocol: ptr.String("TCP")}
	}
	deploymentv1.NewDeploymentV1(c, ptr.String("otel-collector"), &deploymentv1.DeploymentV1Config{
		Metadata: &deploymentv1.DeploymentV1Metadata{Name: ptr.String(name), Namespace: ptr.String(ns), Labels: ptr.Map(labels)},
		Spec: &deploymentv1.DeploymentV1Spec{
			Replicas:             ptr.String("2"),
			RevisionHistoryLimit: ptr.Number(5),
			Selector:             &deploymentv1.DeploymentV1SpecSelector{MatchLabels: ptr.Map(selector)},
			Strategy: &deploymentv1.DeploymentV1SpecStrategy{
				Type:          ptr.String("RollingUpdate"),
				RollingUpdate: &deploymentv1.DeploymentV1SpecStrategyRollingUpdate{MaxUnavailable: ptr.String("0"), MaxSurge: ptr.String("1")},
			},
			Template: &deploymentv1.DeploymentV1SpecTemplate{
				Metadata: &deploymentv1.DeploymentV1SpecTemplateMetadata{
					Labels: ptr.Map(labels),
					// A new configuration rolls the pods.
					Annotations: ptr.Map(map[string]string{"hybridstack.io/config-sha256": configHash(config)}),
				},
				Spec: &deploymentv1.DeploymentV1SpecTemplateSpec{
					ServiceAccountName:           sa.Metadata().Name(),
					AutomountServiceAccountToken: false,
					SecurityContext:              podSecurity,
					NodeSelector:                 ptr.Map(map[string]string{"kubernetes.io/os": "linux"}),
					// Best effort over zones, then nodes.
					TopologySpreadConstraint: []*deploymentv1.DeploymentV1SpecTemplateSpecTopologySpreadConstraint{
						{MaxSkew: ptr.Number(1), TopologyKey: ptr.String("topology.kubernetes.io/zone"), WhenUnsatisfiable: ptr.String("ScheduleAnyway"),
							LabelSelector: []*deploymentv1.DeploymentV1SpecTemplateSpecTopologySpreadConstraintLabelSelector{{MatchLabels: ptr.Map(selector)}}},
						{MaxSkew: ptr.Number(1), TopologyKey: ptr.String("kubernetes.io/hostname"), WhenUnsatisfiable: ptr.String("ScheduleAnyway"),
							LabelSelector: []*deploymentv1.DeploymentV1SpecTemplateSpecTopologySpreadConstraintLabelSelector{{MatchLabels: ptr.Map(selector)}}},
					},
					Volume: []*deploymentv1.DeploymentV1SpecTemplateSpecVolume{
						{Name: ptr.String("config"), ConfigMap: &deploymentv1.DeploymentV1SpecTemplateSpecVolumeConfigMap{Name: cm.Metadata().Name()}},
						{Name: ptr.String("tmp"), EmptyDir: &deploymentv1.DeploymentV1SpecTemplateSpecVolumeEmptyDir{SizeLimit: ptr.String("64Mi")}},
					},
					Container: []*deploymentv1.DeploymentV1SpecTemplateSpecContainer{{
						Name:            ptr.String(name),
						Image:           ptr.String(p.Images.OTelCollector),
						ImagePullPolicy: ptr.String("IfNotPresent"),
						Args:            ptr.Strings([]string{"--config=/conf/config.yaml"}),
						Env:             []*deploymentv1.DeploymentV1SpecTemplateSpecContainerEnv{{Name: ptr.String("AWS_REGION"), Value: ptr.String(p.Region)}},
						Port: []*deploymentv1.DeploymentV1SpecTemplateSpecContainerPort{
							port("otlp-grpc", OTLPGRPCPort), port("otlp-http", OTLPHTTPPort), port("xray-proxy", XRayProxyPort), port("health", otelHealthPort),
						},
						Resources: &deploymentv1.DeploymentV1SpecTemplateSpecContainerResources{
							Requests: ptr.Map(map[string]string{"cpu": "100m", "memory": "256Mi"}),
							Limits:   ptr.Map(map[string]string{"cpu": "1", "memory": "512Mi"}),
						},
						LivenessProbe: &deploymentv1.DeploymentV1SpecTemplateSpecContainerLivenessProbe{
							HttpGet:       &deploymentv1.DeploymentV1SpecTemplateSpecContainerLivenessProbeHttpGet{Path: ptr.String("/"), Port: ptr.String("health")},
							PeriodSeconds: ptr.Number(10), TimeoutSeconds: ptr.Number(2), FailureThreshold: ptr.Number(3),
						},
						ReadinessProbe: &deploymentv1.DeploymentV1SpecTemplateSpecContainerReadinessProbe{
							HttpGet:       &deploymentv1.DeploymentV1SpecTemplateSpecContainerReadinessProbeHttpGet{Path: ptr.String("/"), Port: ptr.String("health")},
							PeriodSeconds: ptr.Number(5), TimeoutSeconds: ptr.Number(2), FailureThreshold: ptr.Number(2),
						},
						SecurityContext: containerSecurity,
						VolumeMount: []*deploymentv1.DeploymentV1SpecTemplateSpecContainerVolumeMount{
							{Name: ptr.String("config"), MountPath: ptr.String("/conf"), ReadOnly: true},
							{Name: ptr.String("tmp"), MountPath: ptr.String("/tmp")},
						},
					}},
				},
			},
		},
	})
	servicePort := func(name, protocol string, n int) *servicev1.ServiceV1SpecPort {
		return &servicev1.ServiceV1SpecPort{Name: ptr.String(name), Port: ptr.Number(n), TargetPort: ptr.String(name), Protocol: ptr.String("TCP"), AppProtocol: ptr.String(protocol)}
	}
	servicev1.NewServiceV1(c, ptr.String("otel-collector-service"), &servicev1.ServiceV1Config{
		Metadata: &servicev1.ServiceV1Metadata{Name: ptr.String(name), Namespace: ptr.String(ns), Labels: ptr.Map(labels)},
		Spec: &servicev1.ServiceV1Spec{
			Type:     ptr.String("ClusterIP"),
			Selector: ptr.Map(selector),
			Port: &[]*servicev1.ServiceV1SpecPort{
				servicePort("otlp-grpc", "grpc", OTLPGRPCPort), servicePort("otlp-http", "http", OTLPHTTPPort), servicePort("xray-proxy", "http", XRayProxyPort),
			},
		},
	})
	poddisruptionbudgetv1.NewPodDisruptionBudgetV1(c, ptr.String("otel-collector-disruption-budget"), &poddisruptionbudgetv1.PodDisruptionBudgetV1Config{
		Metadata: &poddisruptionbudgetv1.PodDisruptionBudgetV1Metadata{Name: ptr.String(name), Namespace: ptr.String(ns), Labels: ptr.Map(labels)},
		Spec: &poddisruptionbudgetv1.PodDisruptionBudgetV1Spec{
			// Node drains take one collector at a time.
			MaxUnavailable: ptr.String("1"),
			Selector:       &poddisruptionbudgetv1.PodDisruptionBudgetV1SpecSelector{MatchLabels: ptr.Map(selector)},
		},
	})
	// OTLP and sampling requests from the pods of every namespace; nothing
	// else reaches the collector.
	ingressPort := func(n int) *np.NetworkPolicyV1SpecIngressPorts {
		return &np.NetworkPolicyV1SpecIngressPorts{Port: ptr.String(itoa(n)), Protocol: ptr.String("TCP")}
	}
	np.NewNetworkPolicyV1(c, ptr.String("otel-collector-network-policy"), &np.NetworkPolicyV1Config{
		Metadata: &np.NetworkPolicyV1Metadata{Name: ptr.String(name), Namespace: ptr.String(ns), Labels: ptr.Map(labels)},
		Spec: &np.NetworkPolicyV1Spec{
			PodSelector: &np.NetworkPolicyV1SpecPodSelector{MatchLabels: ptr.Map(selector)},
			PolicyTypes: ptr.Strings([]string{"Ingress"}),
			Ingress: []*np.NetworkPolicyV1SpecIngress{{
				From:  []*np.NetworkPolicyV1SpecIngressFrom{{NamespaceSelector: &np.NetworkPolicyV1SpecIngressFromNamespaceSelector{}}},
				Ports: []*np.NetworkPolicyV1SpecIngressPorts{ingressPort(OTLPGRPCPort), ingressPort(OTLPHTTPPort), ingressPort(XRayProxyPort)},
			}},
		},
	})
	return nil
}
