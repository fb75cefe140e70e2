package ecs_test

import (
	"testing"

	"github.com/hybridstack/hybridstack/constructs/ecs"
	"github.com/hybridstack/hybridstack/constructs/internal/loggroup/loggrouptest"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
)

// Each task family's log group is encrypted with the stack's one logs key,
// shared with the VPC's flow logs.
func TestTaskLogGroupsShareTheStacksLogsKey(t *testing.T) {
	f := newFixture(t)
	f.task(t, "etl", nil)
	f.task(t, "auth", func(p *ecs.TaskDefinitionProps) { p.LogRetentionDays = 30 })
	doc := tftest.Synth(t, f.stack)
	loggrouptest.CheckSharedKey(t, doc, "etl_log-group", "auth_log-group", "flow-log-group")
	if g := doc.One(t, "aws_cloudwatch_log_group", "auth_log-group"); g["retention_in_days"] != float64(30) {
		t.Errorf("retention_in_days = %v, want 30", g["retention_in_days"])
	}
}
