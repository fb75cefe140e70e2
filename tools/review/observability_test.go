package review

import (
	"bytes"
	"strings"
	"testing"
)

// obsDoc has what the observability constructs add: a dashboard, three
// alarms (an Average, a p99 and a 10-second one), a composite alarm, a KMS
// key for the logs, a log group, a Prometheus workspace with a collector,
// rules and an alert manager, a Grafana workspace, the CloudWatch
// observability add-on beside another add-on, and a traced function.
const obsDoc = `{
  "resource": {
    "aws_cloudwatch_dashboard": {"ops": {"dashboard_name": "unit", "dashboard_body": "{\"widgets\":[]}"}},
    "aws_cloudwatch_metric_alarm": {
      "errors": {"alarm_name": "errors", "namespace": "AWS/Lambda", "metric_name": "Errors", "statistic": "Sum", "period": 60},
      "latency": {"alarm_name": "latency", "namespace": "AWS/Lambda", "metric_name": "Duration", "extended_statistic": "p99", "period": 300},
      "fast": {"alarm_name": "fast", "namespace": "Unit", "metric_name": "Queue", "statistic": "Maximum", "period": 10}
    },
    "aws_cloudwatch_composite_alarm": {"page": {"alarm_name": "page", "alarm_rule": "ALARM(errors) OR ALARM(latency)"}},
    "aws_kms_key": {"logs": {"enable_key_rotation": true}},
    "aws_cloudwatch_log_group": {"app": {"name": "/unit/app", "retention_in_days": 30, "kms_key_id": "${aws_kms_key.logs.arn}"}},
    "aws_prometheus_workspace": {"amp": {"alias": "unit", "kms_key_arn": "${aws_kms_key.logs.arn}"}},
    "aws_prometheus_scraper": {"collector": {"scrape_configuration": "global: {}", "source": {"eks": {"cluster_arn": "arn:aws:eks:eu-west-1:123456789012:cluster/unit", "subnet_ids": ["subnet-1"]}}, "destination": {"amp": {"workspace_arn": "${aws_prometheus_workspace.amp.arn}"}}}},
    "aws_prometheus_rule_group_namespace": {"rules": {"name": "unit", "workspace_id": "${aws_prometheus_workspace.amp.id}", "data": "groups: []"}},
    "aws_prometheus_alert_manager_definition": {"am": {"workspace_id": "${aws_prometheus_workspace.amp.id}", "definition": "alertmanager_config: ''"}},
    "aws_grafana_workspace": {"grafana": {"account_access_type": "CURRENT_ACCOUNT", "authentication_providers": ["AWS_SSO"], "permission_type": "SERVICE_MANAGED"}},
    "aws_eks_addon": {
      "cw": {"cluster_name": "unit", "addon_name": "amazon-cloudwatch-observability"},
      "cni": {"cluster_name": "unit", "addon_name": "vpc-cni"}
    },
    "aws_lambda_function": {"fn": {"function_name": "unit", "tracing_config": {"mode": "Active"}}}
  }
}`

