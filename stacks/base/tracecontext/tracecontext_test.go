package tracecontext

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

const (
	root   = "1-5759e988-bd862e3fe1be46a994272793"
	w3cID  = "5759e988bd862e3fe1be46a994272793"
	parent = "53995c3f42cd8ad8"
)

func TestParseXRay(t *testing.T) {
	for _, tc := range []struct {
		in, out     string
		sampled     Sampling
		extra       []string
		traceparent string
	}{
		{in: "Root=" + root + ";Parent=" + parent + ";Sampled=1", out: "Root=" + root + ";Parent=" + parent + ";Sampled=1",
			sampled: Sampled, traceparent: "00-" + w3cID + "-" + parent + "-01"},
		{in: "Root=" + root + ";Parent=" + parent + ";Sampled=0", out: "Root=" + root + ";Parent=" + parent + ";Sampled=0",
			sampled: NotSampled, traceparent: "00-" + w3cID + "-" + parent + "-00"},
		// An ALB's header: Root alone (no traceparent without a parent).
		{in: "Root=" + root, out: "Root=" + root},
		// Order, spaces and the case of hex digits do not matter; the output
		// is canonical.
		{in: " Sampled=? ; Parent=53995C3F42CD8AD8;Root=1-5759E988-BD862E3FE1BE46A994272793 ", out: "Root=" + root + ";Parent=" + parent + ";Sampled=?",
			sampled: SamplingRequested, traceparent: "00-" + w3cID + "-" + parent + "-00"},
		// Lambda's Lineage and an ALB's Self survive, in order.
		{in: "Self=1-67891234-12456789abcdef012345678;Root=" + root + ";Parent=" + parent + ";Sampled=1;Lineage=a87bd80c:0",
			out:     "Root=" + root + ";Parent=" + parent + ";Sampled=1;Self=1-67891234-12456789abcdef012345678;Lineage=a87bd80c:0",
			sampled: Sampled, extra: []string{"Self=1-67891234-12456789abcdef012345678", "Lineage=a87bd80c:0"}, traceparent: "00-" + w3cID + "-" + parent + "-01"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			h, err := ParseXRay(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if h.Trace.String() != w3cID || h.Trace.XRay() != root || h.LogID() != root {
				t.Errorf("trace %s / %s", h.Trace, h.Trace.XRay())
			}
			if h.Sampled != tc.sampled || strings.Join(h.Extra, "|") != strings.Join(tc.extra, "|") {
				t.Errorf("sampled %v extra %q", h.Sampled, h.Extra)
			}
			if got := h.String(); got != tc.out {
				t.Errorf("String() = %q, want %q", got, tc.out)
			}
			tp, ok := h.Traceparent()
			if tp != tc.traceparent || ok != (tc.traceparent != "") {
				t.Errorf("Traceparent() = %q %v, want %q", tp, ok, tc.traceparent)
			}
			if again, err := ParseXRay(h.String()); err != nil || again.String() != h.String() {
				t.Errorf("round trip: %q %v", again.String(), err)
			}
		})
	}
}

func TestParseXRayMalformed(t *testing.T) {
	for _, in := range []string{
		"",
		";;",
		"Parent=" + parent + ";Sampled=1", // no Root
		"Root=" + root + ";Root=" + root,  // twice
		"Root=" + root + ";Parent=" + parent + ";Parent=" + parent,
		"Root=" + root + ";Sampled=1;Sampled=0",
		"Root=2-5759e988-bd862e3fe1be46a994272793",  // version
		"Root=1-5759e98-bd862e3fe1be46a9942727933",  // split in the wrong place
		"Root=1-5759e988-bd862e3fe1be46a99427279",   // short
		"Root=1-5759e988-bd862e3fe1be46a9942727930", // long
		"Root=1-5759e98g-bd862e3fe1be46a994272793",  // not hex
		"Root=1-00000000-000000000000000000000000",  // zero
		"Root=" + root + ";Parent=53995c3f42cd8ad",  // short parent
		"Root=" + root + ";Parent=0000000000000000", // zero parent
		"Root=" + root + ";Parent=53995c3f42cd8adz", // not hex
		"Root=" + root + ";Sampled=yes",
		"Root=" + root + ";Sampled=",
		"Root=" + root + ";garbage",
		"Root=" + root + ";=x",
		"Root=" + root + ";Lineage=a b",
		"Root=" + root + ";Evil=x\r\nSet-Cookie:a=b",
		"Root=" + root + ";Lineage=" + strings.Repeat("a", 2000),
		"root=" + root, // keys are case-sensitive
	} {
		h, err := ParseXRay(in)
		if err == nil || !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseXRay(%q) = %+v, %v; want ErrMalformed", in, h, err)
		}
		if err != nil && len(err.Error()) > 300 {
			t.Errorf("error for %q quotes too much: %d bytes", in[:20], len(err.Error()))
		}
	}
}

