package delivery

import (
	"fmt"
	"regexp"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/manifest"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/servicev1"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/istio"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/kube"
)

// How the Rollout treats the Deployment it takes the pod template from
// (Target.ScaleDown, Argo Rollouts' workloadRef.scaleDown).
const (
	// ScaleDownNever leaves the Deployment's replicas alone: for a
	// Deployment that runs no pods itself, such as a kube.Workload with
	// ProgressiveDelivery (replicas 0).
	ScaleDownNever = "never"
	// ScaleDownProgressively scales the Deployment down as the Rollout's
	// pods become available: for a Deployment that runs pods today, whose
	// traffic the Rollout takes over.
	ScaleDownProgressively = "progressively"
	// ScaleDownOnSuccess scales the Deployment to zero once the Rollout is
	// healthy.
	ScaleDownOnSuccess = "onsuccess"
)

// PluginName is the name under which the Gateway API traffic-router
// plugin is registered with Argo Rollouts (the chart's trafficRouterPlugins).
const PluginName = "argoproj-labs/gatewayAPI"

// Defaults of CanaryProps.
const (
	// DefaultPauseSeconds is a step's pause when Step.PauseSeconds is 0.
	DefaultPauseSeconds = 120
	// DefaultProgressDeadlineSeconds is CanaryProps.ProgressDeadlineSeconds
	// when 0.
	DefaultProgressDeadlineSeconds = 600
	// AbortScaleDownDelaySeconds is how long a canary's pods keep running
	// after an abort sent all traffic back to stable, so requests in flight
	// finish.
	AbortScaleDownDelaySeconds = 30
	// RevisionHistoryLimit is how many old ReplicaSets a Rollout keeps.
	RevisionHistoryLimit = 5
)

// DefaultSteps are the steps of a canary given none: 10, 25, 50 and 75
// percent of requests, two minutes each, then full promotion.
func DefaultSteps() []Step {
	return []Step{{Weight: 10, PauseSeconds: 120}, {Weight: 25, PauseSeconds: 120}, {Weight: 50, PauseSeconds: 120}, {Weight: 75, PauseSeconds: 120}}
}

// Target is the Deployment whose pod template a Rollout runs
// (workloadRef), and how to reach its pods. FromWorkload fills it from a
// kube.Workload; for a Deployment made elsewhere (for example synced by
// Argo CD from a tenant's repository) give its fields.
type Target struct {
	// Namespace of the Deployment, the Rollout, the Services and the
	// HTTPRoute. Required.
	Namespace string
	// Deployment whose pod template the Rollout runs; the Rollout takes
	// its name. Required.
	Deployment string
	// PodLabels are labels of the Deployment's pod template that select
	// its pods (the Deployment's selector): the Rollout's selector and the
	// stable and canary Services' selectors. Required.
	PodLabels map[string]string
	// Port the pods listen on (HTTP); the stable and canary Services
	// listen on it too and forward to it, so the HTTPRoute's backendRefs
	// name this port. Required.
	Port int
	// ScaleDown says what becomes of the Deployment's own pods:
	// ScaleDownNever for a Deployment kept at 0 replicas (kube
	// ProgressiveDelivery), ScaleDownProgressively when the Deployment is
	// someone else's and runs pods, ScaleDownOnSuccess to scale it to zero
	// once the Rollout is healthy.
	// Default: ScaleDownNever from FromWorkload, else ScaleDownProgressively
	ScaleDown string

	// workload is the kube.Workload FromWorkload was given; fromWorkload
	// tells FromWorkload(nil) from a Target given field by field.
	workload     *kube.Workload
	fromWorkload bool
}

// FromWorkload is the Target of a kube.Workload made with
// ProgressiveDelivery: its namespace, Deployment, pod selector and
// container port, with ScaleDownNever (its Deployment stays at 0
// replicas). NewCanary refuses a workload without ProgressiveDelivery.
func FromWorkload(w *kube.Workload) Target {
	if w == nil {
		return Target{fromWorkload: true}
	}
	return Target{
		Namespace: w.Namespace(), Deployment: w.Name(), PodLabels: w.PodSelector(), Port: w.Port(),
		ScaleDown: ScaleDownNever, workload: w, fromWorkload: true,
	}
}

// Step sends Weight percent of the requests to the canary, then pauses.
type Step struct {
	// Weight is the percentage of requests the canary gets: 1 to 99, each
	// step's above the previous one's (after the last step the canary is
	// promoted to 100). Required.
	Weight int
	// PauseSeconds is how long the rollout stays at Weight before the next
	// step, while the analysis keeps measuring: 1 to 86400.
	// Default: 120
	PauseSeconds int
}

