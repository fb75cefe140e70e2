package serverless

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatcheventrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatcheventtarget"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lambdaeventsourcemapping"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lambdapermission"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopicsubscription"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/queue"
)

var sourceIDRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// maxRulePrefix is the longest EventBridge rule name prefix: 64 characters
// less the 26 Terraform appends.
const maxRulePrefix = 64 - names.TerraformSuffix

// source starts validation of an event source with the given id.
func (h *Handler) source(kind, id string) *validation.Report {
	r := validation.NewReport("serverless", *h.Node().Path())
	if !sourceIDRe.MatchString(id) {
		r.Addf(kind+"("+id+")", "id %q must be 1-40 lowercase letters, digits and '-'; it becomes part of Terraform addresses", id)
	}
	if h.sourceIDs["source-"+id] > 0 {
		r.Addf(kind+"("+id+")", "id %q is already used by another event source of this function", id)
	}
	// A source's own resources are "<kind>-<id>-<suffix>"; an id ending in
	// a suffix would collide with those of another source.
	for _, suffix := range derivedSuffixes {
		if strings.HasSuffix(id, suffix) {
			r.Addf(kind+"("+id+")", "id %q ends in %q, which the construct uses for the resources it derives from other ids; choose another", id, suffix)
		}
	}
	return r
}

// derivedSuffixes end the ids of resources derived from a source id.
var derivedSuffixes = []string{"-permission", "-target", "-dead-letter-alarm"}

func (h *Handler) permission(id, principal, sourceARN, sourceAccount string) lambdapermission.LambdaPermission {
	return lambdapermission.NewLambdaPermission(h, ptr.String(id), &lambdapermission.LambdaPermissionConfig{
		Action:        ptr.String("lambda:InvokeFunction"),
		FunctionName:  h.fn.FunctionName(),
		Principal:     ptr.String(principal),
		SourceArn:     ptr.String(sourceARN),
		SourceAccount: ptr.Optional(sourceAccount),
	})
}

// S3SourceProps selects the object events that invoke the function.
type S3SourceProps struct {
	// Events are S3 event types.
	// Default: ["s3:ObjectCreated:*"]
	Events []string
	// Prefix and Suffix filter object keys.
	// Default: - every key
	Prefix, Suffix string
}

// S3Bucket is a bucket whose object events AddS3Source sends to a
// function: storage.Bucket, and every storage.BucketRef (such as a bucket
// of storage.ImportBucket), is one. S3 keeps one notification
// configuration per bucket, so the bucket gathers the configurations of
// every function into one resource and refuses overlapping filters.
type S3Bucket interface {
	constructs.IConstruct
	// BucketARN returns the bucket's ARN (possibly a token).
	BucketARN() string
	// CheckLambdaNotification returns an error when sending events on keys
	// starting with prefix and ending with suffix to a function would
	// overlap a configuration already in the bucket's notification.
	CheckLambdaNotification(events []string, prefix, suffix string) error
	// AddLambdaNotification adds to the bucket's notification the
	// configuration id sending those events to functionARN, depending on
	// permission (the statement letting S3 invoke the function); owner
	// names the caller in later overlap errors.
	AddLambdaNotification(owner, id, functionARN string, events []string, prefix, suffix string, permission cdktf.TerraformResource) error
}

