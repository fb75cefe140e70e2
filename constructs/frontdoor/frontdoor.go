// Package frontdoor provides ApiGatewayFrontDoor: an HTTP API (API Gateway
// v2) whose routes go to LambdaEventHandlers, to services on EKS behind an
// internal load balancer through a VPC link, or to Cloud Map services. Every
// route is authorized (JWT, Lambda or IAM) unless explicitly public; the
// $default stage auto-deploys with JSON access logs, throttling and detailed
// metrics; CORS is validated; a custom domain gets an ACM certificate, TLS
// 1.2 and a Route 53 alias while the execute-api endpoint is disabled.
package frontdoor

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/acmcertificate"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/acmcertificatevalidation"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/apigatewayv2api"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/apigatewayv2apimapping"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/apigatewayv2authorizer"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/apigatewayv2domainname"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/apigatewayv2integration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/apigatewayv2route"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/apigatewayv2stage"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/apigatewayv2vpclink"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lambdapermission"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route53record"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupegressrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/policy"
	"github.com/hybridstack/hybridstack/constructs/serverless"
)

// Authorizer is the default authorizer of every non-public route. Set
// exactly one of JWT, Cognito, Lambda or IAM.
type Authorizer struct {
	JWT     *JWTAuthorizer
	Cognito *CognitoAuthorizer
	Lambda  *LambdaAuthorizer
	IAM     bool
}

// JWTAuthorizer validates bearer tokens from any OIDC issuer.
type JWTAuthorizer struct {
	// Issuer is the https:// issuer URL. Required.
	Issuer string
	// Audience lists accepted "aud" (or client_id) values. Required.
	Audience []string
	// IdentitySource is where the token is.
	// Default: $request.header.Authorization
	IdentitySource string
}

// CognitoAuthorizer validates tokens of a Cognito user pool.
type CognitoAuthorizer struct {
	// Region and UserPoolID name the pool. Required.
	Region, UserPoolID string
	// ClientIDs are the app clients whose tokens are accepted. Required.
	ClientIDs []string
}

// LambdaAuthorizer calls a function to authorize each request.
type LambdaAuthorizer struct {
	// Handler is the authorizer function. Required.
	Handler *serverless.Handler
	// IdentitySources are the request parts the function needs; requests
	// without them are refused before the function runs.
	// Default: ["$request.header.Authorization"]
	IdentitySources []string
	// ResultTTLSeconds caches decisions, 0-3600.
	// Default: 300
	ResultTTLSeconds *int
}

// CORS configures cross-origin requests.
type CORS struct {
	// AllowOrigins such as "https://app.example.com", or "*".
	AllowOrigins []string
	// AllowMethods such as GET, POST, or "*".
	// Default: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
	AllowMethods []string
	// AllowHeaders.
	// Default: ["authorization", "content-type"]
	AllowHeaders []string
	// ExposeHeaders.
	// Default: - none
	ExposeHeaders []string
	// AllowCredentials; not allowed with origin "*".
	// Default: false
	AllowCredentials bool
	// MaxAgeSeconds is 0 to 86400.
	// Default: 3600
	MaxAgeSeconds int
}

// Domain is a custom domain for the API.
type Domain struct {
	// Name is the domain, such as api.example.com. Required.
	Name string
	// HostedZoneID is the Route 53 zone for the alias (and DNS validation).
	// Required.
	HostedZoneID string
	// CertificateARN is an existing regional ACM certificate for Name.
	// Default: - a new certificate validated through DNS in HostedZoneID
	CertificateARN string
}

