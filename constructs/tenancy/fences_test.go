package tenancy_test

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/tenancy"
)

// lbTenants builds alpha behind a load balancer (a TargetGroupBinding)
// and beta without one, and returns the tenants stack's document.
func lbTenants(t *testing.T) tftest.Doc {
	t.Helper()
	e := newEnv(t)
	p := e.platform(t, nil)
	a := tenant("alpha", 10001)
	a.LoadBalancerTargets = []tenancy.LoadBalancerTarget{{
		Name: "alpha-web", Service: "web", Port: 8080,
		TargetGroupARN: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/alpha/0123456789abcdef",
	}}
	if _, err := p.AddTenant(a); err != nil {
		t.Fatal(err)
	}
	if _, err := p.AddTenant(tenant("beta", 10002)); err != nil {
		t.Fatal(err)
	}
	return tftest.Synth(t, e.tenants)
}

// addresses returns every resource of the document by address.
func addresses(doc tftest.Doc) map[string]map[string]any {
	out := map[string]map[string]any{}
	types, _ := doc["resource"].(map[string]any)
	for typ := range types {
		for name, r := range doc.Resources(typ) {
			out[typ+"."+name] = r
		}
	}
	return out
}

var reference = regexp.MustCompile(`\b(kubernetes_[a-z0-9_]+|aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)`)

// dependencies returns, for each resource, the resources it depends on,
// directly or not: its depends_on and the references in its arguments, as
// Terraform reads them. Terraform destroys a resource before everything
// it depends on.
func dependencies(doc tftest.Doc) map[string]map[string]bool {
	all := addresses(doc)
	direct := map[string][]string{}
	for addr, r := range all {
		for _, m := range reference.FindAllStringSubmatch(fmt.Sprint(r), -1) {
			if dep := m[1] + "." + m[2]; dep != addr && all[dep] != nil {
				direct[addr] = append(direct[addr], dep)
			}
		}
	}
	closure := map[string]map[string]bool{}
	var visit func(string) map[string]bool
	visit = func(addr string) map[string]bool {
		if c, ok := closure[addr]; ok {
			return c
		}
		c := map[string]bool{}
		closure[addr] = c
		for _, dep := range direct[addr] {
			c[dep] = true
			for d := range visit(dep) {
				c[d] = true
			}
		}
		return c
	}
	for addr := range all {
		visit(addr)
	}
	return closure
}

// application returns the address and body of tenant's Application.
func application(t *testing.T, doc tftest.Doc, tenant string) (string, map[string]any) {
	t.Helper()
	for name, m := range doc.Resources("kubernetes_manifest") {
		if strings.HasPrefix(name, "tenancy_"+tenant+"_") && m["manifest"].(map[string]any)["kind"] == "Application" {
			return "kubernetes_manifest." + name, m
		}
	}
	t.Fatalf("%s has no Application", tenant)
	return "", nil
}

// TestDestroyOrder checks that destroying a tenant converges: each
// Application carries Argo CD's cascade finalizer (Argo CD deletes the
// synced workloads, and waits for their pods, before the Application is
// gone), and the Application depends on the claim, the volume, the
// namespace and every other object of its tenant, so that Terraform,
// which destroys in reverse dependency order, deletes the Application
// first and the claim only when no pod uses it any more.
func TestDestroyOrder(t *testing.T) {
	doc := lbTenants(t)
	deps := dependencies(doc)
	for _, tenant := range []string{"alpha", "beta"} {
		addr, app := application(t, doc, tenant)
		meta := app["manifest"].(map[string]any)["metadata"].(map[string]any)
		if fmt.Sprint(meta["finalizers"]) != "[resources-finalizer.argocd.argoproj.io]" {
			t.Errorf("%s Application finalizers = %v; want Argo CD's cascade finalizer", tenant, meta["finalizers"])
		}
		checked := 0
		for other := range addresses(doc) {
			name := other[strings.Index(other, ".")+1:]
			if other == addr || !strings.HasPrefix(name, "tenancy_"+tenant+"_") || !strings.HasPrefix(other, "kubernetes_") {
				continue
			}
			checked++
			if !deps[addr][other] {
				t.Errorf("%s: Terraform would not destroy the Application before %s", tenant, other)
			}
			if deps[other][addr] {
				t.Errorf("%s: %s depends on the Application (a cycle)", tenant, other)
			}
		}
		for _, typ := range []string{"kubernetes_persistent_volume_claim_v1", "kubernetes_persistent_volume_v1", "kubernetes_namespace_v1"} {
			for name := range doc.Resources(typ) {
				if strings.HasPrefix(name, "tenancy_"+tenant+"_") && !deps[addr][typ+"."+name] {
					t.Errorf("%s: the Application is destroyed after %s.%s", tenant, typ, name)
				}
			}
		}
		if checked < 12 {
			t.Errorf("%s: only %d objects checked", tenant, checked)
		}
	}
}

