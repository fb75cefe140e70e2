package tenancy_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/tenancy"
)

// TestApplicationAfterGrants checks that each Application names in its
// depends_on every inline policy of its tenant's workload role: the
// platform's bucket and Kafka grants, and a grant made on Tenant.Role()
// after AddTenant (as the stacks grant Lattice invoke), for IRSA and Pod
// Identity roles alike. The first sync then has its permissions, and
// destroy deletes the workloads before their grants.
func TestApplicationAfterGrants(t *testing.T) {
	e := newEnv(t)
	p := e.platform(t, nil)
	for i, name := range []string{"alpha", "beta"} {
		props := tenant(name, 10001+i)
		if name == "beta" {
			props.Identity = kube.IdentityPodIdentity
		}
		tn, err := p.AddTenant(props)
		if err != nil {
			t.Fatal(err)
		}
		if err := tn.Role().AddToRolePolicy("invoke-later", iamdoc.Allow("Later", []string{"vpc-lattice-svcs:Invoke"}, "arn:aws:vpc-lattice:eu-west-1:123456789012:service/svc-0123456789abcdef0")); err != nil {
			t.Fatal(err)
		}
	}
	doc := tftest.Synth(t, e.tenants)
	for _, name := range []string{"alpha", "beta"} {
		_, app := application(t, doc, name)
		direct := map[string]bool{}
		for _, d := range tftest.Strings(app["depends_on"]) {
			direct[d] = true
		}
		var policies []string
		for pname := range doc.Resources("aws_iam_role_policy") {
			if strings.HasPrefix(pname, "tenancy_"+name+"_") {
				policies = append(policies, pname)
				if !direct["aws_iam_role_policy."+pname] {
					t.Errorf("%s Application does not wait for aws_iam_role_policy.%s", name, pname)
				}
			}
		}
		// read-write on the bucket, the Kafka topics, the late grant.
		if len(policies) < 3 || !strings.Contains(fmt.Sprint(policies), "invoke-later") {
			t.Errorf("%s role policies = %v", name, policies)
		}
		for d := range direct {
			if strings.HasPrefix(d, "aws_iam_role_policy.") && !strings.HasPrefix(d, "aws_iam_role_policy.tenancy_"+name+"_") {
				t.Errorf("%s Application waits for another tenant's %s", name, d)
			}
		}
	}
}

// TestApplicationDeleteTimeout checks that Terraform waits 30 minutes,
// not the provider's 10, for an Application to go: its deletion waits
// for Argo CD's cascade over every workload of the tenant.
func TestApplicationDeleteTimeout(t *testing.T) {
	doc := lbTenants(t)
	for _, name := range []string{"alpha", "beta"} {
		_, app := application(t, doc, name)
		if got := fmt.Sprint(app["timeouts"]); got != "map[delete:30m]" {
			t.Errorf("%s Application timeouts = %s, want delete 30m", name, got)
		}
	}
}

