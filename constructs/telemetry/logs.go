package telemetry

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/clusterrolebindingv1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/clusterrolev1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/configmapv1"
	ds "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/daemonsetv1"
	np "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/networkpolicyv1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/serviceaccountv1"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

// LogGroupLabel is the namespace label that picks the log group of the
// namespace's container logs: a namespace labelled
// logs.hybridstack.io/group=<group> sends them to LogGroupName(cluster,
// group), which must exist (Fluent Bit may not create log groups). Only
// whoever may label namespaces (the platform, not a tenant) chooses it: a
// pod's own labels and annotations never route its logs.
const LogGroupLabel = "logs.hybridstack.io/group"

// PlatformLogGroup is the group of the namespaces that have neither a
// group of their own (CollectorsProps.Namespaces) nor a LogGroupLabel:
// /hybridstack/<cluster>/platform.
const PlatformLogGroup = "platform"

// FluentBitServiceAccount is the service account Fluent Bit runs as, in
// LoggingNamespace; its IRSA role may write to the cluster's log groups.
const FluentBitServiceAccount = "fluent-bit"

// LogGroupPrefix returns the prefix of every log group of cluster's
// container logs: "/hybridstack/<cluster>/". Fluent Bit may write to the
// groups under it and no other.
func LogGroupPrefix(cluster string) string { return "/hybridstack/" + cluster + "/" }

// LogGroupName returns the name of the log group that the namespaces
// labelled LogGroupLabel=group send their container logs to:
// "/hybridstack/<cluster>/<group>". cluster may be a token
// (eks.Cluster.Name()).
func LogGroupName(cluster, group string) string { return LogGroupPrefix(cluster) + group }

// NamespaceLogGroupName returns the log group of a namespace that is
// labelled with NamespaceLogLabels(namespace), or is one of
// CollectorsProps.Namespaces: "/hybridstack/<cluster>/<namespace>". The
// stack that makes such a namespace makes its group, with a retention and
// a KMS key:
//
//	observe.NewLogGroup(stack, "orders-logs", observe.LogGroupProps{
//		Name: telemetry.NamespaceLogGroupName(cluster.Name(), "orders"),
//	})
func NamespaceLogGroupName(cluster, namespace string) string { return LogGroupName(cluster, namespace) }

// NamespaceLogLabels returns the namespace labels that send a namespace's
// container logs to LogGroupName(cluster, group): merge them into
// kube.NamespaceProps.Labels. group is a label value (at most 63 letters,
// digits, '-', '_' or '.'), usually the namespace's name.
func NamespaceLogLabels(group string) map[string]string {
	return map[string]string{LogGroupLabel: group}
}

// The paths of Fluent Bit's host volumes.
const (
	// hostLogs holds every container's log files (/var/log/containers
	// links into /var/log/pods), mounted read-only.
	hostLogs = "/var/log"
	// hostState keeps Fluent Bit's position in each file (its tail
	// database) across restarts, so that a restart neither loses nor
	// repeats lines.
	hostState = "/var/fluent-bit/state"
	// fluentBitConfigDir is where the ConfigMap is mounted.
	fluentBitConfigDir = "/fluent-bit/config"
	// fluentBitPort serves Fluent Bit's HTTP endpoint (health, metrics).
	fluentBitPort = 2020
)

// fluentSection is one section of Fluent Bit's classic configuration.
type fluentSection struct {
	// comment is written above the section.
	comment string
	// kind is SERVICE, INPUT, FILTER or OUTPUT.
	kind string
	// entries are key and value pairs, in order.
	entries [][2]string
}

// renderFluentBit writes sections in Fluent Bit's classic format, keys
// aligned within each section.
func renderFluentBit(sections []fluentSection) string {
	var b strings.Builder
	for i, s := range sections {
		if i > 0 {
			b.WriteString("\n")
		}
		if s.comment != "" {
			for _, line := range strings.Split(s.comment, "\n") {
				b.WriteString("# " + line + "\n")
			}
		}
		b.WriteString("[" + s.kind + "]\n")
		width := 0
		for _, e := range s.entries {
			width = max(width, len(e[0]))
		}
		for _, e := range s.entries {
			fmt.Fprintf(&b, "    %-*s %s\n", width, e[0], e[1])
		}
	}
	return b.String()
}

