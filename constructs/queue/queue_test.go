package queue_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/signaltest"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/observe"
	"github.com/hybridstack/hybridstack/constructs/queue"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

const topic = "arn:aws:sns:eu-west-1:123456789012:alarms"

func TestQueueValidation(t *testing.T) {
	stack := tftest.NewStack(t)
	_, err := queue.NewQueue(stack, "q", queue.Props{VisibilityTimeoutSeconds: 50000, RetentionSeconds: 30, MaxReceiveCount: 2000, NamePrefix: "bad name"})
	for _, w := range []string{
		`queue "test/q": NamePrefix "bad name" must be 1-50 letters`,
		`VisibilityTimeoutSeconds 50000 is out of range; use 0 to 43200`,
		`RetentionSeconds 30 is out of range; use 60 to 1209600 (14 days)`,
		`MaxReceiveCount 2000 is out of range; use 1 to 1000`,
	} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v does not contain %q", err, w)
		}
	}
}

// Inputs the fuzzers found that used to panic with "There is already a
// Construct with name ...": each is now an error naming the field.
func TestQueueIDCollisionsAreErrorsNotPanics(t *testing.T) {
	stack := tftest.NewStack(t)
	for _, id := range []string{"", "a/b", "awsenv-region"} {
		if _, err := queue.NewQueue(stack, id, queue.Props{}); !errors.Is(err, validate.ErrInvalid) || !strings.Contains(err.Error(), " id ") {
			t.Errorf("queue id %q: %v", id, err)
		}
	}
	if _, err := queue.NewQueue(stack, "jobs", queue.Props{}); err != nil {
		t.Fatal(err)
	}
	if _, err := queue.NewQueue(stack, "jobs", queue.Props{}); err == nil || !strings.Contains(err.Error(), `id "jobs" is already used by another construct in "test"`) {
		t.Errorf("duplicate id: %v", err)
	}
}

func TestQueueSignalsAndAlarms(t *testing.T) {
	stack := tftest.NewStack(t)
	q, err := queue.NewQueue(stack, "jobs", queue.Props{Alarms: queue.AlarmProps{TopicARN: topic}})
	if err != nil {
		t.Fatal(err)
	}
	var _ observe.Source = q
	sig := q.Signals()
	if sig.Title != "SQS queue test/jobs" {
		t.Errorf("title = %q", sig.Title)
	}
	for signal, want := range map[observe.Signal]string{
		observe.Latency:    "AWS/SQS ApproximateAgeOfOldestMessage Maximum",
		observe.Traffic:    "AWS/SQS NumberOfMessagesSent Sum; AWS/SQS NumberOfMessagesReceived Sum",
		observe.Errors:     "AWS/SQS ApproximateNumberOfMessagesVisible Maximum",
		observe.Saturation: "AWS/SQS ApproximateNumberOfMessagesVisible Maximum",
	} {
		if got := signaltest.Series(signaltest.Widget(t, sig, signal)); got != want {
			t.Errorf("%s widget = %s, want %s", signal, got, want)
		}
	}
	// A dead-letter queue inside another Source is shown by it.
	if dlq := q.DeadLetterQueue().Signals(); len(dlq.Widgets) != 0 || len(dlq.Alarms) != 0 {
		t.Errorf("the dead-letter queue reports %+v", dlq)
	}
	tftest.ExposeTokens(stack, signaltest.Expose("q", sig))
	doc := tftest.Synth(t, stack)
	queue := "${" + doc.Address(t, "aws_sqs_queue", "jobs_queue") + ".name}"
	dlq := "${" + doc.Address(t, "aws_sqs_queue", "dead-letter_queue") + ".name}"
	for i, w := range sig.Widgets {
		want := queue
		if w.Signal == observe.Errors {
			want = dlq
		}
		for j := range w.Metrics {
			if got := doc.Exposed(fmt.Sprintf("q-%d-%d-QueueName", i, j)); got != want {
				t.Errorf("%s widget QueueName = %q, want %q", w.Signal, got, want)
			}
		}
	}
	listed := signaltest.Alarms(t, doc, "q", sig)
	if len(listed) != 2 || len(doc.Resources("aws_cloudwatch_metric_alarm")) != 2 {
		t.Fatalf("alarms listed %v", listed)
	}
	for _, tc := range []struct {
		id, name, metric, queue string
		threshold               float64
	}{
		// 5 receives x 180 s visibility timeout.
		{"oldest-message-alarm", "test-jobs-oldest-message-alarm", "ApproximateAgeOfOldestMessage", queue, 900},
		{"dead-letters-alarm", "test-jobs-dead-letters-alarm", "ApproximateNumberOfMessagesVisible", dlq, 1},
	} {
		a := doc.One(t, "aws_cloudwatch_metric_alarm", tc.id)
		for k, want := range map[string]any{
			"alarm_name": tc.name, "namespace": "AWS/SQS", "metric_name": tc.metric, "statistic": "Maximum",
			"threshold": tc.threshold, "comparison_operator": "GreaterThanOrEqualToThreshold", "period": float64(300), "evaluation_periods": float64(1),
		} {
			if a[k] != want {
				t.Errorf("%s %s = %v, want %v", tc.id, k, a[k], want)
			}
		}
		if dims := a["dimensions"].(map[string]any); len(dims) != 1 || dims["QueueName"] != tc.queue {
			t.Errorf("%s dimensions = %v, want QueueName %s", tc.id, dims, tc.queue)
		}
		if acts := tftest.Strings(a["alarm_actions"]); len(acts) != 1 || acts[0] != topic {
			t.Errorf("%s actions = %v", tc.id, acts)
		}
	}
}

