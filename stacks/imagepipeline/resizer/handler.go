package resizer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hybridstack/hybridstack/stacks/base/tracecontext"
)

// S3API is the part of the S3 client the handler uses.
type S3API interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	HeadObject(ctx context.Context, in *s3.HeadObjectInput, opts ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

// Config is the handler's configuration, read from the environment by the
// Lambda entry point.
type Config struct {
	// OutputBucket receives <OutputPrefix>/<width>/<key>.
	OutputBucket string
	OutputPrefix string
	// Widths to render, in pixels.
	Widths []int
	// Watermark text; empty for none.
	Watermark string
	// MaxPixels refuses larger images before decoding them.
	MaxPixels int64
	// MaxBytes refuses larger objects before reading them.
	MaxBytes int64
}

// Defaults for Config fields that are zero.
const (
	DefaultMaxPixels = 50_000_000
	DefaultMaxBytes  = 50 << 20
)

// ConfigFromEnv reads OUTPUT_BUCKET, OUTPUT_PREFIX, WIDTHS (comma-separated),
// WATERMARK_TEXT, MAX_PIXELS and MAX_BYTES.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		OutputBucket: getenv("OUTPUT_BUCKET"),
		OutputPrefix: strings.Trim(getenv("OUTPUT_PREFIX"), "/"),
		Watermark:    getenv("WATERMARK_TEXT"),
		MaxPixels:    DefaultMaxPixels,
		MaxBytes:     DefaultMaxBytes,
	}
	var errs []error
	if c.OutputBucket == "" {
		errs = append(errs, errors.New("OUTPUT_BUCKET is not set"))
	}
	for _, f := range strings.Split(getenv("WIDTHS"), ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		w, err := strconv.Atoi(f)
		if err != nil || w < 1 || w > 10000 {
			errs = append(errs, fmt.Errorf("WIDTHS: %q is not a width between 1 and 10000", f))
			continue
		}
		c.Widths = append(c.Widths, w)
	}
	if len(c.Widths) == 0 {
		errs = append(errs, errors.New("WIDTHS lists no widths"))
	}
	for name, dst := range map[string]*int64{"MAX_PIXELS": &c.MaxPixels, "MAX_BYTES": &c.MaxBytes} {
		if v := getenv(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 {
				errs = append(errs, fmt.Errorf("%s: %q is not a positive number", name, v))
				continue
			}
			*dst = n
		}
	}
	return c, errors.Join(errs...)
}

// Handler processes S3 object-created events.
type Handler struct {
	S3     S3API
	Config Config
	Log    *slog.Logger
}

// OutputKey is where the rendition of key at width is written.
func (h *Handler) OutputKey(width int, key string) string {
	return path.Join(h.Config.OutputPrefix, strconv.Itoa(width), key)
}

// Handle processes every record of the event and returns every failure
// joined, so that Lambda retries the event and finally sends it to the
// dead-letter queue. It never panics. Its log lines name the invocation's
// X-Ray trace (trace_id); the S3 calls carry it as X-Amzn-Trace-Id (the
// AWS SDK adds it from _X_AMZN_TRACE_ID).
func (h *Handler) Handle(ctx context.Context, event events.S3Event) (err error) {
	if t, ok := tracecontext.FromContext(ctx); ok {
		traced := *h
		traced.Log = h.log().With("trace_id", t.LogID())
		h = &traced
	}
	var errs []error
	for _, rec := range event.Records {
		if perr := h.safeProcess(ctx, rec); perr != nil {
			errs = append(errs, perr)
		}
	}
	return errors.Join(errs...)
}

func (h *Handler) safeProcess(ctx context.Context, rec events.S3EventRecord) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("s3://%s/%s: internal error: %v", rec.S3.Bucket.Name, rec.S3.Object.Key, p)
			h.log().Error("panic while processing object", "bucket", rec.S3.Bucket.Name, "key", rec.S3.Object.Key, "panic", fmt.Sprint(p))
		}
	}()
	return h.process(ctx, rec)
}

func (h *Handler) log() *slog.Logger {
	if h.Log == nil {
		return slog.Default()
	}
	return h.Log
}

