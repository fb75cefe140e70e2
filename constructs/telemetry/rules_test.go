package telemetry

import (
	"errors"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/hybridstack/hybridstack/constructs/validate"
)

func TestCheckPromQL(t *testing.T) {
	good := []string{
		`up == 0`,
		`sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{job="kube-state-metrics"}[15m])) > 3`,
		`rate(http_requests_total{code=~"5..", path!="/health"}[5m]) / on (job) group_left rate(http_requests_total[5m])`,
		`max_over_time(deriv(x[1h:5m])[2h:]) and (y or z)`,
		`histogram_quantile(0.99, sum by (le) (rate(h_bucket{a="(("}[5m]))) offset 5m`,
		`label_replace(up, "x", "$1", "job", "(.*)")`,
	}
	for _, e := range good {
		if err := checkPromQL(e); err != nil {
			t.Errorf("checkPromQL(%q) = %v", e, err)
		}
	}
	bad := map[string]string{
		``:                         "is empty",
		`  `:                       "is empty",
		`sum(rate(x[5m])`:          "unclosed bracket",
		`sum(x))`:                  `unmatched ')'`,
		`x{job="a}`:                "unclosed \" quote",
		`rate(x[5 minutes])`:       "not a duration",
		`rate(x[5m)`:               "unclosed '['",
		`summ(x)`:                  `calls "summ"`,
		`x{job="a")`:               `unmatched ')'`,
		`avg(x[5m:1 hour])`:        "not a duration",
		`foo_bar(kube_pod_info)`:   `calls "foo_bar"`,
		`sum by (a) (x) > bogus()`: `calls "bogus"`,
	}
	for e, want := range bad {
		err := checkPromQL(e)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("checkPromQL(%q) = %v, want an error with %q", e, err, want)
		}
	}
}

func TestDefaultRulesScanAndRender(t *testing.T) {
	for _, lag := range []int{0, DefaultKafkaLagThreshold} {
		groups := DefaultRuleGroups(lag)
		out, err := RulesYAML(groups)
		if err != nil {
			t.Fatalf("default rules (lag %d) are invalid: %v", lag, err)
		}
		if strings.Contains(out, "${") || strings.Contains(out, "%{") {
			t.Errorf("rules contain a Terraform template sequence:\n%s", out)
		}
		var back promRuleFile
		if err := yaml.Unmarshal([]byte(out), &back); err != nil {
			t.Fatalf("rendered rules do not parse: %v\n%s", err, out)
		}
		names := map[string]bool{}
		for gi, g := range back.Groups {
			if g.Name != groups[gi].Name || len(g.Rules) != len(groups[gi].Rules) {
				t.Errorf("group %d round-trips as %+v", gi, g)
			}
			for _, r := range g.Rules {
				name := r.Alert + r.Record
				if name == "" || names[name] {
					t.Errorf("rule name %q is empty or repeated", name)
				}
				names[name] = true
				if err := checkPromQL(r.Expr); err != nil {
					t.Errorf("%s: %v", name, err)
				}
			}
		}
		if names["KafkaConsumerLagHigh"] != (lag > 0) || names[recordConsumerGroup] != (lag > 0) {
			t.Errorf("lag %d: Kafka rules present = %v", lag, names["KafkaConsumerLagHigh"])
		}
	}
}

func TestRulesYAMLRefusesBadGroups(t *testing.T) {
	_, err := RulesYAML([]RuleGroup{
		{Name: "", Rules: nil},
		{Name: "g", Interval: "1 minute", Rules: []Rule{
			{Record: "a:b", Alert: "B", Expr: "x"},
			{Expr: "x"},
			{Record: "9bad", Expr: "x", For: "5m"},
			{Alert: "NoSummary", Expr: "x", Labels: map[string]string{"severity": "page", "__x": "y"}},
		}},
	})
	if !errors.Is(err, validate.ErrInvalid) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{
		`groups[0].Name "" is not a rule group name`,
		`groups[0].Rules is empty`,
		`groups[1].Interval "1 minute" is not a Prometheus duration`,
		`groups[1].Rules[0] sets both Alert "B" and Record "a:b"`,
		`groups[1].Rules[1] sets neither Alert nor Record`,
		`groups[1].Rules[2].Record "9bad" is not a metric name`,
		`groups[1].Rules[2] recording rule "9bad" sets For or Annotations`,
		`groups[1].Rules[3].Labels key "__x" is not a label name`,
		`groups[1].Rules[3].Labels severity "page"`,
		`groups[1].Rules[3].Annotations has no "summary"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestAlertmanagerYAMLNeedsTopicAndRegion(t *testing.T) {
	if _, err := AlertmanagerYAML("", "eu-west-1"); err == nil {
		t.Error("no topic: want an error")
	}
	out, err := AlertmanagerYAML("arn:aws:sns:eu-west-1:123456789012:a", "eu-west-1")
	if err != nil || !strings.HasPrefix(out, "alertmanager_config: |\n  route:\n    receiver: sns\n") {
		t.Errorf("AlertmanagerYAML = %q, %v", out, err)
	}
}
