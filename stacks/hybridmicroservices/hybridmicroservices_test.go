package hybridmicroservices_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/stacks/base"
	"github.com/hybridstack/hybridstack/stacks/hybridmicroservices"
)

type doc struct {
	Resource map[string]map[string]map[string]any `json:"resource"`
	Provider map[string]any                       `json:"provider"`
	Output   map[string]any                       `json:"output"`
}

// synth returns a variant's AWS stack (the Lattice one, or with istio the
// Istio ambient one), synthesized with its in-cluster stacks.
func synth(t *testing.T, istio bool) doc {
	t.Helper()
	return synthAll(t, istio)[variantName(istio)]
}

// variantName is the AWS stack's name of a variant.
func variantName(istio bool) string {
	if istio {
		return hybridmicroservices.IstioName
	}
	return hybridmicroservices.Name
}

func first(m map[string]map[string]any) map[string]any {
	for _, v := range m {
		return v
	}
	return nil
}

// The front door's wiring is the same in both variants: only what sits
// behind the internal NLB differs.
func TestFrontDoorWiring(t *testing.T) {
	for _, istio := range []bool{false, true} {
		t.Run(variantName(istio), func(t *testing.T) { checkFrontDoorWiring(t, synth(t, istio).Resource) })
	}
}

func checkFrontDoorWiring(t *testing.T, r map[string]map[string]map[string]any) {
	for _, route := range r["aws_apigatewayv2_route"] {
		if route["authorization_type"] != "JWT" {
			t.Errorf("route %v is not JWT-authorized", route["route_key"])
		}
	}
	perApi := 0
	for _, p := range r["aws_lambda_permission"] {
		if p["principal"] == "apigateway.amazonaws.com" {
			perApi++
		}
		if p["source_arn"] == nil {
			t.Errorf("permission without source_arn: %v", p)
		}
	}
	if perApi != 1 {
		t.Errorf("%d API Gateway permissions, want 1 (one function, one API)", perApi)
	}
	linkSG := ""
	for name := range r["aws_security_group"] {
		if strings.Contains(name, "vpc-link") {
			linkSG = "${aws_security_group." + name + ".id}"
		}
	}
	admitted := false
	for _, rule := range r["aws_vpc_security_group_ingress_rule"] {
		if rule["referenced_security_group_id"] == linkSG && strings.Contains(rule["security_group_id"].(string), "internal-nlb") {
			admitted = true
		}
	}
	if !admitted {
		t.Error("the internal NLB does not admit the VPC link")
	}
	for _, integ := range r["aws_apigatewayv2_integration"] {
		if integ["connection_type"] == "VPC_LINK" && integ["payload_format_version"] != "1.0" {
			t.Errorf("VPC link integration with payload %v", integ["payload_format_version"])
		}
	}
	fn := r["aws_lambda_function"]
	for name, f := range fn {
		if strings.Contains(name, "order-worker") && f["vpc_config"] == nil {
			t.Error("the order worker is not in the VPC")
		}
	}
	if len(r["aws_lambda_event_source_mapping"]) != 1 || len(r["aws_cloudwatch_event_rule"]) != 1 {
		t.Error("SQS and EventBridge glue missing")
	}
}

// On Lattice, payments v1 and v2 sit behind a 90/10 canary listener;
// the Istio variant renders no Lattice resource (its canary is the
// Rollout's, see istio_test.go).
func TestPaymentsCanary(t *testing.T) {
	lattice := synth(t, false).Resource
	listeners := 0
	for name, l := range lattice["aws_vpclattice_listener"] {
		if !strings.Contains(name, "payments") {
			continue
		}
		listeners++
		fwd := one(one(l["default_action"])["forward"])["target_groups"].([]any)
		weights := []float64{}
		sum := 0.0
		for _, g := range fwd {
			w := g.(map[string]any)["weight"].(float64)
			weights = append(weights, w)
			sum += w
		}
		if len(fwd) != 2 || sum != 100 || !slices.Contains(weights, 90) || !slices.Contains(weights, 10) {
			t.Errorf("payments canary targets = %v, want 90/10", fwd)
		}
	}
	if listeners == 0 {
		t.Error("the Lattice variant has no payments listener")
	}
	for name, d := range synthAll(t, true) {
		for typ := range d.Resource {
			if strings.HasPrefix(typ, "aws_vpclattice_") {
				t.Errorf("%s: the Istio variant renders %s", name, typ)
			}
		}
	}
}

