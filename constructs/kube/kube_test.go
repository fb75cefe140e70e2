package kube_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// Helpers shared by the tests of this package.

// env is a cluster in its own stack ("test"), the way a hybrid stack's AWS
// stack holds it; the kube constructs go in that stack or in another stack
// of the same app.
type env struct {
	app     cdktf.App
	stack   cdktf.TerraformStack
	vpc     *network.VPC
	cluster *eks.Cluster
}

// newStack returns an empty stack with an AWS provider whose app's output
// directory is removed after the test.
func newStack(t testing.TB) cdktf.TerraformStack {
	t.Helper()
	stack := tftest.NewStack(t)
	if dir := *cdktf.App_Of(stack).Outdir(); strings.HasPrefix(filepath.Base(dir), "cdktf.outdir.") {
		t.Cleanup(func() { os.RemoveAll(dir) })
	}
	return stack
}

// newEnv builds a VPC and a minimal cluster named demo (one node group);
// mod may change the cluster's props.
func newEnv(t testing.TB, mod func(*eks.ClusterProps)) *env {
	t.Helper()
	stack := newStack(t)
	vpc, err := network.NewVPC(stack, "net", network.VPCProps{AvailabilityZones: []string{"eu-west-1a", "eu-west-1b"}, ClusterNames: []string{"demo"}})
	if err != nil {
		t.Fatal(err)
	}
	// Terraform runs from inside the VPC: its CIDR is admitted to the
	// private endpoint, without which NewProviders refuses the cluster.
	props := eks.ClusterProps{Name: "demo", VPC: vpc, PrivateAccessCIDRs: []string{vpc.CIDR()}, NodeGroups: []eks.NodeGroupProps{{Name: "general", MaxSize: 3}}}
	if mod != nil {
		mod(&props)
	}
	c, err := eks.NewCluster(stack, "cluster", props)
	if err != nil {
		t.Fatal(err)
	}
	return &env{app: cdktf.App_Of(stack), stack: stack, vpc: vpc, cluster: c}
}

// other returns a new stack of the env's app with its own AWS provider:
// constructs there reach the cluster through cross-stack references.
func (e *env) other(t testing.TB, name string) cdktf.TerraformStack {
	t.Helper()
	s := cdktf.NewTerraformStack(e.app, ptr.String(name))
	provider.NewAwsProvider(s, ptr.String("aws"), &provider.AwsProviderConfig{Region: ptr.String("eu-west-1")})
	return s
}

