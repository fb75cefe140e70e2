package telemetry_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-cdk-go/cdktf"
	"go.yaml.in/yaml/v3"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/telemetry"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

const topicARN = "arn:aws:sns:eu-west-1:123456789012:platform-alerts"

const (
	region  = "${data.aws_region.awsenv-region.name}"
	account = "${data.aws_caller_identity.awsenv-account.account_id}"
)

// newCluster returns a stack with a cluster "demo" with one node group (or
// only a Fargate profile).
func newCluster(t *testing.T, nodes bool, mod ...func(*eks.ClusterProps)) (cdktf.TerraformStack, *eks.Cluster) {
	t.Helper()
	stack := tftest.NewStack(t)
	vpc, err := network.NewVPC(stack, "net", network.VPCProps{AZCount: 2})
	if err != nil {
		t.Fatal(err)
	}
	props := eks.ClusterProps{Name: "demo", VPC: vpc, Disposable: true}
	if nodes {
		props.NodeGroups = []eks.NodeGroupProps{{Name: "general", MinSize: 1, MaxSize: 3}}
	} else {
		props.FargateProfiles = []eks.FargateProfileProps{{Name: "all", Selectors: []eks.FargateSelector{{Namespace: "kube-system"}, {Namespace: "default"}}}}
	}
	for _, f := range mod {
		f(&props)
	}
	c, err := eks.NewCluster(stack, "cluster", props)
	if err != nil {
		t.Fatal(err)
	}
	return stack, c
}

func newMetrics(t *testing.T, mod func(*telemetry.MetricsProps)) (*telemetry.Metrics, tftest.Doc) {
	t.Helper()
	stack, c := newCluster(t, true)
	props := telemetry.MetricsProps{Cluster: c, AlertTopicARN: topicARN}
	if mod != nil {
		mod(&props)
	}
	m, err := telemetry.NewMetrics(stack, "metrics", props)
	if err != nil {
		t.Fatal(err)
	}
	return m, tftest.Synth(t, stack)
}

func ref(t *testing.T, doc tftest.Doc, typ, part, attr string) string {
	t.Helper()
	return "${" + doc.Address(t, typ, part) + "." + attr + "}"
}

// statements returns a policy document's statements by Sid.
func statements(t *testing.T, policy any) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	stmts, _ := tftest.Policy(t, policy)["Statement"].([]any)
	for i, s := range stmts {
		m := s.(map[string]any)
		sid, _ := m["Sid"].(string)
		if sid == "" {
			sid = string(rune('0' + i))
		}
		out[sid] = m
	}
	return out
}

func TestWorkspaceEncryptedAndLogging(t *testing.T) {
	m, doc := newMetrics(t, nil)
	ws := doc.One(t, "aws_prometheus_workspace", "metrics_workspace")
	cluster := ref(t, doc, "aws_eks_cluster", "cluster", "name")
	if ws["alias"] != cluster {
		t.Errorf("alias = %v, want the cluster's name %s", ws["alias"], cluster)
	}
	key := ref(t, doc, "aws_kms_key", "metrics_key", "arn")
	if ws["kms_key_arn"] != key {
		t.Errorf("kms_key_arn = %v, want the workspace's own key %s", ws["kms_key_arn"], key)
	}
	logging := tftest.Block(ws, "logging_configuration")
	if want := "${" + doc.Address(t, "aws_cloudwatch_log_group", "metrics_log-group") + ".arn}:*"; logging["log_group_arn"] != want {
		t.Errorf("logging_configuration = %v, want log_group_arn %s", logging, want)
	}
	k := doc.One(t, "aws_kms_key", "metrics_key")
	if k["enable_key_rotation"] != true || k["deletion_window_in_days"] != float64(30) || tftest.Block(k, "lifecycle")["prevent_destroy"] != true {
		t.Errorf("key = %v, want rotation, 30-day window and prevent_destroy", k)
	}
	if tftest.Block(ws, "lifecycle")["prevent_destroy"] != true {
		t.Errorf("workspace lifecycle = %v, want prevent_destroy", ws["lifecycle"])
	}
	if a := doc.One(t, "aws_kms_alias", "metrics_key-alias"); a["name"] != "alias/prometheus/test-metrics" {
		t.Errorf("key alias = %v", a["name"])
	}
	lg := doc.One(t, "aws_cloudwatch_log_group", "metrics_log-group")
	if lg["name"] != "/aws/vendedlogs/prometheus/test-metrics" || lg["retention_in_days"] != float64(90) || lg["kms_key_id"] == nil {
		t.Errorf("log group = %v, want /aws/vendedlogs/prometheus/test-metrics, 90 days, encrypted", lg)
	}
	if m.WorkspaceARN() == "" || m.WorkspaceID() == "" || m.PrometheusEndpoint() == "" || m.KMSKeyARN() == "" || m.LogGroupName() == "" ||
		m.ScraperRoleARN() == "" || m.Workspace() == nil || m.Scraper() == nil {
		t.Errorf("accessors must return the workspace's attributes")
	}

	t.Run("disposable", func(t *testing.T) {
		_, doc := newMetrics(t, func(p *telemetry.MetricsProps) { p.Disposable = true })
		if k := doc.One(t, "aws_kms_key", "metrics_key"); k["deletion_window_in_days"] != float64(7) || k["lifecycle"] != nil {
			t.Errorf("disposable key = %v", k)
		}
		if ws := doc.One(t, "aws_prometheus_workspace", "metrics"); ws["lifecycle"] != nil {
			t.Errorf("disposable workspace lifecycle = %v", ws["lifecycle"])
		}
	})
}

