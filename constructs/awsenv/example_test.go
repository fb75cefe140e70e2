package awsenv_test

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
)

// Constructs that build ARNs share the stack's one aws_caller_identity,
// aws_partition and aws_region data source, however many ask.
func ExampleOf() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	for _, id := range []string{"orders", "payments"} {
		scope := constructs.NewConstruct(stack, jsii.String(id))
		env, err := awsenv.Of(scope)
		if err != nil {
			fmt.Println(err)
			return
		}
		// Tokens, resolved by Terraform: arn:aws:sqs:eu-west-1:123456789012:orders.
		_ = "arn:" + env.Partition + ":sqs:" + env.Region + ":" + env.Account + ":" + id
	}
	for _, child := range *stack.Node().Children() {
		fmt.Println(*child.Node().Id())
	}
	// Output:
	// aws
	// orders
	// awsenv-account
	// awsenv-partition
	// awsenv-region
	// payments
}

// The shared data sources live in a stack: a construct outside one, or a
// stack where another construct took one of their ids, gets an error
// wrapping validate.ErrInvalid.
func ExampleOf_errors() {
	app := cdktf.NewApp(nil)
	_, err := awsenv.Of(constructs.NewConstruct(app, jsii.String("loose")))
	fmt.Println(err)

	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	constructs.NewConstruct(stack, jsii.String(awsenv.RegionID))
	_, err = awsenv.Of(stack)
	fmt.Println(err)
	// Output:
	// awsenv: construct "loose" is not inside a cdktf.TerraformStack: invalid props
	// awsenv: stack "example" already has a child "awsenv-region" that is not the shared data source (*constructs.jsiiProxy_Construct); rename that construct: invalid props
}
