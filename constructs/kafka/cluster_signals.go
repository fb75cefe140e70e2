package kafka

import (
	"fmt"
	"strconv"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchmetricalarm"

	"github.com/hybridstack/hybridstack/constructs/internal/alarm"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

// The alarms NewCluster raises on the AWS/Kafka metrics of the cluster.
const (
	// DiskUsedAlarmPercent: a broker's KafkaDataLogsDiskUsed at or above
	// this (maximum over 5 minutes) raises that broker's disk alarm. AWS
	// advises acting at 85%; 80% leaves time to grow VolumeSizeGiB (one
	// storage change every six hours) or shorten retention before the
	// broker stops accepting writes.
	DiskUsedAlarmPercent = 80
	// UnderReplicatedAlarmMinutes: a broker with under-replicated
	// partitions for this long raises that broker's replication alarm.
	// MSK's rolling patches and broker replacements take a broker away for
	// a few minutes, during which its followers fall behind.
	UnderReplicatedAlarmMinutes = 15
	// ConsumerLagAlarmSeconds: a consumer group of any topic whose
	// EstimatedMaxTimeLag (the time to drain its largest partition lag at
	// its current rate) stays at or above this for 5 minutes raises the
	// cluster's consumer-lag alarm.
	ConsumerLagAlarmSeconds = 300
)

// consumerLagQuery is the CloudWatch Metrics Insights query of the largest
// EstimatedMaxTimeLag of any consumer group and topic of the cluster. MSK
// publishes the consumer-lag metrics at the DEFAULT monitoring level with
// the dimensions "Cluster Name", "Consumer Group" and "Topic", for groups
// that are STABLE or EMPTY; the groups are the tenants' and not known
// here, so one query covers them all (an alarm may watch a Metrics
// Insights query that returns one series).
func consumerLagQuery(clusterName string) string {
	return `SELECT MAX(EstimatedMaxTimeLag) FROM SCHEMA("AWS/Kafka", "Cluster Name", "Consumer Group", Topic) WHERE "Cluster Name" = '` + clusterName + `'`
}

// checkAlarmTopic records an AlarmTopicARN that is not an SNS topic ARN.
func (s settings) checkAlarmTopic(r *validation.Report) {
	if s.AlarmTopicARN != "" && !validation.IsToken(s.AlarmTopicARN) && !validation.SNSTopicARN(s.AlarmTopicARN) {
		r.Addf("AlarmTopicARN", "%q is not an SNS topic ARN (arn:<partition>:sns:<region>:<account>:<topic>)", s.AlarmTopicARN)
	}
}

// clusterDimensions selects the cluster-wide AWS/Kafka series.
func (c *Cluster) clusterDimensions() map[string]string {
	return map[string]string{"Cluster Name": c.Name()}
}

// brokerDimensions selects one broker's AWS/Kafka series. MSK numbers the
// brokers of a new cluster 1 to Brokers().
func (c *Cluster) brokerDimensions(broker int) map[string]string {
	return map[string]string{"Cluster Name": c.Name(), "Broker ID": strconv.Itoa(broker)}
}

// watch raises the cluster's alarms: offline partitions for the cluster,
// and disk and replication for each broker.
func (c *Cluster) watch(s settings) {
	add := func(id, metric string, dims map[string]string, periodSeconds, periods, threshold int, description string) {
		a := alarm.New(c, id, alarm.Props{
			Name: s.Name + "-" + id, Description: description,
			Namespace: "AWS/Kafka", Metric: metric, Dimensions: dims, Statistic: "Maximum",
			PeriodSeconds: periodSeconds, Periods: periods, Threshold: threshold, TopicARN: s.AlarmTopicARN, Tags: s.Tags,
		})
		c.alarms = append(c.alarms, observe.Alarm{Name: *a.AlarmName(), ARN: *a.Arn()})
	}
	c.consumerLagAlarm(s)
	add("offline-partitions-alarm", "OfflinePartitionsCount", c.clusterDimensions(), 60, 1, 1,
		"MSK cluster "+s.Name+" has offline partitions: they have no leader, so nothing can be written to or read from them; check the brokers' health and logs")
	for b := 1; b <= c.brokers; b++ {
		add(fmt.Sprintf("broker-%d-disk-alarm", b), "KafkaDataLogsDiskUsed", c.brokerDimensions(b), 300, 1, DiskUsedAlarmPercent,
			fmt.Sprintf("Broker %d of MSK cluster %s has used %d%% or more of its data volume: raise VolumeSizeGiB or shorten topic retention before the disk fills", b, s.Name, DiskUsedAlarmPercent))
		add(fmt.Sprintf("broker-%d-under-replicated-alarm", b), "UnderReplicatedPartitions", c.brokerDimensions(b), 300, UnderReplicatedAlarmMinutes/5, 1,
			fmt.Sprintf("Broker %d of MSK cluster %s has had under-replicated partitions for %d minutes: a replica is down or cannot keep up (disk, network or CPU)", b, s.Name, UnderReplicatedAlarmMinutes))
	}
}

// consumerLagAlarm raises the alarm on the largest consumer lag of the
// cluster, in seconds (consumerLagQuery), over 5 one-minute periods. No
// data (no consumer group yet, or every group rebalancing) is not a
// breach.
func (c *Cluster) consumerLagAlarm(s settings) {
	var actions *[]*string
	if s.AlarmTopicARN != "" {
		actions = &[]*string{ptr.String(s.AlarmTopicARN)}
	}
	a := cloudwatchmetricalarm.NewCloudwatchMetricAlarm(c, ptr.String("consumer-lag-alarm"), &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
		AlarmName: ptr.String(s.Name + "-consumer-lag-alarm"),
		AlarmDescription: ptr.String(fmt.Sprintf("A consumer group of MSK cluster %s needs %d s or more to catch up with a partition (EstimatedMaxTimeLag) for 5 minutes: "+
			"its consumers are stuck, crashing or too few; the dashboard's consumer-lag graph and the AWS/Kafka metrics per Consumer Group and Topic say which", s.Name, ConsumerLagAlarmSeconds)),
		MetricQuery: []*cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQuery{{
			Id: ptr.String("lag"), Expression: ptr.String(consumerLagQuery(c.Name())), Period: ptr.Number(60),
			Label: ptr.String("largest consumer lag (s)"), ReturnData: true,
		}},
		EvaluationPeriods:  ptr.Number(5),
		DatapointsToAlarm:  ptr.Number(5),
		Threshold:          ptr.Number(ConsumerLagAlarmSeconds),
		ComparisonOperator: ptr.String("GreaterThanOrEqualToThreshold"),
		TreatMissingData:   ptr.String("notBreaching"),
		AlarmActions:       actions,
		OkActions:          actions,
		Tags:               ptr.Map(s.Tags),
	})
	c.alarms = append(c.alarms, observe.Alarm{Name: *a.AlarmName(), ARN: *a.Arn()})
}

