package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ErrAPIKeyRejected is returned when the vendor answers 401 or 403.
var ErrAPIKeyRejected = errors.New("the vendor rejected the API key")

// ErrTooManyRecords is returned when a window has more than MaxRecords
// records.
var ErrTooManyRecords = errors.New("too many records in the window")

// vendorError is one failed attempt.
type vendorError struct {
	transient  bool
	retryAfter time.Duration // from Retry-After; -1 when absent
	err        error
}

func (e *vendorError) Error() string { return e.err.Error() }
func (e *vendorError) Unwrap() error { return e.err }

func transient(retryAfter time.Duration, format string, args ...any) *vendorError {
	return &vendorError{transient: true, retryAfter: retryAfter, err: fmt.Errorf(format, args...)}
}

func fatal(err error) *vendorError {
	return &vendorError{retryAfter: -1, err: err}
}

// page is the vendor's response body.
type page struct {
	Data       []json.RawMessage `json:"data"`
	NextCursor string            `json:"next_cursor"`
}

// fetcher reads a window from the vendor.
type fetcher struct {
	cfg Config // resolved
}

// fetchAll reads every page of the window, in order, hands each record to
// add with its position, and returns the number of pages read.
func (f *fetcher) fetchAll(ctx context.Context, w Window, add func(rawRecord)) (int, error) {
	seen := map[string]bool{}
	cursor := ""
	total := 0
	for n := 1; ; n++ {
		p, err := f.fetchPage(ctx, w, n, cursor)
		if err != nil {
			return n - 1, err
		}
		if total += len(p.Data); total > f.cfg.MaxRecords {
			return n, fmt.Errorf("%w: more than %d records by page %d; raise MaxRecords and the task's memory together", ErrTooManyRecords, f.cfg.MaxRecords, n)
		}
		for i, raw := range p.Data {
			add(rawRecord{page: n, index: i, raw: raw})
		}
		f.cfg.Log.Info("read vendor page", "page", n, "records", len(p.Data), "total", total)
		if p.NextCursor == "" {
			return n, nil
		}
		if seen[p.NextCursor] {
			return n, fmt.Errorf("vendor returned cursor %s a second time on page %d; the listing would never end", quote(p.NextCursor), n)
		}
		seen[p.NextCursor] = true
		cursor = p.NextCursor
	}
}

// fetchPage requests one page, retrying transient failures.
func (f *fetcher) fetchPage(ctx context.Context, w Window, n int, cursor string) (*page, error) {
	q := url.Values{}
	q.Set("from", w.From.Format(time.RFC3339))
	q.Set("to", w.To.Format(time.RFC3339))
	q.Set("limit", strconv.Itoa(f.cfg.PageSize))
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	u := f.cfg.VendorURL + "/v1/prices?" + q.Encode()
	where := fmt.Sprintf("page %d", n)
	if cursor != "" {
		where += " (cursor " + quote(cursor) + ")"
	}
	for attempt := 1; ; attempt++ {
		p, err := f.try(ctx, u)
		if err == nil {
			return p, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("reading %s from the vendor: %w", where, ctx.Err())
		}
		if !err.transient {
			return nil, fmt.Errorf("reading %s from the vendor: %w", where, err)
		}
		if attempt >= f.cfg.MaxAttempts {
			return nil, fmt.Errorf("reading %s from the vendor: giving up after %d attempts: %w", where, attempt, err)
		}
		d := f.backoff(attempt, err.retryAfter)
		f.cfg.Log.Warn("vendor request failed; retrying", "page", n, "attempt", attempt, "max_attempts", f.cfg.MaxAttempts, "delay", d.String(), "error", err.Error())
		if serr := f.cfg.Sleep(ctx, d); serr != nil {
			return nil, fmt.Errorf("reading %s from the vendor: %w", where, serr)
		}
	}
}

// backoff is the wait after failed attempt n (from 1): the vendor's
// Retry-After if it gave one (capped at MaxRetryAfter), else
// BackoffBase*2^(n-1) capped at BackoffMax, jittered into [d/2, d).
func (f *fetcher) backoff(n int, retryAfter time.Duration) time.Duration {
	if retryAfter >= 0 {
		return min(retryAfter, f.cfg.MaxRetryAfter)
	}
	d := f.cfg.BackoffMax
	if n-1 < 62 {
		if e := float64(f.cfg.BackoffBase) * math.Pow(2, float64(n-1)); e < float64(d) {
			d = time.Duration(e)
		}
	}
	j := min(max(f.cfg.Jitter(), 0), 1)
	return d/2 + time.Duration(j*float64(d/2))
}

// try makes one request.
func (f *fetcher) try(ctx context.Context, u string) (*page, *vendorError) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fatal(fmt.Errorf("building the request: %w", err))
	}
	req.Header.Set("X-API-Key", f.cfg.APIKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "hybridstack-etljob/1")
	resp, err := f.cfg.HTTPClient.Do(req)
	if err != nil {
		if errors.Is(err, errRedirect) {
			return nil, fatal(err)
		}
		return nil, transient(-1, "%w", err)
	}
	defer resp.Body.Close()
	status := fmt.Sprintf("HTTP %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	switch code := resp.StatusCode; {
	case code == http.StatusOK:
	case code == http.StatusTooManyRequests || code >= 500:
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, transient(f.retryAfter(resp.Header.Get("Retry-After")), "vendor answered %s", status)
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return nil, fatal(fmt.Errorf("%w (%s); check the secret behind %s", ErrAPIKeyRejected, status, EnvVendorAPIKey))
	default:
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		return nil, fatal(fmt.Errorf("vendor answered %s: %s", status, f.redact(string(body))))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxPageBytes+1))
	if err != nil {
		return nil, transient(-1, "reading the response body: %w", err)
	}
	if len(body) > MaxPageBytes {
		return nil, fatal(fmt.Errorf("response body is larger than %d bytes; lower %s", MaxPageBytes, EnvPageSize))
	}
	var p page
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, transient(-1, "response body is not valid JSON (%d bytes): %w", len(body), err)
	}
	if p.Data == nil {
		return nil, transient(-1, "response body has no \"data\" array")
	}
	return &p, nil
}

// retryAfter parses a Retry-After header: seconds or an HTTP date; -1 when
// absent or unreadable.
func (f *fetcher) retryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return -1
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil && s >= 0 {
		if s > int64(f.cfg.MaxRetryAfter/time.Second) {
			return f.cfg.MaxRetryAfter
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(f.cfg.Now()), 0)
	}
	return -1
}

// redact removes the API key from text the vendor sent back, in case it
// echoes the request.
func (f *fetcher) redact(s string) string {
	if f.cfg.APIKey != "" {
		s = strings.ReplaceAll(s, f.cfg.APIKey, "(redacted)")
	}
	s = strings.TrimSpace(s)
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "") + "..."
	}
	return s
}

var errRedirect = errors.New("vendor redirected to another host; refusing to send the API key there")

// sameHostRedirects wraps a client's redirect policy so that the API key,
// which net/http forwards on every redirect, never leaves the vendor's host
// nor goes over plain http after https.
func sameHostRedirects(c *http.Client) *http.Client {
	cc := *c
	next := c.CheckRedirect
	cc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		if req.URL.Host != first.Host || first.Scheme == "https" && req.URL.Scheme != "https" {
			return fmt.Errorf("%w (%s)", errRedirect, req.URL.Host)
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &cc
}
