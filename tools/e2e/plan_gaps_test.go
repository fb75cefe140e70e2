package main

import (
	"strings"
	"testing"
)

// TestMarkEmulatorGapsFollowsMovesAndCascades: a gap written for the BASE
// address follows the moved block to the HEAD address (left out of the
// apply, and perpetual diffs), a resource left out under its BASE address
// and moved is not reported deleted, and the replacements and updates that
// only follow an emulator replacement are the emulator's too.
func TestMarkEmulatorGapsFollowsMovesAndCascades(t *testing.T) {
	gaps, err := ParseGaps([]byte(`{"emulator": "moto", "provider": "aws", "gaps": [
	  {"stack": "all", "kind": "unsupported", "resource": "aws_eks_addon.cni", "operation": "EKS CreateAddon", "error": "e", "why": "w"},
	  {"stack": "all", "kind": "perpetual-diff", "resource": "aws_eks_cluster.old", "attributes": ["access_config"], "operation": "EKS DescribeCluster", "error": "e", "why": "w"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	base, err := ParseConfig([]byte(`{"resource": {
	  "aws_eks_cluster": {"old": {"name": "c"}},
	  "aws_eks_addon": {"cni": {"cluster_name": "${aws_eks_cluster.old.name}", "addon_name": "vpc-cni"}},
	  "aws_eks_node_group": {"nodes": {"cluster_name": "${aws_eks_cluster.old.name}"}},
	  "aws_eks_access_entry": {"admin": {"cluster_name": "${aws_eks_node_group.nodes.cluster_name}"}},
	  "aws_ssm_parameter": {"p": {"value": "${aws_eks_cluster.old.endpoint}"}, "q": {"value": "x"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	head, err := ParseConfig([]byte(`{
	  "moved": [{"from": "aws_eks_cluster.old", "to": "aws_eks_cluster.new"}, {"from": "aws_eks_addon.cni", "to": "aws_eks_addon.vpc_cni"}],
	  "resource": {
	  "aws_eks_cluster": {"new": {"name": "c"}},
	  "aws_eks_addon": {"vpc_cni": {"cluster_name": "${aws_eks_cluster.new.name}", "addon_name": "vpc-cni"}},
	  "aws_eks_node_group": {"nodes": {"cluster_name": "${aws_eks_cluster.new.name}"}},
	  "aws_eks_access_entry": {"admin": {"cluster_name": "${aws_eks_node_group.nodes.cluster_name}"}},
	  "aws_ssm_parameter": {"p": {"value": "${aws_eks_cluster.new.endpoint}"}, "q": {"value": "y"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	baseGaps, headGaps := gaps.ForStack("s", base), gaps.ForStack("s", head)
	_, excluded := base.Targets(baseGaps.GappedSet())
	if len(excluded) != 1 || excluded[0].Address != "aws_eks_addon.cni" {
		t.Fatalf("excluded: %+v", excluded)
	}
	show := `{"resource_changes": [
	  {"address": "aws_eks_addon.vpc_cni", "mode": "managed", "change": {"actions": ["create"], "before": null, "after": {"addon_name": "vpc-cni"}}},
	  {"address": "aws_eks_cluster.new", "mode": "managed", "previous_address": "aws_eks_cluster.old", "change": {"actions": ["delete", "create"],
	    "before": {"access_config": []}, "after": {"access_config": [{"authentication_mode": "API"}]}, "replace_paths": [["access_config", 0, "bootstrap_cluster_creator_admin_permissions"]]}},
	  {"address": "aws_eks_node_group.nodes", "mode": "managed", "change": {"actions": ["delete", "create"], "before": {"cluster_name": "c"}, "after": {}, "after_unknown": {"cluster_name": true}, "replace_paths": [["cluster_name"]]}},
	  {"address": "aws_eks_access_entry.admin", "mode": "managed", "change": {"actions": ["delete", "create"], "before": {"cluster_name": "c"}, "after": {}, "after_unknown": {"cluster_name": true}, "replace_paths": [["cluster_name"]]}},
	  {"address": "aws_ssm_parameter.p", "mode": "managed", "change": {"actions": ["update"], "before": {"value": "e"}, "after": {}, "after_unknown": {"value": true}}},
	  {"address": "aws_ssm_parameter.q", "mode": "managed", "change": {"actions": ["update"], "before": {"value": "x"}, "after": {"value": "y"}}}]}`
	changes, err := ParseReviewChanges([]byte(show))
	if err != nil {
		t.Fatal(err)
	}
	planned, err := ParsePlanChanges([]byte(show))
	if err != nil {
		t.Fatal(err)
	}
	got := MarkEmulatorGaps(changes, planned, base, head, baseGaps, headGaps, excluded)
	want := map[string]string{ // address -> substring of emulator_gap ("" for none)
		"aws_eks_addon.vpc_cni":      "not applied from BASE (emulator gap: EKS CreateAddon)",
		"aws_eks_cluster.new":        "emulator perpetual diff of access_config[0].bootstrap_cluster_creator_admin_permissions (EKS DescribeCluster)",
		"aws_eks_node_group.nodes":   "follows the emulator's replacement: cluster_name takes a value from aws_eks_cluster.new",
		"aws_eks_access_entry.admin": "follows the emulator's replacement: cluster_name takes a value from aws_eks_node_group.nodes",
		"aws_ssm_parameter.p":        "its values known after apply come from aws_eks_cluster.new",
		"aws_ssm_parameter.q":        "",
	}
	if len(got) != len(want) {
		t.Fatalf("%d changes, want %d (no delete for the moved addon): %#v", len(got), len(want), got)
	}
	for _, c := range got {
		w, ok := want[c.Address]
		switch {
		case !ok:
			t.Errorf("unexpected change %s", c.Address)
		case w == "" && c.EmulatorGap != "":
			t.Errorf("%s: emulator_gap %q, want none: a real change", c.Address, c.EmulatorGap)
		case !strings.Contains(c.EmulatorGap, w):
			t.Errorf("%s: emulator_gap %q lacks %q", c.Address, c.EmulatorGap, w)
		}
	}
}
