package job

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunWritesPartitionOverSeveralPages(t *testing.T) {
	// Out of order, in four time zones, with a tie on the timestamp and a
	// fraction that sorts after the whole second.
	v := newVendor(t,
		`{"id":"p-7","symbol":"aapl","price":"189.1200","currency":"usd","timestamp":"2026-11-22T10:15:00+01:00","volume":1200}`,
		`{"id":"p-3","symbol":"brk.b","price":"455","currency":"usd","timestamp":"2026-11-22T09:05:00Z","volume":0}`,
		`{"id":"p-2","symbol":"msft","price":"0415.50","currency":"USD","timestamp":"2026-11-22T09:05:00Z","volume":300}`,
		`{"id":"p-1","symbol":"sap","price":"120.00000001","currency":"eur","timestamp":"2026-11-22T04:00:00-05:00","volume":50,"venue":"XETR"}`,
		`{"id":"p-5","symbol":"7203.t","price":"2500","currency":"jpy","timestamp":"2026-11-22T18:30:00.5+09:00","volume":100}`,
		`{"id":"p-4","symbol":"aapl","price":"189.13","currency":"usd","timestamp":"2026-11-22T09:30:00Z","volume":10}`,
		`{"id":"p-6","symbol":"vod.l","price":"0.7","currency":"gbp","timestamp":"2026-11-22T09:59:59.999999999Z","volume":5}`,
	)
	c := newTestS3(t)
	sl := &sleeper{}
	var logs bytes.Buffer
	res, err := Run(context.Background(), testConfig(v, c, sl, &logs))
	require.NoError(t, err)

	l := testLayout
	assert.Equal(t, []string{
		"prices/date=2026-11-22/hour=09/_manifest.json",
		"prices/date=2026-11-22/hour=09/part-00000.jsonl",
		"prices/date=2026-11-22/hour=09/part-00001.jsonl",
		"prices/date=2026-11-22/hour=09/part-00002.jsonl",
	}, c.keys(t))
	assert.Equal(t, `{"id":"p-1","symbol":"SAP","price":"120.00000001","currency":"EUR","timestamp":"2026-11-22T09:00:00Z","volume":50}
{"id":"p-2","symbol":"MSFT","price":"415.5","currency":"USD","timestamp":"2026-11-22T09:05:00Z","volume":300}
{"id":"p-3","symbol":"BRK.B","price":"455","currency":"USD","timestamp":"2026-11-22T09:05:00Z","volume":0}
`, string(c.read(t, l.PartKey(0))))
	assert.Equal(t, `{"id":"p-7","symbol":"AAPL","price":"189.12","currency":"USD","timestamp":"2026-11-22T09:15:00Z","volume":1200}
{"id":"p-4","symbol":"AAPL","price":"189.13","currency":"USD","timestamp":"2026-11-22T09:30:00Z","volume":10}
{"id":"p-5","symbol":"7203.T","price":"2500","currency":"JPY","timestamp":"2026-11-22T09:30:00.5Z","volume":100}
`, string(c.read(t, l.PartKey(1))))
	assert.Equal(t, `{"id":"p-6","symbol":"VOD.L","price":"0.7","currency":"GBP","timestamp":"2026-11-22T09:59:59.999999999Z","volume":5}
`, string(c.read(t, l.PartKey(2))))

	m := c.manifest(t)
	assert.Equal(t, ManifestVersion, m.Version)
	assert.True(t, m.From.Equal(l.Window.From) && m.To.Equal(l.Window.To), "window %s..%s", m.From, m.To)
	assert.True(t, m.RunStartedAt.Equal(testNow))
	assert.Equal(t, [4]int{7, 7, 0, 0}, [4]int{m.VendorRecords, m.Records, m.Duplicates, m.Rejects})
	assert.Nil(t, m.RejectsObject)
	require.Len(t, m.Parts, 3)
	for i, p := range m.Parts {
		body := c.read(t, l.PartKey(i))
		sum := sha256.Sum256(body)
		assert.Equal(t, Object{Key: l.PartKey(i), Records: []int{3, 3, 1}[i], Bytes: int64(len(body)), SHA256: hex.EncodeToString(sum[:])}, p)
		head, err := c.Client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(testBucket), Key: aws.String(p.Key)})
		require.NoError(t, err)
		assert.Equal(t, p.SHA256, head.Metadata["sha256"])
		assert.Equal(t, "application/x-ndjson", aws.ToString(head.ContentType))
	}
	assert.Equal(t, Result{Window: l.Window, ManifestKey: l.ManifestKey(), Pages: 3, VendorRecords: 7, Records: 7, PartsWritten: 3}, res)

	// The vendor saw the window, the page size, the key, and each cursor once.
	want := []vendorRequest{
		{"2026-11-22T09:00:00Z", "2026-11-22T10:00:00Z", "3", "", testKey},
		{"2026-11-22T09:00:00Z", "2026-11-22T10:00:00Z", "3", "c3", testKey},
		{"2026-11-22T09:00:00Z", "2026-11-22T10:00:00Z", "3", "c6", testKey},
	}
	assert.Equal(t, want, v.seen())
	assert.Empty(t, sl.all())
	assert.NotContains(t, logs.String(), testKey)
	assert.Contains(t, logs.String(), `"api_key":"(redacted)"`)
}

