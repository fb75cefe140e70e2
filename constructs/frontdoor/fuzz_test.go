package frontdoor_test

import (
	"math"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/frontdoor"
	"github.com/hybridstack/hybridstack/constructs/internal/fuzztest"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/network"
)

// The fuzz tests below feed primitive values into ValidateRouteKey, the
// props of NewFrontDoor, and routes (route keys, targets, options), and
// check the contract of every call: it returns a value or an error, never
// both and never neither, and never panics; an error is about props, so it
// wraps validate.ErrInvalid, every FieldError in it names the construct
// path, the field and the problem, and a failed constructor added nothing
// to the tree; a stack built without error synthesizes. `go test` runs the
// seeds; `make fuzz` (go test -fuzz) explores from them.

// fuzzFunction is a frontdoor.LambdaTarget without a real function behind
// it: routes only need its name, invoke ARN and timeout.
type fuzzFunction struct {
	constructs.Construct
	timeout int
}

func newFuzzFunction(scope constructs.Construct, id string, timeout int) *fuzzFunction {
	fn := &fuzzFunction{timeout: timeout}
	constructs.NewConstruct_Override(fn, scope, &id)
	return fn
}

func (fn *fuzzFunction) FunctionName() string { return "fn-" + *fn.Node().Id() }
func (fn *fuzzFunction) InvokeARN() string {
	return "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:fn-" + *fn.Node().Id() + "/invocations"
}
func (fn *fuzzFunction) TimeoutSeconds() int { return fn.timeout }

// fuzzVPC is an imported VPC: the VPC link needs its subnets and range.
func fuzzVPC(t *testing.T, stack cdktf.TerraformStack) *network.VPC {
	t.Helper()
	vpc, err := network.ImportVPC(stack, "net", network.ImportVPCProps{VPCID: "vpc-0123456789abcdef0", CIDR: "10.0.0.0/16", PrivateSubnetIDs: []string{"subnet-01234567", "subnet-89abcdef"}})
	if err != nil {
		t.Fatal(err)
	}
	return vpc
}

// fuzzAuthorizer returns the default authorizer by kind % 6: none, JWT,
// Cognito, Lambda, IAM, or JWT and IAM together (invalid).
func fuzzAuthorizer(stack cdktf.TerraformStack, kind uint8, a, b string, ttl int) frontdoor.Authorizer {
	switch kind % 6 {
	case 1:
		return frontdoor.Authorizer{JWT: &frontdoor.JWTAuthorizer{Issuer: a, Audience: fuzztest.List(b)}}
	case 2:
		return frontdoor.Authorizer{Cognito: &frontdoor.CognitoAuthorizer{Region: a, UserPoolID: b, ClientIDs: fuzztest.List(b)}}
	case 3:
		l := &frontdoor.LambdaAuthorizer{IdentitySources: fuzztest.List(b), ResultTTLSeconds: &ttl}
		switch {
		case a == "nil":
		case a == "typed-nil":
			l.Handler = (*fuzzFunction)(nil)
		default:
			l.Handler = newFuzzFunction(stack, "authorizer-fn", 5)
		}
		return frontdoor.Authorizer{Lambda: l}
	case 4:
		return frontdoor.Authorizer{IAM: true}
	case 5:
		return frontdoor.Authorizer{IAM: true, JWT: &frontdoor.JWTAuthorizer{Issuer: a, Audience: fuzztest.List(b)}}
	}
	return frontdoor.Authorizer{}
}

func FuzzValidateRouteKey(f *testing.F) {
	for _, k := range []string{"$default", "GET /orders/{id}", "GET /orders/id", "ANY /{proxy+}", "GET /", "GET /a/{proxy+}/b",
		"get /a", "GET", "GET  /a", "GET /a/", "GET a", "FETCH /a", "GET /{id", "GET /{}", "GET /a//b", "GET /ünïcødé", "POST /a b",
		"$default ", "", "GET /" + strings.Repeat("a/", 500) + "a"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		err := frontdoor.ValidateRouteKey(key)
		if err == nil && key != "$default" {
			method, path, ok := strings.Cut(key, " ")
			if !ok || method == "" || !strings.HasPrefix(path, "/") || (path != "/" && strings.HasSuffix(path, "/")) || strings.Contains(path, " ") {
				t.Fatalf("ValidateRouteKey accepted %q", key)
			}
		}
		if err != nil && err.Error() == "" {
			t.Fatalf("ValidateRouteKey(%q): empty error", key)
		}
	})
}

