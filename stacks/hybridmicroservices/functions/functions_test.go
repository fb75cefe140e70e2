package functions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/hybridstack/hybridstack/stacks/base/tracecontext"
)

type fakeQueue struct {
	sent []string
	err  error
}

func (f *fakeQueue) Send(_ context.Context, body string) error {
	if f.err != nil {
		return f.err
	}
	f.sent = append(f.sent, body)
	return nil
}

func TestWebhook(t *testing.T) {
	q := &fakeQueue{}
	resp, err := Webhook(context.Background(), q, events.APIGatewayV2HTTPRequest{RawPath: "/webhooks/stripe", Body: `{"id":"evt_1","amount":5}`})
	if err != nil || resp.StatusCode != 202 || len(q.sent) != 1 || !strings.Contains(q.sent[0], `"id":"evt_1"`) {
		t.Fatalf("resp %+v err %v sent %v", resp, err, q.sent)
	}
	for _, body := range []string{"not json", `[1,2]`, `{"amount":5}`} {
		resp, err := Webhook(context.Background(), q, events.APIGatewayV2HTTPRequest{Body: body})
		if err != nil || resp.StatusCode != 400 {
			t.Errorf("%q: resp %+v err %v", body, resp, err)
		}
	}
	if _, err := Webhook(context.Background(), &fakeQueue{err: errors.New("down")}, events.APIGatewayV2HTTPRequest{Body: `{"id":"x"}`}); err == nil {
		t.Error("queue failure was swallowed")
	}
}

