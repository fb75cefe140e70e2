package serverless_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/observe"
	"github.com/hybridstack/hybridstack/constructs/serverless"
)

const topic = "arn:aws:sns:eu-west-1:123456789012:alarms"

// widget returns the widget of sig showing signal, failing without one.
func widget(t *testing.T, sig observe.Signals, signal observe.Signal) observe.Widget {
	t.Helper()
	for _, w := range sig.Widgets {
		if w.Signal == signal {
			return w
		}
	}
	t.Fatalf("%s: no %s widget in %+v", sig.Title, signal, sig.Widgets)
	return observe.Widget{}
}

// series lists a widget's metrics as "namespace name stat" lines.
func series(w observe.Widget) string {
	var out []string
	for _, m := range w.Metrics {
		out = append(out, m.Namespace+" "+m.Name+" "+m.Stat)
	}
	return strings.Join(out, "; ")
}

// exposeSignals exposes every dimension value, alarm and log group of sig
// under keys prefixed with prefix (see tftest.ExposeTokens).
func exposeSignals(prefix string, sig observe.Signals) map[string]string {
	out := map[string]string{}
	for i, w := range sig.Widgets {
		for j, m := range w.Metrics {
			for k, v := range m.Dimensions {
				out[fmt.Sprintf("%s-%d-%d-%s", prefix, i, j, k)] = v
			}
		}
	}
	for i, a := range sig.Alarms {
		out[fmt.Sprintf("%s-alarm-%d-name", prefix, i)] = a.Name
		out[fmt.Sprintf("%s-alarm-%d-arn", prefix, i)] = a.ARN
	}
	for i, g := range sig.LogGroups {
		out[fmt.Sprintf("%s-log-%d", prefix, i)] = g
	}
	return out
}

// alarmsOf returns the Terraform names of the alarms sig lists, checking
// that each name and ARN is a reference to the same alarm resource.
func alarmsOf(t *testing.T, doc tftest.Doc, prefix string, sig observe.Signals) []string {
	t.Helper()
	ref := regexp.MustCompile(`^\$\{aws_cloudwatch_metric_alarm\.([^.]+)\.(alarm_name|arn)\}$`)
	var out []string
	for i := range sig.Alarms {
		name := ref.FindStringSubmatch(doc.Exposed(fmt.Sprintf("%s-alarm-%d-name", prefix, i)))
		arn := ref.FindStringSubmatch(doc.Exposed(fmt.Sprintf("%s-alarm-%d-arn", prefix, i)))
		if name == nil || arn == nil || name[1] != arn[1] || name[2] != "alarm_name" || arn[2] != "arn" {
			t.Errorf("alarm %d of %s: name %v and ARN %v are not the alarm_name and arn of one alarm", i, sig.Title, name, arn)
			continue
		}
		if _, ok := doc.Resources("aws_cloudwatch_metric_alarm")[arn[1]]; !ok {
			t.Errorf("alarm %d of %s refers to %s, which is not in the stack", i, sig.Title, arn[1])
		}
		out = append(out, arn[1])
	}
	return out
}

