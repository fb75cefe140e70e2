package review

import (
	"strings"
	"testing"
)

// TestAvailabilityCutover: the shop stack applies before shop-workloads.
// The mesh route moves its traffic to the virtual node orders-v2 and the
// listener to a target group, both of which only shop-workloads creates
// in this change: high availability findings. The listener rule moves to
// the admin target group shop-workloads already has: no finding.
func TestAvailabilityCutover(t *testing.T) {
	rep := fixture(t, "availability-cutover")
	var got []Finding
	for _, f := range rep.Findings {
		if f.Class == ClassAvailability {
			got = append(got, f)
		}
	}
	if len(got) != 2 {
		t.Fatalf("want 2 availability findings, got %d: %+v", len(got), got)
	}
	want := map[string][]string{
		"aws_appmesh_route.orders": {"spec", "traffic goes to targets that do not exist until shop-workloads applies", "aws_appmesh_virtual_node.v2"},
		"aws_lb_listener.web":      {"default_action", "traffic goes to targets that do not exist until shop-workloads applies", "aws_lb_target_group.orders-v2 (output orders_v2_target_group)"},
	}
	for _, f := range got {
		w, ok := want[f.Address]
		if !ok {
			t.Errorf("unexpected finding at %s: %+v", f.Address, f)
			continue
		}
		if f.Severity != High || f.Stack != "shop" || f.Attr != w[0] {
			t.Errorf("%s: %+v", f.Address, f)
		}
		for _, s := range w[1:] {
			if !strings.Contains(f.Message, s) {
				t.Errorf("%s: message %q lacks %q", f.Address, f.Message, s)
			}
		}
	}
	noFinding(t, rep, "aws_lb_listener_rule.admin")
	if !rep.Failed() {
		t.Error("an unacknowledged cut-over to targets that do not exist yet fails the review")
	}
}

func TestStackGroup(t *testing.T) {
	cases := map[string]struct {
		group string
		rank  int
	}{
		"platform":                              {"platform", 0},
		"platform-addons":                       {"platform", 1},
		"hybridmicroservices-appmesh-workloads": {"hybridmicroservices-appmesh", 2},
		"fintech-tenants":                       {"fintech", 2},
	}
	for name, w := range cases {
		if g, r := stackGroup(name); g != w.group || r != w.rank {
			t.Errorf("stackGroup(%s) = %s, %d; want %s, %d", name, g, r, w.group, w.rank)
		}
	}
}
