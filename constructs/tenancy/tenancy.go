// Package tenancy onboards tenants onto a shared EKS cluster: one call
// (Platform.AddTenant) gives a team its namespace and every guardrail
// around it:
//
//   - the namespace, with Pod Security Admission restricted;
//   - a ResourceQuota and a LimitRange from the tenant's tier, validated,
//     and checked against the platform's capacity so that the quotas of all
//     tenants together never promise more than the cluster has;
//   - NetworkPolicies: default-deny in both directions, then same-namespace
//     traffic, DNS, the load balancer subnets and the mesh on the tenant's
//     ports, and named shared services; nothing from or to other tenants
//     but the services a tenant shares with named callers
//     (TenantProps.Services), each opened to its callers' namespaces and
//     from their pods;
//   - with PlatformProps.AmbientMesh, Istio ambient mode: the namespace
//     labelled into the mesh with a waypoint of its own, PeerAuthentication
//     STRICT, and an identity fence of AuthorizationPolicies (the
//     namespace's own service accounts on every pod and at the waypoint;
//     per shared Service, at the waypoint, exactly one principal per
//     caller tenant), with NetworkPolicies for the mesh's port 15008 and
//     the probes of ambient pods (see AmbientMesh);
//   - a Role and RoleBinding for the team's Kubernetes group, and an EKS
//     access entry mapping the team's IAM role to that group with a
//     namespace-scoped view policy;
//   - an IAM role for the tenant's workloads (IRSA or Pod Identity) allowed
//     only its own S3 prefix, Kafka topics and consumer groups;
//   - with PlatformProps.Telemetry, a log group of its own that its
//     namespace's container logs go to and its workload role may read
//     (and no other group), and egress to the cluster's OpenTelemetry
//     collector;
//   - an EFS access point with the tenant's POSIX identity and directory,
//     and a static volume for it bound to the tenant's claim alone (IAM is
//     no fence there: the EFS CSI driver mounts as its node plugin, never
//     as the pod);
//   - an Argo CD AppProject confined to the namespace and the tenant's
//     repositories, with no cluster-scoped kinds, syncing as the tenant's
//     service account argocd-sync (sync impersonation), which holds the
//     team's Role and nothing else, and optionally the Application that
//     deploys the tenant, created after every guardrail and destroyed
//     before them (with Argo CD's cascade finalizer, so the tenant's pods
//     are gone before its claim and namespace are deleted).
//
// Two meshes may carry tenants' calls, and a platform may have both.
// PlatformProps.Mesh (VPC Lattice) is for calls between compute types
// (Lambda or ECS to and from the cluster, other VPCs), authorized by IAM
// through each tenant role's MeshTagKey tag. PlatformProps.AmbientMesh
// (Istio) is for east-west calls between tenants inside the cluster:
// mTLS with workload identities, L7 policy and routes at each tenant's
// waypoint, canaries. With both, tenants still call Lattice services
// (ztunnel passes traffic to addresses outside the mesh through), and the
// pods Lattice or the load balancers reach are named in
// TenantProps.EdgePodLabels, the one plaintext exception to STRICT mTLS.
//
// A tenant shares a service by naming its callers in TenantProps.Services;
// callers may be added before or after it. Without AmbientMesh the callers'
// namespaces reach the service's pods on its port (NetworkPolicy only);
// with it they reach the tenant's waypoint on 15008, which admits each
// caller's service account to that Service and to nothing else.
// Platform.Check, run again at synthesis, reports callers that never
// became tenants.
//
// No path gives a tenant cluster-scoped rights: the Role is namespaced,
// the access policy is scoped to the namespace, the AppProject whitelists
// no cluster-scoped kind and blacklists the guardrails themselves
// (quota, limits, network policies, RBAC) and the tenant's storage
// (PersistentVolumeClaims: the platform provisions them).
//
// Sync impersonation needs Argo CD 2.13 or later with
// application.sync.impersonation.enabled "true" in argocd-cm
// (kube.ControllersProps.ArgoCDSyncImpersonation): without it Argo CD
// ignores the project's destinationServiceAccounts and syncs as its own
// controller. It is off by default there, because with it on every
// AppProject of the cluster needs destinationServiceAccounts.
//
// The Kubernetes objects need the kubernetes provider (kube.NewProviders)
// in the tenants' stack, after the stack that installs Argo CD: the
// AppProject and Application are custom resources whose schema Terraform
// reads while planning.
package tenancy

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/manifest"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/kafka"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/storage"
)