// Props configures a FrontDoor.
type Props struct {
	// Name of the API.
	// Default: - the construct path with "-" for "/" ("<stack>-<id>" at the stack's top level)
	Name string
	// VPC is where VPC link routes reach services. Required for
	// RouteToService and RouteToCloudMap.
	// Default: - no VPC link
	VPC *network.VPC
	// DefaultAuthorizer authorizes every route not marked Public.
	// Default: - none; then every route must be Public
	DefaultAuthorizer Authorizer
	// CORS enables cross-origin requests.
	// Default: - none
	CORS *CORS
	// ThrottleBurst and ThrottleRate are the stage's default limits.
	// Default: 200 burst, 100 requests per second
	ThrottleBurst int
	ThrottleRate  float64
	// LogRetentionDays keeps access logs this long.
	// Default: 90
	LogRetentionDays int
	// Domain serves the API on a custom domain and disables the default
	// execute-api endpoint.
	// Default: - the execute-api endpoint
	Domain *Domain
	// WAFWebACLARN is refused: WAF cannot attach to HTTP APIs.
	WAFWebACLARN string
	// Tags are added to every resource.
	// Default: - none
	Tags map[string]string
}

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
	// LoadBalancerSecurityGroupID, when the load balancer has a security
	// group, gets a rule admitting the VPC link on Port.
	// Default: - no rule (NLB without security groups)
	LoadBalancerSecurityGroupID string
	// Port is the listener's port. Required.
	Port int
	// TLSServerName is verified when the listener speaks TLS.
	// Default: - plain HTTP to the listener
	TLSServerName string
}

// lambdaKey identifies a Lambda integration: one per function and timeout.
type lambdaKey struct {
	h         *serverless.Handler
	timeoutMS int
}

// FrontDoor is an HTTP API.
type FrontDoor struct {
	constructs.Construct

	name          string
	props         Props
	api           apigatewayv2api.Apigatewayv2Api
	stage         apigatewayv2stage.Apigatewayv2Stage
	authorizerID  string
	authType      string
	scopesAllowed bool
	routes        map[string]bool
	routeSettings []*apigatewayv2stage.Apigatewayv2StageRouteSettings
	// settingsRoutes are the addresses of the routes the stage's route
	// settings name: the stage must be created after them.
	settingsRoutes []string
	lambdaIntegs   map[lambdaKey]string
	serviceIntegs  map[string]string
	vpcLinkID      string
	vpcLinkSG      string
	ingressRules   map[string]bool
	lbPorts        map[int]bool
	permissionIDs  map[*serverless.Handler]bool
	// ids keeps the construct ids derived from route keys, functions and
	// targets injective.
	ids names.IDs
	// services counts service integrations, which are named by order.
	services int
}

