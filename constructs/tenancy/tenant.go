package tenancy

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/manifest"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/grant"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/storage"
	"github.com/hybridstack/hybridstack/constructs/telemetry"
)

// TenantProps configures one tenant.
type TenantProps struct {
	// Name of the tenant: its namespace, the prefix of its topics, S3
	// objects and construct ids. A DNS label of at most 40 characters (it
	// also names IAM roles and Argo CD projects), not kube-* nor a
	// namespace the platform uses. Required.
	Name string
	// Tier picks the quota and limit defaults.
	// Default: TierSmall
	Tier Tier
	// Quota overrides single fields of the tier's quota.
	// Default: - the tier's quota
	Quota Quota
	// Limits overrides single fields of the tier's container limits.
	// Default: - the tier's limits
	Limits Limits
	// TeamRoleARN is the IAM role the tenant's team assumes; it gets an EKS
	// access entry in TeamGroup with a view policy scoped to the namespace.
	// One role may belong to one tenant only (EKS allows one access entry
	// per principal).
	// Default: - no access entry; the team reaches the cluster only through Argo CD
	TeamRoleARN string
	// TeamGroup is the Kubernetes group of the team, bound to the
	// tenant's Role.
	// Default: "tenant:<name>"
	TeamGroup string
	// Identity is how the workloads' service account gets the tenant's
	// IAM role.
	// Default: kube.IdentityIRSA
	Identity kube.Identity
	// ServiceAccount is the service account the tenant's workloads run as
	// (the only one the tenant role trusts); not SyncServiceAccount.
	// Default: "workload"
	ServiceAccount string
	// BucketPrefix is the tenant's part of PlatformProps.Bucket.
	// Default: "<name>/"
	BucketPrefix string
	// Topics are the tenant's Kafka topics, without the "<name>." prefix
	// the full names carry. The tenant role may create, write and read
	// exactly these, and use consumer groups and transactional ids that
	// start with "<name>.".
	// Default: - none
	Topics []Topic
	// ReadTopics are full names of other tenants' topics this tenant
	// consumes; the owner must list this tenant in the topic's Readers.
	// Default: - none
	ReadTopics []string
	// UID and GID are the POSIX identity of the tenant's EFS access point
	// (required with PlatformProps.FileSystem); unique per tenant.
	UID, GID int
	// IngressPorts are the pods' TCP ports the load balancer subnets
	// (PlatformProps.LoadBalancerCIDRs) may reach.
	// Default: - none
	IngressPorts []int
	// MeshPorts are the pods' TCP ports VPC Lattice may reach
	// (PlatformProps.Mesh).
	// Default: - none
	MeshPorts []int
	// EdgePodLabels select the pods that the load balancers (IngressPorts)
	// and VPC Lattice (MeshPorts) reach. With PlatformProps.AmbientMesh
	// those connections come from outside the mesh, in plaintext, which the
	// namespace's STRICT mTLS refuses: these pods accept them, on those
	// ports and from those ranges only (a PeerAuthentication PERMISSIVE on
	// the ports, which Istio allows only with a pod selector, and an ALLOW
	// AuthorizationPolicy from LoadBalancerCIDRs and the Lattice range).
	// Required with AmbientMesh when IngressPorts or MeshPorts are set; not
	// allowed without AmbientMesh.
	// Default: - none
	EdgePodLabels map[string]string
	// SharedServices names the platform's shared services the tenant's
	// pods may call.
	// Default: - none
	SharedServices []string
	// Services are the tenant's own services that other tenants may call,
	// each naming its callers. The tenant's repository deploys the
	// Services and their pods; the platform renders only the openings:
	// NetworkPolicies in both namespaces and, with
	// PlatformProps.AmbientMesh, the AuthorizationPolicy that admits each
	// caller's service account. Callers may be added before or after this
	// tenant; Platform.Check (run again when the stack is synthesized)
	// reports callers that are not tenants.
	// Default: - none; other tenants cannot reach the tenant's pods
	Services []TenantService
	// Repositories are the Git repositories Argo CD may deploy the tenant
	// from (its AppProject's sourceRepos). Required for an Application.
	// Default: - none; the AppProject then allows no source
	Repositories []string
	// Application deploys the tenant through Argo CD.
	// Default: - none
	Application *Application
	// LoadBalancerTargets register the pods behind the tenant's Services
	// in load balancer target groups (TargetGroupBindings, made by the
	// platform: the tenant's Argo CD project may not create them, or it
	// could put its pods behind another tenant's load balancer). Their
	// ports must be in IngressPorts.
	// Default: - none
	LoadBalancerTargets []LoadBalancerTarget
	// Labels are added to the namespace.
	// Default: - none
	Labels map[string]string
}

