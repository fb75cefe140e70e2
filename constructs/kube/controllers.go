package kube

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-helm-go/helm/v10/release"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// Chart is a pinned Helm chart.
type Chart struct {
	// Repository is the chart repository's URL.
	Repository string
	// Name is the chart's name in the repository.
	Name string
	// Version is the chart version, pinned exactly.
	Version string
	// AppVersion is the version of the software the chart installs.
	AppVersion string
}

// The charts NewControllers installs unless told otherwise: the newest
// release of each in the table of ChartsAsOf (OutdatedCharts reports a pin
// that falls behind it). Versions are exact: an upgrade is a reviewed
// change.
//
// Argo CD is pinned to 10.1.1 (v3.4.4), the newest release the end-to-end
// gate could obtain and install; 10.3.3 (v3.5.1) is published but untested
// here. A cluster already on 10.3.3 keeps it with ArgoCD.Version.
var (
	chartLoadBalancerController = Chart{Repository: "https://aws.github.io/eks-charts", Name: "aws-load-balancer-controller", Version: "3.5.0", AppVersion: "v3.5.0"}
	chartMetricsServer          = Chart{Repository: "https://kubernetes-sigs.github.io/metrics-server/", Name: "metrics-server", Version: "3.13.1", AppVersion: "0.8.1"}
	chartClusterAutoscaler      = Chart{Repository: "https://kubernetes.github.io/autoscaler", Name: "cluster-autoscaler", Version: "9.59.0", AppVersion: "1.35.0"}
	chartArgoCD                 = Chart{Repository: "https://argoproj.github.io/argo-helm", Name: "argo-cd", Version: "10.1.1", AppVersion: "v3.4.4"}
)

// ChartLoadBalancerController returns the AWS Load Balancer Controller
// chart NewControllers installs by default (a copy: changing it changes
// nothing else).
func ChartLoadBalancerController() Chart { return chartLoadBalancerController }

// ChartMetricsServer returns the metrics-server chart NewControllers
// installs by default (a copy).
func ChartMetricsServer() Chart { return chartMetricsServer }

// ChartClusterAutoscaler returns the cluster-autoscaler chart
// NewControllers installs by default (a copy).
func ChartClusterAutoscaler() Chart { return chartClusterAutoscaler }

// ChartArgoCD returns the Argo CD chart NewControllers installs by default
// (a copy).
func ChartArgoCD() Chart { return chartArgoCD }

// clusterAutoscalerImages maps a cluster's Kubernetes minor version to the
// cluster-autoscaler release built for it: the autoscaler must match the
// cluster's minor version.
var clusterAutoscalerImages = map[string]string{"1.35": "v1.35.0"}

// Controller switches one controller off or overrides its chart version.
type Controller struct {
	// Disabled leaves the controller out.
	// Default: false
	Disabled bool
	// Version overrides the pinned chart version; OutdatedCharts tells
	// whether it is behind the newest release known.
	// Default: - the Chart* variable's Version
	Version string
}

// ControllersProps configures NewControllers.
type ControllersProps struct {
	// Cluster the controllers run on (it may live in another stack).
	// Required.
	Cluster eks.ClusterRef
	// Region of the cluster. Required.
	Region string
	// VPCID of the cluster's VPC (the load balancer controller is told it
	// rather than asking the instance metadata service). Required.
	VPCID string
	// LoadBalancerController registers pods into load balancer target
	// groups (TargetGroupBinding) and serves Ingress/Service load
	// balancers. Its IRSA role carries the upstream IAM policy.
	// Default: - installed at the pinned chart version
	LoadBalancerController Controller
	// MetricsServer serves the resource metrics HorizontalPodAutoscalers
	// read.
	// Default: - installed at the pinned chart version
	MetricsServer Controller
	// ClusterAutoscaler resizes the managed node groups (autodiscovered by
	// their cluster-autoscaler tags). Its IRSA role may only scale groups
	// this cluster owns.
	// Default: - installed at the pinned chart version
	ClusterAutoscaler Controller
	// ClusterAutoscalerRole is an existing IRSA role for
	// kube-system/cluster-autoscaler (such as the platform stack's); no
	// role is created for the autoscaler then.
	// Default: - a role with the least-privilege policy
	ClusterAutoscalerRole *eks.ServiceAccountRole
	// ClusterAutoscalerImageTag overrides the autoscaler release, which
	// must match the cluster's Kubernetes minor version.
	// Default: - the release for the cluster's version, where known
	ClusterAutoscalerImageTag string
	// ArgoCD is the GitOps controller, in namespace argocd, reached through
	// kubectl port-forward or an Ingress of your own (ClusterIP service).
	// Syncs run as the controller's own service account unless
	// ArgoCDSyncImpersonation is set.
	// Default: - installed at the pinned chart version
	ArgoCD Controller
	// ArgoCDSyncImpersonation turns on Argo CD's sync impersonation
	// (application.sync.impersonation.enabled in argocd-cm): a sync runs
	// as the service account its AppProject's destinationServiceAccounts
	// name for the destination, and fails when none matches, so every
	// AppProject of the cluster must name one (the default project names
	// none). The tenancy package requires it: its AppProjects sync each
	// tenant as the tenant's own service account.
	// Default: false
	ArgoCDSyncImpersonation bool
	// ArgoCDHighAvailability runs Redis HA and two replicas of each Argo CD
	// server component (needs at least three nodes).
	// Default: false
	ArgoCDHighAvailability bool
}

