package tenancy

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/deps"
)

// Own records an object the platform made for the tenant outside this
// package, in the tenant's namespace (such as a canary's Rollout,
// AnalysisTemplate, Services and HTTPRoute, delivery.NewCanary): the
// tenant's AppProject does not report it as orphaned, and the tenant's
// Application is created after it and destroyed before it. group is the
// API group ("" for the core group), kind and name the object's.
//
// Such an object may own running pods (a Rollout's ReplicaSets run the
// tenant's pods), so it is ordered like the Application: it gets a
// depends_on on every fence of the tenant (namespace, quota, network
// policies, service accounts, claim, mesh policies), the platform's
// admission policy and binding, and every inline policy of the tenant's
// workload role, collected when the stack is synthesized, and so is
// destroyed before any of them: the pods it owns keep their grants, DNS
// and egress while they terminate. r must be in the tenant's stack
// (depends_on names resources of its own stack); synthesis fails
// otherwise, naming both. r must not be referenced by a fence.
func (t *Tenant) Own(group, kind, name string, r cdktf.TerraformResource) {
	if !deps.SameStack(r, t) {
		t.Node().AddValidation(&ownedElsewhere{t: t, kind: kind, name: name, r: r})
		return
	}
	t.IgnoreOrphan(group, kind, name)
	if t.app != nil {
		deps.Add(t.app, r)
	}
	cdktf.Aspects_Of(r).Add(&afterFences{obj: r, t: t})
}

// IgnoreOrphan records an object in the tenant's namespace that neither
// Argo CD nor Terraform makes (a controller's own ConfigMap, such as the
// traffic router's managed-routes map of a canary,
// delivery.Canary.PluginConfigMap), so that the AppProject does not
// report it as orphaned. Recording one twice changes nothing.
func (t *Tenant) IgnoreOrphan(group, kind, name string) {
	for _, o := range t.owned {
		if o["group"] == group && o["kind"] == kind && o["name"] == name {
			return
		}
	}
	t.owned = append(t.owned, map[string]string{"group": group, "kind": kind, "name": name})
	t.rewriteOrphans()
}

// rewriteOrphans rewrites the AppProject's orphan list from t.owned. The
// whole manifest is rewritten: an override of the list would be appended
// to the one the project was made with.
func (t *Tenant) rewriteOrphans() {
	if t.project == nil {
		return
	}
	t.projectObj["spec"].(map[string]any)["orphanedResources"] = map[string]any{"warn": true, "ignore": append([]map[string]string(nil), t.owned...)}
	t.project.SetManifest(&t.projectObj)
}

// afterFences makes an object Own records depend on every fence of its
// tenant, the platform's admission policy and binding, and every inline
// policy of the tenant's workload role. It is an aspect, run at
// synthesis, because fences (sharing with a tenant added later) and
// grants may come after Own.
type afterFences struct {
	obj cdktf.TerraformResource
	t   *Tenant
}

// Visit adds the dependencies to the object's depends_on.
func (a *afterFences) Visit(node constructs.IConstruct) {
	if *node.Node().Path() != *a.obj.Node().Path() {
		return
	}
	on := []cdktf.TerraformResource{a.t.namespace.Resource()}
	for _, f := range append(append([]cdktf.ITerraformDependable(nil), a.t.fences...), a.t.platform.admission...) {
		if r, ok := f.(cdktf.TerraformResource); ok {
			on = append(on, r)
		}
	}
	deps.Add(a.obj, append(on, rolePolicies(a.t.role)...)...)
}

// ownedElsewhere reports an object given to Own from another stack.
type ownedElsewhere struct {
	t          *Tenant
	kind, name string
	r          cdktf.TerraformResource
}

// Validate returns the problem.
func (o *ownedElsewhere) Validate() *[]*string {
	msg := fmt.Sprintf("tenancy %q: Own: %s %q (%s) is in stack %q, the tenant in stack %q; create it in the tenant's stack, which orders it after the tenant's fences", *o.t.Node().Path(), o.kind, o.name, *o.r.Node().Path(), deps.StackPath(o.r), deps.StackPath(o.t))
	return &[]*string{&msg}
}

var _ constructs.IValidation = (*ownedElsewhere)(nil)
