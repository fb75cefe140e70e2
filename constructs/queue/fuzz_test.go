package queue_test

import (
	"math"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/fuzztest"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/queue"
)

// FuzzNewQueue feeds primitive values into the props of NewQueue and checks
// the contract of every call: it returns a value or an error, never both
// and never neither, and never panics; an error is about props, so it
// wraps validate.ErrInvalid, every FieldError in it names the construct
// path, the field and the problem, and a failed NewQueue added nothing to
// the tree; a stack built without error synthesizes. `go test` runs the
// seeds; `make fuzz` (go test -fuzz) explores from them.
func FuzzNewQueue(f *testing.F) {
	f.Add("orders", "", false, 0, 0, "", 0, false, "", "")
	f.Add("orders", "acme-orders-", true, 900, 1209600, "arn:aws:kms:eu-west-1:123456789012:key/k", 3, false, "team", "shop")
	f.Add("orders", "", false, 0, 0, "alias/orders", 0, true, "", "")
	f.Add("orders", "@token", false, -1, 59, "@token", -3, false, "", "")
	f.Add("orders", strings.Repeat("q", 51), true, 43201, 1209601, "key", 1001, false, "", "")
	f.Add("orders", "ünïcødé", false, math.MaxInt, math.MinInt, "arn:", math.MaxInt, true, "", "x")
	f.Add("ünï/cødé", "", true, 0, 0, "", 0, false, "", "")
	f.Add(strings.Repeat("o", 49), "", false, 0, 0, "", 0, false, "", "")
	f.Add("awsenv-account", "", false, 0, 0, "", 0, false, "", "")
	fuzztest.WarmUp(f)
	f.Fuzz(func(t *testing.T, id, prefix string, fifo bool, visibility, retention int, kms string, maxReceive int, isDLQ bool, tagKey, tagValue string) {
		stack := fuzztest.Stack(t)
		fuzztest.Tokens(stack, &prefix, &kms)
		props := queue.Props{NamePrefix: prefix, FIFO: fifo, VisibilityTimeoutSeconds: visibility, RetentionSeconds: retention, KMSKeyARN: kms, MaxReceiveCount: maxReceive, IsDeadLetterQueue: isDLQ}
		if tagKey != "" || tagValue != "" {
			props.Tags = map[string]string{tagKey: tagValue}
		}
		var q *queue.Queue
		var err error
		added := fuzztest.Adds(stack, id)
		fuzztest.Run(t, func() { q, err = queue.NewQueue(stack, id, props) })
		if !fuzztest.Check(t, "NewQueue", q != nil, err) {
			if added() {
				t.Fatalf("NewQueue returned %v but added %q to the tree", err, id)
			}
			return
		}
		if q.FIFO() != fifo || (q.DeadLetterQueue() == nil) != isDLQ || q.QueueARN() == "" {
			t.Fatalf("NewQueue: FIFO %v, dead-letter queue %v, for props %+v", q.FIFO(), q.DeadLetterQueue(), props)
		}
		tftest.Synth(t, stack)
	})
}
