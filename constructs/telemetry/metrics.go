// Package telemetry measures a Kubernetes platform on AWS. NewMetrics gives
// an EKS cluster an Amazon Managed Service for Prometheus workspace fed by
// the agentless managed collector, recording and alert rules as code
// whose alerts go to the stack's SNS topic, and CloudWatch Container
// Insights; NewGrafana adds an Amazon Managed Grafana workspace that reads
// them. The collectors that run inside the cluster (kube-state-metrics,
// log shipping) belong to the cluster's add-ons stack.
package telemetry

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/eksaddon"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/prometheusalertmanagerdefinition"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/prometheusrulegroupnamespace"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/prometheusscraper"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/prometheusworkspace"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopicpolicy"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/cmk"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

// ScraperKubernetesUser is the Kubernetes user name AWS documents for the
// managed collector ("aps-collector-user"), for RBAC bound to it by name.
// A cluster whose authentication mode includes API (every eks.Cluster)
// needs none: creating the scraper creates its EKS access entry, with the
// permissions AWS documents for it (get, list and watch nodes, nodes/proxy,
// nodes/metrics, services, endpoints, pods, ingresses and configmaps; get
// /metrics). NewMetrics therefore creates no access entry, which would
// collide with that one.
const ScraperKubernetesUser = "aps-collector-user"

// Container Insights runs the CloudWatch agent as this service account.
const (
	ContainerInsightsNamespace      = "amazon-cloudwatch"
	ContainerInsightsServiceAccount = "cloudwatch-agent"
)

// DefaultScrapeIntervalSeconds is how often the collector scrapes by
// default, and the shortest interval managed collectors accept.
const DefaultScrapeIntervalSeconds = 30

// ScrapeTarget is a Kubernetes Service whose endpoints a scrape job reads,
// over plain HTTP on the named port.
type ScrapeTarget struct {
	// Namespace of the Service. Required.
	Namespace string
	// Service is the Service's name. Required.
	Service string
	// PortName is the name of the Service's port that serves /metrics.
	// Required.
	PortName string
	// Port is that port's number on the pods; the scraper's security
	// group is opened to it on the cluster security group. Required.
	Port int
}

// DefaultKubeStateMetrics returns where the collector finds
// kube-state-metrics: the Service NewCollectors deploys in the cluster's
// add-ons stack (a copy).
func DefaultKubeStateMetrics() ScrapeTarget { return defaultKubeStateMetrics }

// defaultKubeStateMetrics is DefaultKubeStateMetrics.
var defaultKubeStateMetrics = ScrapeTarget{Namespace: ObservabilityNamespace, Service: KubeStateMetricsName, PortName: KubeStateMetricsPortName, Port: KubeStateMetricsPort}

// DefaultKafkaExporter returns where the collector finds kafka_exporter
// (its default port, 9308), which exposes kafka_consumergroup_lag, when
// MetricsProps.Kafka is set (a copy). Deploy it there, pointed at the
// brokers.
func DefaultKafkaExporter() ScrapeTarget { return defaultKafkaExporter }

// defaultKafkaExporter is DefaultKafkaExporter.
var defaultKafkaExporter = ScrapeTarget{Namespace: ObservabilityNamespace, Service: "kafka-exporter", PortName: "metrics", Port: 9308}

// KafkaProps turns on the Kafka consumer-lag rules and the scraping of
// kafka_exporter.
type KafkaProps struct {
	// Exporter is the kafka_exporter Service, which reads the consumer
	// groups' offsets from the brokers.
	// Default: DefaultKafkaExporter
	Exporter ScrapeTarget
	// LagThreshold is the lag, in messages per consumer group and topic,
	// above which KafkaConsumerLagHigh fires.
	// Default: DefaultKafkaLagThreshold
	LagThreshold int
}

// MetricsProps configures NewMetrics.
type MetricsProps struct {
	// Cluster is the EKS cluster to measure; NewMetrics must be created in
	// its stack. Required.
	Cluster eks.ClusterRef
	// AlertTopicARN is the SNS topic every alert goes to (base.AlertTopic
	// in the reference stacks). Its KMS key must let aps.amazonaws.com
	// use it (kms:GenerateDataKey*, kms:Decrypt). Required.
	AlertTopicARN string
	// ExternalTopicPolicy says the topic's policy is managed elsewhere:
	// NewMetrics then creates no aws_sns_topic_policy, and that policy
	// must include TopicPolicyStatement. Otherwise NewMetrics writes the
	// topic's policy (which replaces the default one): the account
	// administers the topic, and the account's CloudWatch alarms and this
	// workspace's Alertmanager publish to it.
	// Default: false
	ExternalTopicPolicy bool
	// ScrapeIntervalSeconds is how often every target is scraped; at least
	// 30 (managed collectors refuse less).
	// Default: DefaultScrapeIntervalSeconds
	ScrapeIntervalSeconds int
	// LogRetentionDays is how long the workspace's own logs (rule
	// evaluation and Alertmanager errors) are kept.
	// Default: observe.DefaultLogRetentionDays
	LogRetentionDays int
	// KubeStateMetrics is the kube-state-metrics Service, the source of
	// the pod, node and HorizontalPodAutoscaler rules.
	// Default: DefaultKubeStateMetrics
	KubeStateMetrics ScrapeTarget
	// Kafka, when set, scrapes kafka_exporter and adds the consumer-lag
	// rules (for a cluster whose workloads consume from Kafka).
	// Default: - no Kafka rules
	Kafka *KafkaProps
	// RuleGroups are loaded after DefaultRuleGroups, in the same rule
	// groups namespace (RuleNamespace). Group names must differ from the
	// defaults'.
	// Default: - none
	RuleGroups []RuleGroup
	// IstioAmbient says the cluster runs Istio ambient mode
	// (kube.NewIstioAmbient): the collector then also scrapes the
	// waypoints, the gateways and ztunnel on IstioMetricsPort (whose
	// security group is opened to it on the cluster security group),
	// and IstioRuleGroup is loaded after DefaultRuleGroups. The waypoints'
	// istio_requests_total and istio_request_duration_milliseconds are
	// what Argo Rollouts' canary analyses query (QueryURL).
	// Default: false
	IstioAmbient bool
	// DisableContainerInsights leaves out CloudWatch Container Insights
	// (the amazon-cloudwatch-observability add-on). It is needed for a
	// cluster without EC2 nodes, where the agent cannot run.
	// Default: false
	DisableContainerInsights bool
	// ContainerInsightsVersion is the amazon-cloudwatch-observability
	// add-on version.
	// Default: - the version pinned for the cluster's Kubernetes version (eks.AddonVersion)
	ContainerInsightsVersion string
	// Disposable drops prevent_destroy on the workspace and its KMS key,
	// and shortens the key's deletion window to 7 days.
	// Default: false
	Disposable bool
	// Tags are added to every resource the construct makes.
	// Default: - none
	Tags map[string]string
}