func TestQueueOldestMessageThreshold(t *testing.T) {
	for _, tc := range []struct {
		name  string
		props queue.Props
		want  float64
	}{
		{"at least 5 minutes", queue.Props{VisibilityTimeoutSeconds: 30, MaxReceiveCount: 3}, 300},
		{"receives x visibility", queue.Props{VisibilityTimeoutSeconds: 600, MaxReceiveCount: 10}, 6000},
		{"at most half the retention", queue.Props{VisibilityTimeoutSeconds: 43200, MaxReceiveCount: 10, RetentionSeconds: 86400}, 43200},
		{"given", queue.Props{Alarms: queue.AlarmProps{MaxMessageAgeSeconds: 120}}, 120},
	} {
		stack := tftest.NewStack(t)
		if _, err := queue.NewQueue(stack, "q", tc.props); err != nil {
			t.Fatal(err)
		}
		if got := tftest.Synth(t, stack).One(t, "aws_cloudwatch_metric_alarm", "oldest-message-alarm")["threshold"]; got != tc.want {
			t.Errorf("%s: threshold %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestQueueAlarmValidation(t *testing.T) {
	for _, tc := range []struct {
		props queue.Props
		want  string
	}{
		{queue.Props{Alarms: queue.AlarmProps{MaxMessageAgeSeconds: 345600}},
			`queue "test/q": Alarms.MaxMessageAgeSeconds 345600 is out of range; use 1 to 345599`},
		{queue.Props{Alarms: queue.AlarmProps{MaxMessageAgeSeconds: -5}}, `Alarms.MaxMessageAgeSeconds -5 is out of range`},
		{queue.Props{IsDeadLetterQueue: true, Alarms: queue.AlarmProps{TopicARN: topic}},
			`Alarms is set on a dead-letter queue, which raises no alarms of its own`},
	} {
		_, err := queue.NewQueue(tftest.NewStack(t), "q", tc.props)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v does not contain %q", err, tc.want)
		}
	}
}

// TestYieldDeadLetterAlarm checks that a queue gives up its dead-letter
// alarm to a consumer notifying the same topic, and keeps it otherwise.
func TestYieldDeadLetterAlarm(t *testing.T) {
	const other = "arn:aws:sns:eu-west-1:123456789012:queue-owners"
	for _, tc := range []struct {
		name                      string
		queueTopic, consumerTopic string
		readFirst                 bool
		keeps                     bool
	}{
		{"no topics", "", "", false, false},
		{"same topic", topic, topic, false, false},
		{"consumer topic only", "", topic, false, false},
		{"other topics", other, topic, false, true},
		{"signals read before", "", topic, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stack := tftest.NewStack(t)
			q, err := queue.NewQueue(stack, "jobs", queue.Props{MaxReceiveCount: 3, Alarms: queue.AlarmProps{TopicARN: tc.queueTopic}})
			if err != nil {
				t.Fatal(err)
			}
			if q.MaxReceiveCount() != 3 {
				t.Errorf("MaxReceiveCount = %d, want 3", q.MaxReceiveCount())
			}
			if tc.readFirst {
				tftest.ExposeTokens(stack, signaltest.Expose("q", q.Signals()))
			}
			q.YieldDeadLetterAlarm(tc.consumerTopic)
			alarms := tftest.Synth(t, stack).Resources("aws_cloudwatch_metric_alarm")
			want := 1
			if tc.keeps {
				want = 2
			}
			if len(alarms) != want {
				t.Fatalf("%d alarms, want %d", len(alarms), want)
			}
			kept := false
			for name := range alarms {
				kept = kept || strings.Contains(name, "jobs_dead-letters-alarm")
			}
			if kept != tc.keeps {
				t.Errorf("queue kept its dead-letter alarm: %v, want %v", kept, tc.keeps)
			}
			if n := len(q.Signals().Alarms); n != want {
				t.Errorf("queue lists %d alarms, want %d", n, want)
			}
		})
	}
}
