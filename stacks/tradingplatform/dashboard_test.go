package tradingplatform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hybridstack/hybridstack/stacks/base"
	"github.com/hybridstack/hybridstack/stacks/base/stacktest"
	"github.com/hybridstack/hybridstack/stacks/tradingplatform"
)

// TestDashboard: the AWS stack's dashboard, and its health alarm over every
// alarm (if any), notifying the stack's new alerts topic.
func TestDashboard(t *testing.T) {
	r := parse(t, build(t, base.Settings{}, nil).Stack).Resource
	assert.Len(t, r["aws_sns_topic"], 1)
	stacktest.CheckDashboard(t, r, tradingplatform.Name)
}