func FuzzNewFrontDoor(f *testing.F) {
	type in struct {
		id, name                string
		auth                    uint8
		authA, authB            string
		ttl                     int
		origins, methods        string
		credentials             bool
		maxAge, burst           int
		rate                    float64
		logDays                 int
		domain, zone, cert, waf string
		vpc                     bool
		tagKey, tagValue        string
	}
	add := func(i in) {
		f.Add(i.id, i.name, i.auth, i.authA, i.authB, i.ttl, i.origins, i.methods, i.credentials, i.maxAge, i.burst, i.rate, i.logDays, i.domain, i.zone, i.cert, i.waf, i.vpc, i.tagKey, i.tagValue)
	}
	add(in{id: "api"})
	add(in{id: "api", name: "orders api", auth: 1, authA: "https://auth.example.com/", authB: "orders-api", origins: "https://app.example.com", methods: "GET,POST", credentials: true, maxAge: 600,
		burst: 500, rate: 250.5, logDays: 365, domain: "api.example.com", zone: "Z123", vpc: true, tagKey: "team", tagValue: "shop"})
	add(in{id: "api", auth: 2, authA: "eu-west-1", authB: "eu-west-1_abc", domain: "api.example.com", zone: "Z123", cert: "arn:aws:acm:eu-west-1:123456789012:certificate/c"})
	add(in{id: "api", auth: 3, authB: "$request.header.Authorization", ttl: 3600})
	add(in{id: "api", auth: 3, authA: "nil", ttl: -1})
	add(in{id: "api", auth: 3, authA: "typed-nil", ttl: 3601})
	add(in{id: "api", auth: 4, waf: "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/x/y"})
	add(in{id: "api", auth: 5, authA: "http://insecure", authB: ""})
	add(in{id: "api", origins: "*", credentials: true, methods: "FETCH,*", maxAge: 86401})
	add(in{id: "api", origins: ",ftp://x,https://ünï.example"})
	add(in{id: "api", burst: -1, rate: -0.5, logDays: 2})
	add(in{id: "api", burst: math.MaxInt, rate: math.Inf(1)})
	add(in{id: "api", rate: math.NaN()})
	add(in{id: "api", domain: "API.Example.com", cert: "arn:aws:iam::1:server-certificate/x"})
	add(in{id: "api", name: strings.Repeat("n", 129)})
	add(in{id: "api", name: "ünïcødé"})
	add(in{id: "ünï/cødé"})
	add(in{id: strings.Repeat("a", 200)})
	add(in{id: "awsenv-account"})
	fuzztest.WarmUp(f)
	f.Fuzz(func(t *testing.T, id, name string, auth uint8, authA, authB string, ttl int, origins, methods string, credentials bool, maxAge, burst int, rate float64,
		logDays int, domain, zone, cert, waf string, withVPC bool, tagKey, tagValue string) {
		stack := fuzztest.Stack(t)
		props := frontdoor.FrontDoorProps{
			Name: name, DefaultAuthorizer: fuzzAuthorizer(stack, auth, authA, authB, ttl), ThrottleBurst: burst, ThrottleRate: rate,
			LogRetentionDays: logDays, WAFWebACLARN: waf,
		}
		if withVPC {
			props.VPC = fuzzVPC(t, stack)
		}
		if origins != "" || methods != "" {
			props.CORS = &frontdoor.CORS{AllowOrigins: fuzztest.List(origins), AllowMethods: fuzztest.List(methods), AllowCredentials: credentials, MaxAgeSeconds: maxAge}
		}
		if domain != "" || zone != "" || cert != "" {
			props.Domain = &frontdoor.Domain{Name: domain, HostedZoneID: zone, CertificateARN: cert}
		}
		if tagKey != "" || tagValue != "" {
			props.Tags = map[string]string{tagKey: tagValue}
		}
		var fd *frontdoor.FrontDoor
		var err error
		added := fuzztest.Adds(stack, id)
		fuzztest.Run(t, func() { fd, err = frontdoor.NewFrontDoor(stack, id, props) })
		if !fuzztest.Check(t, "NewFrontDoor", fd != nil, err) {
			if added() {
				t.Fatalf("NewFrontDoor returned %v but added %q to the tree", err, id)
			}
			return
		}
		if fd.APIID() == "" || fd.Endpoint() == "" || (props.Domain != nil) != strings.HasPrefix(fd.Endpoint(), "https://"+domain) {
			t.Fatalf("NewFrontDoor: API id %q, endpoint %q", fd.APIID(), fd.Endpoint())
		}
		tftest.Synth(t, stack)
	})
}

