package hybridmicroservices_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
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
}

func synth(t *testing.T, appMesh bool) doc {
	t.Helper()
	build := hybridmicroservices.New
	if appMesh {
		build = hybridmicroservices.NewAppMesh
	}
	st, err := build(cdktf.Testing_App(nil), base.Settings{}.WithDefaults())
	if err != nil {
		t.Fatal(err)
	}
	var d doc
	if err := json.Unmarshal([]byte(*cdktf.Testing_Synth(st.Stack, nil)), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func first(m map[string]map[string]any) map[string]any {
	for _, v := range m {
		return v
	}
	return nil
}

func TestFrontDoorWiring(t *testing.T) {
	d := synth(t, false)
	r := d.Resource
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

func TestPaymentsCanary(t *testing.T) {
	lattice := synth(t, false).Resource
	for name, l := range lattice["aws_vpclattice_listener"] {
		if !strings.Contains(name, "payments") {
			continue
		}
		fwd := one(one(l["default_action"])["forward"])["target_groups"].([]any)
		sum := 0.0
		for _, g := range fwd {
			sum += g.(map[string]any)["weight"].(float64)
		}
		if len(fwd) != 2 || sum != 100 {
			t.Errorf("payments canary targets = %v", fwd)
		}
	}
	if len(lattice["aws_appmesh_mesh"]) != 0 {
		t.Error("Lattice variant renders App Mesh")
	}

	appmesh := synth(t, true).Resource
	if first(appmesh["aws_appmesh_mesh"]) == nil || len(appmesh["aws_vpclattice_service"]) != 0 {
		t.Fatal("App Mesh variant renders the wrong engine")
	}
	for name, rt := range appmesh["aws_appmesh_route"] {
		if !strings.HasSuffix(name, "route-canary") && !strings.Contains(name, "route-canary_") {
			continue
		}
		b, _ := json.Marshal(rt)
		if !strings.Contains(string(b), `"weight":90`) || !strings.Contains(string(b), `"weight":10`) {
			t.Errorf("App Mesh canary = %s", b)
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
		add("aws_appmesh_mesh", "name")
		add("aws_apigatewayv2_api", "name")
		return out
	}
	lattice, appmesh := names(synth(t, false).Resource), names(synth(t, true).Resource)
	if len(lattice) < 15 {
		t.Fatalf("only %d names found: %v", len(lattice), lattice)
	}
	for n := range lattice {
		if appmesh[n] {
			t.Errorf("both variants create %s", n)
		}
	}
	if !lattice["aws_eks_cluster hybridmicroservices"] || !appmesh["aws_eks_cluster hybridmicroservices-appmesh"] {
		t.Errorf("cluster names: %v / %v", lattice, appmesh)
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
	for _, appMesh := range []bool{false, true} {
		r := synth(t, appMesh).Resource
		want := "hybridmicroservices.orders"
		if appMesh {
			want = "hybridmicroservices-appmesh.orders"
		}
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
// stack's document by name.
func synthAll(t *testing.T, appMesh bool) map[string]doc {
	t.Helper()
	dir := t.TempDir()
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(dir)})
	build, name := hybridmicroservices.New, hybridmicroservices.Name
	if appMesh {
		build, name = hybridmicroservices.NewAppMesh, hybridmicroservices.AppMeshName
	}
	if _, err := build(app, base.Settings{}.WithDefaults()); err != nil {
		t.Fatal(err)
	}
	app.Synth()
	out := map[string]doc{}
	for _, stack := range hybridmicroservices.StackNames(name) {
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
	return out
}

// Every ip target group of the AWS stack (the NLB's for orders, and on
// Lattice each mesh version's ALB) gets pods from a TargetGroupBinding in
// the workloads stack, which reads its ARN from the AWS stack's state.
func TestEveryPodTargetGroupIsBound(t *testing.T) {
	for _, appMesh := range []bool{false, true} {
		name := map[bool]string{false: hybridmicroservices.Name, true: hybridmicroservices.AppMeshName}[appMesh]
		docs := synthAll(t, appMesh)
		bound := map[string]string{}
		for id, m := range docs[name+hybridmicroservices.WorkloadsSuffix].Resource["kubernetes_manifest"] {
			spec := m["manifest"].(map[string]any)["spec"].(map[string]any)
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
		if wantTGs := map[bool]int{false: 4, true: 1}[appMesh]; want != wantTGs || len(bound) != wantTGs {
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
