package job

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestConfigFromEnv(t *testing.T) {
	c, err := ConfigFromEnv(env(map[string]string{
		EnvVendorURL:    "https://api.vendor.example/feed/",
		EnvVendorAPIKey: testKey,
		EnvOutputBucket: "prices-lake",
	}))
	require.NoError(t, err)
	assert.Equal(t, Config{VendorURL: "https://api.vendor.example/feed/", APIKey: testKey, OutputBucket: "prices-lake"}, c)

	c, err = ConfigFromEnv(env(map[string]string{
		EnvVendorURL:      "https://api.vendor.example",
		EnvVendorAPIKey:   testKey,
		EnvOutputBucket:   "prices-lake",
		EnvOutputPrefix:   "/curated/prices/",
		EnvScheduledTime:  "2026-11-22T10:00:05Z",
		EnvPageSize:       "1000",
		EnvMaxAttempts:    "3",
		EnvMaxRejectRatio: "0",
	}))
	require.NoError(t, err)
	assert.Equal(t, "/curated/prices/", c.OutputPrefix)
	assert.True(t, c.ScheduledTime.Equal(testScheduled))
	assert.Equal(t, [2]int{1000, 3}, [2]int{c.PageSize, c.MaxAttempts})
	require.NotNil(t, c.MaxRejectRatio)
	assert.Zero(t, *c.MaxRejectRatio)

	r, err := Config{VendorURL: "https://v.example", APIKey: "k", OutputBucket: "b-1", S3: &testS3{}}.resolved()
	require.NoError(t, err)
	assert.Equal(t, [4]int{DefaultPageSize, DefaultMaxAttempts, DefaultRecordsPerPart, DefaultMaxRecords}, [4]int{r.PageSize, r.MaxAttempts, r.RecordsPerPart, r.MaxRecords})
	assert.Equal(t, DefaultOutputPrefix, r.OutputPrefix)
	assert.Equal(t, DefaultMaxRejectRatio, *r.MaxRejectRatio)
}

func TestConfigFromEnvErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"nothing set", nil, []string{"missing required environment variables: VENDOR_URL, VENDOR_API_KEY, OUTPUT_BUCKET"}},
		{"all bad", map[string]string{
			EnvVendorURL:      "http://api.vendor.example",
			EnvVendorAPIKey:   testKey + " \n",
			EnvOutputBucket:   "Prices_Lake",
			EnvOutputPrefix:   "a/../b",
			EnvScheduledTime:  "yesterday",
			EnvPageSize:       "1001",
			EnvMaxAttempts:    "zero",
			EnvMaxRejectRatio: "5%",
		}, []string{
			`VENDOR_URL "http://api.vendor.example" must be an https:// URL`,
			"VENDOR_API_KEY (20 characters) must be printable ASCII without spaces",
			`OUTPUT_BUCKET "Prices_Lake" is not an S3 bucket name`,
			`OUTPUT_PREFIX "a/../b" must be letters`,
			`SCHEDULED_TIME "yesterday" is not an RFC 3339 time`,
			`PAGE_SIZE "1001" is not an integer between 1 and 1000`,
			`MAX_ATTEMPTS "zero" is not an integer between 1 and 20`,
			`MAX_REJECT_RATIO "5%" is not a fraction between 0 and 1`,
		}},
		{"only the key missing", map[string]string{EnvVendorURL: "https://v.example", EnvOutputBucket: "b-1", EnvPageSize: "0"}, []string{
			"missing required environment variables: VENDOR_API_KEY",
			`PAGE_SIZE "0" is not an integer between 1 and 1000`,
		}},
		{"credentials in the URL", map[string]string{EnvVendorURL: "https://user:secret@v.example?key=" + testKey, EnvVendorAPIKey: testKey, EnvOutputBucket: "b-1"}, []string{
			`VENDOR_URL "https://v.example" must not carry credentials, a query or a fragment`,
		}},
		{"ratio above one", map[string]string{EnvVendorURL: "https://v.example", EnvVendorAPIKey: "k", EnvOutputBucket: "b-1", EnvMaxRejectRatio: "1.5"}, []string{
			`MAX_REJECT_RATIO "1.5" is not a fraction between 0 and 1`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ConfigFromEnv(env(tc.env))
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Len(t, strings.Split(err.Error(), "; "), len(tc.want), "error: %v", err)
			assert.NotContains(t, err.Error(), "sk-live")
			assert.NotContains(t, err.Error(), "secret")
		})
	}
}