// scrapeConfig is the part of a Prometheus configuration the tests read.
type scrapeConfig struct {
	Global struct {
		ScrapeInterval string            `yaml:"scrape_interval"`
		ExternalLabels map[string]string `yaml:"external_labels"`
	} `yaml:"global"`
	ScrapeConfigs []struct {
		JobName       string `yaml:"job_name"`
		Scheme        string `yaml:"scheme"`
		Authorization *struct {
			Type            string `yaml:"type"`
			CredentialsFile string `yaml:"credentials_file"`
		} `yaml:"authorization"`
		KubernetesSDConfigs []struct {
			Role string `yaml:"role"`
		} `yaml:"kubernetes_sd_configs"`
		RelabelConfigs []struct {
			SourceLabels []string `yaml:"source_labels"`
			Regex        string   `yaml:"regex"`
			TargetLabel  string   `yaml:"target_label"`
			Replacement  string   `yaml:"replacement"`
			Action       string   `yaml:"action"`
		} `yaml:"relabel_configs"`
	} `yaml:"scrape_configs"`
}

func parseScrapeConfig(t *testing.T, s any) scrapeConfig {
	t.Helper()
	var c scrapeConfig
	text, _ := s.(string)
	if err := yaml.Unmarshal([]byte(text), &c); err != nil {
		t.Fatalf("scrape configuration is not YAML: %v\n%s", err, text)
	}
	return c
}

