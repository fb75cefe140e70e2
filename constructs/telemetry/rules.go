package telemetry

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// The severities an alert's "severity" label takes.
const (
	// SeverityCritical pages: the platform is failing or about to.
	SeverityCritical = "critical"
	// SeverityWarning wants attention within the working day.
	SeverityWarning = "warning"
	// SeverityInfo is for the record.
	SeverityInfo = "info"
)

// RuleNamespace is the name of the rule groups namespace NewMetrics
// creates in its workspace.
const RuleNamespace = "kubernetes"

// DefaultKafkaLagThreshold is the consumer lag, in messages per consumer
// group and topic, above which KafkaConsumerLagHigh fires by default.
const DefaultKafkaLagThreshold = 1000

// RuleGroup is a Prometheus rule group: rules evaluated together, in
// order, every Interval.
type RuleGroup struct {
	// Name identifies the group in its namespace. Required.
	Name string `yaml:"name"`
	// Interval is how often the rules are evaluated, a Prometheus
	// duration such as "1m".
	// Default: - the workspace's evaluation interval (1m)
	Interval string `yaml:"interval,omitempty"`
	// Rules are the group's recording and alert rules. Required.
	Rules []Rule `yaml:"rules"`
}

// Rule is one recording rule (Record) or alert rule (Alert).
type Rule struct {
	// Record names the series a recording rule writes, such as
	// "namespace_pod:kube_pod_container_status_restarts:increase15m".
	// Exactly one of Record and Alert is set.
	Record string `yaml:"record,omitempty"`
	// Alert names an alert rule, such as "KubeNodeNotReady".
	Alert string `yaml:"alert,omitempty"`
	// Expr is the PromQL expression. Required.
	Expr string `yaml:"expr"`
	// For is how long Expr must hold before the alert fires, a Prometheus
	// duration such as "15m" (alerts only).
	// Default: - fires at the first evaluation
	For string `yaml:"for,omitempty"`
	// Labels are added to the alert or the recorded series. An alert must
	// carry "severity": SeverityCritical, SeverityWarning or SeverityInfo.
	Labels map[string]string `yaml:"labels,omitempty"`
	// Annotations describe an alert: "summary" (required for alerts) and
	// "description", which may use {{ $labels.<name> }} and {{ $value }}.
	// Default: - none (recording rules take none)
	Annotations map[string]string `yaml:"annotations,omitempty"`
}

// ruleFile is the document a rule groups namespace holds.
type promRuleFile struct {
	Groups []RuleGroup `yaml:"groups"`
}

// The recorded series the default alerts read.
const (
	recordRestarts      = "namespace_pod:kube_pod_container_status_restarts:increase15m"
	recordVolumeFree    = "namespace_persistentvolumeclaim:kubelet_volume_stats_available:ratio"
	recordAPIErrors     = "cluster:apiserver_request_errors:ratio_rate5m"
	recordConsumerGroup = "consumergroup_topic:kafka_consumergroup_lag:sum"
)

