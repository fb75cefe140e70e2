package eks_test

import (
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/loggroup/loggrouptest"
)

// The control-plane log group (and the VPC's flow log group beside it) are
// encrypted with the one key the stack shares for log groups, not with the
// cluster's secrets key.
func TestControlPlaneLogGroupUsesTheStacksLogsKey(t *testing.T) {
	_, doc := standard(t, nil)
	loggrouptest.CheckSharedKey(t, doc, "cluster_log-group", "flow-log-group")
	if g := doc.One(t, "aws_cloudwatch_log_group", "cluster_log-group"); g["name"] != "/aws/eks/demo/cluster" || g["retention_in_days"] != float64(90) {
		t.Errorf("control-plane log group = %v", g)
	}
	if n := len(doc.Resources("aws_kms_key")); n != 2 {
		t.Errorf("%d KMS keys, want the secrets key and the stack's logs key", n)
	}
}
