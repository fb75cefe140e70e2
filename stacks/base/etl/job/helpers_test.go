package job

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

const (
	testBucket = "prices-lake"
	testKey    = "sk-live-7d1f0c9a2b"
)

var (
	// The schedule fired at 10:00 and ran a few seconds late; the window is
	// [09:00, 10:00).
	testScheduled = time.Date(2026, 11, 22, 10, 0, 5, 0, time.UTC)
	testNow       = time.Date(2026, 11, 22, 10, 0, 7, 0, time.UTC)
	testLayout    = Layout{Prefix: "prices", Window: Window{
		From: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC),
		To:   time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC),
	}}
)

// testS3 is a real S3 client on gofakes3 that counts writes and deletes
// and can be told to fail a write.
type testS3 struct {
	*s3.Client
	mu      sync.Mutex
	puts    map[string]int // PutObject calls per key, failed ones included
	deletes []string
	// failPut, if set, is asked before each PutObject with the key and the
	// number of the call for that key (from 1); an error fails the call.
	failPut func(key string, n int) error
	// beforePut, if set, runs before each PutObject.
	beforePut func(key string)
	// corrupt, if it returns true for a key, flips a byte of the body sent.
	corrupt func(key string) bool
}

func (c *testS3) PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	key := aws.ToString(in.Key)
	c.mu.Lock()
	c.puts[key]++
	n := c.puts[key]
	fail, before, corrupt := c.failPut, c.beforePut, c.corrupt
	c.mu.Unlock()
	if corrupt != nil && corrupt(key) {
		body, err := io.ReadAll(in.Body)
		if err != nil {
			return nil, err
		}
		body[len(body)/2] ^= 1
		cp := *in
		cp.Body = bytes.NewReader(body)
		in = &cp
	}
	if before != nil {
		before(key)
	}
	if fail != nil {
		if err := fail(key, n); err != nil {
			return nil, err
		}
	}
	return c.Client.PutObject(ctx, in, opts...)
}

// GetObject and HeadObject answer AccessDenied for a missing key, as S3
// does for a role whose s3:ListBucket is limited by prefix: the job must
// list before it reads.
func (c *testS3) GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	out, err := c.Client.GetObject(ctx, in, opts...)
	if err != nil && notFound(err) {
		return nil, fmt.Errorf("AccessDenied: GetObject of the missing key %s", aws.ToString(in.Key))
	}
	return out, err
}

func (c *testS3) HeadObject(ctx context.Context, in *s3.HeadObjectInput, opts ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	out, err := c.Client.HeadObject(ctx, in, opts...)
	if err != nil && notFound(err) {
		return nil, fmt.Errorf("AccessDenied: HeadObject of the missing key %s", aws.ToString(in.Key))
	}
	return out, err
}

func (c *testS3) DeleteObject(ctx context.Context, in *s3.DeleteObjectInput, opts ...func(*s3.Options)) (*s3.DeleteObjectOutput, error) {
	c.mu.Lock()
	c.deletes = append(c.deletes, aws.ToString(in.Key))
	c.mu.Unlock()
	return c.Client.DeleteObject(ctx, in, opts...)
}

func (c *testS3) totalPuts() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.puts {
		n += v
	}
	return n
}

func (c *testS3) putsOf(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.puts[key]
}

func newTestS3(t *testing.T) *testS3 {
	t.Helper()
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(srv.Close)
	client := s3.New(s3.Options{
		Region:                     "eu-west-1",
		BaseEndpoint:               aws.String(srv.URL),
		UsePathStyle:               true,
		Credentials:                credentials.NewStaticCredentialsProvider("test", "test", ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
	if _, err := client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(testBucket)}); err != nil {
		t.Fatal(err)
	}
	return &testS3{Client: client, puts: map[string]int{}}
}

// keys lists every key in the bucket, sorted.
func (c *testS3) keys(t *testing.T) []string {
	t.Helper()
	out, err := c.Client.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(testBucket)})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range out.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	slices.Sort(keys)
	return keys
}