// Metrics is an Amazon Managed Service for Prometheus workspace measuring
// one EKS cluster: the workspace (encrypted with its own key, logging to
// CloudWatch Logs), the managed collector scraping the cluster from its
// private subnets, the rules, the Alertmanager routing alerts to SNS, and
// Container Insights.
type Metrics struct {
	constructs.Construct

	workspace   prometheusworkspace.PrometheusWorkspace
	scraper     prometheusscraper.PrometheusScraper
	key         kmskey.KmsKey
	logs        cloudwatchloggroup.CloudwatchLogGroup
	connections *network.Connections
	rules       []RuleGroup
	addon       eksaddon.EksAddon
	agent       *eks.ServiceAccountRole
	env         awsenv.Env
}

var (
	scrapePortNameRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$`)
	ciVersionRe      = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+-eksbuild\.[0-9]+$`)
)

type metricsSettings struct {
	MetricsProps
	ciVersion string
}

func (p MetricsProps) withDefaults() metricsSettings {
	s := metricsSettings{MetricsProps: p}
	if s.ScrapeIntervalSeconds == 0 {
		s.ScrapeIntervalSeconds = DefaultScrapeIntervalSeconds
	}
	if s.LogRetentionDays == 0 {
		s.LogRetentionDays = observe.DefaultLogRetentionDays
	}
	if s.KubeStateMetrics == (ScrapeTarget{}) {
		s.KubeStateMetrics = defaultKubeStateMetrics
	}
	if s.Kafka != nil {
		k := *s.Kafka
		if k.Exporter == (ScrapeTarget{}) {
			k.Exporter = defaultKafkaExporter
		}
		if k.LagThreshold == 0 {
			k.LagThreshold = DefaultKafkaLagThreshold
		}
		s.Kafka = &k
	}
	s.ciVersion = s.ContainerInsightsVersion
	if s.ciVersion == "" && !eks.IsNil(s.Cluster) {
		s.ciVersion = eks.AddonVersion(s.Cluster.Version(), eks.AddonCloudWatchObservability)
	}
	return s
}

func (s metricsSettings) validate(r *validation.Report) {
	if eks.IsNil(s.Cluster) {
		r.Addf("Cluster", "is nil; give the *eks.Cluster to measure")
	}
	switch {
	case s.AlertTopicARN == "":
		r.Addf("AlertTopicARN", "is empty; give the SNS topic alerts go to (base.AlertTopic, or the ARN of a topic whose key lets aps.amazonaws.com publish)")
	case validation.IsToken(s.AlertTopicARN):
	case !validation.SNSTopicARN(s.AlertTopicARN):
		r.Addf("AlertTopicARN", "%q is not an SNS topic ARN (arn:<partition>:sns:<region>:<account>:<topic>)", s.AlertTopicARN)
	}
	if s.ScrapeIntervalSeconds < DefaultScrapeIntervalSeconds || s.ScrapeIntervalSeconds > 3600 {
		r.Addf("ScrapeIntervalSeconds", "%d is out of range; managed collectors scrape every 30 to 3600 seconds", s.ScrapeIntervalSeconds)
	}
	if !validation.LogRetention(s.LogRetentionDays) {
		r.Addf("LogRetentionDays", "%d is not a CloudWatch Logs retention; use one of %v", s.LogRetentionDays, validation.LogRetentionDays)
	}
	checkScrapeTarget(r, "KubeStateMetrics", s.KubeStateMetrics)
	if s.Kafka != nil {
		checkScrapeTarget(r, "Kafka.Exporter", s.Kafka.Exporter)
		if s.Kafka.LagThreshold < 0 {
			r.Addf("Kafka.LagThreshold", "%d is negative; give the lag in messages above which to alert", s.Kafka.LagThreshold)
		}
	}
	CheckRuleGroups(r, "RuleGroups", append(s.defaultRuleGroups(), s.RuleGroups...))
	if !s.DisableContainerInsights && !eks.IsNil(s.Cluster) {
		switch {
		case !s.Cluster.HasEC2Nodes():
			r.Addf("DisableContainerInsights", "is false but cluster %q has no EC2 nodes (node groups or Auto Mode), where the CloudWatch agent runs; set it to true", *s.Cluster.Node().Path())
		case s.ciVersion == "":
			r.Addf("ContainerInsightsVersion", "is empty and no %s version is pinned for Kubernetes %s; set it to a version from `aws eks describe-addon-versions --kubernetes-version %s --addon-name %s`",
				eks.AddonCloudWatchObservability, s.Cluster.Version(), s.Cluster.Version(), eks.AddonCloudWatchObservability)
		case !validation.IsToken(s.ciVersion) && !ciVersionRe.MatchString(s.ciVersion):
			r.Addf("ContainerInsightsVersion", "%q is not an add-on version such as v4.5.0-eksbuild.1", s.ciVersion)
		}
	}
	for _, k := range ptr.SortedKeys(s.Tags) {
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			r.Addf("Tags", "key %q uses the reserved aws: prefix", k)
		}
	}
}

