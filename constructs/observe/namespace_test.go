package observe_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

func TestNamespaceDashboard(t *testing.T) {
	stack := tftest.NewStack(t)
	_, err := observe.NewNamespaceDashboard(stack, "team-a", observe.NamespaceDashboardProps{ClusterName: "trading", Namespace: "team-a", Region: "eu-west-1"})
	require.NoError(t, err)
	_, err = observe.NewNamespaceDashboard(stack, "team-b", observe.NamespaceDashboardProps{ClusterName: "trading", Namespace: "team-b", LogGroupName: "/tenants/team-b", Name: "team-b"})
	require.NoError(t, err)
	doc := tftest.Synth(t, stack)

	assert.Equal(t, "test-team-a", doc.One(t, "aws_cloudwatch_dashboard", "team-a")["dashboard_name"])
	raw, ws := dashboardBody(t, doc, "team-a")
	require.Len(t, ws, 7, raw)
	titles := map[string]map[string]any{}
	for _, w := range ws[1:6] {
		assert.Equal(t, "metric", w["type"])
		titles[props(w)["title"].(string)] = props(w)
	}
	dims := []any{"ClusterName", "trading", "Namespace", "team-a"}
	row := func(metric, label string) []any {
		return append(append([]any{"ContainerInsights", metric}, dims...), map[string]any{"stat": "Average", "label": label})
	}
	assert.Equal(t, []any{row("pod_cpu_utilization", "of the nodes"), row("pod_cpu_utilization_over_pod_limit", "of the pods' limits")}, titles["CPU utilization %"]["metrics"])
	assert.Equal(t, []any{row("pod_memory_utilization", "of the nodes"), row("pod_memory_utilization_over_pod_limit", "of the pods' limits")}, titles["Memory utilization %"]["metrics"])
	assert.Equal(t, []any{row("pod_network_rx_bytes", "received"), row("pod_network_tx_bytes", "sent")}, titles["Network bytes/s"]["metrics"])
	assert.Equal(t, []any{row("namespace_number_of_running_pods", "running pods")}, titles["Running pods"]["metrics"])
	assert.Equal(t, []any{[]any{map[string]any{
		"expression": `SUM(SEARCH('{ContainerInsights,ClusterName,Namespace,PodName} MetricName="pod_number_of_container_restarts" ClusterName="trading" Namespace="team-a"', 'Sum', 60))`,
		"id":         "e1",
		"label":      "restarts",
	}}}, titles["Container restarts"]["metrics"])
	assert.Equal(t, "eu-west-1", titles["Running pods"]["region"])

	// Golden signal order: traffic, errors, saturation.
	var order []string
	for _, w := range ws[1:6] {
		order = append(order, props(w)["title"].(string))
	}
	assert.Equal(t, []string{"Running pods", "Network bytes/s", "Container restarts", "CPU utilization %", "Memory utilization %"}, order)

	logs := ws[6]
	assert.Equal(t, "log", logs["type"])
	assert.Equal(t, [4]float64{0, 14, 24, 6}, place(logs))
	query := props(logs)["query"].(string)
	assert.True(t, strings.HasPrefix(query, "SOURCE '/aws/containerinsights/trading/application'\n"), query)
	assert.Contains(t, query, `| filter kubernetes.namespace_name = "team-a"`)
	assert.Contains(t, query, "| filter @message like /(?i)(error|exception|panic|fatal)/")
	assert.Equal(t, "table", props(logs)["view"])

	// A log group of the namespace's own is queried whole; the Region is
	// the stack's.
	_, ws = dashboardBody(t, doc, "team-b")
	query = props(ws[6])["query"].(string)
	assert.True(t, strings.HasPrefix(query, "SOURCE '/tenants/team-b'\n"), query)
	assert.NotContains(t, query, "kubernetes.namespace_name")
	assert.Contains(t, props(ws[1])["region"], "${data.aws_region.awsenv-region.name}")
	assert.Equal(t, "team-b", doc.One(t, "aws_cloudwatch_dashboard", "team-b")["dashboard_name"])
}

func TestNamespaceDashboardErrors(t *testing.T) {
	stack := tftest.NewStack(t)
	_, err := observe.NewNamespaceDashboard(stack, "tenant", observe.NamespaceDashboardProps{Namespace: "Team_A", Name: "team a"})
	require.Error(t, err)
	for _, want := range []string{
		`observe "test/tenant": ClusterName is empty`,
		`observe "test/tenant": Namespace "Team_A" is not a Kubernetes namespace name`,
		`observe "test/tenant": Name "team a" is not a dashboard name`,
	} {
		assert.Contains(t, err.Error(), want)
	}
	assert.Empty(t, tftest.Synth(t, stack).Resources("aws_cloudwatch_dashboard"))
}