// AddS3Source invokes the function for object events in bucket. All
// handlers of one bucket share its one notification resource; filters
// that overlap another handler's for the same event are refused, as S3
// would.
func (h *Handler) AddS3Source(id string, bucket S3Bucket, props S3SourceProps) error {
	r := h.source("AddS3Source", id)
	events := props.Events
	if len(events) == 0 {
		events = []string{"s3:ObjectCreated:*"}
	}
	for _, e := range events {
		if !strings.HasPrefix(e, "s3:") {
			r.Addf("AddS3Source("+id+").Events", "%q is not an S3 event type such as s3:ObjectCreated:*", e)
		}
	}
	if bucket == nil {
		r.Addf("AddS3Source("+id+")", "has a nil bucket")
		return r.Err()
	}
	key := *bucket.Node().Path()
	if err := bucket.CheckLambdaNotification(events, props.Prefix, props.Suffix); err != nil {
		r.Addf("AddS3Source("+id+")", "%v", err)
	}
	if err := r.Err(); err != nil {
		return err
	}
	h.sourceIDs["source-"+id]++

	// One permission per function and bucket, however many filters.
	perm, ok := h.s3Permissions[key]
	if !ok {
		// Buckets in different scopes may share a construct id.
		perm = h.permission(h.ids.For("s3-"+*bucket.Node().Id()+"-permission", key), "s3.amazonaws.com", bucket.BucketARN(), h.env.Account)
		h.s3Permissions[key] = perm
	}
	if err := bucket.AddLambdaNotification(*h.Node().Path()+" ("+id+")", names.Truncate(h.name, 40)+"-"+id, *h.fn.Arn(), events, props.Prefix, props.Suffix, perm); err != nil {
		r.Addf("AddS3Source("+id+")", "%v", err)
		return r.Err()
	}
	return nil
}

// SQSSourceProps configures an SQS event source mapping.
type SQSSourceProps struct {
	// BatchSize is 1 to 10, or up to 10000 with a batching window (10 for
	// FIFO queues).
	// Default: 10
	BatchSize int
	// MaxBatchingWindowSeconds waits up to this long to fill a batch, 0 to
	// 300; not for FIFO queues.
	// Default: 0
	MaxBatchingWindowSeconds int
	// MaxConcurrency caps concurrent invocations from this queue, 2-1000.
	// Default: - no cap
	MaxConcurrency int
	// DisablePartialBatchResponse makes one failed message retry the whole
	// batch.
	// Default: false (the function reports failed message ids)
	DisablePartialBatchResponse bool
	// FilterPatterns are event filter patterns (JSON).
	// Default: - every message
	FilterPatterns []string
}

