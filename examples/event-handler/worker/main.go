// Command worker is the example's Lambda function: it acknowledges SQS
// messages whose body is a JSON object and reports the others as failed, so
// only they return to the queue (partial batch response).
package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func handle(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	var resp events.SQSEventResponse
	for _, m := range ev.Records {
		var body map[string]any
		if err := json.Unmarshal([]byte(m.Body), &body); err != nil {
			slog.Warn("rejecting message", "id", m.MessageId, "error", err.Error())
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
			continue
		}
		slog.Info("processed", "id", m.MessageId, "fields", len(body))
	}
	return resp, nil
}

func main() {
	slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stdout, nil)))
	lambda.Start(handle)
}