// PlatformProps configures what all tenants of one cluster share.
type PlatformProps struct {
	// Cluster the tenants run on; it may live in another stack of the same
	// app. Required.
	Cluster eks.ClusterRef
	// Capacity is what the tenants' quotas may promise together
	// (requests.cpu and requests.memory summed over every tenant). A tenant
	// that would push the sum past it is refused.
	// Default: - no limit
	Capacity kube.Resources
	// Bucket holds every tenant's objects, each under its own prefix
	// (TenantProps.BucketPrefix).
	// Default: - no bucket access
	Bucket storage.BucketRef
	// Kafka is the MSK cluster the tenants' topics live on, each tenant's
	// under the prefix "<tenant>.".
	// Default: - no Kafka access
	Kafka *kafka.Cluster
	// FileSystem gets an access point per tenant (TenantProps.UID/GID), a
	// static PersistentVolume for it and a PersistentVolumeClaim "shared"
	// in the tenant's namespace bound to that volume alone.
	// Default: - no shared file system
	FileSystem *storage.FileSystem
	// StorageClass is the EFS CSI StorageClass the tenants' static
	// volumes name.
	// Default: "efs"
	StorageClass string
	// LoadBalancerCIDRs are the subnets of the internal load balancers
	// that front tenants (network.VPC.LoadBalancerSubnetCIDRs): pods of a
	// tenant admit them on TenantProps.IngressPorts. They must hold no
	// pods, or the rule would admit other tenants' pods too.
	// Default: - no load balancer path
	LoadBalancerCIDRs []string
	// Mesh lets every tenant call VPC Lattice services (169.254.171.0/24,
	// where their names resolve) on MeshListenerPorts, admits Lattice to
	// the ports in TenantProps.MeshPorts, and tags each tenant role with
	// MeshTagKey=<tenant> for mesh.VirtualServiceProps.AllowedPrincipalTags.
	// Use it for calls between compute types (Lambda, ECS, other VPCs and
	// EKS), authorized by IAM; use AmbientMesh for east-west calls between
	// tenants inside the cluster. Both may be set.
	// Default: false
	Mesh bool
	// MeshListenerPorts are the ports the mesh's services listen on.
	// Default: [80, 443]
	MeshListenerPorts []int
	// EgressRules are destinations outside the cluster every tenant may
	// reach (AWS endpoints, Kafka brokers). Kafka and FileSystem add none:
	// list the broker subnets here.
	// Default: - none
	EgressRules []EgressRule
	// SharedServices are in-cluster services tenants may call when they
	// name them in TenantProps.SharedServices.
	// Default: - none
	SharedServices []SharedService
	// ArgoCDNamespace is where Argo CD runs and its AppProjects and
	// Applications live.
	// Default: "argocd"
	ArgoCDNamespace string
	// AmbientMesh enrols every tenant namespace in Istio ambient mode
	// (mTLS with workload identities between all meshed pods, a waypoint
	// per tenant) and fences tenants by identity as well as by
	// NetworkPolicy: a tenant's pods accept connections from its own
	// namespace only, and other tenants reach a tenant's shared services
	// (TenantProps.Services) through its waypoint, each admitted caller by
	// exactly one principal (its service account). See AmbientMesh. The
	// Istio CRDs and istiod, istio-cni and ztunnel must be installed by an
	// earlier stack.
	// Default: - no Istio objects; tenants are fenced by NetworkPolicy only
	AmbientMesh *AmbientMesh
	// Telemetry gives every tenant a log group of its own,
	// /hybridstack/<cluster>/tenant-<name> (its namespace labelled
	// telemetry.LogGroupLabel=tenant-<name>, which Fluent Bit routes by),
	// that its workload role may read, a CloudWatch dashboard of its
	// namespace, and lets its pods reach the cluster's OpenTelemetry
	// collector (telemetry.NewCollectors in the add-ons stack) on the OTLP
	// ports.
	// Default: - none: the tenants' logs go to the cluster's platform log
	// group, and no egress to the collector
	Telemetry *Telemetry
}

// EgressRule admits traffic to a CIDR on some TCP ports.
type EgressRule struct {
	// Name says what the destination is ("vpc-endpoints"). Required.
	Name string
	// CIDR is the destination range; 0.0.0.0/0 only with Except. Required.
	CIDR string
	// Except are ranges inside CIDR that stay closed (such as the VPC's,
	// where other tenants' pods live, when CIDR is 0.0.0.0/0).
	// Default: - none
	Except []string
	// Ports are TCP ports. Required.
	Ports []int
}