// DefaultRuleGroups returns the rules NewMetrics loads into the workspace,
// for the series its scraper collects (jobs kubernetes-apiservers,
// kubelet, cadvisor and kube-state-metrics):
//
//   - KubePodCrashLooping: a pod's containers restarted more than 3 times
//     in 15 minutes, for 5 minutes (warning).
//   - KubeHPAMaxedOut: a HorizontalPodAutoscaler has run at its maximum
//     replicas for 15 minutes (warning).
//   - KubePersistentVolumeFillingUp: a PersistentVolumeClaim has less than
//     10% free, for 5 minutes (critical).
//   - KubeNodeNotReady: a node has not been Ready for 15 minutes (critical).
//   - KubeAPIServerErrors: more than 5% of API requests failed with a 5xx
//     over 5 minutes, for 10 minutes (critical).
//   - KafkaConsumerLagHigh, when kafkaLagThreshold is more than 0: a
//     consumer group's lag on a topic (kafka_consumergroup_lag, the metric
//     kafka_exporter exposes and the Amazon Managed Service for Prometheus
//     collector for Amazon MSK documents) summed over its partitions has
//     been above the threshold for 15 minutes (warning). Partitions the
//     group never committed on (lag -1) are left out.
//
// The ratios and sums the alerts compare are recording rules of their own,
// in the group "kubernetes-recording", so dashboards read the same series.
func DefaultRuleGroups(kafkaLagThreshold int) []RuleGroup {
	recording := RuleGroup{Name: "kubernetes-recording", Interval: "1m", Rules: []Rule{
		{Record: recordRestarts, Expr: `sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{job="kube-state-metrics"}[15m]))`},
		{Record: recordVolumeFree, Expr: `min by (namespace, persistentvolumeclaim) (kubelet_volume_stats_available_bytes{job="kubelet"} / kubelet_volume_stats_capacity_bytes{job="kubelet"})`},
		{Record: recordAPIErrors, Expr: `sum(rate(apiserver_request_total{job="kubernetes-apiservers",code=~"5.."}[5m])) / sum(rate(apiserver_request_total{job="kubernetes-apiservers"}[5m]))`},
	}}
	alerts := RuleGroup{Name: "kubernetes-alerts", Interval: "1m", Rules: []Rule{
		alertRule("KubePodCrashLooping", recordRestarts+" > 3", "5m", SeverityWarning,
			"Pod {{ $labels.namespace }}/{{ $labels.pod }} is crash-looping",
			"The containers of pod {{ $labels.namespace }}/{{ $labels.pod }} restarted {{ $value }} times in the last 15 minutes."),
		alertRule("KubeHPAMaxedOut",
			`max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas{job="kube-state-metrics"}) >= max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas{job="kube-state-metrics"})`,
			"15m", SeverityWarning,
			"HorizontalPodAutoscaler {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} is at its maximum",
			"HorizontalPodAutoscaler {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} has run at its maximum replicas for 15 minutes: raise the maximum or the workload's capacity."),
		alertRule("KubePersistentVolumeFillingUp", recordVolumeFree+" < 0.10", "5m", SeverityCritical,
			"Volume claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is nearly full",
			"Volume claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} has {{ $value | humanizePercentage }} free."),
		alertRule("KubeNodeNotReady", `kube_node_status_condition{job="kube-state-metrics",condition="Ready",status="true"} == 0`, "15m", SeverityCritical,
			"Node {{ $labels.node }} is not Ready",
			"Node {{ $labels.node }} has not been Ready for 15 minutes; its pods are being evicted or cannot start."),
		alertRule("KubeAPIServerErrors", recordAPIErrors+" > 0.05", "10m", SeverityCritical,
			"The Kubernetes API server fails requests",
			"{{ $value | humanizePercentage }} of Kubernetes API requests failed with a 5xx status over the last 5 minutes."),
	}}
	if kafkaLagThreshold > 0 {
		recording.Rules = append(recording.Rules, Rule{Record: recordConsumerGroup, Expr: `sum by (consumergroup, topic) (kafka_consumergroup_lag >= 0)`})
		alerts.Rules = append(alerts.Rules, alertRule("KafkaConsumerLagHigh", recordConsumerGroup+" > "+strconv.Itoa(kafkaLagThreshold), "15m", SeverityWarning,
			"Consumer group {{ $labels.consumergroup }} lags on topic {{ $labels.topic }}",
			"Consumer group {{ $labels.consumergroup }} is {{ $value }} messages behind on topic {{ $labels.topic }} (more than "+strconv.Itoa(kafkaLagThreshold)+" for 15 minutes): its consumers are slow or stuck."))
	}
	return []RuleGroup{recording, alerts}
}

func alertRule(name, expr, forDuration, severity, summary, description string) Rule {
	return Rule{Alert: name, Expr: expr, For: forDuration, Labels: map[string]string{"severity": severity},
		Annotations: map[string]string{"summary": summary, "description": description}}
}

// RulesYAML renders rule groups as the YAML document of a rule groups
// namespace ("groups: ..."). It returns every problem with the groups
// (CheckRuleGroups), wrapping validate.ErrInvalid, instead.
func RulesYAML(groups []RuleGroup) (string, error) {
	r := validation.NewReport("telemetry", "RulesYAML")
	CheckRuleGroups(r, "groups", groups)
	if err := r.Err(); err != nil {
		return "", err
	}
	return marshalYAML(promRuleFile{Groups: groups})
}

// toYAML renders v as YAML with two-space indentation.
func marshalYAML(v any) (string, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return "", fmt.Errorf("telemetry: encoding YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return "", fmt.Errorf("telemetry: encoding YAML: %w", err)
	}
	return buf.String(), nil
}

