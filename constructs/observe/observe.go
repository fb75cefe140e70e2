// Package observe turns the construct graph into what an operator watches:
// every construct that carries traffic describes its golden signals
// (latency, traffic, errors, saturation) and the alarms it raised, and
// NewDashboard walks a stack for them to build one CloudWatch dashboard
// laid out in the order the stack was built, plus a composite alarm for the
// stack's health.
//
// A construct takes part by implementing Source. A user's own construct
// does the same: give it a Signals method.
package observe

import (
	"github.com/aws/constructs-go/constructs/v10"
)

// Signal is one of the four golden signals.
type Signal string

// The golden signals, in the order a dashboard shows them.
const (
	Latency    Signal = "latency"
	Traffic    Signal = "traffic"
	Errors     Signal = "errors"
	Saturation Signal = "saturation"
)

// Metric is one CloudWatch metric series.
type Metric struct {
	// Namespace is the CloudWatch namespace, such as AWS/Lambda.
	Namespace string
	// Name is the metric name, such as Duration.
	Name string
	// Dimensions select the series, such as FunctionName. Values may be
	// Terraform tokens.
	Dimensions map[string]string
	// Stat is the statistic: Sum, Average, Maximum, Minimum, SampleCount
	// or a percentile such as p99.
	Stat string
	// Label names the series in the legend.
	// Default: - the metric name
	Label string
	// Expression draws a metric math or SEARCH expression instead of one
	// metric, such as SUM(SEARCH('{ContainerInsights,ClusterName,Namespace,PodName}
	// MetricName="pod_number_of_container_restarts"', 'Sum', 300)); Namespace,
	// Name and Dimensions are then unused. Give it a Label.
	// Default: - none: the metric Namespace/Name/Dimensions
	Expression string
}

// Widget is one graph of a construct's panel: the metrics of one signal.
type Widget struct {
	// Title is the graph's title.
	Title string
	// Signal is the golden signal the graph shows.
	Signal Signal
	// Metrics are the series drawn.
	Metrics []Metric
	// PeriodSeconds is the period of every series.
	// Default: 60
	PeriodSeconds int
}

// Alarm is an alarm a construct raised.
type Alarm struct {
	// Name is the alarm's name (a token is fine).
	Name string
	// ARN is the alarm's ARN (a token that orders dependents after the
	// alarm).
	ARN string
}

// Signals is what one construct contributes: a titled row of graphs and
// the alarms that watch it.
type Signals struct {
	// Title heads the construct's row, such as "Lambda webhooks".
	Title string
	// Widgets are the construct's graphs, at most one per golden signal
	// is usual.
	Widgets []Widget
	// Alarms are the alarms the construct created.
	Alarms []Alarm
	// LogGroups are the names of the construct's log groups (linked from
	// the dashboard).
	LogGroups []string
}

// Source is a construct that carries traffic and says how to watch it.
type Source interface {
	constructs.IConstruct
	// Signals returns the construct's golden signals and alarms.
	Signals() Signals
}