func TestHandlerSignalsAndAlarms(t *testing.T) {
	stack := tftest.NewStack(t)
	p := props(t)
	p.FunctionName, p.TimeoutSeconds, p.ReservedConcurrency = "orders", 10, intp(5)
	p.Alarms.TopicARN = topic
	h, err := serverless.NewHandler(stack, "fn", p)
	if err != nil {
		t.Fatal(err)
	}
	if got := series(widget(t, h.Signals(), observe.Saturation)); got != "AWS/Lambda ConcurrentExecutions Maximum" {
		t.Errorf("saturation without a stream source = %s", got)
	}
	if err := h.AddStreamSource("clicks", "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks", serverless.StreamSourceProps{}); err != nil {
		t.Fatal(err)
	}
	var _ observe.Source = h
	sig := h.Signals()
	if sig.Title != "Lambda orders" {
		t.Errorf("title = %q", sig.Title)
	}
	for signal, want := range map[observe.Signal]string{
		observe.Latency:    "AWS/Lambda Duration p50; AWS/Lambda Duration p99; AWS/Lambda Duration Maximum",
		observe.Traffic:    "AWS/Lambda Invocations Sum",
		observe.Errors:     "AWS/Lambda Errors Sum; AWS/Lambda Throttles Sum; AWS/Lambda DestinationDeliveryFailures Sum; AWS/SQS ApproximateNumberOfMessagesVisible Maximum",
		observe.Saturation: "AWS/Lambda ConcurrentExecutions Maximum; AWS/Lambda IteratorAge Maximum",
	} {
		if got := series(widget(t, sig, signal)); got != want {
			t.Errorf("%s widget = %s, want %s", signal, got, want)
		}
	}
	if l := widget(t, sig, observe.Saturation).Metrics[0].Label; !strings.Contains(l, "of 5 reserved") {
		t.Errorf("concurrency label %q does not give the reserved concurrency", l)
	}
	tftest.ExposeTokens(stack, exposeSignals("fn", sig))
	doc := tftest.Synth(t, stack)

	fn := "${" + doc.Address(t, "aws_lambda_function", "function") + ".function_name}"
	for i, w := range sig.Widgets {
		for j, m := range w.Metrics {
			want := fn
			if m.Namespace == "AWS/SQS" {
				want = "${" + doc.Address(t, "aws_sqs_queue", "failure-queue") + ".name}"
			}
			key := "FunctionName"
			if m.Namespace == "AWS/SQS" {
				key = "QueueName"
			}
			if len(m.Dimensions) != 1 || doc.Exposed(fmt.Sprintf("fn-%d-%d-%s", i, j, key)) != want {
				t.Errorf("%s %s dimensions %v resolve to %q, want %s=%s", w.Signal, m.Name, m.Dimensions, doc.Exposed(fmt.Sprintf("fn-%d-%d-%s", i, j, key)), key, want)
			}
		}
	}
	if got, want := doc.Exposed("fn-log-0"), "${"+doc.Address(t, "aws_cloudwatch_log_group", "log-group")+".name}"; len(sig.LogGroups) != 1 || got != want {
		t.Errorf("log groups %v resolve to %q, want %q", sig.LogGroups, got, want)
	}

	// Every alarm of the handler, and only those, is in Signals, the
	// existing ones under their ids.
	listed := alarmsOf(t, doc, "fn", sig)
	if len(listed) != 4 || len(doc.Resources("aws_cloudwatch_metric_alarm")) != 4 {
		t.Fatalf("Signals lists alarms %v of %v", listed, len(doc.Resources("aws_cloudwatch_metric_alarm")))
	}
	for i, id := range []string{"errors-alarm", "throttles-alarm", "duration-alarm", "failed-events-alarm"} {
		if !strings.Contains(listed[i], "fn_"+id+"_") {
			t.Errorf("alarm %d = %s, want %s", i, listed[i], id)
		}
	}
	d := doc.One(t, "aws_cloudwatch_metric_alarm", "duration-alarm")
	for k, want := range map[string]any{
		"alarm_name": "orders-duration-alarm", "namespace": "AWS/Lambda", "metric_name": "Duration",
		"extended_statistic": "p99", "threshold": float64(8000), "comparison_operator": "GreaterThanOrEqualToThreshold",
		"period": float64(300), "evaluation_periods": float64(3), "datapoints_to_alarm": float64(2), "treat_missing_data": "notBreaching",
	} {
		if d[k] != want {
			t.Errorf("duration alarm %s = %v, want %v", k, d[k], want)
		}
	}
	if _, ok := d["statistic"]; ok {
		t.Errorf("duration alarm has statistic %v besides extended_statistic", d["statistic"])
	}
	if dims := d["dimensions"].(map[string]any); len(dims) != 1 || dims["FunctionName"] != fn {
		t.Errorf("duration alarm dimensions = %v", dims)
	}
	if a := tftest.Strings(d["alarm_actions"]); len(a) != 1 || a[0] != topic || len(tftest.Strings(d["ok_actions"])) != 1 {
		t.Errorf("duration alarm actions = %v / %v", d["alarm_actions"], d["ok_actions"])
	}
}

