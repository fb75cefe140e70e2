package serverless

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/sqsqueue"

	"github.com/hybridstack/hybridstack/constructs/grant"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// QueueRef is an SQS queue other constructs can use.
type QueueRef interface {
	QueueARN() string
	QueueURL() string
	// VisibilityTimeoutSeconds returns the queue's visibility timeout, or 0
	// when unknown at synth time.
	VisibilityTimeoutSeconds() int
	FIFO() bool
	// GrantConsume lets a grantee receive and delete the queue's messages;
	// GrantSend lets it send them.
	GrantConsume(g grant.Grantee) error
	GrantSend(g grant.Grantee) error
}

// QueueProps configures a Queue.
type QueueProps struct {
	// NamePrefix starts the queue's name; ".fifo" is appended for FIFO.
	// Default: - the construct id followed by "-"
	NamePrefix string
	// FIFO makes a first-in-first-out queue.
	// Default: false
	FIFO bool
	// VisibilityTimeoutSeconds must cover the consumer's processing time:
	// AWS recommends 6 x the consumer Lambda's timeout plus its batching
	// window. 0-43200.
	// Default: 180
	VisibilityTimeoutSeconds int
	// RetentionSeconds keeps messages this long, 60-1209600.
	// Default: 345600 (4 days); 1209600 (14 days) for dead-letter queues
	RetentionSeconds int
	// KMSKeyARN encrypts messages with a customer managed key.
	// Default: - SQS-managed encryption (SSE-SQS)
	KMSKeyARN string
	// MaxReceiveCount moves a message to the queue's dead-letter queue
	// after this many failed receives, 1-1000.
	// Default: 5
	MaxReceiveCount int
	// IsDeadLetterQueue marks this queue as a dead-letter queue: it gets no
	// dead-letter queue of its own and keeps messages 14 days.
	// Default: false
	IsDeadLetterQueue bool
	// Tags are added to the queues.
	// Default: - none
	Tags map[string]string
}

// Queue is an encrypted SQS queue with, unless it is one itself, a
// dead-letter queue.
type Queue struct {
	constructs.Construct
	queue      sqsqueue.SqsQueue
	dlq        *Queue
	visibility int
	maxReceive int
	fifo       bool
}

var queuePrefixRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,50}$`)

// NewQueue validates props and creates the queue (and its dead-letter
// queue). It returns every problem with props at once, joined, each a
// *validate.FieldError wrapping validate.ErrInvalid.
func NewQueue(scope constructs.Construct, id string, props QueueProps) (*Queue, error) {
	r := validation.ForConstruct("serverless", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	p := props
	if p.NamePrefix == "" {
		p.NamePrefix = id + "-"
	}
	if p.VisibilityTimeoutSeconds == 0 {
		p.VisibilityTimeoutSeconds = 180
	}
	if p.RetentionSeconds == 0 {
		p.RetentionSeconds = 345600
		if p.IsDeadLetterQueue {
			p.RetentionSeconds = 1209600
		}
	}
	if p.MaxReceiveCount == 0 {
		p.MaxReceiveCount = 5
	}
	if !queuePrefixRe.MatchString(p.NamePrefix) {
		r.Addf("NamePrefix", "%q must be 1-50 letters, digits, '-' or '_'", p.NamePrefix)
	}
	if p.VisibilityTimeoutSeconds < 0 || p.VisibilityTimeoutSeconds > 43200 {
		r.Addf("VisibilityTimeoutSeconds", "%d is out of range; use 0 to 43200", p.VisibilityTimeoutSeconds)
	}
	if p.RetentionSeconds < 60 || p.RetentionSeconds > 1209600 {
		r.Addf("RetentionSeconds", "%d is out of range; use 60 to 1209600 (14 days)", p.RetentionSeconds)
	}
	if p.MaxReceiveCount < 1 || p.MaxReceiveCount > 1000 {
		r.Addf("MaxReceiveCount", "%d is out of range; use 1 to 1000", p.MaxReceiveCount)
	}
	if p.KMSKeyARN != "" && !validation.IsToken(p.KMSKeyARN) && !strings.HasPrefix(p.KMSKeyARN, "arn:") && !strings.HasPrefix(p.KMSKeyARN, "alias/") {
		r.Addf("KMSKeyARN", "%q is not a KMS key ARN or alias", p.KMSKeyARN)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	q := &Queue{visibility: p.VisibilityTimeoutSeconds, maxReceive: p.MaxReceiveCount, fifo: p.FIFO}
	constructs.NewConstruct_Override(q, scope, &id)
	if !p.IsDeadLetterQueue {
		dlq, err := NewQueue(q, "dead-letter", QueueProps{
			NamePrefix: names.Truncate(strings.TrimSuffix(p.NamePrefix, "-")+"-dlq-", 50), FIFO: p.FIFO,
			KMSKeyARN: p.KMSKeyARN, IsDeadLetterQueue: true, Tags: p.Tags,
		})
		if err != nil {
			return nil, err
		}
		q.dlq = dlq
	}
	cfg := &sqsqueue.SqsQueueConfig{
		NamePrefix:               ptr.String(p.NamePrefix),
		FifoQueue:                p.FIFO,
		VisibilityTimeoutSeconds: ptr.Number(p.VisibilityTimeoutSeconds),
		MessageRetentionSeconds:  ptr.Number(p.RetentionSeconds),
		Tags:                     ptr.Map(p.Tags),
	}
	if p.FIFO {
		// A FIFO queue's name must end in .fifo; the prefix form cannot
		// guarantee it, so the name is fixed.
		cfg.NamePrefix = nil
		cfg.Name = ptr.String(strings.TrimSuffix(p.NamePrefix, "-") + ".fifo")
	}
	if p.KMSKeyARN != "" {
		cfg.KmsMasterKeyId = ptr.String(p.KMSKeyARN)
	} else {
		cfg.SqsManagedSseEnabled = true
	}
	if q.dlq != nil {
		policy, _ := json.Marshal(map[string]any{"deadLetterTargetArn": q.dlq.QueueARN(), "maxReceiveCount": p.MaxReceiveCount})
		cfg.RedrivePolicy = ptr.String(string(policy))
	}
	q.queue = sqsqueue.NewSqsQueue(q, ptr.String("queue"), cfg)
	return q, nil
}

// QueueARN returns the queue's ARN.
func (q *Queue) QueueARN() string { return *q.queue.Arn() }

// QueueURL returns the queue's URL.
func (q *Queue) QueueURL() string { return *q.queue.Url() }

// QueueName returns the queue's name.
func (q *Queue) QueueName() string { return *q.queue.Name() }

// VisibilityTimeoutSeconds returns the configured visibility timeout.
func (q *Queue) VisibilityTimeoutSeconds() int { return q.visibility }

// FIFO reports whether the queue is FIFO.
func (q *Queue) FIFO() bool { return q.fifo }

// DeadLetterQueue returns the queue's dead-letter queue, or nil for a
// dead-letter queue.
func (q *Queue) DeadLetterQueue() *Queue { return q.dlq }

// Resource returns the aws_sqs_queue resource.
func (q *Queue) Resource() sqsqueue.SqsQueue { return q.queue }

// GrantConsume lets g receive, delete and extend the visibility of
// messages of the queue.
func (q *Queue) GrantConsume(g grant.Grantee) error { return grantConsume(q, g) }

// GrantSend lets g send messages to the queue.
func (q *Queue) GrantSend(g grant.Grantee) error { return grantSend(q, g) }

func grantConsume(q QueueRef, g grant.Grantee) error {
	return g.AddToRolePolicy("consume", iamdoc.Allow("Consume",
		[]string{"sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"}, q.QueueARN()))
}

func grantSend(q QueueRef, g grant.Grantee) error {
	return g.AddToRolePolicy("send", iamdoc.Allow("Send", []string{"sqs:GetQueueAttributes", "sqs:SendMessage"}, q.QueueARN()))
}