func TestWorker(t *testing.T) {
	var mu sync.Mutex
	var got []string
	orders := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if strings.Contains(string(b), "fail") {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		mu.Lock()
		got = append(got, r.URL.Path+" "+string(b))
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	defer orders.Close()
	w := &Worker{OrdersURL: orders.URL, Client: orders.Client(), EventSource: "hybrid.orders"}

	sqs := `{"Records":[{"messageId":"m1","body":"{\"id\":\"a\"}","eventSource":"aws:sqs"},{"messageId":"m2","body":"{\"id\":\"fail\"}","eventSource":"aws:sqs"}]}`
	out, err := w.Handle(context.Background(), json.RawMessage(sqs))
	if err != nil {
		t.Fatal(err)
	}
	resp := out.(events.SQSEventResponse)
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "m2" {
		t.Errorf("failures = %+v", resp.BatchItemFailures)
	}
	ev := `{"version":"0","id":"e1","detail-type":"OrderPlaced","source":"hybrid.orders","detail":{"orderId":"o-1"}}`
	if _, err := w.Handle(context.Background(), json.RawMessage(ev)); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != `/orders/webhooks {"id":"a"}` || got[1] != `/orders/events {"orderId":"o-1"}` {
		t.Errorf("orders service got %q", got)
	}
	if _, err := w.Handle(context.Background(), json.RawMessage(`{"foo":1}`)); err == nil {
		t.Error("unknown invocation accepted")
	}
	if _, err := w.Handle(context.Background(), json.RawMessage(`{"detail-type":"X","source":"other"}`)); err == nil {
		t.Error("foreign event source accepted")
	}
}

// A slow orders service must not push the batch past the Lambda timeout:
// what could not be posted in time is reported failed, the rest succeeds.
func TestWorkerStopsBeforeTheDeadline(t *testing.T) {
	var posted atomic.Int32
	orders := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posted.Add(1)
		time.Sleep(150 * time.Millisecond)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer orders.Close()
	w := &Worker{OrdersURL: orders.URL, Client: orders.Client(), Reserve: 100 * time.Millisecond}
	var ev events.SQSEvent
	for i := 0; i < 10; i++ {
		ev.Records = append(ev.Records, events.SQSMessage{MessageId: fmt.Sprintf("m%d", i), Body: `{"id":"x"}`})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	resp, err := w.HandleSQS(ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed > 500*time.Millisecond {
		t.Errorf("the batch took %v, past the 500ms deadline", elapsed)
	}
	failed := len(resp.BatchItemFailures)
	if failed == 0 || failed == 10 || int(posted.Load())+failed < 10 {
		t.Errorf("posted %d, failed %d of 10: want the first few posted and the rest reported", posted.Load(), failed)
	}
	if last := resp.BatchItemFailures[failed-1].ItemIdentifier; last != "m9" {
		t.Errorf("last failure %s, want m9", last)
	}
}

type fakeSQS struct{ sent []*sqs.SendMessageInput }

func (f *fakeSQS) SendMessage(_ context.Context, in *sqs.SendMessageInput, _ ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	f.sent = append(f.sent, in)
	return &sqs.SendMessageOutput{MessageId: aws.String("m-1")}, nil
}

const invocationTrace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:0"

// Context in, same trace out: the webhook's message carries the
// invocation's trace header (Lineage included, which Lambda's recursive
// loop detection reads) in AWSTraceHeader.
func TestWebhookCarriesTheTrace(t *testing.T) {
	t.Setenv("_X_AMZN_TRACE_ID", "")
	client := &fakeSQS{}
	q := Queue{Client: client, URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/webhooks"}
	// The context aws-lambda-go hands the handler.
	ctx := context.WithValue(context.Background(), "x-amzn-trace-id", invocationTrace) //nolint:staticcheck // aws-lambda-go's key
	resp, err := Webhook(ctx, q, events.APIGatewayV2HTTPRequest{RawPath: "/webhooks/stripe", Body: `{"id":"evt_1"}`})
	if err != nil || resp.StatusCode != 202 || len(client.sent) != 1 {
		t.Fatalf("resp %+v err %v sent %d", resp, err, len(client.sent))
	}
	in := client.sent[0]
	attr, ok := in.MessageSystemAttributes["AWSTraceHeader"]
	if !ok || aws.ToString(attr.DataType) != "String" {
		t.Fatalf("system attributes %+v", in.MessageSystemAttributes)
	}
	h, err := tracecontext.ParseXRay(aws.ToString(attr.StringValue))
	if err != nil || h.Trace.XRay() != "1-5759e988-bd862e3fe1be46a994272793" || aws.ToString(attr.StringValue) != invocationTrace {
		t.Errorf("AWSTraceHeader = %q (%v), want %q", aws.ToString(attr.StringValue), err, invocationTrace)
	}
	if aws.ToString(in.QueueUrl) != q.URL || !strings.Contains(aws.ToString(in.MessageBody), `"id":"evt_1"`) {
		t.Errorf("input %+v", in)
	}
	// No trace anywhere: no attribute (an empty one would be refused).
	client.sent = nil
	if _, err := Webhook(context.Background(), q, events.APIGatewayV2HTTPRequest{Body: `{"id":"evt_2"}`}); err != nil || len(client.sent) != 1 {
		t.Fatal(err)
	}
	if client.sent[0].MessageSystemAttributes != nil {
		t.Errorf("untraced message has attributes %+v", client.sent[0].MessageSystemAttributes)
	}
}

// The worker carries each message's trace, not the batch invocation's, to
// the orders service and into its log lines; an event keeps the
// invocation's.
func TestWorkerCarriesTheTrace(t *testing.T) {
	t.Setenv("_X_AMZN_TRACE_ID", "")
	var mu sync.Mutex
	seen := map[string]http.Header{}
	orders := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen[string(b)] = r.Header.Clone()
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	defer orders.Close()
	var logs strings.Builder
	w := &Worker{OrdersURL: orders.URL, Client: orders.Client(), EventSource: "hybrid.orders", Log: slog.New(slog.NewJSONHandler(&logs, nil))}

	batch := "Root=1-66aa0000-00000000000000000000b0b0;Parent=1111111111111111;Sampled=1"
	ctx := context.WithValue(context.Background(), "x-amzn-trace-id", batch) //nolint:staticcheck // aws-lambda-go's key
	ev := events.SQSEvent{Records: []events.SQSMessage{
		{MessageId: "m1", Body: `{"id":"a"}`, Attributes: map[string]string{"AWSTraceHeader": invocationTrace, "ApproximateReceiveCount": "1"}},
		{MessageId: "m2", Body: `{"id":"b"}`}, // no trace: the invocation's
		{MessageId: "m3", Body: `{"id":"c"}`, Attributes: map[string]string{"AWSTraceHeader": "junk"}}, // malformed: the invocation's
	}}
	resp, err := w.HandleSQS(ctx, ev)
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("resp %+v err %v", resp, err)
	}
	want := map[string]struct{ xray, traceparent, log string }{
		`{"id":"a"}`: {invocationTrace, "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01", "1-5759e988-bd862e3fe1be46a994272793"},
		`{"id":"b"}`: {batch, "00-66aa000000000000000000000000b0b0-1111111111111111-01", "1-66aa0000-00000000000000000000b0b0"},
		`{"id":"c"}`: {batch, "00-66aa000000000000000000000000b0b0-1111111111111111-01", "1-66aa0000-00000000000000000000b0b0"},
	}
	for body, x := range want {
		h := seen[body]
		if h == nil {
			t.Errorf("orders never got %s", body)
			continue
		}
		if h.Get("X-Amzn-Trace-Id") != x.xray || h.Get("traceparent") != x.traceparent {
			t.Errorf("%s: X-Amzn-Trace-Id %q traceparent %q, want %q %q", body, h.Get("X-Amzn-Trace-Id"), h.Get("traceparent"), x.xray, x.traceparent)
		}
	}
	lines := map[string]map[string]any{}
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		id, _ := rec["message_id"].(string)
		lines[id] = rec
	}
	for id, trace := range map[string]string{"m1": "1-5759e988-bd862e3fe1be46a994272793", "m2": "1-66aa0000-00000000000000000000b0b0", "m3": "1-66aa0000-00000000000000000000b0b0"} {
		if got := lines[id]["trace_id"]; got != trace {
			t.Errorf("log line of %s has trace_id %v, want %s (lines %v)", id, got, trace, lines)
		}
	}

	// An EventBridge event: the invocation's trace, which EventBridge
	// continued from the publisher when it was traced.
	logs.Reset()
	if err := w.HandleEvent(ctx, events.EventBridgeEvent{ID: "e1", Source: "hybrid.orders", Detail: json.RawMessage(`{"orderId":"o-1"}`)}); err != nil {
		t.Fatal(err)
	}
	if got := seen[`{"orderId":"o-1"}`].Get("X-Amzn-Trace-Id"); got != batch {
		t.Errorf("event: X-Amzn-Trace-Id %q, want %q", got, batch)
	}
	if !strings.Contains(logs.String(), `"trace_id":"1-66aa0000-00000000000000000000b0b0"`) || !strings.Contains(logs.String(), `"event_id":"e1"`) {
		t.Errorf("event log: %s", logs.String())
	}

	// Nothing traced: no headers, no trace_id, still forwarded.
	logs.Reset()
	if _, err := w.HandleSQS(context.Background(), events.SQSEvent{Records: []events.SQSMessage{{MessageId: "m4", Body: `{"id":"d"}`}}}); err != nil {
		t.Fatal(err)
	}
	if h := seen[`{"id":"d"}`]; h == nil || h.Get("X-Amzn-Trace-Id") != "" || h.Get("traceparent") != "" || strings.Contains(logs.String(), "trace_id") {
		t.Errorf("untraced: headers %v log %s", h, logs.String())
	}
}