// one returns a single nested block, written either as an object or as a
// one-element list.
func one(v any) map[string]any {
	switch b := v.(type) {
	case map[string]any:
		return b
	case []any:
		if len(b) > 0 {
			return b[0].(map[string]any)
		}
	}
	return nil
}

// The two variants (and any copy under another stack name) share an
// account and Region: every global name derives from the stack's name.
func TestGlobalNamesDeriveFromTheStack(t *testing.T) {
	names := func(r map[string]map[string]map[string]any) map[string]bool {
		out := map[string]bool{}
		add := func(typ, attr string) {
			for _, res := range r[typ] {
				if v, ok := res[attr].(string); ok {
					out[typ+" "+v] = true
				}
			}
		}
		add("aws_eks_cluster", "name")
		add("aws_kms_alias", "name")
		add("aws_cloudwatch_log_group", "name")
		add("aws_lambda_function", "function_name")
		add("aws_lb", "name")
		add("aws_iam_role", "name")
		add("aws_vpclattice_service_network", "name")
		add("aws_vpclattice_service", "name")
		add("aws_vpclattice_target_group", "name")
		add("aws_apigatewayv2_api", "name")
		add("aws_ecr_repository", "name")
		add("aws_cognito_user_pool", "name")
		return out
	}
	lattice, istio := names(synth(t, false).Resource), names(synth(t, true).Resource)
	if len(lattice) < 15 || len(istio) < 15 {
		t.Fatalf("only %d and %d names found: %v / %v", len(lattice), len(istio), lattice, istio)
	}
	for n := range lattice {
		if istio[n] {
			t.Errorf("both variants create %s", n)
		}
	}
	for n := range istio {
		if !strings.Contains(n, hybridmicroservices.IstioName) && !strings.Contains(n, "hybridmicroservices-ist-") {
			t.Errorf("the Istio variant's %s does not derive from its stack name", n)
		}
	}
	if !lattice["aws_eks_cluster hybridmicroservices"] || !istio["aws_eks_cluster hybridmicroservices-istio"] {
		t.Errorf("cluster names: %v / %v", lattice, istio)
	}
}

// API authentication without a creator admin: the stack's admin role is
// the administrator, and may describe the cluster for its kubeconfig.
func TestClusterHasAnAdministrator(t *testing.T) {
	r := synth(t, false).Resource
	var adminRole string
	for name, role := range r["aws_iam_role"] {
		if role["name"] == "hybridmicroservices-cluster-admin" {
			adminRole = "aws_iam_role." + name
		}
	}
	if adminRole == "" {
		t.Fatal("no admin role")
	}
	found := false
	for _, a := range r["aws_eks_access_policy_association"] {
		if strings.HasSuffix(a["policy_arn"].(string), "cluster-access-policy/AmazonEKSClusterAdminPolicy") && one(a["access_scope"])["type"] == "cluster" {
			found = true
		}
	}
	entries := 0
	for _, e := range r["aws_eks_access_entry"] {
		if e["principal_arn"] == "${"+adminRole+".arn}" {
			entries++
		}
	}
	if !found || entries != 1 {
		t.Errorf("admin access: policy association %v, entries %d", found, entries)
	}
	describe := false
	for _, p := range r["aws_iam_role_policy"] {
		if p["role"] == "${"+adminRole+".id}" && strings.Contains(p["policy"].(string), `"eks:DescribeCluster"`) && strings.Contains(p["policy"].(string), "aws_eks_cluster.") {
			describe = true
		}
	}
	if !describe {
		t.Error("the admin role cannot call eks:DescribeCluster on the cluster")
	}
}