// synthApp synthesizes the whole app the way `cdktf synth` does (cross-stack
// references become outputs and terraform_remote_state data sources) and
// returns the document of one stack.
func synthApp(t testing.TB, app cdktf.App, stack string) tftest.Doc {
	t.Helper()
	app.Synth()
	b, err := os.ReadFile(filepath.Join(*app.Outdir(), "stacks", stack, "cdk.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d tftest.Doc
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// synth synthesizes a stack that may lack the kubernetes provider (the
// kube constructs do not need one to synthesize) and parses the JSON.
func synth(t testing.TB, stack cdktf.TerraformStack) tftest.Doc {
	t.Helper()
	var d tftest.Doc
	if err := json.Unmarshal([]byte(*cdktf.Testing_Synth(stack, ptr.Bool(false))), &d); err != nil {
		t.Fatalf("synthesized JSON does not parse: %v", err)
	}
	return d
}

// resolve returns what a token renders to in stack's JSON.
func resolve(stack cdktf.TerraformStack, token string) string {
	s, _ := cdktf.Tokenization_Resolve(token, &cdktf.ResolveOptions{
		Scope: stack, Resolver: cdktf.NewDefaultTokenResolver(cdktf.NewStringConcat()),
	}).(string)
	return s
}

// get walks nested JSON: a string indexes an object (or the first element
// of a one-block list), an int indexes a list. It returns nil when the path
// does not exist.
func get(v any, path ...any) any {
	if d, ok := v.(tftest.Doc); ok {
		v = map[string]any(d)
	}
	for _, p := range path {
		switch k := p.(type) {
		case string:
			if l, ok := v.([]any); ok && len(l) > 0 {
				v = l[0]
			}
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// str is get as a string ("" when absent or not a string).
func str(v any, path ...any) string {
	s, _ := get(v, path...).(string)
	return s
}

// list returns a JSON list of strings, or a lone string as a one-element
// list (IAM accepts both).
func list(v any) []string {
	if s, ok := v.(string); ok {
		return []string{s}
	}
	return tftest.Strings(v)
}

// wantErrs checks that err is about invalid props and that every want is
// part of the message of one of its FieldErrors.
func wantErrs(t testing.TB, err error, wants ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %q", wants)
	}
	if !errors.Is(err, validate.ErrInvalid) {
		t.Fatalf("error does not wrap validate.ErrInvalid: %v", err)
	}
	fields := validate.Fields(err)
	for _, w := range wants {
		found := false
		for _, fe := range fields {
			if strings.Contains(fe.Error(), w) {
				found = true
			}
		}
		if !found {
			t.Errorf("no error says %q; got:\n%v", w, err)
		}
	}
}

// fieldNames returns the Field of every FieldError in err.
func fieldNames(err error) []string {
	var out []string
	for _, fe := range validate.Fields(err) {
		out = append(out, fe.Field)
	}
	return out
}

// namespace creates a namespace or fails the test.
func namespace(t testing.TB, stack cdktf.TerraformStack, id string, props kube.NamespaceProps) *kube.Namespace {
	t.Helper()
	ns, err := kube.NewNamespace(stack, id, props)
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

// workloadProps are valid props of a workload "orders" that needs no
// cluster (IdentityNone).
func workloadProps(ns *kube.Namespace) kube.WorkloadProps {
	return kube.WorkloadProps{
		Namespace: ns, Name: "orders", Image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:v1",
		Requests: kube.Resources{CPU: "250m", Memory: "256Mi"},
		Limits:   kube.Resources{CPU: "1", Memory: "512Mi"},
		Identity: kube.IdentityNone,
	}
}

// synthWorkload creates the workload of workloadProps, changed by mod, in a
// namespace "orders" of nsProps (restricted when zero) and synthesizes it.
func synthWorkload(t testing.TB, nsProps kube.NamespaceProps, mod func(*kube.WorkloadProps)) (*kube.Workload, tftest.Doc) {
	t.Helper()
	stack := newStack(t)
	if nsProps.Name == "" {
		nsProps.Name = "orders"
	}
	p := workloadProps(namespace(t, stack, "orders-namespace", nsProps))
	if mod != nil {
		mod(&p)
	}
	w, err := kube.NewWorkload(stack, "orders", p)
	if err != nil {
		t.Fatal(err)
	}
	return w, synth(t, stack)
}

// podSpec returns the pod template's spec of the only Deployment.
func podSpec(t testing.TB, doc tftest.Doc) map[string]any {
	t.Helper()
	spec, _ := get(doc.One(t, "kubernetes_deployment_v1", "deployment"), "spec", "template", "spec").(map[string]any)
	if spec == nil {
		t.Fatal("the Deployment has no pod template spec")
	}
	return spec
}

// container returns the only container of a pod spec.
func container(t testing.TB, pod map[string]any) map[string]any {
	t.Helper()
	cs, _ := pod["container"].([]any)
	if len(cs) != 1 {
		t.Fatalf("%d containers, want 1", len(cs))
	}
	return cs[0].(map[string]any)
}

// mustJSON parses a JSON string attribute (helm values, policies).
func mustJSON(t testing.TB, v any) map[string]any {
	t.Helper()
	s, _ := v.(string)
	var out map[string]any
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
	return out
}

func TestProviders(t *testing.T) {
	e := newEnv(t, nil)
	p, err := kube.NewProviders(e.stack, "kubernetes", kube.ProvidersProps{Cluster: e.cluster, Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Kubernetes() == nil || p.Helm() == nil {
		t.Error("escape hatches return nil")
	}
	doc := tftest.Synth(t, e.stack)
	cluster := doc.Address(t, "aws_eks_cluster", "cluster")
	wantArgs := "eks,get-token,--cluster-name,${" + cluster + ".name},--region,eu-west-1,--output,json"
	check := func(name string, cfg any, exec any) {
		t.Helper()
		if got := str(cfg, "host"); got != "${"+cluster+".endpoint}" {
			t.Errorf("%s host = %q", name, got)
		}
		if got := str(cfg, "cluster_ca_certificate"); got != "${base64decode("+cluster+".certificate_authority[0].data)}" {
			t.Errorf("%s CA = %q", name, got)
		}
		if str(exec, "command") != "aws" || str(exec, "api_version") != "client.authentication.k8s.io/v1beta1" {
			t.Errorf("%s exec = %v", name, exec)
		}
		if got := strings.Join(tftest.Strings(get(exec, "args")), ","); got != wantArgs {
			t.Errorf("%s exec args = %s, want %s", name, got, wantArgs)
		}
	}
	providers, _ := doc["provider"].(map[string]any)
	k8s, helm := get(providers, "kubernetes"), get(providers, "helm", "kubernetes")
	if k8s == nil || helm == nil {
		t.Fatalf("providers = %v", providers)
	}
	check("kubernetes", k8s, get(k8s, "exec"))
	check("helm", helm, get(helm, "exec"))
	for name, want := range map[string]string{"kubernetes": kube.KubernetesProviderConstraint, "helm": kube.HelmProviderConstraint} {
		if got := str(doc, "terraform", "required_providers", name, "version"); got != want {
			t.Errorf("required_providers.%s.version = %q, want %q", name, got, want)
		}
	}
	if kube.KubernetesProviderConstraint != "~> 2.37" || kube.HelmProviderConstraint != "~> 2.17" {
		t.Errorf("constraints = %q, %q", kube.KubernetesProviderConstraint, kube.HelmProviderConstraint)
	}
}

// The real use: the providers of an add-ons stack read the cluster of the
// AWS stack through remote state.
func TestProvidersCrossStack(t *testing.T) {
	e := newEnv(t, nil)
	addons := e.other(t, "addons")
	if _, err := kube.NewProviders(addons, "kubernetes", kube.ProvidersProps{Cluster: e.cluster, Region: "eu-west-1"}); err != nil {
		t.Fatal(err)
	}
	doc := synthApp(t, e.app, "addons")
	if len(doc.Data("terraform_remote_state")) != 1 {
		t.Fatalf("remote state = %v", doc["data"])
	}
	if len(doc.Resources("aws_eks_cluster")) != 0 {
		t.Fatal("the cluster was copied into the add-ons stack")
	}
	k8s := get(doc, "provider", "kubernetes")
	remote := "${data.terraform_remote_state.cross-stack-reference-input-test.outputs.cross-stack-output-aws_eks_clustercluster_"
	if h := str(k8s, "host"); !strings.HasPrefix(h, remote) || !strings.HasSuffix(h, "endpoint}") {
		t.Errorf("host = %q", h)
	}
	if ca := str(k8s, "cluster_ca_certificate"); !strings.HasPrefix(ca, "${base64decode("+remote[2:]) {
		t.Errorf("CA = %q", ca)
	}
	if args := tftest.Strings(get(k8s, "exec", "args")); len(args) < 4 || !strings.HasPrefix(args[3], remote) {
		t.Errorf("exec args = %v", args)
	}
	outputs, _ := synthApp(t, e.app, "test")["output"].(map[string]any)
	for _, want := range []string{"endpoint", "certificate_authority0data", "name"} {
		found := false
		for name := range outputs {
			found = found || strings.HasSuffix(name, want)
		}
		if !found {
			t.Errorf("the cluster's stack does not output its %s: %v", want, ptr.SortedKeys(outputs))
		}
	}
}

// With RoleARN, the token is that of a role with an access entry, which
// Terraform's credentials assume.
func TestProvidersRoleARN(t *testing.T) {
	e := newEnv(t, nil)
	const role = "arn:aws:iam::123456789012:role/eks-deployer"
	if _, err := kube.NewProviders(e.stack, "kubernetes", kube.ProvidersProps{Cluster: e.cluster, Region: "eu-west-1", RoleARN: role}); err != nil {
		t.Fatal(err)
	}
	other := e.other(t, "other")
	token := *cdktf.NewTerraformVariable(other, ptr.String("deployer"), &cdktf.TerraformVariableConfig{Type: ptr.String("string")}).StringValue()
	if _, err := kube.NewProviders(other, "kubernetes", kube.ProvidersProps{Cluster: e.cluster, Region: "eu-west-1", RoleARN: token}); err != nil {
		t.Fatalf("token RoleARN: %v", err)
	}
	cluster := "${" + synth(t, e.stack).Address(t, "aws_eks_cluster", "cluster") + ".name}"
	for stack, arn := range map[cdktf.TerraformStack]string{e.stack: role, other: "${var.deployer}"} {
		doc := synth(t, stack)
		want := "eks,get-token,--cluster-name," + cluster + ",--region,eu-west-1,--output,json,--role-arn," + arn
		for name, exec := range map[string]any{"kubernetes": get(doc, "provider", "kubernetes", "exec"), "helm": get(doc, "provider", "helm", "kubernetes", "exec")} {
			if got := strings.Join(tftest.Strings(get(exec, "args")), ","); got != want {
				t.Errorf("%s exec args = %s, want %s", name, got, want)
			}
		}
	}
}

func TestProvidersValidation(t *testing.T) {
	stack := newStack(t)
	_, err := kube.NewProviders(stack, "kubernetes", kube.ProvidersProps{})
	wantErrs(t, err,
		`kube "test/kubernetes": Cluster is nil; pass the *eks.Cluster the providers talk to`,
		`kube "test/kubernetes": Region is empty; give the cluster's Region`)
	if n := len(validate.Fields(err)); n != 2 {
		t.Errorf("%d errors, want 2: %v", n, err)
	}
	if stack.Node().TryFindChild(ptr.String("kubernetes")) != nil {
		t.Error("a failed NewProviders added a construct")
	}
	_, err = kube.NewProviders(stack, "kubernetes", kube.ProvidersProps{Region: "eu-west-1", RoleARN: "eks-deployer"})
	wantErrs(t, err, `Cluster is nil`, `kube "test/kubernetes": RoleARN "eks-deployer" is not an IAM role ARN`)
	if n := len(validate.Fields(err)); n != 2 {
		t.Errorf("%d errors, want 2: %v", n, err)
	}
	_, err = kube.NewProviders(nil, "kubernetes", kube.ProvidersProps{Region: "eu-west-1"})
	wantErrs(t, err, "scope is nil")
}

// BUG (reported, not fixed): RoleARN is checked with
// validation.IAMPrincipalARN, which accepts IAM user ARNs, so a user ARN
// passes although the message says "is not an IAM role ARN" and
// `aws eks get-token --role-arn` can only assume a role.
func TestProvidersRoleARNRefusesUsers(t *testing.T) {
	stack := newStack(t)
	_, err := kube.NewProviders(stack, "kubernetes", kube.ProvidersProps{Region: "eu-west-1", RoleARN: "arn:aws:iam::123456789012:user/deployer"})
	wantErrs(t, err, `RoleARN "arn:aws:iam::123456789012:user/deployer" is not an IAM role ARN`)
}

// BUG (reported, not fixed): two NewProviders in one stack write two
// default (alias-less) kubernetes and helm provider blocks, which
// Terraform refuses ("Duplicate provider configuration"); the second call
// should be an error.
func TestProvidersTwiceInOneStack(t *testing.T) {
	e := newEnv(t, nil)
	if _, err := kube.NewProviders(e.stack, "a", kube.ProvidersProps{Cluster: e.cluster, Region: "eu-west-1"}); err != nil {
		t.Fatal(err)
	}
	_, err := kube.NewProviders(e.stack, "b", kube.ProvidersProps{Cluster: e.cluster, Region: "eu-west-1"})
	wantErrs(t, err, "provider")
}

// A private-only cluster whose security group admits only itself cannot be
// reached by Terraform, from the VPC or elsewhere: Unreachable names it
// and the fix, and NewProviders refuses it, adding nothing to the stack.
func TestProvidersUnreachableCluster(t *testing.T) {
	e := newEnv(t, func(p *eks.ClusterProps) { p.PrivateAccessCIDRs = nil })
	const problem = `Cluster "test/cluster" has a private-only API endpoint that admits only its own nodes and pods (its cluster security group admits itself), so Terraform cannot reach it, even from inside the VPC; admit the network Terraform runs from on 443 with eks.ClusterProps.PrivateAccessCIDRs (such as the VPC's CIDR or a VPN range; the reference stacks admit HYBRIDSTACK_OPERATOR_CIDRS, or else the VPC's CIDR) or PrivateAccessSecurityGroupIDs, or open PublicAccessCIDRs`
	err := kube.Unreachable(e.cluster)
	if err == nil || err.Error() != `kube "test/cluster": `+problem {
		t.Errorf("Unreachable = %v", err)
	}
	wantErrs(t, err, problem)
	p, err := kube.NewProviders(e.stack, "kubernetes", kube.ProvidersProps{Cluster: e.cluster, Region: "eu-west-1"})
	if p != nil {
		t.Error("NewProviders returned providers for an unreachable cluster")
	}
	if err == nil || err.Error() != `kube "test/kubernetes": `+problem {
		t.Errorf("NewProviders error = %v", err)
	}
	wantErrs(t, err, problem)
	if got := fieldNames(err); len(got) != 1 || got[0] != "Cluster" {
		t.Errorf("fields = %q; want [Cluster]", got)
	}
	if e.stack.Node().TryFindChild(ptr.String("kubernetes")) != nil {
		t.Error("a refused NewProviders added a construct")
	}
	// Every other problem comes back with it.
	_, err = kube.NewProviders(e.stack, "kubernetes", kube.ProvidersProps{Cluster: e.cluster})
	if got := fieldNames(err); len(got) != 2 || got[0] != "Region" || got[1] != "Cluster" {
		t.Errorf("fields = %q; want [Region Cluster]", got)
	}
	for name, mod := range map[string]func(*eks.ClusterProps){
		"private CIDRs": func(p *eks.ClusterProps) { p.PrivateAccessCIDRs = []string{"10.99.0.0/16"} },
		"private security group": func(p *eks.ClusterProps) {
			p.PrivateAccessCIDRs, p.PrivateAccessSecurityGroupIDs = nil, []string{"sg-0123456789abcdef0"}
		},
		"public CIDRs": func(p *eks.ClusterProps) { p.PrivateAccessCIDRs, p.PublicAccessCIDRs = nil, []string{"203.0.113.0/24"} },
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, mod)
			if err := kube.Unreachable(e.cluster); err != nil {
				t.Errorf("Unreachable = %v for a cluster that admits an administering network", err)
			}
			if _, err := kube.NewProviders(e.stack, "kubernetes", kube.ProvidersProps{Cluster: e.cluster, Region: "eu-west-1"}); err != nil {
				t.Errorf("NewProviders = %v", err)
			}
		})
	}
}
