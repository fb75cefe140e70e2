package mesh_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/mesh"
	"github.com/hybridstack/hybridstack/constructs/network"
)

type env struct {
	stack   cdktf.TerraformStack
	vpc     *network.VPC
	cluster *eks.Cluster
}

func newEnv(t *testing.T, withCluster bool) env {
	t.Helper()
	stack := tftest.NewStack(t)
	vpc, err := network.NewVPC(stack, "net", network.VPCProps{AZCount: 2})
	if err != nil {
		t.Fatal(err)
	}
	e := env{stack: stack, vpc: vpc}
	if withCluster {
		c, err := eks.NewCluster(stack, "cluster", eks.ClusterProps{VPC: vpc, NodeGroups: []eks.NodeGroupProps{{Name: "g", MaxSize: 2}}})
		if err != nil {
			t.Fatal(err)
		}
		e.cluster = c
	}
	return e
}

// canary is the payments intent of the hybrid stack: 90/10 between v1 and
// v2, with a header that pins testers to v2.
func canary(n *mesh.Network) mesh.VirtualServiceProps {
	return mesh.VirtualServiceProps{
		Network:   n,
		Name:      "payments",
		Namespace: "payments",
		Versions:  []mesh.Version{{Name: "v1", Service: "payments-v1"}, {Name: "v2", Service: "payments-v2"}},
		Routes: []mesh.Route{
			{Name: "testers", Headers: []mesh.HeaderMatch{{Name: "x-canary", Exact: "always"}}, Targets: []mesh.Target{{Version: "v2", Weight: 100}}},
			{Name: "canary", Targets: []mesh.Target{{Version: "v1", Weight: 90}, {Version: "v2", Weight: 10}}},
		},
	}
}

// appMeshNet returns an App Mesh network in a fresh stack.
func appMeshNet(t *testing.T) *mesh.Network {
	e := newEnv(t, true)
	n, err := mesh.NewNetwork(e.stack, "mesh", mesh.NetworkProps{Name: "shop", Engine: mesh.AppMesh, Cluster: e.cluster})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestLatticeCanary(t *testing.T) {
	e := newEnv(t, false)
	n, err := mesh.NewNetwork(e.stack, "mesh", mesh.NetworkProps{Name: "shop", VPC: e.vpc})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mesh.NewVirtualService(e.stack, "payments", canary(n)); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, e.stack)
	if sn := doc.One(t, "aws_vpclattice_service_network", "mesh"); sn["auth_type"] != "AWS_IAM" {
		t.Errorf("service network = %v", sn)
	}
	doc.One(t, "aws_vpclattice_service_network_vpc_association", "mesh")
	// One subscription on the network logs every service's requests once.
	doc.One(t, "aws_vpclattice_access_log_subscription", "mesh")
	if n := len(doc.Resources("aws_vpclattice_access_log_subscription")); n != 1 {
		t.Errorf("%d access log subscriptions, want the network's only", n)
	}
	// Lattice names are unique per account: the network's name scopes them.
	if svc := doc.One(t, "aws_vpclattice_service", "payments"); svc["auth_type"] != "AWS_IAM" || svc["name"] != "shop-payments" {
		t.Errorf("service = %v", svc)
	}
	if n := len(doc.Resources("aws_vpclattice_target_group")); n != 2 {
		t.Fatalf("%d target groups, want one per version", n)
	}
	tg := doc.One(t, "aws_vpclattice_target_group", "target-group-v2")
	hc := tftest.Block(tftest.Block(tg, "config"), "health_check")
	if tg["type"] != "IP" || hc["path"] != "/healthz" || hc["health_check_interval_seconds"] != float64(10) {
		t.Errorf("target group = %v", tg)
	}
	// The catch-all canary is the default action: weights as asked.
	def := tftest.Block(tftest.Block(doc.One(t, "aws_vpclattice_listener", "payments"), "default_action"), "forward")
	weights := map[string]float64{}
	for _, g := range def["target_groups"].([]any) {
		m := g.(map[string]any)
		weights[m["target_group_identifier"].(string)] = m["weight"].(float64)
	}
	v1, v2 := "${"+doc.Address(t, "aws_vpclattice_target_group", "target-group-v1")+".id}", "${"+doc.Address(t, "aws_vpclattice_target_group", "target-group-v2")+".id}"
	if weights[v1] != 90 || weights[v2] != 10 || len(weights) != 2 {
		t.Errorf("default weights = %v", weights)
	}
	rule := doc.One(t, "aws_vpclattice_listener_rule", "rule-testers")
	hm := tftest.Block(tftest.Block(tftest.Block(rule, "match"), "http_match"), "header_matches")
	if rule["priority"] != float64(1) || hm["name"] != "x-canary" {
		t.Errorf("rule = %v", rule)
	}
	policy := doc.One(t, "aws_vpclattice_auth_policy", "payments")["policy"].(string)
	if !strings.Contains(policy, "vpc-lattice-svcs:Invoke") || !strings.Contains(policy, ":root") {
		t.Errorf("auth policy = %s", policy)
	}
	if len(doc.Resources("aws_appmesh_mesh")) != 0 || len(tftest.Warnings(e.stack)) != 0 {
		t.Error("Lattice rendering touched App Mesh or warned")
	}
}