// CanaryProps configures a canary delivery.
type CanaryProps struct {
	// Target is the Deployment and its pods: FromWorkload(w), or its
	// fields given one by one. Required.
	Target
	// HTTPRoute is the name of the Gateway API HTTPRoute, in Namespace,
	// whose weights the Rollout moves: it must list StableService and
	// CanaryService (on Port) as its two backendRefs (a mesh route with
	// ManagedWeights, mesh.VirtualService.HTTPRouteName). With Frontend,
	// NewCanary renders it.
	// Default: Deployment, with Frontend; required without
	HTTPRoute string
	// Frontend is the Service, in Namespace, that clients call (deployed
	// by you or by a tenant's repository) when no mesh route exists: NewCanary
	// then renders the HTTPRoute itself, attached to that Service
	// (Gateway API for meshes: the namespace's Istio waypoint applies it),
	// sending everything to StableService at first. Argo Rollouts moves
	// the weights; they are computed fields, which Terraform leaves alone.
	// Default: - none: the HTTPRoute exists already
	Frontend string
	// StableService is the name of the Service NewCanary creates for the
	// stable version's pods (an RFC 1035 label): not the workload's own
	// Service, whose selector Argo Rollouts would narrow.
	// Default: Deployment + "-stable"
	StableService string
	// CanaryService is the name of the Service NewCanary creates for the
	// canary's pods (an RFC 1035 label), whose requests the analysis
	// measures.
	// Default: Deployment + "-canary"
	CanaryService string
	// Replicas is the Rollout's replica count, for a Rollout no HPA
	// scales (such as one taking over someone else's Deployment, which
	// would otherwise drop to one pod). Leave it 0 when an HPA targets the
	// Rollout (kube ProgressiveDelivery): Terraform would undo its scaling.
	// Default: - none rendered: the HPA sets it (Argo Rollouts starts at 1)
	Replicas int
	// Steps move traffic to the canary, in order.
	// Default: DefaultSteps(): 10, 25, 50, 75 percent, 2 minutes each
	Steps []Step
	// Analysis judges the canary's health. Required (PrometheusURL and
	// Region).
	Analysis Analysis
	// ProgressDeadlineSeconds is how long the rollout may go without
	// progress (new pods not becoming available; pauses do not count)
	// before it aborts: 60 to 86400.
	// Default: 600
	ProgressDeadlineSeconds int
}

// Canary is an Argo Rollout that delivers a Deployment's new versions as
// canaries, with its stable and canary Services and its AnalysisTemplate.
type Canary struct {
	constructs.Construct
	name, namespace string
	stableName      string
	canaryName      string
	stable, canary  servicev1.ServiceV1
	template        manifest.Manifest
	rollout         manifest.Manifest
	route           manifest.Manifest
}