var (
	apiNameRe = regexp.MustCompile(`^[A-Za-z0-9_. -]{1,128}$`)
	methods   = []string{"ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}
	segmentRe = regexp.MustCompile(`^([A-Za-z0-9._~:@!$&'()*,;=-]+|\{[A-Za-z0-9_]+\}|\{proxy\+\})$`)
	originRe  = regexp.MustCompile(`^https?://[A-Za-z0-9.-]+(:[0-9]+)?$|^\*$`)
	domainRe  = regexp.MustCompile(`^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$`)
)

const (
	maxRoutes      = 300
	maxScopes      = 10
	defaultTimeout = 30000
)

// New validates props and creates the API, its $default stage with access
// logs and throttling, the authorizer, and the custom domain.
func New(scope constructs.Construct, id string, props Props) (*FrontDoor, error) {
	path := validation.Path(*scope.Node().Path(), id)
	r := validation.NewReport("frontdoor", path)
	p := props
	if p.Name == "" {
		// The construct path, so that front doors with the same id in
		// different scopes get different names (and access log groups).
		stack := cdktf.TerraformStack_Of(scope)
		p.Name = names.Fit(names.FromPath(*stack.Node().Id()+"/"+strings.TrimPrefix(path, *stack.Node().Path()+"/")), 128)
	}
	if p.ThrottleBurst == 0 {
		p.ThrottleBurst = 200
	}
	if p.ThrottleRate == 0 {
		p.ThrottleRate = 100
	}
	if p.LogRetentionDays == 0 {
		p.LogRetentionDays = 90
	}
	validateProps(r, p)
	if err := r.Err(); err != nil {
		return nil, err
	}

	f := &FrontDoor{
		name: p.Name, props: p, routes: map[string]bool{}, lambdaIntegs: map[lambdaKey]string{},
		serviceIntegs: map[string]string{}, ingressRules: map[string]bool{}, lbPorts: map[int]bool{}, permissionIDs: map[*serverless.Handler]bool{}, ids: names.IDs{},
	}
	constructs.NewConstruct_Override(f, scope, &id)
	cfg := &apigatewayv2api.Apigatewayv2ApiConfig{
		Name:         ptr.String(p.Name),
		ProtocolType: ptr.String("HTTP"),
		Description:  ptr.String("Front door " + p.Name),
		// With a custom domain, clients must not bypass it.
		DisableExecuteApiEndpoint: p.Domain != nil,
		Tags:                      ptr.Map(p.Tags),
	}
	if c := p.CORS; c != nil {
		cfg.CorsConfiguration = corsConfig(*c)
	}
	f.api = apigatewayv2api.NewApigatewayv2Api(f, ptr.String("api"), cfg)

	logs := cloudwatchloggroup.NewCloudwatchLogGroup(f, ptr.String("access-logs"), &cloudwatchloggroup.CloudwatchLogGroupConfig{
		Name:            ptr.String("/aws/apigateway/" + p.Name + "/access"),
		RetentionInDays: ptr.Number(p.LogRetentionDays),
		Tags:            ptr.Map(p.Tags),
	})
	f.stage = apigatewayv2stage.NewApigatewayv2Stage(f, ptr.String("stage"), &apigatewayv2stage.Apigatewayv2StageConfig{
		ApiId:      f.api.Id(),
		Name:       ptr.String("$default"),
		AutoDeploy: true,
		AccessLogSettings: &apigatewayv2stage.Apigatewayv2StageAccessLogSettings{
			DestinationArn: logs.Arn(),
			Format:         ptr.String(AccessLogFormat()),
		},
		DefaultRouteSettings: &apigatewayv2stage.Apigatewayv2StageDefaultRouteSettings{
			DetailedMetricsEnabled: true,
			ThrottlingBurstLimit:   ptr.Number(p.ThrottleBurst),
			ThrottlingRateLimit:    &p.ThrottleRate,
		},
		Tags: ptr.Map(p.Tags),
	})
	f.authorizer()
	if p.Domain != nil {
		f.domain(*p.Domain)
	}
	return f, nil
}

// AccessLogFormat returns the JSON access log line every stage writes.
func AccessLogFormat() string { return accessLogFormat }

var accessLogFormat = func() string {
	b, _ := json.Marshal(map[string]string{
		"requestId": "$context.requestId", "ip": "$context.identity.sourceIp", "requestTime": "$context.requestTime",
		"httpMethod": "$context.httpMethod", "routeKey": "$context.routeKey", "status": "$context.status",
		"protocol": "$context.protocol", "responseLength": "$context.responseLength", "latency": "$context.responseLatency",
		"integrationLatency": "$context.integrationLatency", "integrationError": "$context.integrationErrorMessage",
		"authorizerError": "$context.authorizer.error", "principal": "$context.authorizer.principalId",
	})
	return string(b)
}()

func validateProps(r *validation.Report, p Props) {
	if !apiNameRe.MatchString(p.Name) {
		r.Addf("Name", "%q must be 1-128 letters, digits, spaces, '.', '-' or '_'", p.Name)
	}
	if p.WAFWebACLARN != "" {
		r.Addf("WAFWebACLARN", "cannot be used: AWS WAF does not attach to HTTP APIs; put a CloudFront distribution with the web ACL in front of the API, or use a REST API (API Gateway v1)")
	}
	a := p.DefaultAuthorizer
	n := 0
	for _, set := range []bool{a.JWT != nil, a.Cognito != nil, a.Lambda != nil, a.IAM} {
		if set {
			n++
		}
	}
	if n > 1 {
		r.Addf("DefaultAuthorizer", "sets %d kinds; set exactly one of JWT, Cognito, Lambda or IAM", n)
	}
	if j := a.JWT; j != nil {
		if !strings.HasPrefix(j.Issuer, "https://") && !validation.IsToken(j.Issuer) {
			r.Addf("DefaultAuthorizer.JWT.Issuer", "%q must be an https:// URL", j.Issuer)
		}
		if len(j.Audience) == 0 {
			r.Addf("DefaultAuthorizer.JWT.Audience", "is empty; without it any token of the issuer would be accepted")
		}
	}
	if c := a.Cognito; c != nil {
		if c.Region == "" || c.UserPoolID == "" || len(c.ClientIDs) == 0 {
			r.Addf("DefaultAuthorizer.Cognito", "needs Region, UserPoolID and at least one ClientID")
		}
	}
	if l := a.Lambda; l != nil {
		if l.Handler == nil {
			r.Addf("DefaultAuthorizer.Lambda.Handler", "is nil")
		}
		if l.ResultTTLSeconds != nil && (*l.ResultTTLSeconds < 0 || *l.ResultTTLSeconds > 3600) {
			r.Addf("DefaultAuthorizer.Lambda.ResultTTLSeconds", "%d is out of range; use 0 to 3600", *l.ResultTTLSeconds)
		}
	}
	if c := p.CORS; c != nil {
		if len(c.AllowOrigins) == 0 {
			r.Addf("CORS.AllowOrigins", "is empty; list the origins that may call the API")
		}
		for i, o := range c.AllowOrigins {
			if !originRe.MatchString(o) {
				r.Addf(fmt.Sprintf("CORS.AllowOrigins[%d]", i), "%q is not an origin such as https://app.example.com", o)
			}
			if o == "*" && c.AllowCredentials {
				r.Addf("CORS.AllowCredentials", "is true with origin \"*\"; browsers refuse credentials for a wildcard origin, so list the origins explicitly")
			}
		}
		for i, m := range c.AllowMethods {
			if m != "*" && !validation.OneOf(m, methods...) {
				r.Addf(fmt.Sprintf("CORS.AllowMethods[%d]", i), "%q is not an HTTP method", m)
			}
		}
		if c.MaxAgeSeconds < 0 || c.MaxAgeSeconds > 86400 {
			r.Addf("CORS.MaxAgeSeconds", "%d is out of range; use 0 to 86400", c.MaxAgeSeconds)
		}
	}
	if p.ThrottleBurst < 0 || p.ThrottleRate < 0 {
		r.Addf("ThrottleBurst", "and ThrottleRate must not be negative")
	}
	if !validation.LogRetention(p.LogRetentionDays) {
		r.Addf("LogRetentionDays", "%d is not a CloudWatch Logs retention; use one of %v", p.LogRetentionDays, validation.LogRetentionDays)
	}
	if d := p.Domain; d != nil {
		if !domainRe.MatchString(d.Name) {
			r.Addf("Domain.Name", "%q is not a lowercase domain name", d.Name)
		}
		if d.HostedZoneID == "" {
			r.Addf("Domain.HostedZoneID", "is empty; the alias record (and DNS validation) need the Route 53 zone")
		}
		if d.CertificateARN != "" && !validation.IsToken(d.CertificateARN) && !strings.Contains(d.CertificateARN, ":acm:") {
			r.Addf("Domain.CertificateARN", "%q is not an ACM certificate ARN", d.CertificateARN)
		}
	}
}

func corsConfig(c CORS) *apigatewayv2api.Apigatewayv2ApiCorsConfiguration {
	m := c.AllowMethods
	if len(m) == 0 {
		m = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
	}
	h := c.AllowHeaders
	if len(h) == 0 {
		h = []string{"authorization", "content-type"}
	}
	age := c.MaxAgeSeconds
	if age == 0 {
		age = 3600
	}
	return &apigatewayv2api.Apigatewayv2ApiCorsConfiguration{
		AllowOrigins:     ptr.Strings(c.AllowOrigins),
		AllowMethods:     ptr.Strings(m),
		AllowHeaders:     ptr.Strings(h),
		ExposeHeaders:    ptr.Strings(c.ExposeHeaders),
		AllowCredentials: c.AllowCredentials,
		MaxAge:           ptr.Number(age),
	}
}

// authorizer creates the default authorizer, if any.
func (f *FrontDoor) authorizer() {
	a := f.props.DefaultAuthorizer
	switch {
	case a.IAM:
		f.authType = "AWS_IAM"
	case a.JWT != nil || a.Cognito != nil:
		issuer, audience, source := "", []string(nil), "$request.header.Authorization"
		if a.JWT != nil {
			issuer, audience = a.JWT.Issuer, a.JWT.Audience
			if a.JWT.IdentitySource != "" {
				source = a.JWT.IdentitySource
			}
		} else {
			issuer = "https://cognito-idp." + a.Cognito.Region + ".amazonaws.com/" + a.Cognito.UserPoolID
			audience = a.Cognito.ClientIDs
		}
		auth := apigatewayv2authorizer.NewApigatewayv2Authorizer(f, ptr.String("authorizer"), &apigatewayv2authorizer.Apigatewayv2AuthorizerConfig{
			ApiId:            f.api.Id(),
			Name:             ptr.String("jwt"),
			AuthorizerType:   ptr.String("JWT"),
			IdentitySources:  ptr.Strings([]string{source}),
			JwtConfiguration: &apigatewayv2authorizer.Apigatewayv2AuthorizerJwtConfiguration{Issuer: ptr.String(issuer), Audience: ptr.Strings(audience)},
		})
		f.authType, f.authorizerID, f.scopesAllowed = "JWT", *auth.Id(), true
	case a.Lambda != nil:
		l := a.Lambda
		sources := l.IdentitySources
		if len(sources) == 0 {
			sources = []string{"$request.header.Authorization"}
		}
		ttl := 300
		if l.ResultTTLSeconds != nil {
			ttl = *l.ResultTTLSeconds
		}
		auth := apigatewayv2authorizer.NewApigatewayv2Authorizer(f, ptr.String("authorizer"), &apigatewayv2authorizer.Apigatewayv2AuthorizerConfig{
			ApiId:                          f.api.Id(),
			Name:                           ptr.String("lambda"),
			AuthorizerType:                 ptr.String("REQUEST"),
			AuthorizerUri:                  ptr.String(l.Handler.InvokeARN()),
			AuthorizerPayloadFormatVersion: ptr.String("2.0"),
			EnableSimpleResponses:          true,
			IdentitySources:                ptr.Strings(sources),
			AuthorizerResultTtlInSeconds:   ptr.Number(ttl),
		})
		lambdapermission.NewLambdaPermission(f, ptr.String("authorizer-permission"), &lambdapermission.LambdaPermissionConfig{
			Action:       ptr.String("lambda:InvokeFunction"),
			FunctionName: ptr.String(l.Handler.FunctionName()),
			Principal:    ptr.String("apigateway.amazonaws.com"),
			SourceArn:    ptr.String(*f.api.ExecutionArn() + "/authorizers/" + *auth.Id()),
		})
		f.authType, f.authorizerID = "CUSTOM", *auth.Id()
	}
}

// domain creates the custom domain with TLS 1.2, its certificate (unless
// given), the API mapping and the alias record.
func (f *FrontDoor) domain(d Domain) {
	certARN := d.CertificateARN
	if certARN == "" {
		cert := acmcertificate.NewAcmCertificate(f, ptr.String("certificate"), &acmcertificate.AcmCertificateConfig{
			DomainName:       ptr.String(d.Name),
			ValidationMethod: ptr.String("DNS"),
			Tags:             ptr.Map(f.props.Tags),
			Lifecycle:        &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: ptr.Bool(true)},
		})
		// One domain, so one validation record: the first (only) element of
		// the certificate's validation options.
		option := "tolist(" + *cert.TerraformResourceType() + "." + *cert.FriendlyUniqueId() + ".domain_validation_options)[0]"
		record := route53record.NewRoute53Record(f, ptr.String("certificate-validation-record"), &route53record.Route53RecordConfig{
			ZoneId:         ptr.String(d.HostedZoneID),
			Name:           ptr.String("${" + option + ".resource_record_name}"),
			Type:           ptr.String("${" + option + ".resource_record_type}"),
			Records:        ptr.Strings([]string{"${" + option + ".resource_record_value}"}),
			Ttl:            ptr.Number(60),
			AllowOverwrite: true,
		})
		validated := acmcertificatevalidation.NewAcmCertificateValidation(f, ptr.String("certificate-validation"), &acmcertificatevalidation.AcmCertificateValidationConfig{
			CertificateArn:        cert.Arn(),
			ValidationRecordFqdns: ptr.Strings([]string{*record.Fqdn()}),
		})
		certARN = *validated.CertificateArn()
	}
	domain := apigatewayv2domainname.NewApigatewayv2DomainName(f, ptr.String("domain"), &apigatewayv2domainname.Apigatewayv2DomainNameConfig{
		DomainName: ptr.String(d.Name),
		DomainNameConfiguration: &apigatewayv2domainname.Apigatewayv2DomainNameDomainNameConfiguration{
			CertificateArn: ptr.String(certARN),
			EndpointType:   ptr.String("REGIONAL"),
			SecurityPolicy: ptr.String("TLS_1_2"),
		},
		Tags: ptr.Map(f.props.Tags),
	})
	apigatewayv2apimapping.NewApigatewayv2ApiMapping(f, ptr.String("mapping"), &apigatewayv2apimapping.Apigatewayv2ApiMappingConfig{
		ApiId:      f.api.Id(),
		DomainName: domain.Id(),
		Stage:      f.stage.Id(),
	})
	cfg := domain.DomainNameConfiguration()
	route53record.NewRoute53Record(f, ptr.String("alias"), &route53record.Route53RecordConfig{
		ZoneId: ptr.String(d.HostedZoneID),
		Name:   domain.DomainName(),
		Type:   ptr.String("A"),
		Alias: &route53record.Route53RecordAlias{
			Name:                 cfg.TargetDomainName(),
			ZoneId:               cfg.HostedZoneId(),
			EvaluateTargetHealth: false,
		},
	})
}

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
	if opts.ThrottleBurst < 0 || opts.ThrottleRate < 0 {
		r.Addf(field+".ThrottleBurst", "and ThrottleRate must not be negative")
	}
	return r
}

