package frontdoor_test

import (
	"testing"

	"github.com/hybridstack/hybridstack/constructs/frontdoor"
	"github.com/hybridstack/hybridstack/constructs/internal/loggroup/loggrouptest"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
)

// The access log group is encrypted with the stack's shared logs key, the
// same key as the log group of the function behind the front door.
func TestAccessLogGroupUsesTheStacksLogsKey(t *testing.T) {
	stack := tftest.NewStack(t)
	fd, err := frontdoor.NewFrontDoor(stack, "api", frontdoor.FrontDoorProps{DefaultAuthorizer: jwt(), LogRetentionDays: 30})
	if err != nil {
		t.Fatal(err)
	}
	if err := fd.RouteToLambda("GET /orders", handler(t, stack, "orders", 10), frontdoor.RouteOptions{}); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	loggrouptest.CheckSharedKey(t, doc, "api_access-logs", "orders_log-group")
	if g := doc.One(t, "aws_cloudwatch_log_group", "access-logs"); g["retention_in_days"] != float64(30) {
		t.Errorf("access log retention = %v, want 30", g["retention_in_days"])
	}
	stage := doc.One(t, "aws_apigatewayv2_stage", "stage")
	if got := tftest.Block(stage, "access_log_settings")["destination_arn"]; got != "${"+doc.Address(t, "aws_cloudwatch_log_group", "access-logs")+".arn}" {
		t.Errorf("stage access logs go to %v", got)
	}
}
