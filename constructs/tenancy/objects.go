package tenancy

import (
	"strconv"
	"strings"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/eksaccessentry"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/eksaccesspolicyassociation"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/limitrangev1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/manifest"
	np "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/networkpolicyv1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/persistentvolumeclaimv1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/persistentvolumev1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/resourcequotav1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/rolebindingv1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/rolev1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/serviceaccountv1"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/grant"
	"github.com/hybridstack/hybridstack/constructs/internal/deps"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/kafka"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/storage"
)

// fence records an object the platform makes for the tenant: the
// tenant's Application is created after it and destroyed before it, and,
// for an object in the namespace (kind set), the AppProject does not
// report it as orphaned.
func (t *Tenant) fence(group, kind, name string, r cdktf.ITerraformDependable) {
	t.fences = append(t.fences, r)
	if kind != "" {
		t.owned = append(t.owned, map[string]string{"group": group, "kind": kind, "name": name})
	}
}

// labels marks every object the tenancy makes.
func (t *Tenant) labels() *map[string]*string {
	return ptr.Map(map[string]string{"app.kubernetes.io/managed-by": "hybridstack", "hybridstack.io/tenant": t.name})
}

// guardrails creates the ResourceQuota and LimitRange.
func (t *Tenant) guardrails(q Quota, l Limits) {
	ns := ptr.String(t.ns)
	quota := resourcequotav1.NewResourceQuotaV1(t, ptr.String("quota"), &resourcequotav1.ResourceQuotaV1Config{
		Metadata: &resourcequotav1.ResourceQuotaV1Metadata{Name: ptr.String("tenant-quota"), Namespace: ns, Labels: t.labels()},
		Spec: &resourcequotav1.ResourceQuotaV1Spec{Hard: ptr.Map(map[string]string{
			"requests.cpu": q.RequestsCPU, "requests.memory": q.RequestsMemory,
			"limits.cpu": q.LimitsCPU, "limits.memory": q.LimitsMemory,
			"pods": strconv.Itoa(q.Pods), "services": strconv.Itoa(q.Services),
			"persistentvolumeclaims": strconv.Itoa(q.PersistentVolumeClaims), "requests.storage": q.Storage,
			"configmaps": strconv.Itoa(q.ConfigMaps), "secrets": strconv.Itoa(q.Secrets),
			// Tenants are reached through the platform's load balancers
			// and mesh only: no Service of theirs opens a port on every
			// node or makes a load balancer of its own.
			"services.loadbalancers": "0", "services.nodeports": "0",
		})},
	})
	limits := limitrangev1.NewLimitRangeV1(t, ptr.String("limits"), &limitrangev1.LimitRangeV1Config{
		Metadata: &limitrangev1.LimitRangeV1Metadata{Name: ptr.String("tenant-limits"), Namespace: ns, Labels: t.labels()},
		Spec: &limitrangev1.LimitRangeV1Spec{Limit: []*limitrangev1.LimitRangeV1SpecLimit{{
			Type:           ptr.String("Container"),
			DefaultRequest: ptr.Map(map[string]string{"cpu": l.DefaultRequestCPU, "memory": l.DefaultRequestMemory}),
			Default:        ptr.Map(map[string]string{"cpu": l.DefaultCPU, "memory": l.DefaultMemory}),
			Max:            ptr.Map(map[string]string{"cpu": l.MaxCPU, "memory": l.MaxMemory}),
		}}},
	})
	t.fence("", "ResourceQuota", "tenant-quota", quota)
	t.fence("", "LimitRange", "tenant-limits", limits)
}

