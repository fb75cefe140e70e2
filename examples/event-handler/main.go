// Command event-handler shows the serverless constructs from a consumer's
// side: a Go worker consuming an SQS queue with partial batch responses, a
// nightly schedule, an EventBridge rule and a bucket it may write reports
// to.
//
// Run it with: go run ./examples/event-handler [outdir]
package main

import (
	"fmt"
	"os"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/lambdacode"
	"github.com/hybridstack/hybridstack/constructs/queue"
	"github.com/hybridstack/hybridstack/constructs/serverless"
	"github.com/hybridstack/hybridstack/constructs/storage"
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
	fmt.Println("synthesized", outdir+"/stacks/event-handler")
}

func build(outdir string) error {
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(outdir)})
	stack := cdktf.NewTerraformStack(app, jsii.String("event-handler"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	// The aws/v19 binding pins the provider it was generated from (5.84.0)
	// exactly; require the 5.x line from 5.100, as the reference stacks do.
	stack.AddOverride(jsii.String("terraform.required_providers.aws.version"), awsProviderConstraint)
	cdktf.NewLocalBackend(stack, &cdktf.LocalBackendConfig{Path: jsii.String("terraform.event-handler.tfstate")})

	// 6 x the function timeout (30 s), as AWS recommends for SQS sources.
	jobs, err := queue.NewQueue(stack, "jobs", queue.Props{VisibilityTimeoutSeconds: 180})
	if err != nil {
		return err
	}
	reports, err := storage.NewBucket(stack, "reports", storage.BucketProps{
		Lifecycle: []storage.LifecycleRule{{ID: "expire-reports", ExpireDays: 90}},
	})
	if err != nil {
		return err
	}
	worker, err := serverless.NewHandler(stack, "worker", serverless.HandlerProps{
		Code:        lambdacode.FromGoPackage("github.com/hybridstack/hybridstack/examples/event-handler/worker"),
		Environment: map[string]string{"REPORT_BUCKET": reports.BucketName()},
	})
	if err != nil {
		return err
	}
	if err := reports.GrantWrite(worker, "nightly/"); err != nil {
		return err
	}
	if err := worker.AddSQSSource("jobs", jobs, serverless.SQSSourceProps{BatchSize: 10, MaxConcurrency: 20}); err != nil {
		return err
	}
	if err := worker.AddSchedule("nightly", "cron(0 3 * * ? *)"); err != nil {
		return err
	}
	if err := worker.AddEventRule("orders", serverless.EventRuleProps{Pattern: `{"source":["shop.orders"],"detail-type":["OrderPlaced"]}`}); err != nil {
		return err
	}
	app.Synth()
	return nil
}
