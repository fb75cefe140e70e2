// Package tracecontext carries one request's trace across the hops of the
// reference stacks' programs (Lambda handlers, services): it parses and
// formats the AWS X-Ray trace header
//
//	Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1
//
// and the W3C traceparent header
//
//	00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01
//
// converts between them (the X-Ray root 1-<8 hex>-<24 hex> is the 32-hex
// W3C trace id split after its 8th digit), reads the trace header of the
// current Lambda invocation, and writes it onto outgoing HTTP requests and
// SQS messages (system attribute AWSTraceHeader).
//
// It records no spans and sends nothing to X-Ray: it only keeps the ids
// moving, so that the services which do record (Lambda with active
// tracing, OpenTelemetry SDKs sending to a collector) join one trace, and
// so that log lines can name the trace they belong to. It uses the
// standard library only.
package tracecontext

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
)

// Header names and the SQS system attribute the package reads and writes.
const (
	// XRayHeader is the HTTP header that carries the X-Ray trace header.
	XRayHeader = "X-Amzn-Trace-Id"
	// TraceparentHeader is the W3C Trace Context header.
	TraceparentHeader = "traceparent"
	// SQSAttribute is the SQS message system attribute that carries the
	// X-Ray trace header from a producer to its consumers.
	SQSAttribute = "AWSTraceHeader"
	// LambdaEnv is the environment variable the Lambda runtime sets to
	// the invocation's trace header, on functions that serve one
	// invocation at a time.
	LambdaEnv = "_X_AMZN_TRACE_ID"
	// lambdaContextKey is the context key aws-lambda-go stores the
	// invocation's trace header under (a plain string key, set in its
	// invoke loop next to _X_AMZN_TRACE_ID).
	lambdaContextKey = "x-amzn-trace-id"
)

// TraceID is a 128-bit trace id. Its first 4 bytes are, in an id X-Ray
// made, the Unix time the trace started.
type TraceID [16]byte

// SpanID is a 64-bit id of a segment or span: the caller's, in a header
// sent downstream.
type SpanID [8]byte

// IsZero reports whether t is the invalid all-zero id.
func (t TraceID) IsZero() bool { return t == TraceID{} }

// String returns the id as W3C writes it: 32 lowercase hex digits.
func (t TraceID) String() string { return hex.EncodeToString(t[:]) }

// XRay returns the id as X-Ray writes it: "1-" + 8 hex digits + "-" + 24
// hex digits.
func (t TraceID) XRay() string {
	s := t.String()
	return "1-" + s[:8] + "-" + s[8:]
}

// IsZero reports whether s is the invalid all-zero id.
func (s SpanID) IsZero() bool { return s == SpanID{} }

// String returns the id as 16 lowercase hex digits.
func (s SpanID) String() string { return hex.EncodeToString(s[:]) }

// Sampling is the sampling decision a header carries.
type Sampling int8

// The sampling decisions.
const (
	// SamplingUnset: the header carries no decision (the receiver decides).
	SamplingUnset Sampling = iota
	// NotSampled: Sampled=0, trace flags 00.
	NotSampled
	// Sampled: Sampled=1, trace flags 01.
	Sampled
	// SamplingRequested: Sampled=? (X-Ray only: the receiver decides and
	// reports its decision back).
	SamplingRequested
)

// Header is one hop's trace context: which trace, which caller, whether
// it is recorded. Fields of an X-Ray header other than Root, Parent and
// Sampled (such as Lambda's Lineage, which Lambda's recursive loop
// detection reads, or a load balancer's Self) are kept in Extra, in
// order, and written back unchanged.
type Header struct {
	// Trace is the trace the request belongs to (X-Ray's Root).
	Trace TraceID
	// Parent is the caller's segment or span; zero when the header has
	// none (a load balancer's).
	Parent SpanID
	// Sampled is the caller's sampling decision.
	Sampled Sampling
	// Extra holds the other key=value fields of an X-Ray header, verbatim.
	Extra []string
}

// Errors the parsers wrap.
var (
	// ErrMalformed is wrapped by every parse error.
	ErrMalformed = errors.New("malformed trace header")
)

// maxHeader bounds what the parsers read from untrusted input; real
// headers are under 200 bytes, with room here for fields a service adds.
const maxHeader = 1024

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, args...)...)
}

// ParseRoot parses an X-Ray root, "1-5759e988-bd862e3fe1be46a994272793".
func ParseRoot(s string) (TraceID, error) {
	var t TraceID
	if len(s) != 35 || s[0] != '1' || s[1] != '-' || s[10] != '-' {
		return t, malformed("root %q is not 1-<8 hex digits>-<24 hex digits>", clip(s))
	}
	if err := decodeHex(t[:4], s[2:10]); err != nil {
		return t, malformed("root %q: %v", clip(s), err)
	}
	if err := decodeHex(t[4:], s[11:]); err != nil {
		return t, malformed("root %q: %v", clip(s), err)
	}
	if t.IsZero() {
		return t, malformed("root %q is all zeros", s)
	}
	return t, nil
}

