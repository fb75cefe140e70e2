// Package functions holds the hybrid microservices stack's Lambda code:
// webhooks accepts partner webhooks from the API and queues them; the order
// worker forwards queued webhooks and EventBridge order events to the orders
// service on EKS inside the VPC.
package functions

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// Sender queues a message body.
type Sender interface {
	Send(ctx context.Context, body string) error
}

// Webhook validates an API Gateway (payload 2.0) request holding a JSON
// object, queues it, and answers 202 with the queued id; bad requests get
// 400 and are not queued.
func Webhook(ctx context.Context, q Sender, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	body := req.Body
	if req.IsBase64Encoded {
		return respond(400, "send the webhook as JSON text"), nil
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(body), &obj); err != nil {
		return respond(400, "body is not a JSON object"), nil
	}
	id, _ := obj["id"].(string)
	if id == "" {
		return respond(400, `body needs a string "id"`), nil
	}
	msg, _ := json.Marshal(map[string]any{"source": "webhook", "path": req.RawPath, "id": id, "payload": obj})
	if err := q.Send(ctx, string(msg)); err != nil {
		return events.APIGatewayV2HTTPResponse{}, fmt.Errorf("queueing webhook %s: %w", id, err)
	}
	return respond(202, "queued "+id), nil
}

func respond(status int, message string) events.APIGatewayV2HTTPResponse {
	b, _ := json.Marshal(map[string]string{"message": message})
	return events.APIGatewayV2HTTPResponse{StatusCode: status, Headers: map[string]string{"content-type": "application/json"}, Body: string(b)}
}

// Worker forwards work to the orders service.
type Worker struct {
	// OrdersURL is the orders service's internal endpoint.
	OrdersURL string
	Client    *http.Client
	// EventSource is the EventBridge source of order events (the stack's
	// name + ".orders"); events from other sources are refused.
	EventSource string
	// Reserve is the time kept back before the invocation's deadline to
	// report the batch; messages not yet posted by then are reported as
	// failed so that SQS redelivers only them.
	// Default: 2s
	Reserve time.Duration
}

// perRequest bounds one call to the orders service.
const perRequest = 10 * time.Second

// HandleSQS posts each message to the orders service and reports the ones
// that failed, so only they are retried. It never runs into the Lambda
// timeout: a message it has no time left for counts as failed instead of
// failing (and redelivering) the whole batch.
func (w *Worker) HandleSQS(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	reserve := w.Reserve
	if reserve == 0 {
		reserve = 2 * time.Second
	}
	var resp events.SQSEventResponse
	for _, m := range ev.Records {
		timeout := perRequest
		if deadline, ok := ctx.Deadline(); ok {
			timeout = min(timeout, time.Until(deadline)-reserve)
		}
		if timeout <= 0 {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
			continue
		}
		if err := w.post(ctx, timeout, "/orders/webhooks", []byte(m.Body)); err != nil {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
		}
	}
	return resp, nil
}

// HandleEvent posts an EventBridge order event to the orders service.
func (w *Worker) HandleEvent(ctx context.Context, ev events.EventBridgeEvent) error {
	if w.EventSource == "" || ev.Source != w.EventSource {
		return fmt.Errorf("unexpected event source %q (want %q)", ev.Source, w.EventSource)
	}
	return w.post(ctx, perRequest, "/orders/events", ev.Detail)
}

// Handle dispatches on the shape of the invocation: SQS batch or
// EventBridge event.
func (w *Worker) Handle(ctx context.Context, raw json.RawMessage) (any, error) {
	var probe struct {
		Records    []json.RawMessage `json:"Records"`
		DetailType string            `json:"detail-type"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return nil, fmt.Errorf("invocation is not JSON: %w", err)
	}
	switch {
	case len(probe.Records) > 0:
		var ev events.SQSEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, err
		}
		return w.HandleSQS(ctx, ev)
	case probe.DetailType != "":
		var ev events.EventBridgeEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, err
		}
		return nil, w.HandleEvent(ctx, ev)
	}
	return nil, errors.New("invocation is neither an SQS batch nor an EventBridge event")
}

func (w *Worker) post(ctx context.Context, timeout time.Duration, path string, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(w.OrdersURL, "/")+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("content-type", "application/json")
	resp, err := w.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("orders service answered %s", resp.Status)
	}
	return nil
}