// networkPolicies denies every connection in and out of the tenant's pods,
// then allows, each in a policy of its own so that `kubectl get netpol`
// reads as the list of what is open: the namespace to itself, DNS, the
// load balancer subnets, the mesh, shared services and the platform's
// egress destinations.
func (t *Tenant) networkPolicies(p *Platform) {
	ns := ptr.String(t.ns)
	all := &np.NetworkPolicyV1SpecPodSelector{}
	policy := func(name string, types []string, ingress []*np.NetworkPolicyV1SpecIngress, egress []*np.NetworkPolicyV1SpecEgress) np.NetworkPolicyV1 {
		spec := &np.NetworkPolicyV1Spec{PodSelector: all, PolicyTypes: ptr.Strings(types)}
		if len(ingress) > 0 {
			spec.Ingress = ingress
		}
		if len(egress) > 0 {
			spec.Egress = egress
		}
		r := np.NewNetworkPolicyV1(t, ptr.String("network-policy-"+name), &np.NetworkPolicyV1Config{
			Metadata: &np.NetworkPolicyV1Metadata{Name: ptr.String(name), Namespace: ns, Labels: t.labels()},
			Spec:     spec,
		})
		t.fence("networking.k8s.io", "NetworkPolicy", name, r)
		return r
	}
	// Selecting every pod with no rules denies both directions; the
	// policies below are additive exceptions.
	policy("default-deny", []string{"Ingress", "Egress"}, nil, nil)
	policy("allow-same-namespace", []string{"Ingress", "Egress"},
		[]*np.NetworkPolicyV1SpecIngress{{From: []*np.NetworkPolicyV1SpecIngressFrom{{PodSelector: &np.NetworkPolicyV1SpecIngressFromPodSelector{}}}}},
		[]*np.NetworkPolicyV1SpecEgress{{To: []*np.NetworkPolicyV1SpecEgressTo{{PodSelector: &np.NetworkPolicyV1SpecEgressToPodSelector{}}}}})
	policy("allow-dns", []string{"Egress"}, nil, []*np.NetworkPolicyV1SpecEgress{{
		To: []*np.NetworkPolicyV1SpecEgressTo{{
			NamespaceSelector: &np.NetworkPolicyV1SpecEgressToNamespaceSelector{MatchLabels: ptr.Map(map[string]string{"kubernetes.io/metadata.name": "kube-system"})},
			PodSelector:       &np.NetworkPolicyV1SpecEgressToPodSelector{MatchLabels: ptr.Map(map[string]string{"k8s-app": "kube-dns"})},
		}},
		Ports: []*np.NetworkPolicyV1SpecEgressPorts{
			{Port: ptr.String("53"), Protocol: ptr.String("UDP")},
			{Port: ptr.String("53"), Protocol: ptr.String("TCP")},
		},
	}})
	if len(t.props.IngressPorts) > 0 {
		var from []*np.NetworkPolicyV1SpecIngressFrom
		for _, c := range p.props.LoadBalancerCIDRs {
			from = append(from, &np.NetworkPolicyV1SpecIngressFrom{IpBlock: &np.NetworkPolicyV1SpecIngressFromIpBlock{Cidr: ptr.String(c)}})
		}
		policy("allow-load-balancers", []string{"Ingress"}, []*np.NetworkPolicyV1SpecIngress{{From: from, Ports: ingressPorts(t.props.IngressPorts)}}, nil)
	}
	if p.props.Mesh {
		var ingress []*np.NetworkPolicyV1SpecIngress
		types := []string{"Egress"}
		if len(t.props.MeshPorts) > 0 {
			types = []string{"Ingress", "Egress"}
			ingress = []*np.NetworkPolicyV1SpecIngress{{
				From:  []*np.NetworkPolicyV1SpecIngressFrom{{IpBlock: &np.NetworkPolicyV1SpecIngressFromIpBlock{Cidr: ptr.String(LatticeCIDR)}}},
				Ports: ingressPorts(t.props.MeshPorts),
			}}
		}
		policy("allow-mesh", types, ingress, []*np.NetworkPolicyV1SpecEgress{{
			To:    []*np.NetworkPolicyV1SpecEgressTo{{IpBlock: &np.NetworkPolicyV1SpecEgressToIpBlock{Cidr: ptr.String(LatticeCIDR)}}},
			Ports: egressPorts(p.props.MeshListenerPorts),
		}})
	}
	for _, name := range t.props.SharedServices {
		s, _ := p.sharedService(name)
		policy("allow-shared-"+s.Name, []string{"Egress"}, nil, []*np.NetworkPolicyV1SpecEgress{{
			To: []*np.NetworkPolicyV1SpecEgressTo{{
				NamespaceSelector: &np.NetworkPolicyV1SpecEgressToNamespaceSelector{MatchLabels: ptr.Map(map[string]string{"kubernetes.io/metadata.name": s.Namespace})},
				PodSelector:       &np.NetworkPolicyV1SpecEgressToPodSelector{MatchLabels: ptr.Map(s.PodLabels)},
			}},
			Ports: egressPorts(s.Ports),
		}})
	}
	t.telemetryPolicy(p, policy)
	t.meshNetworkPolicies(p, policy)
	var egress []*np.NetworkPolicyV1SpecEgress
	for _, e := range p.props.EgressRules {
		egress = append(egress, &np.NetworkPolicyV1SpecEgress{
			To:    []*np.NetworkPolicyV1SpecEgressTo{{IpBlock: &np.NetworkPolicyV1SpecEgressToIpBlock{Cidr: ptr.String(e.CIDR), Except: ptr.Strings(e.Except)}}},
			Ports: egressPorts(e.Ports),
		})
	}
	if t.props.Identity == kube.IdentityPodIdentity {
		// Pod Identity credentials come from the agent on the node.
		egress = append(egress, &np.NetworkPolicyV1SpecEgress{
			To:    []*np.NetworkPolicyV1SpecEgressTo{{IpBlock: &np.NetworkPolicyV1SpecEgressToIpBlock{Cidr: ptr.String(podIdentityAgent)}}},
			Ports: egressPorts([]int{80}),
		})
	}
	if len(egress) > 0 {
		policy("allow-platform-egress", []string{"Egress"}, nil, egress)
	}
}