func TestHandlerDurationAlarmThreshold(t *testing.T) {
	for _, tc := range []struct {
		timeout, percent int
		want             float64
	}{{30, 0, 24000}, {900, 0, 720000}, {10, 50, 5000}, {1, 100, 1000}} {
		stack := tftest.NewStack(t)
		p := props(t)
		p.TimeoutSeconds, p.Alarms.DurationPercent = tc.timeout, tc.percent
		if _, err := serverless.NewHandler(stack, "fn", p); err != nil {
			t.Fatal(err)
		}
		d := tftest.Synth(t, stack).One(t, "aws_cloudwatch_metric_alarm", "duration-alarm")
		if d["threshold"] != tc.want || d["alarm_actions"] != nil {
			t.Errorf("timeout %d s at %d%%: threshold %v, actions %v; want %v without actions", tc.timeout, tc.percent, d["threshold"], d["alarm_actions"], tc.want)
		}
	}
	for _, bad := range []int{-1, 101} {
		p := props(t)
		p.Alarms.DurationPercent = bad
		_, err := serverless.NewHandler(tftest.NewStack(t), "fn", p)
		want := fmt.Sprintf(`serverless "test/fn": Alarms.DurationPercent %d is out of range; use 1 to 100`, bad)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("DurationPercent %d: error %v, want %q", bad, err, want)
		}
	}
}

func TestHandlerWithoutAlarmsListsNone(t *testing.T) {
	stack := tftest.NewStack(t)
	p := props(t)
	p.Alarms.Disable = true
	h, err := serverless.NewHandler(stack, "fn", p)
	if err != nil {
		t.Fatal(err)
	}
	if sig := h.Signals(); len(sig.Alarms) != 0 || len(sig.Widgets) != 4 {
		t.Errorf("signals without alarms = %+v", sig)
	}
	if n := len(tftest.Synth(t, stack).Resources("aws_cloudwatch_metric_alarm")); n != 0 {
		t.Errorf("%d alarms with Alarms.Disable", n)
	}
}

