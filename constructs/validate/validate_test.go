package validate_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/validate"
)

func TestFieldsWalksJoinedAndWrappedErrors(t *testing.T) {
	a := &validate.FieldError{Kind: "eks", Path: "p/cluster", Field: "Version", Problem: `"1.20" is not supported`}
	b := &validate.FieldError{Kind: "network", Path: "p/vpc", Field: "CIDR", Problem: "overlaps"}
	other := errors.New("go build failed")
	err := errors.Join(a, fmt.Errorf("stack p: %w", errors.Join(other, b)))

	got := validate.Fields(err)
	if len(got) != 2 || got[0] != a || got[1] != b {
		t.Fatalf("Fields = %v, want [a b]", got)
	}
	if !errors.Is(err, validate.ErrInvalid) {
		t.Error("joined error does not wrap ErrInvalid")
	}
	if errors.Is(other, validate.ErrInvalid) {
		t.Error("a build error must not look like invalid props")
	}
	if want := `eks "p/cluster": Version "1.20" is not supported`; a.Error() != want {
		t.Errorf("Error() = %q, want %q", a.Error(), want)
	}
	if validate.Fields(nil) != nil || validate.Fields(other) != nil {
		t.Error("Fields of an error without field errors must be empty")
	}
}