// NewCanary creates the stable and canary Services, the AnalysisTemplate
// "<Deployment>-canary-health" and the Rollout "<Deployment>" (see the
// package documentation for what each does and the stack order they need).
// It returns every problem with props at once, joined, each a
// *validate.FieldError wrapping validate.ErrInvalid: missing or malformed
// names, labels and ports, a FromWorkload target without
// ProgressiveDelivery, service names that clash, steps whose weights are
// outside 1..99 or do not increase, pauses too short for the analysis to
// abort a failing canary, and an analysis that is not an HTTPS Amazon
// Managed Prometheus workspace endpoint with its region and thresholds in
// range.
func NewCanary(scope constructs.Construct, id string, props CanaryProps) (*Canary, error) {
	r := validation.ForConstruct("delivery", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	p := props.withDefaults()
	p.check(r, props)
	if err := r.Err(); err != nil {
		return nil, err
	}
	c := &Canary{name: p.Deployment, namespace: p.Namespace, stableName: p.StableService, canaryName: p.CanaryService}
	constructs.NewConstruct_Override(c, scope, &id)
	// A workload's objects name its namespace by value: wait for its
	// Deployment, which waits for the namespace.
	var after []cdktf.ITerraformDependable
	if p.workload != nil {
		after = append(after, p.workload.Deployment())
	}
	c.stable = p.service(c, "stable-service", p.StableService, after)
	c.canary = p.service(c, "canary-service", p.CanaryService, after)
	if p.Frontend != "" {
		c.route = manifest.NewManifest(c, ptr.String("route"), &manifest.ManifestConfig{
			Manifest: p.route(),
			// Argo Rollouts owns the weights while a rollout runs.
			ComputedFields: ptr.Strings([]string{"metadata.annotations", "metadata.labels", "spec.rules[0].backendRefs[0].weight", "spec.rules[0].backendRefs[1].weight"}),
			DependsOn:      dependsOn(after),
		})
	}
	c.template = manifest.NewManifest(c, ptr.String("analysis-template"), &manifest.ManifestConfig{Manifest: p.analysisTemplate(), DependsOn: dependsOn(after)})
	c.rollout = manifest.NewManifest(c, ptr.String("rollout"), &manifest.ManifestConfig{
		Manifest: p.rollout(),
		// Deleting it waits for its pods to terminate (ForegroundDeletion):
		// longer than the provider's 10 minutes for long grace periods.
		Timeouts: &manifest.ManifestTimeouts{Delete: ptr.String(rolloutDeleteTimeout)},
		// The Rollout runs its analysis by the template's name: create the
		// template first.
		DependsOn: dependsOn(append(c.rolloutNeeds(), after...)),
	})
	return c, nil
}

func (p CanaryProps) withDefaults() CanaryProps {
	if p.ScaleDown == "" {
		p.ScaleDown = ScaleDownProgressively
		if p.fromWorkload {
			p.ScaleDown = ScaleDownNever
		}
	}
	if p.HTTPRoute == "" && p.Frontend != "" {
		p.HTTPRoute = p.Deployment
	}
	if p.StableService == "" && p.Deployment != "" {
		p.StableService = p.Deployment + "-stable"
	}
	if p.CanaryService == "" && p.Deployment != "" {
		p.CanaryService = p.Deployment + "-canary"
	}
	if p.Steps == nil {
		p.Steps = DefaultSteps()
	} else {
		p.Steps = append([]Step(nil), p.Steps...)
		for i := range p.Steps {
			if p.Steps[i].PauseSeconds == 0 {
				p.Steps[i].PauseSeconds = DefaultPauseSeconds
			}
		}
	}
	if p.ProgressDeadlineSeconds == 0 {
		p.ProgressDeadlineSeconds = DefaultProgressDeadlineSeconds
	}
	p.Analysis = p.Analysis.withDefaults()
	return p
}

// rfc1035 is the rule for Service names: a DNS label starting with a
// letter.
var rfc1035 = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)

// check reports every problem of p, the props with defaults; given are
// the props as the caller gave them.
func (p CanaryProps) check(r *validation.Report, given CanaryProps) {
	t := p.Target
	if t.fromWorkload {
		switch {
		case t.workload == nil:
			r.Addf("Target", "is FromWorkload(nil); pass the *kube.Workload whose pods to deliver")
		case !t.workload.ProgressiveDelivery():
			r.Addf("Target", "workload %s/%s was made without ProgressiveDelivery: its Deployment runs its own pods, scaled by its HPA, beside the Rollout's; set WorkloadProps.ProgressiveDelivery", t.Namespace, t.Deployment)
		}
	}
	if !t.fromWorkload || t.workload != nil {
		p.checkTarget(r, given)
	}
	p.checkRollout(r)
}

