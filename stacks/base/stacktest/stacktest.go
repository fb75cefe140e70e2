// Package stacktest holds assertions the reference stacks' tests share.
package stacktest

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// interpolationWithQuotes is a Terraform interpolation holding a function
// call's quotes, which are not JSON's: Terraform resolves it first.
var interpolationWithQuotes = regexp.MustCompile(`\$\{[^}]*"[^}]*\}`)

// CheckDashboard asserts that the stack's resources r hold one dashboard,
// named name, whose body is JSON once Terraform has resolved it, and, when
// the stack has metric alarms, a health alarm notifying the alerts topic
// whose rule (or the rules of the composite alarms it watches) names every
// one of them.
func CheckDashboard(t testing.TB, r map[string]map[string]map[string]any, name string) {
	t.Helper()
	dashboards := r["aws_cloudwatch_dashboard"]
	require.Len(t, dashboards, 1)
	for _, d := range dashboards {
		assert.Equal(t, name, d["dashboard_name"])
		body, _ := d["dashboard_body"].(string)
		resolved := interpolationWithQuotes.ReplaceAllString(body, "X")
		assert.True(t, json.Valid([]byte(resolved)), body)
	}
	var rules []string
	var health map[string]any
	for _, c := range r["aws_cloudwatch_composite_alarm"] {
		rules = append(rules, c["alarm_rule"].(string))
		if c["alarm_name"] == name+"-health" {
			health = c
		}
	}
	alarms := r["aws_cloudwatch_metric_alarm"]
	if len(alarms) == 0 {
		assert.Nil(t, health, "no alarm, no health alarm")
		return
	}
	require.NotNil(t, health, "a health alarm over the stack's %d alarms", len(alarms))
	assert.Equal(t, []any{"${aws_sns_topic.alerts.arn}"}, health["alarm_actions"])
	all := strings.Join(rules, "\n")
	for address := range alarms {
		assert.Contains(t, all, `ALARM("${aws_cloudwatch_metric_alarm.`+address+`.arn}")`)
	}
}