func TestRunRejectsBadRecords(t *testing.T) {
	bad := []struct {
		name, raw string
		fields    []string
		reason    string
	}{
		{"bad symbol", `{"id":"b-1","symbol":"AA PL","price":"1","currency":"USD","timestamp":"2026-11-22T09:00:00Z","volume":1}`,
			[]string{"symbol"}, `symbol "AA PL" is not 1 to 12 characters of A-Z, 0-9, '.' and '-'`},
		{"long symbol", `{"id":"b-2","symbol":"ABCDEFGHIJKLM","price":"1","currency":"USD","timestamp":"2026-11-22T09:00:00Z","volume":1}`,
			[]string{"symbol"}, `symbol "ABCDEFGHIJKLM" is not 1 to 12 characters`},
		{"negative price", `{"id":"b-3","symbol":"X","price":"-1.5","currency":"USD","timestamp":"2026-11-22T09:00:00Z","volume":1}`,
			[]string{"price"}, `price "-1.5" is not positive`},
		{"zero price", `{"id":"b-4","symbol":"X","price":"0.000","currency":"USD","timestamp":"2026-11-22T09:00:00Z","volume":1}`,
			[]string{"price"}, `price "0.000" is not positive`},
		{"too precise price", `{"id":"b-5","symbol":"X","price":"1.123456789","currency":"USD","timestamp":"2026-11-22T09:00:00Z","volume":1}`,
			[]string{"price"}, `price "1.123456789" has 9 fractional digits; at most 8 are allowed`},
		{"float-ish price", `{"id":"b-6","symbol":"X","price":"1e3","currency":"USD","timestamp":"2026-11-22T09:00:00Z","volume":1}`,
			[]string{"price"}, `price "1e3" is not a plain decimal number`},
		{"price as a JSON number", `{"id":"b-7","symbol":"X","price":189.12,"currency":"USD","timestamp":"2026-11-22T09:00:00Z","volume":1}`,
			[]string{"price"}, `price must be a JSON string like "189.12", so that no float rounds it, got 189.12`},
		{"bad currency", `{"id":"b-8","symbol":"X","price":"1","currency":"US","timestamp":"2026-11-22T09:00:00Z","volume":1}`,
			[]string{"currency"}, `currency "US" is not a three-letter ISO 4217 code`},
		{"currency with a digit", `{"id":"b-9","symbol":"X","price":"1","currency":"US1","timestamp":"2026-11-22T09:00:00Z","volume":1}`,
			[]string{"currency"}, `currency "US1" is not a three-letter ISO 4217 code`},
		{"bad timestamp", `{"id":"b-10","symbol":"X","price":"1","currency":"USD","timestamp":"2026-11-22 09:15:00","volume":1}`,
			[]string{"timestamp"}, `timestamp "2026-11-22 09:15:00" is not an RFC 3339 time`},
		{"at the window's end", `{"id":"b-11","symbol":"X","price":"1","currency":"USD","timestamp":"2026-11-22T11:00:00+01:00","volume":1}`,
			[]string{"timestamp"}, `timestamp 2026-11-22T10:00:00Z is outside the window [2026-11-22T09:00:00Z, 2026-11-22T10:00:00Z)`},
		{"before the window", `{"id":"b-12","symbol":"X","price":"1","currency":"USD","timestamp":"2026-11-22T08:59:59.999Z","volume":1}`,
			[]string{"timestamp"}, `timestamp 2026-11-22T08:59:59.999Z is outside the window`},
		{"missing id", `{"symbol":"X","price":"1","currency":"USD","timestamp":"2026-11-22T09:00:00Z","volume":1}`,
			[]string{"id"}, `id is required`},
		{"empty id", `{"id":"","symbol":"X","price":"1","currency":"USD","timestamp":"2026-11-22T09:00:00Z","volume":1}`,
			[]string{"id"}, `id is empty`},
		{"negative volume", `{"id":"b-15","symbol":"X","price":"1","currency":"USD","timestamp":"2026-11-22T09:00:00Z","volume":-5}`,
			[]string{"volume"}, `volume -5 is negative`},
		{"fractional volume", `{"id":"b-16","symbol":"X","price":"1","currency":"USD","timestamp":"2026-11-22T09:00:00Z","volume":1.5}`,
			[]string{"volume"}, `volume 1.5 is not an integer`},
		{"not an object", `[1, 2]`, []string{"record"}, `record is not a JSON object`},
		{"several problems", `{"id":"b-18","symbol":"","price":"1","currency":"euro","timestamp":"2026-11-22T09:00:00Z"}`,
			[]string{"symbol", "currency", "volume"}, `symbol "" is not 1 to 12 characters of A-Z, 0-9, '.' and '-'; currency "euro" is not a three-letter ISO 4217 code like USD; volume is required`},
		{"duplicate id, different content", strings.Replace(rec("g-1", 1, 0), `"volume":60`, `"volume":61`, 1),
			[]string{"id"}, `id "g-1" was already seen with different content (page 1, index 0)`},
	}
	// Good records, one duplicated identically (a re-delivery: dropped
	// silently) with the price written differently.
	raws := []string{rec("g-1", 1, 0), rec("g-2", 2, 0)}
	for _, b := range bad {
		raws = append(raws, b.raw)
	}
	raws = append(raws, strings.Replace(rec("g-2", 2, 0), `"189.12"`, `"189.120"`, 1), rec("g-3", 3, 0))

	v := newVendor(t, raws...)
	c := newTestS3(t)
	cfg := testConfig(v, c, &sleeper{}, nil)
	cfg.PageSize = 4
	cfg.MaxRejectRatio = RejectRatio(1)
	res, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.Equal(t, []string{"g-1", "g-2", "g-3"}, c.writtenIDs(t))
	assert.Equal(t, [4]int{len(raws), 3, 1, len(bad)}, [4]int{res.VendorRecords, res.Records, res.Duplicates, res.Rejects})
	m := c.manifest(t)
	assert.Equal(t, [4]int{len(raws), 3, 1, len(bad)}, [4]int{m.VendorRecords, m.Records, m.Duplicates, m.Rejects})
	require.NotNil(t, m.RejectsObject)
	assert.Equal(t, testLayout.RejectsKey(), m.RejectsObject.Key)
	assert.Equal(t, "prices-rejects/date=2026-11-22/hour=09/rejects.jsonl", m.RejectsObject.Key)

	body := c.read(t, testLayout.RejectsKey())
	sum := sha256.Sum256(body)
	assert.Equal(t, hex.EncodeToString(sum[:]), m.RejectsObject.SHA256)
	sc := bufio.NewScanner(bytes.NewReader(body))
	i := 0
	for ; sc.Scan(); i++ {
		require.Less(t, i, len(bad), "extra reject line %s", sc.Text())
		var r Reject
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r))
		b := bad[i]
		t.Run(b.name, func(t *testing.T) {
			assert.Equal(t, b.fields, r.Fields)
			assert.Contains(t, r.Reason, b.reason)
			assert.Equal(t, compact(t, b.raw), string(r.Record))
			assert.Equal(t, [2]int{(i+2)/4 + 1, (i + 2) % 4}, [2]int{r.Page, r.Index}, "position")
		})
	}
	assert.Equal(t, len(bad), i)
}

