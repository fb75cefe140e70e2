package frontdoor_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/hybridstack/hybridstack/constructs/frontdoor"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/lambdacode"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/serverless"
)

const listener = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/net/orders/50dc6c495c0c9188/f2f7dc8efc522ab2"

func handler(t *testing.T, stack constructs.Construct, id string, timeout int) *serverless.Handler {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bootstrap"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	h, err := serverless.NewHandler(stack, id, serverless.HandlerProps{Code: lambdacode.FromDirectory(dir), Runtime: "provided.al2023", TimeoutSeconds: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func jwt() frontdoor.Authorizer {
	return frontdoor.Authorizer{JWT: &frontdoor.JWTAuthorizer{Issuer: "https://auth.example.com/", Audience: []string{"orders-api"}}}
}

func TestRoutesToLambdaAndEKS(t *testing.T) {
	stack := tftest.NewStack(t)
	vpc, err := network.NewVPC(stack, "net", network.VPCProps{AZCount: 2})
	if err != nil {
		t.Fatal(err)
	}
	fd, err := frontdoor.NewFrontDoor(stack, "api", frontdoor.FrontDoorProps{VPC: vpc, DefaultAuthorizer: jwt(),
		CORS: &frontdoor.CORS{AllowOrigins: []string{"https://shop.example.com"}, AllowCredentials: true}})
	if err != nil {
		t.Fatal(err)
	}
	webhooks := handler(t, stack, "webhooks", 10)
	for _, route := range []string{"POST /webhooks/{proxy+}", "GET /webhooks/status", "ANY /webhooks"} {
		if err := fd.RouteToLambda(route, webhooks, frontdoor.RouteOptions{Scopes: []string{"webhooks:write"}}); err != nil {
			t.Fatal(err)
		}
	}
	target := frontdoor.ServiceTarget{ListenerARN: listener, Port: 80, LoadBalancer: network.NewConnections(stack, "orders-lb", "sg-0123456789abcdef0")}
	if err := fd.RouteToService("ANY /orders/{proxy+}", target, frontdoor.RouteOptions{ThrottleBurst: 50, ThrottleRate: 25}); err != nil {
		t.Fatal(err)
	}
	if err := fd.RouteToService("GET /health", target, frontdoor.RouteOptions{Public: true}); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)

	// One permission per function and API, scoped to the execution ARN.
	perms := doc.Resources("aws_lambda_permission")
	if len(perms) != 1 {
		t.Fatalf("%d Lambda permissions for 3 routes, want 1", len(perms))
	}
	for _, p := range perms {
		if p["principal"] != "apigateway.amazonaws.com" || !strings.HasSuffix(p["source_arn"].(string), ".execution_arn}/*/*") {
			t.Errorf("permission = %v", p)
		}
	}
	if n := len(doc.Resources("aws_apigatewayv2_integration")); n != 2 {
		t.Errorf("%d integrations, want one per target", n)
	}
	li := doc.One(t, "aws_apigatewayv2_integration", "lambda-webhooks")
	if li["payload_format_version"] != "2.0" || li["timeout_milliseconds"] != float64(10000) {
		t.Errorf("lambda integration = %v", li)
	}
	si := doc.One(t, "aws_apigatewayv2_integration", "service-0")
	if si["payload_format_version"] != "1.0" || si["connection_type"] != "VPC_LINK" || si["integration_uri"] != listener {
		t.Errorf("service integration = %v", si)
	}
	// Every route is authorized unless marked public.
	if len(doc.Resources("aws_apigatewayv2_route")) == 0 {
		t.Fatal("no routes")
	}
	for name, r := range doc.Resources("aws_apigatewayv2_route") {
		public := r["route_key"] == "GET /health"
		if public != (r["authorization_type"] == "NONE") {
			t.Errorf("route %s (%v) authorization %v", name, r["route_key"], r["authorization_type"])
		}
		if !public && (r["authorization_type"] != "JWT" || r["authorizer_id"] == nil) {
			t.Errorf("route %s is not JWT-authorized: %v", name, r)
		}
	}
	// The VPC link's group may only reach the load balancer's group on the
	// listener port, and the load balancer admits the link.
	egress := doc.One(t, "aws_vpc_security_group_egress_rule", "vpc-link-to-orders-lb-80")
	if egress["referenced_security_group_id"] != "sg-0123456789abcdef0" || egress["cidr_ipv4"] != nil || egress["from_port"] != float64(80) {
		t.Errorf("vpc link egress = %v", egress)
	}
	if n := len(doc.Resources("aws_vpc_security_group_egress_rule")); n != 1 {
		t.Errorf("%d egress rules, want the one to the load balancer", n)
	}
	ingress := doc.One(t, "aws_vpc_security_group_ingress_rule", "orders-lb-from-vpc-link-80")
	if ingress["security_group_id"] != "sg-0123456789abcdef0" || !strings.Contains(ingress["referenced_security_group_id"].(string), "vpc-link-security-group") {
		t.Errorf("load balancer ingress = %v", ingress)
	}
	link := doc.One(t, "aws_apigatewayv2_vpc_link", "vpc-link")
	for _, s := range tftest.Strings(link["subnet_ids"]) {
		if !strings.Contains(s, "private-subnet") {
			t.Errorf("VPC link in non-private subnet %s", s)
		}
	}
	stage := doc.One(t, "aws_apigatewayv2_stage", "stage")
	als := tftest.Block(stage, "access_log_settings")
	drs := tftest.Block(stage, "default_route_settings")
	if stage["name"] != "$default" || stage["auto_deploy"] != true || !strings.Contains(als["format"].(string), `"requestId":"$context.requestId"`) ||
		drs["detailed_metrics_enabled"] != true || drs["throttling_burst_limit"] != float64(200) {
		t.Errorf("stage = %v", stage)
	}
	rs := tftest.Block(stage, "route_settings")
	if rs["route_key"] != "ANY /orders/{proxy+}" || rs["throttling_burst_limit"] != float64(50) || rs["throttling_rate_limit"] != float64(25) {
		t.Errorf("route settings = %v", rs)
	}
	// CreateStage fails ("Unable to find Route by key") if a route it has
	// settings for does not exist yet: the stage waits for that route.
	var routeAddr string
	for name, route := range doc.Resources("aws_apigatewayv2_route") {
		if route["route_key"] == "ANY /orders/{proxy+}" {
			routeAddr = "aws_apigatewayv2_route." + name
		}
	}
	if deps := tftest.Strings(stage["depends_on"]); routeAddr == "" || len(deps) != 1 || deps[0] != routeAddr {
		t.Errorf("stage depends_on = %v, want [%s]", deps, routeAddr)
	}
	if lg := doc.One(t, "aws_cloudwatch_log_group", "access-logs"); lg["retention_in_days"] != float64(90) {
		t.Errorf("access log group = %v", lg)
	}
	cors := tftest.Block(doc.One(t, "aws_apigatewayv2_api", "api"), "cors_configuration")
	if cors["allow_credentials"] != true || strings.Join(tftest.Strings(cors["allow_origins"]), ",") != "https://shop.example.com" {
		t.Errorf("cors = %v", cors)
	}
}