// checkTarget reports the problems of the Target and the names derived
// from it.
func (p CanaryProps) checkTarget(r *validation.Report, given CanaryProps) {
	t := p.Target
	checkName(r, "Namespace", t.Namespace, validation.DNSLabel, "a DNS label (lowercase letters, digits and '-', at most 63)", "such as \"shop\"")
	checkName(r, "Deployment", t.Deployment, validation.DNSLabel, "a DNS label (lowercase letters, digits and '-', at most 63); it names the Rollout too", "such as \"orders\"")
	service := func(s string) bool { return len(s) <= 63 && rfc1035.MatchString(s) }
	const serviceRule = "a Service name (RFC 1035 label: a lowercase letter, then letters, digits and '-', at most 63)"
	// Empty only when Deployment is, which is reported already.
	if p.StableService != "" {
		checkName(r, "StableService", p.StableService, service, serviceRule+defaulted(given.StableService, "-stable"), "")
	}
	if p.CanaryService != "" {
		checkName(r, "CanaryService", p.CanaryService, service, serviceRule+defaulted(given.CanaryService, "-canary"), "")
	}
	if p.StableService != "" && p.StableService == p.CanaryService {
		r.Addf("CanaryService", "%q is also StableService; the canary needs a Service of its own", p.CanaryService)
	}
	if w := t.workload; w != nil {
		for _, f := range [][2]string{{"StableService", p.StableService}, {"CanaryService", p.CanaryService}} {
			if f[1] == w.ServiceName() {
				r.Addf(f[0], "%q is the workload's own Service, which selects every version's pods; Argo Rollouts would narrow it to one version", f[1])
			}
		}
	}
	if len(t.PodLabels) == 0 {
		r.Addf("PodLabels", "is empty; give the labels that select the Deployment's pods, such as {\"app.kubernetes.io/name\": \"orders\"}")
	}
	for _, k := range ptr.SortedKeys(t.PodLabels) {
		v := t.PodLabels[k]
		switch {
		case !validation.LabelKey(k):
			r.Addf("PodLabels", "key %q is not a label key ([prefix/]name)", k)
		case k == "rollouts-pod-template-hash":
			r.Addf("PodLabels", "key %q is Argo Rollouts' own, set per version at run time; give the Deployment's selector labels", k)
		case !validation.LabelValue(v) && !validation.IsToken(v):
			r.Addf("PodLabels", "value %q of %q is not a label value (at most 63 letters, digits, '-', '_', '.')", v, k)
		}
	}
	if t.Port < 1 || t.Port > 65535 {
		r.Addf("Port", "%d is not a port (1-65535); give the port the pods serve HTTP on", t.Port)
	}
	if !validation.OneOf(t.ScaleDown, ScaleDownNever, ScaleDownProgressively, ScaleDownOnSuccess) {
		r.Addf("ScaleDown", "%q is not a scale-down mode; use %q, %q or %q", t.ScaleDown, ScaleDownNever, ScaleDownProgressively, ScaleDownOnSuccess)
	}
}

// checkRollout reports the problems of the Rollout's settings, its steps
// and its analysis.
func (p CanaryProps) checkRollout(r *validation.Report) {
	t := p.Target
	checkName(r, "HTTPRoute", p.HTTPRoute, validation.DNSSubdomain, "a Kubernetes object name (DNS subdomain)", "the name of the HTTPRoute whose backendRefs are the stable and canary Services (mesh.VirtualService.HTTPRouteName returns \"\" for a route the intent does not have), or Frontend for NewCanary to render it")
	if p.Frontend != "" {
		checkName(r, "Frontend", p.Frontend, rfc1035.MatchString, "a Service name (RFC 1035 label)", "")
		if p.Frontend == p.StableService || p.Frontend == p.CanaryService {
			r.Addf("Frontend", "%q is also the stable or canary Service; the frontend is the Service clients call, apart from both", p.Frontend)
		}
	}
	switch {
	case p.Replicas < 0 || p.Replicas > 1000:
		r.Addf("Replicas", "%d is not between 0 (the HPA sets it) and 1000", p.Replicas)
	case p.Replicas > 0 && t.workload != nil:
		r.Addf("Replicas", "is %d but the workload's HPA scales the Rollout; leave it 0, or Terraform undoes the HPA's scaling", p.Replicas)
	}
	if p.ProgressDeadlineSeconds < 60 || p.ProgressDeadlineSeconds > 86400 {
		r.Addf("ProgressDeadlineSeconds", "%d is not between 60 and 86400", p.ProgressDeadlineSeconds)
	}
	before := r.Len()
	if len(p.Steps) == 0 {
		r.Addf("Steps", "is empty; give at least one step, or leave Steps nil for DefaultSteps()")
	}
	total := 0
	for i, s := range p.Steps {
		field := fmt.Sprintf("Steps[%d]", i)
		switch {
		case s.Weight < 1 || s.Weight > 99:
			r.Addf(field+".Weight", "%d is not a percentage between 1 and 99 (after the last step the canary gets 100)", s.Weight)
		case i > 0 && s.Weight <= p.Steps[i-1].Weight:
			r.Addf(field+".Weight", "%d is not above Steps[%d].Weight %d; weights must increase", s.Weight, i-1, p.Steps[i-1].Weight)
		}
		if s.PauseSeconds < 1 || s.PauseSeconds > 86400 {
			r.Addf(field+".PauseSeconds", "%d is not between 1 and 86400 (0 takes the default %d)", s.PauseSeconds, DefaultPauseSeconds)
		}
		total += s.PauseSeconds
	}
	a := p.Analysis
	a.check(r)
	// Measurements start a rate window after the first step, then come
	// every interval; the (FailureLimit+1)th failure aborts. Pauses
	// shorter than that promote a failing canary before the analysis can
	// stop it.
	if need := a.windowSeconds() + a.IntervalSeconds*a.FailureLimit; before == r.Len() && total < need {
		r.Addf("Steps", "pause %ds in all, less than the %ds (the first measurement after %ds, then Analysis.IntervalSeconds %d × Analysis.FailureLimit %d) the analysis needs to abort a failing canary before full promotion; lengthen the pauses or shorten the interval",
			total, need, a.windowSeconds(), a.IntervalSeconds, a.FailureLimit)
	}
}

