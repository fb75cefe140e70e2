package storage

import (
	"strings"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketnotification"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/deps"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
)

// Notifications is a bucket's one aws_s3_bucket_notification, shared by
// every function that listens to the bucket: S3 keeps one notification
// configuration per bucket, so a second resource would silently replace
// the first. serverless.Handler.AddS3Source uses it; get it with
// BucketRef.Notifications.
type Notifications struct {
	bucket   BucketRef
	resource s3bucketnotification.S3BucketNotification
	entries  []LambdaNotification
}

// LambdaNotification sends a bucket's object events to a function.
type LambdaNotification struct {
	// Owner names who asked for it, for error messages.
	Owner string
	// ID names the configuration inside the bucket's notification.
	ID          string
	FunctionARN string
	Events      []string
	// Prefix and Suffix filter object keys ("" for any).
	Prefix, Suffix string
	// Permission is the function's resource policy statement letting S3
	// invoke it; S3 tests it when the configuration is saved, so the
	// notification depends on it.
	Permission cdktf.TerraformResource
}

func newNotifications(b BucketRef) *Notifications { return &Notifications{bucket: b} }

// Overlapping returns an earlier notification that shares an event with
// events and whose filters can match the same key: S3 rejects such a pair.
func (n *Notifications) Overlapping(events []string, prefix, suffix string) (LambdaNotification, bool) {
	for _, other := range n.entries {
		if eventsOverlap(events, other.Events) && filtersOverlap(prefix, suffix, other.Prefix, other.Suffix) {
			return other, true
		}
	}
	return LambdaNotification{}, false
}

// AddLambda adds l to the bucket's notification, creating the resource
// (construct id "notifications" under the bucket) the first time. Check
// Overlapping first.
func (n *Notifications) AddLambda(l LambdaNotification) {
	if n.resource == nil {
		n.resource = s3bucketnotification.NewS3BucketNotification(n.bucket, ptr.String("notifications"), &s3bucketnotification.S3BucketNotificationConfig{
			Bucket: ptr.String(n.bucket.BucketName()),
		})
	}
	n.entries = append(n.entries, l)
	blocks := make([]*s3bucketnotification.S3BucketNotificationLambdaFunction, len(n.entries))
	for i, e := range n.entries {
		blocks[i] = &s3bucketnotification.S3BucketNotificationLambdaFunction{
			Id:                ptr.String(e.ID),
			LambdaFunctionArn: ptr.String(e.FunctionARN),
			Events:            ptr.Strings(e.Events),
			FilterPrefix:      ptr.Optional(e.Prefix),
			FilterSuffix:      ptr.Optional(e.Suffix),
		}
	}
	n.resource.PutLambdaFunction(blocks)
	if l.Permission != nil {
		deps.Add(n.resource, l.Permission)
	}
}

// eventsOverlap reports whether two event lists share an event, counting a
// trailing "*" as covering every event with that prefix.
func eventsOverlap(a, b []string) bool {
	covers := func(x, y string) bool {
		return x == y || (strings.HasSuffix(x, "*") && strings.HasPrefix(y, strings.TrimSuffix(x, "*")))
	}
	for _, x := range a {
		for _, y := range b {
			if covers(x, y) || covers(y, x) {
				return true
			}
		}
	}
	return false
}

// filtersOverlap reports whether some key can match both filters.
func filtersOverlap(p1, s1, p2, s2 string) bool {
	prefixes := strings.HasPrefix(p1, p2) || strings.HasPrefix(p2, p1)
	suffixes := strings.HasSuffix(s1, s2) || strings.HasSuffix(s2, s1)
	return prefixes && suffixes
}
