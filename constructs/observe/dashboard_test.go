package observe_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridstack/hybridstack/constructs/internal/alarm"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/observe"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

const topicARN = "arn:aws:sns:eu-west-1:123456789012:alerts"

// fake is a construct of a test that carries traffic: it raises real
// metric alarms and draws the graphs it is given.
type fake struct {
	constructs.Construct
	signals observe.Signals
}

func (f *fake) Signals() observe.Signals { return f.signals }

// newFake creates a Source under scope with alarms metric alarms (named
// "<id>-alarm-<i>", or unnamed in its Signals with anonymous) and the
// given graphs.
func newFake(scope constructs.Construct, id, title string, alarms int, anonymous bool, widgets ...observe.Widget) *fake {
	f := &fake{}
	constructs.NewConstruct_Override(f, scope, &id)
	f.signals = observe.Signals{Title: title, Widgets: widgets}
	for i := 0; i < alarms; i++ {
		name := fmt.Sprintf("%s-alarm-%d", id, i)
		a := alarm.New(f, fmt.Sprintf("alarm-%d", i), alarm.Props{
			Name: name, Namespace: "AWS/Lambda", Metric: "Errors", Statistic: "Sum",
			Dimensions: map[string]string{"FunctionName": id}, PeriodSeconds: 60, Periods: 1, Threshold: 1,
		})
		if anonymous {
			name = ""
		}
		f.signals.Alarms = append(f.signals.Alarms, observe.Alarm{Name: name, ARN: *a.Arn()})
	}
	return f
}

func lambdaWidget(signal observe.Signal, metric, stat, fn string) observe.Widget {
	return observe.Widget{Title: fn + " " + metric, Signal: signal, Metrics: []observe.Metric{{
		Namespace: "AWS/Lambda", Name: metric, Dimensions: map[string]string{"FunctionName": fn}, Stat: stat,
	}}}
}

// interpolation is a Terraform interpolation without '}' inside.
var interpolation = regexp.MustCompile(`\$\{[^}]*\}`)

// dashboardBody returns the parsed dashboard_body of the dashboard whose
// name contains part, checking it is JSON once every interpolation is
// resolved: Terraform resolves it before CloudWatch reads it. A reference
// stays as it is; a function call, whose quotes are not JSON's, is
// replaced by X.
func dashboardBody(t *testing.T, doc tftest.Doc, part string) (raw string, widgets []map[string]any) {
	t.Helper()
	raw, _ = doc.One(t, "aws_cloudwatch_dashboard", part)["dashboard_body"].(string)
	var b struct{ Widgets []map[string]any }
	resolved := interpolation.ReplaceAllStringFunc(raw, func(s string) string {
		if strings.Contains(s, `"`) {
			return "X"
		}
		return s
	})
	if err := json.Unmarshal([]byte(resolved), &b); err != nil {
		t.Fatalf("dashboard_body is not JSON once interpolations are replaced: %v\n%s", err, raw)
	}
	return raw, b.Widgets
}

func place(w map[string]any) [4]float64 {
	return [4]float64{w["x"].(float64), w["y"].(float64), w["width"].(float64), w["height"].(float64)}
}

func props(w map[string]any) map[string]any { return w["properties"].(map[string]any) }