func TestRunFailsOverRejectRatio(t *testing.T) {
	badRec := `{"id":"x","symbol":"X","price":"1e3","currency":"USD","timestamp":"2026-11-22T09:00:00Z","volume":1}`
	for _, tc := range []struct {
		name    string
		bad     int
		ratio   *float64
		wantErr string
	}{
		{"5% of 20 is allowed", 1, nil, ""},
		{"10% of 20 is not", 2, nil, "2 of 20 records (10%) are invalid, more than the 5% allowed by MAX_REJECT_RATIO"},
		{"no reject tolerated", 1, RejectRatio(0), "1 of 20 records (5%) are invalid, more than the 0% allowed"},
		{"all bad", 20, RejectRatio(0.5), "20 of 20 records (100%) are invalid, more than the 50% allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raws := recs(20)
			for i := range tc.bad {
				raws[i*7%20] = strings.Replace(badRec, `"x"`, fmt.Sprintf(`"x-%d"`, i), 1)
			}
			v := newVendor(t, raws...)
			c := newTestS3(t)
			cfg := testConfig(v, c, &sleeper{}, nil)
			cfg.MaxRejectRatio = tc.ratio
			_, err := Run(context.Background(), cfg)
			if tc.wantErr == "" {
				require.NoError(t, err)
				assert.Contains(t, c.keys(t), testLayout.ManifestKey())
				return
			}
			require.ErrorIs(t, err, ErrRejectRatio)
			assert.ErrorContains(t, err, tc.wantErr)
			assert.ErrorContains(t, err, "s3://"+testBucket+"/"+testLayout.RejectsKey())
			// The rejects are written, nothing else.
			assert.Equal(t, []string{testLayout.RejectsKey()}, c.keys(t))
			assert.Equal(t, tc.bad, bytes.Count(c.read(t, testLayout.RejectsKey()), []byte("\n")))
		})
	}
}

