package storage

import (
	"fmt"

	"github.com/hybridstack/hybridstack/constructs/internal/alarm"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

// The alarms NewFileSystem raises on the AWS/EFS metrics of the file
// system, each checked over 5-minute periods.
const (
	// FileSystemIOLimitAlarmPercent: PercentIOLimit averaging this or
	// more for 15 minutes raises the I/O limit alarm. The file system runs
	// in the General Purpose performance mode, whose operations per second
	// are limited; at the limit, clients wait.
	FileSystemIOLimitAlarmPercent = 95
	// FileSystemBurstCreditAlarmBytes: with ThroughputBursting, a
	// BurstCreditBalance at or below this (minimum over 5 minutes) raises
	// the burst credit alarm. It is an hour of bursting at 100 MiB/s, the
	// burst rate of a file system under 1 TiB; without credits the file
	// system falls back to its baseline of 50 KiB/s per GiB stored.
	FileSystemBurstCreditAlarmBytes = 100 * (1 << 20) * 3600
)

// checkFileSystemAlarmTopic records an AlarmTopicARN that is not an SNS
// topic ARN.
func checkFileSystemAlarmTopic(r *validation.Report, arn string) {
	if arn != "" && !validation.IsToken(arn) && !validation.SNSTopicARN(arn) {
		r.Addf("AlarmTopicARN", "%q is not an SNS topic ARN (arn:<partition>:sns:<region>:<account>:<topic>)", arn)
	}
}

// watch raises the file system's alarms: the I/O limit, and burst credits
// with ThroughputBursting. Alarm names start with the creation token,
// which is unique in the account and Region.
func (f *FileSystem) watch(props FileSystemProps, throughput, token string) {
	f.bursting = throughput == ThroughputBursting
	add := func(id, metric, statistic string, periods, threshold int, below bool, description string) {
		a := alarm.New(f, id, alarm.Props{
			Name: token + "-" + id, Description: description,
			Namespace: "AWS/EFS", Metric: metric, Dimensions: f.dimensions(), Statistic: statistic,
			PeriodSeconds: 300, Periods: periods, Threshold: threshold, Below: below, TopicARN: props.AlarmTopicARN, Tags: props.Tags,
		})
		f.alarms = append(f.alarms, observe.Alarm{Name: *a.AlarmName(), ARN: *a.Arn()})
	}
	add("io-limit-alarm", "PercentIOLimit", "Average", 3, FileSystemIOLimitAlarmPercent, false,
		fmt.Sprintf("EFS file system %s has used %d%% or more of the General Purpose mode's I/O limit for 15 minutes: clients wait for their operations", token, FileSystemIOLimitAlarmPercent))
	if f.bursting {
		add("burst-credits-alarm", "BurstCreditBalance", "Minimum", 1, FileSystemBurstCreditAlarmBytes, true,
			"EFS file system "+token+" has less than an hour of burst credits at 100 MiB/s left: throughput falls to the baseline when they run out; switch ThroughputMode to elastic")
	}
}

// dimensions selects the file system's AWS/EFS series.
func (f *FileSystem) dimensions() map[string]string {
	return map[string]string{"FileSystemId": f.id}
}

// Signals returns the file system's golden signals from its AWS/EFS
// metrics (dimension FileSystemId), every series at a 60-second period
// unless said otherwise:
//   - traffic: DataReadIOBytes, DataWriteIOBytes and MetadataIOBytes
//     (Sum, bytes per minute), and ClientConnections (Sum);
//   - saturation: PercentIOLimit (Maximum, % of the General Purpose
//     mode's I/O limit), BurstCreditBalance (Minimum, bytes) with
//     ThroughputBursting, and StorageBytes of StorageClass Total (Average,
//     every 15 minutes, which EFS publishes at).
//
// EFS publishes neither latency nor error metrics.
//
// The alarms are the ones NewFileSystem raised, notifying AlarmTopicARN:
// PercentIOLimit at or above FileSystemIOLimitAlarmPercent for 15
// minutes, and with ThroughputBursting a BurstCreditBalance at or below
// FileSystemBurstCreditAlarmBytes.
func (f *FileSystem) Signals() observe.Signals {
	metric := func(name, stat, label string) observe.Metric {
		return observe.Metric{Namespace: "AWS/EFS", Name: name, Dimensions: f.dimensions(), Stat: stat, Label: label}
	}
	saturation := []observe.Metric{metric("PercentIOLimit", "Maximum", "I/O limit")}
	widgets := []observe.Widget{
		{Title: "Bytes read, written and of metadata per minute", Signal: observe.Traffic, Metrics: []observe.Metric{
			metric("DataReadIOBytes", "Sum", "read"), metric("DataWriteIOBytes", "Sum", "write"), metric("MetadataIOBytes", "Sum", "metadata"),
		}},
		{Title: "Client connections", Signal: observe.Traffic, Metrics: []observe.Metric{metric("ClientConnections", "Sum", "connections")}},
		{Title: "I/O limit used (%)", Signal: observe.Saturation, Metrics: saturation},
	}
	if f.bursting {
		widgets = append(widgets, observe.Widget{Title: "Burst credits (bytes)", Signal: observe.Saturation, Metrics: []observe.Metric{
			metric("BurstCreditBalance", "Minimum", "burst credits"),
		}})
	}
	stored := metric("StorageBytes", "Average", "stored")
	stored.Dimensions["StorageClass"] = "Total"
	widgets = append(widgets, observe.Widget{Title: "Bytes stored", Signal: observe.Saturation, Metrics: []observe.Metric{stored}, PeriodSeconds: 900})
	return observe.Signals{
		Title:   "EFS file system " + f.name,
		Widgets: widgets,
		Alarms:  append([]observe.Alarm(nil), f.alarms...),
	}
}

var _ observe.Source = (*FileSystem)(nil)
