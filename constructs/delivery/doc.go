// Package delivery delivers new versions of a Kubernetes workload as
// canaries: Argo Rollouts moves a growing share of the requests to the new
// version through a Gateway API HTTPRoute, watches the canary's error rate
// and p99 latency in Amazon Managed Service for Prometheus, and rolls back
// on its own when they go bad.
//
// # Why Argo Rollouts
//
// The platform's metrics live in an Amazon Managed Service for Prometheus
// (AMP) workspace, whose query API accepts only requests signed with AWS
// SigV4. Argo Rollouts' Prometheus provider signs its queries itself
// (authentication.sigv4, with the controller's IRSA role), so the
// analysis reads AMP directly, with no signing proxy to run and secure.
// Flagger cannot sign its queries. Traffic moves through the Gateway API
// traffic-router plugin (argoproj-labs/gatewayAPI), which sets the weights
// of the two backendRefs of an HTTPRoute: in Istio ambient mode the
// namespace's waypoint applies that route (GAMMA: the route's parent is the
// workload's Service).
//
// # What NewCanary renders
//
//   - two Services, stable and canary, selecting the pods (Argo Rollouts
//     adds the rollouts-pod-template-hash of each version to their
//     selectors while it runs; Terraform ignores that);
//   - an AnalysisTemplate "<Deployment>-canary-health" with two metrics of
//     the canary Service measured at the waypoint (Istio's
//     istio_requests_total and istio_request_duration_milliseconds_bucket
//     with reporter="waypoint"): the share of 5xx responses and the p99
//     latency;
//   - a Rollout named like the Deployment, which runs the Deployment's pod
//     template (workloadRef), moves traffic in Steps, pausing after each,
//     and runs the analysis in the background from the first step on.
//
// # Rollback
//
// A metric that fails more than Analysis.FailureLimit measurements, a
// query that errors more than four times in a row (AMP unreachable or the
// controller's role denied), or a rollout that makes no progress within
// ProgressDeadlineSeconds (progressDeadlineAbort: canary pods that never
// become ready) aborts the rollout. Abort is the rollback: the plugin sets
// the HTTPRoute back to all requests on the stable Service at once, and
// the canary's pods are scaled down 30 seconds later
// (abortScaleDownDelaySeconds). The stable version never stopped serving,
// so nothing is redeployed. The Rollout stays Degraded until a new pod
// template is applied (or kubectl argo rollouts retry).
//
// # No traffic
//
// A measurement whose query finds no requests to the canary (an empty
// result, or NaN from a rate of zero over zero) is inconclusive, never a
// pass: a broken scrape path (a waypoint down, a security group, a
// relabelling) looks exactly like no traffic, and must not promote a
// version nobody measured. More inconclusive measurements than
// FailureLimit make the analysis inconclusive, which pauses the rollout
// until a person promotes or aborts it (kubectl argo rollouts promote or
// abort). Analysis.MinRequests raises the bar for judging at all: with
// fewer requests in the window the measurement is inconclusive too. The
// conditions say so in the JSON: successCondition "len(result) > 0 &&
// !isNaN(result[0]) && result[0] <= 1", failureCondition the same with
// "> 1". Rates are taken over at least two minutes (four scrapes of the
// managed collector), so one missed scrape does not empty them. The pods'
// own readiness still gates every step, and a canary that never becomes
// ready aborts at the progress deadline.
//
// # Stacks
//
// The Rollout and the AnalysisTemplate are kubernetes_manifest resources
// of Argo Rollouts' CRDs, which Terraform reads while planning: they belong
// in a stack applied after the one installing the Argo Rollouts chart (with
// its CRDs, the gatewayAPI plugin, RBAC for HTTPRoutes, and an IRSA role
// allowed aps:QueryMetrics on the workspace), such as the workloads stack
// beside the HTTPRoute. The Deployment may be Terraform's (kube.Workload
// with ProgressiveDelivery, see FromWorkload) or someone else's, such as
// one Argo CD syncs from a tenant's repository.
//
// The HTTPRoute is NewCanary's with Frontend, or else someone else's (a
// mesh route with ManagedWeights): it names the stable and canary Services
// (StableService, CanaryService, on Port) as its backendRefs, stable with
// all the weight and the canary none, the state every finished or aborted
// rollout leaves. The weights are computed fields: Terraform never plans a
// change of them. The plugin writes them as a field manager of its own, so
// a Terraform apply that changes something else on the route while a
// rollout runs fails with a field-manager conflict: change a route between
// rollouts.
package delivery
