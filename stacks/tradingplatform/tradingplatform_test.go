package tradingplatform_test

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/tenancy"
	"github.com/hybridstack/hybridstack/stacks/base"
	"github.com/hybridstack/hybridstack/stacks/base/gitops"
	"github.com/hybridstack/hybridstack/stacks/tradingplatform"
)

type doc struct {
	Resource map[string]map[string]map[string]any `json:"resource"`
}

func parse(t testing.TB, st cdktf.TerraformStack) doc {
	t.Helper()
	var d doc
	if err := json.Unmarshal([]byte(*cdktf.Testing_Synth(st, jsii.Bool(false))), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func build(t testing.TB, s base.Settings, tenants []tenancy.TenantProps) *tradingplatform.Stack {
	t.Helper()
	app := cdktf.Testing_App(nil)
	t.Cleanup(func() { os.RemoveAll(*app.Outdir()) })
	if tenants == nil {
		tenants = tradingplatform.Tenants(tradingplatform.OptionsFrom(s))
	}
	st, err := tradingplatform.Build(app, s.WithDefaults(), tenants)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestPlatform reads the AWS stack: MSK and EFS protected and encrypted,
// pods reach the brokers and nodes the file system; the mesh is the
// cluster's (Istio ambient), so no VPC Lattice resource and no load
// balancer bridging it to pods remain.
func TestPlatform(t *testing.T) {
	st := build(t, base.Settings{}, nil)
	r := parse(t, st.Stack).Resource
	msk := one(t, r, "aws_msk_cluster")
	if !strings.Contains(fmt.Sprint(msk["lifecycle"]), "prevent_destroy:true") || !strings.Contains(fmt.Sprint(msk["client_authentication"]), "iam:true") {
		t.Errorf("MSK = %v", msk)
	}
	efs := one(t, r, "aws_efs_file_system")
	if efs["encrypted"] != true || !strings.Contains(fmt.Sprint(efs["lifecycle"]), "prevent_destroy:true") {
		t.Errorf("EFS = %v", efs)
	}
	ports := map[float64]bool{}
	for _, rule := range r["aws_vpc_security_group_ingress_rule"] {
		if strings.Contains(fmt.Sprint(rule["referenced_security_group_id"]), "cluster_security_group_id") {
			ports[rule["from_port"].(float64)] = true
		}
	}
	if !ports[9098] || !ports[2049] {
		t.Errorf("ingress from the cluster security group on ports %v; want Kafka 9098 and NFS 2049", ports)
	}
	for typ, byName := range r {
		if strings.HasPrefix(typ, "aws_vpclattice_") || typ == "aws_lb" || typ == "aws_lb_target_group" {
			t.Errorf("%d %s remain: %v", len(byName), typ, keys(byName))
		}
	}
	if ws := one(t, r, "aws_prometheus_workspace"); ws["kms_key_arn"] == nil {
		t.Errorf("the Prometheus workspace the canary analyses read is not encrypted with its key: %v", ws)
	}
	if addons := r["aws_eks_addon"]; !strings.Contains(fmt.Sprint(addons), "aws-efs-csi-driver") {
		t.Errorf("no EFS CSI driver add-on")
	}
}

// TestTenants reads the tenants stack: the three tenants, their
// Applications at the repository base, the shared price topic readable by
// the two readers, and no target group binding (no load balancer stands
// between tenants any more).
func TestTenants(t *testing.T) {
	st := build(t, base.Settings{}, tradingplatform.Tenants(tradingplatform.Options{Settings: gitops.Settings{GitOpsRepoBase: "https://git.acme.test/trading"}}))
	r := parse(t, st.Tenants).Resource
	if n := len(r["kubernetes_namespace_v1"]); n != 3 {
		t.Errorf("%d namespaces, want 3", n)
	}
	apps, bindings := 0, 0
	for _, m := range r["kubernetes_manifest"] {
		body := m["manifest"].(map[string]any)
		switch body["kind"] {
		case "Application":
			apps++
			if src := fmt.Sprint(body["spec"].(map[string]any)["source"]); !strings.Contains(src, "https://git.acme.test/trading/") {
				t.Errorf("Application source = %s", src)
			}
		case "TargetGroupBinding":
			bindings++
		}
	}
	if apps != 3 || bindings != 0 {
		t.Errorf("%d Applications and %d TargetGroupBindings; want 3 and none", apps, bindings)
	}
	readers := 0
	for name, p := range r["aws_iam_role_policy"] {
		if strings.Contains(name, "kafka") && strings.Contains(p["policy"].(string), "/market-data.prices") {
			readers++
		}
	}
	if readers != 3 {
		t.Errorf("%d tenant roles reach market-data.prices; want the owner and its two readers", readers)
	}
	if st.Platform.Tenants()[0] != "market-data" {
		t.Errorf("tenants = %v", st.Platform.Tenants())
	}
}

// TestTenantLifecycle reads what issue 21 fixed in the tenants stack:
// each Application has Argo CD's cascade finalizer and depends on its
// tenant's claim, volume and namespace (so destroy deletes the workloads
// before the claim), syncs as the tenant's argocd-sync account, no tenant
// namespace is labelled for readiness gates (no load balancer targets a
// tenant since the mesh moved to Istio), and no tenant role carries an EFS
// grant (the CSI driver mounts
// as the node plugin; the access points isolate tenants).
func TestTenantLifecycle(t *testing.T) {
	st := build(t, base.Settings{}, nil)
	r := parse(t, st.Tenants).Resource
	for _, tenant := range []string{"market-data", "risk", "order-routing"} {
		prefix := "tenancy_" + tenant + "_"
		var app, project map[string]any
		for name, m := range r["kubernetes_manifest"] {
			if !strings.HasPrefix(name, prefix) {
				continue
			}
			switch m["manifest"].(map[string]any)["kind"] {
			case "Application":
				app = m
			case "AppProject":
				project = m["manifest"].(map[string]any)
			}
		}
		if app == nil || project == nil {
			t.Fatalf("%s: Application %v, AppProject %v", tenant, app, project)
		}
		if f := fmt.Sprint(app["manifest"].(map[string]any)["metadata"].(map[string]any)["finalizers"]); f != "[resources-finalizer.argocd.argoproj.io]" {
			t.Errorf("%s Application finalizers = %s", tenant, f)
		}
		deps := fmt.Sprint(app["depends_on"])
		for _, typ := range []string{"kubernetes_persistent_volume_claim_v1", "kubernetes_persistent_volume_v1", "kubernetes_namespace_v1"} {
			for name := range r[typ] {
				if strings.HasPrefix(name, prefix) && !strings.Contains(deps, typ+"."+name) {
					t.Errorf("%s Application is not destroyed before %s.%s", tenant, typ, name)
				}
			}
		}
		if got := fmt.Sprint(project["spec"].(map[string]any)["destinationServiceAccounts"]); !strings.Contains(got, "defaultServiceAccount:"+tenant+":argocd-sync") {
			t.Errorf("%s AppProject destinationServiceAccounts = %s", tenant, got)
		}
		namespaces := 0
		for name, ns := range r["kubernetes_namespace_v1"] {
			if !strings.HasPrefix(name, prefix) {
				continue
			}
			namespaces++
			labels := ns["metadata"].(map[string]any)["labels"].(map[string]any)
			if got, ok := labels["elbv2.k8s.aws/pod-readiness-gate-inject"]; ok {
				t.Errorf("%s namespace readiness gate label = %v, want none", tenant, got)
			}
		}
		if namespaces != 1 {
			t.Errorf("%s has %d namespaces, want 1", tenant, namespaces)
		}
	}
	for name, p := range r["aws_iam_role_policy"] {
		if strings.Contains(p["policy"].(string), "elasticfilesystem:") {
			t.Errorf("%s grants EFS access the CSI driver never uses: %s", name, p["policy"])
		}
	}
	if n := len(r["aws_efs_access_point"]); n != 3 {
		t.Errorf("%d access points, want one per tenant", n)
	}
}

// scaleTenants returns n generated tenants small enough for the
// platform's capacity.
func scaleTenants(n int) []tenancy.TenantProps {
	out := make([]tenancy.TenantProps, n)
	for i := range out {
		name := fmt.Sprintf("tenant-%03d", i)
		repo := "https://git.example.com/trading/" + name + ".git"
		out[i] = tenancy.TenantProps{
			Name: name, UID: 30000 + i, GID: 30000 + i,
			Quota:        tenancy.Quota{RequestsCPU: "80m", RequestsMemory: "300Mi"},
			Limits:       tenancy.Limits{DefaultRequestCPU: "50m", DefaultRequestMemory: "64Mi"},
			Topics:       []tenancy.Topic{{Name: "events"}},
			Repositories: []string{repo},
			Application:  &tenancy.Application{RepoURL: repo},
		}
	}
	return out
}

// TestScale synthesizes the tenants stack with 1, 10, 100 and 500 tenants
// and checks each has every tenant's namespace. Timing is the benchmark's
// business (BenchmarkTenantsStack); this only proves the sizes build.
func TestScale(t *testing.T) {
	for _, n := range []int{1, 10, 100, 500} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			st := build(t, base.Settings{}, scaleTenants(n))
			r := parse(t, st.Tenants).Resource
			if got := len(r["kubernetes_namespace_v1"]); got != n {
				t.Errorf("%d namespaces, want %d", got, n)
			}
		})
	}
}

