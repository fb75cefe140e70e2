package main

import (
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestParseGapsErrors(t *testing.T) {
	ok := `{"stack": "all", "kind": "unsupported", "resource": "aws_eks_addon", "error": "404", "why": "not emulated"}`
	tests := []struct {
		name string
		gap  string
		want string // substring of the error; "" for none
	}{
		{"valid unsupported", ok, ""},
		{"valid data source", `{"stack": "platform", "kind": "unsupported", "resource": "data.aws_eks_addon_version", "error": "e", "why": "w"}`, ""},
		{"valid address", `{"stack": "all", "kind": "undeletable", "resource": "aws_vpclattice_service.orders_service_FEA3B25C", "error": "e", "why": "w"}`, ""},
		{"valid perpetual diff", `{"stack": "all", "kind": "perpetual-diff", "resource": "aws_eks_cluster", "attributes": ["access_config", "access_config[0].authentication_mode"], "error": "e", "why": "w"}`, ""},
		{"valid missing attribute", `{"stack": "all", "kind": "missing-attribute", "resource": "aws_eks_cluster", "attributes": ["vpc_config[0].cluster_security_group_id"], "error": "e", "why": "w"}`, ""},
		{"no stack", `{"kind": "unsupported", "resource": "aws_x", "error": "e", "why": "w"}`, "stack is empty"},
		{"bad kind", `{"stack": "all", "kind": "flaky", "resource": "aws_x", "error": "e", "why": "w"}`, `kind "flaky"`},
		{"bad resource", `{"stack": "all", "kind": "unsupported", "resource": "AWS X", "error": "e", "why": "w"}`, "is not a resource type"},
		{"no error text", `{"stack": "all", "kind": "unsupported", "resource": "aws_x", "error": " ", "why": "w"}`, "error is empty"},
		{"no why", `{"stack": "all", "kind": "unsupported", "resource": "aws_x", "error": "e"}`, "why is empty"},
		{"diff without attributes", `{"stack": "all", "kind": "perpetual-diff", "resource": "aws_x", "error": "e", "why": "w"}`, "lists its attributes"},
		{"diff on a data source", `{"stack": "all", "kind": "perpetual-diff", "resource": "data.aws_x", "attributes": ["a"], "error": "e", "why": "w"}`, "no plan diff"},
		{"attributes on unsupported", `{"stack": "all", "kind": "unsupported", "resource": "aws_x", "attributes": ["a"], "error": "e", "why": "w"}`, "attributes are only for"},
		{"bad attribute path", `{"stack": "all", "kind": "perpetual-diff", "resource": "aws_x", "attributes": ["a..b"], "error": "e", "why": "w"}`, "is not an attribute path"},
		{"unknown field", `{"stack": "all", "kind": "unsupported", "resource": "aws_x", "error": "e", "why": "w", "reason": "typo"}`, "unknown field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseGaps([]byte(`{"emulator": "moto", "provider": "aws", "gaps": [` + tt.gap + `]}`))
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestParseGapsReportsEveryProblem(t *testing.T) {
	_, err := ParseGaps([]byte(`{"gaps": [{"kind": "x"}, {"stack": "all", "kind": "unsupported", "resource": "aws_x"}]}`))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"gaps[0]", "gaps[1]", "error is empty", "why is empty", `kind "x"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestGapMatches(t *testing.T) {
	tests := []struct {
		resource, address string
		want              bool
	}{
		{"aws_eks_addon", "aws_eks_addon.vpc-cni", true},
		{"aws_eks_addon", "aws_eks_addon_version.x", false},
		{"aws_eks_addon", "data.aws_eks_addon.x", false},
		{"data.aws_eks_addon_version", "data.aws_eks_addon_version.x", true},
		{"data.aws_eks_addon_version", "aws_eks_addon_version.x", false},
		{"aws_vpc.a", "aws_vpc.a", true},
		{"aws_vpc.a", "aws_vpc.ab", false},
	}
	for _, tt := range tests {
		if got := (Gap{Resource: tt.resource}).matches(tt.address); got != tt.want {
			t.Errorf("%s matches %s = %v, want %v", tt.resource, tt.address, got, tt.want)
		}
	}
}

func TestForStack(t *testing.T) {
	c := mustConfig(t)
	f, err := ParseGaps([]byte(`{"gaps": [
	  {"stack": "all", "kind": "unsupported", "resource": "aws_eks_addon", "error": "e", "why": "w"},
	  {"stack": "other", "kind": "unsupported", "resource": "aws_vpc", "error": "e", "why": "w"},
	  {"stack": "mine", "kind": "perpetual-diff", "resource": "aws_eks_cluster", "attributes": ["access_config"], "error": "e", "why": "w"},
	  {"stack": "all", "kind": "perpetual-diff", "resource": "aws_eks_cluster.cluster", "attributes": ["upgrade_policy", "access_config"], "error": "e", "why": "w"},
	  {"stack": "all", "kind": "undeletable", "resource": "aws_kms_key", "error": "e", "why": "w"},
	  {"stack": "all", "kind": "missing-attribute", "resource": "aws_eks_cluster", "attributes": ["vpc_config[0].cluster_security_group_id"], "error": "e", "why": "w"},
	  {"stack": "mine", "kind": "unsupported", "resource": "aws_lb", "error": "e", "why": "w"}
	]}`))
	if err != nil {
		t.Fatal(err)
	}
	sg := f.ForStack("mine", c)
	var unsupported []string
	for a := range sg.Unsupported {
		unsupported = append(unsupported, a)
	}
	sort.Strings(unsupported)
	if want := []string{"aws_eks_addon.vpc-cni", "aws_vpc_security_group_ingress_rule.pods"}; !reflect.DeepEqual(unsupported, want) {
		t.Errorf("unsupported %v, want %v", unsupported, want)
	}
	if got := sg.Uses["aws_vpc_security_group_ingress_rule.pods"]; got != "aws_eks_cluster.cluster.vpc_config[0].cluster_security_group_id" {
		t.Errorf("uses: %q", got)
	}
	if want := map[string][]string{"aws_eks_cluster.cluster": {"access_config", "upgrade_policy"}}; !reflect.DeepEqual(sg.Ignore, want) {
		t.Errorf("ignore %v, want %v", sg.Ignore, want)
	}
	if len(sg.IgnoreGaps["aws_eks_cluster.cluster"]) != 2 {
		t.Errorf("ignore gaps: %v", sg.IgnoreGaps)
	}
	if _, ok := sg.Undeletable["aws_kms_key.k"]; !ok || len(sg.Undeletable) != 1 {
		t.Errorf("undeletable: %v", sg.Undeletable)
	}
	if len(sg.Unmatched) != 1 || sg.Unmatched[0].Resource != "aws_lb" {
		t.Errorf("unmatched: %v", sg.Unmatched)
	}
	if want := []int{0, 2, 3, 4, 5}; !reflect.DeepEqual(sg.Matched, want) {
		t.Errorf("matched %v, want %v", sg.Matched, want)
	}
	if err := f.CheckStacks([]string{"mine"}); err == nil || !strings.Contains(err.Error(), `"other"`) {
		t.Errorf("CheckStacks: %v", err)
	}
	if err := f.CheckStacks([]string{"mine", "other"}); err != nil {
		t.Errorf("CheckStacks: %v", err)
	}
}

// The committed gaps file must parse, and every entry must carry its
// evidence.
func TestGapsFileIsValid(t *testing.T) {
	f, err := LoadGaps("emulator-gaps.json")
	if err != nil {
		t.Fatal(err)
	}
	if f.Emulator == "" || f.Provider == "" {
		t.Error("the gaps file names no emulator or provider version")
	}
	if _, err := os.Stat("README.md"); err != nil {
		t.Error("tools/e2e/README.md is missing")
	}
}