func TestDashboardBody(t *testing.T) {
	stack := tftest.NewStack(t)
	newFake(stack, "api", "API", 2, false,
		lambdaWidget(observe.Errors, "Errors", "Sum", "api"),
		lambdaWidget(observe.Saturation, "ConcurrentExecutions", "Maximum", "api"),
		lambdaWidget(observe.Latency, "Duration", "p99", "api"),
		lambdaWidget(observe.Traffic, "Invocations", "Sum", "api"),
		observe.Widget{Title: "Throttles", Signal: observe.Errors, PeriodSeconds: 300, Metrics: []observe.Metric{
			{Namespace: "AWS/Lambda", Name: "Throttles", Dimensions: map[string]string{"FunctionName": "api", "Resource": "api:live"}, Label: "throttled"},
		}},
	)
	worker := newFake(constructs.NewConstruct(stack, ptr.String("jobs")), "worker", "", 1, false, lambdaWidget(observe.Traffic, "Invocations", "Sum", "worker"))
	group := cloudwatchloggroup.NewCloudwatchLogGroup(stack, ptr.String("x"), &cloudwatchloggroup.CloudwatchLogGroupConfig{Name: ptr.String("/jobs/worker")})
	worker.signals.LogGroups = []string{"/aws/lambda/worker", *group.Name()}
	d, err := observe.NewDashboard(stack, "dashboard", observe.DashboardProps{Name: "shop", Description: "The shop's API and jobs.", AlarmTopicARN: topicARN, Region: "eu-west-1"})
	require.NoError(t, err)
	require.Len(t, d.Sources(), 2)
	doc := tftest.Synth(t, stack)

	dash := doc.One(t, "aws_cloudwatch_dashboard", "dashboard")
	assert.Equal(t, "shop", dash["dashboard_name"])
	raw, ws := dashboardBody(t, doc, "dashboard")
	require.Len(t, ws, 10, raw)
	types := make([]string, len(ws))
	for i, w := range ws {
		types[i] = w["type"].(string)
	}
	assert.Equal(t, []string{"text", "text", "metric", "metric", "metric", "metric", "metric", "text", "metric", "alarm"}, types)

	// Title, then the API's header and its graphs in golden signal order,
	// four to a row.
	assert.Equal(t, [4]float64{0, 0, 24, 2}, place(ws[0]))
	assert.True(t, strings.HasPrefix(props(ws[0])["markdown"].(string), "# shop\nThe shop's API and jobs.\n"), props(ws[0]))
	assert.Equal(t, [4]float64{0, 2, 24, 2}, place(ws[1]))
	assert.Equal(t, "## API\n`api`", props(ws[1])["markdown"])
	var titles []string
	for i, want := range [][4]float64{{0, 4, 6, 6}, {6, 4, 6, 6}, {12, 4, 6, 6}, {18, 4, 6, 6}, {0, 10, 6, 6}} {
		assert.Equal(t, want, place(ws[2+i]), "graph %d", i)
		titles = append(titles, props(ws[2+i])["title"].(string))
	}
	assert.Equal(t, []string{"api Duration", "api Invocations", "api Errors", "Throttles", "api ConcurrentExecutions"}, titles)
	latency := props(ws[2])
	assert.Equal(t, []any{[]any{"AWS/Lambda", "Duration", "FunctionName", "api", map[string]any{"stat": "p99", "label": "Duration"}}}, latency["metrics"])
	assert.Equal(t, "p99", latency["stat"])
	assert.Equal(t, "eu-west-1", latency["region"])
	assert.Equal(t, 60.0, latency["period"])
	assert.Equal(t, "timeSeries", latency["view"])
	throttles := props(ws[5])
	assert.Equal(t, []any{[]any{"AWS/Lambda", "Throttles", "FunctionName", "api", "Resource", "api:live", map[string]any{"stat": "Average", "label": "throttled"}}}, throttles["metrics"])
	assert.Equal(t, 300.0, throttles["period"])

	// The worker: its header names its path and links its log groups.
	assert.Equal(t, [4]float64{0, 16, 24, 2}, place(ws[7]))
	header := props(ws[7])["markdown"].(string)
	assert.Contains(t, header, "## jobs/worker\n`jobs/worker` · logs: [/aws/lambda/worker](https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252Fworker)")
	assert.Contains(t, raw, `[${aws_cloudwatch_log_group.x.name}](https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/${replace(aws_cloudwatch_log_group.x.name, "/", "$252F")})`)
	assert.Equal(t, [4]float64{0, 18, 6, 6}, place(ws[8]))

	// Last, the alarms: the health alarm first, then every alarm.
	alarmWidget := props(ws[9])
	assert.Equal(t, [4]float64{0, 24, 24, 3}, place(ws[9]))
	health := doc.Address(t, "aws_cloudwatch_composite_alarm", "health")
	var alarmARNs []string
	for _, part := range []string{"api_alarm-0", "api_alarm-1", "worker_alarm-0"} {
		alarmARNs = append(alarmARNs, "${"+doc.Address(t, "aws_cloudwatch_metric_alarm", part)+".arn}")
	}
	assert.Equal(t, append([]string{"${" + health + ".arn}"}, alarmARNs...), tftest.Strings(alarmWidget["alarms"]))

	// The health alarm: any alarm of any Source, notifying the topic.
	c := doc.One(t, "aws_cloudwatch_composite_alarm", "health")
	assert.Equal(t, "shop-health", c["alarm_name"])
	assert.Equal(t, `ALARM("`+strings.Join(alarmARNs, `") OR ALARM("`)+`")`, c["alarm_rule"])
	assert.Equal(t, []string{topicARN}, tftest.Strings(c["alarm_actions"]))
	assert.Equal(t, []string{topicARN}, tftest.Strings(c["ok_actions"]))
	assert.True(t, *cdktf.Token_IsUnresolved(d.HealthAlarmARN()), d.HealthAlarmARN())
	assert.Empty(t, d.HealthAlarmParts())

	// The layout parsed from the synthesized body is the dashboard's own.
	parsed, err := observe.ParseLayout(raw)
	require.NoError(t, err)
	own := d.Layout()
	require.Len(t, parsed.Widgets, len(own.Widgets))
	for i := range own.Widgets {
		p, o := parsed.Widgets[i], own.Widgets[i]
		assert.Equal(t, [5]any{o.Type, o.X, o.Y, o.Width, o.Height}, [5]any{p.Type, p.X, p.Y, p.Width, p.Height})
	}
	assert.Equal(t, "shop", parsed.Widgets[0].Title)
	assert.Equal(t, "jobs/worker", parsed.Widgets[7].Title)
}

