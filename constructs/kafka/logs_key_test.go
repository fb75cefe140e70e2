package kafka_test

import (
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/loggroup/loggrouptest"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/kafka"
)

// Broker logs go to a log group encrypted with the stack's shared logs key
// (not the key of the data volumes), protected from destroy like the
// cluster.
func TestBrokerLogGroupUsesTheStacksLogsKey(t *testing.T) {
	stack, vpc := importedVPC(t, 3)
	c, err := kafka.NewCluster(stack, "events", kafka.ClusterProps{Name: "events", VPC: vpc})
	if err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	loggrouptest.CheckSharedKey(t, doc, "broker-logs")
	g := doc.One(t, "aws_cloudwatch_log_group", "broker-logs")
	if g["name"] != kafka.BrokerLogGroupPrefix+"events" || g["kms_key_id"] == "${"+doc.Address(t, "aws_kms_key", "events")+".arn}" {
		t.Errorf("broker log group = %v", g)
	}
	if lc, _ := g["lifecycle"].(map[string]any); lc["prevent_destroy"] != true {
		t.Errorf("broker log group lifecycle = %v, want prevent_destroy like the cluster", g["lifecycle"])
	}
	if c.Key() == nil || len(doc.Resources("aws_kms_key")) != 2 {
		t.Errorf("want the data volume key and the stack's logs key, got %v", doc.Resources("aws_kms_key"))
	}
}