// defaultRuleGroups are the groups loaded before RuleGroups.
func (s metricsSettings) defaultRuleGroups() []RuleGroup {
	groups := DefaultRuleGroups(s.lagThreshold())
	if s.IstioAmbient {
		groups = append(groups, IstioRuleGroup())
	}
	return groups
}

func (s metricsSettings) lagThreshold() int {
	if s.Kafka == nil {
		return 0
	}
	return s.Kafka.LagThreshold
}

func checkScrapeTarget(r *validation.Report, field string, t ScrapeTarget) {
	if !validation.DNSLabel(t.Namespace) {
		r.Addf(field+".Namespace", "%q is not a namespace name (RFC 1123 label: lowercase letters, digits and '-', at most 63)", t.Namespace)
	}
	if !validation.DNSLabel(t.Service) || (t.Service != "" && t.Service[0] >= '0' && t.Service[0] <= '9') {
		r.Addf(field+".Service", "%q is not a Service name (lowercase letters, digits and '-', starting with a letter, at most 63)", t.Service)
	}
	if !scrapePortNameRe.MatchString(t.PortName) || !strings.ContainsAny(t.PortName, "abcdefghijklmnopqrstuvwxyz") || strings.Contains(t.PortName, "--") {
		r.Addf(field+".PortName", "%q is not a port name (1-15 lowercase letters, digits and '-', with a letter)", t.PortName)
	}
	if t.Port < 1 || t.Port > 65535 {
		r.Addf(field+".Port", "%d is not a TCP port (1-65535)", t.Port)
	}
}