func TestScraper(t *testing.T) {
	_, doc := newMetrics(t, nil)
	scraper := doc.One(t, "aws_prometheus_scraper", "metrics_scraper")
	cluster := doc.Address(t, "aws_eks_cluster", "cluster")
	src := tftest.Block(tftest.Block(scraper, "source"), "eks")
	sg := ref(t, doc, "aws_security_group", "metrics_scraper-security-group", "id")
	if src["cluster_arn"] != "${"+cluster+".arn}" || src["subnet_ids"] != "${tolist("+cluster+".vpc_config[0].subnet_ids)}" ||
		!reflect.DeepEqual(tftest.Strings(src["security_group_ids"]), []string{sg}) {
		t.Errorf("source.eks = %v, want the cluster, its (private) subnets and the scraper's group %s", src, sg)
	}
	if dst := tftest.Block(tftest.Block(scraper, "destination"), "amp"); dst["workspace_arn"] != ref(t, doc, "aws_prometheus_workspace", "metrics", "arn") {
		t.Errorf("destination.amp = %v", dst)
	}
	if scraper["alias"] != "${"+cluster+".name}" {
		t.Errorf("alias = %v", scraper["alias"])
	}

	t.Run("scrape configuration", func(t *testing.T) {
		c := parseScrapeConfig(t, scraper["scrape_configuration"])
		if c.Global.ScrapeInterval != "30s" || c.Global.ExternalLabels["cluster"] != "${"+cluster+".name}" {
			t.Errorf("global = %+v", c.Global)
		}
		var jobs []string
		for _, j := range c.ScrapeConfigs {
			jobs = append(jobs, j.JobName)
			https := j.Scheme == "https"
			if https != (j.Authorization != nil) || (https && (j.Authorization.Type != "Bearer" || j.Authorization.CredentialsFile != "/var/run/secrets/kubernetes.io/serviceaccount/token")) {
				t.Errorf("job %s: scheme %s, authorization %+v; HTTPS jobs use the collector's token", j.JobName, j.Scheme, j.Authorization)
			}
			if len(j.RelabelConfigs) == 0 || len(j.KubernetesSDConfigs) != 1 {
				t.Errorf("job %s has no relabeling or not one service discovery", j.JobName)
			}
		}
		if want := []string{"kubernetes-apiservers", "kubelet", "cadvisor", "kube-state-metrics"}; !reflect.DeepEqual(jobs, want) {
			t.Fatalf("jobs = %v, want %v", jobs, want)
		}
		api := c.ScrapeConfigs[0]
		if api.KubernetesSDConfigs[0].Role != "endpoints" || api.RelabelConfigs[0].Action != "keep" || api.RelabelConfigs[0].Regex != "default;kubernetes;https" {
			t.Errorf("kubernetes-apiservers = %+v", api)
		}
		for i, path := range []string{"/metrics", "/metrics/cadvisor"} {
			j := c.ScrapeConfigs[1+i]
			var address, metricsPath string
			for _, rl := range j.RelabelConfigs {
				switch rl.TargetLabel {
				case "__address__":
					address = rl.Replacement
				case "__metrics_path__":
					metricsPath = rl.Replacement
				}
			}
			if j.KubernetesSDConfigs[0].Role != "node" || address != "kubernetes.default.svc:443" || metricsPath != "/api/v1/nodes/$1/proxy"+path {
				t.Errorf("job %s: role %s, address %q, path %q; want nodes through the API server's proxy", j.JobName, j.KubernetesSDConfigs[0].Role, address, metricsPath)
			}
		}
		ksm := c.ScrapeConfigs[3]
		if ksm.Scheme != "http" || ksm.RelabelConfigs[0].Action != "keep" || ksm.RelabelConfigs[0].Regex != "observability;kube-state-metrics;http-metrics" ||
			strings.Join(ksm.RelabelConfigs[0].SourceLabels, ",") != "__meta_kubernetes_namespace,__meta_kubernetes_service_name,__meta_kubernetes_endpoint_port_name" {
			t.Errorf("kube-state-metrics = %+v", ksm)
		}
	})

	t.Run("security group opens the metrics ports only", func(t *testing.T) {
		clusterSG := "${" + cluster + ".vpc_config[0].cluster_security_group_id}"
		var egress, ingress []string
		for _, r := range doc.Resources("aws_vpc_security_group_egress_rule") {
			if r["security_group_id"] == sg {
				if r["referenced_security_group_id"] != clusterSG {
					t.Errorf("scraper egress to %v, want the cluster security group", r["referenced_security_group_id"])
				}
				egress = append(egress, jsonNumber(r["from_port"])+"-"+jsonNumber(r["to_port"]))
			}
		}
		for _, r := range doc.Resources("aws_vpc_security_group_ingress_rule") {
			if r["referenced_security_group_id"] == sg {
				if r["security_group_id"] != clusterSG {
					t.Errorf("ingress from the scraper on %v, want the cluster security group", r["security_group_id"])
				}
				ingress = append(ingress, jsonNumber(r["from_port"])+"-"+jsonNumber(r["to_port"]))
			}
		}
		sort.Strings(egress)
		sort.Strings(ingress)
		want := []string{"443-443", "8080-8080"}
		if !reflect.DeepEqual(egress, want) || !reflect.DeepEqual(ingress, want) {
			t.Errorf("egress %v, ingress %v; want %v (no kubelet port: the API server proxies it)", egress, ingress, want)
		}
		group := doc.One(t, "aws_security_group", "scraper-security-group")
		if group["vpc_id"] != "${"+cluster+".vpc_config[0].vpc_id}" || group["egress"] != nil || group["ingress"] != nil {
			t.Errorf("scraper security group = %v", group)
		}
	})

	t.Run("writes to the encrypted workspace through its own roles", func(t *testing.T) {
		rc := tftest.Block(scraper, "role_configuration")
		source, target := ref(t, doc, "aws_iam_role", "scraper-source-role", "arn"), ref(t, doc, "aws_iam_role", "scraper-target-role", "arn")
		if rc["source_role_arn"] != source || rc["target_role_arn"] != target {
			t.Fatalf("role_configuration = %v", rc)
		}
		scrapers := "arn:${data.aws_partition.awsenv-partition.partition}:aps:" + region + ":" + account + ":scraper/*"
		trust := statements(t, doc.One(t, "aws_iam_role", "scraper-source-role")["assume_role_policy"])["0"]
		cond, _ := json.Marshal(trust["Condition"])
		if trust["Principal"].(map[string]any)["Service"] != "scraper.aps.amazonaws.com" ||
			string(cond) != `{"ArnLike":{"aws:SourceArn":"`+scrapers+`"},"StringEquals":{"aws:SourceAccount":"`+account+`"}}` {
			t.Errorf("source role trust = %v", trust)
		}
		trust = statements(t, doc.One(t, "aws_iam_role", "scraper-target-role")["assume_role_policy"])["0"]
		if trust["Principal"].(map[string]any)["AWS"] != source || trust["Condition"].(map[string]any)["StringLike"].(map[string]any)["sts:ExternalId"] != scrapers {
			t.Errorf("target role trust = %v", trust)
		}
		write := statements(t, doc.One(t, "aws_iam_role_policy", "scraper-target-role-write")["policy"])
		if w := write["RemoteWrite"]; one(w["Action"]) != "aps:RemoteWrite" || one(w["Resource"]) != ref(t, doc, "aws_prometheus_workspace", "metrics", "arn") {
			t.Errorf("remote write = %v", w)
		}
		if k := write["UseWorkspaceKey"]; one(k["Resource"]) != ref(t, doc, "aws_kms_key", "metrics_key", "arn") {
			t.Errorf("key use = %v", k)
		}
		assume := statements(t, doc.One(t, "aws_iam_role_policy", "scraper-source-role-assume")["policy"])["AssumeWriterRole"]
		if one(assume["Action"]) != "sts:AssumeRole" || one(assume["Resource"]) != target {
			t.Errorf("source role may assume %v", assume)
		}
		deps := tftest.Strings(scraper["depends_on"])
		if len(deps) != 2 {
			t.Errorf("scraper depends_on = %v, want both role policies", deps)
		}
	})

	t.Run("no access entry of its own", func(t *testing.T) {
		// Creating the scraper creates its access entry (authentication
		// mode API); a second one for the same role would fail.
		if entries := doc.Resources("aws_eks_access_entry"); len(entries) != 0 {
			t.Errorf("access entries = %v", entries)
		}
		if telemetry.ScraperKubernetesUser != "aps-collector-user" {
			t.Errorf("ScraperKubernetesUser = %q", telemetry.ScraperKubernetesUser)
		}
	})
}