func TestRunValidatesConfig(t *testing.T) {
	_, err := Run(context.Background(), Config{VendorURL: "http://localhost:1", PageSize: -1, MaxAttempts: 99, MaxRejectRatio: RejectRatio(2)})
	require.Error(t, err)
	for _, w := range []string{
		`VENDOR_URL "http://localhost:1" must be an https:// URL`,
		"APIKey (VENDOR_API_KEY) is required",
		"OutputBucket (OUTPUT_BUCKET) is required",
		"PageSize -1 is not between 1 and 1000",
		"MaxAttempts 99 is not between 1 and 20",
		"MaxRejectRatio 2 is not between 0 and 1",
		"S3 client is required",
	} {
		assert.ErrorContains(t, err, w)
	}
	_, err = partCount(maxParts+1, 1)
	assert.ErrorContains(t, err, "100001 records in parts of 1 need 100001 parts; part-NNNNN allows 100000")
}

func TestConfigNeverShowsTheKey(t *testing.T) {
	c := Config{VendorURL: "https://v.example", APIKey: testKey, OutputBucket: "b-1"}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("config", "config", c)
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %s", c, c, c), logs.String()} {
		assert.NotContains(t, s, testKey)
		assert.Contains(t, s, "redacted")
	}
}

func TestWindowFor(t *testing.T) {
	for _, tc := range []struct{ in, from, to string }{
		{"2026-11-22T10:00:05Z", "2026-11-22T09:00:00Z", "2026-11-22T10:00:00Z"},
		{"2026-11-22T10:00:00Z", "2026-11-22T09:00:00Z", "2026-11-22T10:00:00Z"},
		{"2026-11-22T09:59:59.999999999Z", "2026-11-22T08:00:00Z", "2026-11-22T09:00:00Z"},
		{"2026-11-22T10:00:05+01:00", "2026-11-22T08:00:00Z", "2026-11-22T09:00:00Z"},
		{"2026-11-22T10:20:05+05:45", "2026-11-22T03:00:00Z", "2026-11-22T04:00:00Z"},
		{"2027-01-01T00:00:00Z", "2026-12-31T23:00:00Z", "2027-01-01T00:00:00Z"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			w := WindowFor(mustTime(t, tc.in))
			assert.Equal(t, tc.from, w.From.Format(time.RFC3339))
			assert.Equal(t, tc.to, w.To.Format(time.RFC3339))
			assert.True(t, w.Contains(w.From))
			assert.False(t, w.Contains(w.To))
		})
	}
}

func TestBackoff(t *testing.T) {
	f := &fetcher{cfg: Config{BackoffBase: time.Second, BackoffMax: 30 * time.Second, MaxRetryAfter: 5 * time.Minute, Jitter: func() float64 { return 0.5 }, Now: func() time.Time { return testNow }}}
	var got []time.Duration
	for n := 1; n <= 8; n++ {
		got = append(got, f.backoff(n, -1))
	}
	// 0.75 of 1, 2, 4, 8, 16, then capped at 30 s.
	ms := func(v ...int) []time.Duration {
		var out []time.Duration
		for _, x := range v {
			out = append(out, time.Duration(x)*time.Millisecond)
		}
		return out
	}
	assert.Equal(t, ms(750, 1500, 3000, 6000, 12000, 22500, 22500, 22500), got)
	assert.Equal(t, 22500*time.Millisecond, f.backoff(200, -1), "no overflow")

	for _, tc := range []struct {
		header string
		want   time.Duration
	}{
		{"", -1},
		{"7", 7 * time.Second},
		{"0", 0},
		{"3600", 5 * time.Minute},
		{"soon", -1},
		{testNow.Add(90 * time.Second).Format(http1123), 90 * time.Second},
		{testNow.Add(-time.Hour).Format(http1123), 0},
	} {
		assert.Equal(t, tc.want, f.retryAfter(tc.header), "Retry-After %q", tc.header)
	}
	assert.Equal(t, 5*time.Minute, f.backoff(1, 10*time.Minute))
}

const http1123 = "Mon, 02 Jan 2006 15:04:05 GMT"

func TestDefaultSleepStopsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	assert.NoError(t, sleep(ctx, 0))
	cancel()
	start := time.Now()
	assert.ErrorIs(t, sleep(ctx, time.Hour), context.Canceled)
	assert.Less(t, time.Since(start), time.Minute)
}
