package serverless_test

import (
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/loggroup/loggrouptest"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/serverless"
)

// Every function's log group is encrypted with the one key its stack
// shares for log groups, and keeps its retention.
func TestHandlerLogGroupsShareTheStacksLogsKey(t *testing.T) {
	stack := tftest.NewStack(t)
	for _, id := range []string{"orders", "payments"} {
		if _, err := serverless.NewHandler(stack, id, props(t)); err != nil {
			t.Fatal(err)
		}
	}
	doc := tftest.Synth(t, stack)
	loggrouptest.CheckSharedKey(t, doc, "orders_log-group", "payments_log-group")
	if g := doc.One(t, "aws_cloudwatch_log_group", "orders_log-group"); g["retention_in_days"] != float64(90) {
		t.Errorf("retention_in_days = %v, want the default 90", g["retention_in_days"])
	}
}
