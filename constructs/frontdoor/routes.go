package frontdoor

import (
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/apigatewayv2integration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/apigatewayv2route"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/apigatewayv2stage"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lambdapermission"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/deps"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/nag"
	"github.com/hybridstack/hybridstack/constructs/network"
)

// RouteOptions tune one route.
type RouteOptions struct {
	// Public marks the route as reachable without authorization. It must be
	// set explicitly; there is no other way to make a route unauthenticated.
	Public bool
	// Scopes the JWT must carry (at most 10; JWT and Cognito only).
	Scopes []string
	// TimeoutMS is the integration timeout, 50 to 30000.
	// Default: 30000, or the Lambda's timeout when shorter
	TimeoutMS int
	// ThrottleBurst and ThrottleRate override the stage's limits.
	// Default: - the stage's
	ThrottleBurst int
	ThrottleRate  float64
}

// ServiceTarget is a service on EKS behind an internal load balancer.
type ServiceTarget struct {
	// Name identifies the integration in Terraform addresses, so that the
	// order of RouteToService calls does not matter.
	// Default: - "service-<n>" by order of first use
	Name string
	// ListenerARN is the internal NLB or ALB listener. Required.
	ListenerARN string
	// LoadBalancer is the load balancer's security group side, when it
	// has one (network.NewConnections(scope, "orders-lb", sgID), or any
	// network.Connectable): the VPC link then sends to it only, and it
	// admits the link on Port.
	// Default: - the link may send to Port anywhere in the VPC (an NLB
	// without security groups)
	LoadBalancer network.Connectable
	// Port is the listener's port. Required.
	Port int
	// TLSServerName is verified when the listener speaks TLS.
	// Default: - plain HTTP to the listener
	TLSServerName string
}

// LambdaTarget is a function the front door can invoke:
// serverless.Handler, or any construct that names a Lambda function.
type LambdaTarget interface {
	constructs.IConstruct
	// FunctionName names the function (for its invoke permission).
	FunctionName() string
	// InvokeARN is the ARN API Gateway invokes.
	InvokeARN() string
	// TimeoutSeconds is the function's timeout; routes wait at most 30 s.
	TimeoutSeconds() int
}

// lambdaKey identifies a Lambda integration: one per function and timeout.
type lambdaKey struct {
	h         LambdaTarget
	timeoutMS int
}

const (
	maxRoutes      = 300
	maxScopes      = 10
	defaultTimeout = 30000
)

// ValidateRouteKey checks "$default" or "METHOD /path": the path starts
// with "/", has no trailing "/", and {proxy+} only as its last segment.
func ValidateRouteKey(key string) error {
	if key == "$default" {
		return nil
	}
	method, path, ok := strings.Cut(key, " ")
	if !ok || !validation.OneOf(method, methods...) {
		return fmt.Errorf("%q is not \"$default\" or \"METHOD /path\" with METHOD one of %v", key, methods)
	}
	if !strings.HasPrefix(path, "/") {
		return fmt.Errorf("%q: the path must start with /", key)
	}
	if path == "/" {
		return nil
	}
	if strings.HasSuffix(path, "/") {
		return fmt.Errorf("%q: the path must not end with /", key)
	}
	segs := strings.Split(path[1:], "/")
	for i, s := range segs {
		if !segmentRe.MatchString(s) {
			return fmt.Errorf("%q: segment %q is not a literal, {name} or {proxy+}", key, s)
		}
		if s == "{proxy+}" && i != len(segs)-1 {
			return fmt.Errorf("%q: {proxy+} may only be the last segment", key)
		}
	}
	return nil
}

