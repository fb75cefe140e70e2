package kube_test

import (
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/kube"
)

// The kube constructs take any eks.ClusterRef: on an imported cluster,
// providers, workload roles and alarms refer to the data sources that read
// the cluster and its OIDC provider.
func TestOnImportedCluster(t *testing.T) {
	stack := newStack(t)
	cluster, err := eks.ImportCluster(stack, "legacy", eks.ImportClusterProps{Name: "legacy", Version: eks.DefaultVersion, EC2Nodes: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kube.NewProviders(stack, "kubernetes", kube.ProvidersProps{Cluster: cluster, Region: "eu-west-1"}); err != nil {
		t.Fatal(err)
	}
	ns := namespace(t, stack, "ns", kube.NamespaceProps{Name: "shop"})
	p := workloadProps(ns)
	p.Identity, p.Cluster, p.Alarms = kube.IdentityIRSA, cluster, &kube.WorkloadAlarms{}
	w, err := kube.NewWorkload(stack, "orders", p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kube.NewControllers(stack, "controllers", kube.ControllersProps{Cluster: cluster, Region: "eu-west-1", VPCID: cluster.VPCID()}); err != nil {
		t.Fatal(err)
	}
	doc := synth(t, stack)

	clusters, providers := doc.Data("aws_eks_cluster"), doc.Data("aws_iam_openid_connect_provider")
	if len(clusters) != 1 || len(providers) != 1 {
		t.Fatalf("want one cluster and one OIDC provider data source, got %d and %d", len(clusters), len(providers))
	}
	var cl, op string
	for name := range clusters {
		cl = "data.aws_eks_cluster." + name
	}
	for name := range providers {
		op = "data.aws_iam_openid_connect_provider." + name
	}

	kp := get(doc, "provider", "kubernetes", 0)
	if host := get(kp, "host"); host != "${"+cl+".endpoint}" {
		t.Errorf("kubernetes provider host = %v, want the imported cluster's endpoint", host)
	}
	if args := strings.Join(list(get(kp, "exec", 0, "args")), " "); !strings.Contains(args, "--cluster-name ${"+cl+".name}") {
		t.Errorf("get-token args = %s", args)
	}

	roles := doc.Resources("aws_iam_role")
	if len(roles) != 3 { // the workload's, the load balancer controller's, the cluster autoscaler's
		t.Fatalf("want 3 IRSA roles, got %d", len(roles))
	}
	for name, role := range roles {
		trust := mustJSON(t, role["assume_role_policy"])
		fed := get(trust, "Statement", 0, "Principal", "Federated")
		if fed != "${"+op+".arn}" {
			t.Errorf("role %s trusts %v, want the imported cluster's OIDC provider ${%s.arn}", name, fed, op)
		}
		if prefix, _ := role["name_prefix"].(string); !strings.HasPrefix(prefix, "legacy-") {
			t.Errorf("role %s name_prefix %q does not start with the cluster name", name, prefix)
		}
	}
	alarm := doc.One(t, "aws_cloudwatch_metric_alarm", "restarts-alarm")
	if dims, _ := alarm["dimensions"].(map[string]any); dims["ClusterName"] != "${"+cl+".name}" {
		t.Errorf("restart alarm dimensions = %v", alarm["dimensions"])
	}
	if sig := w.Signals(); len(sig.Widgets) == 0 {
		t.Error("a workload on an imported cluster has no signals")
	}
}

// A nil *eks.Cluster (say, from a NewCluster call whose error was dropped)
// is refused like no cluster, not dereferenced.
func TestNilClusterPointer(t *testing.T) {
	stack := newStack(t)
	var none *eks.Cluster
	_, err := kube.NewProviders(stack, "kubernetes", kube.ProvidersProps{Cluster: none, Region: "eu-west-1"})
	if err == nil || !strings.Contains(err.Error(), `kube "test/kubernetes": Cluster is nil`) {
		t.Errorf("NewProviders with a nil *eks.Cluster: %v", err)
	}
	if err := kube.Unreachable(none); err != nil {
		t.Errorf("Unreachable(nil) = %v", err)
	}
	p := workloadProps(namespace(t, stack, "ns", kube.NamespaceProps{Name: "shop"}))
	p.Identity, p.Cluster = kube.IdentityIRSA, none
	if _, err := kube.NewWorkload(stack, "orders", p); err == nil || !strings.Contains(err.Error(), "Cluster is nil") {
		t.Errorf("NewWorkload with a nil *eks.Cluster: %v", err)
	}
}