// tagNamespace matches the tag of a container log file
// (kube.var.log.containers.<pod>_<namespace>_<container>-<id>.log) up to
// its namespace; names never hold '_'.
const tagNamespace = `^kube\.var\.log\.containers\.[^_]+_`

// fluentBitConfig is Fluent Bit's configuration for cluster (a name or a
// token) in region: every container log file of the node, enriched with
// its pod's and namespace's metadata, to CloudWatch Logs. The namespaces
// listed write to their own groups; every other namespace to the group its
// LogGroupLabel names, or else to the platform group. Log groups are never
// created (auto_create_group false): Terraform makes each with a retention
// and a KMS key, and the role may not create them.
func fluentBitConfig(cluster, region string, namespaces []string) string {
	sorted := append([]string(nil), namespaces...)
	sort.Strings(sorted)
	quoted := make([]string, len(sorted))
	for i, n := range sorted {
		quoted[i] = regexp.QuoteMeta(n)
	}
	known := "(?:" + strings.Join(quoted, "|") + ")_"
	output := func(comment, match, template string) fluentSection {
		return fluentSection{comment: comment, kind: "OUTPUT", entries: [][2]string{
			{"Name", "cloudwatch_logs"},
			{"Match_Regex", match},
			{"region", region},
			// Where a record goes when the template cannot be resolved
			// (no metadata, no label).
			{"log_group_name", LogGroupName(cluster, PlatformLogGroup)},
			{"log_group_template", template},
			// One stream per pod and container; when the template fails,
			// the prefix and the file's tag, which holds the pod's name.
			{"log_stream_prefix", "pod."},
			{"log_stream_template", "$kubernetes['pod_name'].$kubernetes['container_name']"},
			{"auto_create_group", "false"},
			{"workers", "1"},
		}}
	}
	return renderFluentBit([]fluentSection{
		{comment: "Rendered by hybridstack (telemetry.NewCollectors); edit the construct, not this file.", kind: "SERVICE", entries: [][2]string{
			{"Flush", "5"},
			{"Daemon", "off"},
			{"Log_Level", "info"},
			{"HTTP_Server", "on"},
			{"HTTP_Listen", "0.0.0.0"},
			{"HTTP_Port", fmt.Sprint(fluentBitPort)},
		}},
		{comment: "Every container's log file on the node, read from where the last run stopped.", kind: "INPUT", entries: [][2]string{
			{"Name", "tail"},
			{"Tag", "kube.*"},
			{"Path", hostLogs + "/containers/*.log"},
			{"multiline.parser", "cri, docker"},
			{"DB", hostState + "/tail-containers.db"},
			{"DB.locking", "true"},
			{"Mem_Buf_Limit", "50MB"},
			{"Skip_Long_Lines", "on"},
			{"Refresh_Interval", "10"},
		}},
		{comment: "Pod and namespace metadata from the API server; pods cannot\nchange their parser or exclude their logs through annotations.", kind: "FILTER", entries: [][2]string{
			{"Name", "kubernetes"},
			{"Match", "kube.*"},
			{"Kube_URL", "https://kubernetes.default.svc:443"},
			{"Kube_Tag_Prefix", "kube.var.log.containers."},
			{"Merge_Log", "on"},
			{"Keep_Log", "off"},
			{"Labels", "on"},
			{"Annotations", "off"},
			// The namespace's labels under $kubernetes_namespace['labels'].
			{"namespace_labels", "on"},
			{"K8S-Logging.Parser", "off"},
			{"K8S-Logging.Exclude", "off"},
			// No limit: a pod whose metadata outgrows the buffer would lose
			// its namespace's label and go to the platform group.
			{"Buffer_Size", "0"},
		}},
		output("The stack's own namespaces, each to its group.",
			tagNamespace+known,
			LogGroupPrefix(cluster)+"$kubernetes['namespace_name']"),
		output("Every other namespace to the group its "+LogGroupLabel+" label names.",
			tagNamespace+"(?!"+known+")",
			LogGroupPrefix(cluster)+"$kubernetes_namespace['labels']['"+LogGroupLabel+"']"),
	})
}

