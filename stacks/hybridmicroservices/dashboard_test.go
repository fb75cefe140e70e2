package hybridmicroservices_test

import (
	"testing"

	"github.com/hybridstack/hybridstack/stacks/base/stacktest"
	"github.com/hybridstack/hybridstack/stacks/hybridmicroservices"
)

// TestDashboard: each variant's dashboard, and its health alarm over every
// alarm, notifying the alerts topic.
func TestDashboard(t *testing.T) {
	stacktest.CheckDashboard(t, synth(t, false).Resource, hybridmicroservices.Name)
	stacktest.CheckDashboard(t, synth(t, true).Resource, hybridmicroservices.IstioName)
}
