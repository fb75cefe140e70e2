package review

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// checker is the handful of assertions forcenew_test.go uses, on the
// standard library only (the toolchain module has no requirements):
// assert reports and goes on, require stops the test.
type checker struct{ fatal bool }

var (
	assert  = checker{}
	require = checker{fatal: true}
)

func (c checker) fail(t *testing.T, what string, msg []any) bool {
	t.Helper()
	text := what
	if len(msg) > 0 {
		if f, ok := msg[0].(string); ok {
			text += ": " + fmt.Sprintf(f, msg[1:]...)
		}
	}
	if c.fatal {
		t.Fatal(text)
	}
	t.Error(text)
	return false
}

func empty(v any) bool {
	if v == nil {
		return true
	}
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.String, reflect.Slice, reflect.Map, reflect.Array, reflect.Chan:
		return r.Len() == 0
	case reflect.Pointer, reflect.Interface:
		return r.IsNil()
	}
	return r.IsZero()
}

func (c checker) Equal(t *testing.T, want, got any, msg ...any) bool {
	t.Helper()
	if !reflect.DeepEqual(want, got) {
		return c.fail(t, fmt.Sprintf("got %#v, want %#v", got, want), msg)
	}
	return true
}

func (c checker) NotEqual(t *testing.T, a, b any, msg ...any) bool {
	t.Helper()
	if reflect.DeepEqual(a, b) {
		return c.fail(t, fmt.Sprintf("both are %#v", a), msg)
	}
	return true
}

func (c checker) True(t *testing.T, v bool, msg ...any) bool {
	t.Helper()
	if !v {
		return c.fail(t, "false, want true", msg)
	}
	return true
}

func (c checker) False(t *testing.T, v bool, msg ...any) bool {
	t.Helper()
	if v {
		return c.fail(t, "true, want false", msg)
	}
	return true
}

func (c checker) Empty(t *testing.T, v any, msg ...any) bool {
	t.Helper()
	if !empty(v) {
		return c.fail(t, fmt.Sprintf("%v is not empty", v), msg)
	}
	return true
}

func (c checker) NotEmpty(t *testing.T, v any, msg ...any) bool {
	t.Helper()
	if empty(v) {
		return c.fail(t, "empty, want a value", msg)
	}
	return true
}

func (c checker) NoError(t *testing.T, err error, msg ...any) bool {
	t.Helper()
	if err != nil {
		return c.fail(t, "error: "+err.Error(), msg)
	}
	return true
}

func (c checker) NotContains(t *testing.T, s, sub string, msg ...any) bool {
	t.Helper()
	if strings.Contains(s, sub) {
		return c.fail(t, fmt.Sprintf("%q contains %q", s, sub), msg)
	}
	return true
}