// AddSQSSource makes the function consume q.
func (h *Handler) AddSQSSource(id string, q queue.Ref, props SQSSourceProps) error {
	r := h.source("AddSQSSource", id)
	f := "AddSQSSource(" + id + ")."
	batch := props.BatchSize
	if batch == 0 {
		batch = 10
	}
	switch {
	case q.FIFO() && batch > 10:
		r.Addf(f+"BatchSize", "%d is too large for a FIFO queue; use 1 to 10", batch)
	case props.MaxBatchingWindowSeconds == 0 && (batch < 1 || batch > 10):
		r.Addf(f+"BatchSize", "%d is out of range; use 1 to 10, or up to 10000 with MaxBatchingWindowSeconds", batch)
	case batch < 1 || batch > 10000:
		r.Addf(f+"BatchSize", "%d is out of range; use 1 to 10000", batch)
	}
	if props.MaxBatchingWindowSeconds < 0 || props.MaxBatchingWindowSeconds > 300 {
		r.Addf(f+"MaxBatchingWindowSeconds", "%d is out of range; use 0 to 300", props.MaxBatchingWindowSeconds)
	}
	if q.FIFO() && props.MaxBatchingWindowSeconds > 0 {
		r.Addf(f+"MaxBatchingWindowSeconds", "%d cannot be used with a FIFO queue", props.MaxBatchingWindowSeconds)
	}
	if props.MaxConcurrency != 0 && (props.MaxConcurrency < 2 || props.MaxConcurrency > 1000) {
		r.Addf(f+"MaxConcurrency", "%d is out of range; use 2 to 1000", props.MaxConcurrency)
	}
	if vt := q.VisibilityTimeoutSeconds(); vt > 0 && vt < h.timeout {
		r.Addf(f+"Queue", "visibility timeout %d s is shorter than the function timeout %d s; messages would be delivered again while still being processed (AWS recommends at least 6 x timeout + batching window = %d s)",
			vt, h.timeout, 6*h.timeout+props.MaxBatchingWindowSeconds)
	} else if vt > 0 && vt < 6*h.timeout+props.MaxBatchingWindowSeconds {
		cdktf.Annotations_Of(h).AddWarning(ptr.String(fmt.Sprintf("%s: queue visibility timeout %d s is below the recommended 6 x function timeout + batching window = %d s", f+"Queue", vt, 6*h.timeout+props.MaxBatchingWindowSeconds)))
	}
	filters := checkPatterns(r, f+"FilterPatterns", props.FilterPatterns)
	if err := r.Err(); err != nil {
		return err
	}
	h.sourceIDs["source-"+id]++
	consume, err := h.policies.Add("consume-"+id, iamdoc.Allow("Consume",
		[]string{"sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"}, q.QueueARN()))
	if err != nil {
		return err
	}
	cfg := &lambdaeventsourcemapping.LambdaEventSourceMappingConfig{
		FunctionName:   h.fn.Arn(),
		EventSourceArn: ptr.String(q.QueueARN()),
		BatchSize:      ptr.Number(batch),
		FilterCriteria: filters,
		DependsOn:      &[]cdktf.ITerraformDependable{consume},
	}
	if props.MaxBatchingWindowSeconds > 0 {
		cfg.MaximumBatchingWindowInSeconds = ptr.Number(props.MaxBatchingWindowSeconds)
	}
	if !props.DisablePartialBatchResponse {
		cfg.FunctionResponseTypes = ptr.Strings([]string{"ReportBatchItemFailures"})
	}
	if props.MaxConcurrency > 0 {
		cfg.ScalingConfig = &lambdaeventsourcemapping.LambdaEventSourceMappingScalingConfig{MaximumConcurrency: ptr.Number(props.MaxConcurrency)}
	}
	lambdaeventsourcemapping.NewLambdaEventSourceMapping(h, ptr.String("sqs-"+id), cfg)
	if sq, ok := q.(*queue.Queue); ok && sq.DeadLetterQueue() != nil {
		// The handler's alarm watches the dead-letter queue from now on:
		// the queue drops its own when that changes nobody's notifications.
		if !h.alarmsOff {
			sq.YieldDeadLetterAlarm(h.alarmTopic)
		}
		h.queueDepthAlarm("sqs-"+id+"-dead-letter-alarm", sq.DeadLetterQueue(), "Messages of "+*sq.Node().Path()+" that "+h.name+" failed to process "+fmt.Sprint(sq.MaxReceiveCount())+" times are waiting in its dead-letter queue")
	}
	return nil
}

func checkPatterns(r *validation.Report, field string, patterns []string) *lambdaeventsourcemapping.LambdaEventSourceMappingFilterCriteria {
	if len(patterns) == 0 {
		return nil
	}
	if len(patterns) > 5 {
		r.Addf(field, "has %d patterns; Lambda allows 5 per event source", len(patterns))
	}
	var filters []*lambdaeventsourcemapping.LambdaEventSourceMappingFilterCriteriaFilter
	for i, p := range patterns {
		var obj map[string]any
		if err := json.Unmarshal([]byte(p), &obj); err != nil {
			r.Addf(fmt.Sprintf("%s[%d]", field, i), "is not a JSON object: %v", err)
		}
		filters = append(filters, &lambdaeventsourcemapping.LambdaEventSourceMappingFilterCriteriaFilter{Pattern: ptr.String(p)})
	}
	return &lambdaeventsourcemapping.LambdaEventSourceMappingFilterCriteria{Filter: filters}
}

var (
	rateRe = regexp.MustCompile(`^rate\(([1-9][0-9]*) (minute|minutes|hour|hours|day|days)\)$`)
	cronRe = regexp.MustCompile(`^cron\((.*)\)$`)
)