// route validates a new route and returns the report to add to.
func (f *FrontDoor) route(routeKey string, opts RouteOptions, maxTimeout int) *validation.Report {
	r := validation.NewReport("frontdoor", *f.Node().Path())
	field := fmt.Sprintf("Route(%s)", routeKey)
	if err := ValidateRouteKey(routeKey); err != nil {
		r.Addf(field, "%v", err)
	}
	if f.routes[routeKey] {
		r.Addf(field, "is already routed; each route key may appear once")
	}
	if len(f.routes) >= maxRoutes {
		r.Addf(field, "would be route %d; an HTTP API takes %d", len(f.routes)+1, maxRoutes)
	}
	if !opts.Public && f.authType == "" {
		r.Addf(field, "has no authorizer: set DefaultAuthorizer, or mark the route Public to serve it without authorization")
	}
	if len(opts.Scopes) > 0 {
		switch {
		case opts.Public:
			r.Addf(field+".Scopes", "are set on a public route")
		case !f.scopesAllowed:
			r.Addf(field+".Scopes", "need a JWT or Cognito authorizer")
		case len(opts.Scopes) > maxScopes:
			r.Addf(field+".Scopes", "has %d scopes; a route takes %d", len(opts.Scopes), maxScopes)
		}
	}
	if opts.TimeoutMS != 0 && (opts.TimeoutMS < 50 || opts.TimeoutMS > defaultTimeout) {
		r.Addf(field+".TimeoutMS", "%d is out of range; use 50 to 30000", opts.TimeoutMS)
	} else if opts.TimeoutMS > maxTimeout {
		r.Addf(field+".TimeoutMS", "%d is longer than the function's timeout (%d ms); the API would wait for a function that has already stopped", opts.TimeoutMS, maxTimeout)
	}
	if opts.ThrottleBurst < 0 {
		r.Addf(field+".ThrottleBurst", "%d is negative", opts.ThrottleBurst)
	}
	if !finiteRate(opts.ThrottleRate) {
		r.Addf(field+".ThrottleRate", "%v is not a rate; use a finite number of requests per second, 0 or more", opts.ThrottleRate)
	}
	return r
}

// suppress marks a resource as exempt from a rule; tests replace it to
// check that its error reaches the caller.
var suppress = nag.Suppress

// addRoute creates the route to an integration and its throttle settings.
// It returns the error of marking a public route, naming the front door
// and the route.
func (f *FrontDoor) addRoute(routeKey, integrationID string, opts RouteOptions) error {
	f.routes[routeKey] = true
	cfg := &apigatewayv2route.Apigatewayv2RouteConfig{
		ApiId:             f.api.Id(),
		RouteKey:          ptr.String(routeKey),
		Target:            ptr.String("integrations/" + integrationID),
		AuthorizationType: ptr.String("NONE"),
	}
	if !opts.Public {
		cfg.AuthorizationType = ptr.String(f.authType)
		cfg.AuthorizerId = ptr.Optional(f.authorizerID)
		cfg.AuthorizationScopes = ptr.Strings(opts.Scopes)
	}
	route := apigatewayv2route.NewApigatewayv2Route(f, ptr.String(f.ids.For("route-"+routeID(routeKey), "route "+routeKey)), cfg)
	if opts.Public {
		// The rule pack requires every route authorized unless marked
		// public; this is that mark.
		if err := suppress(route, "API-002", "marked Public in the front door: serves "+routeKey+" without authorization on purpose"); err != nil {
			return fmt.Errorf("frontdoor %q: route %s: marking it Public: %w", *f.Node().Path(), routeKey, err)
		}
	}
	if opts.ThrottleBurst > 0 || opts.ThrottleRate > 0 {
		s := &apigatewayv2stage.Apigatewayv2StageRouteSettings{RouteKey: ptr.String(routeKey), DetailedMetricsEnabled: true}
		if opts.ThrottleBurst > 0 {
			s.ThrottlingBurstLimit = ptr.Number(opts.ThrottleBurst)
		}
		if opts.ThrottleRate > 0 {
			rate := opts.ThrottleRate
			s.ThrottlingRateLimit = &rate
		}
		f.routeSettings = append(f.routeSettings, s)
		f.stage.PutRouteSettings(f.routeSettings)
		// CreateStage fails with NotFoundException ("Unable to find Route
		// by key") when a route it has settings for does not exist yet.
		deps.Add(f.stage, route)
	}
	return nil
}

