package ecs_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/ecs"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/signaltest"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

const alarmTopic = "arn:aws:sns:eu-west-1:123456789012:alarms"

// metrics lists a widget's series as "namespace name stat [dimension=value
// ...]" with the values resolved in doc.
func metrics(doc tftest.Doc, prefix string, i int, w observe.Widget) []string {
	var out []string
	for j, m := range w.Metrics {
		var dims []string
		for _, k := range ptr.SortedKeys(m.Dimensions) {
			dims = append(dims, k+"="+doc.Exposed(fmt.Sprintf("%s-%d-%d-%s", prefix, i, j, k)))
		}
		out = append(out, fmt.Sprintf("%s %s %s %v", m.Namespace, m.Name, m.Stat, dims))
	}
	return out
}

func TestServiceSignals(t *testing.T) {
	f := newFixture(t)
	td := f.task(t, "auth-task", nil)
	svc, err := ecs.NewService(f.stack, "auth", ecs.ServiceProps{Cluster: f.cluster, TaskDefinition: td, Port: 8080, CertificateARN: certARN, AlarmTopicARN: alarmTopic})
	if err != nil {
		t.Fatal(err)
	}
	var _ observe.Source = svc
	sig := svc.Signals()
	tftest.ExposeTokens(f.stack, signaltest.Expose("svc", sig))
	doc := tftest.Synth(t, f.stack)
	if sig.Title != "ECS service test-auth" {
		t.Errorf("title = %q", sig.Title)
	}
	lb := doc.Address(t, "aws_lb", "auth_load-balancer")
	tg := doc.Address(t, "aws_lb_target_group", "auth_target-group")
	elb := fmt.Sprintf("[LoadBalancer=${%s.arn_suffix} TargetGroup=${%s.arn_suffix}]", lb, tg)
	cluster := "ClusterName=${" + doc.Address(t, "aws_ecs_cluster", "jobs") + ".name}"
	service := "ServiceName=${" + doc.Address(t, "aws_ecs_service", "auth_service") + ".name}"
	ecsDims := "[" + cluster + " " + service + "]"
	want := map[observe.Signal][]string{
		observe.Latency: {"AWS/ApplicationELB TargetResponseTime p50 " + elb, "AWS/ApplicationELB TargetResponseTime p99 " + elb},
		observe.Traffic: {"AWS/ApplicationELB RequestCount Sum " + elb},
		observe.Errors:  {"AWS/ApplicationELB HTTPCode_Target_5XX_Count Sum " + elb, "AWS/ApplicationELB UnHealthyHostCount Maximum " + elb},
		observe.Saturation: {
			"AWS/ECS CPUUtilization Average " + ecsDims, "AWS/ECS CPUUtilization Maximum " + ecsDims,
			"AWS/ECS MemoryUtilization Average " + ecsDims, "AWS/ECS MemoryUtilization Maximum " + ecsDims,
		},
	}
	if len(sig.Widgets) != len(want) {
		t.Errorf("%d widgets, want %d", len(sig.Widgets), len(want))
	}
	for i, w := range sig.Widgets {
		if got := metrics(doc, "svc", i, w); strings.Join(got, "\n") != strings.Join(want[w.Signal], "\n") {
			t.Errorf("%s widget:\n%s\nwant\n%s", w.Signal, strings.Join(got, "\n"), strings.Join(want[w.Signal], "\n"))
		}
	}
	// The service's existing alarms are listed, under their ids, and the
	// CPU saturation alarm.
	listed := signaltest.Alarms(t, doc, "svc", sig)
	if len(listed) != 3 || !strings.Contains(listed[0], "auth_unhealthy-targets-alarm") || !strings.Contains(listed[1], "auth_server-errors-alarm") ||
		!strings.Contains(listed[2], "auth_cpu-saturated-alarm") {
		t.Fatalf("alarms = %v", listed)
	}
	for i, name := range listed {
		a := doc.Resources("aws_cloudwatch_metric_alarm")[name]
		if namespace := []string{"AWS/ApplicationELB", "AWS/ApplicationELB", "AWS/ECS"}[i]; a["namespace"] != namespace || tftest.Strings(a["alarm_actions"])[0] != alarmTopic {
			t.Errorf("%s = %v", name, a)
		}
	}
	cpu := doc.Resources("aws_cloudwatch_metric_alarm")[listed[2]]
	for k, want := range map[string]any{
		"alarm_name": "test-auth-cpu-saturated-alarm", "metric_name": "CPUUtilization", "statistic": "Average", "threshold": float64(90),
		"comparison_operator": "GreaterThanOrEqualToThreshold", "period": float64(300), "evaluation_periods": float64(3),
	} {
		if cpu[k] != want {
			t.Errorf("cpu alarm %s = %v, want %v", k, cpu[k], want)
		}
	}
	if dims := fmt.Sprint(cpu["dimensions"]); dims != fmt.Sprintf("map[%s:%s %s:%s]", "ClusterName", strings.TrimPrefix(cluster, "ClusterName="), "ServiceName", strings.TrimPrefix(service, "ServiceName=")) {
		t.Errorf("cpu alarm dimensions = %s", dims)
	}
	if got, want := doc.Exposed("svc-log-0"), "${"+doc.Address(t, "aws_cloudwatch_log_group", "auth-task")+".name}"; got != want {
		t.Errorf("log group %q, want %q", got, want)
	}
}