// Caller -> NLB -> pods and Lattice -> ALB -> pods: every NLB listener
// port is admitted on the NLB's group; each mesh version's ALB admits the
// Lattice prefix list on its listener port and nothing else; the pods'
// (cluster) group admits the NLB and each ALB, and no longer Lattice
// directly.
func TestLoadBalancerAndPodPaths(t *testing.T) {
	r := synth(t, false).Resource
	ports := map[float64]bool{}
	for _, rule := range r["aws_vpc_security_group_ingress_rule"] {
		if rule["security_group_id"] == "${aws_security_group.internal-nlb-security-group.id}" {
			ports[rule["from_port"].(float64)] = true
		}
	}
	for _, l := range r["aws_lb_listener"] {
		if l["load_balancer_arn"] != "${aws_lb.internal-nlb.arn}" {
			continue
		}
		if p := l["port"].(float64); !ports[p] {
			t.Errorf("listener port %v is not admitted by the NLB's security group (admitted: %v)", p, ports)
		}
	}
	albs := map[string]bool{}
	for name, lb := range r["aws_lb"] {
		if lb["load_balancer_type"] == "application" {
			if lb["internal"] != true {
				t.Errorf("ALB %s is not internal", name)
			}
			albs[fmt.Sprint(lb["security_groups"].([]any)[0])] = true
		}
	}
	if len(albs) != 3 {
		t.Fatalf("want an ALB for orders v1, payments v1 and v2; got %d", len(albs))
	}
	fromNLB, fromLattice := false, false
	fromALB := map[string]bool{}
	for _, rule := range r["aws_vpc_security_group_ingress_rule"] {
		if albs[fmt.Sprint(rule["security_group_id"])] {
			if !strings.Contains(fmt.Sprint(rule["prefix_list_id"]), "aws_ec2_managed_prefix_list") || rule["from_port"] != float64(8080) {
				t.Errorf("an ALB admits %v on %v; want only the Lattice prefix list on 8080", rule["prefix_list_id"], rule["from_port"])
			}
		}
		if !strings.Contains(rule["security_group_id"].(string), "cluster_security_group_id") || rule["from_port"] != float64(8080) {
			continue
		}
		fromNLB = fromNLB || rule["referenced_security_group_id"] == "${aws_security_group.internal-nlb-security-group.id}"
		fromLattice = fromLattice || strings.Contains(fmt.Sprint(rule["prefix_list_id"]), "aws_ec2_managed_prefix_list")
		if sg := fmt.Sprint(rule["referenced_security_group_id"]); albs[sg] {
			fromALB[sg] = true
		}
	}
	if !fromNLB || fromLattice || len(fromALB) != len(albs) {
		t.Errorf("pods admit the NLB: %v, Lattice directly: %v, %d of %d ALBs", fromNLB, fromLattice, len(fromALB), len(albs))
	}
	// The worker's egress: the orders NLB and the VPC's endpoints only.
	for name, rule := range r["aws_vpc_security_group_egress_rule"] {
		if strings.Contains(fmt.Sprint(rule["security_group_id"]), "order-worker") && rule["cidr_ipv4"] != nil {
			t.Errorf("order worker egress %s to %v", name, rule["cidr_ipv4"])
		}
	}
}

// Alarms reach a topic someone can subscribe to.
func TestAlarmsNotify(t *testing.T) {
	r := synth(t, false).Resource
	if len(r["aws_cloudwatch_metric_alarm"]) == 0 {
		t.Fatal("no alarms")
	}
	for name, a := range r["aws_cloudwatch_metric_alarm"] {
		actions, _ := a["alarm_actions"].([]any)
		if len(actions) != 1 || !strings.Contains(actions[0].(string), "aws_sns_topic.alerts") {
			t.Errorf("alarm %s notifies %v", name, a["alarm_actions"])
		}
	}
	if topic := r["aws_sns_topic"]["alerts"]; topic == nil || !strings.Contains(topic["kms_master_key_id"].(string), "aws_kms_key.alerts-key") {
		t.Errorf("alerts topic = %v", topic)
	}
}

// With IAM auth the service network needs its own policy, and orders gets
// a role (bound to its service account) that may invoke payments.
func TestLatticeCallerPath(t *testing.T) {
	r := synth(t, false).Resource
	if len(r["aws_vpclattice_auth_policy"]) != 3 {
		t.Errorf("%d auth policies, want the network's and one per service", len(r["aws_vpclattice_auth_policy"]))
	}
	found := false
	for name, role := range r["aws_iam_role"] {
		if strings.HasPrefix(name, "orders_caller-role") {
			found = strings.Contains(role["assume_role_policy"].(string), "system:serviceaccount:orders:orders")
		}
	}
	if !found {
		t.Error("no caller role for the orders service account")
	}
}

