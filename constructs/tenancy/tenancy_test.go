package tenancy_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/tenancy"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// twoTenants builds alpha and beta (beta on Pod Identity, reading one
// topic alpha shares with it, calling the shared pricing service) and
// returns the tenants stack's document.
func twoTenants(t *testing.T) tftest.Doc {
	t.Helper()
	e := newEnv(t)
	p := e.platform(t, nil)
	a := tenant("alpha", 10001)
	a.Topics[0].Readers = []string{"beta"}
	if _, err := p.AddTenant(a); err != nil {
		t.Fatal(err)
	}
	b := tenant("beta", 10002)
	b.ReadTopics = []string{"alpha.orders"}
	b.Identity = kube.IdentityPodIdentity
	b.SharedServices = []string{"pricing"}
	if _, err := p.AddTenant(b); err != nil {
		t.Fatal(err)
	}
	return tftest.Synth(t, e.tenants)
}

// ofTenant returns the resources of typ that belong to tenant.
func ofTenant(doc tftest.Doc, typ, tenant string) []map[string]any {
	var out []map[string]any
	for name, r := range doc.Resources(typ) {
		if strings.HasPrefix(name, "tenancy_"+tenant+"_") {
			out = append(out, r)
		}
	}
	return out
}

// TestNetworkIsolation reads every NetworkPolicy of alpha as the CNI
// would: the namespace is denied both ways by default, and no rule admits
// a peer outside the namespace other than kube-dns, the load balancer
// subnets, Lattice, the named shared service and the platform's egress
// ranges. Namespace selectors never match another tenant.
func TestNetworkIsolation(t *testing.T) {
	doc := twoTenants(t)
	for _, tenant := range []string{"alpha", "beta"} {
		policies := map[string]map[string]any{}
		for _, p := range ofTenant(doc, "kubernetes_network_policy_v1", tenant) {
			meta := tftest.Block(p, "metadata")
			if !strings.Contains(meta["namespace"].(string), "tenancy_"+tenant+"_namespace") {
				t.Errorf("%s policy %v is not in the tenant's namespace", tenant, meta)
			}
			policies[meta["name"].(string)] = tftest.Block(p, "spec")
		}
		deny := policies["default-deny"]
		if deny == nil || fmt.Sprint(deny["policy_types"]) != "[Ingress Egress]" || deny["ingress"] != nil || deny["egress"] != nil || len(tftest.Block(deny, "pod_selector")) != 0 {
			t.Fatalf("%s default-deny = %v", tenant, deny)
		}
		for name, spec := range policies {
			if len(tftest.Block(spec, "pod_selector")) != 0 {
				t.Errorf("%s/%s selects some pods only; every policy applies to the whole namespace", tenant, name)
			}
			for _, dir := range []string{"ingress", "egress"} {
				rules, _ := spec[dir].([]any)
				for _, rule := range rules {
					peers, _ := rule.(map[string]any)[map[string]string{"ingress": "from", "egress": "to"}[dir]].([]any)
					if len(peers) == 0 {
						t.Errorf("%s/%s %s rule without peers admits everything: %v", tenant, name, dir, rule)
					}
					for _, peer := range peers {
						checkPeer(t, tenant, name, dir, peer.(map[string]any))
					}
				}
			}
		}
		if tenant == "alpha" && policies["allow-shared-pricing"] != nil {
			t.Errorf("alpha did not ask for the pricing service")
		}
	}
}