// fuzzRouteKeys derive a second route key from a first one, the ways keys
// that read alike differ: byte mutation alone rarely builds them.
var fuzzRouteKeys = []func(string) string{
	func(k string) string { return strings.NewReplacer("{", "", "}", "").Replace(k) },
	func(k string) string { return strings.ToLower(k) },
	func(k string) string { return k + "/{proxy+}" },
	func(k string) string { return k + "/" },
	func(k string) string { return strings.ReplaceAll(k, "/", "-") },
	func(k string) string { return strings.ReplaceAll(k, "-", "/") },
	func(k string) string { return strings.Replace(k, "GET", "ANY", 1) },
	func(k string) string { return k },
}

// fuzzServiceNames derive a second service name from a first one.
var fuzzServiceNames = []func(string) string{
	func(n string) string { return strings.ReplaceAll(n, "/", "--") },
	func(n string) string { return n + "-1" },
	func(n string) string { return "" },
	func(n string) string { return n },
}

func FuzzRoutes(f *testing.F) {
	type in struct {
		key1, key2         string
		sel, kinds, auth   uint8
		public1, public2   bool
		scopes             string
		timeout1, timeout2 int
		burst              int
		rate               float64
		fnTimeout          int
		listener, service  string
		port               int
		cloudMap           string
		withVPC            bool
	}
	add := func(i in) {
		f.Add(i.key1, i.key2, i.sel, i.kinds, i.auth, i.public1, i.public2, i.scopes, i.timeout1, i.timeout2, i.burst, i.rate, i.fnTimeout, i.listener, i.service, i.port, i.cloudMap, i.withVPC)
	}
	const listener = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/net/orders/50dc6c495c0c9188/f2f7dc8efc522ab2"
	const cloudMap = "arn:aws:servicediscovery:eu-west-1:123456789012:service/srv-abc"
	add(in{key1: "GET /orders/{id}", key2: "GET /orders/id", auth: 1, fnTimeout: 10})
	add(in{key1: "GET /orders/{id}", sel: 1, auth: 1, fnTimeout: 10})
	add(in{key1: "ANY /orders/{proxy+}", key2: "GET /health", kinds: 0b01_01, public2: true, listener: listener, port: 8080, service: "orders", withVPC: true, burst: 50, rate: 25})
	add(in{key1: "$default", key2: "POST /webhooks", kinds: 0b10_00, auth: 1, scopes: "orders:write", cloudMap: cloudMap, port: 80, withVPC: true, fnTimeout: 60})
	add(in{key1: "GET /a", sel: 8, public1: true, public2: true, fnTimeout: 3})
	add(in{key1: "GET /a", key2: "GET /a", public1: true, public2: true, fnTimeout: 3})
	add(in{key1: "GET /a", key2: "get /a", fnTimeout: 3})
	add(in{key1: "GET /a/", key2: "GET a", auth: 2, scopes: "x", fnTimeout: 3})
	add(in{key1: "GET /{proxy+}/x", key2: "FETCH /a", auth: 1, scopes: strings.Repeat("s,", 10) + "s", timeout1: 31000, timeout2: 49, fnTimeout: 5})
	add(in{key1: "GET /a", key2: "GET /b", auth: 1, timeout1: 6000, fnTimeout: 5, burst: -1, rate: -1})
	add(in{key1: "GET /a", key2: "GET /b", kinds: 0b01_01, auth: 4, listener: "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/x", port: 0})
	add(in{key1: "GET /a", key2: "GET /b", kinds: 0b01_01, auth: 4, listener: listener, port: 70000, withVPC: true})
	add(in{key1: "GET /a", key2: "GET /b", kinds: 0b10_10, auth: 4, cloudMap: "arn:aws:ecs:x", port: -1, withVPC: true})
	add(in{key1: "GET /a", key2: "GET /b", kinds: 0b01_01, auth: 4, listener: listener, port: 443, service: "a/b", withVPC: true, timeout1: 1000}) // was a panic: service-a--b
	add(in{key1: "GET /ünïcødé", key2: "GET /" + strings.Repeat("x", 300), public1: true, public2: true, fnTimeout: 900})
	add(in{key1: "GET /a", key2: "GET /b", kinds: 0b10_01, auth: 4, listener: "@token", cloudMap: "@token", port: 443, withVPC: true})
	add(in{key1: "GET /a", key2: "GET /b", public1: true, public2: true, fnTimeout: 3, rate: math.Inf(1)}) // was a panic: ThrottleRate +Inf
	fuzztest.WarmUp(f)
	f.Fuzz(func(t *testing.T, key1, key2 string, sel, kinds, auth uint8, public1, public2 bool, scopes string, timeout1, timeout2, burst int, rate float64,
		fnTimeout int, listener, service string, port int, cloudMap string, withVPC bool) {
		if n := int(sel) % (len(fuzzRouteKeys) + 1); n > 0 {
			key2 = fuzzRouteKeys[n-1](key1)
		}
		stack := fuzztest.Stack(t)
		fuzztest.Tokens(stack, &listener, &cloudMap)
		props := frontdoor.FrontDoorProps{DefaultAuthorizer: fuzzAuthorizer(stack, auth%6, "https://auth.example.com/", "orders-api", 300)}
		if auth%6 == 3 || auth%6 == 5 {
			props.DefaultAuthorizer = frontdoor.Authorizer{IAM: true}
		}
		if withVPC {
			props.VPC = fuzzVPC(t, stack)
		}
		fd, err := frontdoor.NewFrontDoor(stack, "api", props)
		if err != nil {
			t.Fatal(err)
		}
		// A function timeout of 1-900 s, as serverless.Handler allows.
		fn := newFuzzFunction(stack, "fn", 1+int(uint(fnTimeout)%900))
		services := []string{service, fuzzServiceNames[int(sel)%len(fuzzServiceNames)](service)}
		for i, r := range []struct {
			key     string
			public  bool
			timeout int
		}{{key1, public1, timeout1}, {key2, public2, timeout2}} {
			opts := frontdoor.RouteOptions{Public: r.public, Scopes: fuzztest.List(scopes), TimeoutMS: r.timeout, ThrottleBurst: burst, ThrottleRate: rate}
			var err error
			kind := int(kinds>>(2*i)) & 3
			fuzztest.Run(t, func() {
				switch kind {
				case 1:
					err = fd.RouteToService(r.key, frontdoor.ServiceTarget{Name: services[i], ListenerARN: listener, Port: port, TLSServerName: service}, opts)
				case 2:
					err = fd.RouteToCloudMap(r.key, cloudMap, port, opts)
				default:
					err = fd.RouteToLambda(r.key, fn, opts)
				}
			})
			if fuzztest.Check(t, "route "+r.key, err == nil, err) && frontdoor.ValidateRouteKey(r.key) != nil {
				t.Fatalf("route %q succeeded, but ValidateRouteKey refuses it", r.key)
			}
		}
		tftest.Synth(t, stack)
	})
}
