package tradingplatform_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/tenancy"
	"github.com/hybridstack/hybridstack/stacks/base"
	"github.com/hybridstack/hybridstack/stacks/tradingplatform"
)

// synthApp synthesizes the whole app, so that cross-stack references
// become remote-state outputs as they do for Terraform, and returns each
// stack's configuration by name.
func synthApp(t *testing.T) map[string]map[string]any {
	t.Helper()
	app := cdktf.Testing_App(nil)
	t.Cleanup(func() { os.RemoveAll(*app.Outdir()) })
	s := base.Settings{}.WithDefaults()
	if _, err := tradingplatform.Build(app, s, tradingplatform.Tenants(tradingplatform.OptionsFrom(s))); err != nil {
		t.Fatal(err)
	}
	app.Synth()
	out := map[string]map[string]any{}
	for _, name := range tradingplatform.StackNames() {
		b, err := os.ReadFile(filepath.Join(*app.Outdir(), "stacks", name, "cdk.tf.json"))
		if err != nil {
			t.Fatal(err)
		}
		var d map[string]any
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		out[name] = d
	}
	return out
}

func resources(d map[string]any, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	r, _ := d["resource"].(map[string]any)
	m, _ := r[typ].(map[string]any)
	for k, v := range m {
		out[k] = v.(map[string]any)
	}
	return out
}

type policyDoc struct {
	Statement []struct {
		Action    []string
		Resource  []string
		Condition map[string]map[string]any
	}
}

var (
	latticeServiceRef = regexp.MustCompile(`^\$\{aws_vpclattice_service\.([^.]+)\.arn\}$`)
	remoteOutputRef   = regexp.MustCompile(`^\$\{data\.terraform_remote_state\.[^.]+\.outputs\.([^}]+)\}/\*$`)
	roleNameRef       = regexp.MustCompile(`^\$\{aws_iam_role\.([^.]+)\.name\}$`)
)

// TestLatticeCallersHaveIdentityGrants pairs every caller a Lattice
// service's auth policy admits (by tenant tag) with an identity policy on
// that tenant's role allowing vpc-lattice-svcs:Invoke on the service:
// with the AWS_IAM auth type Lattice needs both, or the call is denied.
func TestLatticeCallersHaveIdentityGrants(t *testing.T) {
	stacks := synthApp(t)
	platform, tenants := stacks[tradingplatform.Name], stacks[tradingplatform.TenantsName]

	// admitted: "<service address>/<tenant>" from the services' auth
	// policies in the platform stack.
	admitted := map[string]bool{}
	for name, p := range resources(platform, "aws_vpclattice_auth_policy") {
		var d policyDoc
		if err := json.Unmarshal([]byte(p["policy"].(string)), &d); err != nil {
			t.Fatalf("auth policy %s: %v", name, err)
		}
		for _, st := range d.Statement {
			var callers []string
			if vs, ok := st.Condition["StringEquals"]["aws:PrincipalTag/"+tenancy.MeshTagKey].([]any); ok {
				for _, v := range vs {
					callers = append(callers, v.(string))
				}
			}
			for _, res := range st.Resource {
				m := latticeServiceRef.FindStringSubmatch(strings.TrimSuffix(res, "/*"))
				if m == nil {
					continue
				}
				for _, c := range callers {
					admitted[m[1]+"/"+c] = true
				}
			}
		}
	}
	if len(admitted) != 3 {
		t.Fatalf("auth policies admit %v; want order-routing on risk-checks and prices, risk on prices", admitted)
	}

	// The tenants stack reaches a service's ARN through a remote-state
	// output of the platform stack.
	outputs := map[string]string{}
	for name, o := range platform["output"].(map[string]any) {
		if m := latticeServiceRef.FindStringSubmatch(o.(map[string]any)["value"].(string)); m != nil {
			outputs[name] = m[1]
		}
	}
	roleTenant := map[string]string{}
	for name, r := range resources(tenants, "aws_iam_role") {
		if tags, ok := r["tags"].(map[string]any); ok && tags[tenancy.MeshTagKey] != nil {
			roleTenant[name] = tags[tenancy.MeshTagKey].(string)
		}
	}
	granted := map[string]bool{}
	for name, p := range resources(tenants, "aws_iam_role_policy") {
		role := roleNameRef.FindStringSubmatch(p["role"].(string))
		if role == nil || roleTenant[role[1]] == "" {
			continue
		}
		var d policyDoc
		if err := json.Unmarshal([]byte(p["policy"].(string)), &d); err != nil {
			t.Fatalf("role policy %s: %v", name, err)
		}
		for _, st := range d.Statement {
			if len(st.Action) != 1 || st.Action[0] != "vpc-lattice-svcs:Invoke" {
				continue
			}
			for _, res := range st.Resource {
				if m := remoteOutputRef.FindStringSubmatch(res); m != nil && outputs[m[1]] != "" {
					granted[outputs[m[1]]+"/"+roleTenant[role[1]]] = true
				}
			}
		}
	}
	var missing, extra []string
	for k := range admitted {
		if !granted[k] {
			missing = append(missing, k)
		}
	}
	for k := range granted {
		if !admitted[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Errorf("admitted callers without an identity grant (service/tenant): %v; grants to callers not admitted: %v", missing, extra)
	}
}