// BenchmarkTenantsStack reports the in-process time to build and
// synthesize the tenants stack, per tenant, at 1, 10, 100 and 500 tenants
// (the AWS and add-ons stacks are built outside the timer's share: their
// cost is the n=1 case's). Growth is linear when ns/tenant stays flat.
func BenchmarkTenantsStack(b *testing.B) {
	for _, n := range []int{1, 10, 100, 500} {
		tenants := scaleTenants(n)
		b.Run(fmt.Sprintf("tenants=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				start := time.Now()
				st := build(b, base.Settings{}, tenants)
				cdktf.Testing_Synth(st.Tenants, jsii.Bool(false))
				b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(n), "ns/tenant")
			}
		})
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func one(t *testing.T, r map[string]map[string]map[string]any, typ string) map[string]any {
	t.Helper()
	if len(r[typ]) != 1 {
		t.Fatalf("%d %s, want 1", len(r[typ]), typ)
	}
	for _, v := range r[typ] {
		return v
	}
	return nil
}

// TestArgoCDSyncImpersonation checks that the addons stack turns on Argo
// CD's sync impersonation, which the tenants' AppProjects
// (destinationServiceAccounts) need; it is off unless asked.
func TestArgoCDSyncImpersonation(t *testing.T) {
	r := parse(t, build(t, base.Settings{}, nil).Addons).Resource
	n := 0
	for name, rel := range r["helm_release"] {
		if rel["chart"] != "argo-cd" {
			continue
		}
		n++
		var values struct {
			Configs struct {
				CM map[string]string `json:"cm"`
			} `json:"configs"`
		}
		if err := json.Unmarshal([]byte(rel["values"].([]any)[0].(string)), &values); err != nil {
			t.Fatal(err)
		}
		if got := values.Configs.CM["application.sync.impersonation.enabled"]; got != "true" {
			t.Errorf("%s sync impersonation = %q, want \"true\"", name, got)
		}
	}
	if n != 1 {
		t.Errorf("%d argo-cd releases, want 1", n)
	}
}

// The repository base comes from the environment through New, and a bad
// one stops the stack with the variable named.
func TestGitOpsFromEnvironment(t *testing.T) {
	s, err := base.FromEnvironment(func(k string) (string, bool) {
		if k == gitops.EnvGitOpsRepoBase {
			return "https://git.acme.test/", true
		}
		return "", false
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := tradingplatform.OptionsFrom(s).GitOpsRepoBase; got != "https://git.acme.test/" {
		t.Errorf("OptionsFrom: GitOpsRepoBase = %q", got)
	}
	app := cdktf.Testing_App(nil)
	t.Cleanup(func() { os.RemoveAll(*app.Outdir()) })
	_, err = tradingplatform.New(app, s)
	if want := `stack "tradingplatform": GitOpsRepoBase (HYBRIDSTACK_GITOPS_REPO_BASE) "https://git.acme.test/" is not a Git server URL`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v; want %q", err, want)
	}
}
