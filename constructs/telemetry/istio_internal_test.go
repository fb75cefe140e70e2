package telemetry

import (
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// applyRelabel runs Prometheus' relabelling (actions keep and replace,
// the only ones the jobs use) on a discovered target; false means the
// target is dropped.
func applyRelabel(t *testing.T, target map[string]string, cfgs []promRelabel) (map[string]string, bool) {
	t.Helper()
	out := map[string]string{}
	for k, v := range target {
		out[k] = v
	}
	for _, c := range cfgs {
		sep, regex, repl, action := c.Separator, c.Regex, c.Replacement, c.Action
		if sep == "" {
			sep = ";"
		}
		if regex == "" {
			regex = "(.*)"
		}
		if repl == "" {
			repl = "$1"
		}
		re, err := regexp.Compile("^(?:" + regex + ")$")
		if err != nil {
			t.Fatalf("relabel regex %q: %v", regex, err)
		}
		var vals []string
		for _, l := range c.SourceLabels {
			vals = append(vals, out[l])
		}
		val := strings.Join(vals, sep)
		switch action {
		case "keep":
			if !re.MatchString(val) {
				return nil, false
			}
		case "", "replace":
			m := re.FindStringSubmatchIndex(val)
			if m == nil {
				continue
			}
			if res := string(re.ExpandString(nil, repl, val, m)); res == "" {
				delete(out, c.TargetLabel)
			} else {
				out[c.TargetLabel] = res
			}
		default:
			t.Fatalf("action %q is not simulated", action)
		}
	}
	return out, true
}

var metaLabelNameRe = regexp.MustCompile(`[^a-zA-Z0-9_]`)

// podTargets are the targets role pod discovers for a pod: one per
// declared container port.
func podTargets(namespace, name, ip, phase string, labels map[string]string, ports map[string][]string) []map[string]string {
	var out []map[string]string
	for container, ps := range ports {
		for _, p := range ps {
			tg := map[string]string{
				"__address__": ip + ":" + p, metaNamespace: namespace, metaPodName: name, metaPodIP: ip, metaPodPhase: phase,
				metaNodeName: "node-1", metaContainer: container, metaPortNumber: p,
			}
			for k, v := range labels {
				tg["__meta_kubernetes_pod_label_"+metaLabelNameRe.ReplaceAllString(k, "_")] = v
			}
			out = append(out, tg)
		}
	}
	return out
}

// TestIstioScrapeJobsSelectTheMeshProxies runs the jobs' relabelling on
// the pods the Istio 1.30.3 charts and istiod create (labels, ports) and
// on pods they must leave alone.
func TestIstioScrapeJobsSelectTheMeshProxies(t *testing.T) {
	envoy := map[string][]string{"istio-proxy": {"15020", "15021", "15090"}}
	var pods []map[string]string
	add := func(namespace, name, ip, phase string, labels map[string]string, ports map[string][]string) {
		pods = append(pods, podTargets(namespace, name, ip, phase, labels, ports)...)
	}
	// Waypoint (istiod's waypoint.yaml), also one not running yet.
	waypoint := map[string]string{"gateway.istio.io/managed": "istio.io-mesh-controller", "gateway.networking.k8s.io/gateway-name": "waypoint",
		"gateway.networking.k8s.io/gateway-class-name": "istio-waypoint", "istio.io/dataplane-mode": "none"}
	add("shop", "waypoint-7c9d", "10.0.1.10", "Running", waypoint, envoy)
	add("shop", "waypoint-new", "", "Pending", waypoint, envoy)
	add("shop", "waypoint-old", "10.0.1.11", "Failed", waypoint, envoy)
	// A Gateway of class istio (kube-gateway.yaml).
	add("edge", "public-istio-5f6b", "10.0.2.10", "Running", map[string]string{"gateway.istio.io/managed": "istio.io-gateway-controller",
		"gateway.networking.k8s.io/gateway-name": "public"}, envoy)
	// The gateway chart's Deployment, after the gateway injection template.
	add("istio-ingress", "istio-ingressgateway-6d8f", "10.0.2.20", "Running", map[string]string{"app": "istio-ingressgateway",
		"istio": "ingressgateway", "sidecar.istio.io/inject": "true"}, map[string][]string{"istio-proxy": {"15090"}})
	// ztunnel, and a pod elsewhere that happens to share its label.
	add("istio-system", "ztunnel-x2k4p", "10.0.1.20", "Running", map[string]string{"app": "ztunnel", "istio.io/dataplane-mode": "none"},
		map[string][]string{"istio-proxy": {"15020"}})
	add("tools", "ztunnel-lookalike", "10.0.1.21", "Running", map[string]string{"app": "ztunnel"}, map[string][]string{"istio-proxy": {"15020"}})
	// istiod (istio: pilot, no proxy) and an application pod with a sidecar.
	add("istio-system", "istiod-9f7c", "10.0.1.30", "Running", map[string]string{"app": "istiod", "istio": "pilot"},
		map[string][]string{"discovery": {"8080", "15010", "15012", "15014", "15017"}})
	add("shop", "orders-1", "10.0.1.40", "Running", map[string]string{"app": "orders", "service.istio.io/canonical-name": "orders"},
		map[string][]string{"orders": {"8080"}, "istio-proxy": {"15090"}})

	want := map[string][]string{
		"istio-waypoints": {"10.0.1.10:15020 namespace=shop pod=waypoint-7c9d gateway=waypoint"},
		"istio-gateways": {
			"10.0.2.10:15020 namespace=edge pod=public-istio-5f6b gateway=public",
			"10.0.2.20:15020 namespace=istio-ingress pod=istio-ingressgateway-6d8f gateway=istio-ingressgateway",
		},
		"istio-ztunnel": {"10.0.1.20:15020 namespace=istio-system pod=ztunnel-x2k4p node=node-1"},
	}
	jobs := istioScrapeJobs()
	if len(jobs) != len(want) {
		t.Fatalf("%d jobs, want %d", len(jobs), len(want))
	}
	for _, j := range jobs {
		if j.Scheme != "http" || j.MetricsPath != "/stats/prometheus" || !reflect.DeepEqual(j.KubernetesSDConfigs, []promKubernetesSD{{Role: "pod"}}) || j.Authorization != nil {
			t.Errorf("job %s: scheme %q, path %q, discovery %v; want plain HTTP to /stats/prometheus over role pod", j.JobName, j.Scheme, j.MetricsPath, j.KubernetesSDConfigs)
		}
		var got []string
		for _, p := range pods {
			l, ok := applyRelabel(t, p, j.RelabelConfigs)
			if !ok {
				continue
			}
			s := l["__address__"] + " namespace=" + l["namespace"] + " pod=" + l["pod"]
			for _, extra := range []string{"gateway", "node"} {
				if v, ok := l[extra]; ok {
					s += " " + extra + "=" + v
				}
			}
			got = append(got, s)
		}
		sort.Strings(got)
		if !reflect.DeepEqual(got, want[j.JobName]) {
			t.Errorf("job %s scrapes\n  %s\nwant\n  %s", j.JobName, strings.Join(got, "\n  "), strings.Join(want[j.JobName], "\n  "))
		}
	}
}

func TestScrapeConfigYAMLIstioJobs(t *testing.T) {
	without, err := ScrapeConfigYAML(ScrapeConfig{ClusterName: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	with, err := ScrapeConfigYAML(ScrapeConfig{ClusterName: "demo", IstioAmbient: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(with, without) || strings.Contains(without, "istio") {
		t.Errorf("IstioAmbient must only append jobs:\n%s", with)
	}
	var back promConfig
	if err := yaml.Unmarshal([]byte(with), &back); err != nil {
		t.Fatalf("scrape configuration does not parse: %v\n%s", err, with)
	}
	var names []string
	for _, j := range back.ScrapeConfigs {
		names = append(names, j.JobName)
	}
	if want := []string{"kubernetes-apiservers", "kubelet", "cadvisor", "kube-state-metrics", "istio-waypoints", "istio-gateways", "istio-ztunnel"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("jobs = %v, want %v", names, want)
	}
	// The YAML carries the relabelling unchanged (regexes with '\', '|').
	if got := back.ScrapeConfigs[4:]; !reflect.DeepEqual(got, istioScrapeJobs()) {
		t.Errorf("Istio jobs round-trip as %+v", got)
	}
}

func TestIstioRuleGroup(t *testing.T) {
	g := IstioRuleGroup()
	out, err := RulesYAML([]RuleGroup{g})
	if err != nil {
		t.Fatalf("Istio rules are invalid: %v", err)
	}
	var back promRuleFile
	if err := yaml.Unmarshal([]byte(out), &back); err != nil || len(back.Groups) != 1 || !reflect.DeepEqual(back.Groups[0], g) {
		t.Fatalf("rules round-trip as %+v, %v", back, err)
	}
	if IstioRuleGroupName != "istio" || g.Name != IstioRuleGroupName {
		t.Errorf("group name %q", g.Name)
	}
	type summary struct{ name, expr, forDuration, severity string }
	var got []summary
	for _, r := range g.Rules {
		got = append(got, summary{r.Alert + r.Record, r.Expr, r.For, r.Labels["severity"]})
	}
	by := "sum by (destination_service_namespace, destination_service_name) "
	want := []summary{
		{"destination_service:istio_requests_5xx:ratio_rate5m",
			by + `(rate(istio_requests_total{reporter="waypoint",response_code=~"5.."}[5m])) / ` + by + `(rate(istio_requests_total{reporter="waypoint"}[5m]))`, "", ""},
		{"IstioWaypointErrorRateHigh", "destination_service:istio_requests_5xx:ratio_rate5m > 0.05", "10m", SeverityWarning},
		{"IstioZtunnelUnavailable", `kube_daemonset_status_number_unavailable{job="kube-state-metrics",namespace="istio-system",daemonset="ztunnel"} > 0`, "10m", SeverityCritical},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rules =\n%q\nwant\n%q", got, want)
	}
	for _, r := range g.Rules[1:] {
		if !strings.Contains(r.Annotations["summary"], "ztunnel") && !strings.Contains(r.Annotations["summary"], "{{ $labels.destination_service_name }}") {
			t.Errorf("%s: summary %q does not name what failed", r.Alert, r.Annotations["summary"])
		}
	}
}