// ParseXRay parses an X-Ray trace header such as
// "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1".
// Root is required; Parent and Sampled are optional (a load balancer
// sends Root alone); keys are case-sensitive as X-Ray writes them, spaces
// around fields are ignored, and other fields are kept in Extra. Sampled
// is 0, 1 or ?.
func ParseXRay(s string) (Header, error) {
	var h Header
	if len(s) > maxHeader {
		return h, malformed("X-Ray header is %d bytes, more than %d", len(s), maxHeader)
	}
	var haveRoot, haveParent, haveSampled bool
	for _, field := range strings.Split(s, ";") {
		field = strings.TrimSpace(field)
		if field == "" {
			continue
		}
		k, v, ok := strings.Cut(field, "=")
		if !ok || k == "" {
			return Header{}, malformed("X-Ray header field %q is not key=value", clip(field))
		}
		var err error
		switch k {
		case "Root":
			if haveRoot {
				return Header{}, malformed("X-Ray header has Root twice")
			}
			haveRoot = true
			h.Trace, err = ParseRoot(v)
		case "Parent":
			if haveParent {
				return Header{}, malformed("X-Ray header has Parent twice")
			}
			haveParent = true
			h.Parent, err = parseSpanID(v)
		case "Sampled":
			if haveSampled {
				return Header{}, malformed("X-Ray header has Sampled twice")
			}
			haveSampled = true
			switch v {
			case "0":
				h.Sampled = NotSampled
			case "1":
				h.Sampled = Sampled
			case "?":
				h.Sampled = SamplingRequested
			default:
				err = malformed("Sampled=%q is not 0, 1 or ?", clip(v))
			}
		default:
			if !printable(field) {
				err = malformed("X-Ray header field %q holds a space, comma or non-printable character", clip(field))
			}
			h.Extra = append(h.Extra, field)
		}
		if err != nil {
			return Header{}, err
		}
	}
	if !haveRoot {
		return Header{}, malformed("X-Ray header %q has no Root", clip(s))
	}
	return h, nil
}

// String formats h as an X-Ray trace header: Root, then Parent (when
// set), then Sampled (when set), then the extra fields. It returns "" for
// a header without a trace.
func (h Header) String() string {
	if h.Trace.IsZero() {
		return ""
	}
	var b strings.Builder
	b.WriteString("Root=")
	b.WriteString(h.Trace.XRay())
	if !h.Parent.IsZero() {
		b.WriteString(";Parent=")
		b.WriteString(h.Parent.String())
	}
	switch h.Sampled {
	case NotSampled:
		b.WriteString(";Sampled=0")
	case Sampled:
		b.WriteString(";Sampled=1")
	case SamplingRequested:
		b.WriteString(";Sampled=?")
	}
	for _, f := range h.Extra {
		b.WriteString(";")
		b.WriteString(f)
	}
	return b.String()
}

// ParseTraceparent parses a W3C traceparent,
// "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01". As the W3C
// recommendation asks, it refuses version ff, upper-case hex, all-zero
// ids, and anything after the flags in version 00, and it reads the first
// four fields of a later version. The sampled flag (bit 0) becomes Sampled
// or NotSampled; W3C has no "unset".
func ParseTraceparent(s string) (Header, error) {
	var h Header
	if len(s) > maxHeader {
		return h, malformed("traceparent is %d bytes, more than %d", len(s), maxHeader)
	}
	s = strings.TrimSpace(s)
	if len(s) < 55 || s[2] != '-' || s[35] != '-' || s[52] != '-' {
		return h, malformed("traceparent %q is not <2 hex>-<32 hex>-<16 hex>-<2 hex>", clip(s))
	}
	var version [1]byte
	if err := decodeLowerHex(version[:], s[:2]); err != nil {
		return h, malformed("traceparent version %q: %v", s[:2], err)
	}
	switch {
	case version[0] == 0xff:
		return h, malformed("traceparent version ff is invalid")
	case version[0] == 0 && len(s) != 55:
		return h, malformed("traceparent %q has data after the flags", clip(s))
	case len(s) > 55 && s[55] != '-':
		return h, malformed("traceparent %q: the flags are not followed by '-'", clip(s))
	}
	if err := decodeLowerHex(h.Trace[:], s[3:35]); err != nil {
		return Header{}, malformed("traceparent trace id: %v", err)
	}
	if err := decodeLowerHex(h.Parent[:], s[36:52]); err != nil {
		return Header{}, malformed("traceparent parent id: %v", err)
	}
	var flags [1]byte
	if err := decodeLowerHex(flags[:], s[53:55]); err != nil {
		return Header{}, malformed("traceparent flags: %v", err)
	}
	if h.Trace.IsZero() {
		return Header{}, malformed("traceparent trace id is all zeros")
	}
	if h.Parent.IsZero() {
		return Header{}, malformed("traceparent parent id is all zeros")
	}
	h.Sampled = NotSampled
	if flags[0]&1 == 1 {
		h.Sampled = Sampled
	}
	return h, nil
}