func TestEstimateObservability(t *testing.T) {
	table := DefaultPrices()
	e := EstimateCost(parseCostDoc(t, obsDoc), table)

	wants := []struct {
		addr, key string
		quantity  float64
	}{
		{"aws_cloudwatch_composite_alarm.page", "cloudwatch-alarm:composite", 1},
		{"aws_cloudwatch_dashboard.ops", "cloudwatch-dashboard", 1},
		{"aws_cloudwatch_metric_alarm.errors", "cloudwatch-alarm:standard", 1},
		{"aws_cloudwatch_metric_alarm.fast", "cloudwatch-alarm:high-resolution", 1},
		{"aws_cloudwatch_metric_alarm.latency", "cloudwatch-alarm:standard", 1}, // a percentile costs what an Average does
		{"aws_kms_key.logs", "kms-key", 1},
		{"aws_prometheus_scraper.collector", "prometheus-collector", 1},
	}
	if len(e.Lines) != len(wants) {
		for _, l := range e.Lines {
			t.Logf("%s %q %v", l.Address, l.What, l.Quantity)
		}
		t.Fatalf("%d lines, want %d", len(e.Lines), len(wants))
	}
	sum := 0.0
	for i, w := range wants {
		l, p := e.Lines[i], mustPrice(t, table, w.key)
		if l.Address != w.addr || l.Quantity != w.quantity || l.UnitUSD != p.USD || !near(l.MonthlyUSD, monthly(table, p, w.quantity)) {
			t.Errorf("line %d = %s %v x $%v = $%v, want %s %v x %s", i, l.Address, l.Quantity, l.UnitUSD, l.MonthlyUSD, w.addr, w.quantity, w.key)
		}
		sum += monthly(table, p, w.quantity)
	}
	if !near(e.MonthlyUSD, sum) {
		t.Errorf("total $%v, want the sum of the prices $%v", e.MonthlyUSD, sum)
	}
	// The figures as the table records them today, written out once: a
	// dashboard $3, two standard alarms $0.10, a high-resolution one $0.30,
	// a composite $0.50, a key $1 and a collector 730 h x $0.04.
	if want := 3 + 0.1 + 0.1 + 0.3 + 0.5 + 1 + 730*0.04; !near(e.MonthlyUSD, want) {
		t.Errorf("total $%v, want $%v (has prices.json changed?)", e.MonthlyUSD, want)
	}
	if len(e.Unpriced) != 0 {
		t.Errorf("unpriced %v", e.Unpriced)
	}

	usage := map[string][]string{}
	for _, u := range e.Usage {
		usage[u.Address] = append(usage[u.Address], u.Basis)
	}
	for addr, want := range map[string]string{
		"aws_cloudwatch_log_group.app":              "GB ingested",
		"aws_prometheus_workspace.amp":              "metric samples ingested",
		"aws_prometheus_scraper.collector":          "samples collected",
		"aws_prometheus_rule_group_namespace.rules": "query samples processed",
		"aws_grafana_workspace.grafana":             "active editor and viewer users",
		"aws_eks_addon.cw":                          "Container Insights observations",
	} {
		if len(usage[addr]) != 1 || !strings.Contains(usage[addr][0], want) {
			t.Errorf("%s: usage %q, want one line with %q", addr, usage[addr], want)
		}
	}
	if fn := usage["aws_lambda_function.fn"]; len(fn) != 2 || !strings.Contains(fn[1], "X-Ray traces") {
		t.Errorf("traced function: usage %q, want requests and GB-seconds, then X-Ray traces", fn)
	}
	for _, addr := range []string{"aws_eks_addon.cni", "aws_prometheus_alert_manager_definition.am", "aws_cloudwatch_dashboard.ops", "aws_kms_key.logs"} {
		if len(usage[addr]) > 0 {
			t.Errorf("%s listed as priced by usage: %q", addr, usage[addr])
		}
	}

	var b bytes.Buffer
	if err := WriteCostMarkdown(&b, e); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| `aws_cloudwatch_dashboard.ops` | CloudWatch dashboard | 1 | $3.00/month | $3.00 |",
		"| `aws_prometheus_scraper.collector` | Amazon Managed Service for Prometheus managed collector (scraper) | 1 | $0.04/hour* | $29.20 |",
		"- `aws_prometheus_workspace.amp`: metric samples ingested",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("cost markdown lacks %q:\n%s", want, b.String())
		}
	}
}

// An untraced function has one usage line; tracing in PassThrough mode is
// not Active either.
func TestUsageWhen(t *testing.T) {
	e := EstimateCost(parseCostDoc(t, `{"resource": {"aws_lambda_function": {
		"plain": {"function_name": "a"},
		"pass": {"function_name": "b", "tracing_config": [{"mode": "PassThrough"}]},
		"traced": {"function_name": "c", "tracing_config": [{"mode": "Active"}]}
	}}}`), DefaultPrices())
	n := map[string]int{}
	for _, u := range e.Usage {
		n[u.Address]++
	}
	if n["aws_lambda_function.plain"] != 1 || n["aws_lambda_function.pass"] != 1 || n["aws_lambda_function.traced"] != 2 {
		t.Errorf("usage lines per function %v, want 1, 1 and 2 (traced, written as a list of one block)", n)
	}
}

