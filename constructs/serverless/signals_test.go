package serverless_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/signaltest"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/observe"
	"github.com/hybridstack/hybridstack/constructs/queue"
	"github.com/hybridstack/hybridstack/constructs/serverless"
)

const topic = "arn:aws:sns:eu-west-1:123456789012:alarms"

func TestHandlerSignalsAndAlarms(t *testing.T) {
	stack := tftest.NewStack(t)
	p := props(t)
	p.FunctionName, p.TimeoutSeconds, p.ReservedConcurrency = "orders", 10, intp(5)
	p.Alarms.TopicARN = topic
	h, err := serverless.NewHandler(stack, "fn", p)
	if err != nil {
		t.Fatal(err)
	}
	if got := signaltest.Series(signaltest.Widget(t, h.Signals(), observe.Saturation)); got != "AWS/Lambda ConcurrentExecutions Maximum" {
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
		if got := signaltest.Series(signaltest.Widget(t, sig, signal)); got != want {
			t.Errorf("%s widget = %s, want %s", signal, got, want)
		}
	}
	if l := signaltest.Widget(t, sig, observe.Saturation).Metrics[0].Label; !strings.Contains(l, "of 5 reserved") {
		t.Errorf("concurrency label %q does not give the reserved concurrency", l)
	}
	tftest.ExposeTokens(stack, signaltest.Expose("fn", sig))
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
	listed := signaltest.Alarms(t, doc, "fn", sig)
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
			q, err := queue.NewQueue(stack, "jobs", queue.Props{Alarms: queue.AlarmProps{TopicARN: tc.queueTopic}})
			if err != nil {
				t.Fatal(err)
			}
			if tc.readFirst {
				tftest.ExposeTokens(stack, signaltest.Expose("q", q.Signals()))
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