// one returns a policy element that must hold exactly one string, or "".
func one(v any) string {
	if s := tftest.Strings(v); len(s) == 1 {
		return s[0]
	}
	s, _ := v.(string)
	return s
}

func jsonNumber(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestKafkaScrapesTheExporterAndAlertsOnLag(t *testing.T) {
	m, doc := newMetrics(t, func(p *telemetry.MetricsProps) { p.Kafka = &telemetry.KafkaProps{LagThreshold: 500} })
	c := parseScrapeConfig(t, doc.One(t, "aws_prometheus_scraper", "metrics")["scrape_configuration"])
	last := c.ScrapeConfigs[len(c.ScrapeConfigs)-1]
	if last.JobName != "kafka-exporter" || last.RelabelConfigs[0].Regex != "observability;kafka-exporter;metrics" {
		t.Errorf("last job = %+v, want kafka-exporter", last)
	}
	var ports []string
	for _, r := range doc.Resources("aws_vpc_security_group_ingress_rule") {
		ports = append(ports, jsonNumber(r["from_port"]))
	}
	if !slices.Contains(ports, "9308") {
		t.Errorf("ingress ports %v, want kafka_exporter's 9308", ports)
	}
	var found bool
	for _, g := range m.RuleGroups() {
		for _, r := range g.Rules {
			if r.Alert == "KafkaConsumerLagHigh" {
				found = strings.HasSuffix(r.Expr, " > 500")
			}
		}
	}
	if !found {
		t.Errorf("KafkaConsumerLagHigh with threshold 500 missing: %+v", m.RuleGroups())
	}
}

// ruleDoc is a rule groups namespace's document.
type ruleDoc struct {
	Groups []telemetry.RuleGroup `yaml:"groups"`
}

func TestRulesNamespace(t *testing.T) {
	_, doc := newMetrics(t, nil)
	ns := doc.One(t, "aws_prometheus_rule_group_namespace", "metrics_rules")
	if ns["name"] != telemetry.RuleNamespace || ns["workspace_id"] != ref(t, doc, "aws_prometheus_workspace", "metrics", "id") {
		t.Errorf("namespace = %v", ns)
	}
	var rules ruleDoc
	if err := yaml.Unmarshal([]byte(ns["data"].(string)), &rules); err != nil {
		t.Fatalf("rules are not YAML: %v", err)
	}
	recorded := map[string]bool{}
	var alerts []string
	for _, g := range rules.Groups {
		if g.Name == "" || len(g.Rules) == 0 {
			t.Errorf("group %+v has no name or rules", g)
		}
		for _, r := range g.Rules {
			if strings.TrimSpace(r.Expr) == "" || (r.Alert == "") == (r.Record == "") {
				t.Errorf("rule %+v: want an expression and exactly one of alert and record", r)
			}
			if r.Record != "" {
				recorded[r.Record] = true
				continue
			}
			alerts = append(alerts, r.Alert)
			if r.For == "" || r.Labels["severity"] == "" || r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
				t.Errorf("alert %s: for %q, labels %v, annotations %v; want all of for, severity, summary and description", r.Alert, r.For, r.Labels, r.Annotations)
			}
		}
	}
	want := []string{"KubePodCrashLooping", "KubeHPAMaxedOut", "KubePersistentVolumeFillingUp", "KubeNodeNotReady", "KubeAPIServerErrors"}
	if !reflect.DeepEqual(alerts, want) {
		t.Errorf("alerts = %v, want %v (no Kafka rules without Kafka)", alerts, want)
	}
	// Every recorded series an alert reads is recorded.
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			for _, f := range strings.FieldsFunc(r.Expr, func(c rune) bool { return !(c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') }) {
				if strings.Count(f, ":") == 2 && !recorded[f] {
					t.Errorf("%s%s reads %s, which no rule records", r.Alert, r.Record, f)
				}
			}
		}
	}
	for _, name := range []string{"namespace_pod:kube_pod_container_status_restarts:increase15m", "cluster:apiserver_request_errors:ratio_rate5m",
		"namespace_persistentvolumeclaim:kubelet_volume_stats_available:ratio"} {
		if !recorded[name] {
			t.Errorf("recording rule %s missing", name)
		}
	}
	data := ns["data"].(string)
	for _, expr := range []string{
		`increase(kube_pod_container_status_restarts_total{job="kube-state-metrics"}[15m])`,
		`kube_horizontalpodautoscaler_status_current_replicas{job="kube-state-metrics"}`,
		`kube_horizontalpodautoscaler_spec_max_replicas{job="kube-state-metrics"}`,
		`kubelet_volume_stats_available_bytes{job="kubelet"} / kubelet_volume_stats_capacity_bytes{job="kubelet"}`,
		`kube_node_status_condition{job="kube-state-metrics",condition="Ready",status="true"} == 0`,
		`apiserver_request_total{job="kubernetes-apiservers",code=~"5.."}`,
	} {
		if !strings.Contains(data, expr) {
			t.Errorf("rules lack %s", expr)
		}
	}

	t.Run("own groups come after the defaults", func(t *testing.T) {
		own := telemetry.RuleGroup{Name: "orders", Rules: []telemetry.Rule{{Alert: "OrdersDown", Expr: `up{job="orders"} == 0`, For: "5m",
			Labels: map[string]string{"severity": telemetry.SeverityCritical}, Annotations: map[string]string{"summary": "Orders is down"}}}}
		m, doc := newMetrics(t, func(p *telemetry.MetricsProps) { p.RuleGroups = []telemetry.RuleGroup{own} })
		var rules ruleDoc
		if err := yaml.Unmarshal([]byte(doc.One(t, "aws_prometheus_rule_group_namespace", "rules")["data"].(string)), &rules); err != nil {
			t.Fatal(err)
		}
		if n := len(rules.Groups); n != 3 || rules.Groups[2].Name != "orders" || len(m.RuleGroups()) != 3 {
			t.Errorf("groups = %+v", rules.Groups)
		}
	})
}