var nonID = regexp.MustCompile(`[^A-Za-z0-9]+`)

// routeID turns a route key into a construct id: "GET /orders/{id}" gives
// "get-orders-id", "$default" gives "default".
func routeID(key string) string {
	id := strings.Trim(nonID.ReplaceAllString(strings.ToLower(key), "-"), "-")
	if strings.HasSuffix(key, "{proxy+}") {
		id += "-proxy-plus"
	}
	return id
}

// RouteToLambda routes to a function with payload format 2.0. The function
// gets one invoke permission per API, scoped to the API's execution ARN, so
// its resource policy does not grow with each route.
func (f *FrontDoor) RouteToLambda(routeKey string, h LambdaTarget, opts RouteOptions) error {
	if isNil(h) {
		r := validation.NewReport("frontdoor", *f.Node().Path())
		r.Addf("Route("+routeKey+")", "has a nil handler")
		return r.Err()
	}
	r := f.route(routeKey, opts, h.TimeoutSeconds()*1000)
	if err := r.Err(); err != nil {
		return err
	}
	if h.TimeoutSeconds() > 30 {
		cdktf.Annotations_Of(f).AddWarning(ptr.String(fmt.Sprintf("route %s: function %s may run %d s, but an HTTP API waits at most 30 s", routeKey, *h.Node().Path(), h.TimeoutSeconds())))
	}
	timeout := opts.TimeoutMS
	if timeout == 0 {
		timeout = min(defaultTimeout, h.TimeoutSeconds()*1000)
	}
	key := lambdaKey{h, timeout}
	integ, ok := f.lambdaIntegs[key]
	if !ok {
		id := "lambda-" + *h.Node().Id()
		if f.permissionIDs[h] { // the same function with another timeout
			id = fmt.Sprintf("%s-%d", id, timeout)
		}
		// Functions in different scopes may share a construct id.
		id = f.ids.For(id, fmt.Sprintf("lambda %s %d", *h.Node().Path(), timeout))
		i := apigatewayv2integration.NewApigatewayv2Integration(f, ptr.String(id), &apigatewayv2integration.Apigatewayv2IntegrationConfig{
			ApiId:                f.api.Id(),
			IntegrationType:      ptr.String("AWS_PROXY"),
			IntegrationUri:       ptr.String(h.InvokeARN()),
			PayloadFormatVersion: ptr.String("2.0"),
			TimeoutMilliseconds:  ptr.Number(timeout),
		})
		integ = *i.Id()
		f.lambdaIntegs[key] = integ
	}
	if !f.permissionIDs[h] {
		f.permissionIDs[h] = true
		lambdapermission.NewLambdaPermission(f, ptr.String(f.ids.For("invoke-"+*h.Node().Id(), "invoke "+*h.Node().Path())), &lambdapermission.LambdaPermissionConfig{
			Action:       ptr.String("lambda:InvokeFunction"),
			FunctionName: ptr.String(h.FunctionName()),
			Principal:    ptr.String("apigateway.amazonaws.com"),
			SourceArn:    ptr.String(*f.api.ExecutionArn() + "/*/*"),
		})
	}
	return f.addRoute(routeKey, integ, opts)
}

