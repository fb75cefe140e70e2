package kube_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// AddLabels merges labels into the namespace's (a mesh enrolling it), but
// never loosens Pod Security, and changes nothing when it refuses.
func TestNamespaceAddLabels(t *testing.T) {
	stack := newStack(t)
	ns := namespace(t, stack, "ns", kube.NamespaceProps{Name: "payments", Labels: map[string]string{"team": "shop"}})
	if ns.LiteralName() != "payments" {
		t.Errorf("LiteralName() = %q", ns.LiteralName())
	}
	if err := ns.AddLabels(map[string]string{"istio.io/dataplane-mode": "ambient", "team": "payments"}); err != nil {
		t.Fatal(err)
	}
	err := ns.AddLabels(map[string]string{
		"pod-security.kubernetes.io/enforce": "privileged",
		"bad key!":                           "x",
		"istio.io/use-waypoint":              "not a value",
	})
	for _, want := range []string{
		`kube "test/ns": AddLabels key "pod-security.kubernetes.io/enforce" is a Pod Security Admission label; set NamespaceProps.PodSecurity (with a RelaxReason) instead`,
		`AddLabels key "bad key!" is not a label key`,
		`AddLabels[istio.io/use-waypoint] "not a value" is not a label value`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, validate.ErrInvalid) {
			t.Errorf("error = %v; want %q", err, want)
		}
	}
	labels, _ := get(synth(t, stack).One(t, "kubernetes_namespace_v1", "ns"), "metadata", "labels").(map[string]any)
	want := map[string]string{
		"istio.io/dataplane-mode":            "ambient",
		"team":                               "payments",
		"pod-security.kubernetes.io/enforce": "restricted",
		"pod-security.kubernetes.io/enforce-version": "latest",
		"pod-security.kubernetes.io/warn":            "restricted",
		"pod-security.kubernetes.io/audit":           "restricted",
		"app.kubernetes.io/managed-by":               "hybridstack",
	}
	for k, v := range want {
		if labels[k] != v {
			t.Errorf("label %s = %v, want %q", k, labels[k], v)
		}
	}
	if len(labels) != len(want) {
		t.Errorf("labels = %v; the refused call must add none", labels)
	}
}