// checkPeer fails when a peer could be another tenant's pod.
func checkPeer(t *testing.T, tenant, policy, dir string, peer map[string]any) {
	t.Helper()
	where := fmt.Sprintf("%s/%s %s peer %v", tenant, policy, dir, peer)
	ns, hasNS := peer["namespace_selector"].(map[string]any)
	pods, hasPods := peer["pod_selector"].(map[string]any)
	ip, hasIP := peer["ip_block"].(map[string]any)
	switch {
	case hasIP:
		cidr := ip["cidr"].(string)
		allowed := map[string]bool{tenancy.LatticeCIDR: true, "10.0.240.0/24": true, "10.0.241.0/24": true, "169.254.170.23/32": true}
		if !allowed[cidr] && !(dir == "egress" && cidr == "10.0.0.0/16") {
			t.Errorf("%s: ip block %s is not a load balancer subnet, Lattice, the Pod Identity agent or a platform egress range", where, cidr)
		}
		if dir == "ingress" && cidr == "10.0.0.0/16" {
			t.Errorf("%s: the VPC range holds other tenants' pods", where)
		}
	case hasNS:
		name := fmt.Sprint(tftest.Block(ns, "match_labels")["kubernetes.io/metadata.name"])
		if name != "kube-system" && name != "shared" {
			t.Errorf("%s: namespace selector %v reaches beyond kube-system and the shared services", where, ns)
		}
		if len(tftest.Block(pods, "match_labels")) == 0 {
			t.Errorf("%s: selects every pod of namespace %s", where, name)
		}
	case hasPods:
		// A pod selector without a namespace selector is this namespace.
	default:
		t.Errorf("%s: empty peer admits everything", where)
	}
}

// TestRBACIsNamespaced checks that the team gets a namespaced Role bound
// to its group only, that the Role cannot touch RBAC or write the
// guardrails, and that the access entry's policy is scoped to the
// namespace: no path to cluster-scoped rights.
func TestRBACIsNamespaced(t *testing.T) {
	doc := twoTenants(t)
	if n := len(doc.Resources("kubernetes_cluster_role_v1")) + len(doc.Resources("kubernetes_cluster_role_binding_v1")); n != 0 {
		t.Fatalf("tenants made %d cluster-scoped RBAC objects", n)
	}
	for _, tenant := range []string{"alpha", "beta"} {
		role := ofTenant(doc, "kubernetes_role_v1", tenant)[0]
		for _, raw := range role["rule"].([]any) {
			rule := raw.(map[string]any)
			groups, resources, verbs := tftest.Strings(rule["api_groups"]), tftest.Strings(rule["resources"]), tftest.Strings(rule["verbs"])
			for _, g := range groups {
				if g == "rbac.authorization.k8s.io" || g == "*" {
					t.Errorf("%s role reaches RBAC: %v", tenant, rule)
				}
			}
			for _, r := range resources {
				if r == "*" || r == "namespaces" || r == "nodes" || r == "persistentvolumes" {
					t.Errorf("%s role names %q", tenant, r)
				}
				guard := r == "resourcequotas" || r == "limitranges" || r == "networkpolicies"
				for _, v := range verbs {
					if v == "*" || v == "escalate" || v == "bind" || v == "impersonate" || (guard && v != "get" && v != "list" && v != "watch") {
						t.Errorf("%s role may %s %s", tenant, v, r)
					}
				}
			}
		}
		binding := named(t, ofTenant(doc, "kubernetes_role_binding_v1", tenant), "tenant-team")
		subjects := binding["subject"].([]any)
		if len(subjects) != 1 || subjects[0].(map[string]any)["name"] != "tenant:"+tenant || subjects[0].(map[string]any)["kind"] != "Group" {
			t.Errorf("%s binding subjects = %v", tenant, subjects)
		}
		if ref := tftest.Block(binding, "role_ref"); ref["kind"] != "Role" {
			t.Errorf("%s binding refers to %v", tenant, ref)
		}
		entry := ofTenant(doc, "aws_eks_access_entry", tenant)[0]
		if fmt.Sprint(entry["kubernetes_groups"]) != "[tenant:"+tenant+"]" {
			t.Errorf("%s access entry groups = %v", tenant, entry["kubernetes_groups"])
		}
		assoc := ofTenant(doc, "aws_eks_access_policy_association", tenant)[0]
		scope := tftest.Block(assoc, "access_scope")
		if scope["type"] != "namespace" || fmt.Sprint(scope["namespaces"]) != "["+tenant+"]" || !strings.HasSuffix(assoc["policy_arn"].(string), "/AmazonEKSViewPolicy") {
			t.Errorf("%s access policy = %v", tenant, assoc)
		}
		project := manifestOf(t, doc, tenant, "AppProject")
		spec := project["spec"].(map[string]any)
		if w, ok := spec["clusterResourceWhitelist"].([]any); !ok || len(w) != 0 {
			t.Errorf("%s AppProject cluster whitelist = %v; want empty", tenant, spec["clusterResourceWhitelist"])
		}
		dest := spec["destinations"].([]any)
		if len(dest) != 1 || dest[0].(map[string]any)["namespace"] != tenant {
			t.Errorf("%s AppProject destinations = %v", tenant, dest)
		}
		if fmt.Sprint(spec["sourceRepos"]) != "[https://git.example.com/"+tenant+".git]" {
			t.Errorf("%s AppProject repos = %v", tenant, spec["sourceRepos"])
		}
		if !strings.Contains(fmt.Sprint(spec["namespaceResourceBlacklist"]), "kind:NetworkPolicy") {
			t.Errorf("%s AppProject lets Argo CD replace the network policies: %v", tenant, spec["namespaceResourceBlacklist"])
		}
		app := manifestOf(t, doc, tenant, "Application")["spec"].(map[string]any)
		if app["project"] != tenant || app["destination"].(map[string]any)["namespace"] != tenant {
			t.Errorf("%s Application = %v", tenant, app)
		}
	}
}

