package observe_test

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchmetricalarm"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

// Queue is a user's own construct that takes part in the stack's
// dashboard: it implements observe.Source with a Signals method.
type Queue struct {
	constructs.Construct
	name  string
	alarm cloudwatchmetricalarm.CloudwatchMetricAlarm
}

// NewQueue stands for a construct that creates a queue and an alarm on
// its backlog.
func NewQueue(scope constructs.Construct, id, name string) *Queue {
	q := &Queue{name: name}
	constructs.NewConstruct_Override(q, scope, &id)
	q.alarm = cloudwatchmetricalarm.NewCloudwatchMetricAlarm(q, jsii.String("backlog"), &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
		AlarmName: jsii.String(name + "-backlog"), Namespace: jsii.String("AWS/SQS"), MetricName: jsii.String("ApproximateAgeOfOldestMessage"),
		Dimensions: &map[string]*string{"QueueName": jsii.String(name)}, Statistic: jsii.String("Maximum"),
		Period: jsii.Number(60), EvaluationPeriods: jsii.Number(5), Threshold: jsii.Number(300), ComparisonOperator: jsii.String("GreaterThanThreshold"),
	})
	return q
}

// Signals says how to watch the queue.
func (q *Queue) Signals() observe.Signals {
	metric := func(name, stat string) []observe.Metric {
		return []observe.Metric{{Namespace: "AWS/SQS", Name: name, Dimensions: map[string]string{"QueueName": q.name}, Stat: stat}}
	}
	return observe.Signals{
		Title: "Queue " + q.name,
		Widgets: []observe.Widget{
			{Title: "Messages sent", Signal: observe.Traffic, Metrics: metric("NumberOfMessagesSent", "Sum")},
			{Title: "Age of oldest message", Signal: observe.Latency, Metrics: metric("ApproximateAgeOfOldestMessage", "Maximum")},
			{Title: "Backlog", Signal: observe.Saturation, Metrics: metric("ApproximateNumberOfMessagesVisible", "Maximum")},
		},
		// Give the alarm's name as a literal: the health alarm sizes its
		// rule with it.
		Alarms: []observe.Alarm{{Name: q.name + "-backlog", ARN: *q.alarm.Arn()}},
	}
}

// A dashboard of every construct of a stack that implements
// observe.Source, built last, and the stack's health alarm.
func ExampleNewDashboard() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("orders"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	NewQueue(stack, "incoming", "orders-incoming")
	NewQueue(stack, "retries", "orders-retries")

	d, err := observe.NewDashboard(stack, "dashboard", observe.DashboardProps{
		Name:          "orders",
		AlarmTopicARN: "arn:aws:sns:eu-west-1:123456789012:orders-alerts",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(d.Layout().Text())
	for _, line := range tftest.Collect(stack, "aws_cloudwatch_composite_alarm", func(a map[string]any) string {
		return fmt.Sprintf("%s: %s", a["alarm_name"], a["alarm_rule"])
	}) {
		fmt.Println(line)
	}

	_, err = observe.NewDashboard(stack, "tenant", observe.DashboardProps{Name: "orders/tenant"})
	fmt.Println(err)
	// Output:
	// +-----------------------------------------------------------------------+
	// | orders                                                                |
	// +-----------------------------------------------------------------------+
	// | Queue orders-incoming                                                 |
	// +-----------------+-----------------+-----------------+-----------------+
	// | Age of oldest…  | Messages sent   | Backlog         |
	// |                 |                 |                 |
	// |                 |                 |                 |
	// |                 |                 |                 |
	// |                 |                 |                 |
	// +-----------------+-----------------+-----------------+-----------------+
	// | Queue orders-retries                                                  |
	// +-----------------+-----------------+-----------------+-----------------+
	// | Age of oldest…  | Messages sent   | Backlog         |
	// |                 |                 |                 |
	// |                 |                 |                 |
	// |                 |                 |                 |
	// |                 |                 |                 |
	// +-----------------+-----------------+-----------------+-----------------+
	// | Alarms                                                                |
	// |                                                                       |
	// +-----------------------------------------------------------------------+
	// orders-health: ALARM("${aws_cloudwatch_metric_alarm.incoming_backlog_2DA10571.arn}") OR ALARM("${aws_cloudwatch_metric_alarm.retries_backlog_E09C0E94.arn}")
	// observe "orders/tenant": Name "orders/tenant" is not a dashboard name: CloudWatch allows letters A-Z and a-z, digits, '-' and '_'
}