func TestAppMeshCanary(t *testing.T) {
	e := newEnv(t, true)
	n, err := mesh.NewNetwork(e.stack, "mesh", mesh.NetworkProps{Name: "shop", Engine: mesh.AppMesh, Cluster: e.cluster})
	if err != nil {
		t.Fatal(err)
	}
	orders, err := mesh.NewVirtualService(e.stack, "orders", mesh.VirtualServiceProps{
		Network: n, Namespace: "orders", Versions: []mesh.Version{{Name: "v1", Service: "orders"}, {Name: "v0", CloudMap: &mesh.CloudMap{Namespace: "legacy.local", Service: "orders"}}},
		TLS: &mesh.TLS{CertificateARN: "arn:aws:acm:eu-west-1:123456789012:certificate/o", CertificateAuthorityARN: "arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/ca"},
	})
	if err != nil {
		t.Fatal(err)
	}
	p := canary(n)
	p.PlaintextReason = "test: payments answers health probes only"
	p.Backends = []*mesh.VirtualService{orders}
	p.Routes[1].Retry = &mesh.Retry{MaxRetries: 2}
	p.Routes[1].TimeoutMS = 3000
	p.OutlierDetection = &mesh.OutlierDetection{MaxServerErrors: 5, IntervalSeconds: 10, BaseEjectionSeconds: 30, MaxEjectionPercent: 50}
	p.Gateway = &mesh.Gateway{}
	if _, err := mesh.NewVirtualService(e.stack, "payments", p); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, e.stack)
	m := doc.One(t, "aws_appmesh_mesh", "mesh")
	if tftest.Block(tftest.Block(m, "spec"), "egress_filter")["type"] != "DROP_ALL" {
		t.Errorf("mesh egress = %v", m["spec"])
	}
	route := tftest.Block(tftest.Block(doc.One(t, "aws_appmesh_route", "payments_route-canary"), "spec"), "http_route")
	var sum float64
	for _, wt := range tftest.Block(route, "action")["weighted_target"].([]any) {
		sum += wt.(map[string]any)["weight"].(float64)
	}
	if sum != 100 {
		t.Errorf("canary weights sum to %v", sum)
	}
	if tftest.Block(route, "retry_policy")["max_retries"] != float64(2) || tftest.Block(tftest.Block(route, "timeout"), "per_request")["value"] != float64(3000) {
		t.Errorf("route = %v", route)
	}
	node := tftest.Block(doc.One(t, "aws_appmesh_virtual_node", "payments_node-v2"), "spec")
	be := tftest.Block(tftest.Block(node, "backend"), "virtual_service")
	tls := tftest.Block(tftest.Block(be, "client_policy"), "tls")
	if be["virtual_service_name"] != "orders.orders.svc.cluster.local" || tls["enforce"] != true {
		t.Errorf("backend = %v", be)
	}
	if d := tftest.Block(tftest.Block(node, "service_discovery"), "dns"); d["hostname"] != "payments-v2.payments.svc.cluster.local" {
		t.Errorf("discovery = %v", d)
	}
	if l := tftest.Block(tftest.Block(doc.One(t, "aws_appmesh_virtual_node", "orders_node-v1"), "spec"), "listener"); tftest.Block(l, "tls")["mode"] != "STRICT" {
		t.Errorf("orders listener TLS = %v", l["tls"])
	}
	cm := tftest.Block(tftest.Block(tftest.Block(doc.One(t, "aws_appmesh_virtual_node", "orders_node-v0"), "spec"), "service_discovery"), "aws_cloud_map")
	if cm["namespace_name"] != "legacy.local" || cm["service_name"] != "orders" {
		t.Errorf("cloud map discovery = %v", cm)
	}
	doc.One(t, "aws_appmesh_virtual_gateway", "payments")
	doc.One(t, "aws_appmesh_gateway_route", "payments")
	envoy := doc.One(t, "aws_iam_role_policy", "payments_envoy-role")["policy"].(string)
	if !strings.Contains(envoy, "appmesh:StreamAggregatedResources") || !strings.Contains(envoy, "aws_appmesh_virtual_node.") || !strings.Contains(envoy, "acm-pca:GetCertificateAuthorityCertificate") {
		t.Errorf("envoy policy = %s", envoy)
	}
	w := tftest.Warnings(e.stack)
	if len(w) != 1 || !strings.Contains(w[0], "AWS App Mesh reached end of support on 2026-09-30") {
		t.Errorf("warnings = %v, want one end-of-support warning", w)
	}
}