func ingressPorts(ports []int) []*np.NetworkPolicyV1SpecIngressPorts {
	out := make([]*np.NetworkPolicyV1SpecIngressPorts, len(ports))
	for i, p := range ports {
		out[i] = &np.NetworkPolicyV1SpecIngressPorts{Port: ptr.String(strconv.Itoa(p)), Protocol: ptr.String("TCP")}
	}
	return out
}

func egressPorts(ports []int) []*np.NetworkPolicyV1SpecEgressPorts {
	out := make([]*np.NetworkPolicyV1SpecEgressPorts, len(ports))
	for i, p := range ports {
		out[i] = &np.NetworkPolicyV1SpecEgressPorts{Port: ptr.String(strconv.Itoa(p)), Protocol: ptr.String("TCP")}
	}
	return out
}

// teamRules are what the team may do in its namespace: run and inspect
// its workloads. The guardrails (quota, limits, network policies) are
// read-only, RBAC objects are out of reach (no escalation), and nothing is
// cluster-scoped (a Role cannot grant that).
var teamRules = []struct {
	groups, resources, verbs []string
}{
	{[]string{""}, []string{"pods", "pods/log", "events", "endpoints", "resourcequotas", "limitranges", "persistentvolumeclaims", "serviceaccounts"}, []string{"get", "list", "watch"}},
	{[]string{""}, []string{"configmaps", "secrets", "services"}, []string{"get", "list", "watch", "create", "update", "patch", "delete"}},
	{[]string{""}, []string{"pods"}, []string{"delete"}},
	{[]string{"apps"}, []string{"deployments", "statefulsets"}, []string{"get", "list", "watch", "create", "update", "patch", "delete"}},
	{[]string{"apps"}, []string{"deployments/scale", "statefulsets/scale"}, []string{"get", "update", "patch"}},
	{[]string{"apps"}, []string{"replicasets"}, []string{"get", "list", "watch"}},
	{[]string{"batch"}, []string{"jobs", "cronjobs"}, []string{"get", "list", "watch", "create", "update", "patch", "delete"}},
	{[]string{"autoscaling"}, []string{"horizontalpodautoscalers"}, []string{"get", "list", "watch", "create", "update", "patch", "delete"}},
	{[]string{"policy"}, []string{"poddisruptionbudgets"}, []string{"get", "list", "watch", "create", "update", "patch", "delete"}},
	{[]string{"networking.k8s.io"}, []string{"networkpolicies"}, []string{"get", "list", "watch"}},
}