// RouteToService routes to a service on EKS behind an internal load
// balancer listener, through the API's VPC link (payload format 1.0).
func (f *FrontDoor) RouteToService(routeKey string, target ServiceTarget, opts RouteOptions) error {
	r := f.route(routeKey, opts, defaultTimeout)
	f.checkVPCLink(r, routeKey)
	if target.ListenerARN == "" || (!validation.IsToken(target.ListenerARN) && !strings.Contains(target.ListenerARN, ":listener/")) {
		r.Addf("Route("+routeKey+").ListenerARN", "%q is not a load balancer listener ARN", target.ListenerARN)
	}
	if target.Name != "" && !names.Readable(target.Name) {
		r.Addf("Route("+routeKey+").Name", "%q must be 1-40 lowercase letters, digits and '-'; it becomes part of Terraform addresses", target.Name)
	}
	if target.Port < 1 || target.Port > 65535 {
		r.Addf("Route("+routeKey+").Port", "%d is not a port", target.Port)
	}
	if err := r.Err(); err != nil {
		return err
	}
	f.vpcLink()
	if err := f.allowLinkTo(target.LoadBalancer, target.Port); err != nil {
		return err
	}
	timeout := opts.TimeoutMS
	if timeout == 0 {
		timeout = defaultTimeout
	}
	key := fmt.Sprintf("%s|%s|%d", target.ListenerARN, target.TLSServerName, timeout)
	integ, ok := f.serviceIntegs[key]
	if !ok {
		cfg := &apigatewayv2integration.Apigatewayv2IntegrationConfig{
			ApiId:                f.api.Id(),
			IntegrationType:      ptr.String("HTTP_PROXY"),
			IntegrationMethod:    ptr.String("ANY"),
			IntegrationUri:       ptr.String(target.ListenerARN),
			ConnectionType:       ptr.String("VPC_LINK"),
			ConnectionId:         ptr.String(f.vpcLinkID),
			PayloadFormatVersion: ptr.String("1.0"),
			TimeoutMilliseconds:  ptr.Number(timeout),
		}
		if target.TLSServerName != "" {
			cfg.TlsConfig = &apigatewayv2integration.Apigatewayv2IntegrationTlsConfig{ServerNameToVerify: ptr.String(target.TLSServerName)}
		}
		id := fmt.Sprintf("service-%d", f.services)
		if target.Name != "" {
			id = "service-" + target.Name
		}
		// One target with two timeouts (or TLS names) is two integrations.
		id = f.ids.For(id, "service "+key)
		i := apigatewayv2integration.NewApigatewayv2Integration(f, ptr.String(id), cfg)
		f.services++
		integ = *i.Id()
		f.serviceIntegs[key] = integ
	}
	return f.addRoute(routeKey, integ, opts)
}

// RouteToCloudMap routes to a Cloud Map service through the VPC link.
func (f *FrontDoor) RouteToCloudMap(routeKey, serviceARN string, port int, opts RouteOptions) error {
	r := f.route(routeKey, opts, defaultTimeout)
	f.checkVPCLink(r, routeKey)
	if !validation.IsToken(serviceARN) && !strings.Contains(serviceARN, ":servicediscovery:") {
		r.Addf("Route("+routeKey+").ServiceARN", "%q is not a Cloud Map service ARN", serviceARN)
	}
	if port < 1 || port > 65535 {
		r.Addf("Route("+routeKey+").Port", "%d is not a port", port)
	}
	if err := r.Err(); err != nil {
		return err
	}
	f.vpcLink()
	if err := f.allowLinkTo(nil, port); err != nil {
		return err
	}
	i := apigatewayv2integration.NewApigatewayv2Integration(f, ptr.String(f.ids.For(fmt.Sprintf("service-%d", f.services), fmt.Sprintf("cloudmap %s %d", serviceARN, f.services))), &apigatewayv2integration.Apigatewayv2IntegrationConfig{
		ApiId:                f.api.Id(),
		IntegrationType:      ptr.String("HTTP_PROXY"),
		IntegrationMethod:    ptr.String("ANY"),
		IntegrationUri:       ptr.String(serviceARN),
		ConnectionType:       ptr.String("VPC_LINK"),
		ConnectionId:         ptr.String(f.vpcLinkID),
		PayloadFormatVersion: ptr.String("1.0"),
	})
	f.services++
	f.serviceIntegs[serviceARN] = *i.Id()
	return f.addRoute(routeKey, *i.Id(), opts)
}

// isNil reports whether a target interface holds nothing or a nil pointer.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// finiteRate reports whether v is a usable throttling rate: not negative,
// not NaN and not infinite (which the API, and JSON, cannot carry).
func finiteRate(v float64) bool { return v >= 0 && !math.IsInf(v, 0) && !math.IsNaN(v) }
