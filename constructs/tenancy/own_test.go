package tenancy_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/configmapv1"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/tenancy"
)

// TestOwn records an object made outside the package for a tenant, after
// its AppProject and Application: the project does not report it as
// orphaned, the Application waits for it, and it waits for every fence,
// admission object and grant of the tenant the Application waits for, so
// that destroy removes it (and the pods it may own) before them.
func TestOwn(t *testing.T) {
	e, tn := alpha(t)
	cm := configmapv1.NewConfigMapV1(e.tenants, ptr.String("rollout-settings"), &configmapv1.ConfigMapV1Config{
		Metadata: &configmapv1.ConfigMapV1Metadata{Name: ptr.String("rollout-settings"), Namespace: ptr.String("alpha")},
	})
	tn.Own("", "ConfigMap", "rollout-settings", cm)
	tn.IgnoreOrphan("", "ConfigMap", "routes-of-a-controller")
	doc := tftest.Synth(t, e.tenants)
	project := manifestOf(t, doc, "alpha", "AppProject")["spec"].(map[string]any)
	if !strings.Contains(fmt.Sprint(project["orphanedResources"]), "map[group: kind:ConfigMap name:rollout-settings]") {
		t.Errorf("orphanedResources = %v, want the ConfigMap ignored", project["orphanedResources"])
	}
	if !strings.Contains(fmt.Sprint(project["orphanedResources"]), "map[group: kind:ConfigMap name:routes-of-a-controller]") {
		t.Errorf("orphanedResources = %v, want the controller's ConfigMap ignored", project["orphanedResources"])
	}
	// The list is rewritten whole, not appended to: every entry once.
	seen := map[string]bool{}
	for _, e := range project["orphanedResources"].(map[string]any)["ignore"].([]any) {
		k := fmt.Sprint(e)
		if seen[k] {
			t.Errorf("orphanedResources.ignore lists %s twice", k)
		}
		seen[k] = true
	}
	var app map[string]any
	for _, m := range ofTenant(doc, "kubernetes_manifest", "alpha") {
		if m["manifest"].(map[string]any)["kind"] == "Application" {
			app = m
		}
	}
	if app == nil || !strings.Contains(fmt.Sprint(app["depends_on"]), "kubernetes_config_map_v1.rollout-settings") {
		t.Fatalf("Application depends_on = %v, want the ConfigMap", app["depends_on"])
	}
	owned := "kubernetes_config_map_v1.rollout-settings"
	after := dependencies(doc)[owned]
	n := 0
	for _, d := range tftest.Strings(app["depends_on"]) {
		if d == owned || strings.Contains(d, "argocd-project") {
			continue
		}
		n++
		if !after[d] {
			t.Errorf("%s does not wait for %s, which the Application waits for: destroy could remove it while the object's pods still run", owned, d)
		}
	}
	for _, want := range []string{"aws_iam_role_policy.", "admission-binding", "network-policy-default-deny", "kubernetes_namespace_v1."} {
		found := false
		for d := range after {
			found = found || strings.Contains(d, want)
		}
		if !found {
			t.Errorf("%s does not wait for any %s", owned, want)
		}
	}
	if n < 10 {
		t.Errorf("the Application waits for %d objects; the check above compared too few", n)
	}
	if after[owned] {
		t.Errorf("%s depends on itself: a fence references it (a cycle Terraform refuses)", owned)
	}
	if msgs := tn.Node().Validate(); len(*msgs) != 0 {
		t.Errorf("validation of a same-stack Own = %v", *msgs)
	}
}

// alpha builds a platform with the one tenant alpha.
func alpha(t *testing.T) (*env, *tenancy.Tenant) {
	t.Helper()
	e := newEnv(t)
	tn, err := e.platform(t, nil).AddTenant(tenant("alpha", 10001))
	if err != nil {
		t.Fatal(err)
	}
	return e, tn
}

// TestOwnElsewhere checks that an object from another stack is refused
// at synthesis, naming both stacks: its depends_on could not name the
// tenant's fences.
func TestOwnElsewhere(t *testing.T) {
	e, tn := alpha(t)
	other := cdktf.NewTerraformStack(cdktf.App_Of(e.tenants), ptr.String("elsewhere"))
	cm := configmapv1.NewConfigMapV1(other, ptr.String("settings"), &configmapv1.ConfigMapV1Config{
		Metadata: &configmapv1.ConfigMapV1Metadata{Name: ptr.String("settings"), Namespace: ptr.String("alpha")},
	})
	tn.Own("", "ConfigMap", "settings", cm)
	msgs := tn.Node().Validate()
	if len(*msgs) != 1 {
		t.Fatalf("validation = %v, want one problem", *msgs)
	}
	for _, want := range []string{`Own: ConfigMap "settings"`, `elsewhere/settings`, `is in stack "elsewhere"`, "create it in the tenant's stack"} {
		if !strings.Contains(*(*msgs)[0], want) {
			t.Errorf("message %q does not contain %q", *(*msgs)[0], want)
		}
	}
}