// fluentBitPolicy lets Fluent Bit write to the existing log groups of the
// cluster, and nothing else: no logs:CreateLogGroup (Terraform makes every
// group, with a retention and a KMS key).
func fluentBitPolicy(env awsenv.Env, cluster, region string) (string, error) {
	groups := "arn:" + env.Partition + ":logs:" + region + ":" + env.Account + ":log-group:" + LogGroupPrefix(cluster) + "*:*"
	return iamdoc.Document(iamdoc.Allow("WriteClusterLogGroups",
		[]string{"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"}, groups))
}

// logs creates the log groups and Fluent Bit: its IRSA role, RBAC,
// configuration, DaemonSet and NetworkPolicy.
func (c *Collectors) logs(p CollectorsProps, env awsenv.Env) error {
	var groups []cdktf.ITerraformDependable
	group := func(id, name, namespace string) error {
		g, err := observe.NewLogGroup(c, id, observe.LogGroupProps{
			Name:          LogGroupName(c.cluster, name),
			RetentionDays: p.LogRetentionDays,
			Tags:          map[string]string{"hybridstack.io/log-group": name},
		})
		if err != nil {
			return err
		}
		c.logGroups[namespace] = g
		groups = append(groups, g)
		return nil
	}
	if err := group("platform-log-group", PlatformLogGroup, PlatformLogGroup); err != nil {
		return err
	}
	for _, ns := range p.Namespaces {
		if err := group("log-group-"+ns, ns, ns); err != nil {
			return err
		}
	}

	doc, err := fluentBitPolicy(env, c.cluster, p.Region)
	if err != nil {
		return err
	}
	c.fluentBitRole, err = eks.NewServiceAccountRole(c, "fluent-bit-role", eks.ServiceAccountRoleProps{
		Cluster: p.Cluster, Namespace: LoggingNamespace, ServiceAccount: FluentBitServiceAccount,
		PolicyDocument: doc,
		Description:    "IRSA role of Fluent Bit: writes container logs to the cluster's existing log groups",
	})
	if err != nil {
		return err
	}
	const name = "fluent-bit"
	labels := objectLabels(name)
	selector := map[string]string{"app.kubernetes.io/name": name}
	ns := c.logging.Name()
	sa := serviceaccountv1.NewServiceAccountV1(c, ptr.String("fluent-bit-service-account"), &serviceaccountv1.ServiceAccountV1Config{
		Metadata: &serviceaccountv1.ServiceAccountV1Metadata{
			Name: ptr.String(FluentBitServiceAccount), Namespace: ptr.String(ns), Labels: ptr.Map(labels),
			Annotations: ptr.Map(c.fluentBitRole.Annotations()),
		},
		// The kubernetes filter reads pod and namespace metadata from the
		// API server with this token.
		AutomountServiceAccountToken: true,
	})
	role := clusterrolev1.NewClusterRoleV1(c, ptr.String("fluent-bit-cluster-role"), &clusterrolev1.ClusterRoleV1Config{
		Metadata: &clusterrolev1.ClusterRoleV1Metadata{Name: ptr.String("hybridstack-fluent-bit"), Labels: ptr.Map(labels)},
		Rule: []*clusterrolev1.ClusterRoleV1Rule{{
			ApiGroups: ptr.Strings([]string{""}), Resources: ptr.Strings([]string{"namespaces", "pods"}),
			Verbs: ptr.Strings([]string{"get", "list", "watch"}),
		}},
	})
	clusterrolebindingv1.NewClusterRoleBindingV1(c, ptr.String("fluent-bit-cluster-role-binding"), &clusterrolebindingv1.ClusterRoleBindingV1Config{
		Metadata: &clusterrolebindingv1.ClusterRoleBindingV1Metadata{Name: ptr.String("hybridstack-fluent-bit"), Labels: ptr.Map(labels)},
		RoleRef:  &clusterrolebindingv1.ClusterRoleBindingV1RoleRef{ApiGroup: ptr.String("rbac.authorization.k8s.io"), Kind: ptr.String("ClusterRole"), Name: role.Metadata().Name()},
		Subject:  []*clusterrolebindingv1.ClusterRoleBindingV1Subject{{Kind: ptr.String("ServiceAccount"), Name: sa.Metadata().Name(), Namespace: ptr.String(ns)}},
	})
	config := fluentBitConfig(c.cluster, p.Region, p.Namespaces)
	cm := configmapv1.NewConfigMapV1(c, ptr.String("fluent-bit-config"), &configmapv1.ConfigMapV1Config{
		Metadata: &configmapv1.ConfigMapV1Metadata{Name: ptr.String("fluent-bit-config"), Namespace: ptr.String(ns), Labels: ptr.Map(labels)},
		Data:     ptr.Map(map[string]string{"fluent-bit.conf": config}),
	})
	ds.NewDaemonSetV1(c, ptr.String("fluent-bit"), &ds.DaemonSetV1Config{
		Metadata: &ds.DaemonSetV1Metadata{Name: ptr.String(name), Namespace: ptr.String(ns), Labels: ptr.Map(labels)},
		Spec: &ds.DaemonSetV1Spec{
			Selector:             &ds.DaemonSetV1SpecSelector{MatchLabels: ptr.Map(selector)},
			RevisionHistoryLimit: ptr.Number(5),
			Strategy: &ds.DaemonSetV1SpecStrategy{
				Type:          ptr.String("RollingUpdate"),
				RollingUpdate: &ds.DaemonSetV1SpecStrategyRollingUpdate{MaxUnavailable: ptr.String("1")},
			},
			Template: &ds.DaemonSetV1SpecTemplate{
				Metadata: &ds.DaemonSetV1SpecTemplateMetadata{
					Labels: ptr.Map(labels),
					// A new configuration rolls the pods.
					Annotations: ptr.Map(map[string]string{"hybridstack.io/config-sha256": configHash(config)}),
				},
				Spec: fluentBitPod(p.Images.FluentBit, sa.Metadata().Name(), cm.Metadata().Name()),
			},
		},
		// Records sent before a group exists would be dropped.
		DependsOn: &groups,
	})
	// Nothing connects to Fluent Bit: every inbound connection is refused
	// (the node's kubelet still probes it; NetworkPolicy implementations
	// admit the pod's own node).
	np.NewNetworkPolicyV1(c, ptr.String("fluent-bit-network-policy"), &np.NetworkPolicyV1Config{
		Metadata: &np.NetworkPolicyV1Metadata{Name: ptr.String(name), Namespace: ptr.String(ns), Labels: ptr.Map(labels)},
		Spec: &np.NetworkPolicyV1Spec{
			PodSelector: &np.NetworkPolicyV1SpecPodSelector{MatchLabels: ptr.Map(selector)},
			PolicyTypes: ptr.Strings([]string{"Ingress"}),
		},
	})
	return nil
}

