// Package frontdoor provides FrontDoor (NewFrontDoor), the library's
// ApiGatewayFrontDoor: an HTTP API (API Gateway v2) whose routes go to
// Lambda functions (any LambdaTarget, such as serverless.Handler), to
// services on EKS behind an internal load balancer through a VPC link
// (ServiceTarget), or to Cloud Map services. Every
// route is authorized (JWT, Lambda or IAM) unless explicitly public; the
// $default stage auto-deploys with JSON access logs, throttling and detailed
// metrics; CORS is validated; a custom domain gets an ACM certificate, TLS
// 1.2 and a Route 53 alias while the execute-api endpoint is disabled.
package frontdoor

import (
	"encoding/json"
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/apigatewayv2api"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/apigatewayv2stage"

	"github.com/hybridstack/hybridstack/constructs/internal/alarm"
	"github.com/hybridstack/hybridstack/constructs/internal/loggroup"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

// FrontDoorProps configures a FrontDoor.
type FrontDoorProps struct {
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
	// ThrottleBurst is the stage's default burst limit (requests).
	// Default: 200
	ThrottleBurst int
	// ThrottleRate is the stage's default steady limit, requests per
	// second.
	// Default: 100
	ThrottleRate float64
	// LogRetentionDays keeps access logs this long.
	// Default: 90
	LogRetentionDays int
	// Domain serves the API on a custom domain and disables the default
	// execute-api endpoint.
	// Default: - the execute-api endpoint
	Domain *Domain
	// WAFWebACLARN is refused: WAF cannot attach to HTTP APIs (put
	// CloudFront with WAF in front, or use a REST API).
	// Default: - none; any value is an error
	WAFWebACLARN string
	// AlarmTopicARN is notified when an alarm of the API fires or
	// recovers: server errors (5 or more 5xx responses a minute in 3 of 5
	// minutes) and latency (the p99 of Latency at LatencyAlarmMS or more in
	// 3 consecutive 5-minute periods).
	// Default: - alarms without notification
	AlarmTopicARN string
	// LatencyAlarmMS is the p99 latency (from request received to response
	// sent, integration included) at which the latency alarm fires, 50 to
	// 30000 ms.
	// Default: 5000
	LatencyAlarmMS int
	// Tags are added to every resource.
	// Default: - none
	Tags map[string]string
}

// FrontDoor is an HTTP API.
type FrontDoor struct {
	constructs.Construct

	name          string
	props         FrontDoorProps
	api           apigatewayv2api.Apigatewayv2Api
	stage         apigatewayv2stage.Apigatewayv2Stage
	authorizerID  string
	authType      string
	scopesAllowed bool
	routes        map[string]bool
	routeSettings []*apigatewayv2stage.Apigatewayv2StageRouteSettings
	lambdaIntegs  map[lambdaKey]string
	serviceIntegs map[string]string
	vpcLinkID     string
	vpcLinkSG     string
	link          *network.Connections
	lbPorts       map[int]bool
	permissionIDs map[LambdaTarget]bool
	// ids keeps the construct ids derived from route keys, functions and
	// targets injective.
	ids names.IDs
	// services counts service integrations, which are named by order.
	services int
	// raised are the API's alarms; accessLogs its access log group.
	raised     []observe.Alarm
	accessLogs string
}

// NewFrontDoor validates props and creates the API, its $default stage with
// access logs and throttling, the authorizer, and the custom domain. It
// returns every problem with props at once, joined, each a
// *validate.FieldError wrapping validate.ErrInvalid (nothing is created
// then). Route methods return their own errors of the same kind.
func NewFrontDoor(scope constructs.Construct, id string, props FrontDoorProps) (*FrontDoor, error) {
	r := validation.ForConstruct("frontdoor", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	p := props
	if p.Name == "" {
		// The construct path, so that front doors with the same id in
		// different scopes get different names (and access log groups).
		p.Name = names.Fit(names.FromPath(r.StackPath(scope)), 128)
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
	if p.LatencyAlarmMS == 0 {
		p.LatencyAlarmMS = 5000
	}
	validateProps(r, p)
	if err := r.Err(); err != nil {
		return nil, err
	}

	f := &FrontDoor{
		name: p.Name, props: p, routes: map[string]bool{}, lambdaIntegs: map[lambdaKey]string{},
		serviceIntegs: map[string]string{}, lbPorts: map[int]bool{}, permissionIDs: map[LambdaTarget]bool{}, ids: names.IDs{},
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

	logs, err := loggroup.New(f, "access-logs", loggroup.Props{
		Name:          "/aws/apigateway/" + p.Name + "/access",
		RetentionDays: p.LogRetentionDays,
		Tags:          ptr.Map(p.Tags),
	})
	if err != nil {
		return nil, err
	}
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
	f.accessLogs = *logs.Name()
	f.alarms(p)
	return f, nil
}

// alarms raises the API's alarms on server errors and p99 latency. The
// metrics are the API's (dimension ApiId), which has the one $default
// stage.
func (f *FrontDoor) alarms(p FrontDoorProps) {
	raise := func(id string, a alarm.Props) {
		a.Name, a.Namespace, a.Dimensions = p.Name+"-"+id, "AWS/ApiGateway", map[string]string{"ApiId": *f.api.Id()}
		a.TopicARN, a.Tags = p.AlarmTopicARN, p.Tags
		made := alarm.New(f, id, a)
		f.raised = append(f.raised, observe.Alarm{Name: *made.AlarmName(), ARN: *made.Arn()})
	}
	raise("server-errors-alarm", alarm.Props{
		Description: "HTTP API " + p.Name + " answered 5 or more requests a minute with 5xx in 3 of 5 minutes",
		Metric:      "5xx", Statistic: "Sum", PeriodSeconds: 60, Periods: 5, DatapointsToAlarm: 3, Threshold: 5,
	})
	raise("latency-alarm", alarm.Props{
		Description: fmt.Sprintf("The p99 latency of HTTP API %s was %d ms or more for 15 minutes", p.Name, p.LatencyAlarmMS),
		Metric:      "Latency", Statistic: "p99", PeriodSeconds: 300, Periods: 3, Threshold: p.LatencyAlarmMS,
	})
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

// Signals returns the API's golden signals for a dashboard
// (observe.Source): latency (Latency p50 and p99, IntegrationLatency p99,
// in ms), traffic (requests, Count), errors (4xx and 5xx responses), its
// alarms and access log group. An HTTP API publishes no saturation
// metric: requests over the throttling limits are answered 429 and count
// among the 4xx.
func (f *FrontDoor) Signals() observe.Signals {
	api := func(name, stat, label string) observe.Metric {
		return observe.Metric{Namespace: "AWS/ApiGateway", Name: name, Dimensions: map[string]string{"ApiId": *f.api.Id()}, Stat: stat, Label: label}
	}
	return observe.Signals{
		Title: "HTTP API " + f.name,
		Widgets: []observe.Widget{
			{Title: "Latency (ms)", Signal: observe.Latency, Metrics: []observe.Metric{
				api("Latency", "p50", "p50"), api("Latency", "p99", "p99"), api("IntegrationLatency", "p99", "Integration p99"),
			}},
			{Title: "Requests", Signal: observe.Traffic, Metrics: []observe.Metric{api("Count", "SampleCount", "Requests")}},
			{Title: "Error responses", Signal: observe.Errors, Metrics: []observe.Metric{api("4xx", "Sum", "4xx"), api("5xx", "Sum", "5xx")}},
		},
		Alarms:    append([]observe.Alarm(nil), f.raised...),
		LogGroups: []string{f.accessLogs},
	}
}