func TestValidation(t *testing.T) {
	e := newEnv(t, false)
	lattice, err := mesh.NewNetwork(e.stack, "lattice", mesh.NetworkProps{Name: "shop", VPC: e.vpc})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mesh.NewNetwork(e.stack, "bad", mesh.NetworkProps{Name: "Bad_Name", Engine: mesh.AppMesh}); err == nil ||
		!strings.Contains(err.Error(), `mesh "test/bad": Name "Bad_Name" must be 3-40 lowercase letters`) ||
		!strings.Contains(err.Error(), `Cluster is nil; App Mesh needs the EKS cluster`) {
		t.Errorf("network error = %v", err)
	}
	tests := []struct {
		name string
		mod  func(*mesh.VirtualServiceProps)
		want string
	}{
		{"weights must sum to 100", func(p *mesh.VirtualServiceProps) { p.Routes[1].Targets[1].Weight = 20 },
			`Routes[1].Targets weights sum to 110; they are percentages and must sum to 100`},
		{"weight range", func(p *mesh.VirtualServiceProps) { p.Routes[0].Targets[0].Weight = 101 },
			`Routes[0].Targets[0].Weight 101 is out of range; use 0 to 100 (percent)`},
		{"unknown version", func(p *mesh.VirtualServiceProps) { p.Routes[0].Targets[0].Version = "v3" },
			`Routes[0].Targets[0].Version "v3" is not one of the Versions`},
		{"too many targets", func(p *mesh.VirtualServiceProps) {
			for i := 0; i < 10; i++ {
				p.Routes[0].Targets = append(p.Routes[0].Targets, mesh.Target{Version: "v1"})
			}
		}, `Routes[0].Targets has 11 targets; give 1 to 10`},
		{"version needs one workload", func(p *mesh.VirtualServiceProps) { p.Versions[0].Hostname = "x.example.com" },
			`Versions[0] sets 2 of Service, Hostname and CloudMap; set exactly one`},
		{"cloud map needs names", func(p *mesh.VirtualServiceProps) {
			p.Versions[1] = mesh.Version{Name: "v2", CloudMap: &mesh.CloudMap{Service: "x"}}
		},
			`Versions[1].CloudMap needs Namespace and Service`},
		{"path prefix", func(p *mesh.VirtualServiceProps) { p.Routes[0].PathPrefix = "api" },
			`Routes[0].PathPrefix "api" must start with /`},
		{"health check ranges", func(p *mesh.VirtualServiceProps) {
			p.HealthCheck = &mesh.HealthCheck{IntervalSeconds: 1, TimeoutSeconds: 90, HealthyThreshold: 11, UnhealthyThreshold: 1}
		}, `HealthCheck.IntervalSeconds 1 is out of range; use 5 to 300`},
		{"lattice retries", func(p *mesh.VirtualServiceProps) { p.Routes[1].Retry = &mesh.Retry{MaxRetries: 2} },
			`Routes[1].Retry is not supported by lattice: VPC Lattice has no retry policy; make the client retry (with backoff) instead; remove it, or set WarnOnUnsupported`},
		{"lattice outlier detection", func(p *mesh.VirtualServiceProps) { p.OutlierDetection = &mesh.OutlierDetection{MaxServerErrors: 1} },
			`OutlierDetection is not supported by lattice`},
		{"lattice timeouts", func(p *mesh.VirtualServiceProps) { p.Routes[1].TimeoutMS = 100 },
			`Routes[1].TimeoutMS is not supported by lattice`},
		{"lattice gateway", func(p *mesh.VirtualServiceProps) { p.Gateway = &mesh.Gateway{} },
			`Gateway is not supported by lattice: VPC Lattice has no virtual gateway`},
		{"lattice tls needs a domain", func(p *mesh.VirtualServiceProps) {
			p.TLS = &mesh.TLS{CertificateARN: "arn:aws:acm:eu-west-1:1:certificate/x"}
		},
			`TLS.DomainName is empty`},
		{"name", func(p *mesh.VirtualServiceProps) { p.Name = "pa" }, `Name "pa" must be 3-40 lowercase letters`},
		{"principals", func(p *mesh.VirtualServiceProps) { p.AllowedPrincipals = []string{"everyone"} },
			`AllowedPrincipals[0] "everyone" is not an IAM role, user or account root ARN`},
		{"duplicate route", func(p *mesh.VirtualServiceProps) { p.Routes[1].Name = "testers" },
			`Routes[1].Name "testers" is used by another route`},
		{"outlier detection ranges", func(p *mesh.VirtualServiceProps) {
			p.Network, p.PlaintextReason = appMeshNet(t), "test"
			p.OutlierDetection = &mesh.OutlierDetection{MaxServerErrors: 5, IntervalSeconds: 10, BaseEjectionSeconds: 0, MaxEjectionPercent: 120}
		}, `OutlierDetection.BaseEjectionSeconds 0 must be at least 1`},
		{"outlier detection percent", func(p *mesh.VirtualServiceProps) {
			p.Network, p.PlaintextReason = appMeshNet(t), "test"
			p.OutlierDetection = &mesh.OutlierDetection{MaxServerErrors: 5, IntervalSeconds: 10, BaseEjectionSeconds: 30, MaxEjectionPercent: 120}
		}, `OutlierDetection.MaxEjectionPercent 120 is out of range; use 0 to 100 (percent)`},
		{"app mesh plaintext needs a reason", func(p *mesh.VirtualServiceProps) { p.Network = appMeshNet(t) },
			`TLS is nil on App Mesh: traffic to the service would not be encrypted; set TLS (ACM certificate and Private CA), or PlaintextReason`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := canary(lattice)
			tt.mod(&p)
			_, err := mesh.NewVirtualService(e.stack, "svc", p)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error\n%v\ndoes not contain\n%s", err, tt.want)
			}
		})
	}
	// Warned instead of refused when asked, never dropped silently.
	p := canary(lattice)
	p.Routes[1].Retry = &mesh.Retry{MaxRetries: 2}
	p.WarnOnUnsupported = true
	if _, err := mesh.NewVirtualService(e.stack, "lenient", p); err != nil {
		t.Fatal(err)
	}
	w := tftest.Warnings(e.stack)
	if len(w) != 1 || !strings.Contains(w[0], `route "canary": retries are not rendered: VPC Lattice has no retry policy`) {
		t.Errorf("warnings = %v", w)
	}
}