// LoadBalancerTarget binds a tenant Service's pods to an ELB target group
// of type ip.
type LoadBalancerTarget struct {
	// Name of the TargetGroupBinding object. Required.
	Name string
	// Service is the tenant's Service (deployed by its Argo CD
	// Application) whose endpoints are registered. Required.
	Service string
	// Port is the Service's port. Required.
	Port int
	// TargetGroupARN is the target group. Required.
	TargetGroupARN string
}

// Topic is a Kafka topic a tenant owns.
type Topic struct {
	// Name without the tenant prefix ("fills" for "order-routing.fills").
	// Required.
	Name string
	// Readers are other tenants that may consume the topic (they list it
	// in their ReadTopics).
	// Default: - the owner only
	Readers []string
}

// Application is the Argo CD Application of a tenant.
type Application struct {
	// RepoURL is the Git repository; one of TenantProps.Repositories.
	// Required.
	RepoURL string
	// Path in the repository. Default: "."
	Path string
	// Revision is the branch, tag or commit. Default: "HEAD"
	Revision string
	// ManualSync turns off automated sync (with prune and self-heal).
	// Default: false
	ManualSync bool
}

// Tenant is a tenant's namespace with its guardrails, identity and
// GitOps project.
type Tenant struct {
	constructs.Construct
	name, serviceAccount string
	namespace            *kube.Namespace
	// ns is the namespace's name as a reference (so objects wait for the
	// namespace), read once: each read is a jsii round trip.
	ns          string
	role        grant.Grantee
	accessPoint *storage.AccessPoint
	topics      map[string]Topic
	props       TenantProps
	// fences are the objects the platform makes for the tenant: its
	// Application is created after them and destroyed before them.
	fences []cdktf.ITerraformDependable
	// owned are the platform's objects in the namespace, which the
	// AppProject does not report as orphaned.
	owned []map[string]string
	// logGroupName and logGroupARN are the tenant's log group's (tokens),
	// empty without PlatformProps.Telemetry.
	logGroupName, logGroupARN string
	// project and app are the tenant's AppProject and Application (app nil
	// without TenantProps.Application): objects made for the tenant after
	// them (sharing with a tenant added later) join their orphan list and
	// depends_on (fenceLate).
	project, app manifest.Manifest
	// projectObj is the AppProject's manifest, rewritten whole when an
	// object made later joins its orphan list.
	projectObj map[string]any
	// platform is the platform the tenant belongs to.
	platform *Platform
	// callerPolicies are the waypoint AuthorizationPolicies of the
	// tenant's Services, by service name (AmbientMesh only): their
	// principals are rewritten as callers are added.
	callerPolicies map[string]manifest.Manifest
}

// SyncServiceAccount is the service account in each tenant's namespace
// that Argo CD syncs the tenant's Application as (sync impersonation):
// bound to the team's Role and nothing else, so a sync may do only what
// the team may.
const SyncServiceAccount = "argocd-sync"

// argoCDFinalizer makes Argo CD delete an Application's resources, and
// wait for them to go (foreground cascade), before the Application itself.
const argoCDFinalizer = "resources-finalizer.argocd.argoproj.io"

var reservedNamespaces = map[string]bool{
	"default": true, "argocd": true, "kube-system": true, "kube-public": true, "kube-node-lease": true,
	// The collectors' namespaces (telemetry.NewCollectors).
	telemetry.LoggingNamespace: true, telemetry.ObservabilityNamespace: true,
}

// topicName is the part of a Kafka topic name after the tenant prefix.
var topicName = regexp.MustCompile(`^[a-zA-Z0-9._-]{1,200}$`)