func TestTraceparent(t *testing.T) {
	for _, tc := range []struct {
		in      string
		sampled Sampling
	}{
		{"00-" + w3cID + "-" + parent + "-01", Sampled},
		{"00-" + w3cID + "-" + parent + "-00", NotSampled},
		// Other flag bits are not "sampled".
		{"00-" + w3cID + "-" + parent + "-02", NotSampled},
		{"00-" + w3cID + "-" + parent + "-03", Sampled},
		// A later version: the first four fields are read, the rest ignored.
		{"01-" + w3cID + "-" + parent + "-01-future", Sampled},
		{"cc-" + w3cID + "-" + parent + "-01", Sampled},
	} {
		h, err := ParseTraceparent(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if h.Trace.XRay() != root || h.Parent.String() != parent || h.Sampled != tc.sampled {
			t.Errorf("%q: %s %s %v", tc.in, h.Trace.XRay(), h.Parent, h.Sampled)
		}
		want := "Root=" + root + ";Parent=" + parent + ";Sampled=0"
		if tc.sampled == Sampled {
			want = "Root=" + root + ";Parent=" + parent + ";Sampled=1"
		}
		if got := h.String(); got != want {
			t.Errorf("%q as X-Ray = %q, want %q", tc.in, got, want)
		}
	}
	for _, in := range []string{
		"",
		"00-" + w3cID + "-" + parent, // no flags
		"00-" + w3cID + "-" + parent + "-01-extra",                       // data after 00's flags
		"ff-" + w3cID + "-" + parent + "-01",                             // version ff
		"0g-" + w3cID + "-" + parent + "-01",                             // version not hex
		"00-" + strings.ToUpper(w3cID) + "-" + parent + "-01",            // upper case
		"00-00000000000000000000000000000000-" + parent + "-01",          // zero trace
		"00-" + w3cID + "-0000000000000000-01",                           // zero parent
		"00-" + w3cID + "-" + parent + "-0x",                             // flags not hex
		"00_" + w3cID + "-" + parent + "-01",                             // separator
		"01-" + w3cID + "-" + parent + "-01future",                       // later version, no '-'
		"00-" + w3cID[:31] + "-" + parent + "0-01",                       // misplaced dash
		"00-" + w3cID + "-" + parent + "-01" + strings.Repeat(" ", 2000), // too long
	} {
		if h, err := ParseTraceparent(in); err == nil || !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseTraceparent(%q) = %+v, %v; want ErrMalformed", in, h, err)
		}
	}
}

func TestInjectAndFromHTTP(t *testing.T) {
	h, err := ParseXRay("Root=" + root + ";Parent=" + parent + ";Sampled=1;Lineage=a87bd80c:0")
	if err != nil {
		t.Fatal(err)
	}
	hdr := http.Header{}
	h.Inject(hdr)
	if got := hdr.Get("X-Amzn-Trace-Id"); got != "Root="+root+";Parent="+parent+";Sampled=1;Lineage=a87bd80c:0" {
		t.Errorf("X-Amzn-Trace-Id = %q", got)
	}
	if got := hdr.Get("traceparent"); got != "00-"+w3cID+"-"+parent+"-01" {
		t.Errorf("traceparent = %q", got)
	}
	back, ok := FromHTTP(hdr)
	if !ok || back.Trace != h.Trace || back.Parent != h.Parent {
		t.Errorf("FromHTTP = %+v %v", back, ok)
	}
	// Root alone: X-Amzn-Trace-Id only; a bad traceparent falls back to it.
	hdr = http.Header{}
	Header{Trace: h.Trace}.Inject(hdr)
	if hdr.Get("traceparent") != "" || hdr.Get("X-Amzn-Trace-Id") != "Root="+root {
		t.Errorf("root only: %v", hdr)
	}
	hdr.Set("traceparent", "00-bad")
	if back, ok := FromHTTP(hdr); !ok || back.Trace != h.Trace {
		t.Errorf("fallback: %+v %v", back, ok)
	}
	hdr = http.Header{}
	Header{}.Inject(hdr)
	if len(hdr) != 0 {
		t.Errorf("empty header injected %v", hdr)
	}
	if _, ok := FromHTTP(http.Header{"X-Amzn-Trace-Id": {"nonsense"}}); ok {
		t.Error("a malformed header was read")
	}
}