// TestApplicationAfterFences checks that each Application is created
// after, and names in its depends_on, every fence of its tenant: the
// admission policy and binding, every NetworkPolicy (allow-* included),
// the TargetGroupBindings, quota, limits, RBAC and service accounts.
func TestApplicationAfterFences(t *testing.T) {
	doc := lbTenants(t)
	for _, tenant := range []string{"alpha", "beta"} {
		_, app := application(t, doc, tenant)
		direct := map[string]bool{}
		for _, d := range tftest.Strings(app["depends_on"]) {
			direct[d] = true
		}
		var want []string
		for name, m := range doc.Resources("kubernetes_manifest") {
			switch m["manifest"].(map[string]any)["kind"] {
			case "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding":
				want = append(want, "kubernetes_manifest."+name)
			case "TargetGroupBinding", "AppProject":
				if strings.HasPrefix(name, "tenancy_"+tenant+"_") {
					want = append(want, "kubernetes_manifest."+name)
				}
			}
		}
		for _, typ := range []string{"kubernetes_network_policy_v1", "kubernetes_resource_quota_v1", "kubernetes_limit_range_v1",
			"kubernetes_role_v1", "kubernetes_role_binding_v1", "kubernetes_service_account_v1", "kubernetes_namespace_v1",
			"kubernetes_persistent_volume_claim_v1", "kubernetes_persistent_volume_v1"} {
			for name := range doc.Resources(typ) {
				if strings.HasPrefix(name, "tenancy_"+tenant+"_") {
					want = append(want, typ+"."+name)
				}
			}
		}
		sort.Strings(want)
		var policies, bindings int
		for _, w := range want {
			if !direct[w] {
				t.Errorf("%s Application does not wait for %s", tenant, w)
			}
			if strings.Contains(w, "network-policy-allow") {
				policies++
			}
			if strings.Contains(w, "target-group-binding") {
				bindings++
			}
		}
		if policies < 4 || (tenant == "alpha") != (bindings == 1) {
			t.Errorf("%s: %d allow-* policies and %d TargetGroupBindings among %v", tenant, policies, bindings, want)
		}
	}
}

// TestSyncImpersonation checks that Argo CD syncs each tenant as the
// tenant's argocd-sync service account, which is bound to the team's Role
// and nothing else, and that pods may not run as it.
func TestSyncImpersonation(t *testing.T) {
	doc := lbTenants(t)
	for _, tenant := range []string{"alpha", "beta"} {
		spec := manifestOf(t, doc, tenant, "AppProject")["spec"].(map[string]any)
		want := fmt.Sprintf("[map[defaultServiceAccount:%s:argocd-sync namespace:%s server:https://kubernetes.default.svc]]", tenant, tenant)
		if got := fmt.Sprint(spec["destinationServiceAccounts"]); got != want {
			t.Errorf("%s destinationServiceAccounts = %s, want %s", tenant, got, want)
		}
		var sa map[string]any
		for _, r := range ofTenant(doc, "kubernetes_service_account_v1", tenant) {
			if tftest.Block(r, "metadata")["name"] == tenancy.SyncServiceAccount {
				sa = r
			}
		}
		if sa == nil || sa["automount_service_account_token"] != false || !strings.Contains(fmt.Sprint(tftest.Block(sa, "metadata")["namespace"]), "tenancy_"+tenant+"_namespace") {
			t.Fatalf("%s sync service account = %v", tenant, sa)
		}
		var syncBindings int
		for _, b := range ofTenant(doc, "kubernetes_role_binding_v1", tenant) {
			for _, s := range b["subject"].([]any) {
				subject := s.(map[string]any)
				if subject["kind"] != "ServiceAccount" {
					continue
				}
				syncBindings++
				ref := tftest.Block(b, "role_ref")
				if ref["kind"] != "Role" || !strings.Contains(fmt.Sprint(ref["name"]), "tenancy_"+tenant+"_team-role") || len(b["subject"].([]any)) != 1 {
					t.Errorf("%s sync binding = %v; want the team's Role for the sync account alone", tenant, b)
				}
				if !strings.Contains(fmt.Sprint(subject["name"]), "sync-service-account") || !strings.Contains(fmt.Sprint(subject["namespace"]), "tenancy_"+tenant+"_namespace") {
					t.Errorf("%s sync binding subject = %v", tenant, subject)
				}
			}
		}
		if syncBindings != 1 {
			t.Errorf("%s: %d bindings of a service account, want the sync account's", tenant, syncBindings)
		}
	}
	if !strings.Contains(fmt.Sprint(admissionPolicy(t, doc)["validations"]), "object.spec.serviceAccountName != 'argocd-sync'") {
		t.Error("pods may run as the sync service account")
	}
}

