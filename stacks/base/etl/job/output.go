package job

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// S3API is the part of the S3 client the job uses. HeadObject and
// GetObject need s3:GetObject, PutObject s3:PutObject, DeleteObject
// s3:DeleteObject, and ListObjectsV2 s3:ListBucket. The job lists a
// partition before it reads keys in it, so it never asks for a missing key
// (which S3 may answer with 403 rather than 404).
type S3API interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	HeadObject(ctx context.Context, in *s3.HeadObjectInput, opts ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	DeleteObject(ctx context.Context, in *s3.DeleteObjectInput, opts ...func(*s3.Options)) (*s3.DeleteObjectOutput, error)
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, opts ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
}

// Layout names the objects of one window under a prefix.
type Layout struct {
	Prefix string
	Window Window
}

func (l Layout) partition() string {
	return "date=" + l.Window.From.Format("2006-01-02") + "/hour=" + l.Window.From.Format("15") + "/"
}

// PartitionPrefix is "<prefix>/date=YYYY-MM-DD/hour=HH/", which holds the
// parts and the manifest.
func (l Layout) PartitionPrefix() string { return l.Prefix + "/" + l.partition() }

// PartKey is the key of part i (from 0).
func (l Layout) PartKey(i int) string {
	return fmt.Sprintf("%spart-%05d.jsonl", l.PartitionPrefix(), i)
}

// ManifestKey is the key of the manifest, written last.
func (l Layout) ManifestKey() string { return l.PartitionPrefix() + "_manifest.json" }

// RejectsPrefix is "<prefix>-rejects/date=YYYY-MM-DD/hour=HH/".
func (l Layout) RejectsPrefix() string { return l.Prefix + "-rejects/" + l.partition() }

// RejectsKey is the key of the rejects object.
func (l Layout) RejectsKey() string { return l.RejectsPrefix() + "rejects.jsonl" }

var partKeyRE = regexp.MustCompile(`^part-(\d{5})\.jsonl$`)

// ManifestVersion is the Version of the manifests this package writes.
const ManifestVersion = 1

// Manifest describes a complete partition. Its presence is what makes the
// partition trustworthy.
type Manifest struct {
	Version int `json:"version"`
	// From and To are the window [From, To), in UTC.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// RunStartedAt is when the run that wrote the partition started.
	RunStartedAt time.Time `json:"run_started_at"`
	// VendorRecords is the number of records the vendor listed; it is
	// Records + Duplicates + Rejects.
	VendorRecords int `json:"vendor_records"`
	Records       int `json:"records"`
	Duplicates    int `json:"duplicates"`
	Rejects       int `json:"rejects"`
	// Parts are the part objects, in order; readers read exactly these.
	Parts []Object `json:"parts"`
	// RejectsObject is the rejects object; absent when there are none.
	RejectsObject *Object `json:"rejects_object,omitempty"`
}

// Object is one written object.
type Object struct {
	Key     string `json:"key"`
	Records int    `json:"records"`
	Bytes   int64  `json:"bytes"`
	// SHA256 is the hex SHA-256 of the object's content.
	SHA256 string `json:"sha256"`
}

// content is an object to write.
type content struct {
	Object
	body        []byte
	contentType string
}

func newContent(key string, records int, body []byte, contentType string) content {
	sum := sha256.Sum256(body)
	return content{Object: Object{Key: key, Records: records, Bytes: int64(len(body)), SHA256: hex.EncodeToString(sum[:])}, body: body, contentType: contentType}
}

// partCount is the number of parts of perPart records that n records
// make, or an error if part-NNNNN cannot number them.
func partCount(n, perPart int) (int, error) {
	parts := (n + perPart - 1) / perPart
	if parts > maxParts {
		return 0, fmt.Errorf("%d records in parts of %d need %d parts; part-NNNNN allows %d: raise RecordsPerPart", n, perPart, parts, maxParts)
	}
	return parts, nil
}

// encodePart encodes part i of the sorted records, parts of perPart
// records. Parts are encoded one at a time, so that only one is in memory.
func encodePart(l Layout, records []Record, perPart, i int) (content, error) {
	chunk := records[i*perPart : min((i+1)*perPart, len(records))]
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, r := range chunk {
		if err := enc.Encode(r); err != nil {
			return content{}, fmt.Errorf("encoding record %q: %w", r.ID, err)
		}
	}
	return newContent(l.PartKey(i), len(chunk), buf.Bytes(), "application/x-ndjson"), nil
}

