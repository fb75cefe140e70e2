package kube

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-helm-go/helm/v10/release"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// ArgoRolloutsProps configures NewArgoRollouts.
type ArgoRolloutsProps struct {
	// Cluster the controller runs on (it may live in another stack); its
	// OIDC provider is what the controller's IAM role trusts. Required.
	Cluster eks.ClusterRef
	// Region of the cluster, given to the controller as AWS_REGION (with
	// regional STS endpoints) for the IAM role's web identity.
	// Default: - the stack's Region
	Region string
	// PrometheusWorkspaceARN is the Amazon Managed Service for Prometheus
	// workspace the analyses query
	// (arn:aws:aps:<region>:<account>:workspace/ws-...). The controller's
	// IAM role may only read it: aps:QueryMetrics, aps:GetSeries,
	// aps:GetLabels and aps:GetMetricMetadata, nothing else. Required.
	PrometheusWorkspaceARN string
	// PrometheusKMSKeyARN is the customer managed key that encrypts the
	// workspace (telemetry.Metrics.KMSKeyARN): reading an encrypted
	// workspace needs kms:Decrypt and kms:DescribeKey on it, granted only
	// through Amazon Managed Service for Prometheus (kms:ViaService).
	// Default: - none (a workspace encrypted with an AWS owned key)
	PrometheusKMSKeyARN string
	// PluginLocation is where the controller gets the Gateway API
	// traffic-router plugin. The controller downloads an https:// location
	// every time it starts, through the cluster's egress (the default is a
	// GitHub release asset, which redirects to
	// objects.githubusercontent.com), and refuses to start when the
	// download fails or its sha256 is not PluginSHA256.
	//
	// Without egress, mirror the binary and use a file:// location: add,
	// through Chart.Values, an init container (controller.initContainers)
	// that copies the binary from an image of yours into an emptyDir
	// volume (controller.volumes) mounted into the controller
	// (controller.volumeMounts), and set PluginLocation to
	// file:///<mount path>/<file>. The init container must pass Pod
	// Security restricted on its own (allowPrivilegeEscalation false,
	// capabilities drop ALL, runAsNonRoot; the pod sets the seccomp
	// profile). Argo Rollouts checks no digest of a file:// plugin.
	// Default: "https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/v0.17.0/gatewayapi-plugin-linux-amd64"
	PluginLocation string
	// PluginSHA256 is the sha256 (64 hex digits) of the binary at an
	// https:// PluginLocation; required with one, refused with a file://
	// one.
	// Default: "1904ca787d33107c140521899d61fff030ee75d99908bd175fca5a4647759061" (the default location's)
	PluginSHA256 string
	// Chart overrides the argo-rollouts chart's version and adds values.
	// Default: - the pinned version, no extra values
	Chart ChartOverride
}

// ArgoRollouts is the Argo Rollouts controller: progressive delivery
// (canary steps, analyses that query Prometheus, automatic rollback),
// moving traffic through Gateway API HTTPRoutes.
type ArgoRollouts struct {
	constructs.Construct
	role    *eks.ServiceAccountRole
	release release.Release
}

// The Gateway API traffic-router plugin NewArgoRollouts installs by
// default: v0.17.0 of argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi,
// for linux/amd64.
const (
	gatewayAPIPluginName     = "argoproj-labs/gatewayAPI"
	gatewayAPIPluginLocation = "https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/v0.17.0/gatewayapi-plugin-linux-amd64"
	gatewayAPIPluginSHA256   = "1904ca787d33107c140521899d61fff030ee75d99908bd175fca5a4647759061"
)

// Names NewArgoRollouts gives the controller's namespace, release and
// service account.
const (
	argoRolloutsNamespace      = "argo-rollouts"
	argoRolloutsServiceAccount = "argo-rollouts"
)

