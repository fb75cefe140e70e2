package platform_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/stacks/base"
	"github.com/hybridstack/hybridstack/stacks/platform"
)

// synth builds the platform and its add-ons stack with s (New refuses a
// cluster Terraform could not reach) and returns the platform stack's
// configuration.
func synth(t *testing.T, s base.Settings) map[string]any {
	t.Helper()
	app := cdktf.Testing_App(nil)
	t.Cleanup(func() { os.RemoveAll(*app.Outdir()) })
	if _, err := platform.New(app, s); err != nil {
		t.Fatal(err)
	}
	app.Synth()
	b, err := os.ReadFile(filepath.Join(*app.Outdir(), "stacks", platform.Name, "cdk.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// apiAdmitted returns the IPv4 ranges the cluster security group admits on
// 443, the private API endpoint.
func apiAdmitted(t *testing.T, d map[string]any) []string {
	t.Helper()
	r, _ := d["resource"].(map[string]any)
	rules, _ := r["aws_vpc_security_group_ingress_rule"].(map[string]any)
	var out []string
	for _, v := range rules {
		rule := v.(map[string]any)
		sg, _ := rule["security_group_id"].(string)
		if !strings.Contains(sg, "aws_eks_cluster.") || !strings.Contains(sg, "cluster_security_group_id") {
			continue
		}
		if _, fromGroup := rule["referenced_security_group_id"]; fromGroup {
			// A peer's security group (the Prometheus collector reaching
			// the API and kube-state-metrics), not a network.
			continue
		}
		if rule["from_port"] != float64(443) || rule["to_port"] != float64(443) || rule["ip_protocol"] != "tcp" {
			t.Errorf("rule on the cluster security group %v is not HTTPS", rule)
		}
		if c, ok := rule["cidr_ipv4"].(string); ok {
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}

// TestPrivateEndpointAdmitsAdministrators checks that the cluster security
// group admits the VPC's own range on 443 by default, so that Terraform
// run from inside the VPC reaches the private API endpoint, and only the
// operators' networks when HYBRIDSTACK_OPERATOR_CIDRS sets them.
func TestPrivateEndpointAdmitsAdministrators(t *testing.T) {
	for _, tc := range []struct {
		name      string
		operators []string
		want      string
	}{
		{"default: the VPC", nil, "10.0.0.0/16"},
		{"operator networks", []string{"192.168.4.0/24", "10.8.0.0/16"}, "10.8.0.0/16,192.168.4.0/24"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := synth(t, base.Settings{OperatorCIDRs: tc.operators})
			if got := strings.Join(apiAdmitted(t, d), ","); got != tc.want {
				t.Errorf("the cluster security group admits %q on 443; want %q", got, tc.want)
			}
		})
	}
}