// alertmanagerDoc is a workspace's Alertmanager definition.
type alertmanagerDoc struct {
	Config string `yaml:"alertmanager_config"`
}

type alertmanagerConfig struct {
	Route struct {
		Receiver string   `yaml:"receiver"`
		GroupBy  []string `yaml:"group_by"`
	} `yaml:"route"`
	Receivers []struct {
		Name       string `yaml:"name"`
		SNSConfigs []struct {
			TopicARN string `yaml:"topic_arn"`
			SigV4    struct {
				Region string `yaml:"region"`
			} `yaml:"sigv4"`
		} `yaml:"sns_configs"`
	} `yaml:"receivers"`
}

func TestAlertsGoToTheTopic(t *testing.T) {
	_, doc := newMetrics(t, nil)
	am := doc.One(t, "aws_prometheus_alert_manager_definition", "metrics_alertmanager")
	if am["workspace_id"] != ref(t, doc, "aws_prometheus_workspace", "metrics", "id") {
		t.Errorf("workspace_id = %v", am["workspace_id"])
	}
	var def alertmanagerDoc
	if err := yaml.Unmarshal([]byte(am["definition"].(string)), &def); err != nil || def.Config == "" {
		t.Fatalf("definition = %v (%v), want alertmanager_config", am["definition"], err)
	}
	var cfg alertmanagerConfig
	if err := yaml.Unmarshal([]byte(def.Config), &cfg); err != nil {
		t.Fatalf("alertmanager_config is not YAML: %v", err)
	}
	if cfg.Route.Receiver != telemetry.AlertmanagerReceiver || len(cfg.Receivers) != 1 || cfg.Receivers[0].Name != cfg.Route.Receiver ||
		len(cfg.Receivers[0].SNSConfigs) != 1 {
		t.Fatalf("alertmanager config = %+v, want every alert to one SNS receiver", cfg)
	}
	sns := cfg.Receivers[0].SNSConfigs[0]
	if sns.TopicARN != topicARN || sns.SigV4.Region != region {
		t.Errorf("sns_configs = %+v, want topic %s in region %s", sns, topicARN, region)
	}

	t.Run("topic policy", func(t *testing.T) {
		p := doc.One(t, "aws_sns_topic_policy", "metrics_alert-topic-policy")
		if p["arn"] != topicARN {
			t.Errorf("arn = %v", p["arn"])
		}
		stmts := statements(t, p["policy"])
		amp := stmts["PrometheusAlertmanagerPublish"]
		cond, _ := json.Marshal(amp["Condition"])
		if amp["Principal"].(map[string]any)["Service"] != "aps.amazonaws.com" || one(amp["Resource"]) != topicARN ||
			string(cond) != `{"ArnEquals":{"aws:SourceArn":"`+ref(t, doc, "aws_prometheus_workspace", "metrics", "arn")+`"},"StringEquals":{"aws:SourceAccount":"`+account+`"}}` {
			t.Errorf("Alertmanager statement = %v", amp)
		}
		if cw := stmts["CloudWatchAlarmsPublish"]; cw["Principal"].(map[string]any)["Service"] != "cloudwatch.amazonaws.com" || one(cw["Action"]) != "SNS:Publish" {
			t.Errorf("the account's alarms must keep publishing: %v", cw)
		}
		if stmts["AccountAdministersTopic"] == nil || len(stmts) != 3 {
			t.Errorf("statements = %v", stmts)
		}
	})

	t.Run("external topic policy", func(t *testing.T) {
		m, doc := newMetrics(t, func(p *telemetry.MetricsProps) { p.ExternalTopicPolicy = true })
		if ps := doc.Resources("aws_sns_topic_policy"); len(ps) != 0 {
			t.Errorf("topic policies = %v", ps)
		}
		if st := m.TopicPolicyStatement(topicARN); st.Sid != "PrometheusAlertmanagerPublish" || st.Resources[0] != topicARN {
			t.Errorf("TopicPolicyStatement = %+v", st)
		}
	})
}