// An IAM-auth service network without its own auth policy denies every
// request; services that call others get a caller role that may invoke
// exactly those, and the backends' policies name it; Lattice reaches the
// pods through the cluster security group.
func TestLatticeAuthAndCallers(t *testing.T) {
	e := newEnv(t, true)
	n, err := mesh.NewNetwork(e.stack, "mesh", mesh.NetworkProps{Name: "shop", VPC: e.vpc, Cluster: e.cluster})
	if err != nil {
		t.Fatal(err)
	}
	payments, err := mesh.NewVirtualService(e.stack, "payments", canary(n))
	if err != nil {
		t.Fatal(err)
	}
	orders, err := mesh.NewVirtualService(e.stack, "orders", mesh.VirtualServiceProps{
		Network: n, Namespace: "orders", Versions: []mesh.Version{{Name: "v1", Service: "orders"}}, Backends: []*mesh.VirtualService{payments},
	})
	if err != nil {
		t.Fatal(err)
	}
	if payments.CallerRole() != nil || orders.CallerRole() == nil {
		t.Fatalf("caller roles: payments %v, orders %v", payments.CallerRole(), orders.CallerRole())
	}
	doc := tftest.Synth(t, e.stack)
	netPolicy := doc.One(t, "aws_vpclattice_auth_policy", "mesh_auth-policy")
	if netPolicy["resource_identifier"] != "${"+doc.Address(t, "aws_vpclattice_service_network", "mesh")+".arn}" ||
		!strings.Contains(netPolicy["policy"].(string), "vpc-lattice-svcs:Invoke") {
		t.Errorf("network auth policy = %v", netPolicy)
	}
	role := doc.Address(t, "aws_iam_role", "orders_caller-role")
	trust := doc.One(t, "aws_iam_role", "orders_caller-role")["assume_role_policy"].(string)
	if !strings.Contains(trust, "system:serviceaccount:orders:orders") || !strings.Contains(trust, ":aud") {
		t.Errorf("caller trust = %s", trust)
	}
	perms := doc.One(t, "aws_iam_role_policy", "orders_caller-role")["policy"].(string)
	if !strings.Contains(perms, `"vpc-lattice-svcs:Invoke"`) || !strings.Contains(perms, doc.Address(t, "aws_vpclattice_service", "payments")+".arn}/*") ||
		strings.Contains(perms, doc.Address(t, "aws_vpclattice_service", "orders")) {
		t.Errorf("caller policy = %s", perms)
	}
	pay := doc.One(t, "aws_vpclattice_auth_policy", "payments_auth-policy")["policy"].(string)
	if !strings.Contains(pay, role+".arn}") || strings.Contains(pay, ":root") {
		t.Errorf("payments auth policy = %s; want only the orders caller role", pay)
	}
	if ord := doc.One(t, "aws_vpclattice_auth_policy", "orders_auth-policy")["policy"].(string); !strings.Contains(ord, ":root") {
		t.Errorf("orders (no callers in the mesh) auth policy = %s; want this account's principals", ord)
	}
	in := doc.One(t, "aws_vpc_security_group_ingress_rule", "cluster-ingress-from-lattice-8080")
	if !strings.Contains(in["security_group_id"].(string), "cluster_security_group_id") || !strings.Contains(in["prefix_list_id"].(string), "data.aws_ec2_managed_prefix_list.") || in["from_port"] != float64(8080) {
		t.Errorf("cluster ingress from Lattice = %v", in)
	}
	if pl := doc.Data("aws_ec2_managed_prefix_list"); len(pl) != 1 {
		t.Errorf("prefix list lookups = %v", pl)
	}
}