// NewMetrics validates props and creates, under scope (in the cluster's
// stack):
//
//   - the workspace (aws_prometheus_workspace "workspace", alias the
//     cluster's name), encrypted with a customer managed key of its own
//     (aws_kms_key "key", alias alias/prometheus/<stack>-<id>) and logging
//     to a log group with a retention, encrypted with the stack's logs key
//     (aws_cloudwatch_log_group "log-group",
//     /aws/vendedlogs/prometheus/<stack>-<id>);
//   - the managed collector (aws_prometheus_scraper "scraper") in the
//     cluster's private subnets, behind a security group of its own
//     ("scraper-security-group") allowed into the cluster security group
//     on 443 (the API server, and the kubelets and cAdvisor through its
//     node proxy) and on the kube-state-metrics (and kafka_exporter, and
//     with IstioAmbient IstioMetricsPort) port only; its scrape
//     configuration (ScrapeConfigYAML) reads the API server, kubelets,
//     cAdvisor and kube-state-metrics (and Istio's proxies). A workspace with
//     a customer managed key is written to through two roles
//     ("scraper-source-role" assumed by the collector,
//     "scraper-target-role" allowed aps:RemoteWrite on the workspace), as
//     AWS requires;
//   - the rules (aws_prometheus_rule_group_namespace "rules":
//     DefaultRuleGroups, IstioRuleGroup with IstioAmbient, and RuleGroups)
//     and the Alertmanager
//     (aws_prometheus_alert_manager_definition "alertmanager") sending
//     every alert to AlertTopicARN, whose policy it writes
//     (aws_sns_topic_policy "alert-topic-policy") unless
//     ExternalTopicPolicy;
//   - Container Insights: the amazon-cloudwatch-observability add-on
//     ("container-insights"), after the cluster's compute, with an IRSA
//     role for amazon-cloudwatch/cloudwatch-agent ("cloudwatch-agent")
//     holding CloudWatchAgentServerPolicy and AWSXrayWriteOnlyAccess,
//     enhanced observability on and container logs off (the add-ons
//     stack ships those).
//
// Nothing is created when props are invalid: it returns every problem at
// once, joined, each a *validate.FieldError wrapping validate.ErrInvalid.
func NewMetrics(scope constructs.Construct, id string, props MetricsProps) (*Metrics, error) {
	r := validation.ForConstruct("telemetry", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	s := props.withDefaults()
	s.validate(r)
	if !eks.IsNil(s.Cluster) && !inSameStack(scope, s.Cluster) {
		r.Addf("Cluster", "%q is in another stack; create the metrics in the cluster's stack (the scraper and the add-on reference the cluster's resources)", *s.Cluster.Node().Path())
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	env, err := awsenv.Of(scope)
	if err != nil {
		return nil, err
	}
	// Names that must be unique in the account and Region derive from the
	// construct's path in its stack (<stack>-<id>), known at synth time.
	unique := names.FromPathFit(r.StackPath(scope), 128)
	m := &Metrics{env: env}
	constructs.NewConstruct_Override(m, scope, &id)
	c := s.Cluster
	name := c.Name()
	tags := func(extra string) *map[string]*string {
		return ptr.Map(ptr.Merge(s.Tags, map[string]string{"Name": name + "-" + extra}))
	}
	var lifecycle *cdktf.TerraformResourceLifecycle
	if !s.Disposable {
		// The workspace holds the metrics' history.
		lifecycle = &cdktf.TerraformResourceLifecycle{PreventDestroy: ptr.Bool(true)}
	}

	m.key = cmk.New(m, r, env, cmk.Props{
		Description: "Encrypts the Prometheus workspace of EKS cluster " + name,
		Alias:       "alias/prometheus/" + unique,
		Tags:        ptr.Merge(s.Tags, map[string]string{"Name": name + "-prometheus"}),
		Disposable:  s.Disposable,
	})
	logs, err := observe.NewLogGroup(m, "log-group", observe.LogGroupProps{
		// Vended logs: one account-wide delivery policy covers /aws/vendedlogs/.
		Name:          "/aws/vendedlogs/prometheus/" + unique,
		RetentionDays: s.LogRetentionDays,
		Tags:          ptr.Merge(s.Tags, map[string]string{"Name": name + "-prometheus"}),
	})
	if err != nil {
		return nil, err
	}
	m.logs = logs
	m.workspace = prometheusworkspace.NewPrometheusWorkspace(m, ptr.String("workspace"), &prometheusworkspace.PrometheusWorkspaceConfig{
		Alias:     ptr.String(name),
		KmsKeyArn: m.key.Arn(),
		LoggingConfiguration: &prometheusworkspace.PrometheusWorkspaceLoggingConfiguration{
			LogGroupArn: ptr.String(*logs.Arn() + ":*"),
		},
		Tags:      tags("prometheus"),
		Lifecycle: lifecycle,
	})

	m.scrape(r, s, tags)
	m.alerting(r, s)
	if !s.DisableContainerInsights {
		if err := m.containerInsights(s, tags); err != nil {
			return nil, err
		}
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return m, nil
}

// scrape creates the collector, its security group and, for the
// customer managed key, the roles it writes to the workspace through.
func (m *Metrics) scrape(r *validation.Report, s metricsSettings, tags func(string) *map[string]*string) {
	c := s.Cluster
	sg := securitygroup.NewSecurityGroup(m, ptr.String("scraper-security-group"), &securitygroup.SecurityGroupConfig{
		NamePrefix:  ptr.String(c.Name() + "-prometheus-scraper-"),
		Description: ptr.String("Managed Prometheus collector of EKS cluster " + c.Name() + ": out to the cluster's metrics endpoints only"),
		VpcId:       ptr.String(c.VPCID()),
		Tags:        tags("prometheus-scraper"),
		Lifecycle:   &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: ptr.Bool(true)},
	})
	m.connections = network.NewConnections(m, "prometheus-scraper", *sg.Id())
	paths := []struct {
		port int
		why  string
	}{
		{443, "From the Prometheus collector to the Kubernetes API (API server metrics; kubelets and cAdvisor through its node proxy)"},
		{s.KubeStateMetrics.Port, "From the Prometheus collector to kube-state-metrics"},
	}
	if s.Kafka != nil {
		paths = append(paths, struct {
			port int
			why  string
		}{s.Kafka.Exporter.Port, "From the Prometheus collector to kafka_exporter"})
	}
	if s.IstioAmbient {
		paths = append(paths, struct {
			port int
			why  string
		}{IstioMetricsPort, "From the Prometheus collector to Istio's waypoints, gateways and ztunnel (metrics)"})
	}
	for _, p := range paths {
		if _, err := m.connections.AllowTo(c, p.port, p.why); err != nil {
			r.Join(err)
		}
	}

	cfg, err := ScrapeConfigYAML(ScrapeConfig{
		ClusterName:      c.Name(),
		IntervalSeconds:  s.ScrapeIntervalSeconds,
		KubeStateMetrics: s.KubeStateMetrics,
		KafkaExporter:    kafkaExporterTarget(s),
		IstioAmbient:     s.IstioAmbient,
	})
	r.Join(err)

	source, target, deps := m.writerRoles(r, s, tags)
	m.scraper = prometheusscraper.NewPrometheusScraper(m, ptr.String("scraper"), &prometheusscraper.PrometheusScraperConfig{
		Alias:               ptr.String(c.Name()),
		ScrapeConfiguration: ptr.String(cfg),
		Source: []*prometheusscraper.PrometheusScraperSource{{
			Eks: []*prometheusscraper.PrometheusScraperSourceEks{{
				ClusterArn:       ptr.String(c.ARN()),
				SubnetIds:        ptr.Strings(c.SubnetIDs()),
				SecurityGroupIds: ptr.Strings([]string{*sg.Id()}),
			}},
		}},
		Destination: []*prometheusscraper.PrometheusScraperDestination{{
			Amp: []*prometheusscraper.PrometheusScraperDestinationAmp{{WorkspaceArn: m.workspace.Arn()}},
		}},
		Tags:      tags("prometheus-scraper"),
		DependsOn: &deps,
	})
	// role_configuration (provider 5.100.0) is newer than the binding.
	m.scraper.AddOverride(ptr.String("role_configuration"), map[string]any{
		"source_role_arn": source,
		"target_role_arn": target,
	})
}

func kafkaExporterTarget(s metricsSettings) *ScrapeTarget {
	if s.Kafka == nil {
		return nil
	}
	t := s.Kafka.Exporter
	return &t
}

// writerRoles creates the roles a collector writes to a workspace with a
// customer managed key through: the source role, which the collector
// assumes, and the target role, which the source role assumes and which
// may write to the workspace. The collector's ARN is not known before it
// exists, so the trust policies admit the account's collectors in the
// Region (aws:SourceArn, sts:ExternalId) rather than this one.
func (m *Metrics) writerRoles(r *validation.Report, s metricsSettings, tags func(string) *map[string]*string) (source, target string, deps []cdktf.ITerraformDependable) {
	env := m.env
	scrapers := "arn:" + env.Partition + ":aps:" + env.Region + ":" + env.Account + ":scraper/*"
	src := iamrole.NewIamRole(m, ptr.String("scraper-source-role"), &iamrole.IamRoleConfig{
		NamePrefix:  ptr.String("amp-scraper-source-"),
		Description: ptr.String("Assumed by the Prometheus collector of EKS cluster " + s.Cluster.Name() + " to reach its workspace's writer role"),
		AssumeRolePolicy: ptr.String(r.Doc(iamdoc.ServiceTrust([]string{"scraper.aps.amazonaws.com"}, []string{"sts:AssumeRole"}, map[string]map[string]any{
			"StringEquals": {"aws:SourceAccount": env.Account},
			"ArnLike":      {"aws:SourceArn": scrapers},
		}))),
		Tags: tags("prometheus-scraper-source"),
	})
	tgt := iamrole.NewIamRole(m, ptr.String("scraper-target-role"), &iamrole.IamRoleConfig{
		NamePrefix:  ptr.String("amp-scraper-target-"),
		Description: ptr.String("Writes the metrics of EKS cluster " + s.Cluster.Name() + " to its Prometheus workspace"),
		AssumeRolePolicy: ptr.String(r.Doc(iamdoc.Document(iamdoc.Statement{
			Effect:    "Allow",
			Principal: map[string]any{"AWS": *src.Arn()},
			Actions:   []string{"sts:AssumeRole"},
			Condition: map[string]map[string]any{"StringLike": {"sts:ExternalId": scrapers}},
		}))),
		Tags: tags("prometheus-scraper-target"),
	})
	assume := iamrolepolicy.NewIamRolePolicy(m, ptr.String("scraper-source-role-assume"), &iamrolepolicy.IamRolePolicyConfig{
		Name:   ptr.String("assume-target"),
		Role:   src.Id(),
		Policy: ptr.String(r.Doc(iamdoc.Document(iamdoc.Allow("AssumeWriterRole", []string{"sts:AssumeRole"}, *tgt.Arn())))),
	})
	useKey := iamdoc.Allow("UseWorkspaceKey", []string{"kms:Decrypt", "kms:GenerateDataKey"}, *m.key.Arn())
	useKey.Condition = map[string]map[string]any{"StringEquals": {"kms:ViaService": "aps." + env.Region + ".amazonaws.com"}}
	write := iamrolepolicy.NewIamRolePolicy(m, ptr.String("scraper-target-role-write"), &iamrolepolicy.IamRolePolicyConfig{
		Name: ptr.String("remote-write"),
		Role: tgt.Id(),
		Policy: ptr.String(r.Doc(iamdoc.Document(
			iamdoc.Allow("RemoteWrite", []string{"aps:RemoteWrite"}, *m.workspace.Arn()),
			useKey,
		))),
	})
	return *src.Arn(), *tgt.Arn(), []cdktf.ITerraformDependable{assume, write}
}

// alerting creates the rules, the Alertmanager and the topic policy.
func (m *Metrics) alerting(r *validation.Report, s metricsSettings) {
	m.rules = append(s.defaultRuleGroups(), s.RuleGroups...)
	data, err := marshalYAML(promRuleFile{Groups: m.rules})
	r.Join(err)
	prometheusrulegroupnamespace.NewPrometheusRuleGroupNamespace(m, ptr.String("rules"), &prometheusrulegroupnamespace.PrometheusRuleGroupNamespaceConfig{
		Name:        ptr.String(RuleNamespace),
		WorkspaceId: m.workspace.Id(),
		Data:        ptr.String(data),
	})
	def, err := AlertmanagerYAML(s.AlertTopicARN, m.env.Region)
	r.Join(err)
	prometheusalertmanagerdefinition.NewPrometheusAlertManagerDefinition(m, ptr.String("alertmanager"), &prometheusalertmanagerdefinition.PrometheusAlertManagerDefinitionConfig{
		WorkspaceId: m.workspace.Id(),
		Definition:  ptr.String(def),
	})
	if s.ExternalTopicPolicy {
		return
	}
	account := m.env.Account
	admin := iamdoc.Statement{
		Sid: "AccountAdministersTopic", Effect: "Allow",
		Principal: map[string]any{"AWS": iamdoc.AccountRoot(m.env.Partition, account)},
		Actions: []string{"SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission",
			"SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"},
		Resources: []string{s.AlertTopicARN},
	}
	alarms := iamdoc.Statement{
		Sid: "CloudWatchAlarmsPublish", Effect: "Allow",
		Principal: map[string]any{"Service": "cloudwatch.amazonaws.com"},
		Actions:   []string{"SNS:Publish"}, Resources: []string{s.AlertTopicARN},
		Condition: map[string]map[string]any{"StringEquals": {"aws:SourceAccount": account}},
	}
	snstopicpolicy.NewSnsTopicPolicy(m, ptr.String("alert-topic-policy"), &snstopicpolicy.SnsTopicPolicyConfig{
		Arn:    ptr.String(s.AlertTopicARN),
		Policy: ptr.String(r.Doc(iamdoc.Document(admin, alarms, m.topicStatement(s.AlertTopicARN)))),
	})
}

// TopicPolicyStatement returns the statement the alert topic's policy needs
// for the workspace's Alertmanager to publish to it (with
// ExternalTopicPolicy, add it to that policy).
func (m *Metrics) TopicPolicyStatement(topicARN string) iamdoc.Statement {
	return m.topicStatement(topicARN)
}

func (m *Metrics) topicStatement(topicARN string) iamdoc.Statement {
	return iamdoc.Statement{
		Sid: "PrometheusAlertmanagerPublish", Effect: "Allow",
		Principal: map[string]any{"Service": "aps.amazonaws.com"},
		Actions:   []string{"SNS:Publish", "SNS:GetTopicAttributes"}, Resources: []string{topicARN},
		Condition: map[string]map[string]any{
			"ArnEquals":    {"aws:SourceArn": *m.workspace.Arn()},
			"StringEquals": {"aws:SourceAccount": m.env.Account},
		},
	}
}

// containerInsights installs the amazon-cloudwatch-observability add-on
// with its IRSA role.
func (m *Metrics) containerInsights(s metricsSettings, tags func(string) *map[string]*string) error {
	c := s.Cluster
	policy := func(name string) string { return "arn:" + m.env.Partition + ":iam::aws:policy/" + name }
	agent, err := eks.NewServiceAccountRole(m, "cloudwatch-agent", eks.ServiceAccountRoleProps{
		Cluster:           c,
		Namespace:         ContainerInsightsNamespace,
		ServiceAccount:    ContainerInsightsServiceAccount,
		ManagedPolicyARNs: []string{policy("CloudWatchAgentServerPolicy"), policy("AWSXrayWriteOnlyAccess")},
		Description:       "CloudWatch agent (Container Insights) of EKS cluster " + c.Name(),
		Tags:              s.Tags,
	})
	if err != nil {
		return err
	}
	m.agent = agent
	config, err := json.Marshal(containerInsightsConfig())
	if err != nil {
		return fmt.Errorf("telemetry: encoding the Container Insights configuration: %w", err)
	}
	// The agent's pods start with the role's policies attached, and once
	// nodes have joined (the add-on stays Degraded until they can run).
	deps := c.ComputeResources()
	for _, child := range *agent.Node().Children() {
		if d, ok := child.(cdktf.ITerraformDependable); ok {
			deps = append(deps, d)
		}
	}
	m.addon = eksaddon.NewEksAddon(m, ptr.String("container-insights"), &eksaddon.EksAddonConfig{
		ClusterName:              ptr.String(c.Name()),
		AddonName:                ptr.String(eks.AddonCloudWatchObservability),
		AddonVersion:             ptr.String(s.ciVersion),
		ServiceAccountRoleArn:    ptr.String(agent.RoleARN()),
		ConfigurationValues:      ptr.String(string(config)),
		ResolveConflictsOnCreate: ptr.String("OVERWRITE"),
		ResolveConflictsOnUpdate: ptr.String("PRESERVE"),
		Tags:                     tags("container-insights"),
		DependsOn:                &deps,
	})
	return nil
}

// containerInsightsConfig is the add-on's configuration: the agent's
// default configuration written out (so that enhanced observability stays
// on whatever a later add-on version defaults to), and container logs off.
func containerInsightsConfig() map[string]any {
	return map[string]any{
		"agent": map[string]any{"config": map[string]any{
			"logs": map[string]any{"metrics_collected": map[string]any{
				"kubernetes":          map[string]any{"enhanced_container_insights": true},
				"application_signals": map[string]any{},
			}},
			"traces": map[string]any{"traces_collected": map[string]any{"application_signals": map[string]any{}}},
		}},
		// The add-ons stack ships container logs (Fluent Bit, a log group
		// per namespace); the add-on's own Fluent Bit would ship them twice.
		"containerLogs": map[string]any{"enabled": false},
	}
}

func inSameStack(a, b constructs.IConstruct) bool {
	return cdktf.TerraformStack_Of(a) == cdktf.TerraformStack_Of(b)
}

// WorkspaceARN returns the workspace's ARN (a token).
func (m *Metrics) WorkspaceARN() string { return *m.workspace.Arn() }

// WorkspaceID returns the workspace's id (a token).
func (m *Metrics) WorkspaceID() string { return *m.workspace.Id() }

// PrometheusEndpoint returns the workspace's Prometheus-compatible endpoint
// (a token, ending in "/"): queries go to <endpoint>api/v1/query, remote
// writes to <endpoint>api/v1/remote_write, signed with SigV4.
func (m *Metrics) PrometheusEndpoint() string { return *m.workspace.PrometheusEndpoint() }

// QueryURL returns the address Prometheus clients that sign with SigV4
// query the workspace at (a token): the workspace's Prometheus endpoint,
// https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>/, to
// which the client appends api/v1/query. It is the address of an Argo
// Rollouts AnalysisTemplate's Prometheus provider (with
// authentication.sigv4.region the workspace's Region); that client drops
// the trailing "/" before appending the API path. The caller's role needs
// QueryPolicyStatements.
func (m *Metrics) QueryURL() string { return *m.workspace.PrometheusEndpoint() }

// QueryPolicyStatements returns the statements a role needs to query the
// workspace through QueryURL, such as the IRSA role of the Argo Rollouts
// controller: aps:QueryMetrics, aps:GetSeries, aps:GetLabels and
// aps:GetMetricMetadata on the workspace (Sid QueryPrometheusWorkspace),
// and the use of its key through the service, kms:Decrypt and
// kms:DescribeKey with kms:ViaService aps.<region>.amazonaws.com (Sid
// DecryptPrometheusWorkspace).
func (m *Metrics) QueryPolicyStatements() []iamdoc.Statement {
	query := iamdoc.Allow("QueryPrometheusWorkspace",
		[]string{"aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"}, *m.workspace.Arn())
	decrypt := iamdoc.Allow("DecryptPrometheusWorkspace", []string{"kms:Decrypt", "kms:DescribeKey"}, *m.key.Arn())
	decrypt.Condition = map[string]map[string]any{"StringEquals": {"kms:ViaService": "aps." + m.env.Region + ".amazonaws.com"}}
	return []iamdoc.Statement{query, decrypt}
}

// KMSKeyARN returns the ARN of the key that encrypts the workspace.
func (m *Metrics) KMSKeyARN() string { return *m.key.Arn() }

// LogGroupName returns the name of the workspace's log group (a token).
func (m *Metrics) LogGroupName() string { return *m.logs.Name() }

// ScraperRoleARN returns the ARN of the role AWS gives the collector (a
// token): the principal of its EKS access entry.
func (m *Metrics) ScraperRoleARN() string { return *m.scraper.RoleArn() }

// Connections returns the collector's security group, so that more
// targets can be opened to it: cluster.Connections().AllowFrom(metrics,
// 9100, why) for a node exporter scraped by a job of your own.
func (m *Metrics) Connections() *network.Connections { return m.connections }

// RuleGroups returns the rule groups loaded into the workspace.
func (m *Metrics) RuleGroups() []RuleGroup { return append([]RuleGroup(nil), m.rules...) }

// AgentRole returns the CloudWatch agent's IRSA role, or nil without
// Container Insights.
func (m *Metrics) AgentRole() *eks.ServiceAccountRole { return m.agent }

// ContainerInsights returns the amazon-cloudwatch-observability add-on, or
// nil without it.
func (m *Metrics) ContainerInsights() eksaddon.EksAddon { return m.addon }

// Workspace returns the aws_prometheus_workspace, as an escape hatch.
func (m *Metrics) Workspace() prometheusworkspace.PrometheusWorkspace { return m.workspace }

// Scraper returns the aws_prometheus_scraper, as an escape hatch.
func (m *Metrics) Scraper() prometheusscraper.PrometheusScraper { return m.scraper }

// ScrapeConfig describes the collector's scrape configuration.
type ScrapeConfig struct {
	// ClusterName is put on every series as the external label "cluster"
	// (a token is fine).
	ClusterName string
	// IntervalSeconds is the scrape interval.
	IntervalSeconds int
	// KubeStateMetrics is the kube-state-metrics Service.
	KubeStateMetrics ScrapeTarget
	// KafkaExporter, when not nil, is the kafka_exporter Service.
	KafkaExporter *ScrapeTarget
	// IstioAmbient adds the jobs of Istio ambient mode: istio-waypoints,
	// istio-gateways and istio-ztunnel.
	IstioAmbient bool
}

// The Prometheus configuration a managed collector accepts: global
// settings, scrape_configs with kubernetes_sd_configs, relabel_configs and
// metric_relabel_configs.
type (
	promConfig struct {
		Global        promGlobal      `yaml:"global"`
		ScrapeConfigs []promScrapeJob `yaml:"scrape_configs"`
	}
	promGlobal struct {
		ScrapeInterval string            `yaml:"scrape_interval"`
		ExternalLabels map[string]string `yaml:"external_labels,omitempty"`
	}
	promScrapeJob struct {
		JobName             string             `yaml:"job_name"`
		Scheme              string             `yaml:"scheme,omitempty"`
		MetricsPath         string             `yaml:"metrics_path,omitempty"`
		Authorization       *promAuthorization `yaml:"authorization,omitempty"`
		KubernetesSDConfigs []promKubernetesSD `yaml:"kubernetes_sd_configs"`
		RelabelConfigs      []promRelabel      `yaml:"relabel_configs,omitempty"`
	}
	promAuthorization struct {
		Type            string `yaml:"type"`
		CredentialsFile string `yaml:"credentials_file"`
	}
	promKubernetesSD struct {
		Role string `yaml:"role"`
	}
	promRelabel struct {
		SourceLabels []string `yaml:"source_labels,flow,omitempty"`
		Separator    string   `yaml:"separator,omitempty"`
		Regex        string   `yaml:"regex,omitempty"`
		TargetLabel  string   `yaml:"target_label,omitempty"`
		Replacement  string   `yaml:"replacement,omitempty"`
		Action       string   `yaml:"action,omitempty"`
	}
)

// serviceAccountToken is the only credential a managed collector takes: it
// stands for the collector's own identity (its EKS access entry).
var scraperToken = &promAuthorization{Type: "Bearer", CredentialsFile: "/var/run/secrets/kubernetes.io/serviceaccount/token"}

// ScrapeConfigYAML renders the collector's Prometheus configuration, in
// the shape of the sample AWS documents for managed collectors:
//
//   - kubernetes-apiservers: the API server (endpoints of
//     default/kubernetes, port https), with the collector's token;
//   - kubelet and cadvisor: every node's kubelet, through the API server's
//     node proxy (https://kubernetes.default.svc/api/v1/nodes/<node>/proxy/metrics
//     and .../metrics/cadvisor), the only host name a managed collector
//     resolves, so the collector needs no path to the nodes' port 10250;
//   - kube-state-metrics: the endpoints of the kube-state-metrics
//     Service's port, over HTTP;
//   - kafka-exporter, with KafkaExporter: the same for kafka_exporter;
//   - istio-waypoints, istio-gateways and istio-ztunnel, with
//     IstioAmbient: the pods of Istio's waypoints, gateways and ztunnel
//     (role pod), on their IP and IstioMetricsPort, path
//     IstioMetricsPath, with the target labels namespace and pod (and
//     gateway, or node for ztunnel).
//
// The kubelet and cAdvisor series get a "node" label. The exporters' jobs
// add no target labels: their series carry "namespace" and "pod" labels of
// their own (the objects they describe), which a target label would rename.
func ScrapeConfigYAML(c ScrapeConfig) (string, error) {
	interval := c.IntervalSeconds
	if interval == 0 {
		interval = DefaultScrapeIntervalSeconds
	}
	keepAPIServer := promRelabel{
		SourceLabels: []string{"__meta_kubernetes_namespace", "__meta_kubernetes_service_name", "__meta_kubernetes_endpoint_port_name"},
		Regex:        "default;kubernetes;https", Action: "keep",
	}
	nodeProxy := func(job, path string) promScrapeJob {
		return promScrapeJob{
			JobName: job, Scheme: "https", Authorization: scraperToken,
			KubernetesSDConfigs: []promKubernetesSD{{Role: "node"}},
			RelabelConfigs: []promRelabel{
				{SourceLabels: []string{"__meta_kubernetes_node_name"}, TargetLabel: "node"},
				{TargetLabel: "__address__", Replacement: "kubernetes.default.svc:443"},
				{SourceLabels: []string{"__meta_kubernetes_node_name"}, Regex: "(.+)", TargetLabel: "__metrics_path__", Replacement: "/api/v1/nodes/$1/proxy" + path},
			},
		}
	}
	service := func(job string, t ScrapeTarget) promScrapeJob {
		return promScrapeJob{
			JobName: job, Scheme: "http",
			KubernetesSDConfigs: []promKubernetesSD{{Role: "endpoints"}},
			RelabelConfigs: []promRelabel{
				{
					SourceLabels: []string{"__meta_kubernetes_namespace", "__meta_kubernetes_service_name", "__meta_kubernetes_endpoint_port_name"},
					Regex:        t.Namespace + ";" + t.Service + ";" + t.PortName, Action: "keep",
				},
			},
		}
	}
	cfg := promConfig{
		Global: promGlobal{ScrapeInterval: fmt.Sprintf("%ds", interval), ExternalLabels: map[string]string{"cluster": c.ClusterName}},
		ScrapeConfigs: []promScrapeJob{
			{
				JobName: "kubernetes-apiservers", Scheme: "https", Authorization: scraperToken,
				KubernetesSDConfigs: []promKubernetesSD{{Role: "endpoints"}},
				RelabelConfigs:      []promRelabel{keepAPIServer},
			},
			nodeProxy("kubelet", "/metrics"),
			nodeProxy("cadvisor", "/metrics/cadvisor"),
			service("kube-state-metrics", c.KubeStateMetrics),
		},
	}
	if c.ClusterName == "" {
		cfg.Global.ExternalLabels = nil
	}
	if c.KafkaExporter != nil {
		cfg.ScrapeConfigs = append(cfg.ScrapeConfigs, service("kafka-exporter", *c.KafkaExporter))
	}
	if c.IstioAmbient {
		cfg.ScrapeConfigs = append(cfg.ScrapeConfigs, istioScrapeJobs()...)
	}
	return marshalYAML(cfg)
}

// The Alertmanager definition of a workspace: the Alertmanager
// configuration as a string under alertmanager_config.
type (
	alertmanagerDefinition struct {
		AlertmanagerConfig string `yaml:"alertmanager_config"`
	}
	alertmanagerConfig struct {
		Route     amRoute      `yaml:"route"`
		Receivers []amReceiver `yaml:"receivers"`
	}
	amRoute struct {
		Receiver       string   `yaml:"receiver"`
		GroupBy        []string `yaml:"group_by,flow"`
		GroupWait      string   `yaml:"group_wait"`
		GroupInterval  string   `yaml:"group_interval"`
		RepeatInterval string   `yaml:"repeat_interval"`
	}
	amReceiver struct {
		Name       string  `yaml:"name"`
		SNSConfigs []amSNS `yaml:"sns_configs"`
	}
	amSNS struct {
		TopicARN string  `yaml:"topic_arn"`
		SigV4    amSigV4 `yaml:"sigv4"`
	}
	amSigV4 struct {
		Region string `yaml:"region"`
	}
)

// AlertmanagerReceiver is the name of the receiver every alert goes to.
const AlertmanagerReceiver = "sns"

// AlertmanagerYAML renders a workspace's Alertmanager definition routing
// every alert to the SNS topic topicARN in region (tokens are fine),
// grouped by alert name and namespace, repeated every 4 hours while it
// fires. The messages use Alertmanager's default SNS templates.
func AlertmanagerYAML(topicARN, region string) (string, error) {
	if topicARN == "" || region == "" {
		return "", fmt.Errorf("telemetry: AlertmanagerYAML needs a topic ARN and a Region")
	}
	inner, err := marshalYAML(alertmanagerConfig{
		Route: amRoute{
			Receiver: AlertmanagerReceiver, GroupBy: []string{"alertname", "namespace"},
			GroupWait: "30s", GroupInterval: "5m", RepeatInterval: "4h",
		},
		Receivers: []amReceiver{{Name: AlertmanagerReceiver, SNSConfigs: []amSNS{{TopicARN: topicARN, SigV4: amSigV4{Region: region}}}}},
	})
	if err != nil {
		return "", err
	}
	return marshalYAML(alertmanagerDefinition{AlertmanagerConfig: inner})
}