func TestAlarmPricing(t *testing.T) {
	table := DefaultPrices()
	std, hi := mustPrice(t, table, "cloudwatch-alarm:standard"), mustPrice(t, table, "cloudwatch-alarm:high-resolution")
	for _, tc := range []struct {
		name, attrs string
		price       Price
		metrics     float64
	}{
		{"average", `{"statistic": "Average", "period": 60}`, std, 1},
		{"percentile", `{"extended_statistic": "p99", "period": 60}`, std, 1},
		{"high resolution", `{"statistic": "Sum", "period": 30}`, hi, 1},
		{"metric math", `{"metric_query": [{"id": "e", "expression": "a/b"}, {"id": "a", "metric": {"metric_name": "A", "period": 60}}, {"id": "b", "metric": {"metric_name": "B", "period": 60}}]}`, std, 2},
		{"anomaly band", `{"metric_query": [{"id": "ad", "expression": "ANOMALY_DETECTION_BAND(m, 2)"}, {"id": "m", "metric": {"metric_name": "M", "period": 300}}]}`, std, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := EstimateCost(parseCostDoc(t, `{"resource": {"aws_cloudwatch_metric_alarm": {"a": `+tc.attrs+`}}}`), table)
			if len(e.Lines) != 1 || e.Lines[0].UnitUSD != tc.price.USD || e.Lines[0].Quantity != tc.metrics {
				t.Fatalf("lines %+v, want %v alarm metrics at $%v", e.Lines, tc.metrics, tc.price.USD)
			}
		})
	}
}

// Adding a dashboard adds its price; adding a Prometheus workspace adds a
// usage-priced line, shown in the review without a figure.
func TestDiffCostObservability(t *testing.T) {
	table := DefaultPrices()
	base := map[string]map[string]any{"aws_sns_topic.alerts": {"name": "alerts"}}
	head := map[string]map[string]any{
		"aws_sns_topic.alerts":             {"name": "alerts"},
		"aws_cloudwatch_dashboard.ops":     {"dashboard_name": "ops", "dashboard_body": "{}"},
		"aws_cloudwatch_metric_alarm.e":    {"alarm_name": "e", "period": 60, "alarm_actions": []any{"${aws_sns_topic.alerts.arn}"}},
		"aws_prometheus_workspace.amp":     {"alias": "ops"},
		"aws_cloudwatch_composite_alarm.c": {"alarm_name": "c", "alarm_rule": "ALARM(e)"},
	}
	rep := pair(t, base, head, nil)
	c := rep.Stacks[0].Cost
	want := mustPrice(t, table, "cloudwatch-dashboard").USD + mustPrice(t, table, "cloudwatch-alarm:standard").USD + mustPrice(t, table, "cloudwatch-alarm:composite").USD
	if !near(c.DeltaUSD, want) || len(c.Added) != 3 || len(c.Unpriced) != 0 {
		t.Fatalf("delta $%v (want $%v), added %+v, unpriced %v", c.DeltaUSD, want, c.Added, c.Unpriced)
	}
	if len(c.AddedUsage) != 1 || c.AddedUsage[0].Address != "aws_prometheus_workspace.amp" || len(c.RemovedUsage) != 0 {
		t.Fatalf("usage added %+v, removed %+v: want the workspace alone", c.AddedUsage, c.RemovedUsage)
	}
	var b bytes.Buffer
	if err := rep.WriteMarkdown(&b, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, s := range []string{
		"| + | `aws_cloudwatch_dashboard.ops` | CloudWatch dashboard | +$3.00 |",
		"| + | `aws_cloudwatch_composite_alarm.c` | CloudWatch composite alarm | +$0.50 |",
		"| + | `aws_prometheus_workspace.amp` | metric samples ingested, GB-month stored and query samples processed (the same with a KMS key) | usage-priced |",
		"| +$3.60 + usage-priced |",
		"#### Cost: $0.00 → $3.60 per month (+$3.60)",
		"Not in it: 1 usage-priced resource(s) added",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("review lacks %q:\n%s", s, out)
		}
	}

	// Taking the workspace away again lists it as removed, without a
	// figure, and the summary shows the fixed change only.
	rep = pair(t, head, base, nil)
	c = rep.Stacks[0].Cost
	if len(c.RemovedUsage) != 1 || len(c.AddedUsage) != 0 || !near(c.DeltaUSD, -want) {
		t.Fatalf("removal: %+v", c)
	}
	b.Reset()
	_ = rep.WriteMarkdown(&b, MarkdownOptions{})
	if !strings.Contains(b.String(), "| - | `aws_prometheus_workspace.amp` |") || !strings.Contains(b.String(), "| -$3.60 |") {
		t.Errorf("removal review:\n%s", b.String())
	}
}

