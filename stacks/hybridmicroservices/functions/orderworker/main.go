// Command orderworker is the hybrid stack's order worker Lambda.
package main

import (
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/hybridstack/hybridstack/stacks/hybridmicroservices/functions"
)

func main() {
	w := &functions.Worker{
		OrdersURL:   os.Getenv("ORDERS_URL"),
		EventSource: os.Getenv("EVENT_SOURCE"),
		Client:      &http.Client{Timeout: 15 * time.Second},
		// JSON lines with the trace_id of each message.
		Log: slog.New(slog.NewJSONHandler(os.Stdout, nil)),
	}
	lambda.Start(w.Handle)
}
