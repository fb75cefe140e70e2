package network_test

import (
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/loggroup/loggrouptest"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/network"
)

// Flow logs go to a log group encrypted with the stack's shared logs key,
// unless FlowLogKMSKeyARN names another key.
func TestFlowLogGroupKey(t *testing.T) {
	azs := []string{"eu-west-1a", "eu-west-1b"}
	t.Run("shared key by default", func(t *testing.T) {
		stack := tftest.NewStack(t)
		for _, id := range []string{"a", "b"} {
			if _, err := network.NewVPC(stack, id, network.VPCProps{Name: id, CIDR: map[string]string{"a": "10.0.0.0/16", "b": "10.1.0.0/16"}[id], AvailabilityZones: azs}); err != nil {
				t.Fatal(err)
			}
		}
		loggrouptest.CheckSharedKey(t, tftest.Synth(t, stack), "a_flow-log-group", "b_flow-log-group")
	})
	t.Run("given key", func(t *testing.T) {
		stack := tftest.NewStack(t)
		const key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
		if _, err := network.NewVPC(stack, "net", network.VPCProps{AvailabilityZones: azs, FlowLogKMSKeyARN: key}); err != nil {
			t.Fatal(err)
		}
		doc := tftest.Synth(t, stack)
		if g := doc.One(t, "aws_cloudwatch_log_group", "flow-log-group"); g["kms_key_id"] != key || g["retention_in_days"] != float64(90) {
			t.Errorf("flow log group = %v, want kms_key_id %s and retention 90", g, key)
		}
		if keys := doc.Resources("aws_kms_key"); len(keys) != 0 {
			t.Errorf("a given flow log key still made the shared logs key: %v", keys)
		}
	})
}