// A usage-priced resource that only changed address costs what it did.
func TestDiffUsageRenameIsNoChange(t *testing.T) {
	line := func(addr, typ, basis string) UsageLine { return UsageLine{Address: addr, Type: typ, Basis: basis} }
	base := []UsageLine{line("aws_s3_bucket.old", "aws_s3_bucket", "GB"), line("aws_sqs_queue.q", "aws_sqs_queue", "requests")}
	head := []UsageLine{line("aws_s3_bucket.new", "aws_s3_bucket", "GB"), line("aws_prometheus_workspace.w", "aws_prometheus_workspace", "samples")}
	added, removed := diffUsage(base, head)
	if len(added) != 1 || added[0].Address != "aws_prometheus_workspace.w" {
		t.Errorf("added %+v, want the workspace alone", added)
	}
	if len(removed) != 1 || removed[0].Address != "aws_sqs_queue.q" {
		t.Errorf("removed %+v, want the queue alone", removed)
	}
	if a, r := diffUsage(head, head); a != nil || r != nil {
		t.Errorf("usage differs from itself: %+v %+v", a, r)
	}
}

// The types the observability work adds, which the snapshots will hold
// once they are regenerated, are curated; their force-new attributes are
// the ones a plan against hashicorp/aws 5.100.0 reported (or the
// Kubernetes provider's schema declares).
func TestForceNewObservabilityTypes(t *testing.T) {
	for _, typ := range []string{
		"aws_cloudwatch_dashboard", "aws_cloudwatch_composite_alarm", "aws_cloudwatch_metric_alarm", "aws_cloudwatch_log_group",
		"aws_kms_key", "aws_prometheus_workspace", "aws_prometheus_scraper", "aws_prometheus_rule_group_namespace",
		"aws_prometheus_alert_manager_definition", "aws_grafana_workspace", "aws_iam_role_policy", "aws_eks_access_entry",
		"aws_eks_addon", "aws_sns_topic_policy", "kubernetes_daemon_set_v1", "kubernetes_daemonset", "kubernetes_config_map_v1",
		"kubernetes_cluster_role_v1", "kubernetes_cluster_role_binding_v1", "kubernetes_service_v1", "kubernetes_network_policy_v1",
		"kubernetes_deployment_v1", "kubernetes_service_account_v1",
	} {
		if !Curated(typ) {
			t.Errorf("%s is not curated in forcenew.go", typ)
		}
	}
	for _, c := range []struct {
		typ, path, want string
	}{
		{"aws_cloudwatch_dashboard", "dashboard_name", "dashboard_name"},
		{"aws_cloudwatch_composite_alarm", "alarm_name", "alarm_name"},
		{"aws_cloudwatch_composite_alarm", "actions_enabled", "actions_enabled"},
		{"aws_prometheus_workspace", "kms_key_arn", "kms_key_arn"},
		{"aws_prometheus_scraper", "source[0].eks[0].subnet_ids[1]", "source"},
		{"aws_prometheus_scraper", "source.0.eks.0.cluster_arn", "source"},
		{"aws_prometheus_rule_group_namespace", "workspace_id", "workspace_id"},
		{"aws_prometheus_alert_manager_definition", "workspace_id", "workspace_id"},
		{"aws_grafana_workspace", "authentication_providers[0]", "authentication_providers"},
		{"aws_sns_topic_policy", "arn", "arn"},
		{"aws_cloudwatch_log_group", "log_group_class", "log_group_class"},
		{"kubernetes_daemon_set_v1", "spec[0].selector[0].match_labels.app", "spec.selector"},
		{"kubernetes_daemon_set_v1", "metadata[0].namespace", "metadata.namespace"},
		{"kubernetes_config_map_v1", "metadata[0].name", "metadata.name"},
		{"kubernetes_cluster_role_binding_v1", "role_ref[0].name", "role_ref"},
		{"kubernetes_cluster_role_v1", "metadata[0].name", "metadata.name"},
	} {
		f, ok := ForcesNew(c.typ, c.path)
		if !ok || f.Path != c.want {
			t.Errorf("%s %s: forces new %v (%q), want %q", c.typ, c.path, ok, f.Path, c.want)
		}
	}
	for _, c := range []struct{ typ, path string }{
		{"aws_cloudwatch_dashboard", "dashboard_body"},
		{"aws_cloudwatch_composite_alarm", "alarm_rule"},
		{"aws_prometheus_workspace", "alias"},
		{"aws_prometheus_workspace", "logging_configuration[0].log_group_arn"},
		{"aws_prometheus_scraper", "scrape_configuration"},
		{"aws_prometheus_scraper", "destination[0].amp[0].workspace_arn"},
		{"aws_prometheus_scraper", "alias"},
		{"aws_prometheus_rule_group_namespace", "data"},
		{"aws_prometheus_alert_manager_definition", "definition"},
		{"aws_grafana_workspace", "data_sources"},
		{"aws_sns_topic_policy", "policy"},
		{"kubernetes_daemon_set_v1", "spec[0].template[0].spec[0].container[0].image"},
		{"kubernetes_config_map_v1", "data.key"},
		{"kubernetes_cluster_role_binding_v1", "subject[0].name"},
		{"kubernetes_cluster_role_v1", "rule[0].verbs"},
	} {
		if f, ok := ForcesNew(c.typ, c.path); ok {
			t.Errorf("%s %s forces new (%s), want an update in place", c.typ, c.path, f.Path)
		}
	}
}

