package telemetry

import (
	"strings"

	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/clusterrolebindingv1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/clusterrolev1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/deploymentv1"
	np "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/networkpolicyv1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/serviceaccountv1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/servicev1"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
)

// kube-state-metrics as the managed scraper finds it: Deployment and
// Service KubeStateMetricsName in ObservabilityNamespace, metrics on the
// port named KubeStateMetricsPortName.
const (
	// KubeStateMetricsName names kube-state-metrics' Deployment, Service
	// and service account.
	KubeStateMetricsName = "kube-state-metrics"
	// KubeStateMetricsPortName is the name of its metrics port.
	KubeStateMetricsPortName = "http-metrics"
	// KubeStateMetricsPort serves its metrics.
	KubeStateMetricsPort = 8080
	// kubeStateMetricsTelemetryPort serves its own health and metrics.
	kubeStateMetricsTelemetryPort = 8081
)

// kubeStateMetricsResources are the kinds kube-state-metrics reports
// (--resources): its ClusterRole may list and watch exactly these. Secrets
// and ConfigMaps are left out: listing them would hand it their contents.
var kubeStateMetricsResources = []struct {
	group, resource string
}{
	{"", "limitranges"}, {"", "namespaces"}, {"", "nodes"}, {"", "persistentvolumeclaims"},
	{"", "persistentvolumes"}, {"", "pods"}, {"", "replicationcontrollers"}, {"", "resourcequotas"},
	{"", "services"},
	{"apps", "daemonsets"}, {"apps", "deployments"}, {"apps", "replicasets"}, {"apps", "statefulsets"},
	{"autoscaling", "horizontalpodautoscalers"},
	{"batch", "cronjobs"}, {"batch", "jobs"},
	{"discovery.k8s.io", "endpointslices"},
	{"networking.k8s.io", "ingresses"}, {"networking.k8s.io", "networkpolicies"},
	{"policy", "poddisruptionbudgets"},
	{"storage.k8s.io", "storageclasses"},
}