// TestLatticeAllowedPrincipalTags checks that tagged callers are admitted
// by tag, from this account only, and that nothing else is admitted.
func TestLatticeAllowedPrincipalTags(t *testing.T) {
	e := newEnv(t, false)
	n, err := mesh.NewNetwork(e.stack, "mesh", mesh.NetworkProps{Name: "shop", VPC: e.vpc})
	if err != nil {
		t.Fatal(err)
	}
	props := canary(n)
	props.AllowedPrincipalTags = map[string][]string{"hybridstack-tenant": {"order-routing", "risk"}}
	if _, err := mesh.NewVirtualService(e.stack, "payments", props); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, e.stack)
	policy := tftest.Policy(t, doc.One(t, "aws_vpclattice_auth_policy", "payments_auth-policy")["policy"])
	statements := policy["Statement"].([]any)
	if len(statements) != 1 {
		t.Fatalf("auth policy statements = %v; want only the tagged one", statements)
	}
	st := statements[0].(map[string]any)
	cond := st["Condition"].(map[string]any)["StringEquals"].(map[string]any)["aws:PrincipalTag/hybridstack-tenant"]
	if fmt.Sprint(cond) != "[order-routing risk]" || !strings.HasSuffix(fmt.Sprint(st["Principal"]), ":root]") {
		t.Errorf("tagged statement = %v", st)
	}

	bad := canary(n)
	bad.Name = "other"
	bad.AllowedPrincipalTags = map[string][]string{"bad key!": nil}
	_, err = mesh.NewVirtualService(e.stack, "other", bad)
	for _, want := range []string{`AllowedPrincipalTags[bad key!] "bad key!" is not an IAM tag key`, `AllowedPrincipalTags[bad key!] lists no values`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v; want %q", err, want)
		}
	}
}