func (h *Handler) process(ctx context.Context, rec events.S3EventRecord) error {
	bucket := rec.S3.Bucket.Name
	// Keys in S3 events are URL-encoded, with '+' for spaces.
	key, err := url.QueryUnescape(rec.S3.Object.Key)
	if err != nil {
		return h.fail(bucket, rec.S3.Object.Key, fmt.Errorf("key is not URL-encoded: %w", err))
	}
	log := h.log().With("bucket", bucket, "key", key, "version", rec.S3.Object.VersionID)
	if !strings.HasPrefix(rec.EventName, "ObjectCreated:") && rec.EventName != "" {
		log.Info("ignoring event", "event", rec.EventName)
		return nil
	}
	if rec.S3.Object.Size == 0 {
		return h.fail(bucket, key, errors.New("empty file: 0 bytes"))
	}
	if rec.S3.Object.Size > h.Config.MaxBytes {
		return h.fail(bucket, key, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, rec.S3.Object.Size, h.Config.MaxBytes))
	}
	etag := strings.Trim(rec.S3.Object.ETag, `"`)

	// Idempotency: skip when every output already came from this version.
	pending := h.pendingWidths(ctx, key, etag)
	if len(pending) == 0 {
		log.Info("already processed; nothing to do", "etag", etag)
		return nil
	}

	in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	if v := rec.S3.Object.VersionID; v != "" {
		in.VersionId = aws.String(v)
	}
	obj, err := h.S3.GetObject(ctx, in)
	if err != nil {
		var nsk *types.NoSuchKey
		if errors.As(err, &nsk) || strings.Contains(err.Error(), "NoSuchKey") || strings.Contains(err.Error(), "NoSuchVersion") {
			return h.fail(bucket, key, errors.New("object was deleted before it could be processed"))
		}
		return h.fail(bucket, key, fmt.Errorf("reading object: %w", err))
	}
	defer obj.Body.Close()
	data, err := io.ReadAll(io.LimitReader(obj.Body, h.Config.MaxBytes+1))
	if err != nil {
		return h.fail(bucket, key, fmt.Errorf("reading object: %w", err))
	}
	if int64(len(data)) > h.Config.MaxBytes {
		return h.fail(bucket, key, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, h.Config.MaxBytes))
	}
	renditions, err := Render(data, pending, h.Config.Watermark, h.Config.MaxPixels)
	if err != nil {
		return h.fail(bucket, key, err)
	}
	for _, r := range renditions {
		out := h.OutputKey(r.Width, key)
		_, err := h.S3.PutObject(ctx, &s3.PutObjectInput{
			Bucket:        aws.String(h.Config.OutputBucket),
			Key:           aws.String(out),
			Body:          bytes.NewReader(r.Data),
			ContentLength: aws.Int64(int64(len(r.Data))),
			ContentType:   aws.String(r.ContentType),
			Metadata:      map[string]string{"source-etag": etag, "source-key": key},
		})
		if err != nil {
			return h.fail(bucket, key, fmt.Errorf("writing s3://%s/%s: %w", h.Config.OutputBucket, out, err))
		}
		log.Info("wrote rendition", "output", out, "width", r.ImageWidth, "height", r.Height, "bytes", len(r.Data))
	}
	return nil
}

// pendingWidths returns the widths whose output does not yet carry this
// source ETag.
func (h *Handler) pendingWidths(ctx context.Context, key, etag string) []int {
	var pending []int
	for _, w := range h.Config.Widths {
		head, err := h.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(h.Config.OutputBucket), Key: aws.String(h.OutputKey(w, key))})
		if err != nil || etag == "" || head.Metadata["source-etag"] != etag {
			pending = append(pending, w)
		}
	}
	return pending
}

func (h *Handler) fail(bucket, key string, err error) error {
	h.log().Error("cannot process object; the event will be retried and then sent to the dead-letter queue", "bucket", bucket, "key", key, "error", err.Error())
	return fmt.Errorf("s3://%s/%s: %w", bucket, key, err)
}