// ValidateSchedule checks an EventBridge schedule expression: rate(N unit)
// with a singular unit for 1 and plural otherwise, or cron() with six fields
// of which exactly one of day-of-month and day-of-week is "?".
func ValidateSchedule(expr string) error {
	if m := rateRe.FindStringSubmatch(expr); m != nil {
		n, _ := strconv.Atoi(m[1])
		plural := strings.HasSuffix(m[2], "s")
		if (n == 1) == plural {
			return fmt.Errorf("%q: use %q for 1 and the plural otherwise", expr, strings.TrimSuffix(m[2], "s"))
		}
		return nil
	}
	if m := cronRe.FindStringSubmatch(expr); m != nil {
		fields := strings.Fields(m[1])
		if len(fields) != 6 {
			return fmt.Errorf("%q has %d fields; EventBridge cron takes six: minutes hours day-of-month month day-of-week year", expr, len(fields))
		}
		if (fields[2] == "?") == (fields[4] == "?") {
			return fmt.Errorf("%q: exactly one of day-of-month (%s) and day-of-week (%s) must be ?", expr, fields[2], fields[4])
		}
		return nil
	}
	return fmt.Errorf("%q is not rate(N unit) or cron(six fields)", expr)
}

// AddSchedule invokes the function on an EventBridge schedule.
func (h *Handler) AddSchedule(id, expression string) error {
	r := h.source("AddSchedule", id)
	if err := ValidateSchedule(expression); err != nil {
		r.Addf("AddSchedule("+id+").Expression", "%v", err)
	}
	if err := r.Err(); err != nil {
		return err
	}
	h.rule(id, &cloudwatcheventrule.CloudwatchEventRuleConfig{ScheduleExpression: ptr.String(expression)})
	return nil
}

// EventRuleProps matches events on an EventBridge bus.
type EventRuleProps struct {
	// Pattern is the event pattern as JSON. Required.
	Pattern string
	// EventBusName is the bus to listen on.
	// Default: default
	EventBusName string
	// Description of the rule.
	// Default: - names the function
	Description string
}

// AddEventRule invokes the function for events matching a pattern.
func (h *Handler) AddEventRule(id string, props EventRuleProps) error {
	r := h.source("AddEventRule", id)
	var obj map[string]any
	if err := json.Unmarshal([]byte(props.Pattern), &obj); err != nil || len(obj) == 0 {
		r.Addf("AddEventRule("+id+").Pattern", "%q is not a non-empty JSON object event pattern", props.Pattern)
	}
	if err := r.Err(); err != nil {
		return err
	}
	h.rule(id, &cloudwatcheventrule.CloudwatchEventRuleConfig{
		EventPattern: ptr.String(props.Pattern),
		EventBusName: ptr.Optional(props.EventBusName),
		Description:  ptr.Optional(props.Description),
	})
	return nil
}

func (h *Handler) rule(id string, cfg *cloudwatcheventrule.CloudwatchEventRuleConfig) {
	h.sourceIDs["source-"+id]++
	// Rule names allow 64 characters and Terraform appends 26 to a prefix.
	cfg.NamePrefix = ptr.String(names.Prefix(h.name+"-"+id, maxRulePrefix))
	if cfg.Description == nil {
		cfg.Description = ptr.String("Invokes " + h.name)
	}
	cfg.Tags = ptr.Map(h.tags)
	rule := cloudwatcheventrule.NewCloudwatchEventRule(h, ptr.String("rule-"+id), cfg)
	perm := h.permission("rule-"+id+"-permission", "events.amazonaws.com", *rule.Arn(), "")
	cloudwatcheventtarget.NewCloudwatchEventTarget(h, ptr.String("rule-"+id+"-target"), &cloudwatcheventtarget.CloudwatchEventTargetConfig{
		Rule:         rule.Name(),
		EventBusName: cfg.EventBusName,
		Arn:          h.fn.Arn(),
		RetryPolicy: &cloudwatcheventtarget.CloudwatchEventTargetRetryPolicy{
			MaximumRetryAttempts:     ptr.Number(185),
			MaximumEventAgeInSeconds: ptr.Number(86400),
		},
		DependsOn: &[]cdktf.ITerraformDependable{perm},
	})
}

// SNSSourceProps configures an SNS subscription.
type SNSSourceProps struct {
	// FilterPolicy is a JSON subscription filter policy on message
	// attributes.
	// Default: - every message
	FilterPolicy string
}