func admissionPolicy(t *testing.T, doc tftest.Doc) map[string]any {
	t.Helper()
	for _, m := range doc.Resources("kubernetes_manifest") {
		if body := m["manifest"].(map[string]any); body["kind"] == "ValidatingAdmissionPolicy" {
			return body["spec"].(map[string]any)
		}
	}
	t.Fatal("no admission policy")
	return nil
}

// TestPodDisruptionBudgetAdmission checks that the admission policy
// matches PodDisruptionBudgets and refuses those that allow no
// disruption: maxUnavailable 0 (or "0%") and minAvailable "100%". The
// patterns are RE2, as CEL's matches() reads them.
func TestPodDisruptionBudgetAdmission(t *testing.T) {
	spec := admissionPolicy(t, lbTenants(t))
	if rules := fmt.Sprint(spec["matchConstraints"]); !strings.Contains(rules, "apiGroups:[policy]") || !strings.Contains(rules, "resources:[poddisruptionbudgets]") {
		t.Fatalf("the policy does not match PodDisruptionBudgets: %s", rules)
	}
	pattern := regexp.MustCompile(`string\(object\.spec\.(maxUnavailable|minAvailable)\)\.matches\('([^']+)'\)`)
	refused := map[string]*regexp.Regexp{}
	for _, raw := range spec["validations"].([]any) {
		v := raw.(map[string]any)
		expr := v["expression"].(string)
		m := pattern.FindStringSubmatch(expr)
		if m == nil {
			continue
		}
		if !strings.HasPrefix(expr, "request.kind.kind != 'PodDisruptionBudget' || (request.operation == 'UPDATE' && oldObject.spec == object.spec) || !has(object.spec."+m[1]+") || !") {
			t.Errorf("%s rule does not apply to budgets alone, judges updates that keep the spec (a finalizer's removal) or fails on a budget without the field: %s", m[1], expr)
		}
		if !strings.Contains(v["message"].(string), "drain") {
			t.Errorf("%s rule message %q does not say why", m[1], v["message"])
		}
		refused[m[1]] = regexp.MustCompile(m[2])
	}
	cases := []struct {
		field, value string
		refuse       bool
	}{
		{"maxUnavailable", "0", true}, {"maxUnavailable", "0%", true}, {"maxUnavailable", "00%", true},
		{"maxUnavailable", "1", false}, {"maxUnavailable", "10%", false}, {"maxUnavailable", "100%", false},
		{"minAvailable", "100%", true}, {"minAvailable", "0100%", true},
		{"minAvailable", "99%", false}, {"minAvailable", "1", false}, {"minAvailable", "100", false}, {"minAvailable", "10%", false},
	}
	for _, c := range cases {
		re := refused[c.field]
		if re == nil {
			t.Fatalf("no rule on %s", c.field)
		}
		if re.MatchString(c.value) != c.refuse {
			t.Errorf("%s %s: refused %t, want %t", c.field, c.value, !c.refuse, c.refuse)
		}
	}
}