// AddTenant validates props against the platform (names, identities and
// quota capacity across every tenant) and onboards the tenant. It returns
// every problem at once, joined, each a *validate.FieldError naming the
// tenant and field and wrapping validate.ErrInvalid; nothing is created
// for an invalid tenant.
func (p *Platform) AddTenant(props TenantProps) (*Tenant, error) {
	r := validation.ForConstruct("tenancy", p, props.Name)
	s := p.tenantDefaults(props)
	q, lim := p.checkTenant(r, &s)
	if err := r.Err(); err != nil {
		return nil, err
	}
	t := &Tenant{name: s.Name, serviceAccount: s.ServiceAccount, props: s, topics: map[string]Topic{}, platform: p, callerPolicies: map[string]manifest.Manifest{}}
	constructs.NewConstruct_Override(t, p, &s.Name)
	ns, err := kube.NewNamespace(t, "namespace", kube.NamespaceProps{
		Name:   s.Name,
		Labels: ptr.Merge(s.Labels, map[string]string{"hybridstack.io/tenant": s.Name, "hybridstack.io/tier": string(s.Tier)}, p.logLabels(s.Name), p.meshLabels()),
		// Readiness gates only for a tenant behind a load balancer.
		ReadinessGates: len(s.LoadBalancerTargets) > 0,
	})
	if err != nil {
		return nil, err
	}
	t.namespace, t.ns = ns, ns.Name()
	t.guardrails(q, lim)
	t.networkPolicies(p)
	t.rbac(p)
	if err := t.identity(p); err != nil {
		return nil, err
	}
	if err := t.logs(p); err != nil {
		return nil, err
	}
	if err := t.storage(p); err != nil {
		return nil, err
	}
	t.mesh(p)
	t.gitops(p)
	p.register(t, q)
	p.connect(t)
	return t, nil
}

func (p *Platform) tenantDefaults(props TenantProps) TenantProps {
	if props.Tier == "" {
		props.Tier = TierSmall
	}
	if props.TeamGroup == "" {
		props.TeamGroup = "tenant:" + props.Name
	}
	if props.Identity == "" {
		props.Identity = kube.IdentityIRSA
	}
	if props.ServiceAccount == "" {
		props.ServiceAccount = "workload"
	}
	if props.BucketPrefix == "" {
		props.BucketPrefix = props.Name + "/"
	}
	if a := props.Application; a != nil {
		c := *a
		if c.Path == "" {
			c.Path = "."
		}
		if c.Revision == "" {
			c.Revision = "HEAD"
		}
		props.Application = &c
	}
	return props
}