// fluentBitPod is the Fluent Bit pod: on every node but Fargate's, through
// every taint, reading the node's log files read-only.
func fluentBitPod(image string, serviceAccount, configMap *string) *ds.DaemonSetV1SpecTemplateSpec {
	sec, container := fluentBitSecurity()
	return &ds.DaemonSetV1SpecTemplateSpec{
		ServiceAccountName:           serviceAccount,
		AutomountServiceAccountToken: true,
		SecurityContext:              sec,
		// A log collector runs on every node, whatever it is tainted
		// with.
		Toleration: []*ds.DaemonSetV1SpecTemplateSpecToleration{{Operator: ptr.String("Exists")}},
		// Fargate runs each pod on a node of its own, without DaemonSets
		// (its logs go through Fargate's own log router).
		Affinity: &ds.DaemonSetV1SpecTemplateSpecAffinity{NodeAffinity: &ds.DaemonSetV1SpecTemplateSpecAffinityNodeAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: &ds.DaemonSetV1SpecTemplateSpecAffinityNodeAffinityRequiredDuringSchedulingIgnoredDuringExecution{
				NodeSelectorTerm: []*ds.DaemonSetV1SpecTemplateSpecAffinityNodeAffinityRequiredDuringSchedulingIgnoredDuringExecutionNodeSelectorTerm{{
					MatchExpressions: []*ds.DaemonSetV1SpecTemplateSpecAffinityNodeAffinityRequiredDuringSchedulingIgnoredDuringExecutionNodeSelectorTermMatchExpressions{{
						Key: ptr.String("eks.amazonaws.com/compute-type"), Operator: ptr.String("NotIn"), Values: ptr.Strings([]string{"fargate"}),
					}},
				}},
			},
		}},
		NodeSelector:                  ptr.Map(map[string]string{"kubernetes.io/os": "linux"}),
		TerminationGracePeriodSeconds: ptr.Number(30),
		Volume: []*ds.DaemonSetV1SpecTemplateSpecVolume{
			{Name: ptr.String("host-logs"), HostPath: &ds.DaemonSetV1SpecTemplateSpecVolumeHostPath{Path: ptr.String(hostLogs), Type: ptr.String("Directory")}},
			{Name: ptr.String("state"), HostPath: &ds.DaemonSetV1SpecTemplateSpecVolumeHostPath{Path: ptr.String(hostState), Type: ptr.String("DirectoryOrCreate")}},
			{Name: ptr.String("config"), ConfigMap: &ds.DaemonSetV1SpecTemplateSpecVolumeConfigMap{Name: configMap}},
		},
		Container: []*ds.DaemonSetV1SpecTemplateSpecContainer{{
			Name:            ptr.String("fluent-bit"),
			Image:           ptr.String(image),
			ImagePullPolicy: ptr.String("IfNotPresent"),
			Command:         ptr.Strings([]string{"/fluent-bit/bin/fluent-bit", "-c", fluentBitConfigDir + "/fluent-bit.conf"}),
			Port:            []*ds.DaemonSetV1SpecTemplateSpecContainerPort{{Name: ptr.String("http"), ContainerPort: ptr.Number(fluentBitPort), Protocol: ptr.String("TCP")}},
			Resources: &ds.DaemonSetV1SpecTemplateSpecContainerResources{
				Requests: ptr.Map(map[string]string{"cpu": "100m", "memory": "128Mi"}),
				// Above the tail input's 50MB buffer and the outputs' own.
				Limits: ptr.Map(map[string]string{"cpu": "500m", "memory": "256Mi"}),
			},
			LivenessProbe: &ds.DaemonSetV1SpecTemplateSpecContainerLivenessProbe{
				HttpGet:          &ds.DaemonSetV1SpecTemplateSpecContainerLivenessProbeHttpGet{Path: ptr.String("/"), Port: ptr.String("http")},
				PeriodSeconds:    ptr.Number(10),
				FailureThreshold: ptr.Number(3),
				TimeoutSeconds:   ptr.Number(2),
			},
			SecurityContext: container,
			VolumeMount: []*ds.DaemonSetV1SpecTemplateSpecContainerVolumeMount{
				{Name: ptr.String("host-logs"), MountPath: ptr.String(hostLogs), ReadOnly: true},
				{Name: ptr.String("state"), MountPath: ptr.String(hostState)},
				{Name: ptr.String("config"), MountPath: ptr.String(fluentBitConfigDir), ReadOnly: true},
			},
		}},
	}
}

