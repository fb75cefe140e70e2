// Command service-mesh shows AppMeshVirtualService: one intent (a checkout
// service with a blue/green cut-over, a header route for testers, health
// checks) rendered to VPC Lattice, the successor of App Mesh.
//
// Run it with: go run ./examples/service-mesh [outdir]
package main

import (
	"fmt"
	"os"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/mesh"
	"github.com/hybridstack/hybridstack/constructs/network"
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
	fmt.Println("synthesized", outdir+"/stacks/service-mesh")
}

func build(outdir string) error {
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(outdir)})
	stack := cdktf.NewTerraformStack(app, jsii.String("service-mesh"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	// The aws/v19 binding pins the provider it was generated from (5.84.0)
	// exactly; require the 5.x line from 5.100, as the reference stacks do.
	stack.AddOverride(jsii.String("terraform.required_providers.aws.version"), awsProviderConstraint)
	cdktf.NewLocalBackend(stack, &cdktf.LocalBackendConfig{Path: jsii.String("terraform.service-mesh.tfstate")})

	vpc, err := network.ImportVPC(stack, "vpc", network.ImportVPCProps{
		VPCID:            "vpc-0a1b2c3d4e5f60718",
		CIDR:             "10.0.0.0/16",
		PrivateSubnetIDs: []string{"subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"},
	})
	if err != nil {
		return err
	}
	net, err := mesh.NewNetwork(stack, "mesh", mesh.NetworkProps{Name: "shop", VPC: vpc})
	if err != nil {
		return err
	}
	_, err = mesh.NewVirtualService(stack, "checkout", mesh.VirtualServiceProps{
		Network:   net,
		Namespace: "checkout",
		Versions:  []mesh.Version{{Name: "blue", Service: "checkout-blue"}, {Name: "green", Service: "checkout-green"}},
		Routes: []mesh.Route{
			{Name: "testers", Headers: []mesh.HeaderMatch{{Name: "x-env", Exact: "green"}}, Targets: []mesh.Target{{Version: "green", Weight: 100}}},
			// Cut-over: move these weights to 0/100 when green is proven.
			{Name: "live", Targets: []mesh.Target{{Version: "blue", Weight: 100}, {Version: "green", Weight: 0}}},
		},
		HealthCheck:       &mesh.HealthCheck{Path: "/ready"},
		AllowedPrincipals: []string{"arn:aws:iam::111122223333:role/storefront"},
	})
	if err != nil {
		return err
	}
	app.Synth()
	return nil
}
