package resizer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

const (
	uploads = "news-uploads"
	output  = "news-images"
)

// countingS3 counts writes so tests can prove re-deliveries write nothing.
type countingS3 struct {
	*s3.Client
	puts atomic.Int64
}

func (c *countingS3) PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	c.puts.Add(1)
	return c.Client.PutObject(ctx, in, opts...)
}

// fakeS3 starts an in-process S3-compatible server with both buckets and
// returns a real aws-sdk-go-v2 client for it.
func fakeS3(t *testing.T) *countingS3 {
	t.Helper()
	backend := s3mem.New()
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	client := s3.New(s3.Options{
		Region:                     "eu-west-1",
		BaseEndpoint:               aws.String(srv.URL),
		UsePathStyle:               true,
		Credentials:                credentials.NewStaticCredentialsProvider("test", "test", ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
	for _, b := range []string{uploads, output} {
		if _, err := client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	return &countingS3{Client: client}
}

func put(t *testing.T, c *countingS3, key string, data []byte) string {
	t.Helper()
	out, err := c.Client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(uploads), Key: aws.String(key), Body: bytes.NewReader(data)})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Trim(aws.ToString(out.ETag), `"`)
}

// s3Event builds the JSON S3 sends for an upload, key URL-encoded the way S3
// does it (spaces as '+'), and decodes it like the Lambda runtime.
func s3Event(t *testing.T, key string, size int, etag string) events.S3Event {
	t.Helper()
	raw := fmt.Sprintf(`{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"eu-west-1",
	"eventTime":"2026-11-22T01:00:00.000Z","eventName":"ObjectCreated:Put",
	"userIdentity":{"principalId":"AWS:AIDAEXAMPLE"},"requestParameters":{"sourceIPAddress":"203.0.113.9"},
	"responseElements":{"x-amz-request-id":"C3D13FE58DE4C810","x-amz-id-2":"FMyUVURIY8"},
	"s3":{"s3SchemaVersion":"1.0","configurationId":"imagepipeline-uploads",
	"bucket":{"name":%q,"ownerIdentity":{"principalId":"A3NL1KOZZKExample"},"arn":"arn:aws:s3:::%s"},
	"object":{"key":%q,"size":%d,"eTag":%q,"sequencer":"0055AED6DCD90281E5"}}}]}`,
		uploads, uploads, url.QueryEscape(key), size, etag)
	var ev events.S3Event
	if err := json.Unmarshal([]byte(raw), &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

func newHandler(c *countingS3) *Handler {
	return &Handler{
		S3:     c,
		Config: Config{OutputBucket: output, OutputPrefix: "renditions", Widths: []int{320, 640, 1280}, Watermark: "© Daily News", MaxPixels: DefaultMaxPixels, MaxBytes: DefaultMaxBytes},
		Log:    slog.New(slog.NewJSONHandler(io.Discard, nil)),
	}
}

func TestHandlerWritesEveryWidth(t *testing.T) {
	c := fakeS3(t)
	h := newHandler(c)
	ctx := context.Background()
	for _, tc := range []struct {
		key, ct string
		data    []byte
	}{
		{"2026/11/front page+hero.jpg", "image/jpeg", encodeJPEG(t, photo(2400, 1600))},
		{"2026/11/chart.png", "image/png", encodePNG(t, photo(1000, 500))},
	} {
		etag := put(t, c, tc.key, tc.data)
		if err := h.Handle(ctx, s3Event(t, tc.key, len(tc.data), etag)); err != nil {
			t.Fatalf("%s: %v", tc.key, err)
		}
		src, _, _ := image.DecodeConfig(bytes.NewReader(tc.data))
		for _, w := range h.Config.Widths {
			key := "renditions/" + fmt.Sprint(w) + "/" + tc.key
			obj, err := c.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(output), Key: aws.String(key)})
			if err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			body, _ := io.ReadAll(obj.Body)
			obj.Body.Close()
			cfg, format, err := image.DecodeConfig(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("%s is not an image: %v", key, err)
			}
			wantW := min(w, src.Width)
			wantH := (src.Height*wantW + src.Width/2) / src.Width
			if cfg.Width != wantW || cfg.Height != wantH || aws.ToString(obj.ContentType) != tc.ct || "image/"+format != tc.ct {
				t.Errorf("%s: %dx%d %s (%s), want %dx%d %s", key, cfg.Width, cfg.Height, format, aws.ToString(obj.ContentType), wantW, wantH, tc.ct)
			}
			if obj.Metadata["source-etag"] != etag {
				t.Errorf("%s: source-etag = %q, want %q", key, obj.Metadata["source-etag"], etag)
			}
		}
	}
}

func TestHandlerIsIdempotent(t *testing.T) {
	c := fakeS3(t)
	h := newHandler(c)
	data := encodeJPEG(t, photo(1600, 1200))
	etag := put(t, c, "a.jpg", data)
	ev := s3Event(t, "a.jpg", len(data), etag)
	if err := h.Handle(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	first := c.puts.Load()
	if first != 3 {
		t.Fatalf("%d writes for 3 widths", first)
	}
	if err := h.Handle(context.Background(), ev); err != nil {
		t.Fatalf("re-delivered event failed: %v", err)
	}
	if again := c.puts.Load() - first; again != 0 {
		t.Errorf("re-delivered event wrote %d objects", again)
	}
	// A new version of the same key is processed again.
	data2 := encodeJPEG(t, photo(1500, 1000))
	etag2 := put(t, c, "a.jpg", data2)
	if err := h.Handle(context.Background(), s3Event(t, "a.jpg", len(data2), etag2)); err != nil {
		t.Fatal(err)
	}
	if n := c.puts.Load() - first; n != 3 {
		t.Errorf("new version wrote %d objects, want 3", n)
	}
}

func TestHandlerBadInput(t *testing.T) {
	c := fakeS3(t)
	h := newHandler(c)
	ctx := context.Background()
	good := encodeJPEG(t, photo(800, 600))
	bomb := encodePNG(t, photo(10, 10))
	copy(bomb[16:24], []byte{0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0})
	fixCRC(bomb)
	cases := []struct {
		key  string
		data []byte
		size int // event size; -1 means len(data)
		want string
	}{
		{"notes.txt", []byte("not an image, just words"), -1, "not a JPEG or PNG file"},
		{"empty.jpg", []byte{}, 0, "empty file: 0 bytes"},
		{"half.jpg", good[:len(good)/2], -1, "truncated or corrupt"},
		{"bomb.png", bomb, -1, "image too large: 100000x100000"},
		{"huge.jpg", good, DefaultMaxBytes + 1, "image too large"},
	}
	for _, tc := range cases {
		t.Run(tc.key, func(t *testing.T) {
			etag := put(t, c, tc.key, tc.data)
			size := tc.size
			if size < 0 {
				size = len(tc.data)
			}
			err := h.Handle(ctx, s3Event(t, tc.key, size, etag))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "s3://"+uploads+"/"+tc.key) {
				t.Fatalf("error = %v, want one naming the object and containing %q", err, tc.want)
			}
			// The source is untouched.
			obj, gerr := c.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(uploads), Key: aws.String(tc.key)})
			if gerr != nil {
				t.Fatal(gerr)
			}
			body, _ := io.ReadAll(obj.Body)
			obj.Body.Close()
			if !bytes.Equal(body, tc.data) {
				t.Error("source object changed")
			}
		})
	}
	t.Run("deleted before processing", func(t *testing.T) {
		etag := put(t, c, "gone.jpg", good)
		if _, err := c.Client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(uploads), Key: aws.String("gone.jpg")}); err != nil {
			t.Fatal(err)
		}
		err := h.Handle(ctx, s3Event(t, "gone.jpg", len(good), etag))
		if err == nil || !strings.Contains(err.Error(), "object was deleted before it could be processed") {
			t.Fatalf("error = %v", err)
		}
	})
	t.Run("bad key encoding", func(t *testing.T) {
		ev := s3Event(t, "x.jpg", 10, "e")
		ev.Records[0].S3.Object.Key = "100%zz.jpg"
		if err := h.Handle(ctx, ev); err == nil || !strings.Contains(err.Error(), "key is not URL-encoded") {
			t.Fatalf("error = %v", err)
		}
	})
	if c.puts.Load() != 0 {
		t.Errorf("bad input wrote %d outputs", c.puts.Load())
	}
}

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{"OUTPUT_BUCKET": "out", "OUTPUT_PREFIX": "/r/", "WIDTHS": "320, 640", "MAX_PIXELS": "1000"}
	c, err := ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil || c.OutputPrefix != "r" || len(c.Widths) != 2 || c.MaxPixels != 1000 || c.MaxBytes != DefaultMaxBytes {
		t.Fatalf("config = %+v, %v", c, err)
	}
	_, err = ConfigFromEnv(func(k string) string { return map[string]string{"WIDTHS": "0,abc", "MAX_BYTES": "-1"}[k] })
	for _, w := range []string{"OUTPUT_BUCKET is not set", `WIDTHS: "0" is not a width`, `WIDTHS: "abc"`, `MAX_BYTES: "-1" is not a positive number`} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v does not contain %q", err, w)
		}
	}
}

