package frontdoor

import (
	"errors"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
)

// fakeFunction is a LambdaTarget without a real function behind it.
type fakeFunction struct{ constructs.Construct }

func (fakeFunction) FunctionName() string { return "checkout" }
func (fakeFunction) InvokeARN() string {
	return "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:checkout/invocations"
}
func (fakeFunction) TimeoutSeconds() int { return 10 }

// TestPublicRouteSuppressionErrorReturned checks that a failure to mark a
// Public route reaches the RouteTo* caller instead of being dropped.
func TestPublicRouteSuppressionErrorReturned(t *testing.T) {
	var calls []string
	saved := suppress
	suppress = func(r cdktf.TerraformResource, ruleID, reason string) error {
		calls = append(calls, ruleID)
		return errors.New("suppression refused")
	}
	t.Cleanup(func() { suppress = saved })

	stack := tftest.NewStack(t)
	fd, err := NewFrontDoor(stack, "api", FrontDoorProps{DefaultAuthorizer: Authorizer{JWT: &JWTAuthorizer{Issuer: "https://auth.example.com/", Audience: []string{"shop"}}}})
	if err != nil {
		t.Fatal(err)
	}
	fn := fakeFunction{constructs.NewConstruct(stack, ptr.String("checkout"))}

	if err := fd.RouteToLambda("GET /orders", fn, RouteOptions{}); err != nil {
		t.Fatalf("an authorized route needs no suppression, got %v", err)
	}
	if len(calls) != 0 {
		t.Fatalf("suppress called %d times for an authorized route, want 0", len(calls))
	}

	err = fd.RouteToLambda("GET /health", fn, RouteOptions{Public: true})
	if err == nil {
		t.Fatal("RouteToLambda dropped the suppression error")
	}
	want := `frontdoor "` + *fd.Node().Path() + `": route GET /health: marking it Public: suppression refused`
	if err.Error() != want {
		t.Errorf("error\n%s\nwant\n%s", err, want)
	}
	if len(calls) != 1 || calls[0] != "API-002" {
		t.Errorf("suppress calls = %v, want [API-002]", calls)
	}
}