// kubeStateMetrics creates kube-state-metrics: service account,
// ClusterRole and binding, Deployment, Service, and the NetworkPolicy that
// admits the managed scraper.
func (c *Collectors) kubeStateMetrics(p CollectorsProps) {
	const name = KubeStateMetricsName
	labels := objectLabels(name)
	selector := map[string]string{"app.kubernetes.io/name": name}
	ns := c.observability.Name()
	sa := serviceaccountv1.NewServiceAccountV1(c, ptr.String("kube-state-metrics-service-account"), &serviceaccountv1.ServiceAccountV1Config{
		Metadata: &serviceaccountv1.ServiceAccountV1Metadata{Name: ptr.String(name), Namespace: ptr.String(ns), Labels: ptr.Map(labels)},
		// It lists and watches the API server with this token.
		AutomountServiceAccountToken: true,
	})
	byGroup := map[string][]string{}
	var groups, kinds []string
	for _, r := range kubeStateMetricsResources {
		if byGroup[r.group] == nil {
			groups = append(groups, r.group)
		}
		byGroup[r.group] = append(byGroup[r.group], r.resource)
		kinds = append(kinds, r.resource)
	}
	var rules []*clusterrolev1.ClusterRoleV1Rule
	for _, g := range groups {
		rules = append(rules, &clusterrolev1.ClusterRoleV1Rule{
			ApiGroups: ptr.Strings([]string{g}), Resources: ptr.Strings(byGroup[g]), Verbs: ptr.Strings([]string{"list", "watch"}),
		})
	}
	role := clusterrolev1.NewClusterRoleV1(c, ptr.String("kube-state-metrics-cluster-role"), &clusterrolev1.ClusterRoleV1Config{
		Metadata: &clusterrolev1.ClusterRoleV1Metadata{Name: ptr.String("hybridstack-kube-state-metrics"), Labels: ptr.Map(labels)},
		Rule:     rules,
	})
	clusterrolebindingv1.NewClusterRoleBindingV1(c, ptr.String("kube-state-metrics-cluster-role-binding"), &clusterrolebindingv1.ClusterRoleBindingV1Config{
		Metadata: &clusterrolebindingv1.ClusterRoleBindingV1Metadata{Name: ptr.String("hybridstack-kube-state-metrics"), Labels: ptr.Map(labels)},
		RoleRef:  &clusterrolebindingv1.ClusterRoleBindingV1RoleRef{ApiGroup: ptr.String("rbac.authorization.k8s.io"), Kind: ptr.String("ClusterRole"), Name: role.Metadata().Name()},
		Subject:  []*clusterrolebindingv1.ClusterRoleBindingV1Subject{{Kind: ptr.String("ServiceAccount"), Name: sa.Metadata().Name(), Namespace: ptr.String(ns)}},
	})
	podSecurity, containerSecurity := restrictedSecurity("65534")
	deploymentv1.NewDeploymentV1(c, ptr.String("kube-state-metrics"), &deploymentv1.DeploymentV1Config{
		Metadata: &deploymentv1.DeploymentV1Metadata{Name: ptr.String(name), Namespace: ptr.String(ns), Labels: ptr.Map(labels)},
		Spec: &deploymentv1.DeploymentV1Spec{
			// One replica: two would report every series twice.
			Replicas:             ptr.String("1"),
			RevisionHistoryLimit: ptr.Number(5),
			Selector:             &deploymentv1.DeploymentV1SpecSelector{MatchLabels: ptr.Map(selector)},
			Template: &deploymentv1.DeploymentV1SpecTemplate{
				Metadata: &deploymentv1.DeploymentV1SpecTemplateMetadata{Labels: ptr.Map(labels)},
				Spec: &deploymentv1.DeploymentV1SpecTemplateSpec{
					ServiceAccountName:           sa.Metadata().Name(),
					AutomountServiceAccountToken: true,
					SecurityContext:              podSecurity,
					NodeSelector:                 ptr.Map(map[string]string{"kubernetes.io/os": "linux"}),
					Container: []*deploymentv1.DeploymentV1SpecTemplateSpecContainer{{
						Name:            ptr.String(name),
						Image:           ptr.String(p.Images.KubeStateMetrics),
						ImagePullPolicy: ptr.String("IfNotPresent"),
						Args: ptr.Strings([]string{
							"--port=" + itoa(KubeStateMetricsPort),
							"--telemetry-port=" + itoa(kubeStateMetricsTelemetryPort),
							"--resources=" + strings.Join(sortedCopy(kinds), ","),
						}),
						Port: []*deploymentv1.DeploymentV1SpecTemplateSpecContainerPort{
							{Name: ptr.String(KubeStateMetricsPortName), ContainerPort: ptr.Number(KubeStateMetricsPort), Protocol: ptr.String("TCP")},
							{Name: ptr.String("telemetry"), ContainerPort: ptr.Number(kubeStateMetricsTelemetryPort), Protocol: ptr.String("TCP")},
						},
						Resources: &deploymentv1.DeploymentV1SpecTemplateSpecContainerResources{
							Requests: ptr.Map(map[string]string{"cpu": "50m", "memory": "128Mi"}),
							Limits:   ptr.Map(map[string]string{"cpu": "500m", "memory": "512Mi"}),
						},
						LivenessProbe: &deploymentv1.DeploymentV1SpecTemplateSpecContainerLivenessProbe{
							HttpGet:        &deploymentv1.DeploymentV1SpecTemplateSpecContainerLivenessProbeHttpGet{Path: ptr.String("/livez"), Port: ptr.String(KubeStateMetricsPortName)},
							PeriodSeconds:  ptr.Number(10),
							TimeoutSeconds: ptr.Number(5),
						},
						ReadinessProbe: &deploymentv1.DeploymentV1SpecTemplateSpecContainerReadinessProbe{
							HttpGet:        &deploymentv1.DeploymentV1SpecTemplateSpecContainerReadinessProbeHttpGet{Path: ptr.String("/readyz"), Port: ptr.String("telemetry")},
							PeriodSeconds:  ptr.Number(10),
							TimeoutSeconds: ptr.Number(5),
						},
						SecurityContext: containerSecurity,
					}},
				},
			},
		},
	})
	servicev1.NewServiceV1(c, ptr.String("kube-state-metrics-service"), &servicev1.ServiceV1Config{
		Metadata: &servicev1.ServiceV1Metadata{Name: ptr.String(name), Namespace: ptr.String(ns), Labels: ptr.Map(labels)},
		Spec: &servicev1.ServiceV1Spec{
			Type:     ptr.String("ClusterIP"),
			Selector: ptr.Map(selector),
			Port: &[]*servicev1.ServiceV1SpecPort{{
				Name: ptr.String(KubeStateMetricsPortName), Port: ptr.Number(KubeStateMetricsPort),
				TargetPort: ptr.String(KubeStateMetricsPortName), Protocol: ptr.String("TCP"),
			}},
		},
	})
	// The managed scraper runs outside the cluster, from network
	// interfaces in the cluster's subnets: it is admitted by the VPC's
	// range on the metrics port only. With the VPC CNI, pods take their
	// addresses from the same range, so this admits the cluster's pods
	// too; what kube-state-metrics serves (object names, labels, states)
	// is readable to them through the managed Prometheus anyway.
	np.NewNetworkPolicyV1(c, ptr.String("kube-state-metrics-network-policy"), &np.NetworkPolicyV1Config{
		Metadata: &np.NetworkPolicyV1Metadata{Name: ptr.String(name), Namespace: ptr.String(ns), Labels: ptr.Map(labels)},
		Spec: &np.NetworkPolicyV1Spec{
			PodSelector: &np.NetworkPolicyV1SpecPodSelector{MatchLabels: ptr.Map(selector)},
			PolicyTypes: ptr.Strings([]string{"Ingress"}),
			Ingress: []*np.NetworkPolicyV1SpecIngress{{
				From:  []*np.NetworkPolicyV1SpecIngressFrom{{IpBlock: &np.NetworkPolicyV1SpecIngressFromIpBlock{Cidr: ptr.String(p.VPCCIDR)}}},
				Ports: []*np.NetworkPolicyV1SpecIngressPorts{{Port: ptr.String(itoa(KubeStateMetricsPort)), Protocol: ptr.String("TCP")}},
			}},
		},
	})
}

