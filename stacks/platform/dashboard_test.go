package platform_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridstack/hybridstack/stacks/base"
	"github.com/hybridstack/hybridstack/stacks/base/stacktest"
	"github.com/hybridstack/hybridstack/stacks/platform"
)

// TestDashboard: the stack's dashboard, and its health alarm over every
// alarm (if any), notifying the stack's new alerts topic.
func TestDashboard(t *testing.T) {
	d := synth(t, base.Settings{})
	b, err := json.Marshal(d["resource"])
	require.NoError(t, err)
	var r map[string]map[string]map[string]any
	require.NoError(t, json.Unmarshal(b, &r))
	assert.Len(t, r["aws_sns_topic"], 1)
	stacktest.CheckDashboard(t, r, platform.Name)
}
