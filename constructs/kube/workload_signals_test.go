package kube_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

const workloadAlarmTopic = "arn:aws:sns:eu-west-1:123456789012:alarms"

func TestWorkloadSignals(t *testing.T) {
	e := newEnv(t, nil)
	p := workloadProps(namespace(t, e.stack, "orders-namespace", kube.NamespaceProps{Name: "orders"}))
	p.Cluster, p.Alarms = e.cluster, &kube.WorkloadAlarms{TopicARN: workloadAlarmTopic}
	w, err := kube.NewWorkload(e.stack, "orders", p)
	if err != nil {
		t.Fatal(err)
	}
	var src observe.Source = w
	sig := src.Signals()
	doc := synth(t, e.stack)
	cluster := "${" + doc.Address(t, "aws_eks_cluster", "cluster") + ".name}"

	if sig.Title != "Kubernetes workload orders/orders" {
		t.Errorf("Title = %q", sig.Title)
	}
	if len(sig.LogGroups) != 0 {
		t.Errorf("LogGroups = %v; the namespace picks the log group", sig.LogGroups)
	}
	podDims := map[string]string{"ClusterName": cluster, "Namespace": "orders", "PodName": "orders"}
	serviceDims := map[string]string{"ClusterName": cluster, "Namespace": "orders", "Service": "orders"}
	var got []string
	for _, wd := range sig.Widgets {
		for _, m := range wd.Metrics {
			dims := map[string]string{}
			for k, v := range m.Dimensions {
				dims[k] = resolve(e.stack, v)
			}
			want := podDims
			if m.Name == "service_number_of_running_pods" {
				want = serviceDims
			}
			if m.Namespace != "ContainerInsights" || !reflect.DeepEqual(dims, want) {
				t.Errorf("%s: namespace %q, dimensions %v, want ContainerInsights and %v", m.Name, m.Namespace, dims, want)
			}
			got = append(got, string(wd.Signal)+" "+m.Name+"/"+m.Stat)
		}
	}
	want := []string{
		"traffic pod_network_rx_bytes/Average", "traffic pod_network_tx_bytes/Average",
		"traffic service_number_of_running_pods/Average",
		"errors pod_number_of_container_restarts/Sum",
		"saturation pod_cpu_utilization_over_pod_limit/Average", "saturation pod_cpu_utilization_over_pod_limit/Maximum",
		"saturation pod_memory_utilization_over_pod_limit/Average", "saturation pod_memory_utilization_over_pod_limit/Maximum",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("series:\n got %v\nwant %v", got, want)
	}

	alarms := doc.Resources("aws_cloudwatch_metric_alarm")
	if len(alarms) != 3 || len(sig.Alarms) != 1 {
		// The cluster's node alarms and the workload's.
		t.Fatalf("alarms in JSON %v, in Signals %v; want the workload's restart alarm beside the cluster's two", ptr.SortedKeys(alarms), sig.Alarms)
	}
	addr := doc.Address(t, "aws_cloudwatch_metric_alarm", "orders_restarts-alarm")
	if arn := resolve(e.stack, sig.Alarms[0].ARN); arn != "${"+addr+".arn}" {
		t.Errorf("alarm ARN = %q, want the restart alarm's", arn)
	}
	a := doc.One(t, "aws_cloudwatch_metric_alarm", "orders_restarts-alarm")
	wantAlarm := map[string]any{
		"alarm_name": cluster + "-orders-orders-restarts-alarm", "namespace": "ContainerInsights", "metric_name": "pod_number_of_container_restarts",
		"statistic": "Sum", "dimensions": map[string]any{"ClusterName": cluster, "Namespace": "orders", "PodName": "orders"},
		"threshold": float64(1), "comparison_operator": "GreaterThanOrEqualToThreshold", "period": float64(300),
		"evaluation_periods": float64(kube.RestartAlarmPeriods), "datapoints_to_alarm": float64(kube.RestartAlarmDatapoints),
		"treat_missing_data": "notBreaching", "alarm_actions": []any{workloadAlarmTopic}, "ok_actions": []any{workloadAlarmTopic},
	}
	for _, k := range ptr.SortedKeys(wantAlarm) {
		if !reflect.DeepEqual(a[k], wantAlarm[k]) {
			t.Errorf("restart alarm %s = %#v, want %#v", k, a[k], wantAlarm[k])
		}
	}
}

// Without Cluster the workload cannot name its metrics; without Alarms it
// raises none.
func TestWorkloadSignalsOptional(t *testing.T) {
	w, doc := synthWorkload(t, kube.NamespaceProps{}, nil)
	if sig := w.Signals(); sig.Title != "Kubernetes workload orders/orders" || len(sig.Widgets)+len(sig.Alarms)+len(sig.LogGroups) != 0 {
		t.Errorf("Signals without a cluster = %+v", sig)
	}
	if len(doc.Resources("aws_cloudwatch_metric_alarm")) != 0 {
		t.Error("a workload without Alarms raised an alarm")
	}

	e := newEnv(t, nil)
	p := workloadProps(namespace(t, e.stack, "orders-namespace", kube.NamespaceProps{Name: "orders"}))
	p.Cluster = e.cluster
	w, err := kube.NewWorkload(e.stack, "orders", p)
	if err != nil {
		t.Fatal(err)
	}
	if sig := w.Signals(); len(sig.Widgets) != 4 || len(sig.Alarms) != 0 {
		t.Errorf("with a cluster and no Alarms: %d widgets, alarms %v", len(sig.Widgets), sig.Alarms)
	}
	for name := range synth(t, e.stack).Resources("aws_cloudwatch_metric_alarm") {
		if strings.Contains(name, "orders") {
			t.Errorf("alarm %s raised without Alarms", name)
		}
	}
}

// In a workloads stack of its own, the alarm names the cluster through
// the cluster stack's outputs.
func TestWorkloadAlarmsCrossStack(t *testing.T) {
	e := newEnv(t, nil)
	ws := e.other(t, "workloads")
	if _, err := kube.NewProviders(ws, "kubernetes", kube.ProvidersProps{Cluster: e.cluster, Region: "eu-west-1"}); err != nil {
		t.Fatal(err)
	}
	p := workloadProps(namespace(t, ws, "orders-namespace", kube.NamespaceProps{Name: "orders"}))
	p.Cluster, p.Alarms = e.cluster, &kube.WorkloadAlarms{}
	if _, err := kube.NewWorkload(ws, "orders", p); err != nil {
		t.Fatal(err)
	}
	doc := synthApp(t, e.app, "workloads")
	a := doc.One(t, "aws_cloudwatch_metric_alarm", "restarts-alarm")
	if c := str(a, "dimensions", "ClusterName"); !strings.HasPrefix(c, "${data.terraform_remote_state.") {
		t.Errorf("ClusterName = %q, want the cluster stack's output", c)
	}
	if a["alarm_actions"] != nil {
		t.Errorf("alarm without a topic notifies %v", a["alarm_actions"])
	}
}

func TestWorkloadAlarmsValidation(t *testing.T) {
	stack := newStack(t)
	p := workloadProps(namespace(t, stack, "orders-namespace", kube.NamespaceProps{Name: "orders"}))
	p.Alarms = &kube.WorkloadAlarms{TopicARN: "alarms"}
	_, err := kube.NewWorkload(stack, "orders", p)
	wantErrs(t, err,
		`kube "test/orders": Alarms is set but Cluster is nil; the alarm watches the Container Insights metrics of the cluster the workload runs on`,
		`Alarms.TopicARN "alarms" is not an SNS topic ARN`)
}
