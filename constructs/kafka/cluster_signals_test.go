package kafka_test

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/kafka"
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

func TestClusterSignals(t *testing.T) {
	stack, vpc := newVPC(t, 2)
	c, err := kafka.NewCluster(stack, "events", kafka.ClusterProps{Name: "events", VPC: vpc, AlarmTopicARN: alarmTopic, Tags: map[string]string{"team": "payments"}})
	if err != nil {
		t.Fatal(err)
	}
	var src observe.Source = c
	sig := src.Signals()
	doc := tftest.Synth(t, stack)
	name := ref(doc, t, "aws_msk_cluster", "events", "cluster_name")

	if sig.Title != "MSK cluster events" || !reflect.DeepEqual(sig.LogGroups, []string{"/aws/vendedlogs/msk/events"}) {
		t.Errorf("Title %q, LogGroups %v", sig.Title, sig.LogGroups)
	}
	// Every series: "signal name/stat/broker", broker "-" for the cluster.
	var got []string
	for _, w := range sig.Widgets {
		for _, m := range w.Metrics {
			if m.Expression != "" {
				// The consumer lag: a Metrics Insights query over every
				// group and topic of this cluster.
				q := resolve(stack, m.Expression)
				wantQ := `SELECT MAX(EstimatedMaxTimeLag) FROM SCHEMA("AWS/Kafka", "Cluster Name", "Consumer Group", Topic) WHERE "Cluster Name" = '` + name + `'`
				if w.Signal != observe.Latency || q != wantQ {
					t.Errorf("%s expression %q, want %q under latency", w.Signal, q, wantQ)
				}
				got = append(got, string(w.Signal)+" query")
				continue
			}
			if m.Namespace != "AWS/Kafka" || resolve(stack, m.Dimensions["Cluster Name"]) != name {
				t.Errorf("%s: namespace %q, Cluster Name %q, want the cluster's name %q", m.Name, m.Namespace, resolve(stack, m.Dimensions["Cluster Name"]), name)
			}
			broker, ok := m.Dimensions["Broker ID"]
			if !ok {
				broker = "-"
			}
			if len(m.Dimensions) > 2 {
				t.Errorf("%s: dimensions %v", m.Name, m.Dimensions)
			}
			got = append(got, string(w.Signal)+" "+m.Name+"/"+m.Stat+"/"+broker)
		}
	}
	var want []string
	for _, b := range []string{"1", "2"} {
		want = append(want,
			"latency ProduceTotalTimeMsMean/Average/"+b, "latency FetchConsumerTotalTimeMsMean/Average/"+b,
			"traffic BytesInPerSec/Average/"+b, "traffic BytesOutPerSec/Average/"+b, "traffic MessagesInPerSec/Average/"+b,
			"errors UnderReplicatedPartitions/Maximum/"+b,
			"saturation KafkaDataLogsDiskUsed/Maximum/"+b, "saturation CpuUser/Average/"+b, "saturation CpuSystem/Average/"+b)
	}
	want = append(want, "errors OfflinePartitionsCount/Maximum/-", "latency query")
	sort.Strings(got)
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("series:\n got %v\nwant %v", got, want)
	}

	alarms := doc.Resources("aws_cloudwatch_metric_alarm")
	if len(alarms) != 6 || len(sig.Alarms) != 6 {
		t.Fatalf("alarms in JSON %v, in Signals %d; want 6 (consumer lag, offline partitions, disk and replication of 2 brokers)", ptr.SortedKeys(alarms), len(sig.Alarms))
	}
	var lag map[string]any
	for addr, a := range alarms {
		if strings.Contains(addr, "consumer-lag-alarm") {
			lag = a
		}
	}
	if lag == nil {
		t.Fatalf("no consumer-lag alarm among %v", ptr.SortedKeys(alarms))
	}
	queries, _ := lag["metric_query"].([]any)
	if len(queries) != 1 {
		t.Fatalf("consumer-lag metric_query = %v, want one query", lag["metric_query"])
	}
	q := queries[0].(map[string]any)
	if !strings.Contains(q["expression"].(string), "MAX(EstimatedMaxTimeLag)") || !strings.Contains(q["expression"].(string), "'"+name+"'") ||
		q["period"] != float64(60) || q["return_data"] != true {
		t.Errorf("consumer-lag query = %v", q)
	}
	if lag["threshold"] != float64(kafka.ConsumerLagAlarmSeconds) || lag["evaluation_periods"] != float64(5) ||
		lag["comparison_operator"] != "GreaterThanOrEqualToThreshold" || lag["treat_missing_data"] != "notBreaching" ||
		!reflect.DeepEqual(lag["alarm_actions"], []any{alarmTopic}) || lag["metric_name"] != nil {
		t.Errorf("consumer-lag alarm = %v", lag)
	}
	for _, a := range sig.Alarms {
		if !strings.HasPrefix(resolve(stack, a.ARN), "${aws_cloudwatch_metric_alarm.events_") {
			t.Errorf("alarm ARN %q is not one of the cluster's alarms", resolve(stack, a.ARN))
		}
	}
	for _, c := range []struct {
		part, metric, broker string
		period, periods      float64
		threshold            float64
	}{
		{"offline-partitions-alarm", "OfflinePartitionsCount", "", 60, 1, 1},
		{"broker-1-disk-alarm", "KafkaDataLogsDiskUsed", "1", 300, 1, kafka.DiskUsedAlarmPercent},
		{"broker-2-disk-alarm", "KafkaDataLogsDiskUsed", "2", 300, 1, kafka.DiskUsedAlarmPercent},
		{"broker-1-under-replicated-alarm", "UnderReplicatedPartitions", "1", 300, 3, 1},
		{"broker-2-under-replicated-alarm", "UnderReplicatedPartitions", "2", 300, 3, 1},
	} {
		a := doc.One(t, "aws_cloudwatch_metric_alarm", c.part)
		dims := map[string]any{"Cluster Name": name}
		if c.broker != "" {
			dims["Broker ID"] = c.broker
		}
		want := map[string]any{
			"alarm_name": "events-" + c.part, "namespace": "AWS/Kafka", "metric_name": c.metric, "statistic": "Maximum",
			"dimensions": dims, "period": c.period, "evaluation_periods": c.periods, "threshold": c.threshold,
			"comparison_operator": "GreaterThanOrEqualToThreshold", "treat_missing_data": "notBreaching",
			"alarm_actions": []any{alarmTopic}, "ok_actions": []any{alarmTopic}, "tags": map[string]any{"team": "payments"},
		}
		for _, k := range ptr.SortedKeys(want) {
			if !reflect.DeepEqual(a[k], want[k]) {
				t.Errorf("%s %s = %#v, want %#v", c.part, k, a[k], want[k])
			}
		}
	}
}

func TestClusterAlarmTopicValidation(t *testing.T) {
	stack, vpc := newVPC(t, 2)
	_, err := kafka.NewCluster(stack, "events", kafka.ClusterProps{Name: "events", VPC: vpc, AlarmTopicARN: "arn:aws:sqs:eu-west-1:123456789012:alarms"})
	if err == nil || !strings.Contains(err.Error(), `kafka "test/events": AlarmTopicARN "arn:aws:sqs:eu-west-1:123456789012:alarms" is not an SNS topic ARN`) {
		t.Errorf("err = %v", err)
	}
}