// Sources are found in the order the stack built them (pre-order), not by
// id, nested constructs included; Props.Sources replaces discovery.
func TestDashboardSources(t *testing.T) {
	stack := tftest.NewStack(t)
	zeta := newFake(stack, "zeta", "Zeta", 0, false, lambdaWidget(observe.Errors, "Errors", "Sum", "zeta"))
	group := constructs.NewConstruct(stack, ptr.String("group"))
	inner := newFake(group, "inner", "Inner", 0, false, lambdaWidget(observe.Errors, "Errors", "Sum", "inner"))
	alpha := newFake(stack, "alpha", "Alpha", 0, false, lambdaWidget(observe.Errors, "Errors", "Sum", "alpha"))
	nested := newFake(alpha, "nested", "Nested", 0, false, lambdaWidget(observe.Errors, "Errors", "Sum", "nested"))

	all, err := observe.NewDashboard(stack, "all", observe.DashboardProps{Region: "eu-west-1"})
	require.NoError(t, err)
	var got []string
	for _, s := range all.Sources() {
		got = append(got, *s.Node().Path())
	}
	assert.Equal(t, []string{"test/zeta", "test/group/inner", "test/alpha", "test/alpha/nested"}, got)

	some, err := observe.NewDashboard(stack, "some", observe.DashboardProps{Region: "eu-west-1", Sources: []observe.Source{nested, zeta}})
	require.NoError(t, err)
	assert.Equal(t, []observe.Source{nested, zeta}, some.Sources())
	_ = inner

	doc := tftest.Synth(t, stack)
	assert.Equal(t, "test-all", doc.One(t, "aws_cloudwatch_dashboard", "all")["dashboard_name"])
	_, ws := dashboardBody(t, doc, "some")
	var headers []string
	for _, w := range ws {
		if md, ok := props(w)["markdown"].(string); ok && strings.HasPrefix(md, "## ") {
			headers = append(headers, strings.SplitN(md, "\n", 2)[0])
		}
	}
	assert.Equal(t, []string{"## Nested", "## Zeta"}, headers)
	// No Source has an alarm: no health alarm, no alarm widget.
	assert.Empty(t, doc.Resources("aws_cloudwatch_composite_alarm"))
	assert.Empty(t, all.HealthAlarmARN())
	assert.Nil(t, all.HealthAlarm())
	for _, w := range ws {
		assert.NotEqual(t, "alarm", w["type"])
	}
}

