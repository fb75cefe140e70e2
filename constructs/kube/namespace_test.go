package kube_test

import (
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

func TestNamespacePodSecurityLabels(t *testing.T) {
	tests := []struct {
		name       string
		props      kube.NamespaceProps
		enforce    kube.PodSecurityLevel
		annotation any
	}{
		{"restricted by default", kube.NamespaceProps{Name: "orders"}, kube.PodSecurityRestricted, nil},
		{"baseline with a reason", kube.NamespaceProps{Name: "legacy", PodSecurity: kube.PodSecurityBaseline, RelaxReason: "vendor image runs as root"}, kube.PodSecurityBaseline, "vendor image runs as root"},
		{"privileged with a reason", kube.NamespaceProps{Name: "node-agents", PodSecurity: kube.PodSecurityPrivileged, RelaxReason: "host networking"}, kube.PodSecurityPrivileged, "host networking"},
		{"behind a load balancer", kube.NamespaceProps{Name: "shop", ReadinessGates: true}, kube.PodSecurityRestricted, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stack := newStack(t)
			tc.props.Labels = map[string]string{"team": "shop", "pod-security.kubernetes.io/enforce": "privileged"}
			ns := namespace(t, stack, "ns", tc.props)
			if ns.PodSecurity() != tc.enforce || ns.Resource() == nil {
				t.Errorf("PodSecurity() = %q", ns.PodSecurity())
			}
			doc := synth(t, stack)
			r := doc.One(t, "kubernetes_namespace_v1", "ns")
			if want := "${" + doc.Address(t, "kubernetes_namespace_v1", "ns") + ".metadata[0].name}"; resolve(stack, ns.Name()) != want {
				t.Errorf("Name() = %q, want the reference %q (objects in it must wait for it)", resolve(stack, ns.Name()), want)
			}
			if str(r, "metadata", "name") != tc.props.Name || r["wait_for_default_service_account"] != true {
				t.Errorf("namespace = %v", r)
			}
			labels, _ := get(r, "metadata", "labels").(map[string]any)
			want := map[string]string{
				// A user label cannot loosen the enforced level.
				"pod-security.kubernetes.io/enforce":         string(tc.enforce),
				"pod-security.kubernetes.io/enforce-version": "latest",
				"pod-security.kubernetes.io/warn":            "restricted",
				"pod-security.kubernetes.io/audit":           "restricted",
				"app.kubernetes.io/managed-by":               "hybridstack",
				"team":                                       "shop",
			}
			// Readiness gates only where a TargetGroupBinding asks for
			// them (ReadinessGates, BindTargetGroup).
			if tc.props.ReadinessGates {
				want["elbv2.k8s.aws/pod-readiness-gate-inject"] = "enabled"
			}
			for k, v := range want {
				if labels[k] != v {
					t.Errorf("label %s = %v, want %q", k, labels[k], v)
				}
			}
			if len(labels) != len(want) {
				t.Errorf("labels = %v", labels)
			}
			if got := get(r, "metadata", "annotations", "hybridstack.io/pod-security-reason"); got != tc.annotation {
				t.Errorf("reason annotation = %v, want %v", got, tc.annotation)
			}
		})
	}
}

func TestNamespaceValidation(t *testing.T) {
	stack := newStack(t)
	tests := []struct {
		name  string
		props kube.NamespaceProps
		want  []string
	}{
		{"baseline without a reason", kube.NamespaceProps{Name: "legacy", PodSecurity: kube.PodSecurityBaseline},
			[]string{`kube "test/ns": RelaxReason is empty but PodSecurity is "baseline"; say why the namespace cannot be restricted`}},
		{"privileged without a reason", kube.NamespaceProps{Name: "legacy", PodSecurity: kube.PodSecurityPrivileged},
			[]string{`RelaxReason is empty but PodSecurity is "privileged"`}},
		{"unknown level", kube.NamespaceProps{Name: "legacy", PodSecurity: "lenient", RelaxReason: "x"},
			[]string{`PodSecurity "lenient" is not a Pod Security Admission level; use restricted, baseline or privileged`}},
		{"kube- prefix", kube.NamespaceProps{Name: "kube-apps"},
			[]string{`Name "kube-apps" starts with kube-, which Kubernetes reserves for its own namespaces`}},
		{"kube-system", kube.NamespaceProps{Name: "kube-system"},
			[]string{`Name "kube-system" starts with kube-`}},
		{"empty name", kube.NamespaceProps{},
			[]string{`Name is empty; give a DNS label`}},
		{"not a DNS label", kube.NamespaceProps{Name: "Orders_1"},
			[]string{`Name "Orders_1" is not a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)`}},
		{"too long", kube.NamespaceProps{Name: strings.Repeat("n", 64)},
			[]string{`Name "` + strings.Repeat("n", 64) + `" is not a DNS label`}},
		{"bad label key", kube.NamespaceProps{Name: "orders", Labels: map[string]string{"-team": "shop"}},
			[]string{`Labels key "-team" is not a label key`}},
		{"bad label value", kube.NamespaceProps{Name: "orders", Labels: map[string]string{"team": "a b"}},
			[]string{`Labels[team] "a b" is not a label value`}},
		{"label value too long", kube.NamespaceProps{Name: "orders", Labels: map[string]string{"team": strings.Repeat("v", 64)}},
			[]string{`Labels[team] "` + strings.Repeat("v", 64) + `" is not a label value`}},
		{"all at once", kube.NamespaceProps{Name: "kube-x", PodSecurity: kube.PodSecurityBaseline, Labels: map[string]string{"a b": "c d"}},
			[]string{`Name "kube-x" starts with kube-`, `RelaxReason is empty`, `Labels key "a b"`, `Labels[a b] "c d"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ns, err := kube.NewNamespace(stack, "ns", tc.props)
			if ns != nil {
				t.Fatal("NewNamespace returned a namespace and an error")
			}
			wantErrs(t, err, tc.want...)
			if n := len(validate.Fields(err)); n != len(tc.want) {
				t.Errorf("%d errors, want %d: %v", n, len(tc.want), err)
			}
		})
	}
	if stack.Node().TryFindChild(ptr.String("ns")) != nil {
		t.Error("a failed NewNamespace added a construct")
	}
	_, err := kube.NewNamespace(nil, "ns", kube.NamespaceProps{Name: "orders"})
	wantErrs(t, err, `scope is nil`)
}

// The boundaries the validation must accept.
func TestNamespaceAcceptsEdgeNames(t *testing.T) {
	stack := newStack(t)
	for i, name := range []string{"a", strings.Repeat("n", 63), "kube", "kubex-apps", "0orders"} {
		if _, err := kube.NewNamespace(stack, "ns"+string(rune('a'+i)), kube.NamespaceProps{Name: name}); err != nil {
			t.Errorf("%q: %v", name, err)
		}
	}
}
