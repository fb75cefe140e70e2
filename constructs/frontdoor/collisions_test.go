package frontdoor_test

import (
	"math"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/frontdoor"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/network"
)

// Inputs the fuzzers found: a NaN or infinite rate used to panic inside
// jsii (and close its runtime), and service names with "/" collided.
func TestRatesAndServiceNames(t *testing.T) {
	stack := tftest.NewStack(t)
	if _, err := frontdoor.NewFrontDoor(stack, "inf", frontdoor.FrontDoorProps{ThrottleRate: math.Inf(1)}); err == nil || !strings.Contains(err.Error(), "ThrottleRate +Inf is not a rate") {
		t.Errorf("infinite rate: %v", err)
	}
	vpc, err := network.NewVPC(stack, "net", network.VPCProps{AZCount: 2})
	if err != nil {
		t.Fatal(err)
	}
	fd, err := frontdoor.NewFrontDoor(stack, "api", frontdoor.FrontDoorProps{VPC: vpc, DefaultAuthorizer: jwt()})
	if err != nil {
		t.Fatal(err)
	}
	if err := fd.RouteToLambda("GET /x", handler(t, stack, "fn", 10), frontdoor.RouteOptions{ThrottleRate: math.NaN()}); err == nil || !strings.Contains(err.Error(), "ThrottleRate NaN is not a rate") {
		t.Errorf("NaN rate: %v", err)
	}
	target := frontdoor.ServiceTarget{Name: "a/b", ListenerARN: listener, Port: 80}
	if err := fd.RouteToService("GET /y", target, frontdoor.RouteOptions{}); err == nil || !strings.Contains(err.Error(), `Name "a/b" must be 1-40 lowercase letters`) {
		t.Errorf("service name with '/': %v", err)
	}
	if err := fd.RouteToCloudMap("GET /z", "arn:aws:servicediscovery:eu-west-1:123456789012:service/srv-1", 70000, frontdoor.RouteOptions{}); err == nil || !strings.Contains(err.Error(), "Port 70000 is not a port") {
		t.Errorf("Cloud Map port: %v", err)
	}
}
