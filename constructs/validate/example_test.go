package validate_test

import (
	"errors"
	"fmt"

	"github.com/hybridstack/hybridstack/constructs/validate"
)

// Constructors return every problem with their props at once, joined with
// errors.Join; Fields walks the joined (and %w-wrapped) errors and returns
// each *FieldError, where errors.As would find only the first. The error
// here is built by hand the way constructors build theirs; the examples of
// network.NewVPC, serverless.NewHandler and eks.NewCluster show real ones.
func ExampleFields() {
	err := errors.Join(
		&validate.FieldError{Kind: "eks", Path: "platform/cluster", Field: "NodeGroups[1].MinSize", Problem: "5 is greater than MaxSize 3"},
		fmt.Errorf("while adding routes: %w", &validate.FieldError{Kind: "frontdoor", Path: "platform/api", Field: "Route(GET /a/)", Problem: `"GET /a/": the path must not end with /`}),
	)
	if errors.Is(err, validate.ErrInvalid) {
		for _, fe := range validate.Fields(err) {
			fmt.Printf("%s: %s %s\n", fe.Path, fe.Field, fe.Problem)
		}
	}
	// Output:
	// platform/cluster: NodeGroups[1].MinSize 5 is greater than MaxSize 3
	// platform/api: Route(GET /a/) "GET /a/": the path must not end with /
}

// A FieldError's message names the construct family, path, field and
// problem.
func ExampleFieldError() {
	var err error = &validate.FieldError{Kind: "network", Path: "prod/network", Field: "CIDR", Problem: `"10.0.0.0/8" has a /8 prefix; AWS allows /16 to /28`}
	fmt.Println(err)
	var fe *validate.FieldError
	fmt.Println(errors.As(err, &fe), fe.Field)
	// Output:
	// network "prod/network": CIDR "10.0.0.0/8" has a /8 prefix; AWS allows /16 to /28
	// true CIDR
}
