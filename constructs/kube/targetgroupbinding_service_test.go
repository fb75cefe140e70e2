package kube_test

import (
	"testing"

	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// TestBindTargetGroupService binds a Service NewWorkload did not make (an
// ingress gateway's) and checks the object and its namespace's label.
func TestBindTargetGroupService(t *testing.T) {
	stack := newStack(t)
	ns := namespace(t, stack, "ingress-ns", kube.NamespaceProps{Name: "istio-ingress", ReadinessGates: true})
	if _, err := kube.BindTargetGroup(stack, "ingress-nlb", kube.TargetGroupBindingProps{
		Service:        &kube.ServiceTarget{Namespace: ns.Name(), Name: "istio-ingress", Port: 80},
		TargetGroupARN: targetGroupARN,
	}); err != nil {
		t.Fatal(err)
	}
	doc := synth(t, stack)
	m := get(doc.One(t, "kubernetes_manifest", "ingress-nlb"), "manifest")
	if got := str(m, "spec", "serviceRef", "name"); got != "istio-ingress" {
		t.Errorf("serviceRef.name = %q", got)
	}
	if got := get(m, "spec", "serviceRef", "port"); got != float64(80) {
		t.Errorf("serviceRef.port = %v", got)
	}
	nsRef := "${" + doc.Address(t, "kubernetes_namespace_v1", "ingress-ns") + ".metadata[0].name}"
	if got := str(m, "metadata", "namespace"); got != nsRef {
		t.Errorf("namespace = %q, want a reference to the namespace (%s)", got, nsRef)
	}
	if got := get(doc.One(t, "kubernetes_namespace_v1", "ingress-ns"), "metadata", "labels", "elbv2.k8s.aws/pod-readiness-gate-inject"); got != "enabled" {
		t.Errorf("readiness gate label = %v, want enabled", got)
	}

	w, err := kube.NewWorkload(stack, "orders", workloadProps(namespace(t, stack, "ns", kube.NamespaceProps{Name: "shop"})))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		props kube.TargetGroupBindingProps
		want  []string
	}{
		{"both", kube.TargetGroupBindingProps{Workload: w, Service: &kube.ServiceTarget{Namespace: "istio-ingress", Name: "x", Port: 80}, TargetGroupARN: targetGroupARN},
			[]string{"Service is set and so is Workload; set exactly one"}},
		{"bad service", kube.TargetGroupBindingProps{Service: &kube.ServiceTarget{Namespace: "Bad", Name: "Bad_Name", Port: 70000}, TargetGroupARN: targetGroupARN},
			[]string{`Service.Namespace "Bad" is not a namespace name`, `Service.Name "Bad_Name" is not a DNS label`, "Service.Port 70000 is not a port"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := kube.BindTargetGroup(stack, "tgb", tc.props)
			wantErrs(t, err, tc.want...)
			if n := len(validate.Fields(err)); n != len(tc.want) {
				t.Errorf("%d errors, want %d: %v", n, len(tc.want), err)
			}
		})
	}
}