// defaulted explains a bad service name that was not given, and so came
// from the Deployment's name.
func defaulted(given, suffix string) string {
	if given == "" {
		return "; it defaults to Deployment + \"" + suffix + "\": give it when that is too long"
	}
	return ""
}

// checkName reports an empty name, or one that ok refuses; tokens pass.
func checkName(r *validation.Report, field, v string, ok func(string) bool, rule, hint string) {
	switch {
	case v == "":
		if hint != "" {
			r.Addf(field, "is empty; give %s", hint)
		} else {
			r.Addf(field, "is empty; give %s", rule)
		}
	case validation.IsToken(v):
	case !ok(v):
		r.Addf(field, "%q is not %s", v, rule)
	}
}

// labels are the labels of every object NewCanary creates.
var labels = map[string]string{"app.kubernetes.io/managed-by": "hybridstack"}

// service creates a Service selecting the pods on Port. Argo Rollouts adds
// rollouts-pod-template-hash to its selector and its managed-by-rollouts
// annotation while it runs: Terraform leaves both alone.
func (p CanaryProps) service(scope constructs.Construct, id, name string, after []cdktf.ITerraformDependable) servicev1.ServiceV1 {
	return servicev1.NewServiceV1(scope, ptr.String(id), &servicev1.ServiceV1Config{
		DependsOn: dependsOn(after),
		Metadata:  &servicev1.ServiceV1Metadata{Name: ptr.String(name), Namespace: ptr.String(p.Namespace), Labels: ptr.Map(labels)},
		Spec: &servicev1.ServiceV1Spec{
			Type:     ptr.String("ClusterIP"),
			Selector: ptr.Map(p.PodLabels),
			Port:     istio.HTTPPort(p.Port),
		},
		Lifecycle: &cdktf.TerraformResourceLifecycle{IgnoreChanges: ptr.Strings([]string{"metadata[0].annotations", "spec[0].selector"})},
	})
}

// rolloutNeeds are the objects the Rollout names: its template, both
// Services and, with Frontend, the route.
func (c *Canary) rolloutNeeds() []cdktf.ITerraformDependable {
	needs := []cdktf.ITerraformDependable{c.template, c.stable, c.canary}
	if c.route != nil {
		needs = append(needs, c.route)
	}
	return needs
}

// dependsOn is a depends_on list, or nil for none.
func dependsOn(after []cdktf.ITerraformDependable) *[]cdktf.ITerraformDependable {
	if len(after) == 0 {
		return nil
	}
	return &after
}

// route is the HTTPRoute NewCanary renders with Frontend: attached to the
// frontend Service, everything to the stable Service until a rollout
// moves the weights.
func (p CanaryProps) route() *map[string]any {
	backend := func(name string, weight int) map[string]any {
		return map[string]any{"name": name, "port": p.Port, "weight": weight}
	}
	return &map[string]any{
		"apiVersion": "gateway.networking.k8s.io/v1",
		"kind":       "HTTPRoute",
		"metadata":   map[string]any{"name": p.HTTPRoute, "namespace": p.Namespace, "labels": labels},
		"spec": map[string]any{
			"parentRefs": []any{map[string]any{"group": "", "kind": "Service", "name": p.Frontend, "port": p.Port}},
			"rules": []any{map[string]any{
				"matches":     []any{map[string]any{"path": map[string]any{"type": "PathPrefix", "value": "/"}}},
				"backendRefs": []any{backend(p.StableService, 100), backend(p.CanaryService, 0)},
			}},
		},
	}
}

// Route returns the HTTPRoute NewCanary rendered (with Frontend), or nil.
func (c *Canary) Route() manifest.Manifest { return c.route }

// templateName is the AnalysisTemplate's name.
func (p CanaryProps) templateName() string { return p.Deployment + "-canary-health" }