// TestLatticeGrantInvoke: a caller admitted by tag gets the identity half
// of Lattice's AWS_IAM authorization on its own role: Invoke on the
// service and its paths. App Mesh authorizes nothing through IAM.
func TestLatticeGrantInvoke(t *testing.T) {
	e := newEnv(t, true)
	n, err := mesh.NewNetwork(e.stack, "mesh", mesh.NetworkProps{Name: "shop", VPC: e.vpc})
	if err != nil {
		t.Fatal(err)
	}
	props := canary(n)
	props.AllowedPrincipalTags = map[string][]string{"hybridstack-tenant": {"order-routing"}}
	svc, err := mesh.NewVirtualService(e.stack, "payments", props)
	if err != nil {
		t.Fatal(err)
	}
	if !svc.AdmitsPrincipalTag("hybridstack-tenant", "order-routing") || svc.AdmitsPrincipalTag("hybridstack-tenant", "risk") || svc.AdmitsPrincipalTag("team", "order-routing") {
		t.Error("AdmitsPrincipalTag does not follow AllowedPrincipalTags")
	}
	caller, err := eks.NewServiceAccountRole(e.stack, "orders-role", eks.ServiceAccountRoleProps{Cluster: e.cluster, Namespace: "order-routing", ServiceAccount: "orders"})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.GrantInvoke(caller); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, e.stack)
	var found bool
	for name, p := range doc.Resources("aws_iam_role_policy") {
		if !strings.Contains(name, "orders-role") {
			continue
		}
		pol := tftest.Policy(t, p["policy"])
		st := pol["Statement"].([]any)[0].(map[string]any)
		res := tftest.Strings(st["Resource"])
		if fmt.Sprint(st["Action"]) != "[vpc-lattice-svcs:Invoke]" || len(res) != 2 || !strings.Contains(res[0], "aws_vpclattice_service.payments_service") || res[1] != res[0]+"/*" {
			t.Errorf("%s = %v", name, st)
		}
		found = p["name"] == "invoke-shop-payments"
	}
	if !found {
		t.Error("no invoke-shop-payments policy on the caller's role")
	}
	if err := svc.GrantInvoke(nil); err == nil || !strings.Contains(err.Error(), `mesh "test/payments": GrantInvoke grantee is nil`) {
		t.Errorf("nil grantee: %v", err)
	}
}