func encodeRejects(l Layout, rejects []Reject) (content, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, r := range rejects {
		if err := enc.Encode(r); err != nil {
			return content{}, fmt.Errorf("encoding reject at page %d index %d: %w", r.Page, r.Index, err)
		}
	}
	return newContent(l.RejectsKey(), len(rejects), buf.Bytes(), "application/x-ndjson"), nil
}

// store does the job's S3 operations on one bucket.
type store struct {
	s3     S3API
	bucket string
}

func (s *store) uri(key string) string { return "s3://" + s.bucket + "/" + key }

// list returns the size of every object under prefix.
func (s *store) list(ctx context.Context, prefix string) (map[string]int64, error) {
	out := map[string]int64{}
	p := s3.NewListObjectsV2Paginator(s.s3, &s3.ListObjectsV2Input{Bucket: aws.String(s.bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing %s: %w", s.uri(prefix), err)
		}
		for _, o := range page.Contents {
			out[aws.ToString(o.Key)] = aws.ToInt64(o.Size)
		}
	}
	return out, nil
}

// get returns an object's content, or nil without error if it does not
// exist.
func (s *store) get(ctx context.Context, key string, limit int64) ([]byte, error) {
	obj, err := s.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	if err != nil {
		if notFound(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("reading %s: %w", s.uri(key), err)
	}
	defer obj.Body.Close()
	b, err := io.ReadAll(io.LimitReader(obj.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", s.uri(key), err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("reading %s: larger than %d bytes", s.uri(key), limit)
	}
	return b, nil
}

// sameContent reports whether key holds an object written by this job with
// the given SHA-256.
func (s *store) sameContent(ctx context.Context, key, sha string) (bool, error) {
	head, err := s.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	if err != nil {
		if notFound(err) {
			return false, nil
		}
		return false, fmt.Errorf("reading the metadata of %s: %w", s.uri(key), err)
	}
	return head.Metadata[metaSHA256] == sha, nil
}

// metaSHA256 is the user metadata (x-amz-meta-sha256) holding the hex
// SHA-256 of an object's content, so that a re-run can skip it.
const metaSHA256 = "sha256"

// put writes c. The body carries Content-MD5 and the SHA-256 checksum, so
// S3 refuses it if it was damaged on the way. With ifNoneMatch the write
// fails if the key already exists.
func (s *store) put(ctx context.Context, c content, ifNoneMatch bool) error {
	md5sum := md5.Sum(c.body)
	shaRaw, _ := hex.DecodeString(c.SHA256)
	in := &s3.PutObjectInput{
		Bucket:         aws.String(s.bucket),
		Key:            aws.String(c.Key),
		Body:           bytes.NewReader(c.body),
		ContentLength:  aws.Int64(int64(len(c.body))),
		ContentType:    aws.String(c.contentType),
		ContentMD5:     aws.String(base64.StdEncoding.EncodeToString(md5sum[:])),
		ChecksumSHA256: aws.String(base64.StdEncoding.EncodeToString(shaRaw)),
		Metadata:       map[string]string{metaSHA256: c.SHA256, "records": strconv.Itoa(c.Records)},
	}
	if ifNoneMatch {
		in.IfNoneMatch = aws.String("*")
	}
	if _, err := s.s3.PutObject(ctx, in); err != nil {
		if ifNoneMatch && hasCode(err, "PreconditionFailed", "ConditionalRequestConflict") {
			return fmt.Errorf("writing %s: another run wrote it meanwhile; two runs of the same window overlapped: %w", s.uri(c.Key), err)
		}
		return fmt.Errorf("writing %s: %w", s.uri(c.Key), err)
	}
	return nil
}

func (s *store) delete(ctx context.Context, key string) error {
	if _, err := s.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)}); err != nil {
		return fmt.Errorf("deleting %s: %w", s.uri(key), err)
	}
	return nil
}

func notFound(err error) bool {
	var nsk *types.NoSuchKey
	var nf *types.NotFound
	return errors.As(err, &nsk) || errors.As(err, &nf) || hasCode(err, "NoSuchKey", "NotFound")
}

func hasCode(err error, codes ...string) bool {
	// smithy.APIError, declared here so that smithy-go stays an indirect
	// dependency.
	var ae interface{ ErrorCode() string }
	if !errors.As(err, &ae) {
		return false
	}
	for _, c := range codes {
		if ae.ErrorCode() == c {
			return true
		}
	}
	return false
}
