package eks_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

const clusterAlarmTopic = "arn:aws:sns:eu-west-1:123456789012:alarms"

// clusterSeries lists every series of c's Signals as "signal
// namespace:name/stat", checking that each selects the cluster by its
// name.
func clusterSeries(t *testing.T, c *eks.Cluster, doc tftest.Doc) []string {
	t.Helper()
	stack := cdktf.TerraformStack_Of(c)
	name := "${" + doc.Address(t, "aws_eks_cluster", "cluster") + ".name}"
	var out []string
	for _, w := range c.Signals().Widgets {
		for _, m := range w.Metrics {
			got, _ := cdktf.Tokenization_Resolve(m.Dimensions["ClusterName"], &cdktf.ResolveOptions{
				Scope: stack, Resolver: cdktf.NewDefaultTokenResolver(cdktf.NewStringConcat()),
			}).(string)
			if got != name || len(m.Dimensions) != 1 {
				t.Errorf("%s: dimensions %v (ClusterName %q), want only ClusterName %q", m.Name, m.Dimensions, got, name)
			}
			out = append(out, string(w.Signal)+" "+m.Namespace+":"+m.Name+"/"+m.Stat)
		}
	}
	return out
}

func TestClusterSignals(t *testing.T) {
	c, doc := standard(t, func(p *eks.ClusterProps) {
		p.AlarmTopicARN = clusterAlarmTopic
		p.Tags = map[string]string{"team": "platform"}
	})
	var src observe.Source = c
	sig := src.Signals()
	if sig.Title != "EKS cluster demo" || !reflect.DeepEqual(sig.LogGroups, []string{"/aws/eks/demo/cluster"}) {
		t.Errorf("Title %q, LogGroups %v", sig.Title, sig.LogGroups)
	}
	want := []string{
		"latency AWS/EKS:apiserver_request_duration_seconds_GET_P99/Average",
		"latency AWS/EKS:apiserver_request_duration_seconds_LIST_P99/Average",
		"latency AWS/EKS:apiserver_request_duration_seconds_POST_P99/Average",
		"latency AWS/EKS:apiserver_request_duration_seconds_PUT_P99/Average",
		"latency AWS/EKS:apiserver_request_duration_seconds_PATCH_P99/Average",
		"latency AWS/EKS:apiserver_request_duration_seconds_DELETE_P99/Average",
		"traffic AWS/EKS:apiserver_request_total/Sum",
		"errors AWS/EKS:apiserver_request_total_5XX/Sum",
		"errors AWS/EKS:apiserver_request_total_429/Sum",
		"errors ContainerInsights:cluster_failed_node_count/Maximum",
		"errors ContainerInsights:cluster_node_count/Average",
		"saturation ContainerInsights:node_cpu_utilization/Average",
		"saturation ContainerInsights:node_memory_utilization/Average",
		"saturation ContainerInsights:node_filesystem_utilization/Maximum",
		"saturation AWS/EKS:scheduler_pending_pods/Sum",
		"saturation AWS/EKS:scheduler_pending_pods_UNSCHEDULABLE/Sum",
	}
	if got := clusterSeries(t, c, doc); !reflect.DeepEqual(got, want) {
		t.Errorf("series:\n got %v\nwant %v", got, want)
	}

	alarms := doc.Resources("aws_cloudwatch_metric_alarm")
	if len(alarms) != 2 || len(sig.Alarms) != 2 {
		t.Fatalf("alarms in JSON %v, in Signals %v; want failed nodes and node CPU", ptr.SortedKeys(alarms), sig.Alarms)
	}
	name := "${" + doc.Address(t, "aws_eks_cluster", "cluster") + ".name}"
	for _, a := range []struct {
		part, metric, statistic string
		threshold               float64
	}{
		{"failed-nodes-alarm", "cluster_failed_node_count", "Maximum", eks.FailedNodesAlarmCount},
		{"node-cpu-alarm", "node_cpu_utilization", "Average", eks.NodeCPUAlarmPercent},
	} {
		got := doc.One(t, "aws_cloudwatch_metric_alarm", a.part)
		want := map[string]any{
			"alarm_name": "demo-" + a.part, "namespace": "ContainerInsights", "metric_name": a.metric, "statistic": a.statistic,
			"dimensions": map[string]any{"ClusterName": name}, "threshold": a.threshold,
			"comparison_operator": "GreaterThanOrEqualToThreshold", "period": float64(300), "evaluation_periods": float64(3),
			"treat_missing_data": "notBreaching", "alarm_actions": []any{clusterAlarmTopic}, "ok_actions": []any{clusterAlarmTopic},
			"tags": map[string]any{"team": "platform"},
		}
		for _, k := range ptr.SortedKeys(want) {
			if !reflect.DeepEqual(got[k], want[k]) {
				t.Errorf("%s %s = %#v, want %#v", a.part, k, got[k], want[k])
			}
		}
	}
}

// A Fargate-only cluster has no nodes to watch: control-plane signals
// only, and no alarm.
func TestClusterSignalsFargateOnly(t *testing.T) {
	c, doc := standard(t, func(p *eks.ClusterProps) {
		p.NodeGroups = nil
		p.FargateProfiles = []eks.FargateProfileProps{{Name: "system", Selectors: []eks.FargateSelector{{Namespace: "kube-system"}, {Namespace: "apps"}}}}
	})
	got := strings.Join(clusterSeries(t, c, doc), ",")
	if strings.Contains(got, "ContainerInsights") || !strings.Contains(got, "apiserver_request_total") {
		t.Errorf("series = %s", got)
	}
	if alarms := doc.Resources("aws_cloudwatch_metric_alarm"); len(alarms) != 0 || len(c.Signals().Alarms) != 0 {
		t.Errorf("alarms %v for a cluster without nodes", ptr.SortedKeys(alarms))
	}
}

func TestClusterSignalsAutoMode(t *testing.T) {
	c, doc := standard(t, func(p *eks.ClusterProps) {
		p.NodeGroups, p.FargateProfiles = nil, nil
		p.AutoMode = &eks.AutoModeProps{}
	})
	if len(doc.Resources("aws_cloudwatch_metric_alarm")) != 2 || len(c.Signals().Alarms) != 2 {
		t.Errorf("Auto Mode runs EC2 nodes: want the node alarms, got %v", ptr.SortedKeys(doc.Resources("aws_cloudwatch_metric_alarm")))
	}
	if a := doc.One(t, "aws_cloudwatch_metric_alarm", "node-cpu-alarm"); a["alarm_actions"] != nil {
		t.Errorf("alarm without AlarmTopicARN notifies %v", a["alarm_actions"])
	}
}

func TestClusterAlarmTopicValidation(t *testing.T) {
	stack := tftest.NewStack(t)
	_, err := eks.NewCluster(stack, "cluster", eks.ClusterProps{Name: "demo", VPC: newVPC(t, stack), AlarmTopicARN: "arn:aws:sns:eu-west-1:123:alarms"})
	if err == nil || !strings.Contains(err.Error(), `eks "test/cluster": AlarmTopicARN "arn:aws:sns:eu-west-1:123:alarms" is not an SNS topic ARN`) {
		t.Errorf("err = %v", err)
	}
}