// dropMidBody answers 200 and closes the connection halfway through the
// body it announced.
func dropMidBody(w http.ResponseWriter, _ *http.Request) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n" + `{"data":[{"id":"r-0`)
	buf.Flush()
	conn.Close()
}

func status(code int, retryAfter string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		http.Error(w, http.StatusText(code), code)
	}
}

func TestRunRetriesTransientVendorFailures(t *testing.T) {
	raws := recs(8)
	v := newVendor(t, raws...)
	v.faults[1] = status(http.StatusTooManyRequests, "7")
	v.faults[3] = status(http.StatusServiceUnavailable, "")
	v.faults[4] = dropMidBody
	v.faults[6] = func(w http.ResponseWriter, _ *http.Request) {
		// Truncated JSON with a complete HTTP response.
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"data":[{"id":"r-006","symbol":"aapl"`)
	}
	c := newTestS3(t)
	sl := &sleeper{}
	var logs bytes.Buffer
	res, err := Run(context.Background(), testConfig(v, c, sl, &logs))
	require.NoError(t, err)

	// Retry-After is honoured; otherwise 1s doubling per attempt of the same
	// page, at its lower bound d/2 with jitter 0.
	assert.Equal(t, []time.Duration{7 * time.Second, 500 * time.Millisecond, time.Second, 500 * time.Millisecond}, sl.all())
	var cursors []string
	for _, r := range v.seen() {
		cursors = append(cursors, r.cursor)
	}
	assert.Equal(t, []string{"", "", "c3", "c3", "c3", "c6", "c6"}, cursors)
	// No page skipped or repeated: every id exactly once.
	assert.Equal(t, idsOf(raws), c.writtenIDs(t))
	assert.Equal(t, 3, res.Pages)
	assert.Equal(t, 4, strings.Count(logs.String(), "vendor request failed; retrying"))
	assert.NotContains(t, logs.String(), testKey)
}