func TestContainerInsights(t *testing.T) {
	m, doc := newMetrics(t, nil)
	addon := doc.One(t, "aws_eks_addon", "metrics_container-insights")
	role := ref(t, doc, "aws_iam_role", "metrics_cloudwatch-agent", "arn")
	if addon["addon_name"] != eks.AddonCloudWatchObservability || addon["addon_version"] != "v4.5.0-eksbuild.1" ||
		addon["service_account_role_arn"] != role || addon["cluster_name"] != ref(t, doc, "aws_eks_cluster", "cluster", "name") {
		t.Errorf("add-on = %v", addon)
	}
	var cfg map[string]any
	if err := json.Unmarshal([]byte(addon["configuration_values"].(string)), &cfg); err != nil {
		t.Fatal(err)
	}
	logs := cfg["containerLogs"].(map[string]any)
	k8s := cfg["agent"].(map[string]any)["config"].(map[string]any)["logs"].(map[string]any)["metrics_collected"].(map[string]any)["kubernetes"].(map[string]any)
	if logs["enabled"] != false || k8s["enhanced_container_insights"] != true {
		t.Errorf("configuration = %v, want container logs off and enhanced observability on", cfg)
	}
	deps := tftest.Strings(addon["depends_on"])
	var nodes, attachments int
	for _, d := range deps {
		nodes += strings.Count(d, "aws_eks_node_group.")
		attachments += strings.Count(d, "aws_iam_role_policy_attachment.")
	}
	if nodes != 1 || attachments != 2 {
		t.Errorf("add-on depends_on = %v, want the node group and the role's two policies", deps)
	}

	trust := statements(t, doc.One(t, "aws_iam_role", "metrics_cloudwatch-agent")["assume_role_policy"])["0"]
	cond, _ := json.Marshal(trust["Condition"])
	if !strings.Contains(string(cond), `"system:serviceaccount:amazon-cloudwatch:cloudwatch-agent"`) {
		t.Errorf("agent role trust = %s", cond)
	}
	var policies []string
	for _, a := range doc.Resources("aws_iam_role_policy_attachment") {
		if a["role"] == ref(t, doc, "aws_iam_role", "metrics_cloudwatch-agent", "name") {
			policies = append(policies, a["policy_arn"].(string))
		}
	}
	sort.Strings(policies)
	partition := "arn:${data.aws_partition.awsenv-partition.partition}:iam::aws:policy/"
	if want := []string{partition + "AWSXrayWriteOnlyAccess", partition + "CloudWatchAgentServerPolicy"}; !reflect.DeepEqual(policies, want) {
		t.Errorf("agent policies = %v, want %v", policies, want)
	}
	if m.ContainerInsights() == nil || m.AgentRole() == nil {
		t.Errorf("ContainerInsights and AgentRole must return the add-on and its role")
	}

	t.Run("off", func(t *testing.T) {
		m, doc := newMetrics(t, func(p *telemetry.MetricsProps) { p.DisableContainerInsights = true })
		if addons := doc.Resources("aws_eks_addon"); len(addons) != 5 || m.ContainerInsights() != nil {
			t.Errorf("add-ons = %v, want the cluster's five only", len(addons))
		}
	})
	t.Run("Fargate-only cluster", func(t *testing.T) {
		stack, c := newCluster(t, false)
		_, err := telemetry.NewMetrics(stack, "metrics", telemetry.MetricsProps{Cluster: c, AlertTopicARN: topicARN})
		if !errors.Is(err, validate.ErrInvalid) || !strings.Contains(err.Error(), `telemetry "test/metrics": DisableContainerInsights is false but cluster "test/cluster" has no EC2 nodes`) {
			t.Errorf("err = %v", err)
		}
		if _, err := telemetry.NewMetrics(stack, "metrics-without-agent", telemetry.MetricsProps{Cluster: c, AlertTopicARN: topicARN, DisableContainerInsights: true}); err != nil {
			t.Errorf("Fargate-only cluster without Container Insights: %v", err)
		}
	})
	t.Run("not through the cluster's add-ons", func(t *testing.T) {
		stack := tftest.NewStack(t)
		vpc, err := network.NewVPC(stack, "net", network.VPCProps{AZCount: 2})
		if err != nil {
			t.Fatal(err)
		}
		_, err = eks.NewCluster(stack, "cluster", eks.ClusterProps{VPC: vpc, NodeGroups: []eks.NodeGroupProps{{Name: "g", MaxSize: 2}},
			Addons: []eks.AddonProps{{Name: eks.AddonVPCCNI}, {Name: eks.AddonCloudWatchObservability}}})
		if !errors.Is(err, validate.ErrInvalid) || !strings.Contains(err.Error(), `Addons[1].Name "amazon-cloudwatch-observability" is installed by telemetry.NewMetrics`) {
			t.Errorf("err = %v", err)
		}
	})
}