func TestFromSQSAttributes(t *testing.T) {
	h, ok := FromSQSAttributes(map[string]string{"AWSTraceHeader": "Root=" + root + ";Parent=" + parent + ";Sampled=1", "SentTimestamp": "1"})
	if !ok || h.LogID() != root {
		t.Errorf("%+v %v", h, ok)
	}
	for _, attrs := range []map[string]string{nil, {}, {"AWSTraceHeader": "Root=bad"}} {
		if _, ok := FromSQSAttributes(attrs); ok {
			t.Errorf("%v read as a trace", attrs)
		}
	}
}

func TestFromContext(t *testing.T) {
	t.Setenv(LambdaEnv, "")
	if _, ok := FromContext(context.Background()); ok {
		t.Error("a trace from nowhere")
	}
	// The environment variable, as the Lambda runtime sets it.
	t.Setenv(LambdaEnv, "Root=1-5759e988-00000000000000000000000a;Parent="+parent+";Sampled=1")
	h, ok := FromContext(context.Background())
	if !ok || h.Trace.XRay() != "1-5759e988-00000000000000000000000a" {
		t.Errorf("from env: %+v %v", h, ok)
	}
	// aws-lambda-go's context value wins over the environment (it is the
	// one right for concurrent invocations).
	ctx := context.WithValue(context.Background(), lambdaContextKey, "Root="+root+";Parent="+parent+";Sampled=1") //nolint:staticcheck // the key aws-lambda-go uses
	if h, ok := FromContext(ctx); !ok || h.LogID() != root {
		t.Errorf("from the Lambda context: %+v %v", h, ok)
	}
	// NewContext wins over both; a malformed Lambda value falls through.
	other, _ := ParseTraceparent("00-0123456789abcdef0123456789abcdef-" + parent + "-01")
	if h, ok := FromContext(NewContext(ctx, other)); !ok || h.Trace != other.Trace {
		t.Errorf("from NewContext: %+v %v", h, ok)
	}
	bad := context.WithValue(context.Background(), lambdaContextKey, "garbage") //nolint:staticcheck // the key aws-lambda-go uses
	if h, ok := FromContext(bad); !ok || h.Trace.XRay() != "1-5759e988-00000000000000000000000a" {
		t.Errorf("malformed context value: %+v %v", h, ok)
	}
}

// FuzzParse: no input panics; whatever parses formats to a header that
// parses to the same ids; X-Ray and W3C forms convert both ways.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"Root=" + root + ";Parent=" + parent + ";Sampled=1",
		"Root=" + root,
		"Self=1-67891234-12456789abcdef012345678;Root=" + root + ";Lineage=a87bd80c:0",
		"00-" + w3cID + "-" + parent + "-01",
		"01-" + w3cID + "-" + parent + "-01-x",
		"Root=;Parent=;Sampled=",
		";;=;",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if h, err := ParseXRay(s); err == nil {
			again, err := ParseXRay(h.String())
			if err != nil || again.Trace != h.Trace || again.Parent != h.Parent || again.Sampled != h.Sampled || again.String() != h.String() {
				t.Fatalf("%q -> %q -> %+v %v", s, h.String(), again, err)
			}
			if tp, ok := h.Traceparent(); ok {
				w, err := ParseTraceparent(tp)
				if err != nil || w.Trace != h.Trace || w.Parent != h.Parent {
					t.Fatalf("%q -> %q -> %+v %v", s, tp, w, err)
				}
			}
		} else if !errors.Is(err, ErrMalformed) {
			t.Fatalf("%q: error %v does not wrap ErrMalformed", s, err)
		}
		if h, err := ParseTraceparent(s); err == nil {
			tp, ok := h.Traceparent()
			x, xerr := ParseXRay(h.String())
			if !ok || xerr != nil || x.Trace != h.Trace || x.Parent != h.Parent || x.Sampled != h.Sampled {
				t.Fatalf("%q -> %q %v / %q %v", s, tp, ok, h.String(), xerr)
			}
		} else if !errors.Is(err, ErrMalformed) {
			t.Fatalf("%q: error %v does not wrap ErrMalformed", s, err)
		}
	})
}
