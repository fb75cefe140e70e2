// Package imagepipeline is the reference stack for real-time image
// processing on a news site: an upload bucket whose new JPEG and PNG objects
// under incoming/ invoke a Lambda function that writes resized, watermarked
// renditions to an output bucket. Failed events land in a queue; errors,
// throttles and failed events raise alarms on an encrypted SNS topic.
package imagepipeline

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/lambdacode"
	"github.com/hybridstack/hybridstack/constructs/observe"
	"github.com/hybridstack/hybridstack/constructs/serverless"
	"github.com/hybridstack/hybridstack/constructs/storage"
	"github.com/hybridstack/hybridstack/stacks/base"
)

// Name is the stack's name.
const Name = "imagepipeline"

// HandlerPackage is the Go package built into the resize function.
const HandlerPackage = "github.com/hybridstack/hybridstack/stacks/imagepipeline/resizer/cmd/resizer"

// widths are the rendition widths in pixels, smallest first.
var widths = []int{320, 640, 1280}

// Widths returns the rendition widths in pixels, smallest first.
func Widths() []int { return append([]int(nil), widths...) }

// extensions are the file extensions (lowercase) whose uploads are
// processed; their uppercase forms are matched too.
var extensions = []string{"jpg", "jpeg", "png"}

// Extensions returns the file extensions (lowercase) whose uploads are
// processed; their uppercase forms are matched too.
func Extensions() []string { return append([]string(nil), extensions...) }

// Pipeline holds the stack's main parts.
type Pipeline struct {
	Stack   cdktf.TerraformStack
	Uploads *storage.Bucket
	Output  *storage.Bucket
	Handler *serverless.Handler
}

// New builds the image pipeline stack.
func New(scope constructs.Construct, s base.Settings) (*Pipeline, error) {
	stack, err := base.NewStack(scope, Name, s)
	if err != nil {
		return nil, err
	}
	uploads, err := storage.NewBucket(stack, "uploads", storage.BucketProps{
		NamePrefix: "imagepipeline-uploads-",
		// Originals are processed within seconds; keep them a month for
		// re-runs, then let them go.
		Lifecycle:             []storage.LifecycleRule{{ID: "expire-originals", Prefix: "incoming/", ExpireDays: 30}},
		NoncurrentVersionDays: 7,
		Disposable:            s.Disposable,
	})
	if err != nil {
		return nil, err
	}
	output, err := storage.NewBucket(stack, "output", storage.BucketProps{
		NamePrefix: "imagepipeline-renditions-",
		// S3 moves nothing under 128 KB to STANDARD_IA, so only the widest
		// renditions (hundreds of KB) are worth a transition rule; the
		// small ones stay in STANDARD.
		Lifecycle: []storage.LifecycleRule{{
			ID: "archive-large-renditions", Prefix: fmt.Sprintf("renditions/%d/", widths[len(widths)-1]),
			Transitions: []storage.Transition{{Days: 90, StorageClass: "STANDARD_IA"}},
		}},
		NoncurrentVersionDays: 30,
		Disposable:            s.Disposable,
	})
	if err != nil {
		return nil, err
	}
	alerts, err := base.AlertTopic(stack, Name, s.Disposable, false)
	if err != nil {
		return nil, err
	}

	widthList := make([]string, len(widths))
	for i, w := range widths {
		widthList[i] = strconv.Itoa(w)
	}
	h, err := serverless.NewHandler(stack, "resize", serverless.HandlerProps{
		FunctionName: "imagepipeline-resize",
		Description:  "Resizes and watermarks uploaded images",
		Code:         lambdacode.FromGoPackage(HandlerPackage),
		// 1769 MB buys one full vCPU; decoding a 12 MP JPEG needs ~100 MB.
		MemoryMB:       1769,
		TimeoutSeconds: 60,
		Environment: map[string]string{
			"OUTPUT_BUCKET":  output.BucketName(),
			"OUTPUT_PREFIX":  "renditions",
			"WIDTHS":         strings.Join(widthList, ","),
			"WATERMARK_TEXT": "© Daily News",
			"MAX_PIXELS":     "50000000",
			"MAX_BYTES":      "52428800",
		},
		Alarms: serverless.AlarmProps{TopicARN: *alerts.Arn()},
	})
	if err != nil {
		return nil, err
	}
	// The handler skips renditions that exist (HeadObject), so a redelivered
	// event does not render again; without read access S3 answers 403.
	if err := errors.Join(
		uploads.GrantRead(h, "incoming/"),
		output.GrantWrite(h, "renditions/"),
		output.GrantRead(h, "renditions/"),
	); err != nil {
		return nil, err
	}
	// S3 suffix filters are case-sensitive: cameras and phones name files
	// IMG_0001.JPG, so every extension is listed in both cases.
	for _, ext := range extensions {
		for _, suffix := range []string{"." + ext, "." + strings.ToUpper(ext)} {
			id := "uploads-" + ext
			if suffix != "."+ext {
				id += "-upper"
			}
			if err := h.AddS3Source(id, uploads, serverless.S3SourceProps{Prefix: "incoming/", Suffix: suffix}); err != nil {
				return nil, err
			}
		}
	}

	base.Output(stack, "upload_bucket", "Upload originals to s3://<bucket>/incoming/", uploads.BucketName())
	base.Output(stack, "output_bucket", "Renditions appear at s3://<bucket>/renditions/<width>/incoming/<key>", output.BucketName())
	base.Output(stack, "function_name", "The resize function", h.FunctionName())
	base.Output(stack, "failed_events_queue", "Events that failed every retry", h.FailureQueue().QueueURL())
	base.Output(stack, "alerts_topic", "Subscribe to receive alarms", *alerts.Arn())
	// Last, after every construct: the dashboard and health alarm of them all.
	if _, err := observe.NewDashboard(stack, "dashboard", observe.DashboardProps{Name: Name, AlarmTopicARN: *alerts.Arn()}); err != nil {
		return nil, err
	}
	return &Pipeline{Stack: stack, Uploads: uploads, Output: output, Handler: h}, nil
}
