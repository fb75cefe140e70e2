package frontdoor_test

import (
	"fmt"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/frontdoor"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/lambdacode"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/serverless"
)

// exampleRouteKeys returns the route keys of the synthesized API, with
// their authorization, sorted.
func exampleRouteKeys(stack cdktf.TerraformStack) []string {
	return tftest.Collect(stack, "aws_apigatewayv2_route", func(r map[string]any) string {
		return fmt.Sprint(r["route_key"], " (", r["authorization_type"], ")")
	})
}

// An HTTP API whose routes need a JWT from the company's identity
// provider, with one route to a Lambda function.
func ExampleNewFrontDoor() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	api, err := frontdoor.NewFrontDoor(stack, "api", frontdoor.FrontDoorProps{
		DefaultAuthorizer: frontdoor.Authorizer{JWT: &frontdoor.JWTAuthorizer{
			Issuer:   "https://auth.example.com/",
			Audience: []string{"orders-api"},
		}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	orders, err := serverless.NewHandler(stack, "orders", serverless.HandlerProps{Code: lambdacode.FromS3("acme-artifacts", "orders.zip", "")})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := api.RouteToLambda("GET /orders/{id}", orders, frontdoor.RouteOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(exampleRouteKeys(stack))
	// Output: [GET /orders/{id} (JWT)]
}

// An API on a custom domain (the execute-api endpoint is disabled), with
// CORS for the web app, routes to Lambda functions with scopes and
// throttling, a public health check, and routes through a VPC link to a
// service on EKS behind an internal load balancer.
func ExampleNewFrontDoor_realistic() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.ImportVPC(stack, "network", network.ImportVPCProps{
		VPCID:            "vpc-0123456789abcdef0",
		CIDR:             "10.20.0.0/16",
		PrivateSubnetIDs: []string{"subnet-0a000000", "subnet-0b000000"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	api, err := frontdoor.NewFrontDoor(stack, "api", frontdoor.FrontDoorProps{
		Name: "shop-api",
		VPC:  vpc,
		DefaultAuthorizer: frontdoor.Authorizer{JWT: &frontdoor.JWTAuthorizer{
			Issuer:   "https://auth.example.com/",
			Audience: []string{"shop"},
		}},
		CORS:             &frontdoor.CORS{AllowOrigins: []string{"https://shop.example.com"}, AllowCredentials: true},
		ThrottleBurst:    500,
		ThrottleRate:     250,
		LogRetentionDays: 365,
		Domain:           &frontdoor.Domain{Name: "api.shop.example.com", HostedZoneID: "Z0123456789ABCDEFGHIJ"},
		Tags:             map[string]string{"team": "shop"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	checkout, err := serverless.NewHandler(stack, "checkout", serverless.HandlerProps{Code: lambdacode.FromS3("acme-artifacts", "checkout.zip", ""), TimeoutSeconds: 10})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, err := range []error{
		api.RouteToLambda("POST /checkout", checkout, frontdoor.RouteOptions{Scopes: []string{"shop:checkout"}, ThrottleBurst: 50, ThrottleRate: 20}),
		api.RouteToLambda("GET /health", checkout, frontdoor.RouteOptions{Public: true}),
		api.RouteToService("ANY /catalog/{proxy+}", frontdoor.ServiceTarget{
			Name:        "catalog",
			ListenerARN: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/net/catalog/50dc6c495c0c9188/f2f7dc8efc522ab2",
			Port:        80,
		}, frontdoor.RouteOptions{}),
		api.RouteToCloudMap("GET /stock/{sku}", "arn:aws:servicediscovery:eu-west-1:123456789012:service/srv-stock", 8080, frontdoor.RouteOptions{TimeoutMS: 3000}),
	} {
		if err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println(api.Endpoint())
	for _, key := range exampleRouteKeys(stack) {
		fmt.Println(key)
	}
	// Output:
	// https://api.shop.example.com
	// ANY /catalog/{proxy+} (JWT)
	// GET /health (NONE)
	// GET /stock/{sku} (JWT)
	// POST /checkout (JWT)
}

// A route is refused, with the reason, rather than created unauthorized or
// malformed.
func ExampleFrontDoor_RouteToLambda() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	api, err := frontdoor.NewFrontDoor(stack, "api", frontdoor.FrontDoorProps{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fn, err := serverless.NewHandler(stack, "fn", serverless.HandlerProps{Code: lambdacode.FromS3("acme-artifacts", "fn.zip", ""), TimeoutSeconds: 5})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(api.RouteToLambda("GET /orders", fn, frontdoor.RouteOptions{}))
	fmt.Println(api.RouteToLambda("GET /orders/", fn, frontdoor.RouteOptions{Public: true}))
	fmt.Println(api.RouteToLambda("GET /orders", fn, frontdoor.RouteOptions{Public: true, TimeoutMS: 10000}))
	fmt.Println(api.RouteToLambda("GET /orders", fn, frontdoor.RouteOptions{Public: true}))
	// Output:
	// frontdoor "example/api": Route(GET /orders) has no authorizer: set DefaultAuthorizer, or mark the route Public to serve it without authorization
	// frontdoor "example/api": Route(GET /orders/) "GET /orders/": the path must not end with /
	// frontdoor "example/api": Route(GET /orders).TimeoutMS 10000 is longer than the function's timeout (5000 ms); the API would wait for a function that has already stopped
	// <nil>
}

// Services on EKS are reached through the API's VPC link, which needs the
// VPC; the link's security group may send to the listener's port only.
func ExampleFrontDoor_RouteToService() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.ImportVPC(stack, "network", network.ImportVPCProps{
		VPCID:            "vpc-0123456789abcdef0",
		CIDR:             "10.20.0.0/16",
		PrivateSubnetIDs: []string{"subnet-0a000000", "subnet-0b000000"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	orders := frontdoor.ServiceTarget{
		Name:        "orders",
		ListenerARN: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/net/orders/50dc6c495c0c9188/f2f7dc8efc522ab2",
		Port:        8080,
	}
	noVPC, err := frontdoor.NewFrontDoor(stack, "no-vpc", frontdoor.FrontDoorProps{DefaultAuthorizer: frontdoor.Authorizer{IAM: true}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(noVPC.RouteToService("ANY /orders/{proxy+}", orders, frontdoor.RouteOptions{}))

	api, err := frontdoor.NewFrontDoor(stack, "api", frontdoor.FrontDoorProps{VPC: vpc, DefaultAuthorizer: frontdoor.Authorizer{IAM: true}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(api.RouteToService("ANY /orders/{proxy+}", orders, frontdoor.RouteOptions{}))
	fmt.Println(api.RouteToCloudMap("GET /stock/{sku}", "arn:aws:servicediscovery:eu-west-1:123456789012:service/srv-stock", 8080, frontdoor.RouteOptions{}))
	fmt.Println(api.VPCLinkSecurityGroupID() != "")
	// Output:
	// frontdoor "example/no-vpc": Route(ANY /orders/{proxy+}) needs a VPC link but FrontDoorProps.VPC is nil
	// <nil>
	// <nil>
	// true
}

// Route keys are "$default" or "METHOD /path"; {proxy+} matches the rest
// of the path.
func ExampleValidateRouteKey() {
	for _, key := range []string{"GET /orders/{id}", "ANY /files/{proxy+}", "$default", "GET /orders/{id}/", "FETCH /orders", "GET /{proxy+}/meta"} {
		fmt.Println(frontdoor.ValidateRouteKey(key))
	}
	// Output:
	// <nil>
	// <nil>
	// <nil>
	// "GET /orders/{id}/": the path must not end with /
	// "FETCH /orders" is not "$default" or "METHOD /path" with METHOD one of [ANY DELETE GET HEAD OPTIONS PATCH POST PUT]
	// "GET /{proxy+}/meta": {proxy+} may only be the last segment
}
