package network_test

import (
	"errors"
	"fmt"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// A VPC with the defaults: 10.0.0.0/16 over three Availability Zones, a
// NAT gateway per zone, and flow logs kept 90 days.
func ExampleNewVPC() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.NewVPC(stack, "network", network.VPCProps{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(vpc.Name(), vpc.CIDR())
	fmt.Println(len(vpc.PrivateSubnetIDs()), "private and", len(vpc.PublicSubnetIDs()), "public subnets")
	// Output:
	// network 10.0.0.0/16
	// 3 private and 3 public subnets
}

// A production VPC: its own range in named zones, one shared NAT gateway,
// VPC endpoints for the AWS APIs EKS nodes call, the subnet tags of an EKS
// cluster, and flow logs kept a year.
func ExampleNewVPC_realistic() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.NewVPC(stack, "network", network.VPCProps{
		Name:              "prod",
		CIDR:              "10.20.0.0/16",
		AvailabilityZones: []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"},
		NAT:               network.NATSingle,
		Endpoints: []network.Endpoint{
			network.EndpointS3, network.EndpointECRAPI, network.EndpointECRDocker,
			network.EndpointSTS, network.EndpointLogs,
		},
		ClusterNames:         []string{"prod"},
		FlowLogRetentionDays: 365,
		Tags:                 map[string]string{"team": "platform"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(vpc.Name(), vpc.CIDR(), vpc.AvailabilityZones())
	fmt.Println("interface endpoints behind a security group:", vpc.EndpointSecurityGroupID() != "")
	fmt.Println("gateway endpoints:", len(vpc.GatewayEndpointPrefixListIDs()))
	// Output:
	// prod 10.20.0.0/16 [eu-west-1a eu-west-1b eu-west-1c]
	// interface endpoints behind a security group: true
	// gateway endpoints: 1
}

// Invalid props create nothing: the error lists every problem, each a
// *validate.FieldError wrapping validate.ErrInvalid.
func ExampleNewVPC_invalidProps() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))

	_, err := network.NewVPC(stack, "network", network.VPCProps{CIDR: "10.0.0.0/8", AZCount: 1, NAT: "two"})
	fmt.Println(errors.Is(err, validate.ErrInvalid))
	for _, fe := range validate.Fields(err) {
		fmt.Printf("%s: %s %s\n", fe.Path, fe.Field, fe.Problem)
	}
	// Output:
	// true
	// example/network: NAT "two" is not a NAT mode; use "per-az", "single" or "none"
	// example/network: CIDR "10.0.0.0/8" has a /8 prefix; AWS allows /16 to /28
	// example/network: AZCount asks for 1 zones; use 2 to 6 (EKS needs at least two)
}

// An existing VPC, for constructs that take a *network.VPC: only its
// private subnets are required.
func ExampleImportVPC() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.ImportVPC(stack, "network", network.ImportVPCProps{
		VPCID:            "vpc-0123456789abcdef0",
		PrivateSubnetIDs: []string{"subnet-0123456789abcdef0", "subnet-0fedcba9876543210"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(vpc.Imported(), vpc.VPCID(), len(vpc.PrivateSubnetIDs()))
	// Output: true vpc-0123456789abcdef0 2
}

// An existing VPC with its range and public subnets given, so that nothing
// is read at plan time but its DNS settings, which the precondition checks
// before private endpoints rely on them.
func ExampleImportVPC_realistic() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.ImportVPC(stack, "shared-network", network.ImportVPCProps{
		VPCID:            "vpc-0123456789abcdef0",
		CIDR:             "10.30.0.0/16",
		PrivateSubnetIDs: []string{"subnet-0a000000", "subnet-0b000000", "subnet-0c000000"},
		PublicSubnetIDs:  []string{"subnet-1a000000", "subnet-1b000000", "subnet-1c000000"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(vpc.CIDR(), len(vpc.PrivateSubnetIDs()), len(vpc.PublicSubnetIDs()))
	fmt.Println(*vpc.DNSPrecondition().ErrorMessage)

	_, err = network.ImportVPC(stack, "typo", network.ImportVPCProps{VPCID: "vpc-123", PrivateSubnetIDs: []string{"subnet-0a000000"}})
	fmt.Println(err)
	// Output:
	// 10.30.0.0/16 3 3
	// VPC vpc-0123456789abcdef0 must have DNS support and DNS hostnames enabled for private endpoints.
	// network "example/typo": VPCID "vpc-123" is not a VPC id; expected vpc- followed by 8 or 17 hex digits
}