func TestRunGivesUpAfterMaxAttempts(t *testing.T) {
	v := newVendor(t, recs(8)...)
	for n := 2; n < 10; n++ {
		v.faults[n] = status(http.StatusBadGateway, "")
	}
	c := newTestS3(t)
	sl := &sleeper{}
	cfg := testConfig(v, c, sl, nil)
	cfg.MaxAttempts = 3
	_, err := Run(context.Background(), cfg)
	require.Error(t, err)
	assert.ErrorContains(t, err, `reading page 2 (cursor "c3") from the vendor: giving up after 3 attempts: vendor answered HTTP 502 Bad Gateway`)
	assert.Len(t, v.seen(), 4)
	assert.Equal(t, []time.Duration{500 * time.Millisecond, time.Second}, sl.all())
	// Nothing written: no parts, no manifest, no rejects.
	assert.Empty(t, c.keys(t))
	assert.Zero(t, c.totalPuts())
}

func TestRunStopsAtFatalVendorAnswers(t *testing.T) {
	for _, tc := range []struct {
		code    int
		is      error
		wantErr string
	}{
		{http.StatusUnauthorized, ErrAPIKeyRejected, "the vendor rejected the API key (HTTP 401 Unauthorized); check the secret behind VENDOR_API_KEY"},
		{http.StatusForbidden, ErrAPIKeyRejected, "the vendor rejected the API key (HTTP 403 Forbidden)"},
		{http.StatusBadRequest, nil, `vendor answered HTTP 400 Bad Request: {"error":"bad key (redacted) for`},
		{http.StatusNotFound, nil, "vendor answered HTTP 404 Not Found"},
	} {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			v := newVendor(t, recs(8)...)
			for n := 1; n < 5; n++ {
				v.faults[n] = func(w http.ResponseWriter, r *http.Request) {
					// A vendor that echoes the key it was sent.
					http.Error(w, `{"error":"bad key `+r.Header.Get("X-API-Key")+` for this account"}`, tc.code)
				}
			}
			c := newTestS3(t)
			sl := &sleeper{}
			var logs bytes.Buffer
			_, err := Run(context.Background(), testConfig(v, c, sl, &logs))
			require.Error(t, err)
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is)
			}
			assert.ErrorContains(t, err, tc.wantErr)
			assert.NotContains(t, err.Error(), testKey)
			assert.NotContains(t, logs.String(), testKey)
			assert.Len(t, v.seen(), 1, "retried a fatal answer")
			assert.Empty(t, sl.all())
			assert.Empty(t, c.keys(t))
		})
	}
	t.Run("wrong key", func(t *testing.T) {
		v := newVendor(t, recs(2)...)
		c := newTestS3(t)
		cfg := testConfig(v, c, &sleeper{}, nil)
		cfg.APIKey = "sk-live-wrong"
		_, err := Run(context.Background(), cfg)
		require.ErrorIs(t, err, ErrAPIKeyRejected)
		assert.NotContains(t, err.Error(), "sk-live-wrong")
	})
}

func TestRunRefusesRedirectsToOtherHosts(t *testing.T) {
	var leaked []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked = append(leaked, r.Header.Get("X-API-Key"))
	}))
	defer other.Close()
	v := newVendor(t)
	v.faults[1] = func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusFound)
	}
	c := newTestS3(t)
	_, err := Run(context.Background(), testConfig(v, c, &sleeper{}, nil))
	require.ErrorIs(t, err, errRedirect)
	assert.Empty(t, leaked)
	assert.Len(t, v.seen(), 1)
}

func TestRunRefusesEndlessOrHugeListings(t *testing.T) {
	t.Run("repeated cursor", func(t *testing.T) {
		v := newVendor(t)
		for n := 1; n < 5; n++ {
			v.faults[n] = func(w http.ResponseWriter, _ *http.Request) {
				fmt.Fprint(w, `{"data":[],"next_cursor":"again"}`)
			}
		}
		c := newTestS3(t)
		_, err := Run(context.Background(), testConfig(v, c, &sleeper{}, nil))
		assert.ErrorContains(t, err, `vendor returned cursor "again" a second time on page 2`)
		assert.Empty(t, c.keys(t))
	})
	t.Run("more than MaxRecords", func(t *testing.T) {
		v := newVendor(t, recs(8)...)
		c := newTestS3(t)
		cfg := testConfig(v, c, &sleeper{}, nil)
		cfg.MaxRecords = 5
		_, err := Run(context.Background(), cfg)
		require.ErrorIs(t, err, ErrTooManyRecords)
		assert.ErrorContains(t, err, "more than 5 records by page 2")
		assert.Empty(t, c.keys(t))
	})
	t.Run("no data array", func(t *testing.T) {
		v := newVendor(t)
		for n := 1; n < 5; n++ {
			v.faults[n] = func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, `{"items":[]}`) }
		}
		c := newTestS3(t)
		cfg := testConfig(v, c, &sleeper{}, nil)
		cfg.MaxAttempts = 2
		_, err := Run(context.Background(), cfg)
		assert.ErrorContains(t, err, `giving up after 2 attempts: response body has no "data" array`)
	})
}

