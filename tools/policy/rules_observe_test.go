package policy

import (
	"strings"
	"testing"
)

// alarmOn is a metric alarm with the given dimensions.
func alarmOn(dims map[string]any) map[string]any {
	return map[string]any{"namespace": "AWS/X", "metric_name": "Errors", "statistic": "Sum", "dimensions": dims}
}

// queryAlarmOn is a metric-math alarm whose one metric has the given
// dimensions, with metric_query written as cdktf writes it (a list).
func queryAlarmOn(dims map[string]any) map[string]any {
	return map[string]any{"metric_query": []any{
		map[string]any{"id": "e", "expression": "m / 60", "return_data": true},
		map[string]any{"id": "m", "metric": map[string]any{"namespace": "AWS/X", "metric_name": "Count", "stat": "Sum", "period": 60, "dimensions": dims}},
	}}
}

func TestAlarmCoverage(t *testing.T) {
	traffic := R{
		"aws_lambda_function.f":          {"function_name": "orders"},
		"aws_sqs_queue.q":                {"name": "orders-queue"},
		"aws_apigatewayv2_api.a":         {"name": "front", "protocol_type": "HTTP"},
		"aws_lb.nlb":                     {"name_prefix": "int-"},
		"aws_ecs_service.s":              {"name": "auth"},
		"aws_vpclattice_service.orders":  {"name": "orders"},
		"aws_db_instance.db":             {"identifier": "orders-db"},
		"aws_msk_cluster.k":              {"cluster_name": "events"},
		"aws_efs_file_system.fs":         {"encrypted": true},
		"aws_cloudwatch_log_group.other": {"name": "x"}, // not traffic
	}
	all := []string{"aws_apigatewayv2_api.a", "aws_db_instance.db", "aws_ecs_service.s", "aws_efs_file_system.fs", "aws_lambda_function.f",
		"aws_lb.nlb", "aws_msk_cluster.k", "aws_sqs_queue.q", "aws_vpclattice_service.orders"}
	watchEach := R{
		"aws_cloudwatch_metric_alarm.fn":      alarmOn(map[string]any{"FunctionName": "${aws_lambda_function.f.function_name}"}),
		"aws_cloudwatch_metric_alarm.queue":   alarmOn(map[string]any{"QueueName": "${aws_sqs_queue.q.name}"}),
		"aws_cloudwatch_metric_alarm.api":     alarmOn(map[string]any{"ApiId": "${aws_apigatewayv2_api.a.id}", "Stage": "$default"}),
		"aws_cloudwatch_metric_alarm.lb":      alarmOn(map[string]any{"LoadBalancer": "${aws_lb.nlb.arn_suffix}"}),
		"aws_cloudwatch_metric_alarm.svc":     alarmOn(map[string]any{"ClusterName": "${aws_ecs_cluster.c.name}", "ServiceName": "${aws_ecs_service.s.name}"}),
		"aws_cloudwatch_metric_alarm.lattice": queryAlarmOn(map[string]any{"Service": "${aws_vpclattice_service.orders.arn}"}),
		// A literal identifier, as a construct that knows the name at
		// synth time writes it.
		"aws_cloudwatch_metric_alarm.db":    alarmOn(map[string]any{"DBInstanceIdentifier": "orders-db"}),
		"aws_cloudwatch_metric_alarm.kafka": alarmOn(map[string]any{"Cluster Name": "events"}),
		"aws_cloudwatch_metric_alarm.efs":   queryAlarmOn(map[string]any{"FileSystemId": "${aws_efs_file_system.fs.id}"}),
	}
	cases := []struct {
		name string
		rs   R
		want []string
	}{
		{"no alarms", traffic, all},
		{"an alarm on each", merge(traffic, watchEach), nil},
		{"an alarm on something else", merge(traffic, without(watchEach, "aws_cloudwatch_metric_alarm.fn"),
			R{"aws_cloudwatch_metric_alarm.other-fn": alarmOn(map[string]any{"FunctionName": "${aws_lambda_function.g.function_name}"})}), []string{"aws_lambda_function.f"}},
		{"a literal that is not the name", merge(traffic, without(watchEach, "aws_cloudwatch_metric_alarm.db"),
			R{"aws_cloudwatch_metric_alarm.db2": alarmOn(map[string]any{"DBInstanceIdentifier": "prices-db"})}), []string{"aws_db_instance.db"}},
		{"a reference outside the dimensions", merge(traffic, without(watchEach, "aws_cloudwatch_metric_alarm.queue"),
			R{"aws_cloudwatch_metric_alarm.q2": {"alarm_description": "watches ${aws_sqs_queue.q.name}", "namespace": "AWS/SQS"}}), []string{"aws_sqs_queue.q"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Check("s", doc(t, c.rs))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, x := range f {
				if x.RuleID == "OBS-001" {
					got = append(got, x.Address)
					if x.Severity != Warning || x.Suppressed {
						t.Errorf("finding %v: want an unsuppressed warning", x)
					}
				}
			}
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("OBS-001 findings on %v, want %v", got, c.want)
			}
			if Err(f) != nil && c.want != nil && strings.Contains(Err(f).Error(), "OBS-001") {
				t.Errorf("OBS-001 fails the stack: %v", Err(f))
			}
		})
	}
}

// A bare log group is reported for both retention (LOG-001) and
// encryption (LOG-002); one with both passes.
func TestLogGroupRetentionAndEncryption(t *testing.T) {
	f, err := Check("s", doc(t, R{"aws_cloudwatch_log_group.bare": {"name": "/x"},
		"aws_cloudwatch_log_group.good": {"name": "/y", "retention_in_days": 90, "kms_key_id": "${aws_kms_key.logs-key.arn}"}}))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range Failing(f) {
		got = append(got, x.RuleID+" "+x.Address+" "+x.Path)
	}
	want := "LOG-001 aws_cloudwatch_log_group.bare retention_in_days|LOG-002 aws_cloudwatch_log_group.bare kms_key_id"
	if strings.Join(got, "|") != want {
		t.Errorf("failing findings = %q, want %q", got, want)
	}
}