// checkTenant reports every problem with the tenant, alone and against the
// tenants before it, and returns its effective quota and limits.
func (p *Platform) checkTenant(r *validation.Report, s *TenantProps) (Quota, Limits) {
	switch {
	case s.Name == "":
		r.Addf("Name", "is empty; give the tenant a DNS label (it names its namespace)")
	case !validation.DNSLabel(s.Name) || len(s.Name) > 40:
		r.Addf("Name", "%q is not a valid tenant name: a DNS label of at most 40 characters (lowercase letters, digits, '-'), as it names the namespace, IAM role and Argo CD project", s.Name)
	case strings.HasPrefix(s.Name, "kube-") || reservedNamespaces[s.Name] || s.Name == p.props.ArgoCDNamespace:
		r.Addf("Name", "%q is a namespace Kubernetes or the platform uses; choose another name", s.Name)
	case p.tenants[s.Name] != nil:
		r.Addf("Name", "%q is already a tenant of this platform; tenant names are unique", s.Name)
	}
	for _, sh := range p.props.SharedServices {
		if sh.Namespace == s.Name {
			r.Addf("Name", "%q is the namespace of shared service %q; a tenant cannot own it", s.Name, sh.Name)
		}
	}
	q, lim := checkQuota(r, s.Tier, s.Quota, s.Limits)
	if cap := p.props.Capacity; cap != (kube.Resources{}) && r.Len() == 0 {
		cpu, _ := kube.ParseQuantity(q.RequestsCPU)
		mem, _ := kube.ParseQuantity(q.RequestsMemory)
		capCPU, _ := kube.ParseQuantity(cap.CPU)
		capMem, _ := kube.ParseQuantity(cap.Memory)
		if p.cpu+cpu > capCPU {
			r.Addf("Quota.RequestsCPU", "%s would bring the tenants' CPU requests to %s, over the platform's Capacity.CPU %s (tenants so far: %s); lower the quota or raise the capacity", q.RequestsCPU, formatCPU(p.cpu+cpu), cap.CPU, formatCPU(p.cpu))
		}
		if p.memory+mem > capMem {
			r.Addf("Quota.RequestsMemory", "%s would bring the tenants' memory requests to %s, over the platform's Capacity.Memory %s (tenants so far: %s); lower the quota or raise the capacity", q.RequestsMemory, formatMemory(p.memory+mem), cap.Memory, formatMemory(p.memory))
		}
	}
	if s.TeamRoleARN != "" && !validation.IsToken(s.TeamRoleARN) {
		if !validation.IAMPrincipalARN(s.TeamRoleARN) || !strings.Contains(s.TeamRoleARN, ":role/") {
			r.Addf("TeamRoleARN", "%q is not an IAM role ARN", s.TeamRoleARN)
		} else if other, ok := p.teamRoles[s.TeamRoleARN]; ok {
			r.Addf("TeamRoleARN", "%q is already the team role of tenant %q; EKS allows one access entry per principal, give each team its own role", s.TeamRoleARN, other)
		}
	}
	if strings.HasPrefix(s.TeamGroup, "system:") || s.TeamGroup == "" || len(s.TeamGroup) > 253 {
		r.Addf("TeamGroup", "%q is not allowed; EKS access entries refuse groups starting with system:", s.TeamGroup)
	}
	switch s.Identity {
	case kube.IdentityIRSA, kube.IdentityPodIdentity:
	default:
		r.Addf("Identity", "%q is not an identity for a tenant; use %q or %q", s.Identity, kube.IdentityIRSA, kube.IdentityPodIdentity)
	}
	if !validation.DNSSubdomain(s.ServiceAccount) {
		r.Addf("ServiceAccount", "%q is not a service account name (lowercase DNS subdomain)", s.ServiceAccount)
	} else if s.ServiceAccount == SyncServiceAccount {
		r.Addf("ServiceAccount", "%q is the service account Argo CD syncs the tenant as, which pods may not run as; choose another name", s.ServiceAccount)
	}
	if s.BucketPrefix != s.Name+"/" && !strings.HasPrefix(s.BucketPrefix, s.Name+"/") {
		r.Addf("BucketPrefix", "%q is outside the tenant's own prefix %q; a tenant's objects live under its name", s.BucketPrefix, s.Name+"/")
	}
	p.checkTopics(r, s)
	p.checkSharing(r, s, lim)
	if p.props.FileSystem != nil {
		for _, id := range []struct {
			field string
			v     int
		}{{"UID", s.UID}, {"GID", s.GID}} {
			if id.v < 1000 || id.v > 4294967294 {
				r.Addf(id.field, "%d is not a tenant POSIX id; give one from 1000 to 4294967294 (below 1000 are system accounts, 0 is root)", id.v)
			}
		}
		if other, ok := p.uids[s.UID]; ok {
			r.Addf("UID", "%d is already the POSIX user of tenant %q; tenants sharing an owner could read each other's files", s.UID, other)
		}
	}
	checkPorts(r, "IngressPorts", s.IngressPorts)
	if len(s.IngressPorts) > 0 && len(p.props.LoadBalancerCIDRs) == 0 {
		r.Addf("IngressPorts", "are set but the platform has no LoadBalancerCIDRs to admit on them")
	}
	checkPorts(r, "MeshPorts", s.MeshPorts)
	if len(s.MeshPorts) > 0 && !p.props.Mesh {
		r.Addf("MeshPorts", "are set but the platform has no Mesh")
	}
	for i, name := range s.SharedServices {
		if _, ok := p.sharedService(name); !ok {
			r.Addf(fmt.Sprintf("SharedServices[%d]", i), "%q is not a shared service of the platform (%s)", name, p.sharedServiceNames())
		}
	}
	for i, repo := range s.Repositories {
		if !strings.HasPrefix(repo, "https://") && !strings.HasPrefix(repo, "ssh://") && !strings.HasPrefix(repo, "git@") {
			r.Addf(fmt.Sprintf("Repositories[%d]", i), "%q is not a Git repository URL (https://, ssh:// or git@); wildcards would let the tenant deploy from any repository", repo)
		}
	}
	if a := s.Application; a != nil {
		found := false
		for _, repo := range s.Repositories {
			found = found || repo == a.RepoURL
		}
		if !found {
			r.Addf("Application.RepoURL", "%q is not one of the tenant's Repositories %v; the AppProject would refuse it", a.RepoURL, s.Repositories)
		}
		if strings.HasPrefix(a.Path, "/") || strings.Contains(a.Path, "..") {
			r.Addf("Application.Path", "%q must be relative to the repository root, without ..", a.Path)
		}
	}
	names := map[string]bool{}
	for i, lt := range s.LoadBalancerTargets {
		f := fmt.Sprintf("LoadBalancerTargets[%d]", i)
		if !validation.DNSLabel(lt.Name) || names[lt.Name] {
			r.Addf(f+".Name", "%q is not a unique DNS label; it names the TargetGroupBinding", lt.Name)
		}
		names[lt.Name] = true
		if !validation.DNSLabel(lt.Service) {
			r.Addf(f+".Service", "%q is not a Service name", lt.Service)
		}
		if lt.Port < 1 || lt.Port > 65535 {
			r.Addf(f+".Port", "%d is not a port (1-65535)", lt.Port)
		}
		if lt.TargetGroupARN == "" || (!validation.IsToken(lt.TargetGroupARN) && !strings.Contains(lt.TargetGroupARN, ":targetgroup/")) {
			r.Addf(f+".TargetGroupARN", "%q is not an ELB target group ARN", lt.TargetGroupARN)
		}
	}
	checkSelector(r, "Labels", s.Labels)
	for k := range s.Labels {
		if strings.HasPrefix(k, "pod-security.kubernetes.io/") || strings.HasPrefix(k, "hybridstack.io/") || k == "kubernetes.io/metadata.name" || k == telemetry.LogGroupLabel {
			r.Addf("Labels", "key %q is set by the platform; a tenant cannot override it", k)
		}
	}
	return q, lim
}

