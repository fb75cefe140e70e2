// Package signaltest helps construct tests check what a construct's
// observe.Signals say: the widget for a golden signal, its series, and
// which Terraform resources the returned tokens (metric dimensions, alarm
// names and ARNs, log groups) resolve to once the stack is synthesized.
package signaltest

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

// Widget returns the widget of sig showing signal, failing the test
// without one.
func Widget(t testing.TB, sig observe.Signals, signal observe.Signal) observe.Widget {
	t.Helper()
	for _, w := range sig.Widgets {
		if w.Signal == signal {
			return w
		}
	}
	t.Fatalf("%s: no %s widget in %+v", sig.Title, signal, sig.Widgets)
	return observe.Widget{}
}

// Series lists a widget's metrics as "namespace name stat", joined by
// "; ".
func Series(w observe.Widget) string {
	var out []string
	for _, m := range w.Metrics {
		out = append(out, m.Namespace+" "+m.Name+" "+m.Stat)
	}
	return strings.Join(out, "; ")
}

// Expose returns every dimension value, alarm and log group of sig under
// keys prefixed with prefix, for tftest.ExposeTokens: "<prefix>-<widget>-
// <metric>-<dimension>", "<prefix>-alarm-<i>-name", "<prefix>-alarm-<i>-arn"
// and "<prefix>-log-<i>", indexes counting from 0. Read the resolved values
// with tftest.Doc.Exposed under the same keys.
func Expose(prefix string, sig observe.Signals) map[string]string {
	out := map[string]string{}
	for i, w := range sig.Widgets {
		for j, m := range w.Metrics {
			for k, v := range m.Dimensions {
				out[fmt.Sprintf("%s-%d-%d-%s", prefix, i, j, k)] = v
			}
		}
	}
	for i, a := range sig.Alarms {
		out[fmt.Sprintf("%s-alarm-%d-name", prefix, i)] = a.Name
		out[fmt.Sprintf("%s-alarm-%d-arn", prefix, i)] = a.ARN
	}
	for i, g := range sig.LogGroups {
		out[fmt.Sprintf("%s-log-%d", prefix, i)] = g
	}
	return out
}

// alarmRef matches a reference to an alarm's alarm_name or arn.
var alarmRef = regexp.MustCompile(`^\$\{aws_cloudwatch_metric_alarm\.([^.]+)\.(alarm_name|arn)\}$`)

// Alarms returns the Terraform names of the alarms sig lists, in order,
// checking that each alarm's Name and ARN are the alarm_name and arn of
// the same aws_cloudwatch_metric_alarm of doc. sig must have been exposed
// under prefix (Expose) before doc was synthesized. A failing alarm is
// reported with t.Errorf; one whose Name and ARN disagree is left out.
func Alarms(t testing.TB, doc tftest.Doc, prefix string, sig observe.Signals) []string {
	t.Helper()
	var out []string
	for i := range sig.Alarms {
		name := alarmRef.FindStringSubmatch(doc.Exposed(fmt.Sprintf("%s-alarm-%d-name", prefix, i)))
		arn := alarmRef.FindStringSubmatch(doc.Exposed(fmt.Sprintf("%s-alarm-%d-arn", prefix, i)))
		if name == nil || arn == nil || name[1] != arn[1] || name[2] != "alarm_name" || arn[2] != "arn" {
			t.Errorf("alarm %d of %s: name %v and ARN %v are not the alarm_name and arn of one alarm", i, sig.Title, name, arn)
			continue
		}
		if _, ok := doc.Resources("aws_cloudwatch_metric_alarm")[arn[1]]; !ok {
			t.Errorf("alarm %d of %s refers to %s, which is not in the stack", i, sig.Title, arn[1])
		}
		out = append(out, arn[1])
	}
	return out
}