// TestReadinessGatesOnlyBehindLoadBalancers checks that only the
// namespace of a tenant with a TargetGroupBinding is labelled for the load
// balancer controller's readiness gates.
func TestReadinessGatesOnlyBehindLoadBalancers(t *testing.T) {
	doc := lbTenants(t)
	for tenant, want := range map[string]any{"alpha": "enabled", "beta": nil} {
		labels := tftest.Block(tftest.Block(ofTenant(doc, "kubernetes_namespace_v1", tenant)[0], "metadata"), "labels")
		if got := labels["elbv2.k8s.aws/pod-readiness-gate-inject"]; got != want {
			t.Errorf("%s namespace readiness gate label = %v, want %v", tenant, got, want)
		}
	}
}

// kinds are the Kubernetes kinds of the typed resources a tenant gets.
var kinds = map[string][2]string{
	"kubernetes_resource_quota_v1":          {"", "ResourceQuota"},
	"kubernetes_limit_range_v1":             {"", "LimitRange"},
	"kubernetes_network_policy_v1":          {"networking.k8s.io", "NetworkPolicy"},
	"kubernetes_role_v1":                    {"rbac.authorization.k8s.io", "Role"},
	"kubernetes_role_binding_v1":            {"rbac.authorization.k8s.io", "RoleBinding"},
	"kubernetes_service_account_v1":         {"", "ServiceAccount"},
	"kubernetes_persistent_volume_claim_v1": {"", "PersistentVolumeClaim"},
}

// TestOrphanedResourcesIgnored checks that each AppProject warns about
// orphaned objects but ignores, by kind and exact name, every object the
// platform makes in the tenant's namespace, and nothing else.
func TestOrphanedResourcesIgnored(t *testing.T) {
	doc := lbTenants(t)
	for _, tenant := range []string{"alpha", "beta"} {
		orphaned := manifestOf(t, doc, tenant, "AppProject")["spec"].(map[string]any)["orphanedResources"].(map[string]any)
		if orphaned["warn"] != true {
			t.Errorf("%s orphanedResources.warn = %v", tenant, orphaned["warn"])
		}
		ignored := map[string]bool{}
		ignores, _ := orphaned["ignore"].([]any)
		for _, raw := range ignores {
			i := raw.(map[string]any)
			if i["name"] == "" || strings.ContainsAny(fmt.Sprint(i["name"], i["kind"]), "*?[") {
				t.Errorf("%s ignores %v: a wildcard would hide the tenant's own objects", tenant, i)
			}
			ignored[fmt.Sprintf("%v/%v/%v", i["group"], i["kind"], i["name"])] = true
		}
		want := map[string]bool{}
		for typ, gk := range kinds {
			for _, r := range ofTenant(doc, typ, tenant) {
				want[fmt.Sprintf("%s/%s/%v", gk[0], gk[1], tftest.Block(r, "metadata")["name"])] = true
			}
		}
		for _, m := range ofTenant(doc, "kubernetes_manifest", tenant) {
			if body := m["manifest"].(map[string]any); body["kind"] == "TargetGroupBinding" {
				want[fmt.Sprintf("elbv2.k8s.aws/TargetGroupBinding/%v", body["metadata"].(map[string]any)["name"])] = true
			}
		}
		for k := range want {
			if !ignored[k] {
				t.Errorf("%s: Argo CD would report the platform's %s as orphaned", tenant, k)
			}
		}
		for k := range ignored {
			if !want[k] {
				t.Errorf("%s: ignores %s, which the platform does not make", tenant, k)
			}
		}
		if len(want) < 12 || (tenant == "alpha") != want["elbv2.k8s.aws/TargetGroupBinding/alpha-web"] {
			t.Errorf("%s: platform objects %v", tenant, want)
		}
	}
}