// named returns the resource among rs whose metadata name is name.
func named(t *testing.T, rs []map[string]any, name string) map[string]any {
	t.Helper()
	for _, r := range rs {
		if tftest.Block(r, "metadata")["name"] == name {
			return r
		}
	}
	t.Fatalf("no object named %s among %d", name, len(rs))
	return nil
}

func manifestOf(t *testing.T, doc tftest.Doc, tenant, kind string) map[string]any {
	t.Helper()
	for _, m := range ofTenant(doc, "kubernetes_manifest", tenant) {
		if body := m["manifest"].(map[string]any); body["kind"] == kind {
			return body
		}
	}
	t.Fatalf("%s has no %s", tenant, kind)
	return nil
}

// TestIAMIsolation reads each tenant role's policies: S3 only under its
// prefix, Kafka only its topics (plus the one alpha shared with beta, read
// only) and groups, and nothing on EFS (TestEFSIsolation).
func TestIAMIsolation(t *testing.T) {
	doc := twoTenants(t)
	for _, tc := range []struct{ tenant, other string }{{"alpha", "beta"}, {"beta", "alpha"}} {
		var all []string
		for _, p := range ofTenant(doc, "aws_iam_role_policy", tc.tenant) {
			all = append(all, p["policy"].(string))
			policy := tftest.Policy(t, p["policy"])
			for _, raw := range policy["Statement"].([]any) {
				st := raw.(map[string]any)
				actions := fmt.Sprint(st["Action"])
				for _, res := range tftest.Strings(st["Resource"]) {
					if res == "*" {
						t.Errorf("%s: %v on *", tc.tenant, actions)
					}
					if strings.Contains(res, ":topic/") {
						topic := res[strings.LastIndex(res, "/")+1:]
						shared := tc.tenant == "beta" && topic == "alpha.orders"
						if !strings.HasPrefix(topic, tc.tenant+".") && !shared {
							t.Errorf("%s: %v on another tenant's topic %s", tc.tenant, actions, topic)
						}
						if shared && strings.Contains(actions, "Write") {
							t.Errorf("beta may write alpha's shared topic: %v", st)
						}
					}
					if strings.Contains(res, ":group/") || strings.Contains(res, ":transactional-id/") {
						if !strings.HasSuffix(res, "/"+tc.tenant+".*") {
							t.Errorf("%s: %v on %s", tc.tenant, actions, res)
						}
					}
					if strings.Contains(res, "aws_s3_bucket.") && strings.Contains(res, "}/") && !strings.HasSuffix(res, "}/"+tc.tenant+"/*") {
						t.Errorf("%s: S3 %v outside its prefix: %s", tc.tenant, actions, res)
					}
				}
			}
		}
		joined := strings.Join(all, "\n")
		for _, want := range []string{"s3:prefix", tc.tenant + ".orders", tc.tenant + ".*"} {
			if !strings.Contains(joined, want) {
				t.Errorf("%s policies lack %q:\n%s", tc.tenant, want, joined)
			}
		}
		if strings.Contains(joined, "/"+tc.other+"/*") || strings.Contains(joined, tc.other+".*") || strings.Contains(joined, "tenancy_"+tc.other+"_access-point") {
			t.Errorf("%s policies name %s's resources:\n%s", tc.tenant, tc.other, joined)
		}
	}
	// Roles carry the mesh tag the Lattice auth policies admit by.
	for _, tenant := range []string{"alpha", "beta"} {
		role := ofTenant(doc, "aws_iam_role", tenant)[0]
		if tftest.Block(role, "tags")[tenancy.MeshTagKey] != tenant {
			t.Errorf("%s role tags = %v", tenant, role["tags"])
		}
	}
}