// checkTopics reports bad topic names, shares with unknown tenants and
// reads the owner did not grant.
func (p *Platform) checkTopics(r *validation.Report, s *TenantProps) {
	if (len(s.Topics) > 0 || len(s.ReadTopics) > 0) && p.props.Kafka == nil {
		r.Addf("Topics", "are set but the platform has no Kafka cluster")
	}
	seen := map[string]bool{}
	for i, t := range s.Topics {
		f := fmt.Sprintf("Topics[%d]", i)
		full := s.Name + "." + t.Name
		switch {
		case !topicName.MatchString(t.Name) || strings.Contains(t.Name, "*"):
			r.Addf(f+".Name", "%q is not a Kafka topic name (letters, digits, '.', '_', '-'; no wildcards)", t.Name)
		case len(full) > 249:
			r.Addf(f+".Name", "%q makes the topic %q longer than Kafka's 249 characters", t.Name, full)
		case seen[t.Name]:
			r.Addf(f+".Name", "%q is listed twice", t.Name)
		}
		seen[t.Name] = true
		for j, reader := range t.Readers {
			if reader == s.Name {
				r.Addf(fmt.Sprintf("%s.Readers[%d]", f, j), "%q is the owner; owners read their topics anyway", reader)
			}
		}
	}
	for i, full := range s.ReadTopics {
		f := fmt.Sprintf("ReadTopics[%d]", i)
		owner, name, ok := strings.Cut(full, ".")
		switch {
		case !ok:
			r.Addf(f, "%q is not a full topic name \"<tenant>.<topic>\"", full)
		case owner == s.Name:
			r.Addf(f, "%q is the tenant's own topic; list it in Topics", full)
		case p.tenants[owner] == nil:
			r.Addf(f, "%q belongs to %q, which is not a tenant added before this one", full, owner)
		default:
			t, ok := p.tenants[owner].topics[name]
			if !ok {
				r.Addf(f, "%q is not a topic of tenant %q", full, owner)
			} else if !slices.Contains(t.Readers, s.Name) {
				r.Addf(f, "%q does not list %q among its Readers; the owner must share it", full, s.Name)
			}
		}
	}
}

// register records the tenant's name, principals, identity and quota.
func (p *Platform) register(t *Tenant, q Quota) {
	p.tenants[t.name] = t
	p.order = append(p.order, t.name)
	if arn := t.props.TeamRoleARN; arn != "" {
		p.teamRoles[arn] = t.name
	}
	if p.props.FileSystem != nil {
		p.uids[t.props.UID] = t.name
	}
	cpu, _ := kube.ParseQuantity(q.RequestsCPU)
	mem, _ := kube.ParseQuantity(q.RequestsMemory)
	p.cpu += cpu
	p.memory += mem
}

// Name returns the tenant's name, which is also its namespace's.
func (t *Tenant) Name() string { return t.name }

// Namespace returns the tenant's namespace.
func (t *Tenant) Namespace() *kube.Namespace { return t.namespace }

// ServiceAccount returns the name of the service account the tenant role
// is bound to.
func (t *Tenant) ServiceAccount() string { return t.serviceAccount }

// Role returns the tenant's workload role, a grant.Grantee for grants
// beyond the platform's (each one widens the tenant: review it).
func (t *Tenant) Role() grant.Grantee { return t.role }

// AccessPoint returns the tenant's EFS access point, or nil.
func (t *Tenant) AccessPoint() *storage.AccessPoint { return t.accessPoint }

// TopicName returns the full Kafka name of the tenant's topic name.
func (t *Tenant) TopicName(name string) string { return t.name + "." + name }

// RoleARN returns the ARN of the tenant's workload role.
func (t *Tenant) RoleARN() string { return t.role.RoleARN() }

// compile-time check: both role kinds are grantees.
var (
	_ grant.Grantee = (*eks.ServiceAccountRole)(nil)
	_ grant.Grantee = (*eks.PodIdentityRole)(nil)
)