// A stack without Sources gets a dashboard that says so, and no alarm.
func TestDashboardWithoutSources(t *testing.T) {
	stack := tftest.NewStack(t)
	d, err := observe.NewDashboard(stack, "dashboard", observe.DashboardProps{})
	require.NoError(t, err)
	assert.Empty(t, d.Sources())
	doc := tftest.Synth(t, stack)
	raw, ws := dashboardBody(t, doc, "dashboard")
	require.Len(t, ws, 2, raw)
	assert.Contains(t, props(ws[1])["markdown"], "No construct of this stack reports golden signals")
	// The default Region is the stack's.
	assert.NotEmpty(t, doc.Data("aws_region"))
	assert.Empty(t, doc.Resources("aws_cloudwatch_composite_alarm"))
}

// With NoHealthAlarm there is no composite alarm, though Sources have
// alarms; their alarms are still on the dashboard.
func TestDashboardNoHealthAlarm(t *testing.T) {
	stack := tftest.NewStack(t)
	newFake(stack, "api", "API", 2, false, lambdaWidget(observe.Errors, "Errors", "Sum", "api"))
	d, err := observe.NewDashboard(stack, "dashboard", observe.DashboardProps{Region: "eu-west-1", NoHealthAlarm: true})
	require.NoError(t, err)
	doc := tftest.Synth(t, stack)
	assert.Empty(t, doc.Resources("aws_cloudwatch_composite_alarm"))
	assert.Empty(t, d.HealthAlarmARN())
	_, ws := dashboardBody(t, doc, "dashboard")
	assert.Len(t, tftest.Strings(props(ws[len(ws)-1])["alarms"]), 2)
}

// A rule names at most 100 alarms in 10240 characters: beyond, each
// Source gets composite alarms of its own, cut where a rule is full, and
// the health alarm watches those. An alarm whose name is unknown (a
// token, or not given) is sized as the longest ARN.
func TestHealthAlarmSplits(t *testing.T) {
	stack := tftest.NewStack(t)
	newFake(stack, "many", "Many", 150, false)
	newFake(stack, "anonymous", "Anonymous", 40, true)
	newFake(stack, "few", "Few", 3, false)
	d, err := observe.NewDashboard(stack, "dashboard", observe.DashboardProps{Name: "big", Region: "eu-west-1", AlarmTopicARN: topicARN})
	require.NoError(t, err)
	require.Len(t, d.HealthAlarmParts(), 5)
	doc := tftest.Synth(t, stack)

	type part struct {
		name   string
		alarms int
	}
	var parts []part
	composites := doc.Resources("aws_cloudwatch_composite_alarm")
	require.Len(t, composites, 6)
	for _, id := range []string{"health-many-1", "health-many-2", "health-anonymous-1", "health-anonymous-2", "health-few"} {
		c := doc.One(t, "aws_cloudwatch_composite_alarm", "dashboard_"+id+"_")
		rule := c["alarm_rule"].(string)
		assert.LessOrEqual(t, len(rule), observe.MaxAlarmRuleLength)
		assert.Nil(t, c["alarm_actions"], "a part does not notify")
		parts = append(parts, part{c["alarm_name"].(string), strings.Count(rule, "ALARM(")})
	}
	assert.Equal(t, []part{
		{"big-many-1-health", 100}, {"big-many-2-health", 50},
		{"big-anonymous-1-health", 31}, {"big-anonymous-2-health", 9},
		{"big-few-health", 3},
	}, parts)

	health := doc.One(t, "aws_cloudwatch_composite_alarm", "dashboard_health_")
	assert.Equal(t, "big-health", health["alarm_name"])
	var want []string
	for _, id := range []string{"health-many-1", "health-many-2", "health-anonymous-1", "health-anonymous-2", "health-few"} {
		want = append(want, `ALARM("${`+doc.Address(t, "aws_cloudwatch_composite_alarm", "dashboard_"+id+"_")+`.arn}")`)
	}
	assert.Equal(t, strings.Join(want, " OR "), health["alarm_rule"])
	assert.Equal(t, []string{topicARN}, tftest.Strings(health["alarm_actions"]))
	assert.Contains(t, health["alarm_description"], "193 alarms")

	// 1 + 193 alarms make two alarm widgets of at most 100.
	_, ws := dashboardBody(t, doc, "dashboard")
	var counts []int
	for _, w := range ws {
		if w["type"] == "alarm" {
			counts = append(counts, len(tftest.Strings(props(w)["alarms"])))
		}
	}
	assert.Equal(t, []int{100, 94}, counts)
}

