package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// inClusterConfig is the shape of a synthesized -addons stack: providers
// fed by another stack's state, a chart, a namespace.
const inClusterConfig = `{
  "data": {"terraform_remote_state": {"cross-stack-reference-input-platform": {
    "backend": "local", "config": {"path": "../../../terraform.platform.tfstate"}, "workspace": "${terraform.workspace}"}}},
  "provider": {
    "aws": [{"region": "eu-west-1"}],
    "kubernetes": [{"host": "${data.terraform_remote_state.cross-stack-reference-input-platform.outputs.endpoint}",
      "exec": [{"api_version": "client.authentication.k8s.io/v1beta1", "command": "aws", "args": ["eks", "get-token"]}]}],
    "helm": [{"kubernetes": {"host": "${data.terraform_remote_state.cross-stack-reference-input-platform.outputs.endpoint}",
      "exec": {"api_version": "client.authentication.k8s.io/v1beta1", "command": "aws", "args": ["eks", "get-token"]}}}]
  },
  "resource": {
    "helm_release": {"lbc": {"chart": "aws-load-balancer-controller", "repository": "https://aws.github.io/eks-charts", "version": "3.5.0", "atomic": true, "wait": true}},
    "kubernetes_namespace_v1": {"ns": {"metadata": [{"name": "argocd"}]}}
  }
}`

func TestRemoteStatesAndGroups(t *testing.T) {
	c, err := ParseConfig([]byte(inClusterConfig))
	if err != nil {
		t.Fatal(err)
	}
	if !c.NeedsCluster() {
		t.Error("a stack with kubernetes and helm providers needs the cluster")
	}
	rs, err := c.RemoteStates()
	if err != nil || !reflect.DeepEqual(rs, map[string]string{"cross-stack-reference-input-platform": "platform"}) {
		t.Fatalf("RemoteStates = %v, %v", rs, err)
	}
	deps := map[string][]string{
		"platform-addons": {"platform"},
		"hms-addons":      {"hms"},
		"hms-workloads":   {"hms", "hms-addons"},
		"trading-tenants": {"trading", "trading-addons"},
		"trading-addons":  {"trading"},
		"imagepipeline":   nil,
		"platform":        nil,
		"hms":             nil,
		"trading":         nil,
	}
	names := []string{"hms", "hms-addons", "hms-workloads", "imagepipeline", "platform", "platform-addons", "trading", "trading-addons", "trading-tenants"}
	groups, err := Groups(names, deps)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"hms", "hms-addons", "hms-workloads"},
		{"imagepipeline"},
		{"platform", "platform-addons"},
		{"trading", "trading-addons", "trading-tenants"},
	}
	if !reflect.DeepEqual(groups, want) {
		t.Errorf("Groups = %v, want %v", groups, want)
	}
	// A stack whose AWS stack is not selected cannot run alone.
	_, err = Groups([]string{"platform-addons"}, deps)
	if err == nil || !strings.Contains(err.Error(), "stack platform-addons reads the state of stack platform, which is not selected: run them together (make e2e STACK=platform,platform-addons, or -stack platform,platform-addons)") {
		t.Errorf("Groups without the AWS stack: %v", err)
	}
	bad, _ := ParseConfig([]byte(`{"data": {"terraform_remote_state": {"x": {"backend": "s3", "config": {"bucket": "b"}}}}}`))
	if _, err := bad.RemoteStates(); err == nil || !strings.Contains(err.Error(), `backend "s3"`) {
		t.Errorf("an s3 remote state: %v", err)
	}
}