// AddSNSSource subscribes the function to an SNS topic.
func (h *Handler) AddSNSSource(id, topicARN string, props SNSSourceProps) error {
	r := h.source("AddSNSSource", id)
	if topicARN == "" || (!validation.IsToken(topicARN) && !strings.Contains(topicARN, ":sns:")) {
		r.Addf("AddSNSSource("+id+").TopicARN", "%q is not an SNS topic ARN", topicARN)
	}
	if props.FilterPolicy != "" {
		var obj map[string]any
		if err := json.Unmarshal([]byte(props.FilterPolicy), &obj); err != nil {
			r.Addf("AddSNSSource("+id+").FilterPolicy", "is not a JSON object: %v", err)
		}
	}
	if err := r.Err(); err != nil {
		return err
	}
	h.sourceIDs["source-"+id]++
	perm := h.permission("sns-"+id+"-permission", "sns.amazonaws.com", topicARN, "")
	snstopicsubscription.NewSnsTopicSubscription(h, ptr.String("sns-"+id), &snstopicsubscription.SnsTopicSubscriptionConfig{
		TopicArn:     ptr.String(topicARN),
		Protocol:     ptr.String("lambda"),
		Endpoint:     h.fn.Arn(),
		FilterPolicy: ptr.Optional(props.FilterPolicy),
		DependsOn:    &[]cdktf.ITerraformDependable{perm},
	})
	return nil
}

// StreamKind is the kind of stream a StreamSource reads.
type StreamKind string

// The stream kinds.
const (
	Kinesis  StreamKind = "kinesis"
	DynamoDB StreamKind = "dynamodb"
)

// StreamSourceProps configures a Kinesis or DynamoDB stream event source.
type StreamSourceProps struct {
	// Kind is Kinesis or DynamoDB.
	// Default: - read from the ARN
	Kind StreamKind
	// StartingPosition is LATEST or TRIM_HORIZON.
	// Default: LATEST
	StartingPosition string
	// BatchSize is 1 to 10000.
	// Default: 100
	BatchSize int
	// MaxBatchingWindowSeconds is 0 to 300.
	// Default: 0
	MaxBatchingWindowSeconds int
	// ParallelizationFactor is concurrent batches per shard, 1 to 10.
	// Default: 1
	ParallelizationFactor int
	// DisableBisectOnError keeps failed batches whole instead of splitting
	// them to find the bad record.
	// Default: false
	DisableBisectOnError bool
	// MaxRetries is -1 (until the record expires) to 10000.
	// Default: 3
	MaxRetries *int
	// MaxRecordAgeSeconds is -1 (no limit) or 60 to 604800.
	// Default: 86400
	MaxRecordAgeSeconds int
	// TumblingWindowSeconds aggregates state over windows, 0 to 900.
	// Default: 0
	TumblingWindowSeconds int
	// OnFailure receives records that failed every retry.
	// Default: - the handler's failure queue
	OnFailure queue.Ref
}

