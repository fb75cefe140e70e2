package eks

import (
	"fmt"

	"github.com/hybridstack/hybridstack/constructs/internal/alarm"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

// The alarms NewCluster raises on the Container Insights metrics of a
// cluster with EC2 nodes (node groups or Auto Mode), each checked over
// three 5-minute periods.
const (
	// NodeCPUAlarmPercent: node_cpu_utilization averaging this or more
	// over the cluster's nodes for 15 minutes raises the node CPU alarm:
	// the cluster autoscaler adds nodes only for pods that cannot be
	// scheduled, not for busy ones.
	NodeCPUAlarmPercent = 80
	// FailedNodesAlarmCount: cluster_failed_node_count at or above this
	// for 15 minutes raises the failed nodes alarm (a node with a problem
	// condition, such as NotReady or memory pressure, that node repair has
	// not fixed).
	FailedNodesAlarmCount = 1
)

const containerInsights = "ContainerInsights"

// validateAlarmTopic records an AlarmTopicARN that is not an SNS topic ARN.
func (s *settings) validateAlarmTopic(r *validation.Report) {
	if s.AlarmTopicARN != "" && !validation.IsToken(s.AlarmTopicARN) && !validation.SNSTopicARN(s.AlarmTopicARN) {
		r.Addf("AlarmTopicARN", "%q is not an SNS topic ARN (arn:<partition>:sns:<region>:<account>:<topic>)", s.AlarmTopicARN)
	}
}

// hasNodes reports whether the cluster runs EC2 nodes, whose Container
// Insights node metrics it watches. Fargate pods are not nodes there.
func (s *settings) hasNodes() bool { return s.AutoMode != nil || len(s.NodeGroups) > 0 }

// watch raises the cluster's alarms on node health and CPU.
func (c *Cluster) watch() {
	if !c.s.hasNodes() {
		return
	}
	add := func(id, metric, statistic string, threshold int, description string) {
		a := alarm.New(c, id, alarm.Props{
			Name: c.s.Name + "-" + id, Description: description,
			Namespace: containerInsights, Metric: metric, Dimensions: c.dimensions(), Statistic: statistic,
			PeriodSeconds: 300, Periods: 3, Threshold: threshold, TopicARN: c.s.AlarmTopicARN, Tags: c.s.Tags,
		})
		c.alarms = append(c.alarms, observe.Alarm{Name: *a.AlarmName(), ARN: *a.Arn()})
	}
	add("failed-nodes-alarm", "cluster_failed_node_count", "Maximum", FailedNodesAlarmCount,
		"EKS cluster "+c.s.Name+" has had failed worker nodes (a node condition such as NotReady or pressure) for 15 minutes: kubectl describe nodes")
	add("node-cpu-alarm", "node_cpu_utilization", "Average", NodeCPUAlarmPercent,
		fmt.Sprintf("The nodes of EKS cluster %s have used %d%% or more of their CPU on average for 15 minutes: raise the node groups' MaxSize or use larger instances", c.s.Name, NodeCPUAlarmPercent))
}

// dimensions selects the cluster's AWS/EKS and Container Insights
// series.
func (c *Cluster) dimensions() map[string]string {
	return map[string]string{"ClusterName": c.Name()}
}

// Signals returns the cluster's golden signals, every series at a
// 60-second period, dimension ClusterName. The control plane's come from
// the AWS/EKS metrics EKS publishes for free:
//   - latency: apiserver_request_duration_seconds_<verb>_P99 for GET,
//     LIST, POST, PUT, PATCH and DELETE (Average, seconds);
//   - traffic: apiserver_request_total (Sum);
//   - errors: apiserver_request_total_5XX and apiserver_request_total_429
//     (Sum);
//   - saturation: scheduler_pending_pods and
//     scheduler_pending_pods_UNSCHEDULABLE (Sum).
//
// With EC2 nodes (node groups or Auto Mode), the nodes' come from
// Container Insights (namespace ContainerInsights; telemetry.NewMetrics
// installs the amazon-cloudwatch-observability add-on that publishes it,
// and without it the node graphs stay empty and the alarms quiet):
//   - errors: cluster_failed_node_count (Maximum) beside
//     cluster_node_count (Average);
//   - saturation: node_cpu_utilization and node_memory_utilization
//     (Average) and node_filesystem_utilization (Maximum), in % of the
//     nodes' capacity.
//
// The alarms are the ones NewCluster raised for EC2 nodes, notifying
// AlarmTopicARN: failed nodes (FailedNodesAlarmCount) and node CPU
// (NodeCPUAlarmPercent), each for 15 minutes. LogGroups holds the
// control plane's log group.
func (c *Cluster) Signals() observe.Signals {
	dims := c.dimensions()
	eks := func(name, stat, label string) observe.Metric {
		return observe.Metric{Namespace: "AWS/EKS", Name: name, Dimensions: dims, Stat: stat, Label: label}
	}
	insights := func(name, stat, label string) observe.Metric {
		return observe.Metric{Namespace: containerInsights, Name: name, Dimensions: dims, Stat: stat, Label: label}
	}
	var latency []observe.Metric
	for _, verb := range []string{"GET", "LIST", "POST", "PUT", "PATCH", "DELETE"} {
		latency = append(latency, eks("apiserver_request_duration_seconds_"+verb+"_P99", "Average", verb))
	}
	widgets := []observe.Widget{
		{Title: "API server p99 latency (seconds)", Signal: observe.Latency, Metrics: latency},
		{Title: "API server requests", Signal: observe.Traffic, Metrics: []observe.Metric{eks("apiserver_request_total", "Sum", "requests")}},
		{Title: "API server errors and throttles", Signal: observe.Errors, Metrics: []observe.Metric{
			eks("apiserver_request_total_5XX", "Sum", "5xx"), eks("apiserver_request_total_429", "Sum", "429"),
		}},
	}
	if c.s.hasNodes() {
		widgets = append(widgets,
			observe.Widget{Title: "Failed and total nodes", Signal: observe.Errors, Metrics: []observe.Metric{
				insights("cluster_failed_node_count", "Maximum", "failed"), insights("cluster_node_count", "Average", "nodes"),
			}},
			observe.Widget{Title: "Node CPU, memory and disk used (%)", Signal: observe.Saturation, Metrics: []observe.Metric{
				insights("node_cpu_utilization", "Average", "CPU"), insights("node_memory_utilization", "Average", "memory"),
				insights("node_filesystem_utilization", "Maximum", "disk"),
			}})
	}
	widgets = append(widgets, observe.Widget{Title: "Pending pods", Signal: observe.Saturation, Metrics: []observe.Metric{
		eks("scheduler_pending_pods", "Sum", "pending"), eks("scheduler_pending_pods_UNSCHEDULABLE", "Sum", "unschedulable"),
	}})
	return observe.Signals{
		Title:     "EKS cluster " + c.s.Name,
		Widgets:   widgets,
		Alarms:    append([]observe.Alarm(nil), c.alarms...),
		LogGroups: []string{"/aws/eks/" + c.s.Name + "/cluster"},
	}
}

var _ observe.Source = (*Cluster)(nil)