func TestDashboardErrors(t *testing.T) {
	graph := func(metrics int) observe.Widget {
		w := observe.Widget{Title: "wide", Signal: observe.Traffic}
		for i := 0; i < metrics; i++ {
			w.Metrics = append(w.Metrics, observe.Metric{Namespace: "AWS/SQS", Name: "NumberOfMessagesSent", Dimensions: map[string]string{"QueueName": fmt.Sprint(i)}})
		}
		return w
	}
	graphs := func(n, metrics int) []observe.Widget {
		out := make([]observe.Widget, n)
		for i := range out {
			out[i] = graph(metrics)
		}
		return out
	}
	cases := []struct {
		name    string
		widgets []observe.Widget
		props   observe.DashboardProps
		want    []string
	}{
		{"name with a space", nil, observe.DashboardProps{Name: "my dashboard"}, []string{`observe "test/dashboard": Name "my dashboard" is not a dashboard name: CloudWatch allows letters A-Z and a-z, digits, '-' and '_'`}},
		{"name too long", nil, observe.DashboardProps{Name: strings.Repeat("a", 256)}, []string{`Name "` + strings.Repeat("a", 256) + `" has 256 characters; CloudWatch allows 1-255`}},
		{"region and topic", nil, observe.DashboardProps{Region: "Ireland", AlarmTopicARN: "alerts"}, []string{
			`Region "Ireland" is not a Region name, such as "eu-west-1"`,
			`AlarmTopicARN "alerts" is not an SNS topic ARN`,
		}},
		{"too many metrics in a graph", []observe.Widget{graph(501)}, observe.DashboardProps{}, []string{
			`observe "test/dashboard": Sources[0](test/source).Signals().Widgets[0].Metrics has 501 metrics; CloudWatch allows 500 per graph: split graph "wide"`,
		}},
		{"too many metrics in the dashboard", graphs(6, 500), observe.DashboardProps{}, []string{
			`observe "test/dashboard": Sources (1 of them) draw 3000 metrics; CloudWatch allows 2500 per dashboard`,
		}},
		{"too many widgets", graphs(499, 1), observe.DashboardProps{}, []string{
			`observe "test/dashboard": Sources (1 of them) need 501 widgets with 499 graphs and 0 alarms; CloudWatch allows 500 per dashboard`,
		}},
		{"bad graphs", []observe.Widget{
			{Title: "empty", Signal: observe.Traffic},
			{Title: "odd", Signal: observe.Errors, PeriodSeconds: 90, Metrics: []observe.Metric{{Stat: "Median"}}},
		}, observe.DashboardProps{}, []string{
			`Sources[0](test/source).Signals().Widgets[0].Metrics is empty; a graph ("empty") needs at least one metric`,
			`Sources[0](test/source).Signals().Widgets[1].PeriodSeconds 90 is not a period CloudWatch graphs: use 1, 5, 10, 30 or a multiple of 60`,
			`Widgets[1].Metrics[0].Namespace is empty`,
			`Widgets[1].Metrics[0].Name is empty`,
			`Widgets[1].Metrics[0].Stat "Median" is not a statistic`,
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stack := tftest.NewStack(t)
			newFake(stack, "source", "Source", 0, false, tc.widgets...)
			d, err := observe.NewDashboard(stack, "dashboard", tc.props)
			require.Error(t, err)
			assert.Nil(t, d)
			assert.True(t, errors.Is(err, validate.ErrInvalid), err)
			assert.Len(t, validate.Fields(err), len(tc.want), err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Nil(t, stack.Node().TryFindChild(ptr.String("dashboard")), "nothing is created")
		})
	}

	t.Run("bad alarm", func(t *testing.T) {
		stack := tftest.NewStack(t)
		f := newFake(stack, "source", "Source", 0, false)
		f.signals.Alarms = []observe.Alarm{{Name: "x"}, {ARN: "arn:aws:sns:eu-west-1:123456789012:alerts"}}
		_, err := observe.NewDashboard(stack, "dashboard", observe.DashboardProps{Region: "eu-west-1"})
		require.Error(t, err)
		assert.Contains(t, err.Error(), `Sources[0](test/source).Signals().Alarms[0].ARN is empty`)
		assert.Contains(t, err.Error(), `Sources[0](test/source).Signals().Alarms[1].ARN "arn:aws:sns:eu-west-1:123456789012:alerts" is not a CloudWatch alarm ARN`)
	})
	t.Run("valid names", func(t *testing.T) {
		stack := tftest.NewStack(t)
		for i, name := range []string{"a", "Shop_Prod-1", strings.Repeat("b", 255)} {
			_, err := observe.NewDashboard(stack, fmt.Sprint("d", i), observe.DashboardProps{Name: name, Region: "eu-west-1"})
			assert.NoError(t, err, name)
		}
	})
	t.Run("outside a stack", func(t *testing.T) {
		app := cdktf.Testing_App(nil)
		_, err := observe.NewDashboard(app, "dashboard", observe.DashboardProps{})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "is not inside a cdktf.TerraformStack")
	})
}