// SharedService is an in-cluster service that tenants may call.
type SharedService struct {
	// Name is how tenants refer to it. Required.
	Name string
	// Namespace of its pods. Required.
	Namespace string
	// PodLabels select its pods. Required.
	PodLabels map[string]string
	// Ports are its pods' TCP ports. Required.
	Ports []int
}

// MeshTagKey is the IAM tag every tenant role carries when the platform
// has a mesh, with the tenant's name as its value.
const MeshTagKey = "hybridstack-tenant"

// LatticeCIDR is VPC Lattice's link-local range (its managed prefix list
// for IPv4): service names resolve into it, and Lattice forwards from it.
const LatticeCIDR = "169.254.171.0/24"

// podIdentityAgent is the EKS Pod Identity agent's address on every node.
const podIdentityAgent = "169.254.170.23/32"

// Platform is the shared context of the tenants of one cluster. It keeps
// the tenants' names, IAM principals and POSIX identities unique and
// their quotas within Capacity.
type Platform struct {
	constructs.Construct
	props   PlatformProps
	tenants map[string]*Tenant
	// order is the tenants' names in the order they were added.
	order []string
	// Sums of the quotas' requests, against Capacity.
	cpu, memory float64
	teamRoles   map[string]string
	uids        map[int]string
	// Looked up once: each lookup is a round trip to the jsii runtime,
	// and a platform may hold hundreds of tenants.
	env         awsenv.Env
	clusterName string
	// admission is the platform's admission policy and binding: every
	// Application waits for them.
	admission []cdktf.ITerraformDependable
}