// TestAdmissionLetsFinalizersGo checks that no admission rule judges an
// update that only changes metadata, such as the Job controller or the
// garbage collector removing a finalizer from an object made before the
// policy: pods are matched on CREATE only (the fields the pod rules read
// are immutable), and every rule of a kind matched on UPDATE lets an
// update that keeps the spec pass.
func TestAdmissionLetsFinalizersGo(t *testing.T) {
	spec := admissionPolicy(t, lbTenants(t))
	updated := map[string]bool{}
	kinds := map[string]string{"pods": "Pod", "services": "Service", "poddisruptionbudgets": "PodDisruptionBudget", "secrets": "Secret"}
	matched := map[string]bool{}
	for _, raw := range spec["matchConstraints"].(map[string]any)["resourceRules"].([]any) {
		rule := raw.(map[string]any)
		ops := fmt.Sprint(rule["operations"])
		for _, res := range tftest.Strings(rule["resources"]) {
			matched[res] = true
			if (res == "pods" || res == "secrets") && ops != "[CREATE]" {
				t.Errorf("%s are matched on %s; want CREATE only", res, ops)
			}
			if strings.Contains(ops, "UPDATE") {
				updated[kinds[res]] = true
			}
		}
	}
	if !matched["pods"] || !matched["services"] || !matched["poddisruptionbudgets"] || updated["Pod"] || !updated["Service"] {
		t.Errorf("resource rules = %v", spec["matchConstraints"])
	}
	for _, raw := range spec["validations"].([]any) {
		expr := raw.(map[string]any)["expression"].(string)
		kind := strings.TrimSuffix(strings.TrimPrefix(strings.SplitN(expr, " || ", 2)[0], "request.kind.kind != '"), "'")
		if kinds[strings.ToLower(kind)+"s"] == "" && kind != "PodDisruptionBudget" {
			t.Errorf("rule applies to no single kind: %s", expr)
		}
		if updated[kind] && !strings.HasPrefix(expr, "request.kind.kind != '"+kind+"' || (request.operation == 'UPDATE' && oldObject.spec == object.spec) || ") {
			t.Errorf("%s rule judges updates that keep the spec (a finalizer's removal would be refused): %s", kind, expr)
		}
	}
}

// TestClaimsBlacklisted checks that each AppProject refuses
// PersistentVolumeClaims: the platform provisions the tenant's storage,
// and the tenant's Role, which syncs run as, may read claims but not
// create them, so a claim in the repository would pass Argo CD's checks
// and then fail the apply as forbidden.
func TestClaimsBlacklisted(t *testing.T) {
	doc := twoTenants(t)
	for _, name := range []string{"alpha", "beta"} {
		for _, raw := range ofTenant(doc, "kubernetes_role_v1", name)[0]["rule"].([]any) {
			rule := raw.(map[string]any)
			if !strings.Contains(fmt.Sprint(rule["resources"]), "persistentvolumeclaims") {
				continue
			}
			if v := fmt.Sprint(rule["verbs"]); v != "[get list watch]" {
				t.Errorf("%s Role may %s claims; the blacklist below assumes it only reads them", name, v)
			}
		}
		spec := manifestOf(t, doc, name, "AppProject")["spec"].(map[string]any)
		found := false
		for _, raw := range spec["namespaceResourceBlacklist"].([]any) {
			k := raw.(map[string]any)
			found = found || (k["group"] == "" && k["kind"] == "PersistentVolumeClaim")
		}
		if !found {
			t.Errorf("%s AppProject does not blacklist PersistentVolumeClaims: %v", name, spec["namespaceResourceBlacklist"])
		}
	}
}

// TestRoleDescription checks that an IRSA tenant role's description names
// only what the platform grants it: no Kafka topics on a platform without
// Kafka, no S3 prefix without a bucket.
func TestRoleDescription(t *testing.T) {
	for _, tc := range []struct {
		name          string
		bucket, kafka bool
		want          string
	}{
		{"bucket and kafka", true, true, "Workloads of tenant alpha (its own S3 prefix and Kafka topics)"},
		{"bucket only", true, false, "Workloads of tenant alpha (its own S3 prefix)"},
		{"kafka only", false, true, "Workloads of tenant alpha (its own Kafka topics)"},
		{"neither", false, false, "Workloads of tenant alpha"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			p := e.platform(t, func(props *tenancy.PlatformProps) {
				if !tc.bucket {
					props.Bucket = nil
				}
				if !tc.kafka {
					props.Kafka = nil
				}
			})
			props := tenant("alpha", 10001)
			if !tc.kafka {
				props.Topics = nil
			}
			if _, err := p.AddTenant(props); err != nil {
				t.Fatal(err)
			}
			roles := ofTenant(tftest.Synth(t, e.tenants), "aws_iam_role", "alpha")
			if len(roles) != 1 || roles[0]["description"] != tc.want {
				t.Errorf("role = %v, want description %q", roles, tc.want)
			}
		})
	}
}
