package telemetry

// Scraping and alerting for Istio ambient mode (MetricsProps.IstioAmbient):
// the L7 metrics of waypoints and gateways, which the canary analyses of
// Argo Rollouts read, and the L4 metrics of ztunnel.

import "strconv"

// IstioMetricsPort is the port Istio's proxies serve their Prometheus
// metrics on, at IstioMetricsPath: on waypoints and gateways the metrics
// pilot-agent merges (its own, Envoy's and the istio_* standard metrics),
// on ztunnel ztunnel's own. NewMetrics with IstioAmbient admits the
// collector to it on the cluster security group.
const IstioMetricsPort = 15020

// IstioMetricsPath is the path of Istio's metrics on IstioMetricsPort.
const IstioMetricsPath = "/stats/prometheus"

// IstioRuleGroupName is the name of IstioRuleGroup's group.
const IstioRuleGroupName = "istio"

// Where the Istio 1.30 charts and istiod put the pods scraped.
const (
	// istioSystemNamespace is where the ztunnel chart runs its DaemonSet.
	istioSystemNamespace = "istio-system"
	// ztunnelName is the ztunnel DaemonSet's name and its pods' "app" label.
	ztunnelName = "ztunnel"
	// The values istiod gives the label gateway.istio.io/managed on the
	// pods of the Deployments it runs for Gateways: waypoints (class
	// istio-waypoint) and gateways (class istio).
	waypointControllerLabel = `istio\.io-mesh-controller`
	gatewayControllerLabel  = `istio\.io-gateway-controller`
	// envoyPrometheusPort is the port every Envoy-based Istio proxy
	// declares on its istio-proxy container (http-envoy-prom): keeping
	// that one declared port makes one target per pod.
	envoyPrometheusPort = "15090"
)

// The series and meta labels the Istio jobs and rules use.
const (
	recordWaypoint5xx = "destination_service:istio_requests_5xx:ratio_rate5m"

	metaPodPhase     = "__meta_kubernetes_pod_phase"
	metaPodIP        = "__meta_kubernetes_pod_ip"
	metaNamespace    = "__meta_kubernetes_namespace"
	metaPodName      = "__meta_kubernetes_pod_name"
	metaNodeName     = "__meta_kubernetes_pod_node_name"
	metaContainer    = "__meta_kubernetes_pod_container_name"
	metaPortNumber   = "__meta_kubernetes_pod_container_port_number"
	metaManagedLabel = "__meta_kubernetes_pod_label_gateway_istio_io_managed"
	metaGatewayName  = "__meta_kubernetes_pod_label_gateway_networking_k8s_io_gateway_name"
	metaLabelApp     = "__meta_kubernetes_pod_label_app"
	metaLabelIstio   = "__meta_kubernetes_pod_label_istio"
)

