// Package validate holds the errors every hybridstack constructor returns
// for bad input, so that programs can inspect them:
//
//	cluster, err := eks.NewCluster(stack, "cluster", props)
//	if errors.Is(err, validate.ErrInvalid) {
//		for _, fe := range validate.Fields(err) {
//			log.Printf("%s %s: %s", fe.Path, fe.Field, fe.Problem)
//		}
//	}
//
// A constructor checks all of its props before it creates anything and
// returns every problem at once, joined with errors.Join. Each problem is a
// *FieldError that wraps ErrInvalid. Errors that are not about props (a
// Lambda package that does not compile, a zip file that cannot be read) are
// returned as they are and do not wrap ErrInvalid.
package validate

import (
	"errors"
	"fmt"
)

// ErrInvalid is wrapped by every error about bad props, so callers can test
// for bad input with errors.Is.
var ErrInvalid = errors.New("invalid props")

// FieldError is one problem with one field of one construct.
type FieldError struct {
	// Kind is the construct family, such as "eks" or "network".
	Kind string
	// Path is the construct path, such as "platform/cluster".
	Path string
	// Field is the Go field path, such as "NodeGroups[1].MinSize".
	Field string
	// Problem says what is wrong with the value and what is allowed.
	Problem string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("%s %q: %s %s", e.Kind, e.Path, e.Field, e.Problem)
}

// Unwrap lets errors.Is(err, ErrInvalid) succeed.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// Fields returns every *FieldError in err's tree (errors.Join and %w
// wrapping are followed), in order. errors.As finds only the first.
func Fields(err error) []*FieldError {
	var out []*FieldError
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if fe, ok := err.(*FieldError); ok {
			out = append(out, fe)
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}