// Both variants listen on the default event bus: each matches only its own
// stack's order events, and its worker accepts only those.
func TestOrderEventsAreTheStacks(t *testing.T) {
	for _, istio := range []bool{false, true} {
		r := synth(t, istio).Resource
		want := variantName(istio) + ".orders"
		rule := first(r["aws_cloudwatch_event_rule"])
		if !strings.Contains(rule["event_pattern"].(string), `"source":["`+want+`"]`) {
			t.Errorf("rule pattern = %v, want source %s", rule["event_pattern"], want)
		}
		for name, f := range r["aws_lambda_function"] {
			if strings.Contains(name, "order-worker") {
				env := one(f["environment"])["variables"].(map[string]any)
				if env["EVENT_SOURCE"] != want {
					t.Errorf("worker EVENT_SOURCE = %v, want %s", env["EVENT_SOURCE"], want)
				}
			}
		}
		if n := len(r["aws_eip"]); n != 1 {
			t.Errorf("%d Elastic IPs; one NAT gateway keeps both variants and the platform within the default quota of 5", n)
		}
		pool := first(r["aws_cognito_user_pool"])
		if one(pool["admin_create_user_config"])["allow_admin_create_user_only"] != true {
			t.Errorf("user pool allows self sign-up: %v", pool["admin_create_user_config"])
		}
	}
}

// synthAll synthesizes a variant's three stacks in one app, as make synth
// does (cross-stack references resolve only then), and returns each
// stack's document by name. Each variant is synthesized once per test
// binary: the tests only read the documents.
func synthAll(t *testing.T, istio bool) map[string]doc {
	t.Helper()
	if docs, ok := synthesized[istio]; ok {
		return docs
	}
	dir, err := os.MkdirTemp("", "hybridmicroservices-test-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(dir)})
	build := hybridmicroservices.New
	if istio {
		build = hybridmicroservices.NewIstio
	}
	if _, err := build(app, base.Settings{}.WithDefaults()); err != nil {
		t.Fatal(err)
	}
	app.Synth()
	out := map[string]doc{}
	for _, stack := range hybridmicroservices.StackNames(variantName(istio)) {
		b, err := os.ReadFile(filepath.Join(dir, "stacks", stack, "cdk.tf.json"))
		if err != nil {
			t.Fatal(err)
		}
		var d doc
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		out[stack] = d
	}
	synthesized[istio] = out
	return out
}

// synthesized holds each variant's documents, by whether it is the Istio
// variant.
var synthesized = map[bool]map[string]doc{}

// Every ip target group of the AWS stack (the NLB's, and on Lattice each
// mesh version's ALB) gets pods from a TargetGroupBinding in the workloads
// stack, which reads its ARN from the AWS stack's state.
func TestEveryPodTargetGroupIsBound(t *testing.T) {
	for _, istio := range []bool{false, true} {
		name := variantName(istio)
		docs := synthAll(t, istio)
		bound := map[string]string{}
		for id, m := range docs[name+hybridmicroservices.WorkloadsSuffix].Resource["kubernetes_manifest"] {
			body := m["manifest"].(map[string]any)
			if body["kind"] != "TargetGroupBinding" {
				continue
			}
			spec := body["spec"].(map[string]any)
			bound[fmt.Sprint(spec["targetGroupARN"])] = id
		}
		want := 0
		for id, tg := range docs[name].Resource["aws_lb_target_group"] {
			if tg["target_type"] != "ip" {
				continue
			}
			want++
			ref := "cross-stack-output-aws_lb_target_group" + id + "arn}"
			found := false
			for arn := range bound {
				found = found || strings.HasSuffix(arn, ref)
			}
			if !found {
				t.Errorf("%s: target group %s has no TargetGroupBinding (bindings: %v)", name, id, bound)
			}
		}
		if wantTGs := map[bool]int{false: 4, true: 1}[istio]; want != wantTGs || len(bound) != wantTGs {
			t.Errorf("%s: %d ip target groups and %d bindings; want %d of each", name, want, len(bound), wantTGs)
		}
		// The in-cluster stacks configure both providers from the cluster.
		for _, suffix := range []string{hybridmicroservices.AddonsSuffix, hybridmicroservices.WorkloadsSuffix} {
			p := fmt.Sprint(docs[name+suffix].Provider["kubernetes"])
			if !strings.Contains(p, "get-token") || !strings.Contains(p, "cross-stack-output-aws_eks_cluster") {
				t.Errorf("%s%s: kubernetes provider %s", name, suffix, p)
			}
		}
	}
}