// scraperRules are what the Amazon Managed Service for Prometheus managed
// collector may read, as AWS documents for its ClusterRole
// (aps-collector-role): discovery of nodes, services, endpoints, pods and
// ingresses, the kubelets' and API server's metrics, and the EKS control
// plane's kube-controller-manager and kube-scheduler metrics. AWS's
// listing adds the verb "describe", which Kubernetes does not have (kubectl
// describe uses get and list); it is left out.
var scraperRules = []struct {
	groups, resources, nonResourceURLs, verbs []string
}{
	{groups: []string{""}, resources: []string{"configmaps", "endpoints", "ingresses", "nodes", "nodes/metrics", "nodes/proxy", "pods", "services"}, verbs: []string{"get", "list", "watch"}},
	{groups: []string{"extensions", "networking.k8s.io"}, resources: []string{"ingresses", "ingresses/status"}, verbs: []string{"get", "list", "watch"}},
	{groups: []string{"metrics.eks.amazonaws.com"}, resources: []string{"kcm/metrics", "ksh/metrics"}, verbs: []string{"get"}},
	{nonResourceURLs: []string{"/metrics"}, verbs: []string{"get"}},
}

// scraperAccess binds ScraperKubernetesUser to the managed collector's
// ClusterRole, under the names AWS's guide uses.
func (c *Collectors) scraperAccess() {
	labels := objectLabels("aps-collector")
	rules := make([]*clusterrolev1.ClusterRoleV1Rule, len(scraperRules))
	for i, r := range scraperRules {
		rule := &clusterrolev1.ClusterRoleV1Rule{Verbs: ptr.Strings(r.verbs)}
		if r.nonResourceURLs != nil {
			rule.NonResourceUrls = ptr.Strings(r.nonResourceURLs)
		} else {
			rule.ApiGroups, rule.Resources = ptr.Strings(r.groups), ptr.Strings(r.resources)
		}
		rules[i] = rule
	}
	role := clusterrolev1.NewClusterRoleV1(c, ptr.String("scraper-cluster-role"), &clusterrolev1.ClusterRoleV1Config{
		Metadata: &clusterrolev1.ClusterRoleV1Metadata{Name: ptr.String("aps-collector-role"), Labels: ptr.Map(labels)},
		Rule:     rules,
	})
	clusterrolebindingv1.NewClusterRoleBindingV1(c, ptr.String("scraper-cluster-role-binding"), &clusterrolebindingv1.ClusterRoleBindingV1Config{
		Metadata: &clusterrolebindingv1.ClusterRoleBindingV1Metadata{Name: ptr.String("aps-collector-user-role-binding"), Labels: ptr.Map(labels)},
		RoleRef:  &clusterrolebindingv1.ClusterRoleBindingV1RoleRef{ApiGroup: ptr.String("rbac.authorization.k8s.io"), Kind: ptr.String("ClusterRole"), Name: role.Metadata().Name()},
		Subject:  []*clusterrolebindingv1.ClusterRoleBindingV1Subject{{Kind: ptr.String("User"), Name: ptr.String(ScraperKubernetesUser), ApiGroup: ptr.String("rbac.authorization.k8s.io")}},
	})
}