// rbac binds the team's group and the Argo CD sync service account
// (SyncServiceAccount) to the tenant's Role, and maps the team's IAM role
// into that group with a view policy scoped to the namespace.
func (t *Tenant) rbac(p *Platform) {
	ns := ptr.String(t.ns)
	rules := make([]*rolev1.RoleV1Rule, len(teamRules))
	for i, r := range teamRules {
		rules[i] = &rolev1.RoleV1Rule{ApiGroups: ptr.Strings(r.groups), Resources: ptr.Strings(r.resources), Verbs: ptr.Strings(r.verbs)}
	}
	role := rolev1.NewRoleV1(t, ptr.String("team-role"), &rolev1.RoleV1Config{
		Metadata: &rolev1.RoleV1Metadata{Name: ptr.String("tenant-team"), Namespace: ns, Labels: t.labels()},
		Rule:     rules,
	})
	binding := rolebindingv1.NewRoleBindingV1(t, ptr.String("team-role-binding"), &rolebindingv1.RoleBindingV1Config{
		Metadata: &rolebindingv1.RoleBindingV1Metadata{Name: ptr.String("tenant-team"), Namespace: ns, Labels: t.labels()},
		RoleRef:  &rolebindingv1.RoleBindingV1RoleRef{ApiGroup: ptr.String("rbac.authorization.k8s.io"), Kind: ptr.String("Role"), Name: role.Metadata().Name()},
		Subject:  []*rolebindingv1.RoleBindingV1Subject{{Kind: ptr.String("Group"), Name: ptr.String(t.props.TeamGroup), ApiGroup: ptr.String("rbac.authorization.k8s.io")}},
	})
	t.fence("rbac.authorization.k8s.io", "Role", "tenant-team", role)
	t.fence("rbac.authorization.k8s.io", "RoleBinding", "tenant-team", binding)
	// Argo CD syncs the tenant as this service account (the AppProject's
	// destinationServiceAccounts), so a sync can do what the team can and
	// no more: no guardrail, no RBAC, nothing cluster-scoped, whatever the
	// repository holds. It needs no token: Argo CD impersonates it.
	syncSA := serviceaccountv1.NewServiceAccountV1(t, ptr.String("sync-service-account"), &serviceaccountv1.ServiceAccountV1Config{
		Metadata:                     &serviceaccountv1.ServiceAccountV1Metadata{Name: ptr.String(SyncServiceAccount), Namespace: ns, Labels: t.labels()},
		AutomountServiceAccountToken: false,
	})
	syncBinding := rolebindingv1.NewRoleBindingV1(t, ptr.String("sync-role-binding"), &rolebindingv1.RoleBindingV1Config{
		Metadata: &rolebindingv1.RoleBindingV1Metadata{Name: ptr.String(SyncServiceAccount), Namespace: ns, Labels: t.labels()},
		RoleRef:  &rolebindingv1.RoleBindingV1RoleRef{ApiGroup: ptr.String("rbac.authorization.k8s.io"), Kind: ptr.String("Role"), Name: role.Metadata().Name()},
		Subject:  []*rolebindingv1.RoleBindingV1Subject{{Kind: ptr.String("ServiceAccount"), Name: syncSA.Metadata().Name(), Namespace: ns}},
	})
	t.fence("", "ServiceAccount", SyncServiceAccount, syncSA)
	t.fence("rbac.authorization.k8s.io", "RoleBinding", SyncServiceAccount, syncBinding)
	if t.props.TeamRoleARN == "" {
		return
	}
	entry := eksaccessentry.NewEksAccessEntry(t, ptr.String("team-access-entry"), &eksaccessentry.EksAccessEntryConfig{
		ClusterName:      ptr.String(p.clusterName),
		PrincipalArn:     ptr.String(t.props.TeamRoleARN),
		Type:             ptr.String("STANDARD"),
		KubernetesGroups: ptr.Strings([]string{t.props.TeamGroup}),
		Tags:             ptr.Map(map[string]string{"hybridstack.io/tenant": t.name}),
	})
	eksaccesspolicyassociation.NewEksAccessPolicyAssociation(t, ptr.String("team-access-policy"), &eksaccesspolicyassociation.EksAccessPolicyAssociationConfig{
		ClusterName:  ptr.String(p.clusterName),
		PrincipalArn: entry.PrincipalArn(),
		PolicyArn:    ptr.String("arn:" + p.env.Partition + ":eks::aws:cluster-access-policy/" + string(eks.AccessPolicyView)),
		AccessScope: &eksaccesspolicyassociation.EksAccessPolicyAssociationAccessScope{
			Type: ptr.String("namespace"), Namespaces: ptr.Strings([]string{t.name}),
		},
	})
}