// istioScrapeJobs are the scrape jobs of Istio ambient mode, each over
// role pod (one target per pod: the relabelling keeps one declared
// container port and scrapes the pod's IP on IstioMetricsPort):
//
//   - istio-waypoints: waypoint pods (gateway.istio.io/managed
//     istio.io-mesh-controller), the source of the reporter="waypoint"
//     istio_requests_total and istio_request_duration_milliseconds the
//     canary analyses read;
//   - istio-gateways: gateways istiod runs for Gateways of class istio
//     (gateway.istio.io/managed istio.io-gateway-controller) and those of
//     the gateway chart (an "istio" label, such as istio: ingressgateway);
//   - istio-ztunnel: the ztunnel pods in istio-system (app=ztunnel), with
//     the L4 istio_tcp_* metrics.
//
// Only Running pods are scraped (a finished pod's IP may already be
// another pod's). Every series gets the target labels namespace and pod;
// waypoints' and gateways' also gateway (the Gateway's name, or the
// gateway chart's "app" label), ztunnel's node. Pods are reached on
// their IPv4 address, the only family eks.Cluster runs.
func istioScrapeJobs() []promScrapeJob {
	podJob := func(job string, keep []promRelabel, port string, labels ...promRelabel) promScrapeJob {
		rl := []promRelabel{{SourceLabels: []string{metaPodPhase}, Regex: "Running", Action: "keep"}}
		rl = append(rl, keep...)
		rl = append(rl,
			promRelabel{SourceLabels: []string{metaContainer, metaPortNumber}, Regex: "istio-proxy;" + port, Action: "keep"},
			promRelabel{SourceLabels: []string{metaPodIP}, Regex: "(.+)", TargetLabel: "__address__", Replacement: "$1:" + strconv.Itoa(IstioMetricsPort)},
			promRelabel{SourceLabels: []string{metaNamespace}, TargetLabel: "namespace"},
			promRelabel{SourceLabels: []string{metaPodName}, TargetLabel: "pod"},
		)
		return promScrapeJob{
			JobName: job, Scheme: "http", MetricsPath: IstioMetricsPath,
			KubernetesSDConfigs: []promKubernetesSD{{Role: "pod"}},
			RelabelConfigs:      append(rl, labels...),
		}
	}
	// The Gateway's name, when istiod runs the pod for one; a replace
	// whose regex does not match (an empty label) leaves the target alone.
	gatewayName := promRelabel{SourceLabels: []string{metaGatewayName}, Regex: "(.+)", TargetLabel: "gateway"}
	return []promScrapeJob{
		podJob("istio-waypoints",
			[]promRelabel{{SourceLabels: []string{metaManagedLabel}, Regex: waypointControllerLabel, Action: "keep"}},
			envoyPrometheusPort, gatewayName),
		podJob("istio-gateways",
			// Gateways of class istio, or pods of the gateway chart (an
			// "istio" label and no gateway.istio.io/managed, which keeps
			// waypoints out).
			[]promRelabel{{SourceLabels: []string{metaManagedLabel, metaLabelIstio}, Regex: gatewayControllerLabel + ";.*|;.+", Action: "keep"}},
			envoyPrometheusPort,
			promRelabel{SourceLabels: []string{metaLabelApp}, Regex: "(.+)", TargetLabel: "gateway"},
			gatewayName),
		podJob("istio-ztunnel",
			[]promRelabel{{SourceLabels: []string{metaNamespace, metaLabelApp}, Regex: istioSystemNamespace + ";" + ztunnelName, Action: "keep"}},
			strconv.Itoa(IstioMetricsPort),
			promRelabel{SourceLabels: []string{metaNodeName}, TargetLabel: "node"}),
	}
}

// IstioRuleGroup returns the rule group NewMetrics loads with IstioAmbient
// (named IstioRuleGroupName, evaluated every minute):
//
//   - the recording rule destination_service:istio_requests_5xx:ratio_rate5m:
//     per destination service (destination_service_namespace,
//     destination_service_name), the share of the requests its waypoint
//     served (reporter="waypoint", the series the canary analyses read)
//     that were answered with a 5xx, over 5 minutes; a service without
//     5xx has no series;
//   - IstioWaypointErrorRateHigh: that share has been above 5% for 10
//     minutes (warning: the service's owners act; a canary in progress is
//     rolled back by its analysis);
//   - IstioZtunnelUnavailable: the ztunnel DaemonSet in istio-system has
//     had unavailable pods for 10 minutes (critical: meshed pods on those
//     nodes can neither send nor receive), from kube-state-metrics.
func IstioRuleGroup() RuleGroup {
	byService := "sum by (destination_service_namespace, destination_service_name) "
	return RuleGroup{Name: IstioRuleGroupName, Interval: "1m", Rules: []Rule{
		{Record: recordWaypoint5xx, Expr: byService + `(rate(istio_requests_total{reporter="waypoint",response_code=~"5.."}[5m])) / ` +
			byService + `(rate(istio_requests_total{reporter="waypoint"}[5m]))`},
		alertRule("IstioWaypointErrorRateHigh", recordWaypoint5xx+" > 0.05", "10m", SeverityWarning,
			"Service {{ $labels.destination_service_namespace }}/{{ $labels.destination_service_name }} answers with 5xx",
			"{{ $value | humanizePercentage }} of the requests to service {{ $labels.destination_service_namespace }}/{{ $labels.destination_service_name }} through its waypoint failed with a 5xx status over the last 5 minutes."),
		alertRule("IstioZtunnelUnavailable",
			`kube_daemonset_status_number_unavailable{job="kube-state-metrics",namespace="`+istioSystemNamespace+`",daemonset="`+ztunnelName+`"} > 0`,
			"10m", SeverityCritical,
			"ztunnel is not running on every node",
			"{{ $value }} ztunnel pods in "+istioSystemNamespace+" have been unavailable for 10 minutes: ambient pods on their nodes cannot send or receive traffic."),
	}}
}