func TestMetricsValidation(t *testing.T) {
	badRule := telemetry.RuleGroup{Name: "kubernetes-alerts", Rules: []telemetry.Rule{
		{Alert: "bad name", Expr: "sum(rate(x[5m])", For: "5 minutes", Annotations: map[string]string{"summary": "${var.x}"}},
	}}
	cases := []struct {
		name string
		mod  func(*telemetry.MetricsProps)
		want []string
	}{
		{"nil cluster", func(p *telemetry.MetricsProps) { p.Cluster = nil }, []string{`telemetry "test/metrics": Cluster is nil`}},
		{"no topic", func(p *telemetry.MetricsProps) { p.AlertTopicARN = "" }, []string{`telemetry "test/metrics": AlertTopicARN is empty`}},
		{"bad topic", func(p *telemetry.MetricsProps) { p.AlertTopicARN = "alerts" }, []string{`AlertTopicARN "alerts" is not an SNS topic ARN`}},
		{"fast scrape", func(p *telemetry.MetricsProps) { p.ScrapeIntervalSeconds = 10 }, []string{`ScrapeIntervalSeconds 10 is out of range`}},
		{"retention", func(p *telemetry.MetricsProps) { p.LogRetentionDays = 2 }, []string{`LogRetentionDays 2 is not a CloudWatch Logs retention`}},
		{"kube-state-metrics", func(p *telemetry.MetricsProps) {
			p.KubeStateMetrics = telemetry.ScrapeTarget{Namespace: "Observability", Service: "ksm", PortName: "http_metrics", Port: 0}
		}, []string{`KubeStateMetrics.Namespace "Observability" is not a namespace name`, `KubeStateMetrics.PortName "http_metrics" is not a port name`, `KubeStateMetrics.Port 0 is not a TCP port`}},
		{"kafka", func(p *telemetry.MetricsProps) {
			p.Kafka = &telemetry.KafkaProps{LagThreshold: -1, Exporter: telemetry.ScrapeTarget{Namespace: "kafka", Service: "9exporter", PortName: "metrics", Port: 70000}}
		}, []string{`Kafka.LagThreshold -1 is negative`, `Kafka.Exporter.Service "9exporter" is not a Service name`, `Kafka.Exporter.Port 70000 is not a TCP port`}},
		{"rules", func(p *telemetry.MetricsProps) { p.RuleGroups = []telemetry.RuleGroup{badRule} }, []string{
			`RuleGroups[2].Name "kubernetes-alerts" is already the name of RuleGroups[1]`,
			`RuleGroups[2].Rules[0].Alert "bad name" is not an alert name`,
			`RuleGroups[2].Rules[0].Expr "sum(rate(x[5m])" has 1 unclosed bracket(s)`,
			`RuleGroups[2].Rules[0].For "5 minutes" is not a Prometheus duration`,
			`RuleGroups[2].Rules[0].Annotations[summary] "${var.x}" contains "${"`,
			`RuleGroups[2].Rules[0].Labels severity "": an alert needs the label severity`,
		}},
		{"add-on version", func(p *telemetry.MetricsProps) { p.ContainerInsightsVersion = "4.5" }, []string{`ContainerInsightsVersion "4.5" is not an add-on version`}},
		{"tags", func(p *telemetry.MetricsProps) { p.Tags = map[string]string{"aws:team": "x"} }, []string{`Tags key "aws:team" uses the reserved aws: prefix`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stack, c := newCluster(t, true)
			props := telemetry.MetricsProps{Cluster: c, AlertTopicARN: topicARN}
			tc.mod(&props)
			m, err := telemetry.NewMetrics(stack, "metrics", props)
			if m != nil || !errors.Is(err, validate.ErrInvalid) {
				t.Fatalf("NewMetrics = %v, %v; want an invalid-props error", m, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if n := len(validate.Fields(err)); n != len(tc.want) {
				t.Errorf("%d problems, want %d:\n%v", n, len(tc.want), err)
			}
			if stack.Node().TryFindChild(ptrTo("metrics")) != nil {
				t.Errorf("a construct was created despite the errors")
			}
		})
	}

	t.Run("nil scope", func(t *testing.T) {
		_, err := telemetry.NewMetrics(nil, "metrics", telemetry.MetricsProps{})
		if !errors.Is(err, validate.ErrInvalid) || !strings.Contains(err.Error(), "scope is nil") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("cluster of another stack", func(t *testing.T) {
		_, c := newCluster(t, true)
		other := cdktf.NewTerraformStack(cdktf.Testing_App(nil), ptrTo("other"))
		_, err := telemetry.NewMetrics(other, "metrics", telemetry.MetricsProps{Cluster: c, AlertTopicARN: topicARN})
		if !errors.Is(err, validate.ErrInvalid) || !strings.Contains(err.Error(), `Cluster "test/cluster" is in another stack`) {
			t.Errorf("err = %v", err)
		}
	})
}

func ptrTo(s string) *string { return &s }