// Traceparent formats h as a W3C traceparent (version 00). W3C needs a
// parent id, so a header without one (such as a load balancer's Root
// alone) has none: ok is false. Only Sampled sets the sampled flag.
func (h Header) Traceparent() (value string, ok bool) {
	if h.Trace.IsZero() || h.Parent.IsZero() {
		return "", false
	}
	flags := "00"
	if h.Sampled == Sampled {
		flags = "01"
	}
	return "00-" + h.Trace.String() + "-" + h.Parent.String() + "-" + flags, true
}

// Valid reports whether h names a trace.
func (h Header) Valid() bool { return !h.Trace.IsZero() }

// Inject sets the X-Amzn-Trace-Id header and, when h has a parent, the
// traceparent header on an outgoing request's headers, so that a callee
// instrumented for either X-Ray or W3C continues the trace. A header
// without a trace changes nothing.
func (h Header) Inject(dst http.Header) {
	if !h.Valid() {
		return
	}
	dst.Set(XRayHeader, h.String())
	if tp, ok := h.Traceparent(); ok {
		dst.Set(TraceparentHeader, tp)
	}
}

// FromHTTP reads an incoming request's trace context: traceparent when
// it is valid, else X-Amzn-Trace-Id. ok is false when neither is.
func FromHTTP(src http.Header) (h Header, ok bool) {
	if tp := src.Get(TraceparentHeader); tp != "" {
		if h, err := ParseTraceparent(tp); err == nil {
			return h, true
		}
	}
	if x := src.Get(XRayHeader); x != "" {
		if h, err := ParseXRay(x); err == nil {
			return h, true
		}
	}
	return Header{}, false
}

// FromSQSAttributes reads the AWSTraceHeader system attribute of an SQS
// message, as Lambda's SQS event passes it (record.Attributes). ok is
// false when the message has none or it is malformed.
func FromSQSAttributes(attributes map[string]string) (h Header, ok bool) {
	v := attributes[SQSAttribute]
	if v == "" {
		return Header{}, false
	}
	h, err := ParseXRay(v)
	return h, err == nil
}

type contextKey struct{}

// NewContext returns a copy of ctx that carries h; FromContext returns it.
func NewContext(ctx context.Context, h Header) context.Context {
	return context.WithValue(ctx, contextKey{}, h)
}

// FromContext returns the trace context of the work ctx belongs to: a
// Header stored by NewContext; else, in a Lambda invocation, the trace
// header aws-lambda-go stored in the invocation's context (the
// "x-amzn-trace-id" value); else the _X_AMZN_TRACE_ID environment
// variable, which the Lambda runtime sets only on functions that serve one
// invocation at a time. ok is false when none holds a valid header.
func FromContext(ctx context.Context) (h Header, ok bool) {
	if ctx != nil {
		if h, ok := ctx.Value(contextKey{}).(Header); ok && h.Valid() {
			return h, true
		}
		if s, _ := ctx.Value(lambdaContextKey).(string); s != "" {
			if h, err := ParseXRay(s); err == nil {
				return h, true
			}
		}
	}
	if s := os.Getenv(LambdaEnv); s != "" {
		if h, err := ParseXRay(s); err == nil {
			return h, true
		}
	}
	return Header{}, false
}

// LogID returns the trace id to put in a log line's trace_id field: the
// X-Ray form, which the X-Ray console and CloudWatch search take; "" for
// a header without a trace.
func (h Header) LogID() string {
	if !h.Valid() {
		return ""
	}
	return h.Trace.XRay()
}

func parseSpanID(s string) (SpanID, error) {
	var id SpanID
	if len(s) != 16 {
		return id, malformed("Parent %q is not 16 hex digits", clip(s))
	}
	if err := decodeHex(id[:], s); err != nil {
		return id, malformed("Parent %q: %v", s, err)
	}
	if id.IsZero() {
		return id, malformed("Parent %q is all zeros", s)
	}
	return id, nil
}

// decodeHex decodes hex digits of either case into dst (len(s) ==
// 2*len(dst)).
func decodeHex(dst []byte, s string) error {
	if len(s) != 2*len(dst) {
		return fmt.Errorf("%d hex digits, want %d", len(s), 2*len(dst))
	}
	if _, err := hex.Decode(dst, []byte(s)); err != nil {
		return errors.New("not hexadecimal")
	}
	return nil
}

// decodeLowerHex is decodeHex refusing upper-case digits, as W3C does.
func decodeLowerHex(dst []byte, s string) error {
	if strings.ToLower(s) != s {
		return errors.New("upper-case hex digits")
	}
	return decodeHex(dst, s)
}

// printable reports whether s is visible ASCII without ','.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c > '~' || c == ',' {
			return false
		}
	}
	return true
}

// clip shortens what an error quotes from untrusted input.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