var (
	kmsKeyARN       = regexp.MustCompile(`^arn:aws(-[a-z]+)*:kms:[a-z]{2}(-[a-z]+)+-[0-9]:[0-9]{12}:key/[A-Za-z0-9-]+$`)
	apsWorkspaceARN = regexp.MustCompile(`^arn:aws(-[a-z]+)*:aps:[a-z]{2}(-[a-z]+)+-[0-9]:[0-9]{12}:workspace/ws-[A-Za-z0-9-]+$`)
	sha256Hex       = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// NewArgoRollouts installs Argo Rollouts (chart argo-rollouts 2.41.0,
// Argo Rollouts v1.9.0, with its CRDs) in the restricted namespace
// argo-rollouts: two controller replicas (leader election) whose service
// account has an IRSA role that may only read the Prometheus workspace,
// so that analyses query it with SigV4 (AnalysisTemplate
// provider.prometheus.authentication.sigv4) and no proxy; the Gateway API
// traffic-router plugin (PluginName), and only the Gateway API provider's
// RBAC beside the core rules; no dashboard, no notifications. The release
// waits until the controller is ready and is rolled back if it does not get
// ready. It returns every problem with props at once, joined, each a
// *validate.FieldError wrapping validate.ErrInvalid.
func NewArgoRollouts(scope constructs.Construct, id string, props ArgoRolloutsProps) (*ArgoRollouts, error) {
	r := validation.ForConstruct("kube", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	if eks.IsNil(props.Cluster) {
		r.Addf("Cluster", "is nil; pass the *eks.Cluster Argo Rollouts runs on")
	}
	switch ws := props.PrometheusWorkspaceARN; {
	case ws == "":
		r.Addf("PrometheusWorkspaceARN", "is empty; give the ARN of the Amazon Managed Service for Prometheus workspace the analyses query (arn:aws:aps:<region>:<account>:workspace/ws-...)")
	case !validation.IsToken(ws) && !apsWorkspaceARN.MatchString(ws):
		r.Addf("PrometheusWorkspaceARN", "%q is not an Amazon Managed Service for Prometheus workspace ARN (arn:aws:aps:<region>:<account>:workspace/ws-...)", ws)
	}
	if key := props.PrometheusKMSKeyARN; key != "" && !validation.IsToken(key) && !kmsKeyARN.MatchString(key) {
		r.Addf("PrometheusKMSKeyARN", "%q is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)", key)
	}
	location, sha := checkPlugin(r, props.PluginLocation, props.PluginSHA256)
	chart := checkChartOverride(r, "Chart", props.Chart)
	if err := r.Err(); err != nil {
		return nil, err
	}
	region := props.Region
	if region == "" {
		env, err := awsenv.Of(scope)
		if err != nil {
			return nil, err
		}
		region = env.Region
	}

	a := &ArgoRollouts{}
	constructs.NewConstruct_Override(a, scope, &id)
	ns, err := NewNamespace(a, "namespace", NamespaceProps{Name: argoRolloutsNamespace})
	if err != nil {
		return nil, err
	}
	statements := []iamdoc.Statement{iamdoc.Allow("QueryPrometheus",
		[]string{"aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"}, props.PrometheusWorkspaceARN)}
	if key := props.PrometheusKMSKeyARN; key != "" {
		decrypt := iamdoc.Allow("DecryptPrometheusWorkspace", []string{"kms:Decrypt", "kms:DescribeKey"}, key)
		decrypt.Condition = map[string]map[string]any{"StringEquals": {"kms:ViaService": "aps." + region + ".amazonaws.com"}}
		statements = append(statements, decrypt)
	}
	doc, err := iamdoc.Document(statements...)
	if err != nil {
		return nil, err
	}
	a.role, err = eks.NewServiceAccountRole(a, "controller-role", eks.ServiceAccountRoleProps{
		Cluster: props.Cluster, Namespace: argoRolloutsNamespace, ServiceAccount: argoRolloutsServiceAccount,
		PolicyDocument: doc,
		Description:    "IRSA role of the Argo Rollouts controller: reads the Prometheus workspace its analyses query",
	})
	if err != nil {
		return nil, err
	}

	plugin := argoPlugin{Name: gatewayAPIPluginName, Location: location, SHA256: sha}
	var nodeSelector map[string]string
	if location == gatewayAPIPluginLocation {
		// The default plugin is a linux/amd64 binary: on another
		// architecture the controller would crash-loop on it, so it is
		// kept off such nodes (the release then times out and rolls
		// back, telling why).
		nodeSelector = map[string]string{"kubernetes.io/arch": "amd64"}
	}
	seccomp := map[string]string{"type": "RuntimeDefault"}
	a.release = newRelease(a, releaseSpec{
		id: "argo-rollouts", name: "argo-rollouts", chart: chartArgoRollouts, override: chart, namespace: ns.Name(),
		values: argoRolloutsValues{
			// The Rollout, AnalysisTemplate, AnalysisRun, Experiment and
			// ClusterAnalysisTemplate CRDs come with the chart and stay
			// when the release is deleted (deleting a CRD deletes every
			// Rollout).
			InstallCRDs: true, KeepCRDs: true,
			ServiceAccount: serviceAccountValues{Create: true, Name: argoRolloutsServiceAccount, Annotations: a.role.Annotations()},
			Controller: argoRolloutsController{
				Replicas:             2,
				Resources:            resourceValues{Requests: map[string]string{"cpu": "100m", "memory": "256Mi"}},
				PDB:                  argoPDBValues{Enabled: true, MaxUnavailable: 1},
				TrafficRouterPlugins: []argoPlugin{plugin},
				ExtraEnv: []map[string]string{
					{"name": "AWS_REGION", "value": region},
					{"name": "AWS_STS_REGIONAL_ENDPOINTS", "value": "regional"},
				},
				NodeSelector: nodeSelector,
			},
			// The chart's defaults pass Pod Security restricted already;
			// set here so that a chart upgrade cannot loosen them, and the
			// seccomp profile at pod level covers init containers added
			// through Chart.Values.
			PodSecurityContext: podSecurityValues{RunAsNonRoot: true, SeccompProfile: seccomp},
			ContainerSecurityContext: argoContainerSecurityValues{
				AllowPrivilegeEscalation: false,
				Capabilities:             map[string][]string{"drop": {"ALL"}},
				ReadOnlyRootFilesystem:   true,
				RunAsNonRoot:             true,
				SeccompProfile:           seccomp,
			},
			// Only the Gateway API provider's rules (HTTPRoutes and the
			// other routes; configmaps create/update, where the plugin
			// keeps its state) beside the core rules every install has.
			ProviderRBAC: argoProviderRBAC{Enabled: true, Providers: map[string]bool{
				"istio": false, "smi": false, "ambassador": false, "awsLoadBalancerController": false,
				"awsAppMesh": false, "traefik": false, "apisix": false, "contour": false,
				"glooPlatform": false, "gatewayAPI": true,
			}},
			Dashboard: enabledValues{Enabled: false},
			// The notification ConfigMap stays (empty: no notifiers, no
			// triggers, so nothing is sent; the controller looks it up on
			// events); no Secret.
			Notifications: argoNotifications{ConfigMap: argoCreate{Create: true}, Secret: argoCreate{Create: false}},
		},
		deps: []cdktf.ITerraformDependable{ns.Resource()},
	})
	return a, nil
}

// checkPlugin returns the plugin location and sha256 to configure, and
// reports a location that is neither https:// nor file:// and a digest that
// does not go with the location.
func checkPlugin(r *validation.Report, location, sha string) (string, string) {
	if location == "" {
		if sha != "" {
			r.Addf("PluginSHA256", "is set but PluginLocation is not; give the location of the binary whose digest this is (the default location's digest is built in)")
		}
		return gatewayAPIPluginLocation, gatewayAPIPluginSHA256
	}
	if validation.IsToken(location) {
		return location, sha
	}
	u, err := url.Parse(location)
	switch {
	case err != nil || (u.Scheme != "https" && u.Scheme != "file") || (u.Scheme == "https" && u.Host == "") || u.Host+u.Path == "":
		r.Addf("PluginLocation", "%q is not an https:// or file:// location of a plugin binary (plain http is refused)", location)
	case u.Scheme == "https" && sha == "":
		r.Addf("PluginSHA256", "is empty but PluginLocation is %q; give the sha256 of that binary, which the controller checks after each download", location)
	case u.Scheme == "file" && sha != "":
		r.Addf("PluginSHA256", "is set but PluginLocation %q is a file: Argo Rollouts checks the digest of downloaded plugins only; leave it empty", location)
	}
	if sha != "" && !sha256Hex.MatchString(sha) {
		r.Addf("PluginSHA256", "%q is not a sha256 digest (64 lowercase hex digits)", sha)
	}
	if strings.HasPrefix(location, "file:") {
		sha = ""
	}
	return location, sha
}

// Namespace returns the controller's namespace, argo-rollouts (the name,
// not a reference).
func (a *ArgoRollouts) Namespace() string { return argoRolloutsNamespace }

// Role returns the controller's IRSA role (for granting it more, such as a
// second workspace).
func (a *ArgoRollouts) Role() *eks.ServiceAccountRole { return a.role }

// PluginName returns the name Rollouts use for the Gateway API
// traffic-router plugin (spec.strategy.canary.trafficRouting.plugins),
// "argoproj-labs/gatewayAPI".
func (a *ArgoRollouts) PluginName() string { return gatewayAPIPluginName }

// Release returns the helm_release, as an escape hatch.
func (a *ArgoRollouts) Release() release.Release { return a.release }

// The typed values of the argo-rollouts chart: only the keys this package
// sets, named as in the chart's values.yaml.
type (
	argoPlugin struct {
		Name     string `json:"name"`
		Location string `json:"location"`
		SHA256   string `json:"sha256,omitempty"`
	}
	argoPDBValues struct {
		Enabled        bool `json:"enabled"`
		MaxUnavailable int  `json:"maxUnavailable"`
	}
	argoRolloutsController struct {
		Replicas             int                 `json:"replicas"`
		Resources            resourceValues      `json:"resources"`
		PDB                  argoPDBValues       `json:"pdb"`
		TrafficRouterPlugins []argoPlugin        `json:"trafficRouterPlugins"`
		ExtraEnv             []map[string]string `json:"extraEnv"`
		NodeSelector         map[string]string   `json:"nodeSelector,omitempty"`
	}
	argoContainerSecurityValues struct {
		AllowPrivilegeEscalation bool                `json:"allowPrivilegeEscalation"`
		Capabilities             map[string][]string `json:"capabilities"`
		ReadOnlyRootFilesystem   bool                `json:"readOnlyRootFilesystem"`
		RunAsNonRoot             bool                `json:"runAsNonRoot"`
		SeccompProfile           map[string]string   `json:"seccompProfile"`
	}
	argoProviderRBAC struct {
		Enabled   bool            `json:"enabled"`
		Providers map[string]bool `json:"providers"`
	}
	argoCreate struct {
		Create bool `json:"create"`
	}
	argoNotifications struct {
		ConfigMap argoCreate `json:"configmap"`
		Secret    argoCreate `json:"secret"`
	}
	argoRolloutsValues struct {
		InstallCRDs              bool                        `json:"installCRDs"`
		KeepCRDs                 bool                        `json:"keepCRDs"`
		ServiceAccount           serviceAccountValues        `json:"serviceAccount"`
		Controller               argoRolloutsController      `json:"controller"`
		PodSecurityContext       podSecurityValues           `json:"podSecurityContext"`
		ContainerSecurityContext argoContainerSecurityValues `json:"containerSecurityContext"`
		ProviderRBAC             argoProviderRBAC            `json:"providerRBAC"`
		Dashboard                enabledValues               `json:"dashboard"`
		Notifications            argoNotifications           `json:"notifications"`
	}
)