var (
	ruleGroupNameRe  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,254}$`)
	ruleAlertNameRe  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	ruleRecordNameRe = regexp.MustCompile(`^[A-Za-z_:][A-Za-z0-9_:]*$`)
	ruleLabelNameRe  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	// durationRe is a Prometheus duration: units from largest to smallest,
	// such as "1h30m" or "15m".
	promDurationRe = regexp.MustCompile(`^([0-9]+y)?([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?$`)
)

// CheckRuleGroups records in r every problem with groups, under field:
// empty or repeated group names, a rule that is not exactly one of a
// recording rule and an alert, names Prometheus refuses, an expression
// that is empty or does not scan as PromQL (unbalanced brackets or quotes,
// an unknown function, a bad range; checked lexically, not parsed), a bad
// duration, an alert without a severity label or summary annotation, and
// text Terraform would read as a template ("${" or "%{").
func CheckRuleGroups(r *validation.Report, field string, groups []RuleGroup) {
	seen := map[string]int{}
	for i, g := range groups {
		f := fmt.Sprintf("%s[%d]", field, i)
		if !ruleGroupNameRe.MatchString(g.Name) {
			r.Addf(f+".Name", "%q is not a rule group name (1-255 letters, digits, '_', '.', ':' and '-', starting with a letter or digit)", g.Name)
		} else if j, dup := seen[g.Name]; dup {
			r.Addf(f+".Name", "%q is already the name of %s[%d]; group names are unique in a namespace", g.Name, field, j)
		} else {
			seen[g.Name] = i
		}
		if g.Interval != "" && !isPromDuration(g.Interval) {
			r.Addf(f+".Interval", "%q is not a Prometheus duration such as \"1m\"", g.Interval)
		}
		if len(g.Rules) == 0 {
			r.Addf(f+".Rules", "is empty; a group needs at least one rule")
		}
		for j, rule := range g.Rules {
			checkPromRule(r, fmt.Sprintf("%s.Rules[%d]", f, j), rule)
		}
	}
}

func checkPromRule(r *validation.Report, f string, rule Rule) {
	switch {
	case rule.Alert != "" && rule.Record != "":
		r.Addf(f, "sets both Alert %q and Record %q; a rule is one or the other", rule.Alert, rule.Record)
	case rule.Alert == "" && rule.Record == "":
		r.Addf(f, "sets neither Alert nor Record; name the alert or the series it records")
	case rule.Alert != "" && !ruleAlertNameRe.MatchString(rule.Alert):
		r.Addf(f+".Alert", "%q is not an alert name (letters, digits and '_', not starting with a digit)", rule.Alert)
	case rule.Record != "" && !ruleRecordNameRe.MatchString(rule.Record):
		r.Addf(f+".Record", "%q is not a metric name (letters, digits, '_' and ':', not starting with a digit)", rule.Record)
	}
	if err := checkPromQL(rule.Expr); err != nil {
		r.Addf(f+".Expr", "%q %v", rule.Expr, err)
	}
	if rule.For != "" && !isPromDuration(rule.For) {
		r.Addf(f+".For", "%q is not a Prometheus duration such as \"15m\"", rule.For)
	}
	if rule.Record != "" && (rule.For != "" || len(rule.Annotations) > 0) {
		r.Addf(f, "recording rule %q sets For or Annotations, which only alerts take", rule.Record)
	}
	for k, v := range rule.Labels {
		if !ruleLabelNameRe.MatchString(k) || strings.HasPrefix(k, "__") {
			r.Addf(f+".Labels", "key %q is not a label name (letters, digits and '_', not starting with a digit or \"__\")", k)
		}
		checkTerraformTemplate(r, f+".Labels["+k+"]", v)
	}
	for k, v := range rule.Annotations {
		if !ruleLabelNameRe.MatchString(k) {
			r.Addf(f+".Annotations", "key %q is not an annotation name (letters, digits and '_')", k)
		}
		checkTerraformTemplate(r, f+".Annotations["+k+"]", v)
	}
	checkTerraformTemplate(r, f+".Expr", rule.Expr)
	if rule.Alert != "" {
		if !validation.OneOf(rule.Labels["severity"], SeverityCritical, SeverityWarning, SeverityInfo) {
			r.Addf(f+".Labels", "severity %q: an alert needs the label severity %q, %q or %q", rule.Labels["severity"], SeverityCritical, SeverityWarning, SeverityInfo)
		}
		if strings.TrimSpace(rule.Annotations["summary"]) == "" {
			r.Addf(f+".Annotations", "has no \"summary\"; say in one line what is wrong (it is the notification's subject)")
		}
	}
}

// checkTerraformTemplate refuses what Terraform would interpolate in a string:
// the rules travel inside a Terraform attribute.
func checkTerraformTemplate(r *validation.Report, f, s string) {
	if strings.Contains(s, "${") || strings.Contains(s, "%{") {
		r.Addf(f, "%q contains \"${\" or \"%%{\", which Terraform would read as a template; write $labels.x or {{ ... }} instead", s)
	}
}

func isPromDuration(s string) bool { return s != "" && promDurationRe.MatchString(s) }

// promqlFunctions are the PromQL functions and aggregation operators, the
// keywords that take a parenthesised label list, and the binary operators
// and modifiers a parenthesis may follow.
var promqlFunctions = map[string]bool{}

func init() {
	for _, f := range strings.Fields(`abs absent absent_over_time acos acosh asin asinh atan atanh avg_over_time ceil changes
		clamp clamp_max clamp_min cos cosh count_over_time day_of_month day_of_week day_of_year days_in_month deg delta deriv
		double_exponential_smoothing exp floor histogram_avg histogram_count histogram_fraction histogram_quantile
		histogram_stddev histogram_stdvar histogram_sum holt_winters hour idelta increase info irate label_join label_replace
		last_over_time ln log10 log2 mad_over_time max_over_time min_over_time minute month pi predict_linear
		present_over_time quantile_over_time rad rate resets round scalar sgn sin sinh sort sort_by_label
		sort_by_label_desc sort_desc sqrt stddev_over_time stdvar_over_time sum_over_time tan tanh time timestamp vector year
		sum min max avg group stddev stdvar count count_values bottomk topk quantile limitk limit_ratio
		by without on ignoring group_left group_right and or unless atan2 bool offset`) {
		promqlFunctions[f] = true
	}
}

// checkPromQL scans a PromQL expression: not empty, quotes closed, brackets
// balanced and matched, every name called as a function a PromQL function
// or aggregation, every range or subquery in [...] made of durations. It
// is a lexical check: it does not parse the expression.
func checkPromQL(expr string) error {
	if strings.TrimSpace(expr) == "" {
		return fmt.Errorf("is empty")
	}
	var stack []byte
	closing := map[byte]byte{')': '(', ']': '[', '}': '{'}
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			end := promClosingQuote(expr, i)
			if end < 0 {
				return fmt.Errorf("has an unclosed %c quote at byte %d", c, i)
			}
			i = end
		case c == '(' || c == '{':
			stack = append(stack, c)
		case c == '[':
			end := strings.IndexByte(expr[i:], ']')
			if end < 0 {
				return fmt.Errorf("has an unclosed '[' at byte %d", i)
			}
			if err := checkPromRange(expr[i+1 : i+end]); err != nil {
				return err
			}
			i += end
		case c == ')' || c == '}' || c == ']':
			if len(stack) == 0 || stack[len(stack)-1] != closing[c] {
				return fmt.Errorf("has an unmatched %q at byte %d", c, i)
			}
			stack = stack[:len(stack)-1]
		case isPromNameStart(c):
			j := i
			for j < len(expr) && isPromNameChar(expr[j]) {
				j++
			}
			name := expr[i:j]
			k := j
			for k < len(expr) && expr[k] == ' ' {
				k++
			}
			// In a label matcher or list, names are label names.
			inBraces := len(stack) > 0 && stack[len(stack)-1] == '{'
			if k < len(expr) && expr[k] == '(' && !inBraces && !promqlFunctions[name] {
				return fmt.Errorf("calls %q, which is not a PromQL function or aggregation", name)
			}
			i = j - 1
		}
	}
	if len(stack) > 0 {
		return fmt.Errorf("has %d unclosed bracket(s)", len(stack))
	}
	return nil
}

// promClosingQuote returns the index of the quote closing the one at i, or -1.
func promClosingQuote(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch {
		case s[j] == '\\' && q != '`':
			j++
		case s[j] == q:
			return j
		}
	}
	return -1
}

// checkPromRange checks the inside of [...]: a duration, or a subquery
// "range:resolution" (the resolution may be empty).
func checkPromRange(s string) error {
	rng, res, sub := strings.Cut(strings.TrimSpace(s), ":")
	if !isPromDuration(strings.TrimSpace(rng)) || (sub && res != "" && !isPromDuration(strings.TrimSpace(res))) {
		return fmt.Errorf("has range [%s], which is not a duration such as [5m] or a subquery such as [1h:5m]", s)
	}
	return nil
}

func isPromNameStart(c byte) bool {
	return c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isPromNameChar(c byte) bool { return isPromNameStart(c) || (c >= '0' && c <= '9') }