// fluentBitSecurity is Fluent Bit's pod and container security: as
// locked down as reading the node's log files allows.
//
// It runs as root (user 0), which only a privileged namespace admits: the
// container log files under /var/log/pods belong to root with mode 0640 or
// 0600, and the state directory on the host is root's. A non-root user
// could read them only with CAP_DAC_READ_SEARCH or a group the runtime does
// not give those files. Root here has no capability (ALL dropped, so no
// CAP_DAC_OVERRIDE: it reads and writes only what root owns), cannot gain
// privileges, has a read-only root filesystem and mounts /var/log
// read-only; the only host path it writes is its state directory.
func fluentBitSecurity() (*ds.DaemonSetV1SpecTemplateSpecSecurityContext, *ds.DaemonSetV1SpecTemplateSpecContainerSecurityContext) {
	return &ds.DaemonSetV1SpecTemplateSpecSecurityContext{
			RunAsNonRoot:   false,
			RunAsUser:      ptr.String("0"),
			RunAsGroup:     ptr.String("0"),
			SeccompProfile: &ds.DaemonSetV1SpecTemplateSpecSecurityContextSeccompProfile{Type: ptr.String("RuntimeDefault")},
		}, &ds.DaemonSetV1SpecTemplateSpecContainerSecurityContext{
			AllowPrivilegeEscalation: false,
			Privileged:               false,
			ReadOnlyRootFilesystem:   true,
			RunAsNonRoot:             false,
			Capabilities:             &ds.DaemonSetV1SpecTemplateSpecContainerSecurityContextCapabilities{Drop: ptr.Strings([]string{"ALL"})},
			SeccompProfile:           &ds.DaemonSetV1SpecTemplateSpecContainerSecurityContextSeccompProfile{Type: ptr.String("RuntimeDefault")},
		}
}
