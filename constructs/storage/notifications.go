package storage

import (
	"fmt"
	"strings"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketnotification"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/deps"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
)

// notifications is a bucket's one aws_s3_bucket_notification, shared by
// every function that listens to the bucket: S3 keeps one notification
// configuration per bucket, so a second resource would silently replace
// the first. BucketRef.CheckLambdaNotification and AddLambdaNotification
// use it.
type notifications struct {
	bucket   BucketRef
	resource s3bucketnotification.S3BucketNotification
	entries  []lambdaNotification
}

// lambdaNotification sends a bucket's object events to a function.
type lambdaNotification struct {
	// owner names who asked for it, for error messages.
	owner string
	// id names the configuration inside the bucket's notification.
	id          string
	functionARN string
	events      []string
	// prefix and suffix filter object keys ("" for any).
	prefix, suffix string
}

// check returns an error naming the earlier configuration that shares an
// event with events and whose filters can match the same key: S3 rejects
// such a pair.
func (n *notifications) check(events []string, prefix, suffix string) error {
	for _, other := range n.entries {
		if eventsOverlap(events, other.events) && filtersOverlap(prefix, suffix, other.prefix, other.suffix) {
			return fmt.Errorf("filter (prefix %q, suffix %q, events %v) overlaps the filter of %s (prefix %q, suffix %q, events %v) on bucket %s; S3 rejects overlapping notifications for the same event",
				prefix, suffix, events, other.owner, other.prefix, other.suffix, other.events, *n.bucket.Node().Path())
		}
	}
	return nil
}

// add checks l and adds it to the bucket's notification, creating the
// resource (construct id "notifications" under the bucket) the first
// time, and makes the resource depend on permission (when not nil).
func (n *notifications) add(l lambdaNotification, permission cdktf.TerraformResource) error {
	if err := n.check(l.events, l.prefix, l.suffix); err != nil {
		return err
	}
	if n.resource == nil {
		n.resource = s3bucketnotification.NewS3BucketNotification(n.bucket, ptr.String("notifications"), &s3bucketnotification.S3BucketNotificationConfig{
			Bucket: ptr.String(n.bucket.BucketName()),
		})
	}
	n.entries = append(n.entries, l)
	blocks := make([]*s3bucketnotification.S3BucketNotificationLambdaFunction, len(n.entries))
	for i, e := range n.entries {
		blocks[i] = &s3bucketnotification.S3BucketNotificationLambdaFunction{
			Id:                ptr.String(e.id),
			LambdaFunctionArn: ptr.String(e.functionARN),
			Events:            ptr.Strings(e.events),
			FilterPrefix:      ptr.Optional(e.prefix),
			FilterSuffix:      ptr.Optional(e.suffix),
		}
	}
	n.resource.PutLambdaFunction(blocks)
	if permission != nil {
		deps.Add(n.resource, permission)
	}
	return nil
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
