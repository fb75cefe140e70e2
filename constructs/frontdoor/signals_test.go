package frontdoor_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/frontdoor"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

const alarmTopic = "arn:aws:sns:eu-west-1:123456789012:alarms"

func TestFrontDoorSignalsAndAlarms(t *testing.T) {
	stack := tftest.NewStack(t)
	fd, err := frontdoor.NewFrontDoor(stack, "shop", frontdoor.FrontDoorProps{Name: "shop", DefaultAuthorizer: jwt(), AlarmTopicARN: alarmTopic})
	if err != nil {
		t.Fatal(err)
	}
	quiet, err := frontdoor.NewFrontDoor(stack, "internal", frontdoor.FrontDoorProps{Name: "internal", DefaultAuthorizer: jwt(), LatencyAlarmMS: 800})
	if err != nil {
		t.Fatal(err)
	}
	var _ observe.Source = fd
	sig := fd.Signals()
	if sig.Title != "HTTP API shop" {
		t.Errorf("title = %q", sig.Title)
	}
	exposed := map[string]string{"log": sig.LogGroups[0]}
	var got []string
	for i, w := range sig.Widgets {
		for j, m := range w.Metrics {
			got = append(got, fmt.Sprintf("%s %s %s %s", w.Signal, m.Namespace, m.Name, m.Stat))
			if len(m.Dimensions) != 1 {
				t.Errorf("%s dimensions = %v, want ApiId", m.Name, m.Dimensions)
			}
			exposed[fmt.Sprintf("%d-%d", i, j)] = m.Dimensions["ApiId"]
		}
	}
	want := []string{
		"latency AWS/ApiGateway Latency p50", "latency AWS/ApiGateway Latency p99", "latency AWS/ApiGateway IntegrationLatency p99",
		"traffic AWS/ApiGateway Count SampleCount",
		"errors AWS/ApiGateway 4xx Sum", "errors AWS/ApiGateway 5xx Sum",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("series:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i, a := range sig.Alarms {
		exposed[fmt.Sprintf("alarm-%d", i)] = a.ARN
	}
	tftest.ExposeTokens(stack, exposed)
	doc := tftest.Synth(t, stack)
	api := "${" + doc.Address(t, "aws_apigatewayv2_api", "shop_api") + ".id}"
	for i, w := range sig.Widgets {
		for j := range w.Metrics {
			if v := doc.Exposed(fmt.Sprintf("%d-%d", i, j)); v != api {
				t.Errorf("%s metric %d: ApiId = %q, want %q", w.Signal, j, v, api)
			}
		}
	}
	if v, want := doc.Exposed("log"), "${"+doc.Address(t, "aws_cloudwatch_log_group", "shop_access-logs")+".name}"; v != want {
		t.Errorf("log group %q, want %q", v, want)
	}
	if len(sig.Alarms) != 2 {
		t.Fatalf("alarms = %v", sig.Alarms)
	}
	for i, tc := range []struct {
		id     string
		fields map[string]any
	}{
		{"shop_server-errors-alarm", map[string]any{
			"alarm_name": "shop-server-errors-alarm", "metric_name": "5xx", "statistic": "Sum", "threshold": float64(5),
			"period": float64(60), "evaluation_periods": float64(5), "datapoints_to_alarm": float64(3),
		}},
		{"shop_latency-alarm", map[string]any{
			"alarm_name": "shop-latency-alarm", "metric_name": "Latency", "extended_statistic": "p99", "threshold": float64(5000),
			"period": float64(300), "evaluation_periods": float64(3),
		}},
	} {
		a := doc.One(t, "aws_cloudwatch_metric_alarm", tc.id)
		if arn := doc.Exposed(fmt.Sprintf("alarm-%d", i)); arn != "${"+doc.Address(t, "aws_cloudwatch_metric_alarm", tc.id)+".arn}" {
			t.Errorf("Signals alarm %d is %s, want %s", i, arn, tc.id)
		}
		tc.fields["namespace"] = "AWS/ApiGateway"
		tc.fields["comparison_operator"] = "GreaterThanOrEqualToThreshold"
		tc.fields["treat_missing_data"] = "notBreaching"
		for k, want := range tc.fields {
			if a[k] != want {
				t.Errorf("%s %s = %v, want %v", tc.id, k, a[k], want)
			}
		}
		if dims := a["dimensions"].(map[string]any); len(dims) != 1 || dims["ApiId"] != api {
			t.Errorf("%s dimensions = %v, want ApiId %s", tc.id, dims, api)
		}
		if acts := tftest.Strings(a["alarm_actions"]); len(acts) != 1 || acts[0] != alarmTopic || len(tftest.Strings(a["ok_actions"])) != 1 {
			t.Errorf("%s actions = %v / %v", tc.id, a["alarm_actions"], a["ok_actions"])
		}
	}
	latency := doc.One(t, "aws_cloudwatch_metric_alarm", "internal_latency-alarm")
	if latency["threshold"] != float64(800) || latency["alarm_actions"] != nil || len(quiet.Signals().Alarms) != 2 {
		t.Errorf("internal latency alarm = %v", latency)
	}
}

func TestFrontDoorLatencyAlarmValidation(t *testing.T) {
	for _, ms := range []int{-1, 49, 30001} {
		_, err := frontdoor.NewFrontDoor(tftest.NewStack(t), "api", frontdoor.FrontDoorProps{DefaultAuthorizer: jwt(), LatencyAlarmMS: ms})
		want := fmt.Sprintf(`frontdoor "test/api": LatencyAlarmMS %d is out of range; use 50 to 30000`, ms)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not contain %q", err, want)
		}
	}
}