func TestRunConvergesAfterWriteFailure(t *testing.T) {
	raws := recs(8) // parts of 3: 3, 3, 2
	v := newVendor(t, raws...)
	c := newTestS3(t)
	l := testLayout
	c.failPut = func(key string, n int) error {
		if key == l.PartKey(1) && n == 1 {
			return errors.New("injected: connection reset by peer")
		}
		return nil
	}
	cfg := testConfig(v, c, &sleeper{}, nil)
	_, err := Run(context.Background(), cfg)
	require.ErrorContains(t, err, "writing s3://"+testBucket+"/"+l.PartKey(1)+": ")
	assert.Equal(t, []string{l.PartKey(0)}, c.keys(t), "no manifest after a failure")

	res, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.Equal(t, idsOf(raws), c.writtenIDs(t), "every record exactly once")
	assert.Equal(t, []string{l.ManifestKey(), l.PartKey(0), l.PartKey(1), l.PartKey(2)}, c.keys(t))
	assert.Equal(t, 1, c.putsOf(l.PartKey(0)), "the first run's part was rewritten")
	assert.Equal(t, 2, c.putsOf(l.PartKey(1)))
	assert.Equal(t, 1, c.putsOf(l.PartKey(2)))
	assert.Equal(t, 1, c.putsOf(l.ManifestKey()))
	assert.Equal(t, [3]int{2, 1, 0}, [3]int{res.PartsWritten, res.PartsUnchanged, res.StalePartsDeleted})
}

func TestRunSendsContentMD5(t *testing.T) {
	v := newVendor(t, recs(4)...)
	c := newTestS3(t)
	// A body damaged on the way: S3 (here gofakes3) refuses it because it
	// does not match the Content-MD5 the job computed.
	c.corrupt = func(key string) bool { return key == testLayout.PartKey(1) }
	_, err := Run(context.Background(), testConfig(v, c, &sleeper{}, nil))
	assert.ErrorContains(t, err, "BadDigest")
	assert.Equal(t, []string{testLayout.PartKey(0)}, c.keys(t))
}

func TestRunAgainAfterSuccessDoesNothing(t *testing.T) {
	v := newVendor(t, recs(8)...)
	c := newTestS3(t)
	cfg := testConfig(v, c, &sleeper{}, nil)
	_, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	puts, requests, before := c.totalPuts(), len(v.seen()), c.manifest(t)

	// An hour later, a manual re-run of the same scheduled time.
	cfg.Now = func() time.Time { return testNow.Add(time.Hour) }
	res, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.True(t, res.AlreadyComplete)
	assert.Equal(t, puts, c.totalPuts(), "PutObject after success")
	assert.Empty(t, c.deletes)
	assert.Len(t, v.seen(), requests, "the vendor was asked again")
	assert.Equal(t, before, c.manifest(t))
}

