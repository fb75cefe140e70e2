package names

import (
	"strings"
	"testing"
)

func TestPrefix(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"orders-events", 38, "orders-events-"},
		{"orders-events-", 38, "orders-events-"},
		{"hybridmicroservices-appmesh-order-worker-order-events", 38, "hybridmicroservices-appmesh-order-wor-"},
		// A cut that lands on a hyphen does not leave two.
		{"abcdefghij-klmnop", 12, "abcdefghij-"},
	}
	for _, tc := range tests {
		got := Prefix(tc.in, tc.n)
		if got != tc.want {
			t.Errorf("Prefix(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
		if len(got) > tc.n || !strings.HasSuffix(got, "-") || strings.HasSuffix(got, "--") {
			t.Errorf("Prefix(%q, %d) = %q breaks the contract", tc.in, tc.n, got)
		}
	}
}

func TestIDsAreInjective(t *testing.T) {
	ids := IDs{}
	a := ids.For("get-orders-id", "GET /orders/{id}")
	b := ids.For("get-orders-id", "GET /orders/id")
	if a != "get-orders-id" || b == a || !strings.HasPrefix(b, "get-orders-id-") {
		t.Errorf("ids %q and %q", a, b)
	}
	if again := ids.For("get-orders-id", "GET /orders/{id}"); again != a {
		t.Errorf("the same value got %q, then %q", a, again)
	}
	if again := ids.For("get-orders-id", "GET /orders/id"); again != b {
		t.Errorf("the same value got %q, then %q", b, again)
	}
}

func TestFit(t *testing.T) {
	long := strings.Repeat("a", 70)
	a, b := Fit(long+"x", 64), Fit(long+"y", 64)
	if len(a) != 64 || len(b) != 64 || a == b {
		t.Errorf("Fit gave %q and %q", a, b)
	}
	if Fit("short", 64) != "short" {
		t.Error("a short name changed")
	}
	if FromPath("stack/team-a/orders") != "stack-team-a-orders" {
		t.Error(FromPath("stack/team-a/orders"))
	}
}

func TestIDsNeverHandOutATakenHash(t *testing.T) {
	// The id "GET /x" gets when "x" is taken by another value.
	hashed := IDs{"x": "other"}.For("x", "GET /x")
	ids := IDs{}
	ids.For(hashed, "a value whose readable id looks like that hash")
	ids.For("x", "first")
	got := ids.For("x", "GET /x")
	if got == hashed || got == "x" {
		t.Fatalf("For handed out %q, which another value owns", got)
	}
	if again := ids.For("x", "GET /x"); again != got {
		t.Errorf("the same value got %q, then %q", got, again)
	}
}
