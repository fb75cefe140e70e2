package telemetry_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/telemetry"
)

func TestMetricsIstioAmbient(t *testing.T) {
	stack, c := newCluster(t, true)
	m, err := telemetry.NewMetrics(stack, "metrics", telemetry.MetricsProps{Cluster: c, AlertTopicARN: topicARN, IstioAmbient: true})
	if err != nil {
		t.Fatal(err)
	}
	query := m.QueryPolicyStatements()
	policy, err := iamdoc.Document(query...)
	if err != nil {
		t.Fatal(err)
	}
	tftest.ExposeTokens(stack, map[string]string{"query-url": m.QueryURL(), "query-policy": policy})
	doc := tftest.Synth(t, stack)
	ws := doc.Address(t, "aws_prometheus_workspace", "metrics_workspace")

	t.Run("scrapes waypoints, gateways and ztunnel", func(t *testing.T) {
		var cfg struct {
			Jobs []struct {
				Name      string `yaml:"job_name"`
				Path      string `yaml:"metrics_path"`
				Discovery []struct {
					Role string `yaml:"role"`
				} `yaml:"kubernetes_sd_configs"`
				Relabel []struct {
					SourceLabels []string `yaml:"source_labels"`
					Regex        string   `yaml:"regex"`
					TargetLabel  string   `yaml:"target_label"`
					Replacement  string   `yaml:"replacement"`
					Action       string   `yaml:"action"`
				} `yaml:"relabel_configs"`
			} `yaml:"scrape_configs"`
		}
		text, _ := doc.One(t, "aws_prometheus_scraper", "metrics_scraper")["scrape_configuration"].(string)
		if err := yaml.Unmarshal([]byte(text), &cfg); err != nil {
			t.Fatalf("scrape configuration is not YAML: %v\n%s", err, text)
		}
		keeps := map[string][]string{}
		var names []string
		for _, j := range cfg.Jobs {
			names = append(names, j.Name)
			if !strings.HasPrefix(j.Name, "istio-") {
				continue
			}
			var address string
			targets := map[string]string{}
			for _, r := range j.Relabel {
				switch {
				case r.Action == "keep":
					keeps[j.Name] = append(keeps[j.Name], strings.Join(r.SourceLabels, ",")+"="+r.Regex)
				case r.TargetLabel == "__address__":
					address = strings.Join(r.SourceLabels, ",") + " " + r.Regex + " -> " + r.Replacement
				default:
					targets[r.TargetLabel] = strings.Join(r.SourceLabels, ",")
				}
			}
			if j.Path != "/stats/prometheus" || len(j.Discovery) != 1 || j.Discovery[0].Role != "pod" ||
				address != "__meta_kubernetes_pod_ip (.+) -> $1:15020" ||
				targets["namespace"] != "__meta_kubernetes_namespace" || targets["pod"] != "__meta_kubernetes_pod_name" {
				t.Errorf("job %s: path %q, discovery %v, address %q, target labels %v; want pods on <IP>:15020/stats/prometheus labelled namespace and pod",
					j.Name, j.Path, j.Discovery, address, targets)
			}
		}
		if want := []string{"kubernetes-apiservers", "kubelet", "cadvisor", "kube-state-metrics", "istio-waypoints", "istio-gateways", "istio-ztunnel"}; !reflect.DeepEqual(names, want) {
			t.Fatalf("jobs = %v, want %v", names, want)
		}
		running := "__meta_kubernetes_pod_phase=Running"
		envoy := "__meta_kubernetes_pod_container_name,__meta_kubernetes_pod_container_port_number=istio-proxy;15090"
		want := map[string][]string{
			"istio-waypoints": {running, `__meta_kubernetes_pod_label_gateway_istio_io_managed=istio\.io-mesh-controller`, envoy},
			"istio-gateways":  {running, `__meta_kubernetes_pod_label_gateway_istio_io_managed,__meta_kubernetes_pod_label_istio=istio\.io-gateway-controller;.*|;.+`, envoy},
			"istio-ztunnel": {running, "__meta_kubernetes_namespace,__meta_kubernetes_pod_label_app=istio-system;ztunnel",
				"__meta_kubernetes_pod_container_name,__meta_kubernetes_pod_container_port_number=istio-proxy;15020"},
		}
		if !reflect.DeepEqual(keeps, want) {
			t.Errorf("keep rules = %q\nwant %q", keeps, want)
		}
	})

	t.Run("admits the collector on 15020", func(t *testing.T) {
		sg := ref(t, doc, "aws_security_group", "metrics_scraper-security-group", "id")
		clusterSG := "${" + doc.Address(t, "aws_eks_cluster", "cluster") + ".vpc_config[0].cluster_security_group_id}"
		var ingress, egress []string
		for _, r := range doc.Resources("aws_vpc_security_group_ingress_rule") {
			if r["referenced_security_group_id"] == sg && r["security_group_id"] == clusterSG {
				ingress = append(ingress, jsonNumber(r["from_port"])+"-"+jsonNumber(r["to_port"]))
			}
		}
		for _, r := range doc.Resources("aws_vpc_security_group_egress_rule") {
			if r["security_group_id"] == sg && r["referenced_security_group_id"] == clusterSG {
				egress = append(egress, jsonNumber(r["from_port"])+"-"+jsonNumber(r["to_port"]))
			}
		}
		sort.Strings(ingress)
		sort.Strings(egress)
		if want := []string{"15020-15020", "443-443", "8080-8080"}; !reflect.DeepEqual(ingress, want) || !reflect.DeepEqual(egress, want) {
			t.Errorf("ingress %v, egress %v; want %v", ingress, egress, want)
		}
	})

	t.Run("loads the istio rule group", func(t *testing.T) {
		var rules ruleDoc
		if err := yaml.Unmarshal([]byte(doc.One(t, "aws_prometheus_rule_group_namespace", "metrics_rules")["data"].(string)), &rules); err != nil {
			t.Fatal(err)
		}
		var groups []string
		exprs := map[string]string{}
		for _, g := range rules.Groups {
			groups = append(groups, g.Name)
			if g.Name != "istio" {
				continue
			}
			for _, r := range g.Rules {
				exprs[r.Alert+r.Record] = r.Expr
			}
		}
		if want := []string{"kubernetes-recording", "kubernetes-alerts", "istio"}; !reflect.DeepEqual(groups, want) {
			t.Errorf("groups = %v, want %v", groups, want)
		}
		if !strings.Contains(exprs["destination_service:istio_requests_5xx:ratio_rate5m"], `rate(istio_requests_total{reporter="waypoint",response_code=~"5.."}[5m])`) ||
			exprs["IstioWaypointErrorRateHigh"] != "destination_service:istio_requests_5xx:ratio_rate5m > 0.05" ||
			exprs["IstioZtunnelUnavailable"] != `kube_daemonset_status_number_unavailable{job="kube-state-metrics",namespace="istio-system",daemonset="ztunnel"} > 0` {
			t.Errorf("istio rules = %v", exprs)
		}
		if !slices.ContainsFunc(m.RuleGroups(), func(g telemetry.RuleGroup) bool { return g.Name == telemetry.IstioRuleGroupName }) {
			t.Errorf("RuleGroups() lacks %s", telemetry.IstioRuleGroupName)
		}
	})

	t.Run("query endpoint and permissions", func(t *testing.T) {
		if got, want := doc.Exposed("query-url"), "${"+ws+".prometheus_endpoint}"; got != want {
			t.Errorf("QueryURL = %s, want %s", got, want)
		}
		stmts := statements(t, doc.Exposed("query-policy"))
		q, d := stmts["QueryPrometheusWorkspace"], stmts["DecryptPrometheusWorkspace"]
		if len(stmts) != 2 || q["Effect"] != "Allow" || one(q["Resource"]) != "${"+ws+".arn}" ||
			!reflect.DeepEqual(tftest.Strings(q["Action"]), []string{"aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"}) {
			t.Errorf("query statement = %v, want the query actions on the workspace", q)
		}
		cond, _ := json.Marshal(d["Condition"])
		if d["Effect"] != "Allow" || one(d["Resource"]) != ref(t, doc, "aws_kms_key", "metrics_key", "arn") ||
			!reflect.DeepEqual(tftest.Strings(d["Action"]), []string{"kms:Decrypt", "kms:DescribeKey"}) ||
			string(cond) != `{"StringEquals":{"kms:ViaService":"aps.`+region+`.amazonaws.com"}}` {
			t.Errorf("decrypt statement = %v, want the workspace key through aps only", d)
		}
	})

	t.Run("a group of one's own may not be called istio", func(t *testing.T) {
		stack, c := newCluster(t, true)
		_, err := telemetry.NewMetrics(stack, "metrics", telemetry.MetricsProps{Cluster: c, AlertTopicARN: topicARN, IstioAmbient: true,
			RuleGroups: []telemetry.RuleGroup{{Name: "istio", Rules: []telemetry.Rule{{Record: "a:b:c", Expr: "up"}}}}})
		if err == nil || !strings.Contains(err.Error(), `RuleGroups[3].Name "istio" is already the name of RuleGroups[2]`) {
			t.Errorf("err = %v", err)
		}
	})
}

// With Istio ambient mode, the collector also reads the waypoints (whose
// request metrics the canary analyses of Argo Rollouts query), the
// gateways and ztunnel, and these rules are loaded.
func ExampleIstioRuleGroup() {
	g := telemetry.IstioRuleGroup()
	fmt.Println("group", g.Name)
	for _, r := range g.Rules {
		if r.Record != "" {
			fmt.Println("record", r.Record)
			continue
		}
		fmt.Printf("alert %s (%s, for %s): %s\n", r.Alert, r.Labels["severity"], r.For, r.Expr)
	}
	// Output:
	// group istio
	// record destination_service:istio_requests_5xx:ratio_rate5m
	// alert IstioWaypointErrorRateHigh (warning, for 10m): destination_service:istio_requests_5xx:ratio_rate5m > 0.05
	// alert IstioZtunnelUnavailable (critical, for 10m): kube_daemonset_status_number_unavailable{job="kube-state-metrics",namespace="istio-system",daemonset="ztunnel"} > 0
}
