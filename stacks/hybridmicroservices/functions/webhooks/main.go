// Command webhooks is the hybrid stack's webhook intake Lambda.
package main

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/hybridstack/hybridstack/stacks/hybridmicroservices/functions"
)

func main() {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	// The queue carries each request's trace to the worker (AWSTraceHeader).
	q := functions.Queue{Client: sqs.NewFromConfig(cfg), URL: os.Getenv("QUEUE_URL")}
	lambda.Start(func(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		return functions.Webhook(ctx, q, req)
	})
}