// AddStreamSource makes the function read a Kinesis or DynamoDB stream.
func (h *Handler) AddStreamSource(id, streamARN string, props StreamSourceProps) error {
	r := h.source("AddStreamSource", id)
	f := "AddStreamSource(" + id + ")."
	kind := props.Kind
	if kind == "" {
		switch {
		case strings.Contains(streamARN, ":kinesis:"):
			kind = Kinesis
		case strings.Contains(streamARN, ":dynamodb:") && strings.Contains(streamARN, "/stream/"):
			kind = DynamoDB
		default:
			r.Addf(f+"Kind", "cannot be read from %q; set Kinesis or DynamoDB", streamARN)
		}
	} else if kind != Kinesis && kind != DynamoDB {
		r.Addf(f+"Kind", "%q is not a stream kind; use %q or %q", kind, Kinesis, DynamoDB)
	}
	start := props.StartingPosition
	if start == "" {
		start = "LATEST"
	}
	if start != "LATEST" && start != "TRIM_HORIZON" {
		r.Addf(f+"StartingPosition", "%q is not LATEST or TRIM_HORIZON", start)
	}
	batch := props.BatchSize
	if batch == 0 {
		batch = 100
	}
	if batch < 1 || batch > 10000 {
		r.Addf(f+"BatchSize", "%d is out of range; use 1 to 10000", batch)
	}
	if props.MaxBatchingWindowSeconds < 0 || props.MaxBatchingWindowSeconds > 300 {
		r.Addf(f+"MaxBatchingWindowSeconds", "%d is out of range; use 0 to 300", props.MaxBatchingWindowSeconds)
	}
	par := props.ParallelizationFactor
	if par == 0 {
		par = 1
	}
	if par < 1 || par > 10 {
		r.Addf(f+"ParallelizationFactor", "%d is out of range; use 1 to 10", par)
	}
	retries := 3
	if props.MaxRetries != nil {
		retries = *props.MaxRetries
	}
	if retries < -1 || retries > 10000 {
		r.Addf(f+"MaxRetries", "%d is out of range; use -1 (infinite) to 10000", retries)
	}
	age := props.MaxRecordAgeSeconds
	if age == 0 {
		age = 86400
	}
	if age != -1 && (age < 60 || age > 604800) {
		r.Addf(f+"MaxRecordAgeSeconds", "%d is out of range; use -1 (infinite) or 60 to 604800 (7 days)", age)
	}
	if props.TumblingWindowSeconds < 0 || props.TumblingWindowSeconds > 900 {
		r.Addf(f+"TumblingWindowSeconds", "%d is out of range; use 0 to 900", props.TumblingWindowSeconds)
	}
	if err := r.Err(); err != nil {
		return err
	}
	h.sourceIDs["source-"+id]++
	onFailure := props.OnFailure
	if onFailure == nil {
		onFailure = h.failure
	}
	var read iamrolepolicy.IamRolePolicy
	var err error
	if kind == Kinesis {
		read, err = h.policies.Add("read-stream-"+id, iamdoc.Allow("ReadStream", []string{"kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:SubscribeToShard"}, streamARN),
			iamdoc.Allow("ListStreams", []string{"kinesis:ListStreams"}, "*"))
	} else {
		read, err = h.policies.Add("read-stream-"+id, iamdoc.Allow("ReadStream", []string{"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"}, streamARN),
			iamdoc.Allow("ListStreams", []string{"dynamodb:ListStreams"}, "*"))
	}
	if err != nil {
		return err
	}
	deps := []cdktf.ITerraformDependable{read}
	if onFailure != h.failure {
		failures, err := h.policies.Add("stream-failures-"+id, iamdoc.Allow("SendFailedRecords", []string{"sqs:SendMessage"}, onFailure.QueueARN()))
		if err != nil {
			return err
		}
		deps = append(deps, failures)
	}
	cfg := &lambdaeventsourcemapping.LambdaEventSourceMappingConfig{
		FunctionName:               h.fn.Arn(),
		EventSourceArn:             ptr.String(streamARN),
		StartingPosition:           ptr.String(start),
		BatchSize:                  ptr.Number(batch),
		ParallelizationFactor:      ptr.Number(par),
		BisectBatchOnFunctionError: !props.DisableBisectOnError,
		MaximumRetryAttempts:       ptr.Number(retries),
		MaximumRecordAgeInSeconds:  ptr.Number(age),
		FunctionResponseTypes:      ptr.Strings([]string{"ReportBatchItemFailures"}),
		DestinationConfig: &lambdaeventsourcemapping.LambdaEventSourceMappingDestinationConfig{
			OnFailure: &lambdaeventsourcemapping.LambdaEventSourceMappingDestinationConfigOnFailure{DestinationArn: ptr.String(onFailure.QueueARN())},
		},
		DependsOn: &deps,
	}
	if props.MaxBatchingWindowSeconds > 0 {
		cfg.MaximumBatchingWindowInSeconds = ptr.Number(props.MaxBatchingWindowSeconds)
	}
	if props.TumblingWindowSeconds > 0 {
		cfg.TumblingWindowInSeconds = ptr.Number(props.TumblingWindowSeconds)
	}
	lambdaeventsourcemapping.NewLambdaEventSourceMapping(h, ptr.String("stream-"+id), cfg)
	h.streams = true
	return nil
}
