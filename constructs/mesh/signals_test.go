package mesh_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/mesh"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

const alarmTopic = "arn:aws:sns:eu-west-1:123456789012:alarms"

func TestLatticeSignalsAndAlarms(t *testing.T) {
	e := newEnv(t, false)
	n, err := mesh.NewNetwork(e.stack, "mesh", mesh.NetworkProps{Name: "shop", VPC: e.vpc})
	if err != nil {
		t.Fatal(err)
	}
	p := canary(n)
	p.AlarmTopicARN = alarmTopic
	payments, err := mesh.NewVirtualService(e.stack, "payments", p)
	if err != nil {
		t.Fatal(err)
	}
	orders, err := mesh.NewVirtualService(e.stack, "orders", mesh.VirtualServiceProps{
		Network: n, Namespace: "orders", Versions: []mesh.Version{{Name: "v1", Service: "orders"}}, LatencyAlarmMS: 500,
	})
	if err != nil {
		t.Fatal(err)
	}
	var _ observe.Source = payments
	sig := payments.Signals()
	if sig.Title != "VPC Lattice service shop-payments" {
		t.Errorf("title = %q", sig.Title)
	}
	exposed := map[string]string{"log": sig.LogGroups[0]}
	var got []string
	for i, w := range sig.Widgets {
		for j, m := range w.Metrics {
			got = append(got, fmt.Sprintf("%s %s %s %s", w.Signal, m.Namespace, m.Name, m.Stat))
			if len(m.Dimensions) != 1 {
				t.Errorf("%s dimensions = %v, want Service", m.Name, m.Dimensions)
			}
			exposed[fmt.Sprintf("%d-%d", i, j)] = m.Dimensions["Service"]
		}
	}
	want := []string{
		"latency AWS/VpcLattice RequestTime p50", "latency AWS/VpcLattice RequestTime p99",
		"traffic AWS/VpcLattice TotalRequestCount Sum",
		"errors AWS/VpcLattice HTTPCode_5XX_Count Sum", "errors AWS/VpcLattice HTTPCode_4XX_Count Sum", "errors AWS/VpcLattice RequestTimeoutCount Sum",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("series:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i, a := range sig.Alarms {
		exposed[fmt.Sprintf("alarm-%d", i)] = a.ARN
	}
	tftest.ExposeTokens(e.stack, exposed)
	doc := tftest.Synth(t, e.stack)
	service := "${" + doc.Address(t, "aws_vpclattice_service", "payments_service") + ".id}"
	for i, w := range sig.Widgets {
		for j := range w.Metrics {
			if v := doc.Exposed(fmt.Sprintf("%d-%d", i, j)); v != service {
				t.Errorf("%s metric %d: Service = %q, want %q", w.Signal, j, v, service)
			}
		}
	}
	if v, want := doc.Exposed("log"), "${"+doc.Address(t, "aws_cloudwatch_log_group", "mesh_access-logs")+".name}"; v != want {
		t.Errorf("log group %q, want %q", v, want)
	}
	if len(sig.Alarms) != 2 {
		t.Fatalf("alarms = %v", sig.Alarms)
	}
	for i, tc := range []struct {
		id     string
		fields map[string]any
	}{
		{"payments_server-errors-alarm", map[string]any{
			"alarm_name": "shop-payments-server-errors-alarm", "metric_name": "HTTPCode_5XX_Count", "statistic": "Sum", "threshold": float64(5),
			"period": float64(60), "evaluation_periods": float64(5), "datapoints_to_alarm": float64(3),
		}},
		{"payments_latency-alarm", map[string]any{
			"alarm_name": "shop-payments-latency-alarm", "metric_name": "RequestTime", "extended_statistic": "p99", "threshold": float64(2000),
			"period": float64(300), "evaluation_periods": float64(3),
		}},
	} {
		a := doc.One(t, "aws_cloudwatch_metric_alarm", tc.id)
		if arn := doc.Exposed(fmt.Sprintf("alarm-%d", i)); arn != "${"+doc.Address(t, "aws_cloudwatch_metric_alarm", tc.id)+".arn}" {
			t.Errorf("Signals alarm %d is %s, want %s", i, arn, tc.id)
		}
		tc.fields["namespace"] = "AWS/VpcLattice"
		tc.fields["comparison_operator"] = "GreaterThanOrEqualToThreshold"
		for k, want := range tc.fields {
			if a[k] != want {
				t.Errorf("%s %s = %v, want %v", tc.id, k, a[k], want)
			}
		}
		if dims := a["dimensions"].(map[string]any); len(dims) != 1 || dims["Service"] != service {
			t.Errorf("%s dimensions = %v, want Service %s", tc.id, dims, service)
		}
		if acts := tftest.Strings(a["alarm_actions"]); len(acts) != 1 || acts[0] != alarmTopic {
			t.Errorf("%s actions = %v", tc.id, acts)
		}
	}
	latency := doc.One(t, "aws_cloudwatch_metric_alarm", "orders_latency-alarm")
	if latency["threshold"] != float64(500) || latency["alarm_actions"] != nil || len(orders.Signals().Alarms) != 2 {
		t.Errorf("orders latency alarm = %v", latency)
	}
}

// TestLatticeALBBridgeAlarms checks that under PodTargetsALB each
// version's ALB is watched for pods failing its health checks.
func TestLatticeALBBridgeAlarms(t *testing.T) {
	e := newEnv(t, true)
	n, err := mesh.NewNetwork(e.stack, "mesh", mesh.NetworkProps{Name: "shop", VPC: e.vpc, Cluster: e.cluster, PodTargets: mesh.PodTargetsALB})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := mesh.NewVirtualService(e.stack, "payments", canary(n))
	if err != nil {
		t.Fatal(err)
	}
	sig := svc.Signals()
	exposed := map[string]string{}
	errs := sig.Widgets[2]
	for j, m := range errs.Metrics[3:] {
		if m.Namespace != "AWS/ApplicationELB" || m.Name != "UnHealthyHostCount" || m.Stat != "Maximum" {
			t.Errorf("version metric %d = %+v", j, m)
		}
		exposed[fmt.Sprintf("v%d-lb", j)], exposed[fmt.Sprintf("v%d-tg", j)] = m.Dimensions["LoadBalancer"], m.Dimensions["TargetGroup"]
	}
	if errs.Signal != observe.Errors || len(errs.Metrics) != 5 || len(sig.Alarms) != 4 {
		t.Fatalf("errors widget %+v with alarms %v, want a metric and an alarm per version", errs, sig.Alarms)
	}
	tftest.ExposeTokens(e.stack, exposed)
	doc := tftest.Synth(t, e.stack)
	for j, v := range []string{"v1", "v2"} {
		lb := "${" + doc.Address(t, "aws_lb", "payments_alb-"+v) + ".arn_suffix}"
		tg := "${" + doc.Address(t, "aws_lb_target_group", "payments_alb-"+v+"-pods") + ".arn_suffix}"
		if doc.Exposed(fmt.Sprintf("v%d-lb", j)) != lb || doc.Exposed(fmt.Sprintf("v%d-tg", j)) != tg {
			t.Errorf("%s metric dimensions %s %s, want %s %s", v, doc.Exposed(fmt.Sprintf("v%d-lb", j)), doc.Exposed(fmt.Sprintf("v%d-tg", j)), lb, tg)
		}
		a := doc.One(t, "aws_cloudwatch_metric_alarm", "payments_alb-"+v+"-unhealthy-pods-alarm")
		dims := a["dimensions"].(map[string]any)
		if a["namespace"] != "AWS/ApplicationELB" || a["metric_name"] != "UnHealthyHostCount" || a["statistic"] != "Maximum" ||
			a["threshold"] != float64(1) || a["evaluation_periods"] != float64(5) || dims["LoadBalancer"] != lb || dims["TargetGroup"] != tg {
			t.Errorf("%s alarm = %v", v, a)
		}
	}
}

func TestAppMeshHasNoSignals(t *testing.T) {
	n := appMeshNet(t)
	p := canary(n)
	p.PlaintextReason = "test"
	svc, err := mesh.NewVirtualService(n, "payments", p)
	if err != nil {
		t.Fatal(err)
	}
	if sig := svc.Signals(); len(sig.Widgets) != 0 || len(sig.Alarms) != 0 || len(sig.LogGroups) != 0 {
		t.Errorf("App Mesh signals = %+v", sig)
	}
	p.AlarmTopicARN, p.LatencyAlarmMS = alarmTopic, 100
	_, err = mesh.NewVirtualService(n, "alarmed", p)
	for _, want := range []string{
		`mesh "test/mesh/alarmed": AlarmTopicARN is not supported by appmesh: the library raises alarms on VPC Lattice metrics only`,
		`LatencyAlarmMS is not supported by appmesh`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not contain %q", err, want)
		}
	}
	p.WarnOnUnsupported = true
	if _, err := mesh.NewVirtualService(n, "warned", p); err != nil {
		t.Fatal(err)
	}
	stack := cdktf.TerraformStack_Of(n)
	var warned []string
	for _, w := range tftest.Warnings(stack) {
		if strings.Contains(w, "is not rendered: App Mesh services get no alarms") {
			warned = append(warned, w)
		}
	}
	if len(warned) != 2 {
		t.Errorf("warnings on alarms = %v, want AlarmTopicARN and LatencyAlarmMS", warned)
	}
	for name := range tftest.Synth(t, stack).Resources("aws_cloudwatch_metric_alarm") {
		if strings.Contains(name, "payments") || strings.Contains(name, "warned") {
			t.Errorf("App Mesh service alarm %s", name)
		}
	}
}

func TestLatencyAlarmValidation(t *testing.T) {
	e := newEnv(t, false)
	n, err := mesh.NewNetwork(e.stack, "mesh", mesh.NetworkProps{Name: "shop", VPC: e.vpc})
	if err != nil {
		t.Fatal(err)
	}
	p := canary(n)
	p.LatencyAlarmMS = -1
	_, err = mesh.NewVirtualService(e.stack, "payments", p)
	if want := `mesh "test/payments": LatencyAlarmMS -1 is negative`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v does not contain %q", err, want)
	}
}