// addRoute creates the route to an integration and its throttle settings.
func (f *FrontDoor) addRoute(routeKey, integrationID string, opts RouteOptions) {
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
		_ = policy.Suppress(route, "API-002", "marked Public in the front door: serves "+routeKey+" without authorization on purpose")
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
		f.settingsRoutes = append(f.settingsRoutes, *route.TerraformResourceType()+"."+*route.FriendlyUniqueId())
		f.stage.AddOverride(ptr.String("depends_on"), append([]string(nil), f.settingsRoutes...))
	}
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
func (f *FrontDoor) RouteToLambda(routeKey string, h *serverless.Handler, opts RouteOptions) error {
	if h == nil {
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
	f.addRoute(routeKey, integ, opts)
	return nil
}

// RouteToService routes to a service on EKS behind an internal load
// balancer listener, through the API's VPC link (payload format 1.0).
func (f *FrontDoor) RouteToService(routeKey string, target ServiceTarget, opts RouteOptions) error {
	r := f.route(routeKey, opts, defaultTimeout)
	f.checkVPCLink(r, routeKey)
	if target.ListenerARN == "" || (!validation.IsToken(target.ListenerARN) && !strings.Contains(target.ListenerARN, ":listener/")) {
		r.Addf("Route("+routeKey+").ListenerARN", "%q is not a load balancer listener ARN", target.ListenerARN)
	}
	if target.Port < 1 || target.Port > 65535 {
		r.Addf("Route("+routeKey+").Port", "%d is not a port", target.Port)
	}
	if err := r.Err(); err != nil {
		return err
	}
	f.vpcLink()
	f.allowLinkTo(target.LoadBalancerSecurityGroupID, target.Port)
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
	f.addRoute(routeKey, integ, opts)
	return nil
}

// RouteToCloudMap routes to a Cloud Map service through the VPC link.
func (f *FrontDoor) RouteToCloudMap(routeKey, serviceARN string, port int, opts RouteOptions) error {
	r := f.route(routeKey, opts, defaultTimeout)
	f.checkVPCLink(r, routeKey)
	if !validation.IsToken(serviceARN) && !strings.Contains(serviceARN, ":servicediscovery:") {
		r.Addf("Route("+routeKey+").ServiceARN", "%q is not a Cloud Map service ARN", serviceARN)
	}
	if err := r.Err(); err != nil {
		return err
	}
	f.vpcLink()
	f.allowLinkTo("", port)
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
	f.addRoute(routeKey, *i.Id(), opts)
	return nil
}

func (f *FrontDoor) checkVPCLink(r *validation.Report, routeKey string) {
	if f.props.VPC == nil {
		r.Addf("Route("+routeKey+")", "needs a VPC link but Props.VPC is nil")
	}
}

// vpcLink creates the API's VPC link and its security group once.
func (f *FrontDoor) vpcLink() {
	if f.vpcLinkID != "" {
		return
	}
	vpc := f.props.VPC
	sg := securitygroup.NewSecurityGroup(f, ptr.String("vpc-link-security-group"), &securitygroup.SecurityGroupConfig{
		NamePrefix:  ptr.String(names.Truncate(f.name, 40) + "-vpc-link-"),
		Description: ptr.String("VPC link of HTTP API " + f.name + ": out to the load balancers only"),
		VpcId:       ptr.String(vpc.VPCID()),
		Tags:        ptr.Map(f.props.Tags),
		Lifecycle:   &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: ptr.Bool(true)},
	})
	link := apigatewayv2vpclink.NewApigatewayv2VpcLink(f, ptr.String("vpc-link"), &apigatewayv2vpclink.Apigatewayv2VpcLinkConfig{
		Name:             ptr.String(names.Truncate(f.name, 120) + "-link"),
		SubnetIds:        ptr.Strings(vpc.PrivateSubnetIDs()),
		SecurityGroupIds: ptr.Strings([]string{*sg.Id()}),
		Tags:             ptr.Map(f.props.Tags),
	})
	f.vpcLinkID, f.vpcLinkSG = *link.Id(), *sg.Id()
}

