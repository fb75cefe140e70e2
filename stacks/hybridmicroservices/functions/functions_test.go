package functions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
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