// Controllers are the in-cluster controllers of a cluster.
type Controllers struct {
	constructs.Construct
	releases map[string]release.Release
	roles    map[string]*eks.ServiceAccountRole
}

// Service accounts of the controllers that have IAM roles.
const (
	LoadBalancerControllerServiceAccount = "aws-load-balancer-controller"
	ClusterAutoscalerServiceAccount      = "cluster-autoscaler"
)

var chartVersion = regexp.MustCompile(`^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$`)

// NewControllers installs every controller not disabled as a helm_release
// with a pinned chart and values marshalled from typed Go structs, each
// waiting until its pods are ready and rolled back if they do not get
// ready. It returns every problem with props at once, joined, each a
// *validate.FieldError wrapping validate.ErrInvalid.
func NewControllers(scope constructs.Construct, id string, props ControllersProps) (*Controllers, error) {
	r := validation.ForConstruct("kube", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	if eks.IsNil(props.Cluster) {
		r.Addf("Cluster", "is nil; pass the *eks.Cluster the controllers run on")
	}
	if props.Region == "" {
		r.Addf("Region", "is empty; give the cluster's Region, such as eu-west-1")
	}
	if props.VPCID == "" && !props.LoadBalancerController.Disabled {
		r.Addf("VPCID", "is empty; the load balancer controller needs the cluster's VPC id")
	}
	for _, c := range []struct {
		field string
		ctl   Controller
	}{{"LoadBalancerController", props.LoadBalancerController}, {"MetricsServer", props.MetricsServer}, {"ClusterAutoscaler", props.ClusterAutoscaler}, {"ArgoCD", props.ArgoCD}} {
		if v := c.ctl.Version; v != "" && !chartVersion.MatchString(v) {
			r.Addf(c.field+".Version", "%q is not an exact chart version such as 1.2.3 (ranges are not allowed: upgrades are reviewed changes)", v)
		}
	}
	autoscalerTag := props.ClusterAutoscalerImageTag
	if !props.ClusterAutoscaler.Disabled && !eks.IsNil(props.Cluster) && autoscalerTag == "" {
		autoscalerTag = clusterAutoscalerImages[props.Cluster.Version()]
		if autoscalerTag == "" {
			r.Addf("ClusterAutoscalerImageTag", "is empty and no cluster-autoscaler release is pinned for Kubernetes %s (known: %v); give the v%s.x tag", props.Cluster.Version(), ptr.SortedKeys(clusterAutoscalerImages), props.Cluster.Version())
		}
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	env, err := awsenv.Of(scope)
	if err != nil {
		return nil, err
	}
	c := &Controllers{releases: map[string]release.Release{}, roles: map[string]*eks.ServiceAccountRole{}}
	constructs.NewConstruct_Override(c, scope, &id)
	cluster := props.Cluster

	if !props.LoadBalancerController.Disabled {
		role, err := c.role("load-balancer-controller", cluster, LoadBalancerControllerServiceAccount, loadBalancerControllerPolicy(env.Partition))
		if err != nil {
			return nil, err
		}
		c.install("load-balancer-controller", chartLoadBalancerController, props.LoadBalancerController, "kube-system", loadBalancerControllerValues{
			ClusterName:  cluster.Name(),
			Region:       props.Region,
			VPCID:        props.VPCID,
			ReplicaCount: 2,
			ServiceAccount: serviceAccountValues{
				Create: true, Name: LoadBalancerControllerServiceAccount,
				Annotations: role.Annotations(),
			},
			// Services of type LoadBalancer stay with whoever the user
			// picks; only TargetGroupBinding and Ingress are served.
			EnableServiceMutatorWebhook: false,
			// Its Gateway API controllers stay off: 3.x turns them on by
			// itself when it finds the Gateway API CRDs (which
			// NewIstioAmbient installs, for Istio to serve), and then
			// wants CRDs of its own and a newer Gateway API version.
			ControllerConfig:    lbcControllerConfig{FeatureGates: map[string]bool{"ALBGatewayAPI": false, "NLBGatewayAPI": false, "GatewayListenerSet": false}},
			PodDisruptionBudget: map[string]int{"maxUnavailable": 1},
			// Reuse the webhook's serving certificate on upgrade. Chart
			// 3.x defaults to false and then generates a new CA on every
			// helm upgrade: the webhook configurations get the new CA at
			// once while the pods serve the old certificate until the
			// kubelet refreshes the mounted secret, and admission calls
			// (TargetGroupBinding, Ingress) fail with x509 errors in
			// between (kubernetes-sigs/aws-load-balancer-controller#4581).
			// 1.x defaulted to true.
			KeepTLSSecret: true,
		})
	}
	if !props.MetricsServer.Disabled {
		c.install("metrics-server", chartMetricsServer, props.MetricsServer, "kube-system", metricsServerValues{
			Replicas:            2,
			PodDisruptionBudget: pdbValues{Enabled: true, MaxUnavailable: 1},
			// 10250 is the kubelet's port on a Fargate pod's own micro-VM.
			ContainerPort: 10251,
		})
	}
	if !props.ClusterAutoscaler.Disabled {
		role := props.ClusterAutoscalerRole
		if role == nil {
			if role, err = c.role("cluster-autoscaler", cluster, ClusterAutoscalerServiceAccount, clusterAutoscalerPolicy(cluster.Name())); err != nil {
				return nil, err
			}
		}
		c.roles["cluster-autoscaler"] = role
		c.install("cluster-autoscaler", chartClusterAutoscaler, props.ClusterAutoscaler, "kube-system", clusterAutoscalerValues{
			CloudProvider: "aws",
			AWSRegion:     props.Region,
			AutoDiscovery: map[string]string{"clusterName": cluster.Name()},
			Image:         map[string]string{"tag": autoscalerTag},
			RBAC: rbacValues{ServiceAccount: serviceAccountValues{
				Create: true, Name: ClusterAutoscalerServiceAccount, Annotations: role.Annotations(),
			}},
			ExtraArgs: map[string]string{
				"balance-similar-node-groups": "true",
				"expander":                    "least-waste",
				"skip-nodes-with-system-pods": "false",
			},
		})
	}
	if !props.ArgoCD.Disabled {
		ns, err := NewNamespace(c, "argocd-namespace", NamespaceProps{Name: "argocd"})
		if err != nil {
			return nil, err
		}
		replicas := 1
		if props.ArgoCDHighAvailability {
			replicas = 2
		}
		c.install("argocd", chartArgoCD, props.ArgoCD, ns.Name(), argoCDValues{
			RedisHA:        enabledValues{Enabled: props.ArgoCDHighAvailability},
			Server:         argoServerValues{Replicas: replicas, Service: map[string]string{"type": "ClusterIP"}},
			RepoServer:     replicasValues{Replicas: replicas},
			ApplicationSet: replicasValues{Replicas: replicas},
			// Single sign-on and notifications are configured per
			// organisation; off until then.
			Dex:           enabledValues{Enabled: false},
			Notifications: enabledValues{Enabled: false},
			Configs: argoConfigs{
				Params: map[string]bool{"server.insecure": false},
				// Sync impersonation, when asked: a sync runs as the
				// service account its AppProject's
				// destinationServiceAccounts name for the destination, and
				// fails when none matches. The controller's own
				// (cluster-wide) role is left for reading and diffing.
				// Written either way, so that turning it off is a change
				// helm applies rather than a key it forgets.
				CM: map[string]string{"application.sync.impersonation.enabled": strconv.FormatBool(props.ArgoCDSyncImpersonation)},
			},
		})
	}
	return c, nil
}

// role creates the IRSA role of a controller's kube-system service account
// with statements as its inline policy.
func (c *Controllers) role(id string, cluster eks.ClusterRef, serviceAccount string, statements []iamdoc.Statement) (*eks.ServiceAccountRole, error) {
	doc, err := iamdoc.Document(statements...)
	if err != nil {
		return nil, err
	}
	role, err := eks.NewServiceAccountRole(c, id+"-role", eks.ServiceAccountRoleProps{
		Cluster: cluster, Namespace: "kube-system", ServiceAccount: serviceAccount,
		PolicyDocument: doc,
		Description:    "IRSA role of the " + id + " controller",
	})
	if err != nil {
		return nil, err
	}
	c.roles[id] = role
	return role, nil
}

// install adds the helm_release of one chart with values marshalled once.
func (c *Controllers) install(id string, chart Chart, ctl Controller, namespace string, values any) {
	version := chart.Version
	if ctl.Version != "" {
		version = ctl.Version
	}
	doc, err := json.Marshal(values)
	if err != nil {
		// The values types hold strings, numbers, bools and maps of
		// them; they always marshal.
		panic(fmt.Sprintf("kube: marshalling %s values: %v", id, err))
	}
	c.releases[id] = release.NewRelease(c, ptr.String(id), &release.ReleaseConfig{
		Name:       ptr.String(chart.Name),
		Repository: ptr.String(chart.Repository),
		Chart:      ptr.String(chart.Name),
		Version:    ptr.String(version),
		Namespace:  ptr.String(namespace),
		Values:     &[]*string{ptr.String(string(doc))},
		// Wait for ready pods; roll back a release that does not get there.
		Wait:          true,
		Atomic:        true,
		CleanupOnFail: true,
		Timeout:       ptr.Number(600),
		MaxHistory:    ptr.Number(5),
	})
}

// Release returns the helm_release of a controller ("load-balancer-controller",
// "metrics-server", "cluster-autoscaler", "argocd"), or nil when disabled.
func (c *Controllers) Release(name string) release.Release { return c.releases[name] }

// Role returns the IRSA role of "load-balancer-controller" or
// "cluster-autoscaler" (created, or the ClusterAutoscalerRole given), or
// nil.
func (c *Controllers) Role(name string) *eks.ServiceAccountRole { return c.roles[name] }

// The typed values of each chart: only the keys this package sets, named
// as in the chart's values.yaml.
type (
	serviceAccountValues struct {
		Create      bool              `json:"create"`
		Name        string            `json:"name"`
		Annotations map[string]string `json:"annotations,omitempty"`
	}
	loadBalancerControllerValues struct {
		ClusterName                 string               `json:"clusterName"`
		Region                      string               `json:"region"`
		VPCID                       string               `json:"vpcId"`
		ReplicaCount                int                  `json:"replicaCount"`
		ServiceAccount              serviceAccountValues `json:"serviceAccount"`
		EnableServiceMutatorWebhook bool                 `json:"enableServiceMutatorWebhook"`
		PodDisruptionBudget         map[string]int       `json:"podDisruptionBudget"`
		KeepTLSSecret               bool                 `json:"keepTLSSecret"`
		ControllerConfig            lbcControllerConfig  `json:"controllerConfig"`
	}
	lbcControllerConfig struct {
		FeatureGates map[string]bool `json:"featureGates"`
	}
	pdbValues struct {
		Enabled        bool `json:"enabled"`
		MaxUnavailable int  `json:"maxUnavailable"`
	}
	metricsServerValues struct {
		Replicas            int       `json:"replicas"`
		PodDisruptionBudget pdbValues `json:"podDisruptionBudget"`
		ContainerPort       int       `json:"containerPort"`
	}
	rbacValues struct {
		ServiceAccount serviceAccountValues `json:"serviceAccount"`
	}
	clusterAutoscalerValues struct {
		CloudProvider string            `json:"cloudProvider"`
		AWSRegion     string            `json:"awsRegion"`
		AutoDiscovery map[string]string `json:"autoDiscovery"`
		Image         map[string]string `json:"image"`
		RBAC          rbacValues        `json:"rbac"`
		ExtraArgs     map[string]string `json:"extraArgs"`
	}
	enabledValues struct {
		Enabled bool `json:"enabled"`
	}
	replicasValues struct {
		Replicas int `json:"replicas"`
	}
	argoServerValues struct {
		Replicas int               `json:"replicas"`
		Service  map[string]string `json:"service"`
	}
	argoConfigs struct {
		Params map[string]bool   `json:"params"`
		CM     map[string]string `json:"cm"`
	}
	argoCDValues struct {
		RedisHA        enabledValues    `json:"redis-ha"`
		Server         argoServerValues `json:"server"`
		RepoServer     replicasValues   `json:"repoServer"`
		ApplicationSet replicasValues   `json:"applicationSet"`
		Dex            enabledValues    `json:"dex"`
		Notifications  enabledValues    `json:"notifications"`
		Configs        argoConfigs      `json:"configs"`
	}
)
