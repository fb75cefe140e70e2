// Command api-front-door shows ApiGatewayFrontDoor from a consumer's side: an
// HTTP API with a JWT authorizer, a Lambda route, a route through a VPC link
// to a service behind an internal load balancer, one explicitly public
// health route, CORS and per-route throttling.
//
// Run it with: go run ./examples/api-front-door [outdir]
package main

import (
	"fmt"
	"os"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/frontdoor"
	"github.com/hybridstack/hybridstack/constructs/lambdacode"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/serverless"
)

// awsProviderConstraint is the AWS provider version this program requires:
// the 5.x line from 5.100, the same as the reference stacks
// (stacks/base.ProviderConstraint). Terraform installs any such provider,
// 5.100.0 from a mirror or a later 5.x from the registry.
const awsProviderConstraint = "~> 5.100"

func main() {
	outdir := "cdktf.out"
	if len(os.Args) > 1 {
		outdir = os.Args[1]
	}
	if err := build(outdir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("synthesized", outdir+"/stacks/api-front-door")
}

func build(outdir string) error {
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(outdir)})
	stack := cdktf.NewTerraformStack(app, jsii.String("api-front-door"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	// The aws/v19 binding pins the provider it was generated from (5.84.0)
	// exactly; require the 5.x line from 5.100, as the reference stacks do.
	stack.AddOverride(jsii.String("terraform.required_providers.aws.version"), awsProviderConstraint)
	cdktf.NewLocalBackend(stack, &cdktf.LocalBackendConfig{Path: jsii.String("terraform.api-front-door.tfstate")})

	// An existing VPC and an existing internal NLB listener in front of an
	// EKS service.
	vpc, err := network.ImportVPC(stack, "vpc", network.ImportVPCProps{
		VPCID:            "vpc-0a1b2c3d4e5f60718",
		CIDR:             "10.0.0.0/16",
		PrivateSubnetIDs: []string{"subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"},
	})
	if err != nil {
		return err
	}
	api, err := frontdoor.NewFrontDoor(stack, "api", frontdoor.FrontDoorProps{
		Name: "catalog-api",
		VPC:  vpc,
		DefaultAuthorizer: frontdoor.Authorizer{JWT: &frontdoor.JWTAuthorizer{
			Issuer: "https://login.example.com/", Audience: []string{"catalog-api"},
		}},
		CORS: &frontdoor.CORS{AllowOrigins: []string{"https://shop.example.com"}, AllowCredentials: true},
	})
	if err != nil {
		return err
	}
	search, err := serverless.NewHandler(stack, "search", serverless.HandlerProps{
		Code:           lambdacode.FromGoPackage("github.com/hybridstack/hybridstack/examples/event-handler/worker"),
		TimeoutSeconds: 10,
	})
	if err != nil {
		return err
	}
	if err := api.RouteToLambda("GET /search", search, frontdoor.RouteOptions{Scopes: []string{"catalog/read"}, ThrottleBurst: 100, ThrottleRate: 50}); err != nil {
		return err
	}
	products := frontdoor.ServiceTarget{
		Name:        "products",
		ListenerARN: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/net/products/50dc6c495c0c9188/f2f7dc8efc522ab2",
		Port:        80,
	}
	if err := api.RouteToService("ANY /products/{proxy+}", products, frontdoor.RouteOptions{}); err != nil {
		return err
	}
	if err := api.RouteToService("GET /health", products, frontdoor.RouteOptions{Public: true}); err != nil {
		return err
	}
	cdktf.NewTerraformOutput(stack, jsii.String("endpoint"), &cdktf.TerraformOutputConfig{Value: jsii.String(api.Endpoint())})
	app.Synth()
	return nil
}