func TestClusterOverride(t *testing.T) {
	c, err := ParseConfig([]byte(inClusterConfig))
	if err != nil {
		t.Fatal(err)
	}
	cl := &Cluster{Host: "https://127.0.0.1:6443", CA: []byte("-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n"), Token: "t0k"}
	sg := StackGaps{Override: map[string]map[string]any{"helm_release.lbc": {"wait": false, "atomic": false}}}
	b, err := ClusterOverride(c, cl, map[string]string{"platform": "/runs/platform/terraform.tfstate"}, "http://127.0.0.1:9000/", sg)
	if err != nil {
		t.Fatal(err)
	}
	var o struct {
		Provider struct {
			Kubernetes []map[string]any `json:"kubernetes"`
			Helm       []struct {
				Kubernetes []map[string]any `json:"kubernetes"`
			} `json:"helm"`
		} `json:"provider"`
		Data     map[string]map[string]map[string]map[string]string `json:"data"`
		Resource map[string]map[string]map[string]any               `json:"resource"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatal(err)
	}
	if len(o.Provider.Kubernetes) != 1 || len(o.Provider.Helm) != 1 || len(o.Provider.Helm[0].Kubernetes) != 1 {
		t.Fatalf("providers: %s", b)
	}
	for _, k := range []map[string]any{o.Provider.Kubernetes[0], o.Provider.Helm[0].Kubernetes[0]} {
		if k["host"] != cl.Host || k["cluster_ca_certificate"] != string(cl.CA) {
			t.Errorf("kubernetes connection: %v", k)
		}
		exec := k["exec"].([]any)[0].(map[string]any)
		args := exec["args"].([]any)
		if exec["command"] != "printf" || len(args) != 2 || !strings.Contains(args[1].(string), `"token":"t0k"`) || !strings.Contains(args[1].(string), `"kind":"ExecCredential"`) {
			t.Errorf("exec plugin: %v", exec)
		}
	}
	if got := o.Data["terraform_remote_state"]["cross-stack-reference-input-platform"]["config"]["path"]; got != "/runs/platform/terraform.tfstate" {
		t.Errorf("remote state path %q", got)
	}
	lbc := o.Resource["helm_release"]["lbc"]
	if lbc["repository"] != "http://127.0.0.1:9000/eks" || lbc["wait"] != false || lbc["atomic"] != false {
		t.Errorf("helm_release override: %v", lbc)
	}
	if _, ok := o.Resource["kubernetes_namespace_v1"]; ok {
		t.Error("resources with no gap and no chart are not overridden")
	}
	// A remote state of a stack not applied in this run, a chart from a
	// repository the mirror lacks.
	if _, err := ClusterOverride(c, cl, nil, "", StackGaps{}); err == nil || !strings.Contains(err.Error(), "reads stack platform, which has not been applied in this run") {
		t.Errorf("missing state: %v", err)
	}
	c.Resources["helm_release.other"] = map[string]any{"repository": "https://charts.example.org/"}
	if _, err := ClusterOverride(c, cl, map[string]string{"platform": "/s"}, "http://127.0.0.1:1", StackGaps{}); err == nil || !strings.Contains(err.Error(), "helm_release.other: chart repository https://charts.example.org/ has no folder in the chart mirror") {
		t.Errorf("unknown repository: %v", err)
	}
}

func TestClusterGapsParse(t *testing.T) {
	g, err := ParseGaps([]byte(`{"emulator": "moto", "provider": "aws", "cluster": "kube-apiserver v1.34.3", "gaps": [
	  {"stack": "all", "kind": "override", "resource": "helm_release", "set": {"wait": false}, "error": "e", "why": "w"},
	  {"stack": "all", "kind": "remove-after-apply", "resource": "helm_release", "objects": ["/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/aws-load-balancer-webhook"], "error": "e", "why": "w"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := ParseConfig([]byte(inClusterConfig))
	sg := g.ForStack("platform-addons", c)
	if sg.Override["helm_release.lbc"]["wait"] != false {
		t.Errorf("override: %v", sg.Override)
	}
	if !reflect.DeepEqual(sg.Remove["helm_release.lbc"], []string{"/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/aws-load-balancer-webhook"}) {
		t.Errorf("remove: %v", sg.Remove)
	}
	_, err = ParseGaps([]byte(`{"emulator": "moto", "provider": "aws", "gaps": [
	  {"stack": "all", "kind": "override", "resource": "helm_release", "error": "e", "why": "w"},
	  {"stack": "all", "kind": "override", "resource": "helm_release", "set": {"set.0.name": 1}, "error": "e", "why": "w"},
	  {"stack": "all", "kind": "remove-after-apply", "resource": "helm_release", "objects": ["webhooks/x"], "error": "e", "why": "w"},
	  {"stack": "all", "kind": "unsupported", "resource": "helm_release", "set": {"wait": false}, "error": "e", "why": "w"}]}`))
	for _, want := range []string{
		`gaps[0] (all helm_release): an "override" gap sets arguments (set)`,
		`gaps[1] (all helm_release): set key "set.0.name" is not a top-level argument name`,
		`gaps[2] (all helm_release): object "webhooks/x" is not an API path`,
		`gaps[3] (all helm_release): set is only for "override" gaps`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("bad cluster gaps: want %q in %v", want, err)
		}
	}
}

func TestCLIConfigSeveralMirrors(t *testing.T) {
	aws := mkMirror(t, []string{"registry.terraform.io/hashicorp/aws/5.100.0/" + Platform}, nil)
	kube := mkMirror(t, nil, []string{
		"registry.terraform.io/hashicorp/kubernetes/terraform-provider-kubernetes_2.37.1_" + Platform + ".zip",
		"registry.terraform.io/hashicorp/helm/terraform-provider-helm_2.17.0_" + Platform + ".zip",
	})
	list := aws + string(filepath.ListSeparator) + kube
	if err := CheckMirror(list); err != nil {
		t.Fatal(err)
	}
	if err := CheckMirror(kube); err == nil || !strings.Contains(err.Error(), "has no registry.terraform.io/hashicorp/aws") {
		t.Errorf("a list without the AWS provider: %v", err)
	}
	mirrored := MirrorProviders(list, Platform)
	reg := "registry.terraform.io/hashicorp/"
	if !reflect.DeepEqual(mirrored, []string{reg + "aws", reg + "helm", reg + "kubernetes"}) {
		t.Fatalf("MirrorProviders = %v", mirrored)
	}
	if got := MirrorVersions(list, reg+"kubernetes", Platform); !reflect.DeepEqual(got, []string{"2.37.1"}) {
		t.Errorf("MirrorVersions = %v", got)
	}
	cfg := CLIConfig(list, "/c", mirrored)
	for _, want := range []string{
		"path    = \"" + aws + "\"\n    include = [\"registry.terraform.io/hashicorp/aws\"]",
		"path    = \"" + kube + "\"\n    include = [\"registry.terraform.io/hashicorp/helm\", \"registry.terraform.io/hashicorp/kubernetes\"]",
		`exclude = ["registry.terraform.io/hashicorp/aws", "registry.terraform.io/hashicorp/helm", "registry.terraform.io/hashicorp/kubernetes"]`,
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("CLI config lacks %q:\n%s", want, cfg)
		}
	}
	missing, err := ConfigMissingProviders(writeTemp(t, inClusterConfigWithProviders), list)
	if err != nil || len(missing) != 0 {
		t.Errorf("an in-cluster stack with both mirrors: missing %v, %v", missing, err)
	}
}

const inClusterConfigWithProviders = `{"terraform": {"required_providers": {
  "aws": {"source": "aws", "version": "~> 5.84"},
  "helm": {"source": "helm", "version": "~> 2.17"},
  "kubernetes": {"source": "kubernetes", "version": "~> 2.37"}}}}`

func writeTemp(t *testing.T, s string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "cdk.tf.json")
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExpectedPods(t *testing.T) {
	three, zero := 3, 0
	var o workloadObject
	o.Spec.Replicas = &three
	if n := expectedPods("ReplicaSet", o); n != 3 {
		t.Errorf("ReplicaSet of 3: %d", n)
	}
	if n := expectedPods("StatefulSet", o); n != 1 {
		t.Errorf("an OrderedReady StatefulSet creates its first pod only while none is Ready: %d", n)
	}
	o.Spec.PodManagementPolicy = "Parallel"
	if n := expectedPods("StatefulSet", o); n != 3 {
		t.Errorf("a Parallel StatefulSet of 3: %d", n)
	}
	o.Spec.Replicas = &zero
	if n := expectedPods("ReplicaSet", o); n != 0 {
		t.Errorf("a scaled-down ReplicaSet: %d", n)
	}
	yes := true
	o.Spec.Suspend = &yes
	if n := expectedPods("Job", o); n != 0 {
		t.Errorf("a suspended Job: %d", n)
	}
}

func TestControlPlaneLdflags(t *testing.T) {
	f := ControlPlaneLdflags("v1.34.3")
	for _, want := range []string{"gitVersion=v1.34.3", "gitMajor=1", "gitMinor=34"} {
		if !strings.Contains(f, want) {
			t.Errorf("ldflags %q lack %q (the kubernetes provider refuses a server without a version)", f, want)
		}
	}
	a := ControlPlaneCacheKey([]byte("mod"), []byte("sum"), "go1.26.8", f)
	if a == ControlPlaneCacheKey([]byte("mod2"), []byte("sum"), "go1.26.8", f) || a == ControlPlaneCacheKey([]byte("mod"), []byte("sum"), "go1.27.0", f) {
		t.Error("the cache key must change with the module or the Go version")
	}
}

func TestStripFinalizersGap(t *testing.T) {
	g, err := ParseGaps([]byte(`{"emulator": "moto", "provider": "aws", "gaps": [
	  {"stack": "all", "kind": "strip-finalizers", "resource": "kubernetes_manifest", "objects": ["/apis/argoproj.io/v1alpha1/applications"], "finalizers": ["resources-finalizer.argocd.argoproj.io"], "error": "e", "why": "w"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := ParseConfig([]byte(`{"resource": {"kubernetes_manifest": {"a": {}, "b": {}}}}`))
	sg := g.ForStack("x-tenants", c)
	if len(sg.Strip) != 1 || sg.Strip[0].Finalizers[0] != "resources-finalizer.argocd.argoproj.io" {
		t.Errorf("one gap for two matching resources: %+v", sg.Strip)
	}
	_, err = ParseGaps([]byte(`{"emulator": "moto", "provider": "aws", "gaps": [
	  {"stack": "all", "kind": "strip-finalizers", "resource": "kubernetes_manifest", "objects": ["/apis/argoproj.io/v1alpha1/namespaces/x/applications/a"], "finalizers": ["f"], "error": "e", "why": "w"},
	  {"stack": "all", "kind": "strip-finalizers", "resource": "kubernetes_manifest", "objects": ["/apis/argoproj.io/v1alpha1/applications"], "error": "e", "why": "w"}]}`))
	for _, want := range []string{
		`gaps[0] (all kubernetes_manifest): object "/apis/argoproj.io/v1alpha1/namespaces/x/applications/a" is not the API path of a collection`,
		`gaps[1] (all kubernetes_manifest): a "strip-finalizers" gap names the resource that makes the objects, their collections (objects) and the finalizers it removes`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in %v", want, err)
		}
	}
}

func TestNamespaces(t *testing.T) {
	c, err := ParseConfig([]byte(`{"resource": {
	  "kubernetes_namespace_v1": {"a": {"metadata": [{"name": "orders"}]}, "b": {"metadata": {"name": "${var.x}"}}},
	  "helm_release": {"c": {"namespace": "kube-system"}, "d": {"namespace": "${kubernetes_namespace_v1.a.metadata[0].name}"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Namespaces(); !reflect.DeepEqual(got, []string{"kube-system", "orders"}) {
		t.Errorf("Namespaces = %v", got)
	}
}

// TestCrossStackLeftOut: an output whose resource the run left out (an
// emulator gap) leaves out what reads it in the next stack.
func TestCrossStackLeftOut(t *testing.T) {
	producer, err := ParseConfig([]byte(`{
	  "resource": {"aws_msk_cluster": {"kafka": {"cluster_name": "k"}}, "aws_vpc": {"vpc": {}}},
	  "output": {
	    "cross-stack-output-aws_msk_clusterkafkaarn": {"value": "${aws_msk_cluster.kafka.arn}", "sensitive": true},
	    "cross-stack-output-aws_vpcvpcid": {"value": "${aws_vpc.vpc.id}"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	missing := producer.MissingOutputs(map[string]bool{"aws_msk_cluster.kafka": true})
	if !reflect.DeepEqual(missing, map[string]string{"cross-stack-output-aws_msk_clusterkafkaarn": "aws_msk_cluster.kafka"}) {
		t.Fatalf("MissingOutputs = %v", missing)
	}
	consumer, err := ParseConfig([]byte(`{
	  "data": {"terraform_remote_state": {"in": {"backend": "local", "config": {"path": "../../../terraform.trading.tfstate"}}}},
	  "resource": {
	    "aws_iam_role_policy": {"kafka": {"policy": "{\"Resource\":[\"${data.terraform_remote_state.in.outputs.cross-stack-output-aws_msk_clusterkafkaarn}\"]}"}},
	    "aws_security_group": {"sg": {"vpc_id": "${data.terraform_remote_state.in.outputs.cross-stack-output-aws_vpcvpcid}"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	uses, err := consumer.UsesMissingOutputs(map[string]map[string]string{"trading": missing})
	if err != nil {
		t.Fatal(err)
	}
	if len(uses) != 1 || uses["aws_iam_role_policy.kafka"] != "output cross-stack-output-aws_msk_clusterkafkaarn of stack trading, which needs aws_msk_cluster.kafka" {
		t.Errorf("UsesMissingOutputs = %v", uses)
	}
}