func TestValidation(t *testing.T) {
	stack := tftest.NewStack(t)
	if _, err := frontdoor.NewFrontDoor(stack, "waf", frontdoor.FrontDoorProps{WAFWebACLARN: "arn:aws:wafv2:eu-west-1:1:regional/webacl/x/y"}); err == nil ||
		!strings.Contains(err.Error(), `frontdoor "test/waf": WAFWebACLARN cannot be used: AWS WAF does not attach to HTTP APIs; put a CloudFront distribution with the web ACL in front of the API, or use a REST API`) {
		t.Errorf("WAF error = %v", err)
	}
	if _, err := frontdoor.NewFrontDoor(stack, "cors", frontdoor.FrontDoorProps{CORS: &frontdoor.CORS{AllowOrigins: []string{"*", "ftp://x"}, AllowCredentials: true, MaxAgeSeconds: 90000}}); err == nil ||
		!strings.Contains(err.Error(), `CORS.AllowCredentials is true with origin "*"`) || !strings.Contains(err.Error(), `CORS.AllowOrigins[1] "ftp://x" is not an origin`) ||
		!strings.Contains(err.Error(), `CORS.MaxAgeSeconds 90000 is out of range`) {
		t.Errorf("CORS error = %v", err)
	}
	if _, err := frontdoor.NewFrontDoor(stack, "auth", frontdoor.FrontDoorProps{DefaultAuthorizer: frontdoor.Authorizer{IAM: true, JWT: &frontdoor.JWTAuthorizer{Issuer: "http://x"}}}); err == nil ||
		!strings.Contains(err.Error(), `DefaultAuthorizer sets 2 kinds`) || !strings.Contains(err.Error(), `DefaultAuthorizer.JWT.Issuer "http://x" must be an https:// URL`) ||
		!strings.Contains(err.Error(), `DefaultAuthorizer.JWT.Audience is empty`) {
		t.Errorf("authorizer error = %v", err)
	}

	fd, err := frontdoor.NewFrontDoor(stack, "api", frontdoor.FrontDoorProps{DefaultAuthorizer: jwt()})
	if err != nil {
		t.Fatal(err)
	}
	h := handler(t, stack, "fn", 5)
	if err := fd.RouteToLambda("GET /a", h, frontdoor.RouteOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		key  string
		opts frontdoor.RouteOptions
		want string
	}{
		{"GET /a", frontdoor.RouteOptions{}, `Route(GET /a) is already routed`},
		{"FETCH /a", frontdoor.RouteOptions{}, `"FETCH /a" is not "$default" or "METHOD /path"`},
		{"GET a", frontdoor.RouteOptions{}, `"GET a": the path must start with /`},
		{"GET /a/", frontdoor.RouteOptions{}, `"GET /a/": the path must not end with /`},
		{"GET /{proxy+}/x", frontdoor.RouteOptions{}, `{proxy+} may only be the last segment`},
		{"GET /b", frontdoor.RouteOptions{Scopes: make([]string, 11)}, `Route(GET /b).Scopes has 11 scopes; a route takes 10`},
		{"GET /c", frontdoor.RouteOptions{TimeoutMS: 31000}, `Route(GET /c).TimeoutMS 31000 is out of range; use 50 to 30000`},
		{"GET /d", frontdoor.RouteOptions{TimeoutMS: 6000}, `Route(GET /d).TimeoutMS 6000 is longer than the function's timeout (5000 ms)`},
		{"GET /e", frontdoor.RouteOptions{Public: true, Scopes: []string{"x"}}, `Route(GET /e).Scopes are set on a public route`},
	} {
		if err := fd.RouteToLambda(tc.key, h, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v does not contain %q", tc.key, err, tc.want)
		}
	}
	if err := fd.RouteToService("ANY /x", frontdoor.ServiceTarget{ListenerARN: listener, Port: 80}, frontdoor.RouteOptions{}); err == nil || !strings.Contains(err.Error(), "needs a VPC link but FrontDoorProps.VPC is nil") {
		t.Errorf("no-VPC error = %v", err)
	}
	open, err := frontdoor.NewFrontDoor(stack, "open", frontdoor.FrontDoorProps{})
	if err != nil {
		t.Fatal(err)
	}
	if err := open.RouteToLambda("GET /x", h, frontdoor.RouteOptions{}); err == nil || !strings.Contains(err.Error(), "has no authorizer: set DefaultAuthorizer, or mark the route Public") {
		t.Errorf("unauthorized route error = %v", err)
	}
	for _, k := range []string{"$default", "GET /", "GET /orders/{id}", "ANY /{proxy+}"} {
		if err := frontdoor.ValidateRouteKey(k); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
}

func TestLambdaAuthorizerAndDomain(t *testing.T) {
	stack := tftest.NewStack(t)
	auth := handler(t, stack, "authz", 3)
	fd, err := frontdoor.NewFrontDoor(stack, "api", frontdoor.FrontDoorProps{
		DefaultAuthorizer: frontdoor.Authorizer{Lambda: &frontdoor.LambdaAuthorizer{Handler: auth}},
		Domain:            &frontdoor.Domain{Name: "api.example.com", HostedZoneID: "Z0123456789ABCDEFGHIJ"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := fd.RouteToLambda("GET /me", handler(t, stack, "me", 10), frontdoor.RouteOptions{}); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	a := doc.One(t, "aws_apigatewayv2_authorizer", "authorizer")
	if a["authorizer_type"] != "REQUEST" || a["enable_simple_responses"] != true || a["authorizer_result_ttl_in_seconds"] != float64(300) {
		t.Errorf("authorizer = %v", a)
	}
	p := doc.One(t, "aws_lambda_permission", "authorizer-permission")
	if !strings.Contains(p["source_arn"].(string), "/authorizers/${aws_apigatewayv2_authorizer.") {
		t.Errorf("authorizer permission = %v", p)
	}
	if r := doc.One(t, "aws_apigatewayv2_route", "get-me"); r["authorization_type"] != "CUSTOM" {
		t.Errorf("route = %v", r)
	}
	if doc.One(t, "aws_apigatewayv2_api", "api")["disable_execute_api_endpoint"] != true {
		t.Error("execute-api endpoint stays enabled with a custom domain")
	}
	dn := tftest.Block(doc.One(t, "aws_apigatewayv2_domain_name", "domain"), "domain_name_configuration")
	if dn["security_policy"] != "TLS_1_2" || !strings.Contains(dn["certificate_arn"].(string), "aws_acm_certificate_validation.") {
		t.Errorf("domain = %v", dn)
	}
	if c := doc.One(t, "aws_acm_certificate", "certificate"); c["validation_method"] != "DNS" {
		t.Errorf("certificate = %v", c)
	}
	v := doc.One(t, "aws_route53_record", "certificate-validation-record")
	if !strings.Contains(v["name"].(string), "tolist(aws_acm_certificate.") {
		t.Errorf("validation record = %v", v)
	}
	alias := tftest.Block(doc.One(t, "aws_route53_record", "api_alias"), "alias")
	if !strings.Contains(alias["name"].(string), "target_domain_name") {
		t.Errorf("alias = %v", alias)
	}
	doc.One(t, "aws_apigatewayv2_api_mapping", "mapping")
}

// Construct ids derived from route keys, functions and targets are
// injective: values that read alike get distinct ids instead of a panic
// on a duplicate construct id.
func TestDerivedIDsNeverCollide(t *testing.T) {
	stack := tftest.NewStack(t)
	vpc, err := network.NewVPC(stack, "net", network.VPCProps{AZCount: 2})
	if err != nil {
		t.Fatal(err)
	}
	fd, err := frontdoor.NewFrontDoor(stack, "api", frontdoor.FrontDoorProps{VPC: vpc, DefaultAuthorizer: jwt()})
	if err != nil {
		t.Fatal(err)
	}
	h := handler(t, stack, "orders-fn", 10)
	// Two handlers with the same construct id in different scopes.
	other := handler(t, constructs.NewConstruct(stack, jsii.String("team-b")), "orders-fn", 10)
	for _, rt := range []struct {
		key string
		h   *serverless.Handler
	}{{"GET /orders/{id}", h}, {"GET /orders/id", h}, {"GET /b/orders", other}} {
		if err := fd.RouteToLambda(rt.key, rt.h, frontdoor.RouteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	target := frontdoor.ServiceTarget{Name: "orders", ListenerARN: listener, Port: 80}
	if err := fd.RouteToService("GET /svc/fast", target, frontdoor.RouteOptions{TimeoutMS: 1000}); err != nil {
		t.Fatal(err)
	}
	if err := fd.RouteToService("GET /svc/slow", target, frontdoor.RouteOptions{TimeoutMS: 20000}); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	if n := len(doc.Resources("aws_apigatewayv2_route")); n != 5 {
		t.Errorf("%d routes, want 5", n)
	}
	if n := len(doc.Resources("aws_lambda_permission")); n != 2 {
		t.Errorf("%d permissions, want one per function", n)
	}
	timeouts := map[float64]bool{}
	for _, i := range doc.Resources("aws_apigatewayv2_integration") {
		if i["connection_type"] == "VPC_LINK" {
			timeouts[i["timeout_milliseconds"].(float64)] = true
		}
	}
	if !timeouts[1000] || !timeouts[20000] {
		t.Errorf("service integrations by timeout: %v", timeouts)
	}
	// The first of two look-alike keys keeps its readable address.
	doc.One(t, "aws_apigatewayv2_route", "route-get-orders-id_")
	// A load balancer without a security group: the link may reach the
	// listener port anywhere in the VPC, once for both routes.
	egress := doc.Resources("aws_vpc_security_group_egress_rule")
	if len(egress) != 1 || doc.One(t, "aws_vpc_security_group_egress_rule", "vpc-link-egress-80")["cidr_ipv4"] != "10.0.0.0/16" {
		t.Errorf("VPC link egress without a load balancer group = %v", egress)
	}
}