// allowLinkTo lets the VPC link reach port inside the VPC and, when the
// load balancer has a security group, admits the link there.
func (f *FrontDoor) allowLinkTo(lbSG string, port int) {
	if !f.lbPorts[port] {
		f.lbPorts[port] = true
		vpcsecuritygroupegressrule.NewVpcSecurityGroupEgressRule(f, ptr.String(fmt.Sprintf("vpc-link-egress-%d", port)), &vpcsecuritygroupegressrule.VpcSecurityGroupEgressRuleConfig{
			SecurityGroupId: ptr.String(f.vpcLinkSG),
			Description:     ptr.String(fmt.Sprintf("To services on port %d inside the VPC", port)),
			IpProtocol:      ptr.String("tcp"),
			FromPort:        ptr.Number(port),
			ToPort:          ptr.Number(port),
			CidrIpv4:        ptr.String(f.props.VPC.CIDR()),
		})
	}
	key := fmt.Sprintf("%s|%d", lbSG, port)
	if lbSG == "" || f.ingressRules[key] {
		return
	}
	f.ingressRules[key] = true
	vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(f, ptr.String(fmt.Sprintf("load-balancer-ingress-%d-%d", len(f.ingressRules), port)), &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
		SecurityGroupId:           ptr.String(lbSG),
		Description:               ptr.String("From the VPC link of HTTP API " + f.name),
		IpProtocol:                ptr.String("tcp"),
		FromPort:                  ptr.Number(port),
		ToPort:                    ptr.Number(port),
		ReferencedSecurityGroupId: ptr.String(f.vpcLinkSG),
	})
}

// APIID returns the API's id.
func (f *FrontDoor) APIID() string { return *f.api.Id() }

// Endpoint returns the API's URL: the custom domain when set, else the
// execute-api endpoint.
func (f *FrontDoor) Endpoint() string {
	if f.props.Domain != nil {
		return "https://" + f.props.Domain.Name
	}
	return *f.api.ApiEndpoint()
}

// ExecutionARN returns the API's execution ARN.
func (f *FrontDoor) ExecutionARN() string { return *f.api.ExecutionArn() }

// VPCLinkSecurityGroupID returns the VPC link's security group, or "".
func (f *FrontDoor) VPCLinkSecurityGroupID() string { return f.vpcLinkSG }

// Resource returns the aws_apigatewayv2_api resource.
func (f *FrontDoor) Resource() apigatewayv2api.Apigatewayv2Api { return f.api }