func TestRunDeletesStalePartsOfALargerEarlierRun(t *testing.T) {
	raws := recs(8) // parts of 3: 3, 3, 2
	v := newVendor(t, raws...)
	c := newTestS3(t)
	l := testLayout
	// The first run writes every part and the rejects, then fails on the
	// manifest.
	c.failPut = func(key string, _ int) error {
		if key == l.ManifestKey() {
			return errors.New("injected: service unavailable")
		}
		return nil
	}
	cfg := testConfig(v, c, &sleeper{}, nil)
	cfg.MaxRejectRatio = RejectRatio(0.5)
	v.setRecords(append(slices.Clone(raws), `{"id":"bad"}`)...)
	_, err := Run(context.Background(), cfg)
	require.ErrorContains(t, err, "service unavailable")
	assert.Equal(t, []string{l.RejectsKey(), l.PartKey(0), l.PartKey(1), l.PartKey(2)}, c.keys(t))

	// The vendor corrected the hour: fewer records, no rejects.
	c.failPut = nil
	v.setRecords(raws[:4]...)
	res, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.Equal(t, []string{l.ManifestKey(), l.PartKey(0), l.PartKey(1)}, c.keys(t))
	assert.Equal(t, idsOf(raws[:4]), c.writtenIDs(t))
	assert.Equal(t, []string{l.PartKey(2), l.RejectsKey()}, c.deletes)
	assert.Equal(t, 1, c.putsOf(l.PartKey(0)), "an unchanged part was rewritten")
	assert.Equal(t, 2, c.putsOf(l.PartKey(1)))
	assert.Equal(t, [3]int{1, 1, 1}, [3]int{res.PartsWritten, res.PartsUnchanged, res.StalePartsDeleted})
	assert.Len(t, c.manifest(t).Parts, 2)
}

func TestRunRedoesAnInvalidManifest(t *testing.T) {
	putManifest := func(body string) func(*testing.T, *testS3) {
		return func(t *testing.T, c *testS3) {
			_, err := c.Client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(testBucket), Key: aws.String(testLayout.ManifestKey()), Body: strings.NewReader(body)})
			require.NoError(t, err)
		}
	}
	deleteKey := func(key string) func(*testing.T, *testS3) {
		return func(t *testing.T, c *testS3) {
			_, err := c.Client.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(testBucket), Key: aws.String(key)})
			require.NoError(t, err)
		}
	}
	for _, tc := range []struct {
		name     string
		runFirst bool
		before   func(*testing.T, *testS3)
		problem  string
	}{
		{"garbage", false, putManifest("{not json"), "not valid JSON"},
		{"another version", false, putManifest(`{"version":2}`), "version 2, want 1"},
		{"another window", false, putManifest(`{"version":1,"from":"2026-11-22T08:00:00Z","to":"2026-11-22T09:00:00Z","parts":[]}`),
			"window [2026-11-22T08:00:00Z, 2026-11-22T09:00:00Z), want [2026-11-22T09:00:00Z, 2026-11-22T10:00:00Z)"},
		{"a listed part is missing", true, deleteKey(testLayout.PartKey(1)), "part prices/date=2026-11-22/hour=09/part-00001.jsonl is missing or not"},
		{"the rejects are missing", true, deleteKey(testLayout.RejectsKey()), "rejects object prices-rejects/date=2026-11-22/hour=09/rejects.jsonl is missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raws := append(recs(8), `{"id":"bad"}`)
			v := newVendor(t, raws...)
			c := newTestS3(t)
			cfg := testConfig(v, c, &sleeper{}, nil)
			cfg.MaxRejectRatio = RejectRatio(0.5)
			if tc.runFirst {
				_, err := Run(context.Background(), cfg)
				require.NoError(t, err)
			}
			tc.before(t, c)
			var logs bytes.Buffer
			cfg.Log = testConfig(v, c, &sleeper{}, &logs).Log
			res, err := Run(context.Background(), cfg)
			require.NoError(t, err)
			assert.False(t, res.AlreadyComplete)
			assert.Contains(t, logs.String(), "the window's manifest is invalid; deleting it and redoing the window")
			assert.Contains(t, logs.String(), tc.problem)
			assert.Equal(t, idsOf(raws[:8]), c.writtenIDs(t))
			assert.Equal(t, 1, c.manifest(t).Rejects)
		})
	}
}

func TestRunDetectsAnOverlappingRun(t *testing.T) {
	v := newVendor(t, recs(4)...)
	c := newTestS3(t)
	c.beforePut = func(key string) {
		if key == testLayout.ManifestKey() {
			// Another run finishes the window meanwhile.
			_, err := c.Client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(testBucket), Key: aws.String(key), Body: strings.NewReader("{}")})
			require.NoError(t, err)
		}
	}
	_, err := Run(context.Background(), testConfig(v, c, &sleeper{}, nil))
	assert.ErrorContains(t, err, "another run wrote it meanwhile; two runs of the same window overlapped")
}