func TestServiceCPUAlarmStaysAboveTheScalingTarget(t *testing.T) {
	f := newFixture(t)
	td := f.task(t, "auth-task", nil)
	if _, err := ecs.NewService(f.stack, "auth", ecs.ServiceProps{Cluster: f.cluster, TaskDefinition: td, Port: 8080, CertificateARN: certARN, CPUTargetPercent: 88}); err != nil {
		t.Fatal(err)
	}
	a := tftest.Synth(t, f.stack).One(t, "aws_cloudwatch_metric_alarm", "cpu-saturated-alarm")
	if a["threshold"] != float64(93) || a["alarm_actions"] != nil {
		t.Errorf("cpu alarm with an 88%% target: threshold %v, actions %v; want 93 without actions", a["threshold"], a["alarm_actions"])
	}
}

func TestScheduledTaskSignals(t *testing.T) {
	f := newFixture(t)
	td := f.task(t, "etl-task", nil)
	st, err := ecs.NewScheduledTask(f.stack, "hourly", ecs.ScheduledTaskProps{Cluster: f.cluster, TaskDefinition: td, Schedule: "rate(1 hour)", AlarmTopicARN: alarmTopic})
	if err != nil {
		t.Fatal(err)
	}
	unwatched, err := ecs.NewScheduledTask(f.stack, "unwatched", ecs.ScheduledTaskProps{Cluster: f.cluster, TaskDefinition: td, Schedule: "rate(1 hour)", MissedRunWindowMinutes: -1})
	if err != nil {
		t.Fatal(err)
	}
	var _ observe.Source = st
	sig, other := st.Signals(), unwatched.Signals()
	tftest.ExposeTokens(f.stack, signaltest.Expose("st", sig))
	tftest.ExposeTokens(f.stack, signaltest.Expose("other", other))
	doc := tftest.Synth(t, f.stack)
	queue := func(part string) string { return "[QueueName=${" + doc.Address(t, "aws_sqs_queue", part) + ".name}]" }
	want := map[observe.Signal][]string{
		observe.Traffic: {"AWS/Events TriggeredRules Sum [RuleName=${" + doc.Address(t, "aws_cloudwatch_event_rule", "hourly_started-runs-rule") + ".name}]"},
		observe.Errors: {
			"AWS/SQS NumberOfMessagesSent Sum " + queue("hourly_failed-runs_queue"),
			"AWS/SQS NumberOfMessagesSent Sum " + queue("hourly_dead-letter-queue_"),
		},
	}
	if sig.Title != "ECS schedule test-hourly" || len(sig.Widgets) != 2 {
		t.Errorf("signals = %+v", sig)
	}
	for i, w := range sig.Widgets {
		if w.PeriodSeconds != 300 {
			t.Errorf("%s widget period %d, want 300 (SQS and EventBridge rules)", w.Signal, w.PeriodSeconds)
		}
		if got := metrics(doc, "st", i, w); strings.Join(got, "\n") != strings.Join(want[w.Signal], "\n") {
			t.Errorf("%s widget:\n%s\nwant\n%s", w.Signal, strings.Join(got, "\n"), strings.Join(want[w.Signal], "\n"))
		}
	}
	listed := signaltest.Alarms(t, doc, "st", sig)
	for i, id := range []string{"hourly_failed-runs-alarm", "hourly_dead-letters-alarm", "hourly_missed-runs-alarm"} {
		if len(listed) != 3 || !strings.Contains(listed[i], id) {
			t.Fatalf("alarms = %v, want failed runs, dead letters and missed runs", listed)
		}
	}
	if got, want := doc.Exposed("st-log-0"), "${"+doc.Address(t, "aws_cloudwatch_log_group", "etl-task")+".name}"; got != want {
		t.Errorf("log group %q, want %q", got, want)
	}
	// Without the missed-run alarm there is no rule counting runs.
	if len(other.Widgets) != 1 || other.Widgets[0].Signal != observe.Errors || len(other.Alarms) != 2 {
		t.Errorf("signals without the missed-run alarm = %+v", other)
	}
}