// identity creates the tenant's workload role and service account, and
// grants the role the tenant's own resources only.
func (t *Tenant) identity(p *Platform) error {
	c := p.props.Cluster
	var tags map[string]string
	if p.props.Mesh {
		tags = map[string]string{MeshTagKey: t.name}
	}
	annotations := map[string]string{}
	if t.props.Identity == kube.IdentityPodIdentity {
		role, err := eks.NewPodIdentityRole(t, "workload-role", eks.PodIdentityRoleProps{Cluster: c, Namespace: t.name, ServiceAccount: t.serviceAccount, Tags: tags})
		if err != nil {
			return err
		}
		t.role = role
	} else {
		role, err := eks.NewServiceAccountRole(t, "workload-role", eks.ServiceAccountRoleProps{
			Cluster: c, Namespace: t.name, ServiceAccount: t.serviceAccount, Tags: tags,
			Description: t.roleDescription(p),
		})
		if err != nil {
			return err
		}
		t.role = role
		annotations = role.Annotations()
	}
	sa := serviceaccountv1.NewServiceAccountV1(t, ptr.String("service-account"), &serviceaccountv1.ServiceAccountV1Config{
		Metadata: &serviceaccountv1.ServiceAccountV1Metadata{
			Name: ptr.String(t.serviceAccount), Namespace: ptr.String(t.ns), Labels: t.labels(), Annotations: ptr.Map(annotations),
		},
		AutomountServiceAccountToken: false,
	})
	t.fence("", "ServiceAccount", t.serviceAccount, sa)
	if b := p.props.Bucket; b != nil {
		if err := b.GrantReadWrite(t.role, t.props.BucketPrefix); err != nil {
			return err
		}
	}
	if k := p.props.Kafka; k != nil && (len(t.props.Topics) > 0 || len(t.props.ReadTopics) > 0) {
		var own []string
		for _, topic := range t.props.Topics {
			own = append(own, t.TopicName(topic.Name))
			t.topics[topic.Name] = topic
		}
		access := kafka.TopicAccess{
			Produce: own, Create: own,
			Consume:          append(append([]string(nil), own...), t.props.ReadTopics...),
			Groups:           []string{t.name + ".*"},
			TransactionalIDs: []string{t.name + ".*"},
		}
		if err := k.GrantTopics(t.role, access); err != nil {
			return err
		}
	}
	return nil
}

// roleDescription says what the platform grants the tenant's workload
// role: its S3 prefix and its Kafka topics, each only where the platform
// has them.
func (t *Tenant) roleDescription(p *Platform) string {
	var grants []string
	if p.props.Bucket != nil {
		grants = append(grants, "S3 prefix")
	}
	if p.props.Kafka != nil && (len(t.props.Topics) > 0 || len(t.props.ReadTopics) > 0) {
		grants = append(grants, "Kafka topics")
	}
	if len(grants) == 0 {
		return "Workloads of tenant " + t.name
	}
	return "Workloads of tenant " + t.name + " (its own " + strings.Join(grants, " and ") + ")"
}