// TestEFSIsolation checks what isolates tenants on the shared file
// system: no IAM grant on the tenant role (the EFS CSI driver mounts as
// the node plugin, never as the pod, so such a grant would fence
// nothing), an access point per tenant with its own POSIX identity and
// root directory, a volume on that access point bound to the tenant's
// claim alone, and a file system policy that refuses mounts without an
// access point and root access.
func TestEFSIsolation(t *testing.T) {
	e := newEnv(t)
	p := e.platform(t, nil)
	for i, name := range []string{"alpha", "beta"} {
		if _, err := p.AddTenant(tenant(name, 10001+i)); err != nil {
			t.Fatal(err)
		}
	}
	doc := tftest.Synth(t, e.tenants)
	for i, tenant := range []string{"alpha", "beta"} {
		if len(ofTenant(doc, "aws_iam_role_policy", tenant)) == 0 {
			t.Fatalf("%s has no role policies", tenant)
		}
		for _, pol := range ofTenant(doc, "aws_iam_role_policy", tenant) {
			if strings.Contains(pol["policy"].(string), "elasticfilesystem:") {
				t.Errorf("%s role has an EFS grant, which the CSI driver's mounts never use: %v", tenant, pol["policy"])
			}
		}
		ap := ofTenant(doc, "aws_efs_access_point", tenant)
		if len(ap) != 1 {
			t.Fatalf("%s access points = %d", tenant, len(ap))
		}
		uid := 10001 + i
		if fmt.Sprint(tftest.Block(ap[0], "posix_user")) != fmt.Sprintf("map[gid:%d uid:%d]", uid, uid) || tftest.Block(ap[0], "root_directory")["path"] != "/tenants/"+tenant {
			t.Errorf("%s access point = %v", tenant, ap[0])
		}
		pv := ofTenant(doc, "kubernetes_persistent_volume_v1", tenant)[0]["spec"].([]any)[0].(map[string]any)
		csi := tftest.Block(tftest.Block(pv, "persistent_volume_source"), "csi")
		if h := fmt.Sprint(csi["volume_handle"]); !strings.Contains(h, "::${aws_efs_access_point.tenancy_"+tenant+"_access-point") {
			t.Errorf("%s volume handle %s is not its access point", tenant, h)
		}
		if ref := tftest.Block(pv, "claim_ref"); ref["namespace"] != tenant || ref["name"] != "shared" {
			t.Errorf("%s volume claim_ref = %v", tenant, ref)
		}
	}
	policy := tftest.Synth(t, e.aws).Resources("aws_efs_file_system_policy")
	if len(policy) != 1 {
		t.Fatalf("file system policies = %d", len(policy))
	}
	for _, fp := range policy {
		text := fp["policy"].(string)
		for _, want := range []string{"DenyMountWithoutAccessPoint", `"Null":{"elasticfilesystem:AccessPointArn":"true"}`, "DenyRootAccess"} {
			if !strings.Contains(text, want) {
				t.Errorf("file system policy lacks %s: %s", want, text)
			}
		}
	}
}

// TestNoServiceAccountTokenSecrets checks that the admission policy
// refuses Secrets of type kubernetes.io/service-account-token on creation:
// the tenant's Role (which syncs run as) may create Secrets, and such a
// Secret naming argocd-sync would give any pod that mounts it the sync's
// rights, past the rule that no pod runs as argocd-sync.
func TestNoServiceAccountTokenSecrets(t *testing.T) {
	spec := admissionPolicy(t, lbTenants(t))
	matched := false
	for _, raw := range spec["matchConstraints"].(map[string]any)["resourceRules"].([]any) {
		rule := raw.(map[string]any)
		if fmt.Sprint(rule["resources"]) == "[secrets]" && fmt.Sprint(rule["apiGroups"]) == "[]" {
			matched = fmt.Sprint(rule["operations"]) == "[CREATE]"
		}
	}
	if !matched {
		t.Errorf("the policy does not match Secrets on CREATE: %v", spec["matchConstraints"])
	}
	found := false
	for _, raw := range spec["validations"].([]any) {
		v := raw.(map[string]any)
		if v["expression"] == "request.kind.kind != 'Secret' || !has(object.type) || object.type != 'kubernetes.io/service-account-token'" {
			found = true
			if msg := v["message"].(string); !strings.Contains(msg, "argocd-sync") || !strings.Contains(msg, "projected") {
				t.Errorf("message %q does not say why or what to use instead", msg)
			}
		}
	}
	if !found {
		t.Errorf("no rule refuses service-account token Secrets: %v", spec["validations"])
	}
}
