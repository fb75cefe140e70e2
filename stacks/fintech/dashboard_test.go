package fintech_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hybridstack/hybridstack/stacks/base"
	"github.com/hybridstack/hybridstack/stacks/base/stacktest"
	"github.com/hybridstack/hybridstack/stacks/fintech"
)

// TestDashboard: the main stack's dashboard, and its health alarm over
// every alarm, notifying the alerts topic; the in-cluster stacks have none.
func TestDashboard(t *testing.T) {
	st := build(t, base.Settings{}, fintech.Options{})
	stacktest.CheckDashboard(t, synth(t, st.Stack), fintech.Name)
	assert.Empty(t, synth(t, st.Addons)["aws_cloudwatch_dashboard"])
}
