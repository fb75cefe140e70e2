package mesh_test

import (
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/loggroup/loggrouptest"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/mesh"
)

// The Lattice access log group is encrypted with the stack's shared logs
// key, the one the VPC's flow logs use too.
func TestLatticeAccessLogGroupUsesTheStacksLogsKey(t *testing.T) {
	e := newEnv(t, false)
	if _, err := mesh.NewNetwork(e.stack, "mesh", mesh.NetworkProps{Name: "shop", VPC: e.vpc}); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, e.stack)
	loggrouptest.CheckSharedKey(t, doc, "mesh_access-logs", "flow-log-group")
	if g := doc.One(t, "aws_cloudwatch_log_group", "access-logs"); g["name"] != "/aws/vendedlogs/vpc-lattice/shop" || g["retention_in_days"] != float64(90) {
		t.Errorf("access log group = %v", g)
	}
}