// TestGuardrails checks the quota, limits, namespace labels, storage and
// service account of a tenant.
func TestGuardrails(t *testing.T) {
	doc := twoTenants(t)
	hard := tftest.Block(tftest.Block(ofTenant(doc, "kubernetes_resource_quota_v1", "alpha")[0], "spec"), "hard")
	want := map[string]string{"requests.cpu": "4", "limits.memory": "16Gi", "pods": "40", "services.loadbalancers": "0", "services.nodeports": "0", "requests.storage": "50Gi"}
	for k, v := range want {
		if hard[k] != v {
			t.Errorf("quota %s = %v, want %s", k, hard[k], v)
		}
	}
	limit := tftest.Block(ofTenant(doc, "kubernetes_limit_range_v1", "alpha")[0], "spec")["limit"].([]any)[0].(map[string]any)
	if limit["type"] != "Container" || tftest.Block(limit, "default_request")["cpu"] != "100m" || tftest.Block(limit, "max")["memory"] != "4Gi" {
		t.Errorf("limit range = %v", limit)
	}
	labels := tftest.Block(tftest.Block(ofTenant(doc, "kubernetes_namespace_v1", "alpha")[0], "metadata"), "labels")
	if labels["pod-security.kubernetes.io/enforce"] != "restricted" || labels["hybridstack.io/tenant"] != "alpha" {
		t.Errorf("namespace labels = %v", labels)
	}
	ap := ofTenant(doc, "aws_efs_access_point", "alpha")[0]
	if fmt.Sprint(tftest.Block(ap, "posix_user")) != "map[gid:10001 uid:10001]" || tftest.Block(ap, "root_directory")["path"] != "/tenants/alpha" {
		t.Errorf("access point = %v", ap)
	}
	pv := ofTenant(doc, "kubernetes_persistent_volume_v1", "alpha")[0]["spec"].([]any)[0].(map[string]any)
	if ref := tftest.Block(pv, "claim_ref"); ref["namespace"] != "alpha" || ref["name"] != "shared" || pv["persistent_volume_reclaim_policy"] != "Retain" {
		t.Errorf("volume = %v", pv)
	}
	sa := named(t, ofTenant(doc, "kubernetes_service_account_v1", "alpha"), "workload")
	if sa["automount_service_account_token"] != false || !strings.Contains(fmt.Sprint(tftest.Block(sa, "metadata")["annotations"]), "eks.amazonaws.com/role-arn") {
		t.Errorf("alpha (IRSA) service account = %v", sa)
	}
	if n := len(ofTenant(doc, "aws_eks_pod_identity_association", "beta")); n != 1 {
		t.Errorf("beta (Pod Identity) associations = %d", n)
	}
	egress, _ := json.Marshal(doc.Resources("kubernetes_network_policy_v1"))
	if !strings.Contains(string(egress), "169.254.170.23/32") {
		t.Errorf("beta on Pod Identity cannot reach the agent")
	}
}

