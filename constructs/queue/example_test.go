package queue_test

import (
	"fmt"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/lambdacode"
	"github.com/hybridstack/hybridstack/constructs/queue"
	"github.com/hybridstack/hybridstack/constructs/serverless"
)

// A queue with the defaults: SQS-managed encryption, a 180 s visibility
// timeout, and a dead-letter queue after five receives.
func ExampleNewQueue() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	orders, err := queue.NewQueue(stack, "orders", queue.Props{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(orders.VisibilityTimeoutSeconds(), orders.FIFO(), orders.DeadLetterQueue() != nil)
	// Output: 180 false true
}

// A FIFO queue encrypted with a customer managed key, whose visibility
// timeout covers a consumer with a 120 s timeout (6 x 120 s), and whose
// messages move to the dead-letter queue after three failed receives.
func ExampleNewQueue_realistic() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	payments, err := queue.NewQueue(stack, "payments", queue.Props{
		NamePrefix:               "acme-payments",
		FIFO:                     true,
		VisibilityTimeoutSeconds: 720,
		RetentionSeconds:         1209600,
		KMSKeyARN:                "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		MaxReceiveCount:          3,
		Tags:                     map[string]string{"team": "payments"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(payments.FIFO(), payments.DeadLetterQueue().FIFO(), payments.VisibilityTimeoutSeconds())

	_, err = queue.NewQueue(stack, "typo", queue.Props{VisibilityTimeoutSeconds: 50000, MaxReceiveCount: 0})
	fmt.Println(err)
	// Output:
	// true true 720
	// queue "example/typo": VisibilityTimeoutSeconds 50000 is out of range; use 0 to 43200
}

// A handler is a grant.Grantee: the queue grants it what consuming needs.
// (AddSQSSource grants it too; GrantConsume is for code that polls.)
func ExampleQueue_GrantConsume() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	jobs, err := queue.NewQueue(stack, "jobs", queue.Props{})
	if err != nil {
		fmt.Println(err)
		return
	}
	worker, err := serverless.NewHandler(stack, "worker", serverless.HandlerProps{Code: lambdacode.FromS3("acme-artifacts", "worker.zip", "")})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(jobs.GrantConsume(worker), jobs.GrantSend(worker))
	// Output: <nil> <nil>
}