func TestRunWritesAnEmptyHour(t *testing.T) {
	v := newVendor(t)
	c := newTestS3(t)
	_, err := Run(context.Background(), testConfig(v, c, &sleeper{}, nil))
	require.NoError(t, err)
	assert.Equal(t, []string{testLayout.ManifestKey()}, c.keys(t))
	m := c.manifest(t)
	assert.Empty(t, m.Parts)
	assert.Zero(t, m.VendorRecords)
}

func TestRunStopsWhenCancelled(t *testing.T) {
	v := newVendor(t, recs(8)...)
	v.faults[1] = status(http.StatusServiceUnavailable, "")
	c := newTestS3(t)
	ctx, cancel := context.WithCancel(context.Background())
	cfg := testConfig(v, c, &sleeper{}, nil)
	cfg.Sleep = func(context.Context, time.Duration) error {
		cancel()
		return context.Canceled
	}
	_, err := Run(ctx, cfg)
	require.ErrorIs(t, err, context.Canceled)
	assert.Len(t, v.seen(), 1)
	assert.Empty(t, c.keys(t))
}

func TestRunWindowFromScheduledTime(t *testing.T) {
	for _, tc := range []struct {
		scheduled string
		now       string
		partition string
	}{
		{"2026-11-22T10:00:05Z", "", "prices/date=2026-11-22/hour=09/"},
		{"2026-11-22T10:00:00Z", "", "prices/date=2026-11-22/hour=09/"},
		{"2026-11-22T10:59:59.999Z", "", "prices/date=2026-11-22/hour=09/"},
		{"2026-11-22T11:30:00+01:00", "", "prices/date=2026-11-22/hour=09/"},
		{"2026-11-23T00:10:00Z", "", "prices/date=2026-11-22/hour=23/"},
		{"2026-11-23T05:10:00+05:30", "", "prices/date=2026-11-22/hour=22/"},
		// Without SCHEDULED_TIME the clock decides.
		{"", "2027-01-01T00:00:30Z", "prices/date=2026-12-31/hour=23/"},
	} {
		t.Run(tc.scheduled+tc.now, func(t *testing.T) {
			v := newVendor(t)
			c := newTestS3(t)
			cfg := testConfig(v, c, &sleeper{}, nil)
			cfg.ScheduledTime = time.Time{}
			if tc.scheduled != "" {
				cfg.ScheduledTime = mustTime(t, tc.scheduled)
			}
			if tc.now != "" {
				now := mustTime(t, tc.now)
				cfg.Now = func() time.Time { return now }
			} else {
				cfg.Now = func() time.Time { return mustTime(t, tc.scheduled).Add(time.Minute) }
			}
			res, err := Run(context.Background(), cfg)
			require.NoError(t, err)
			assert.Equal(t, tc.partition+"_manifest.json", res.ManifestKey)
			assert.Equal(t, time.Hour, res.Window.To.Sub(res.Window.From))
			assert.Equal(t, time.UTC, res.Window.From.Location())
			r := v.seen()[0]
			assert.Equal(t, res.Window.From.Format(time.RFC3339), r.from)
			assert.True(t, strings.HasSuffix(r.from, "Z") && strings.HasSuffix(r.to, "Z"), "%s %s", r.from, r.to)
		})
	}
	t.Run("in the future", func(t *testing.T) {
		v := newVendor(t)
		c := newTestS3(t)
		cfg := testConfig(v, c, &sleeper{}, nil)
		cfg.ScheduledTime = testNow.Add(2 * time.Hour)
		_, err := Run(context.Background(), cfg)
		assert.ErrorContains(t, err, "window [2026-11-22T11:00:00Z, 2026-11-22T12:00:00Z) has not ended at 2026-11-22T10:00:07Z")
		assert.Empty(t, v.seen())
		assert.Empty(t, c.keys(t))
	})
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	require.NoError(t, err)
	return tm
}