func TestQueueSignalsAndAlarms(t *testing.T) {
	stack := tftest.NewStack(t)
	q, err := serverless.NewQueue(stack, "jobs", serverless.QueueProps{Alarms: serverless.QueueAlarmProps{TopicARN: topic}})
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
		if got := series(widget(t, sig, signal)); got != want {
			t.Errorf("%s widget = %s, want %s", signal, got, want)
		}
	}
	// A dead-letter queue inside another Source is shown by it.
	if dlq := q.DeadLetterQueue().Signals(); len(dlq.Widgets) != 0 || len(dlq.Alarms) != 0 {
		t.Errorf("the dead-letter queue reports %+v", dlq)
	}
	tftest.ExposeTokens(stack, exposeSignals("q", sig))
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
	listed := alarmsOf(t, doc, "q", sig)
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
		props serverless.QueueProps
		want  float64
	}{
		{"at least 5 minutes", serverless.QueueProps{VisibilityTimeoutSeconds: 30, MaxReceiveCount: 3}, 300},
		{"receives x visibility", serverless.QueueProps{VisibilityTimeoutSeconds: 600, MaxReceiveCount: 10}, 6000},
		{"at most half the retention", serverless.QueueProps{VisibilityTimeoutSeconds: 43200, MaxReceiveCount: 10, RetentionSeconds: 86400}, 43200},
		{"given", serverless.QueueProps{Alarms: serverless.QueueAlarmProps{MaxMessageAgeSeconds: 120}}, 120},
	} {
		stack := tftest.NewStack(t)
		if _, err := serverless.NewQueue(stack, "q", tc.props); err != nil {
			t.Fatal(err)
		}
		if got := tftest.Synth(t, stack).One(t, "aws_cloudwatch_metric_alarm", "oldest-message-alarm")["threshold"]; got != tc.want {
			t.Errorf("%s: threshold %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestQueueAlarmValidation(t *testing.T) {
	for _, tc := range []struct {
		props serverless.QueueProps
		want  string
	}{
		{serverless.QueueProps{Alarms: serverless.QueueAlarmProps{MaxMessageAgeSeconds: 345600}},
			`serverless "test/q": Alarms.MaxMessageAgeSeconds 345600 is out of range; use 1 to 345599`},
		{serverless.QueueProps{Alarms: serverless.QueueAlarmProps{MaxMessageAgeSeconds: -5}}, `Alarms.MaxMessageAgeSeconds -5 is out of range`},
		{serverless.QueueProps{IsDeadLetterQueue: true, Alarms: serverless.QueueAlarmProps{TopicARN: topic}},
			`Alarms is set on a dead-letter queue, which raises no alarms of its own`},
	} {
		_, err := serverless.NewQueue(tftest.NewStack(t), "q", tc.props)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v does not contain %q", err, tc.want)
		}
	}
}

// TestDeadLetterQueuesAreAlarmedOnce checks who watches which dead-letter
// queue: a dead-letter queue raises nothing itself (the handler's
// failed-events alarm watches its failure queue), and a handler consuming
// a queue takes over the queue's dead-letter alarm unless that would
// change who is notified, or a dashboard already has it.
func TestDeadLetterQueuesAreAlarmedOnce(t *testing.T) {
	const other = "arn:aws:sns:eu-west-1:123456789012:queue-owners"
	for _, tc := range []struct {
		name                     string
		queueTopic, handlerTopic string
		handlerOff, readFirst    bool
		queueKeeps               bool
	}{
		{"no topics", "", "", false, false, false},
		{"handler topic only", "", topic, false, false, false},
		{"same topic", topic, topic, false, false, false},
		{"other topics", other, topic, false, false, true},
		{"handler without alarms", "", "", true, false, true},
		{"signals read before", "", topic, false, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stack := tftest.NewStack(t)
			q, err := serverless.NewQueue(stack, "jobs", serverless.QueueProps{Alarms: serverless.QueueAlarmProps{TopicARN: tc.queueTopic}})
			if err != nil {
				t.Fatal(err)
			}
			if tc.readFirst {
				tftest.ExposeTokens(stack, exposeSignals("q", q.Signals()))
			}
			p := props(t)
			p.Alarms = serverless.AlarmProps{TopicARN: tc.handlerTopic, Disable: tc.handlerOff}
			h, err := serverless.NewHandler(stack, "fn", p)
			if err != nil {
				t.Fatal(err)
			}
			if err := h.AddSQSSource("jobs", q, serverless.SQSSourceProps{}); err != nil {
				t.Fatal(err)
			}
			doc := tftest.Synth(t, stack)
			var watching []string
			dlq := "${" + doc.Address(t, "aws_sqs_queue", "dead-letter_queue") + ".name}"
			failures := "${" + doc.Address(t, "aws_sqs_queue", "failure-queue") + ".name}"
			for name, a := range doc.Resources("aws_cloudwatch_metric_alarm") {
				switch a["dimensions"].(map[string]any)["QueueName"] {
				case dlq:
					watching = append(watching, name)
				case failures:
					if !strings.Contains(name, "failed-events-alarm") {
						t.Errorf("%s also watches the failure queue", name)
					}
				}
			}
			want := 1
			if tc.queueKeeps && !tc.handlerOff {
				want = 2
			}
			if len(watching) != want {
				t.Errorf("alarms on the dead-letter queue: %v, want %d", watching, want)
			}
			kept := false
			for name := range doc.Resources("aws_cloudwatch_metric_alarm") {
				kept = kept || strings.Contains(name, "jobs_dead-letters-alarm")
			}
			if kept != tc.queueKeeps {
				t.Errorf("queue kept its dead-letter alarm: %v, want %v", kept, tc.queueKeeps)
			}
			if n := len(q.Signals().Alarms); (n == 2) != tc.queueKeeps {
				t.Errorf("queue lists %d alarms", n)
			}
		})
	}
}
