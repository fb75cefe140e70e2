package functions

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

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
	w := &Worker{OrdersURL: orders.URL, Client: orders.Client()}

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