// storage gives the tenant its EFS access point, a static volume for it
// and the claim "shared" in the namespace bound to that volume alone.
//
// The tenant's role gets no EFS grant: the EFS CSI driver mounts on the
// node, as the node plugin (without the "iam" mount option, anonymously;
// with it, as the plugin's own IAM identity), never as the pod's, so an
// IAM grant to the tenant role would fence nothing. What does: the access
// point (every client acts as the tenant's POSIX uid/gid, rooted at
// /tenants/<name>), the volume bound to the claim "shared" in the
// tenant's namespace alone, the file system policy (no mount without an
// access point, no root), the admission policy (no inline CSI volume
// naming another access point), and RBAC (tenants make no claims or
// volumes).
func (t *Tenant) storage(p *Platform) error {
	fs := p.props.FileSystem
	if fs == nil {
		return nil
	}
	ap, err := storage.NewAccessPoint(t, "access-point", storage.AccessPointProps{
		FileSystem: fs, Path: "/tenants/" + t.name, UID: t.props.UID, GID: t.props.GID,
		Tags: map[string]string{"hybridstack.io/tenant": t.name},
	})
	if err != nil {
		return err
	}
	t.accessPoint = ap
	const claim = "shared"
	// EFS is elastic; Kubernetes needs a capacity, which it does not
	// enforce for NFS. The quota's storage counts the claim.
	capacity := ptr.Map(map[string]string{"storage": "5Gi"})
	pv := persistentvolumev1.NewPersistentVolumeV1(t, ptr.String("volume"), &persistentvolumev1.PersistentVolumeV1Config{
		Metadata: &persistentvolumev1.PersistentVolumeV1Metadata{Name: ptr.String("tenant-" + t.name + "-shared"), Labels: t.labels()},
		Spec: []*persistentvolumev1.PersistentVolumeV1Spec{{
			AccessModes:                   ptr.Strings([]string{"ReadWriteMany"}),
			Capacity:                      capacity,
			StorageClassName:              ptr.String(p.props.StorageClass),
			PersistentVolumeReclaimPolicy: ptr.String("Retain"),
			MountOptions:                  ptr.Strings([]string{"tls"}),
			// Only the tenant's claim may bind the volume.
			ClaimRef: &persistentvolumev1.PersistentVolumeV1SpecClaimRef{Name: ptr.String(claim), Namespace: ptr.String(t.name)},
			PersistentVolumeSource: &persistentvolumev1.PersistentVolumeV1SpecPersistentVolumeSource{
				Csi: &persistentvolumev1.PersistentVolumeV1SpecPersistentVolumeSourceCsi{Driver: ptr.String("efs.csi.aws.com"), VolumeHandle: ptr.String(ap.VolumeHandle())},
			},
		}},
	})
	pvc := persistentvolumeclaimv1.NewPersistentVolumeClaimV1(t, ptr.String("claim"), &persistentvolumeclaimv1.PersistentVolumeClaimV1Config{
		Metadata: &persistentvolumeclaimv1.PersistentVolumeClaimV1Metadata{Name: ptr.String(claim), Namespace: ptr.String(t.ns), Labels: t.labels()},
		Spec: &persistentvolumeclaimv1.PersistentVolumeClaimV1Spec{
			AccessModes:      ptr.Strings([]string{"ReadWriteMany"}),
			StorageClassName: ptr.String(p.props.StorageClass),
			VolumeName:       pv.Metadata().Name(),
			Resources:        &persistentvolumeclaimv1.PersistentVolumeClaimV1SpecResources{Requests: capacity},
		},
	})
	// The volume is cluster-scoped: never orphaned in the namespace.
	t.fence("", "", "", pv)
	t.fence("", "PersistentVolumeClaim", claim, pvc)
	return nil
}