// NewPlatform checks props and returns the platform tenants are added
// to. It creates no resources itself. It returns every problem with props
// at once, joined, each a *validate.FieldError wrapping validate.ErrInvalid.
func NewPlatform(scope constructs.Construct, id string, props PlatformProps) (*Platform, error) {
	r := validation.ForConstruct("tenancy", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	if eks.IsNil(props.Cluster) {
		r.Addf("Cluster", "is nil; give the *eks.Cluster the tenants run on")
	}
	if !validation.DNSLabel(id) {
		r.Addf("id", "%q is not a DNS label; it names the platform's admission policy", id)
	}
	if props.StorageClass == "" {
		props.StorageClass = "efs"
	}
	if props.Mesh && len(props.MeshListenerPorts) == 0 {
		props.MeshListenerPorts = []int{80, 443}
	}
	checkPorts(r, "MeshListenerPorts", props.MeshListenerPorts)
	if props.Telemetry != nil {
		tel := *props.Telemetry
		checkTelemetry(r, &tel)
		props.Telemetry = &tel
	}
	if props.AmbientMesh != nil {
		am := *props.AmbientMesh
		checkAmbientMesh(r, &am)
		props.AmbientMesh = &am
	}
	if props.ArgoCDNamespace == "" {
		props.ArgoCDNamespace = "argocd"
	}
	for _, f := range []struct{ field, value string }{{"StorageClass", props.StorageClass}, {"ArgoCDNamespace", props.ArgoCDNamespace}} {
		if !validation.DNSSubdomain(f.value) {
			r.Addf(f.field, "%q is not a Kubernetes object name (lowercase DNS subdomain)", f.value)
		}
	}
	if props.Capacity != (kube.Resources{}) {
		checkQuantity(r, "Capacity.CPU", props.Capacity.CPU, true)
		checkQuantity(r, "Capacity.Memory", props.Capacity.Memory, true)
	}
	for i, c := range props.LoadBalancerCIDRs {
		checkCIDR(r, fmt.Sprintf("LoadBalancerCIDRs[%d]", i), c)
	}
	names := map[string]bool{}
	for i, e := range props.EgressRules {
		f := fmt.Sprintf("EgressRules[%d]", i)
		if !validation.DNSLabel(e.Name) {
			r.Addf(f+".Name", "%q is not a DNS label; it names the NetworkPolicy rule", e.Name)
		}
		if e.CIDR == "0.0.0.0/0" && len(e.Except) > 0 {
			for j, x := range e.Except {
				checkCIDR(r, fmt.Sprintf("%s.Except[%d]", f, j), x)
			}
		} else {
			checkCIDR(r, f+".CIDR", e.CIDR)
		}
		checkPorts(r, f+".Ports", e.Ports)
	}
	for i, s := range props.SharedServices {
		f := fmt.Sprintf("SharedServices[%d]", i)
		if !validation.DNSLabel(s.Name) {
			r.Addf(f+".Name", "%q is not a DNS label", s.Name)
		} else if names[s.Name] {
			r.Addf(f+".Name", "%q is listed twice; shared service names are unique", s.Name)
		}
		names[s.Name] = true
		if !validation.DNSLabel(s.Namespace) {
			r.Addf(f+".Namespace", "%q is not a namespace name", s.Namespace)
		}
		if len(s.PodLabels) == 0 {
			r.Addf(f+".PodLabels", "is empty; select the service's pods (an empty selector would admit every pod of the namespace)")
		}
		checkSelector(r, f+".PodLabels", s.PodLabels)
		checkPorts(r, f+".Ports", s.Ports)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	env, err := awsenv.Of(scope)
	if err != nil {
		return nil, err
	}
	p := &Platform{props: props, tenants: map[string]*Tenant{}, teamRoles: map[string]string{}, uids: map[int]string{},
		env: env, clusterName: props.Cluster.Name()}
	constructs.NewConstruct_Override(p, scope, &id)
	p.admit(id)
	// Callers of tenant services may be added after the service's tenant:
	// they are checked once every tenant is in, when the stack is
	// synthesized (and by Check).
	p.Node().AddValidation(&callersAreTenants{p: p})
	return p, nil
}

// Tenant returns the tenant added under name, or nil.
func (p *Platform) Tenant(name string) *Tenant { return p.tenants[name] }

// Tenants returns the names of the tenants, in the order they were added.
func (p *Platform) Tenants() []string { return append([]string(nil), p.order...) }

// sharedService returns the platform's shared service called name.
func (p *Platform) sharedService(name string) (SharedService, bool) {
	for _, s := range p.props.SharedServices {
		if s.Name == name {
			return s, true
		}
	}
	return SharedService{}, false
}

// sharedServiceNames lists the platform's shared services, for errors.
func (p *Platform) sharedServiceNames() string {
	var out []string
	for _, s := range p.props.SharedServices {
		out = append(out, s.Name)
	}
	sort.Strings(out)
	if len(out) == 0 {
		return "none are defined"
	}
	return strings.Join(out, ", ")
}

// admissionRules are what the platform's admission policy refuses in
// tenant namespaces, as CEL validations with the message a refused
// request gets.
//
// Pods are judged on CREATE only (admit matches no pod update): the
// fields the pod rules read, spec.volumes and spec.serviceAccountName,
// are immutable once the pod exists (the API server refuses to change
// them; besides metadata, a pod update may change only container images,
// activeDeadlineSeconds, tolerations (additions), scheduling gates and
// the scheduling directives of a gated pod, and resources through the
// resize subresource), so an update cannot break them, and judging
// updates would
// refuse the metadata-only ones (the Job controller removing
// batch.kubernetes.io/job-tracking, the garbage collector removing
// foregroundDeletion) of pods made before the policy, hanging their
// deletion.
var admissionRules = []map[string]string{
	{
		"expression": "request.kind.kind != 'Pod' || !has(object.spec.volumes) || object.spec.volumes.all(v, !has(v.csi))",
		"message":    "tenant pods may not use inline CSI volumes; mount a PersistentVolumeClaim",
	},
	{
		"expression": "request.kind.kind != 'Pod' || !has(object.spec.serviceAccountName) || object.spec.serviceAccountName != '" + SyncServiceAccount + "'",
		"message":    "tenant pods may not run as " + SyncServiceAccount + ", the service account Argo CD syncs the tenant as",
	},
	// A Service is judged when it is created and when its spec changes:
	// an update that keeps the spec (the garbage collector removing
	// foregroundDeletion during Argo CD's cascade, of a Service made
	// before the policy) passes.
	{
		"expression": "request.kind.kind != 'Service' || " + specUnchanged + " || !has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0",
		"message":    "tenant Services may not set externalIPs",
	},
	// A budget that allows no eviction blocks every drain of the nodes its
	// pods run on (upgrades, scale-in). maxUnavailable is an integer or a
	// percentage: 0, "0%" (and "00%") allow none; minAvailable "100%"
	// keeps every pod. Which integer minAvailable equals the replica count
	// is not known at admission; that case is not caught here. A budget is
	// judged when it is created and when its spec changes: an update that
	// leaves the spec alone (the garbage collector removing a finalizer of
	// a budget made before the policy) passes, so deleting it never hangs.
	{
		"expression": "request.kind.kind != 'PodDisruptionBudget' || " + specUnchanged + " || !has(object.spec.maxUnavailable) || !string(object.spec.maxUnavailable).matches('^0+%?$')",
		"message":    "tenant PodDisruptionBudgets may not set maxUnavailable to 0 or 0%: that blocks every node drain; allow at least one pod to be evicted",
	},
	{
		"expression": "request.kind.kind != 'PodDisruptionBudget' || " + specUnchanged + " || !has(object.spec.minAvailable) || !string(object.spec.minAvailable).matches('^0*100%$')",
		"message":    "tenant PodDisruptionBudgets may not set minAvailable to 100%: that blocks every node drain; allow at least one pod to be evicted",
	},
	// A Secret of type kubernetes.io/service-account-token is filled in
	// by the token controller with a long-lived token of the service
	// account its annotation names: a tenant repository (synced as
	// argocd-sync, whose Role may create Secrets) could mint one for
	// argocd-sync and mount it in any pod, holding the sync's rights past
	// the pod rule above. Pods get short-lived projected tokens of their
	// own account and need none. Judged on CREATE only: a Secret's type
	// cannot change.
	{
		"expression": "request.kind.kind != 'Secret' || !has(object.type) || object.type != 'kubernetes.io/service-account-token'",
		"message":    "tenant Secrets may not be of type kubernetes.io/service-account-token: such a Secret holds a long-lived token of the service account it names (" + SyncServiceAccount + "'s included); pods get short-lived projected tokens of their own service account",
	},
}

// specUnchanged is true for an update that keeps the object's spec
// (metadata only, such as a finalizer's removal).
const specUnchanged = "(request.operation == 'UPDATE' && oldObject.spec == object.spec)"

// admit refuses, in every tenant namespace, what the namespaced RBAC and
// the AppProject cannot: inline CSI volumes (a pod could name another
// tenant's EFS access point as a volume handle), pods running as the Argo
// CD sync service account, service-account token Secrets (a long-lived
// token of argocd-sync would carry the sync's rights into a pod), Service
// externalIPs (a tenant Service could capture traffic every pod sends to
// an address, CVE-2020-8554), and PodDisruptionBudgets that allow no
// disruption (admissionRules). A
// ValidatingAdmissionPolicy (Kubernetes 1.30+) with a binding that selects
// the namespaces labelled hybridstack.io/tenant.
func (p *Platform) admit(id string) {
	name := "hybridstack-" + id + "-guardrails"
	policy := manifest.NewManifest(p, ptr.String("admission-policy"), &manifest.ManifestConfig{
		Manifest: &map[string]any{
			"apiVersion": "admissionregistration.k8s.io/v1",
			"kind":       "ValidatingAdmissionPolicy",
			"metadata":   map[string]any{"name": name, "labels": map[string]string{"app.kubernetes.io/managed-by": "hybridstack"}},
			"spec": map[string]any{
				"failurePolicy": "Fail",
				"matchConstraints": map[string]any{"resourceRules": []map[string]any{
					// Pods on CREATE only: what the rules read of a pod
					// cannot change after (admissionRules).
					{
						"apiGroups": []string{""}, "apiVersions": []string{"v1"},
						"operations": []string{"CREATE"}, "resources": []string{"pods"},
					},
					{
						"apiGroups": []string{""}, "apiVersions": []string{"v1"},
						"operations": []string{"CREATE", "UPDATE"}, "resources": []string{"services"},
					},
					{
						"apiGroups": []string{"policy"}, "apiVersions": []string{"v1"},
						"operations": []string{"CREATE", "UPDATE"}, "resources": []string{"poddisruptionbudgets"},
					},
					// Secrets on CREATE only: their type is immutable.
					{
						"apiGroups": []string{""}, "apiVersions": []string{"v1"},
						"operations": []string{"CREATE"}, "resources": []string{"secrets"},
					},
				}},
				"validations": admissionRules,
			},
		},
	})
	binding := manifest.NewManifest(p, ptr.String("admission-binding"), &manifest.ManifestConfig{
		Manifest: &map[string]any{
			"apiVersion": "admissionregistration.k8s.io/v1",
			"kind":       "ValidatingAdmissionPolicyBinding",
			"metadata":   map[string]any{"name": name, "labels": map[string]string{"app.kubernetes.io/managed-by": "hybridstack"}},
			"spec": map[string]any{
				"policyName":        name,
				"validationActions": []string{"Deny"},
				"matchResources": map[string]any{"namespaceSelector": map[string]any{
					"matchExpressions": []map[string]any{{"key": "hybridstack.io/tenant", "operator": "Exists"}},
				}},
			},
		},
		DependsOn: &[]cdktf.ITerraformDependable{policy},
	})
	p.admission = []cdktf.ITerraformDependable{policy, binding}
}
