package serverless_test

import (
	"errors"
	"fmt"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/lambdacode"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/queue"
	"github.com/hybridstack/hybridstack/constructs/serverless"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// exampleAttribute returns an attribute of every synthesized resource of
// one type, sorted.
func exampleAttribute(stack cdktf.TerraformStack, typ, attribute string) []string {
	return tftest.Collect(stack, typ, func(r map[string]any) string { return fmt.Sprint(r[attribute]) })
}

// A function from a zip already in S3 (so nothing is built at synth time),
// with the defaults: provided.al2023 on arm64, 256 MB, 30 s, its own log
// group, X-Ray tracing, a failure queue for async events, and alarms.
func ExampleNewHandler() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	fn, err := serverless.NewHandler(stack, "thumbnails", serverless.HandlerProps{
		Code: lambdacode.FromS3("acme-artifacts", "thumbnails/v42.zip", ""),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fn.TimeoutSeconds(), fn.FailureQueue() != nil)
	for _, name := range exampleAttribute(stack, "aws_cloudwatch_metric_alarm", "alarm_name") {
		fmt.Println(name)
	}
	// Output:
	// 30 true
	// example-thumbnails-duration-alarm
	// example-thumbnails-errors-alarm
	// example-thumbnails-failed-events-alarm
	// example-thumbnails-throttles-alarm
}

// A container-image function in the private subnets of a VPC, with
// environment variables, reserved concurrency, bounded async retries,
// alarms notifying a topic, and two event sources: a queue and a schedule.
func ExampleNewHandler_realistic() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.NewVPC(stack, "network", network.VPCProps{AZCount: 2, Endpoints: []network.Endpoint{network.EndpointS3, network.EndpointSQS}})
	if err != nil {
		fmt.Println(err)
		return
	}
	orders, err := queue.NewQueue(stack, "orders", queue.Props{VisibilityTimeoutSeconds: 360})
	if err != nil {
		fmt.Println(err)
		return
	}
	retries, concurrency := 1, 20
	fn, err := serverless.NewHandler(stack, "fulfilment", serverless.HandlerProps{
		FunctionName:        "acme-fulfilment",
		Code:                lambdacode.FromImage("123456789012.dkr.ecr.eu-west-1.amazonaws.com/fulfilment@sha256:4f1c0e8a0c2b3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccdd"),
		Architecture:        "x86_64",
		MemoryMB:            1024,
		TimeoutSeconds:      60,
		Environment:         map[string]string{"ORDERS_TABLE": "orders"},
		ReservedConcurrency: &concurrency,
		LogLevel:            "WARN",
		LogRetentionDays:    30,
		VPC:                 vpc,
		Async:               serverless.AsyncProps{MaxRetries: &retries, MaxEventAgeSeconds: 3600},
		Alarms:              serverless.AlarmProps{TopicARN: "arn:aws:sns:eu-west-1:123456789012:alarms"},
		Tags:                map[string]string{"team": "shop"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := fn.AddSQSSource("orders", orders, serverless.SQSSourceProps{BatchSize: 50, MaxBatchingWindowSeconds: 5}); err != nil {
		fmt.Println(err)
		return
	}
	if err := fn.AddSchedule("nightly-report", "cron(0 3 * * ? *)"); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("own security group:", fn.SecurityGroupID() != "")
	for _, name := range exampleAttribute(stack, "aws_cloudwatch_metric_alarm", "alarm_name") {
		fmt.Println(name)
	}
	// Output:
	// own security group: true
	// acme-fulfilment-duration-alarm
	// acme-fulfilment-errors-alarm
	// acme-fulfilment-failed-events-alarm
	// acme-fulfilment-sqs-orders-dead-letter-alarm
	// acme-fulfilment-throttles-alarm
	// example-orders-oldest-message-alarm
}

// Every problem with the props comes back at once.
func ExampleNewHandler_invalidProps() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))

	_, err := serverless.NewHandler(stack, "fn", serverless.HandlerProps{
		Code:           lambdacode.FromS3("acme-artifacts", "fn.zip", ""),
		MemoryMB:       64,
		TimeoutSeconds: 1000,
		Environment:    map[string]string{"AWS_REGION": "eu-west-1"},
	})
	fmt.Println(errors.Is(err, validate.ErrInvalid))
	for _, fe := range validate.Fields(err) {
		fmt.Println(fe.Field+":", fe.Problem)
	}
	// Output:
	// true
	// MemoryMB: 64 is out of range; use 128 to 10240
	// TimeoutSeconds: 1000 is out of range; use 1 to 900
	// Environment: key "AWS_REGION" is reserved by Lambda
}

// Schedule expressions are checked at synth time, as EventBridge would.
func ExampleValidateSchedule() {
	for _, expr := range []string{"rate(5 minutes)", "rate(1 minutes)", "cron(0 3 * * ? *)", "cron(0 3 * * *)"} {
		fmt.Println(serverless.ValidateSchedule(expr))
	}
	// Output:
	// <nil>
	// "rate(1 minutes)": use "minute" for 1 and the plural otherwise
	// <nil>
	// "cron(0 3 * * *)" has 5 fields; EventBridge cron takes six: minutes hours day-of-month month day-of-week year
}

// Event sources wire the permission, mapping and IAM each needs.
func ExampleHandler_AddEventRule() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	fn, err := serverless.NewHandler(stack, "audit", serverless.HandlerProps{Code: lambdacode.FromS3("acme-artifacts", "audit.zip", "")})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fn.AddEventRule("console-logins", serverless.EventRuleProps{Pattern: `{"detail-type":["AWS Console Sign In via CloudTrail"]}`}))
	fmt.Println(fn.AddSNSSource("alerts", "arn:aws:sns:eu-west-1:123456789012:alerts", serverless.SNSSourceProps{FilterPolicy: `{"severity":["high"]}`}))
	fmt.Println(fn.AddStreamSource("changes", "arn:aws:dynamodb:eu-west-1:123456789012:table/accounts/stream/2024-01-01T00:00:00.000", serverless.StreamSourceProps{StartingPosition: "TRIM_HORIZON"}))
	fmt.Println(fn.AddEventRule("everything", serverless.EventRuleProps{Pattern: `{}`}))
	// Output:
	// <nil>
	// <nil>
	// <nil>
	// serverless "example/audit": AddEventRule(everything).Pattern "{}" is not a non-empty JSON object event pattern
}