func (c *testS3) read(t *testing.T, key string) []byte {
	t.Helper()
	obj, err := c.Client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(testBucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("reading %s: %v", key, err)
	}
	defer obj.Body.Close()
	b, err := io.ReadAll(obj.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (c *testS3) manifest(t *testing.T) Manifest {
	t.Helper()
	var m Manifest
	if err := json.Unmarshal(c.read(t, testLayout.ManifestKey()), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// writtenIDs returns the ids in the parts the manifest lists, in order.
func (c *testS3) writtenIDs(t *testing.T) []string {
	t.Helper()
	var ids []string
	for _, p := range c.manifest(t).Parts {
		for _, line := range strings.Split(strings.TrimSuffix(string(c.read(t, p.Key)), "\n"), "\n") {
			var r Record
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				t.Fatalf("%s: %v", p.Key, err)
			}
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// vendorRequest is what the fake vendor saw.
type vendorRequest struct {
	from, to, limit, cursor, key string
}

// vendor is an httptest server implementing the vendor contract over a
// list of raw records, paging with cursors "c<offset>". faults[n] answers
// the n-th request (from 1) instead.
type vendor struct {
	srv      *httptest.Server
	mu       sync.Mutex
	records  []string
	faults   map[int]http.HandlerFunc
	requests []vendorRequest
}

func newVendor(t *testing.T, records ...string) *vendor {
	t.Helper()
	v := &vendor{records: records, faults: map[int]http.HandlerFunc{}}
	v.srv = httptest.NewServer(http.HandlerFunc(v.serve))
	t.Cleanup(v.srv.Close)
	return v
}

func (v *vendor) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v.mu.Lock()
	v.requests = append(v.requests, vendorRequest{q.Get("from"), q.Get("to"), q.Get("limit"), q.Get("cursor"), r.Header.Get("X-API-Key")})
	fault := v.faults[len(v.requests)]
	records := v.records
	v.mu.Unlock()
	if fault != nil {
		fault(w, r)
		return
	}
	if r.URL.Path != "/v1/prices" || r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	if r.Header.Get("X-API-Key") != testKey {
		http.Error(w, `{"error":"invalid api key"}`, http.StatusUnauthorized)
		return
	}
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit < 1 || limit > 1000 {
		http.Error(w, `{"error":"bad limit"}`, http.StatusBadRequest)
		return
	}
	offset := 0
	if c := q.Get("cursor"); c != "" {
		if offset, err = strconv.Atoi(strings.TrimPrefix(c, "c")); err != nil {
			http.Error(w, `{"error":"bad cursor"}`, http.StatusBadRequest)
			return
		}
	}
	end := min(offset+limit, len(records))
	next := ""
	if end < len(records) {
		next = "c" + strconv.Itoa(end)
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"data":[%s],"next_cursor":%q}`, strings.Join(records[offset:end], ","), next)
}

func (v *vendor) seen() []vendorRequest {
	v.mu.Lock()
	defer v.mu.Unlock()
	return slices.Clone(v.requests)
}

func (v *vendor) setRecords(records ...string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.records = records
}

// sleeper records the waits asked for, without waiting.
type sleeper struct {
	mu     sync.Mutex
	sleeps []time.Duration
}

func (s *sleeper) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sleeps = append(s.sleeps, d)
	return ctx.Err()
}

func (s *sleeper) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sleeps)
}

// testConfig is a configuration against v and c with a fixed clock, no
// real sleeping, and jitter 0 (each backoff is its lower bound, d/2).
func testConfig(v *vendor, c *testS3, sl *sleeper, logs io.Writer) Config {
	if logs == nil {
		logs = io.Discard
	}
	return Config{
		VendorURL:      v.srv.URL,
		APIKey:         testKey,
		AllowHTTP:      true,
		OutputBucket:   testBucket,
		ScheduledTime:  testScheduled,
		PageSize:       3,
		RecordsPerPart: 3,
		HTTPClient:     v.srv.Client(),
		S3:             c,
		Now:            func() time.Time { return testNow },
		Sleep:          sl.sleep,
		Jitter:         func() float64 { return 0 },
		Log:            slog.New(slog.NewJSONHandler(logs, nil)),
	}
}

// rec is a valid record in the test window at 09:mm:ss UTC.
func rec(id string, mm, ss int) string {
	return fmt.Sprintf(`{"id":%q,"symbol":"aapl","price":"189.12","currency":"usd","timestamp":"2026-11-22T09:%02d:%02dZ","volume":%d}`, id, mm, ss, mm*60+ss)
}

// recs makes n valid records with ids r-000.. at distinct times.
func recs(n int) []string {
	var out []string
	for i := range n {
		out = append(out, rec(fmt.Sprintf("r-%03d", i), i/60, i%60))
	}
	return out
}

func idsOf(raw []string) []string {
	var ids []string
	for _, r := range raw {
		var m struct{ ID string }
		if err := json.Unmarshal([]byte(r), &m); err != nil {
			panic(err)
		}
		ids = append(ids, m.ID)
	}
	return ids
}

func compact(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
