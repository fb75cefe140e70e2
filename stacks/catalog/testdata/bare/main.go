// Command bare measures the fixed cost every synth pays: start the jsii
// runtime, load the AWS provider binding and synthesize an empty stack with
// only the provider. The benchmarks compare full stacks against it.
package main

import (
	"os"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

func main() {
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(os.Args[1])})
	stack := cdktf.NewTerraformStack(app, jsii.String("bare"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	app.Synth()
}