// TestValidation checks that bad tenants are refused with errors that
// name the tenant and the field, every problem at once, and that nothing
// is created for them.
func TestValidation(t *testing.T) {
	e := newEnv(t)
	p := e.platform(t, func(pp *tenancy.PlatformProps) { pp.Capacity = kube.Resources{CPU: "10", Memory: "36Gi"} })
	if _, err := p.AddTenant(tenant("alpha", 10001)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		mod  func(*tenancy.TenantProps)
		want []string
	}{
		{"not a namespace", func(tp *tenancy.TenantProps) { tp.Name = "Risk_Team" },
			[]string{`tenancy "tenants/tenancy/Risk_Team": Name "Risk_Team" is not a valid tenant name: a DNS label`}},
		{"reserved", func(tp *tenancy.TenantProps) { tp.Name = "kube-system" }, []string{`Name "kube-system" is a namespace Kubernetes or the platform uses`}},
		{"duplicate", func(tp *tenancy.TenantProps) { tp.Name = "alpha"; tp.UID, tp.GID = 20000, 20000; tp.TeamRoleARN = "" },
			[]string{`tenancy "tenants/tenancy/alpha": Name "alpha" is already a tenant of this platform`}},
		{"shared team role", func(tp *tenancy.TenantProps) { tp.TeamRoleARN = "arn:aws:iam::123456789012:role/alpha-team" },
			[]string{`TeamRoleARN "arn:aws:iam::123456789012:role/alpha-team" is already the team role of tenant "alpha"`}},
		{"shared posix user", func(tp *tenancy.TenantProps) { tp.UID = 10001 }, []string{`UID 10001 is already the POSIX user of tenant "alpha"`}},
		{"root", func(tp *tenancy.TenantProps) { tp.UID, tp.GID = 0, 0 }, []string{`UID 0 is not a tenant POSIX id`, `GID 0 is not a tenant POSIX id`}},
		{"unknown tier", func(tp *tenancy.TenantProps) { tp.Tier = "huge" }, []string{`Tier "huge" is not a tier; use "small", "medium" or "large"`}},
		{"bad quantity", func(tp *tenancy.TenantProps) { tp.Quota.RequestsMemory = "8GB" }, []string{`Quota.RequestsMemory "8GB" is not a Kubernetes quantity`}},
		{"requests over limits", func(tp *tenancy.TenantProps) { tp.Quota.RequestsCPU = "9" },
			[]string{`Quota.RequestsCPU 9 is more than Quota.LimitsCPU 8; it must not exceed it`}},
		{"container max over quota", func(tp *tenancy.TenantProps) { tp.Limits.MaxMemory = "32Gi" },
			[]string{`Limits.MaxMemory 32Gi is more than Quota.LimitsMemory 16Gi`}},
		{"over capacity", func(tp *tenancy.TenantProps) { tp.Tier = tenancy.TierMedium },
			[]string{`Quota.RequestsCPU 16 would bring the tenants' CPU requests to 20, over the platform's Capacity.CPU 10 (tenants so far: 4)`,
				`Quota.RequestsMemory 32Gi would bring the tenants' memory requests to 40Gi`}},
		{"bad topic", func(tp *tenancy.TenantProps) { tp.Topics = []tenancy.Topic{{Name: "orders*"}, {Name: "a b"}} },
			[]string{`Topics[0].Name "orders*" is not a Kafka topic name`, `Topics[1].Name "a b" is not a Kafka topic name`}},
		{"unshared topic", func(tp *tenancy.TenantProps) { tp.ReadTopics = []string{"alpha.events", "ghost.prices"} },
			[]string{`ReadTopics[0] "alpha.events" does not list "gamma" among its Readers`, `ReadTopics[1] "ghost.prices" belongs to "ghost", which is not a tenant added before this one`}},
		{"prefix outside", func(tp *tenancy.TenantProps) { tp.BucketPrefix = "alpha/" }, []string{`BucketPrefix "alpha/" is outside the tenant's own prefix "gamma/"`}},
		{"unknown shared service", func(tp *tenancy.TenantProps) { tp.SharedServices = []string{"ledger"} },
			[]string{`SharedServices[0] "ledger" is not a shared service of the platform (pricing)`}},
		{"wildcard repository", func(tp *tenancy.TenantProps) { tp.Repositories = []string{"*"} },
			[]string{`Repositories[0] "*" is not a Git repository URL`, `Application.RepoURL "https://git.example.com/gamma.git" is not one of the tenant's Repositories`}},
		{"system group", func(tp *tenancy.TenantProps) { tp.TeamGroup = "system:masters" }, []string{`TeamGroup "system:masters" is not allowed`}},
		{"platform label", func(tp *tenancy.TenantProps) {
			tp.Labels = map[string]string{"pod-security.kubernetes.io/enforce": "privileged"}
		},
			[]string{`Labels key "pod-security.kubernetes.io/enforce" is set by the platform`}},
		{"no identity", func(tp *tenancy.TenantProps) { tp.Identity = kube.IdentityNone }, []string{`Identity "none" is not an identity for a tenant`}},
		{"sync account", func(tp *tenancy.TenantProps) { tp.ServiceAccount = tenancy.SyncServiceAccount },
			[]string{`tenancy "tenants/tenancy/gamma": ServiceAccount "argocd-sync" is the service account Argo CD syncs the tenant as`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			props := tenant("gamma", 10003)
			tt.mod(&props)
			_, err := p.AddTenant(props)
			if err == nil {
				t.Fatalf("AddTenant accepted %+v", props)
			}
			if !errors.Is(err, validate.ErrInvalid) {
				t.Errorf("error does not wrap validate.ErrInvalid: %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error:\n%v\nwant it to contain %q", err, w)
				}
			}
			if p.Tenant(props.Name) != nil && props.Name != "alpha" {
				t.Errorf("invalid tenant %q was registered", props.Name)
			}
		})
	}
	if got := p.Tenants(); fmt.Sprint(got) != "[alpha]" {
		t.Errorf("tenants after the invalid ones = %v", got)
	}
	doc := tftest.Synth(t, e.tenants)
	if n := len(doc.Resources("kubernetes_namespace_v1")); n != 1 {
		t.Errorf("namespaces = %d; invalid tenants created objects", n)
	}
}

