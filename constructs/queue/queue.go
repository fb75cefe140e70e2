// Package queue provides Queue (NewQueue): an encrypted SQS queue with,
// unless it is one itself, a dead-letter queue, alarms on its oldest
// message and its dead letters, and golden signals for a dashboard. Other
// constructs accept it, or any queue, through Ref, whose GrantConsume and
// GrantSend give any grant.Grantee access; serverless.Handler consumes it
// with AddSQSSource.
package queue

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/sqsqueue"

	"github.com/hybridstack/hybridstack/constructs/grant"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/alarm"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

// Ref is an SQS queue other constructs can use.
type Ref interface {
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

// Props configures a Queue.
type Props struct {
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
	// Alarms configures the alarms of a queue that is not a dead-letter
	// queue.
	// Default: - alarms on, without notification (see AlarmProps)
	Alarms AlarmProps
	// Tags are added to the queues.
	// Default: - none
	Tags map[string]string
}

// AlarmProps configures a queue's alarms. A queue that is not itself
// a dead-letter queue raises two, each on the maximum over 5 minutes: the
// age of its oldest message reaching MaxMessageAgeSeconds (its consumers
// are behind or stopped), and any message in its dead-letter queue (a
// message failed MaxReceiveCount times). A dead-letter queue raises none:
// the age of its messages grows by design, and whoever sends to it watches
// it (a serverless.Handler's failed-events alarm, an ecs.ScheduledTask's
// dead-letter alarms). A serverless.Handler consuming the queue
// (AddSQSSource) raises its own dead-letter alarm, which then replaces the
// queue's unless the two would notify different topics (see
// YieldDeadLetterAlarm).
type AlarmProps struct {
	// Disable creates no alarms.
	// Default: false
	Disable bool
	// TopicARN is notified when an alarm fires or recovers.
	// Default: - no notification
	TopicARN string
	// MaxMessageAgeSeconds is the age of the oldest message at which the
	// oldest-message alarm fires; less than RetentionSeconds, when
	// messages are deleted unread.
	// Default: - MaxReceiveCount x VisibilityTimeoutSeconds (a message older than that was never received, rather than failing), at least 300 and at most half of RetentionSeconds
	MaxMessageAgeSeconds int
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
	deadLetter bool
	// raised are the queue's alarms; alarmTopic the topic they notify.
	raised     []observe.Alarm
	alarmTopic string
	// deadLetterAlarm is the id of the queue's alarm on its dead-letter
	// queue ("" when it has none, or gave it up to a consumer's);
	// exposed records that Signals handed out its alarms.
	deadLetterAlarm string
	exposed         bool
}

var queuePrefixRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,50}$`)

// NewQueue validates props and creates the queue (and its dead-letter
// queue). It returns every problem with props at once, joined, each a
// *validate.FieldError wrapping validate.ErrInvalid.
func NewQueue(scope constructs.Construct, id string, props Props) (*Queue, error) {
	r := validation.ForConstruct("queue", scope, id)
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
	maxAge := checkQueueAlarms(r, p)
	if err := r.Err(); err != nil {
		return nil, err
	}
	q := &Queue{visibility: p.VisibilityTimeoutSeconds, maxReceive: p.MaxReceiveCount, fifo: p.FIFO, deadLetter: p.IsDeadLetterQueue, alarmTopic: p.Alarms.TopicARN}
	constructs.NewConstruct_Override(q, scope, &id)
	if !p.IsDeadLetterQueue {
		dlq, err := NewQueue(q, "dead-letter", Props{
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
	if !p.IsDeadLetterQueue && !p.Alarms.Disable {
		q.alarms(names.FromPathFit(r.StackPath(scope), 200), p, maxAge)
	}
	return q, nil
}

// checkQueueAlarms validates the alarm props and returns the
// oldest-message alarm's threshold in seconds.
func checkQueueAlarms(r *validation.Report, p Props) int {
	a := p.Alarms
	if p.IsDeadLetterQueue && (a.TopicARN != "" || a.MaxMessageAgeSeconds != 0) {
		r.Addf("Alarms", "is set on a dead-letter queue, which raises no alarms of its own: the construct that sends to it alarms on it (such as a serverless.Handler's failed-events alarm)")
	}
	if a.MaxMessageAgeSeconds != 0 {
		if a.MaxMessageAgeSeconds < 1 || a.MaxMessageAgeSeconds >= p.RetentionSeconds {
			r.Addf("Alarms.MaxMessageAgeSeconds", "%d is out of range; use 1 to %d (less than RetentionSeconds, when messages are deleted unread)", a.MaxMessageAgeSeconds, p.RetentionSeconds-1)
		}
		return a.MaxMessageAgeSeconds
	}
	age := max(p.MaxReceiveCount*p.VisibilityTimeoutSeconds, 300)
	return min(age, p.RetentionSeconds/2)
}

// alarms raises the alarms on the age of the oldest message (at maxAge
// seconds) and on messages in the dead-letter queue, named after name.
func (q *Queue) alarms(name string, p Props, maxAge int) {
	raise := func(id, metric, queueName, description string, threshold int) {
		a := alarm.New(q, id, alarm.Props{
			Name: name + "-" + id, Description: description,
			Namespace: "AWS/SQS", Metric: metric, Dimensions: map[string]string{"QueueName": queueName},
			// Both are gauges: the maximum says whether the threshold was
			// reached at all in the period.
			Statistic: "Maximum", PeriodSeconds: 300, Periods: 1, Threshold: threshold,
			TopicARN: p.Alarms.TopicARN, Tags: p.Tags,
		})
		q.raised = append(q.raised, observe.Alarm{Name: *a.AlarmName(), ARN: *a.Arn()})
	}
	path := *q.Node().Path()
	raise("oldest-message-alarm", "ApproximateAgeOfOldestMessage", q.QueueName(),
		fmt.Sprintf("A message has waited %d s or more in %s: its consumers are behind or stopped", maxAge, path), maxAge)
	if q.dlq != nil {
		q.deadLetterAlarm = "dead-letters-alarm"
		raise(q.deadLetterAlarm, "ApproximateNumberOfMessagesVisible", q.dlq.QueueName(),
			fmt.Sprintf("Messages of %s that failed %d receives are waiting in its dead-letter queue", path, p.MaxReceiveCount), 1)
	}
}

// YieldDeadLetterAlarm tells the queue that a consumer now raises its own
// alarm on the queue's dead letters, notifying topic ("" for none); a
// consumer such as serverless.Handler.AddSQSSource calls it. The queue
// then removes its own alarm on the same metric: one alarm per condition.
// It keeps it when it notifies another topic (both recipients are told;
// two reads of one topic's ARN are the same topic),
// when Signals already handed it out (a dashboard may refer to it), or
// when it has none (a dead-letter queue, or alarms disabled).
func (q *Queue) YieldDeadLetterAlarm(topic string) {
	if q.deadLetterAlarm == "" || q.exposed || (q.alarmTopic != "" && !validation.SameValue(q, q.alarmTopic, topic)) {
		return
	}
	q.Node().TryRemoveChild(ptr.String(q.deadLetterAlarm))
	q.raised = q.raised[:1]
	q.deadLetterAlarm = ""
}

// Signals returns the queue's golden signals for a dashboard
// (observe.Source): latency (the age of the oldest message), traffic
// (messages sent and received), errors (messages waiting in its
// dead-letter queue, if it has one), saturation (messages waiting), and
// its alarms. A dead-letter queue inside another Source (a
// serverless.Handler's failure queue, a Queue's dead-letter queue, an
// ecs.ScheduledTask's queues) returns
// nothing: that Source shows it.
func (q *Queue) Signals() observe.Signals {
	q.exposed = true
	if _, inSource := q.Node().Scope().(observe.Source); q.deadLetter && inSource {
		return observe.Signals{}
	}
	sqs := func(queueName, metric, stat, label string) observe.Metric {
		return observe.Metric{Namespace: "AWS/SQS", Name: metric, Dimensions: map[string]string{"QueueName": queueName}, Stat: stat, Label: label}
	}
	name := q.QueueName()
	widgets := []observe.Widget{
		{Title: "Age of the oldest message (s)", Signal: observe.Latency, Metrics: []observe.Metric{sqs(name, "ApproximateAgeOfOldestMessage", "Maximum", "Oldest message")}},
		{Title: "Messages", Signal: observe.Traffic, Metrics: []observe.Metric{
			sqs(name, "NumberOfMessagesSent", "Sum", "Sent"), sqs(name, "NumberOfMessagesReceived", "Sum", "Received"),
		}},
	}
	if q.dlq != nil {
		widgets = append(widgets, observe.Widget{Title: "Dead letters", Signal: observe.Errors, Metrics: []observe.Metric{
			sqs(q.dlq.QueueName(), "ApproximateNumberOfMessagesVisible", "Maximum", "Waiting in the dead-letter queue"),
		}})
	}
	widgets = append(widgets, observe.Widget{Title: "Backlog", Signal: observe.Saturation, Metrics: []observe.Metric{
		sqs(name, "ApproximateNumberOfMessagesVisible", "Maximum", "Waiting"),
	}})
	return observe.Signals{Title: "SQS queue " + *q.Node().Path(), Widgets: widgets, Alarms: append([]observe.Alarm(nil), q.raised...)}
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

// MaxReceiveCount returns how many receives a message fails before it
// moves to the dead-letter queue.
func (q *Queue) MaxReceiveCount() int { return q.maxReceive }

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

func grantConsume(q Ref, g grant.Grantee) error {
	return g.AddToRolePolicy("consume", iamdoc.Allow("Consume",
		[]string{"sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"}, q.QueueARN()))
}

func grantSend(q Ref, g grant.Grantee) error {
	return g.AddToRolePolicy("send", iamdoc.Allow("Send", []string{"sqs:GetQueueAttributes", "sqs:SendMessage"}, q.QueueARN()))
}
