package kube

import (
	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/internal/alarm"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

// WorkloadAlarms turns on a workload's CloudWatch alarm on container
// restarts. The alarm watches the Container Insights metrics of the
// workload's Cluster (which telemetry.NewMetrics turns on), so
// WorkloadProps.Cluster must be set. It is an AWS resource in the
// workload's stack, which then needs an AWS provider, as the IRSA and Pod
// Identity roles of a workload do.
type WorkloadAlarms struct {
	// TopicARN is the SNS topic the alarm notifies when it fires and when
	// it recovers.
	// Default: - no notification
	TopicARN string
}

// The restart alarm: pod_number_of_container_restarts summed over the
// workload's pods, in 5-minute periods. A container in CrashLoopBackOff
// restarts at least every five minutes or so (the back-off stops growing
// at five minutes), so it restarts in two of any three periods; a single
// restart (an out-of-memory kill, a failed liveness probe) does not fire.
const (
	// RestartAlarmPeriods is how many 5-minute periods the alarm looks at.
	RestartAlarmPeriods = 3
	// RestartAlarmDatapoints is how many of them must have a restart.
	RestartAlarmDatapoints = 2
)

// checkAlarms records Alarms that cannot be raised.
func (p WorkloadProps) checkAlarms(r *validation.Report) {
	if p.Alarms == nil {
		return
	}
	if eks.IsNil(p.Cluster) {
		r.Addf("Alarms", "is set but Cluster is nil; the alarm watches the Container Insights metrics of the cluster the workload runs on: give the *eks.Cluster")
	}
	if arn := p.Alarms.TopicARN; arn != "" && !validation.IsToken(arn) && !validation.SNSTopicARN(arn) {
		r.Addf("Alarms.TopicARN", "%q is not an SNS topic ARN (arn:<partition>:sns:<region>:<account>:<topic>)", arn)
	}
}

// watch keeps the cluster Signals names and raises the restart alarm when
// asked to.
func (w *Workload) watch(p WorkloadProps) {
	if eks.IsNil(p.Cluster) {
		p.Cluster = nil
	}
	w.cluster = p.Cluster
	if p.Alarms == nil || p.Cluster == nil {
		return
	}
	a := alarm.New(w, "restarts-alarm", alarm.Props{
		Name:        p.Cluster.Name() + "-" + w.namespace + "-" + w.name + "-restarts-alarm",
		Description: "Containers of Kubernetes workload " + w.namespace + "/" + w.name + " keep restarting (a crash loop): kubectl -n " + w.namespace + " describe pods -l app.kubernetes.io/name=" + w.name + ", and read their previous logs",
		Namespace:   "ContainerInsights", Metric: "pod_number_of_container_restarts", Dimensions: w.podDimensions(), Statistic: "Sum",
		PeriodSeconds: 300, Periods: RestartAlarmPeriods, DatapointsToAlarm: RestartAlarmDatapoints, Threshold: 1,
		TopicARN: p.Alarms.TopicARN,
	})
	w.alarms = append(w.alarms, observe.Alarm{Name: *a.AlarmName(), ARN: *a.Arn()})
}

// podDimensions selects the workload's pod series in Container Insights,
// where PodName is the name of the Deployment that owns the pods.
func (w *Workload) podDimensions() map[string]string {
	return map[string]string{"ClusterName": w.cluster.Name(), "Namespace": w.namespace, "PodName": w.name}
}

// Signals returns the workload's golden signals from the Container
// Insights metrics (namespace ContainerInsights, which
// telemetry.NewMetrics turns on for the cluster) of its pods, every series
// at a 60-second period. They need the cluster's name: a workload made
// without Cluster has a title and nothing else. With it:
//   - traffic: pod_network_rx_bytes and pod_network_tx_bytes (Average
//     per pod, bytes per second), and service_number_of_running_pods of
//     the workload's Service (Average);
//   - errors: pod_number_of_container_restarts (Sum);
//   - saturation: pod_cpu_utilization_over_pod_limit and
//     pod_memory_utilization_over_pod_limit (Average and Maximum, % of
//     Limits).
//
// Pod series use the dimensions ClusterName, Namespace and PodName (the
// Deployment's name, which Container Insights gives its pods), the
// Service's ClusterName, Namespace and Service. Latency is the
// application's to publish.
//
// The alarm is the restart alarm, when the workload was made with Alarms.
// LogGroups is empty: the namespace, not the workload, picks the log
// group of its containers' output (see telemetry.LogGroupLabel).
func (w *Workload) Signals() observe.Signals {
	sig := observe.Signals{Title: "Kubernetes workload " + w.namespace + "/" + w.name}
	if w.cluster == nil {
		return sig
	}
	pod := func(name, stat, label string) observe.Metric {
		return observe.Metric{Namespace: "ContainerInsights", Name: name, Dimensions: w.podDimensions(), Stat: stat, Label: label}
	}
	service := observe.Metric{
		Namespace: "ContainerInsights", Name: "service_number_of_running_pods", Stat: "Average", Label: "running pods",
		Dimensions: map[string]string{"ClusterName": w.cluster.Name(), "Namespace": w.namespace, "Service": w.name},
	}
	sig.Widgets = []observe.Widget{
		{Title: "Network bytes per second, per pod", Signal: observe.Traffic, Metrics: []observe.Metric{
			pod("pod_network_rx_bytes", "Average", "received"), pod("pod_network_tx_bytes", "Average", "sent"),
		}},
		{Title: "Running pods", Signal: observe.Traffic, Metrics: []observe.Metric{service}},
		{Title: "Container restarts", Signal: observe.Errors, Metrics: []observe.Metric{pod("pod_number_of_container_restarts", "Sum", "restarts")}},
		{Title: "CPU and memory used (% of limit)", Signal: observe.Saturation, Metrics: []observe.Metric{
			pod("pod_cpu_utilization_over_pod_limit", "Average", "CPU, average"), pod("pod_cpu_utilization_over_pod_limit", "Maximum", "CPU, busiest pod"),
			pod("pod_memory_utilization_over_pod_limit", "Average", "memory, average"), pod("pod_memory_utilization_over_pod_limit", "Maximum", "memory, fullest pod"),
		}},
	}
	sig.Alarms = append([]observe.Alarm(nil), w.alarms...)
	return sig
}

var _ observe.Source = (*Workload)(nil)