// TestPlatformValidation checks the platform's own props.
func TestPlatformValidation(t *testing.T) {
	e := newEnv(t)
	_, err := tenancy.NewPlatform(e.tenants, "tenancy", tenancy.PlatformProps{
		Capacity:          kube.Resources{CPU: "lots", Memory: "1Gi"},
		LoadBalancerCIDRs: []string{"10.0.240.1/24", "0.0.0.0/0"},
		EgressRules:       []tenancy.EgressRule{{Name: "Bad", CIDR: "x", Ports: []int{0}}},
		SharedServices:    []tenancy.SharedService{{Name: "p", Namespace: "shared", Ports: []int{80}}},
	})
	for _, want := range []string{
		`tenancy "tenants/tenancy": Cluster is nil`,
		`Capacity.CPU "lots" is not a Kubernetes quantity`,
		`LoadBalancerCIDRs[0] "10.0.240.1/24" has host bits set; did you mean "10.0.240.0/24"`,
		`LoadBalancerCIDRs[1] "0.0.0.0/0" admits every address; name the destination`,
		`EgressRules[0].Name "Bad" is not a DNS label`,
		`EgressRules[0].CIDR "x" is not an IPv4 CIDR block`,
		`EgressRules[0].Ports[0] 0 is not a TCP port`,
		`SharedServices[0].PodLabels is empty`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error:\n%v\nwant %q", err, want)
		}
	}
}

// TestAdmissionAndOrdering checks the platform's admission policy (inline
// CSI volumes and externalIPs refused in tenant namespaces) and that each
// Application waits for its tenant's guardrails.
func TestAdmissionAndOrdering(t *testing.T) {
	doc := twoTenants(t)
	var policy, binding map[string]any
	for name, m := range doc.Resources("kubernetes_manifest") {
		body := m["manifest"].(map[string]any)
		switch body["kind"] {
		case "ValidatingAdmissionPolicy":
			policy = body
		case "ValidatingAdmissionPolicyBinding":
			binding = body
		case "Application":
			deps := fmt.Sprint(m["depends_on"])
			for _, want := range []string{"network-policy-default-deny", "_quota_", "_limits_", "_service-account_", "argocd-project"} {
				if !strings.Contains(deps, want) {
					t.Errorf("Application %s does not wait for %s: %s", name, want, deps)
				}
			}
		}
	}
	if policy == nil || binding == nil {
		t.Fatalf("admission policy %v, binding %v", policy, binding)
	}
	rules := fmt.Sprint(policy["spec"].(map[string]any)["validations"])
	for _, want := range []string{"has(v.csi)", "externalIPs"} {
		if !strings.Contains(rules, want) {
			t.Errorf("admission validations %s lack %s", rules, want)
		}
	}
	spec := binding["spec"].(map[string]any)
	if fmt.Sprint(spec["validationActions"]) != "[Deny]" || !strings.Contains(fmt.Sprint(spec["matchResources"]), "hybridstack.io/tenant") {
		t.Errorf("admission binding = %v", spec)
	}
}
