package database

import (
	"fmt"

	"github.com/hybridstack/hybridstack/constructs/internal/alarm"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

// The alarms NewPostgres raises, checked every 5 minutes.
const (
	// PostgresCPUAlarmPercent: the CPUUtilization average at or above this
	// for 15 minutes (three 5-minute periods) raises the CPU alarm. The
	// default class has steady CPU, so a busy instance sits at its limit
	// without burst credits to fall back on.
	PostgresCPUAlarmPercent = 80
	// PostgresFreeStorageAlarmPercent: FreeStorageSpace at or below this
	// share of AllocatedStorageGiB for 15 minutes raises the storage alarm
	// when storage autoscaling is off (a full disk stops every write).
	PostgresFreeStorageAlarmPercent = 10
	// PostgresAutoscaledFreeStorageAlarmPercent is the storage alarm's
	// share of AllocatedStorageGiB when storage autoscaling is on. RDS
	// itself adds storage when less than 10% is free, so the alarm waits
	// until half of that is left for 15 minutes: autoscaling did not help
	// (the ceiling MaxAllocatedStorageGiB is reached, or RDS waits out the
	// six hours it keeps between two storage changes). After storage has
	// grown, the same number of bytes is a smaller share of it.
	PostgresAutoscaledFreeStorageAlarmPercent = 5
)

const (
	postgresAlarmPeriodSeconds = 300
	postgresAlarmPeriods       = 3
	gib                        = 1 << 30
)

// checkAlarmTopic records an AlarmTopicARN that is not an SNS topic ARN.
func (s settings) checkAlarmTopic(r *validation.Report) {
	if s.AlarmTopicARN != "" && !validation.IsToken(s.AlarmTopicARN) && !validation.SNSTopicARN(s.AlarmTopicARN) {
		r.Addf("AlarmTopicARN", "%q is not an SNS topic ARN (arn:<partition>:sns:<region>:<account>:<topic>)", s.AlarmTopicARN)
	}
}

// freeStorageAlarmBytes is the FreeStorageSpace at or below which the
// storage alarm fires: PostgresFreeStorageAlarmPercent of the allocated
// storage, or PostgresAutoscaledFreeStorageAlarmPercent with storage
// autoscaling.
func (s settings) freeStorageAlarmBytes() int {
	percent := PostgresFreeStorageAlarmPercent
	if s.maxStorage > 0 {
		percent = PostgresAutoscaledFreeStorageAlarmPercent
	}
	return s.AllocatedStorageGiB * gib * percent / 100
}

// watch raises the instance's alarms and keeps what Signals returns.
func (p *Postgres) watch(s settings) {
	p.title = "RDS PostgreSQL " + s.identifier
	for _, l := range logExports {
		p.logGroups = append(p.logGroups, "/aws/rds/instance/"+s.identifier+"/"+l)
	}
	dims := p.dimensions()
	add := func(id, metric, statistic string, threshold int, below bool, description string) {
		a := alarm.New(p, id, alarm.Props{
			Name: s.identifier + "-" + id, Description: description,
			Namespace: "AWS/RDS", Metric: metric, Dimensions: dims, Statistic: statistic,
			PeriodSeconds: postgresAlarmPeriodSeconds, Periods: postgresAlarmPeriods,
			Threshold: threshold, Below: below, TopicARN: s.AlarmTopicARN, Tags: s.Tags,
		})
		p.alarms = append(p.alarms, observe.Alarm{Name: *a.AlarmName(), ARN: *a.Arn()})
	}
	add("cpu-alarm", "CPUUtilization", "Average", PostgresCPUAlarmPercent, false,
		fmt.Sprintf("RDS PostgreSQL %s has used %d%% or more of its CPU for 15 minutes: find the costly statements in Performance Insights, or move to a larger InstanceClass", s.identifier, PostgresCPUAlarmPercent))
	storage := fmt.Sprintf("RDS PostgreSQL %s has had %d bytes or less of free storage for 15 minutes; writes stop when it runs out: ", s.identifier, s.freeStorageAlarmBytes())
	if s.maxStorage > 0 {
		storage += fmt.Sprintf("storage autoscaling has not helped (ceiling %d GiB reached, or within six hours of the last change): raise MaxAllocatedStorageGiB or delete data", s.maxStorage)
	} else {
		storage += "raise AllocatedStorageGiB or delete data"
	}
	add("free-storage-alarm", "FreeStorageSpace", "Minimum", s.freeStorageAlarmBytes(), true, storage)
}

// dimensions selects the instance's metrics in AWS/RDS.
func (p *Postgres) dimensions() map[string]string {
	return map[string]string{"DBInstanceIdentifier": p.Identifier()}
}

// Signals returns the instance's golden signals from the AWS/RDS metrics
// of its DBInstanceIdentifier, every series at a 60-second period:
//   - latency: ReadLatency and WriteLatency (Average, seconds per disk
//     I/O operation);
//   - traffic: ReadIOPS and WriteIOPS (Average);
//   - saturation: CPUUtilization (Average), DatabaseConnections (Maximum),
//     and FreeStorageSpace and FreeableMemory (Minimum, bytes).
//
// RDS publishes no error metric for PostgreSQL: errors, slow statements
// and failed connections are in the postgresql log group, listed in
// LogGroups with the upgrade log.
//
// The alarms are the ones NewPostgres raised, notifying AlarmTopicARN:
// CPU at or above PostgresCPUAlarmPercent, and free storage at or below
// PostgresFreeStorageAlarmPercent (PostgresAutoscaledFreeStorageAlarmPercent
// with storage autoscaling) of AllocatedStorageGiB, each for 15 minutes.
func (p *Postgres) Signals() observe.Signals {
	dims := p.dimensions()
	metric := func(name, stat, label string) observe.Metric {
		return observe.Metric{Namespace: "AWS/RDS", Name: name, Dimensions: dims, Stat: stat, Label: label}
	}
	return observe.Signals{
		Title: p.title,
		Widgets: []observe.Widget{
			{Title: "Disk I/O latency (seconds)", Signal: observe.Latency, Metrics: []observe.Metric{
				metric("ReadLatency", "Average", "read"), metric("WriteLatency", "Average", "write"),
			}},
			{Title: "Disk I/O operations per second", Signal: observe.Traffic, Metrics: []observe.Metric{
				metric("ReadIOPS", "Average", "read"), metric("WriteIOPS", "Average", "write"),
			}},
			{Title: "CPU utilization (%)", Signal: observe.Saturation, Metrics: []observe.Metric{
				metric("CPUUtilization", "Average", "CPU"),
			}},
			{Title: "Database connections", Signal: observe.Saturation, Metrics: []observe.Metric{
				metric("DatabaseConnections", "Maximum", "connections"),
			}},
			{Title: "Free storage and memory (bytes)", Signal: observe.Saturation, Metrics: []observe.Metric{
				metric("FreeStorageSpace", "Minimum", "free storage"), metric("FreeableMemory", "Minimum", "freeable memory"),
			}},
		},
		Alarms:    append([]observe.Alarm(nil), p.alarms...),
		LogGroups: append([]string(nil), p.logGroups...),
	}
}

var _ observe.Source = (*Postgres)(nil)
