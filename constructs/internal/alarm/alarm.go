// Package alarm creates the CloudWatch metric alarms constructs raise: a
// threshold on one metric, notifying an SNS topic when it fires and when it
// recovers, quiet while the metric has no data.
package alarm

import (
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchmetricalarm"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
)

// Props describe one alarm.
type Props struct {
	Name, Description string
	Namespace, Metric string
	Dimensions        map[string]string
	// Statistic is Sum, Average, Maximum, Minimum, SampleCount or a
	// percentile such as p99 (written as extended_statistic).
	Statistic              string
	PeriodSeconds, Periods int
	Threshold              int
	DatapointsToAlarm      int    // 0 for all Periods
	TopicARN               string // "" for no notification
	// Below makes the alarm fire when the statistic is at or below
	// Threshold (free storage, healthy hosts) instead of at or above.
	Below bool
	Tags  map[string]string
}

// New creates the alarm under scope with id: it fires when the statistic
// is at or above Threshold in DatapointsToAlarm of the last Periods periods
// (all of them when DatapointsToAlarm is 0); at or below with Below.
func New(scope constructs.Construct, id string, p Props) cloudwatchmetricalarm.CloudwatchMetricAlarm {
	var actions *[]*string
	if p.TopicARN != "" {
		actions = ptr.Strings([]string{p.TopicARN})
	}
	comparison := "GreaterThanOrEqualToThreshold"
	if p.Below {
		comparison = "LessThanOrEqualToThreshold"
	}
	stat, extended := ptr.String(p.Statistic), (*string)(nil)
	if strings.HasPrefix(p.Statistic, "p") {
		stat, extended = nil, ptr.String(p.Statistic)
	}
	return cloudwatchmetricalarm.NewCloudwatchMetricAlarm(scope, ptr.String(id), &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
		AlarmName:          ptr.String(p.Name),
		AlarmDescription:   ptr.String(p.Description),
		Namespace:          ptr.String(p.Namespace),
		MetricName:         ptr.String(p.Metric),
		Dimensions:         ptr.Map(p.Dimensions),
		Statistic:          stat,
		ExtendedStatistic:  extended,
		Period:             ptr.Number(p.PeriodSeconds),
		EvaluationPeriods:  ptr.Number(p.Periods),
		DatapointsToAlarm:  optionalNumber(p.DatapointsToAlarm),
		Threshold:          ptr.Number(p.Threshold),
		ComparisonOperator: ptr.String(comparison),
		TreatMissingData:   ptr.String("notBreaching"),
		AlarmActions:       actions,
		OkActions:          actions,
		Tags:               ptr.Map(p.Tags),
	})
}

func optionalNumber(n int) *float64 {
	if n == 0 {
		return nil
	}
	return ptr.Number(n)
}