// guardedKinds are the namespaced kinds a tenant's Argo CD project may not
// deploy: the guardrails the platform owns.
var guardedKinds = [][2]string{
	{"", "ResourceQuota"}, {"", "LimitRange"}, {"networking.k8s.io", "NetworkPolicy"},
	{"rbac.authorization.k8s.io", "Role"}, {"rbac.authorization.k8s.io", "RoleBinding"},
	{"", "ServiceAccount"}, {"elbv2.k8s.aws", "TargetGroupBinding"},
	// The platform provisions the tenant's storage (the claim "shared");
	// the tenant's Role, which syncs run as, may only read claims, so a
	// claim in the repository is refused by Argo CD before the apply
	// rather than forbidden halfway through a sync.
	{"", "PersistentVolumeClaim"},
	// Load balancers of the tenant's own: the quota stops Services of
	// type LoadBalancer, these would go around it.
	{"networking.k8s.io", "Ingress"}, {"gateway.networking.k8s.io", "*"},
	{"application-networking.k8s.aws", "*"},
}

// gitops creates the tenant's TargetGroupBindings, AppProject and, when
// asked, its Application.
//
// The AppProject syncs as SyncServiceAccount in the tenant's namespace
// (destinationServiceAccounts; Argo CD 2.13+ with sync impersonation
// enabled in argocd-cm), which holds the team's Role: the blacklist is no
// longer the only fence between a tenant's repository and Argo CD's
// cluster-wide rights. It warns about orphaned objects in the namespace
// but ignores the platform's own, by kind and exact name.
//
// The Application depends on every object the platform makes for the
// tenant (its namespace, guardrails, network policies, RBAC, service
// accounts, volume and claim, TargetGroupBindings), on the platform's
// admission policy and binding and on the inline policies of the tenant's
// workload role (grantsFirst): its first sync finds them in place, and
// Terraform, which destroys in reverse dependency order, deletes the
// Application first. Its cascade finalizer makes Argo CD delete the
// synced workloads, and wait for their pods to go, before the
// Application is gone; only then are the claim (no longer in use, so
// pvc-protection lets it go), the fences, the grants and the namespace
// destroyed. Terraform waits up to 30 minutes for that cascade.
func (t *Tenant) gitops(p *Platform) {
	argo := p.props.ArgoCDNamespace
	guarded := guardedKinds
	if p.props.AmbientMesh != nil {
		guarded = append(append([][2]string(nil), guardedKinds...), meshGuardedKinds...)
	}
	blacklist := make([]map[string]string, len(guarded))
	for i, k := range guarded {
		blacklist[i] = map[string]string{"group": k[0], "kind": k[1]}
	}
	repos := t.props.Repositories
	if repos == nil {
		repos = []string{}
	}
	labels := map[string]string{"app.kubernetes.io/managed-by": "hybridstack", "hybridstack.io/tenant": t.name}
	for _, lt := range t.props.LoadBalancerTargets {
		tgb := manifest.NewManifest(t, ptr.String("target-group-binding-"+lt.Name), &manifest.ManifestConfig{
			Manifest: &map[string]any{
				"apiVersion": "elbv2.k8s.aws/v1beta1",
				"kind":       "TargetGroupBinding",
				"metadata":   map[string]any{"name": lt.Name, "namespace": t.ns, "labels": labels},
				"spec": map[string]any{
					"targetGroupARN": lt.TargetGroupARN,
					"targetType":     "ip",
					"serviceRef":     map[string]any{"name": lt.Service, "port": lt.Port},
				},
			},
		})
		t.fence("elbv2.k8s.aws", "TargetGroupBinding", lt.Name, tgb)
	}
	const server = "https://kubernetes.default.svc"
	t.projectObj = map[string]any{
		"apiVersion": "argoproj.io/v1alpha1",
		"kind":       "AppProject",
		"metadata":   map[string]any{"name": t.name, "namespace": argo, "labels": labels},
		"spec": map[string]any{
			"description":  "Tenant " + t.name + ": its namespace only",
			"sourceRepos":  repos,
			"destinations": []map[string]string{{"server": server, "namespace": t.name}},
			// Syncs run as the tenant's own service account.
			"destinationServiceAccounts": []map[string]string{{
				"server": server, "namespace": t.name, "defaultServiceAccount": t.name + ":" + SyncServiceAccount,
			}},
			// No cluster-scoped kind at all.
			"clusterResourceWhitelist":   []map[string]string{},
			"namespaceResourceBlacklist": blacklist,
			// Objects in the namespace that no Application deploys are
			// reported, except the platform's own.
			"orphanedResources": map[string]any{"warn": true, "ignore": append([]map[string]string(nil), t.owned...)},
		},
	}
	t.project = manifest.NewManifest(t, ptr.String("argocd-project"), &manifest.ManifestConfig{Manifest: &t.projectObj})
	a := t.props.Application
	if a == nil {
		return
	}
	sync := map[string]any{"syncOptions": []string{"CreateNamespace=false", "PruneLast=true"}}
	if !a.ManualSync {
		sync["automated"] = map[string]any{"prune": true, "selfHeal": true}
	}
	after := append([]cdktf.ITerraformDependable{t.project, t.namespace.Resource()}, t.fences...)
	after = append(after, p.admission...)
	t.app = manifest.NewManifest(t, ptr.String("argocd-application"), &manifest.ManifestConfig{
		DependsOn: &after,
		// Deleting the Application waits for Argo CD's cascade: every
		// synced object deleted and every pod gone. A large tenant takes
		// longer than the provider's 10 minutes.
		Timeouts: &manifest.ManifestTimeouts{Delete: ptr.String(applicationDeleteTimeout)},
		Manifest: &map[string]any{
			"apiVersion": "argoproj.io/v1alpha1",
			"kind":       "Application",
			"metadata": map[string]any{
				"name": t.name, "namespace": argo, "labels": labels,
				"finalizers": []string{argoCDFinalizer},
			},
			"spec": map[string]any{
				"project":     t.name,
				"source":      map[string]any{"repoURL": a.RepoURL, "path": a.Path, "targetRevision": a.Revision},
				"destination": map[string]any{"server": server, "namespace": t.name},
				"syncPolicy":  sync,
			},
		},
	})
	// The workload role's inline policies are granted after AddTenant
	// too (Lattice invoke grants, other buckets): they join depends_on
	// when the stack is synthesized, once every grant is made.
	cdktf.Aspects_Of(t.app).Add(&grantsFirst{app: t.app, role: t.role})
}

