package database_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/database"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

const alarmTopic = "arn:aws:sns:eu-west-1:123456789012:alarms"

// resolve returns what a token renders to in stack's JSON.
func resolve(stack cdktf.TerraformStack, token string) string {
	s, _ := cdktf.Tokenization_Resolve(token, &cdktf.ResolveOptions{
		Scope: stack, Resolver: cdktf.NewDefaultTokenResolver(cdktf.NewStringConcat()),
	}).(string)
	return s
}

// metricKey names a series "Name/Stat".
func metricKey(m observe.Metric) string { return m.Name + "/" + m.Stat }

func TestPostgresSignals(t *testing.T) {
	stack, vpc := newVPC(t, 2)
	db, err := database.NewPostgres(stack, "orders", database.PostgresProps{VPC: vpc, AlarmTopicARN: alarmTopic})
	if err != nil {
		t.Fatal(err)
	}
	var src observe.Source = db
	sig := src.Signals()
	doc := tftest.Synth(t, stack)
	identifier := ref(doc, t, "aws_db_instance", "orders", "identifier")

	if sig.Title != "RDS PostgreSQL test-orders" {
		t.Errorf("Title = %q", sig.Title)
	}
	if want := []string{"/aws/rds/instance/test-orders/postgresql", "/aws/rds/instance/test-orders/upgrade"}; !reflect.DeepEqual(sig.LogGroups, want) {
		t.Errorf("LogGroups = %v, want %v", sig.LogGroups, want)
	}
	got := map[observe.Signal][]string{}
	for _, w := range sig.Widgets {
		for _, m := range w.Metrics {
			if m.Namespace != "AWS/RDS" || len(m.Dimensions) != 1 {
				t.Errorf("%s: namespace %q, dimensions %v", m.Name, m.Namespace, m.Dimensions)
			}
			if got := resolve(stack, m.Dimensions["DBInstanceIdentifier"]); got != identifier {
				t.Errorf("%s: DBInstanceIdentifier resolves to %q, want %q", m.Name, got, identifier)
			}
			got[w.Signal] = append(got[w.Signal], metricKey(m))
		}
	}
	want := map[observe.Signal][]string{
		observe.Latency:    {"ReadLatency/Average", "WriteLatency/Average"},
		observe.Traffic:    {"ReadIOPS/Average", "WriteIOPS/Average"},
		observe.Saturation: {"CPUUtilization/Average", "DatabaseConnections/Maximum", "FreeStorageSpace/Minimum", "FreeableMemory/Minimum"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("signals = %v, want %v", got, want)
	}

	alarms := doc.Resources("aws_cloudwatch_metric_alarm")
	if len(alarms) != 2 || len(sig.Alarms) != 2 {
		t.Fatalf("alarms in JSON %v, in Signals %v; want 2 each", ptr.SortedKeys(alarms), sig.Alarms)
	}
	for _, a := range sig.Alarms {
		if !strings.HasPrefix(resolve(stack, a.ARN), "${aws_cloudwatch_metric_alarm.orders_") {
			t.Errorf("alarm ARN %q does not reference an alarm of the instance", a.ARN)
		}
	}
	for _, c := range []struct {
		part, name, metric, statistic, comparison string
		threshold                                 float64
	}{
		{"cpu-alarm", "test-orders-cpu-alarm", "CPUUtilization", "Average", "GreaterThanOrEqualToThreshold", database.PostgresCPUAlarmPercent},
		// Autoscaling is on by default: 5% of the 20 GiB allocated.
		{"free-storage-alarm", "test-orders-free-storage-alarm", "FreeStorageSpace", "Minimum", "LessThanOrEqualToThreshold", 20 * (1 << 30) * 5 / 100},
	} {
		a := doc.One(t, "aws_cloudwatch_metric_alarm", c.part)
		checkAttrs(t, c.part, a, map[string]any{
			"alarm_name": c.name, "namespace": "AWS/RDS", "metric_name": c.metric, "statistic": c.statistic,
			"dimensions":          map[string]any{"DBInstanceIdentifier": identifier},
			"comparison_operator": c.comparison, "threshold": c.threshold,
			"period": float64(300), "evaluation_periods": float64(3), "treat_missing_data": "notBreaching",
			"alarm_actions": []any{alarmTopic}, "ok_actions": []any{alarmTopic},
		})
	}
}

func TestPostgresStorageAlarmWithoutAutoscaling(t *testing.T) {
	stack, vpc := newVPC(t, 2)
	if _, err := database.NewPostgres(stack, "orders", database.PostgresProps{VPC: vpc, AllocatedStorageGiB: 200, DisableStorageAutoscaling: true}); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	a := doc.One(t, "aws_cloudwatch_metric_alarm", "free-storage-alarm")
	// 10% of 200 GiB, without a topic.
	if a["threshold"] != float64(200*(1<<30)/10) || a["alarm_actions"] != nil {
		t.Errorf("free storage alarm: threshold %v, actions %v", a["threshold"], a["alarm_actions"])
	}
	if d, _ := a["alarm_description"].(string); !strings.Contains(d, "raise AllocatedStorageGiB") {
		t.Errorf("description = %q", d)
	}
}

func TestPostgresAlarmTopicValidation(t *testing.T) {
	stack, vpc := newVPC(t, 2)
	_, err := database.NewPostgres(stack, "db", database.PostgresProps{VPC: vpc, AlarmTopicARN: "alarms"})
	if err == nil || !strings.Contains(err.Error(), `database "test/db": AlarmTopicARN "alarms" is not an SNS topic ARN (arn:<partition>:sns:<region>:<account>:<topic>)`) {
		t.Errorf("err = %v", err)
	}
}
