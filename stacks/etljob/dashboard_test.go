package etljob_test

import (
	"testing"

	"github.com/hybridstack/hybridstack/stacks/base"
	"github.com/hybridstack/hybridstack/stacks/base/stacktest"
	"github.com/hybridstack/hybridstack/stacks/etljob"
)

// TestDashboard: the stack's dashboard, and its health alarm over every
// alarm, notifying the alerts topic.
func TestDashboard(t *testing.T) {
	stacktest.CheckDashboard(t, synth(t, base.Settings{}, etljob.Options{}), etljob.Name)
}