// rollout is the Rollout's manifest.
func (p CanaryProps) rollout() *map[string]any {
	var steps []any
	for _, s := range p.Steps {
		steps = append(steps,
			map[string]any{"setWeight": s.Weight},
			map[string]any{"pause": map[string]any{"duration": fmt.Sprintf("%ds", s.PauseSeconds)}},
		)
	}
	spec := map[string]any{
		"revisionHistoryLimit":    RevisionHistoryLimit,
		"progressDeadlineSeconds": p.ProgressDeadlineSeconds,
		// A rollout stuck past the deadline aborts (traffic back to
		// stable) instead of waiting half-done.
		"progressDeadlineAbort": true,
		"selector":              map[string]any{"matchLabels": p.PodLabels},
		"workloadRef": map[string]any{
			"apiVersion": "apps/v1", "kind": "Deployment", "name": p.Deployment, "scaleDown": p.ScaleDown,
		},
		"strategy": map[string]any{"canary": map[string]any{
			"stableService":              p.StableService,
			"canaryService":              p.CanaryService,
			"abortScaleDownDelaySeconds": AbortScaleDownDelaySeconds,
			"trafficRouting": map[string]any{"plugins": map[string]any{
				PluginName: map[string]any{"httpRoute": p.HTTPRoute, "namespace": p.Namespace, "configMap": pluginConfigMapName(p.Deployment)},
			}},
			"steps": steps,
			// Background analysis from step 1, the first pause: the canary
			// has its first share of requests by then.
			"analysis": map[string]any{
				"templates":    []any{map[string]any{"templateName": p.templateName()}},
				"startingStep": 1,
			},
		}},
	}
	if p.Replicas > 0 {
		spec["replicas"] = p.Replicas
	}
	return &map[string]any{
		"apiVersion": kube.RolloutAPIVersion,
		"kind":       "Rollout",
		"metadata": map[string]any{
			"name": p.Deployment, "namespace": p.Namespace, "labels": labels,
			// Deleting the Rollout waits for what it owns: the garbage
			// collector deletes its ReplicaSets and their pods first, and
			// Terraform waits until the Rollout is gone. Without it the
			// pods would still be terminating while Terraform deletes what
			// they use (their service account, policies, grants).
			"finalizers": []string{ForegroundDeletion},
		},
		"spec": spec,
	}
}

// ForegroundDeletion is the finalizer that makes a deletion wait for the
// object's dependents (Kubernetes' foreground cascading deletion). The
// Rollout carries it.
const ForegroundDeletion = "foregroundDeletion"

// pluginConfigMapName is the ConfigMap in which the traffic router plugin
// records the routes it manages for the Rollout rollout: one per Rollout,
// so that two canaries in a namespace never rewrite each other's (the
// plugin's default, argo-gatewayapi-configmap, is shared).
func pluginConfigMapName(rollout string) string { return rollout + "-gatewayapi-routes" }

// rolloutDeleteTimeout is how long Terraform waits for a Rollout's
// deletion, and so for its pods to terminate.
const rolloutDeleteTimeout = "30m"

// Name returns the name of the Rollout (the Deployment's).
func (c *Canary) Name() string { return c.name }

// PluginConfigMap returns the name of the ConfigMap the traffic router
// plugin writes in the Rollout's namespace (the routes it manages). No
// one but the plugin makes it: a tenant's AppProject should not report it
// as orphaned (tenancy.Tenant.IgnoreOrphan).
func (c *Canary) PluginConfigMap() string { return pluginConfigMapName(c.name) }

// Namespace returns the namespace of the Rollout and its Services.
func (c *Canary) Namespace() string { return c.namespace }

// StableService returns the name of the stable Service, for the
// HTTPRoute's backendRefs.
func (c *Canary) StableService() string { return c.stableName }

// CanaryService returns the name of the canary Service, for the
// HTTPRoute's backendRefs.
func (c *Canary) CanaryService() string { return c.canaryName }

// Rollout returns the Rollout's kubernetes_manifest resource, as an escape
// hatch.
func (c *Canary) Rollout() manifest.Manifest { return c.rollout }

// AnalysisTemplate returns the AnalysisTemplate's kubernetes_manifest
// resource, as an escape hatch.
func (c *Canary) AnalysisTemplate() manifest.Manifest { return c.template }

// Services returns the stable and canary kubernetes_service_v1 resources,
// as escape hatches.
func (c *Canary) Services() (stable, canary servicev1.ServiceV1) { return c.stable, c.canary }