// Destroying or replacing what holds metrics and logs is a data loss, like
// destroying a bucket.
func TestObservabilityDataLoss(t *testing.T) {
	ws := func(key string) map[string]map[string]any {
		return map[string]map[string]any{"aws_prometheus_workspace.amp": {"alias": "ops", "kms_key_arn": key}}
	}
	logs := map[string]map[string]any{"aws_cloudwatch_log_group.app": {"name": "/ops/app", "retention_in_days": 30}}

	wantFinding(t, pair(t, ws("arn:k1"), map[string]map[string]any{}, nil), "aws_prometheus_workspace.amp", ClassDataLoss, High, "metric samples")
	rep := pair(t, ws("arn:k1"), ws("arn:k2"), nil)
	if c := change(t, rep, "app", "aws_prometheus_workspace.amp"); c.Action != Replace {
		t.Fatalf("workspace with a new key: %+v", c)
	}
	wantFinding(t, rep, "aws_prometheus_workspace.amp", ClassDataLoss, High, "`kms_key_arn` changes and forces a new resource")
	wantFinding(t, pair(t, logs, map[string]map[string]any{}, nil), "aws_cloudwatch_log_group.app", ClassDataLoss, High, "log events lost")
	wantFinding(t, pair(t, logs, map[string]map[string]any{"aws_cloudwatch_log_group.app": {"name": "/ops/app2", "retention_in_days": 30}}, nil),
		"aws_cloudwatch_log_group.app", ClassDataLoss, High, "is replaced")
	wantFinding(t, pair(t, map[string]map[string]any{"aws_grafana_workspace.g": {"authentication_providers": []any{"AWS_SSO"}}}, map[string]map[string]any{}, nil),
		"aws_grafana_workspace.g", ClassDataLoss, High, "dashboards")

	// A dashboard is all configuration: destroying it loses nothing the
	// next apply does not restore.
	noFinding(t, pair(t, map[string]map[string]any{"aws_cloudwatch_dashboard.d": {"dashboard_name": "d"}}, map[string]map[string]any{}, nil), "aws_cloudwatch_dashboard.d")
	wantFinding(t, pair(t, map[string]map[string]any{"aws_prometheus_scraper.s": {"alias": "s"}}, map[string]map[string]any{}, nil),
		"aws_prometheus_scraper.s", ClassLoggingOff, Medium, "metrics stop reaching the workspace")
}
