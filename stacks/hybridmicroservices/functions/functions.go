// Package functions holds the hybrid microservices stack's Lambda code:
// webhooks accepts partner webhooks from the API and queues them; the order
// worker forwards queued webhooks and EventBridge order events to the orders
// service on EKS inside the VPC.
//
// Both carry the request's trace (package tracecontext): the webhook's
// message holds the invocation's X-Ray trace header in its AWSTraceHeader
// system attribute, and the worker sends each message's trace on to the
// orders service (X-Amzn-Trace-Id and traceparent) and names it in its log
// lines (trace_id).
package functions

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/hybridstack/hybridstack/stacks/base/tracecontext"
)

// Sender queues a message body.
type Sender interface {
	Send(ctx context.Context, body string) error
}

// SQSAPI is the part of the SQS client Queue uses.
type SQSAPI interface {
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, opts ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
}

// Queue is a Sender to an SQS queue. Each message carries the trace of
// the context it is sent in (the Lambda invocation's X-Ray trace header)
// in its AWSTraceHeader system attribute, so the consumer's trace links
// to the producer's. The AWS SDK also sends the header as X-Amzn-Trace-Id
// when _X_AMZN_TRACE_ID is set; the attribute takes precedence, and is
// there as well when the variable is not (functions serving several
// invocations at once).
type Queue struct {
	Client SQSAPI
	URL    string
}

// Send sends body to the queue.
func (q Queue) Send(ctx context.Context, body string) error {
	in := &sqs.SendMessageInput{QueueUrl: aws.String(q.URL), MessageBody: aws.String(body)}
	if h, ok := tracecontext.FromContext(ctx); ok {
		in.MessageSystemAttributes = map[string]sqstypes.MessageSystemAttributeValue{
			string(sqstypes.MessageSystemAttributeNameForSendsAWSTraceHeader): {DataType: aws.String("String"), StringValue: aws.String(h.String())},
		}
	}
	_, err := q.Client.SendMessage(ctx, in)
	return err
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
	// Log receives a line per message or event, with its trace_id.
	// Default: slog.Default()
	Log *slog.Logger
}

func (w *Worker) log() *slog.Logger {
	if w.Log == nil {
		return slog.Default()
	}
	return w.Log
}

// traced returns ctx carrying h, when ok, and the trace's log attributes.
func traced(ctx context.Context, h tracecontext.Header, ok bool) (context.Context, []any) {
	if !ok {
		return ctx, nil
	}
	return tracecontext.NewContext(ctx, h), []any{"trace_id", h.LogID()}
}

// perRequest bounds one call to the orders service.
const perRequest = 10 * time.Second

// HandleSQS posts each message to the orders service and reports the ones
// that failed, so only they are retried. It never runs into the Lambda
// timeout: a message it has no time left for counts as failed instead of
// failing (and redelivering) the whole batch.
//
// Each message is posted in its own trace: the one its AWSTraceHeader
// attribute names (the webhook request's), or else the invocation's. A
// batch holds messages of several requests, and Lambda's own segment
// belongs to a trace of the batch that X-Ray links to theirs.
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
		h, ok := tracecontext.FromSQSAttributes(m.Attributes)
		if !ok {
			h, ok = tracecontext.FromContext(ctx)
		}
		mctx, attrs := traced(ctx, h, ok)
		log := w.log().With(append([]any{"message_id", m.MessageId}, attrs...)...)
		if timeout <= 0 {
			log.Warn("no time left before the deadline; the message goes back to the queue")
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
			continue
		}
		if err := w.post(mctx, timeout, "/orders/webhooks", []byte(m.Body)); err != nil {
			log.Error("forwarding the webhook to orders failed; the message goes back to the queue", "error", err.Error())
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
			continue
		}
		log.Info("forwarded the webhook to orders")
	}
	return resp, nil
}

// HandleEvent posts an EventBridge order event to the orders service.
func (w *Worker) HandleEvent(ctx context.Context, ev events.EventBridgeEvent) error {
	if w.EventSource == "" || ev.Source != w.EventSource {
		return fmt.Errorf("unexpected event source %q (want %q)", ev.Source, w.EventSource)
	}
	h, ok := tracecontext.FromContext(ctx)
	ctx, attrs := traced(ctx, h, ok)
	log := w.log().With(append([]any{"event_id", ev.ID}, attrs...)...)
	if err := w.post(ctx, perRequest, "/orders/events", ev.Detail); err != nil {
		log.Error("forwarding the order event to orders failed", "error", err.Error())
		return err
	}
	log.Info("forwarded the order event to orders")
	return nil
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
	// The orders service continues the trace (X-Amzn-Trace-Id for X-Ray
	// SDKs, traceparent for OpenTelemetry).
	if h, ok := tracecontext.FromContext(ctx); ok {
		h.Inject(req.Header)
	}
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
