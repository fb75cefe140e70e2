// Command session is the fintech front door's GET /me Lambda.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/hybridstack/hybridstack/stacks/fintech/functions/session"
)

func main() {
	lambda.Start(func(_ context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		return session.Handle(req), nil
	})
}