// applicationDeleteTimeout is how long Terraform waits for a tenant's
// Application, and so for Argo CD's cascade delete of its workloads.
const applicationDeleteTimeout = "30m"

// grantsFirst makes a tenant's Application depend on every inline policy
// of the tenant's workload role (aws_iam_role_policy: the platform's
// bucket and Kafka grants, and whatever is granted to Tenant.Role()
// later), so that the first sync runs with the workloads' permissions in
// place and destroy deletes the workloads before their grants. It is an
// aspect, run at synthesis, because grants come after AddTenant. The
// policies are children of the role, which is the tenant's: always in the
// Application's stack, so depends_on may name them.
type grantsFirst struct {
	app  manifest.Manifest
	role grant.Grantee
}

// Visit adds the role's policies to the Application's depends_on.
func (g *grantsFirst) Visit(node constructs.IConstruct) {
	if *node.Node().Path() != *g.app.Node().Path() {
		return
	}
	deps.Add(g.app, rolePolicies(g.role)...)
}

// rolePolicies are the inline policies (aws_iam_role_policy) of a
// tenant's workload role.
func rolePolicies(role grant.Grantee) []cdktf.TerraformResource {
	var policies []cdktf.TerraformResource
	for _, c := range *role.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		if r, ok := c.(iamrolepolicy.IamRolePolicy); ok {
			policies = append(policies, r)
		}
	}
	return policies
}