// Signals returns the cluster's golden signals from its AWS/Kafka
// metrics, with a series per broker (dimensions "Cluster Name" and
// "Broker ID", brokers numbered 1 to Brokers()) where MSK publishes one,
// every series at a 60-second period:
//   - latency: ProduceTotalTimeMsMean and FetchConsumerTotalTimeMsMean
//     (Average, milliseconds; the latter is a PER_BROKER metric, the
//     monitoring level the cluster runs at);
//   - traffic: BytesInPerSec, BytesOutPerSec and MessagesInPerSec
//     (Average);
//   - errors: OfflinePartitionsCount for the cluster and
//     UnderReplicatedPartitions per broker (Maximum);
//   - saturation: KafkaDataLogsDiskUsed (Maximum, % of the data volume),
//     CpuUser and CpuSystem (Average, %; AWS advises keeping their sum
//     under 60%).
//
// Consumer lag (EstimatedMaxTimeLag, published per consumer group and
// topic) is graphed as the largest of any group, through a Metrics
// Insights query (latency: how far behind the slowest consumer is).
//
// The alarms are the ones NewCluster raised, notifying AlarmTopicARN:
// the largest consumer lag at or above ConsumerLagAlarmSeconds for 5
// minutes, offline partitions for one minute, and per broker KafkaDataLogsDiskUsed
// at or above DiskUsedAlarmPercent and under-replicated partitions for
// UnderReplicatedAlarmMinutes. LogGroups holds the broker log group.
func (c *Cluster) Signals() observe.Signals {
	perBroker := func(name, stat, label string) []observe.Metric {
		var out []observe.Metric
		for b := 1; b <= c.brokers; b++ {
			out = append(out, observe.Metric{Namespace: "AWS/Kafka", Name: name, Dimensions: c.brokerDimensions(b), Stat: stat, Label: fmt.Sprintf("%s, broker %d", label, b)})
		}
		return out
	}
	join := func(lists ...[]observe.Metric) []observe.Metric {
		var out []observe.Metric
		for _, l := range lists {
			out = append(out, l...)
		}
		return out
	}
	offline := observe.Metric{Namespace: "AWS/Kafka", Name: "OfflinePartitionsCount", Dimensions: c.clusterDimensions(), Stat: "Maximum", Label: "offline partitions"}
	lag := observe.Metric{Expression: consumerLagQuery(c.Name()), Label: "largest consumer lag (s)"}
	return observe.Signals{
		Title: "MSK cluster " + c.name,
		Widgets: []observe.Widget{
			{Title: "Consumer lag, largest of any group (s)", Signal: observe.Latency, Metrics: []observe.Metric{lag}},
			{Title: "Produce and consumer fetch time (ms)", Signal: observe.Latency, Metrics: join(
				perBroker("ProduceTotalTimeMsMean", "Average", "produce"), perBroker("FetchConsumerTotalTimeMsMean", "Average", "fetch"))},
			{Title: "Bytes in and out per second", Signal: observe.Traffic, Metrics: join(
				perBroker("BytesInPerSec", "Average", "in"), perBroker("BytesOutPerSec", "Average", "out"))},
			{Title: "Messages in per second", Signal: observe.Traffic, Metrics: perBroker("MessagesInPerSec", "Average", "messages")},
			{Title: "Offline and under-replicated partitions", Signal: observe.Errors, Metrics: join(
				[]observe.Metric{offline}, perBroker("UnderReplicatedPartitions", "Maximum", "under-replicated"))},
			{Title: "Data volume used (%)", Signal: observe.Saturation, Metrics: perBroker("KafkaDataLogsDiskUsed", "Maximum", "disk")},
			{Title: "CPU user and system (%)", Signal: observe.Saturation, Metrics: join(
				perBroker("CpuUser", "Average", "user"), perBroker("CpuSystem", "Average", "system"))},
		},
		Alarms:    append([]observe.Alarm(nil), c.alarms...),
		LogGroups: []string{BrokerLogGroupPrefix + c.name},
	}
}

var _ observe.Source = (*Cluster)(nil)