func TestPanelIsDiscovered(t *testing.T) {
	stack := tftest.NewStack(t)
	if _, err := observe.NewPanel(stack, "bad", observe.Signals{}); err == nil || !strings.Contains(err.Error(), "Title") || !strings.Contains(err.Error(), "Widgets") {
		t.Fatalf("empty panel: got %v, want errors naming Title and Widgets", err)
	}
	p, err := observe.NewPanel(stack, "nlb", observe.Signals{Title: "Internal NLB", Widgets: []observe.Widget{{Title: "Unhealthy targets", Signal: observe.Errors,
		Metrics: []observe.Metric{{Namespace: "AWS/NetworkELB", Name: "UnHealthyHostCount", Stat: "Maximum", Dimensions: map[string]string{"LoadBalancer": "net/x/1"}}}}}})
	require.NoError(t, err)
	d, err := observe.NewDashboard(stack, "dashboard", observe.DashboardProps{Name: "panel"})
	require.NoError(t, err)
	got := d.Sources()
	require.Len(t, got, 1)
	assert.Same(t, p, got[0].(*observe.Panel))
	assert.Contains(t, d.Body(), "UnHealthyHostCount")
}

func TestWidgetSignalIsChecked(t *testing.T) {
	stack := tftest.NewStack(t)
	_, err := observe.NewPanel(stack, "odd", observe.Signals{Title: "Odd", Widgets: []observe.Widget{{Title: "x", Signal: observe.Signal("42"),
		Metrics: []observe.Metric{{Namespace: "AWS/SQS", Name: "NumberOfMessagesSent", Stat: "Sum"}}}}})
	require.NoError(t, err)
	_, err = observe.NewDashboard(stack, "dashboard", observe.DashboardProps{Name: "odd"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Signal")
	assert.Contains(t, err.Error(), `"42" is not a golden signal`)
}