// headerRecorder records the X-Amzn-Trace-Id of every request it sends.
type headerRecorder struct {
	next  s3.HTTPClient
	mu    sync.Mutex
	trace []string
}

func (r *headerRecorder) Do(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.trace = append(r.trace, req.Header.Get("X-Amzn-Trace-Id"))
	r.mu.Unlock()
	return r.next.Do(req)
}

// The invocation's trace reaches every log line (trace_id) and every S3
// call (X-Amzn-Trace-Id, from the SDK's recursion-detection middleware).
func TestHandlerCarriesTheTrace(t *testing.T) {
	const header = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
	t.Setenv("AWS_LAMBDA_FUNCTION_NAME", "imagepipeline-resizer")
	t.Setenv("_X_AMZN_TRACE_ID", header)
	c := fakeS3(t)
	opts := c.Client.Options()
	rec := &headerRecorder{next: opts.HTTPClient}
	if rec.next == nil {
		rec.next = http.DefaultClient
	}
	opts.HTTPClient = rec
	traced := &countingS3{Client: s3.New(opts)}
	var logs bytes.Buffer
	h := newHandler(traced)
	h.Log = slog.New(slog.NewJSONHandler(&logs, nil))
	data := encodePNG(t, photo(400, 200))
	etag := put(t, c, "traced.png", data)
	ctx := context.WithValue(context.Background(), "x-amzn-trace-id", header) //nolint:staticcheck // aws-lambda-go's key
	if err := h.Handle(ctx, s3Event(t, "traced.png", len(data), etag)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("want a line per width, got %q", lines)
	}
	for _, l := range lines {
		if !strings.Contains(l, `"trace_id":"1-5759e988-bd862e3fe1be46a994272793"`) {
			t.Errorf("log line without the trace: %s", l)
		}
	}
	if len(rec.trace) == 0 {
		t.Fatal("no S3 call went through the recorder")
	}
	for i, got := range rec.trace {
		if got != header {
			t.Errorf("S3 call %d: X-Amzn-Trace-Id %q, want %q", i, got, header)
		}
	}
	// Without a trace, no trace_id.
	t.Setenv("_X_AMZN_TRACE_ID", "")
	logs.Reset()
	if err := newHandlerWithLog(traced, &logs).Handle(context.Background(), s3Event(t, "traced.png", len(data), etag)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.String(), "trace_id") {
		t.Errorf("untraced invocation logged a trace: %s", logs.String())
	}
}

func newHandlerWithLog(c *countingS3, w io.Writer) *Handler {
	h := newHandler(c)
	h.Log = slog.New(slog.NewJSONHandler(w, nil))
	return h
}
