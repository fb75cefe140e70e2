package observe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchcompositealarm"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchdashboard"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// CloudWatch limits a dashboard must respect.
const (
	// MaxWidgets is the number of widgets a dashboard body may hold.
	MaxWidgets = 500
	// MaxMetricsPerWidget is the number of metrics one graph may draw.
	MaxMetricsPerWidget = 500
	// MaxMetricsPerDashboard is the number of metrics all the graphs of a
	// dashboard may draw together.
	MaxMetricsPerDashboard = 2500
	// MaxAlarmsPerAlarmWidget is the number of alarms one alarm status
	// widget may list; more alarms get more widgets.
	MaxAlarmsPerAlarmWidget = 100
	// MaxDashboardNameLength is the longest dashboard name.
	MaxDashboardNameLength = 255
)

// Layout of a dashboard on CloudWatch's grid, which is 24 units wide.
const (
	gridWidth     = 24
	graphWidth    = 6
	graphHeight   = 6
	headerHeight  = 2
	defaultPeriod = 60
)

// DashboardProps configures a Dashboard.
type DashboardProps struct {
	// Name is the dashboard's name, unique in the account: 1-255 letters,
	// digits, '-' and '_'. The stack's health alarm is named
	// "<Name>-health".
	// Default: - the dashboard's path in its stack, such as "orders-dashboard"
	Name string
	// Description is a line of text under the dashboard's title.
	// Default: - none
	Description string
	// Sources are the constructs the dashboard shows, in this order,
	// instead of every Source of the stack.
	// Default: - every Source in scope's stack, in the order they were built
	Sources []Source
	// AlarmTopicARN is the SNS topic the health alarm notifies when it
	// fires and when it recovers.
	// Default: - no notification
	AlarmTopicARN string
	// Region is the Region the graphs read their metrics from.
	// Default: - the stack's Region (package awsenv)
	Region string
	// NoHealthAlarm creates no composite alarm for the stack's health.
	// Default: false
	NoHealthAlarm bool
}

// Dashboard is a CloudWatch dashboard derived from the construct graph,
// with the composite alarm that sums up the stack's health.
type Dashboard struct {
	constructs.Construct
	dashboard cloudwatchdashboard.CloudwatchDashboard
	health    cloudwatchcompositealarm.CloudwatchCompositeAlarm
	parts     []cloudwatchcompositealarm.CloudwatchCompositeAlarm
	sources   []Source
	widgets   []widget
	body      string
}

// widget is one widget of a dashboard body, as CloudWatch reads it.
type widget struct {
	Type       string         `json:"type"`
	X          int            `json:"x"`
	Y          int            `json:"y"`
	Width      int            `json:"width"`
	Height     int            `json:"height"`
	Properties map[string]any `json:"properties"`
}

// body is a dashboard body.
type body struct {
	Widgets []widget `json:"widgets"`
}

// NewDashboard creates a CloudWatch dashboard of the stack scope is in,
// and the stack's health alarm.
//
// It walks the stack's construct tree (pre-order, which is the order the
// stack built its constructs) for every Source, unless props.Sources names
// them, and lays the dashboard out top to bottom: a title; for each Source
// a header (its title, construct path and links to its log groups) and its
// graphs, latency first, then traffic, errors and saturation, four to a
// row; last, the state of every alarm. Call it after every construct of
// the stack exists: Sources built later are not on it.
//
// The health alarm is an aws_cloudwatch_composite_alarm named
// "<Name>-health" that is in ALARM while any alarm of any Source is, and
// notifies props.AlarmTopicARN. A rule may name at most 100 alarms in
// 10240 characters; beyond, each Source gets a composite alarm of its own
// ("<Name>-<path>-health", without notifications) and the health alarm
// watches those. When no Source has an alarm, or with NoHealthAlarm, there
// is no health alarm and HealthAlarmARN returns "".
//
// Nothing is created when props are invalid or the dashboard would be
// over a CloudWatch limit (MaxWidgets, MaxMetricsPerWidget,
// MaxMetricsPerDashboard): it returns every problem at once, each naming
// the field, the Source's construct path and the value, and each wrapping
// validate.ErrInvalid.
func NewDashboard(scope constructs.Construct, id string, props DashboardProps) (*Dashboard, error) {
	r := validation.ForConstruct("observe", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	stack, err := stackOf(scope)
	if err != nil {
		r.Addf("scope", "%v", err)
		return nil, r.Err()
	}
	if props.Name == "" {
		props.Name = names.FromPathFit(r.StackPath(scope), MaxDashboardNameLength)
	}
	validateName(r, props.Name)
	validateRegion(r, props.Region)
	if t := props.AlarmTopicARN; t != "" && !validation.IsToken(t) && !validation.SNSTopicARN(t) {
		r.Addf("AlarmTopicARN", "%q is not an SNS topic ARN (arn:<partition>:sns:<region>:<account>:<topic>)", t)
	}
	sources, field := props.Sources, "Sources"
	if len(sources) == 0 {
		sources = discover(stack)
	}
	for i, s := range sources {
		if s == nil {
			r.Addf(fmt.Sprintf("Sources[%d]", i), "is nil")
		}
	}
	if r.Len() > 0 {
		return nil, r.Err()
	}
	signals := make([]Signals, len(sources))
	for i, s := range sources {
		signals[i] = s.Signals()
	}
	stackPath := *stack.Node().Path()
	var graphs, metrics int
	for i, sig := range signals {
		at := sourceField(field, i, sources[i])
		for j, w := range sig.Widgets {
			validateWidget(r, fmt.Sprintf("%s.Widgets[%d]", at, j), w)
			graphs++
			metrics += len(w.Metrics)
		}
		for j, a := range sig.Alarms {
			validateAlarm(r, fmt.Sprintf("%s.Alarms[%d]", at, j), a)
		}
	}
	alarms := 0
	for _, sig := range signals {
		alarms += len(sig.Alarms)
	}
	count := 1 + graphs
	if alarms > 0 {
		listed := alarms
		if !props.NoHealthAlarm {
			listed++ // the health alarm comes first in the alarm widgets
		}
		count += (listed + MaxAlarmsPerAlarmWidget - 1) / MaxAlarmsPerAlarmWidget
	}
	for _, sig := range signals {
		if hasContent(sig) {
			count++
		}
	}
	if count > MaxWidgets {
		r.Addf(field, "(%d of them) need %d widgets with %d graphs and %d alarms; CloudWatch allows %d per dashboard: pass fewer Sources, or split the stack's dashboard in two", len(sources), count, graphs, alarms, MaxWidgets)
	}
	if metrics > MaxMetricsPerDashboard {
		r.Addf(field, "(%d of them) draw %d metrics; CloudWatch allows %d per dashboard, across all its graphs: pass fewer Sources, or split the stack's dashboard in two", len(sources), metrics, MaxMetricsPerDashboard)
	}
	if r.Len() > 0 {
		return nil, r.Err()
	}
	if props.Region == "" {
		env, err := awsenv.Of(stack)
		if err != nil {
			r.Join(err)
			return nil, r.Err()
		}
		props.Region = env.Region
	}

	d := &Dashboard{sources: sources}
	constructs.NewConstruct_Override(d, scope, &id)
	var all []Alarm
	for _, sig := range signals {
		all = append(all, sig.Alarms...)
	}
	if !props.NoHealthAlarm && len(all) > 0 {
		d.healthAlarms(props, sources, signals, stackPath)
	}

	l := &layout{region: props.Region}
	l.text(titleMarkdown(props.Name, props.Description, *stack.Node().Id()), headerHeight)
	for i, sig := range signals {
		if !hasContent(sig) {
			continue
		}
		l.text(headerMarkdown(sig, relPath(stackPath, sources[i]), props.Region), headerHeight)
		l.graphs(sig.Widgets)
	}
	if len(all) > 0 {
		arns := make([]string, 0, len(all)+1)
		if d.health != nil {
			arns = append(arns, *d.health.Arn())
		}
		for _, a := range all {
			arns = append(arns, a.ARN)
		}
		l.alarms(arns)
	}
	if len(sources) == 0 {
		l.text("No construct of this stack reports golden signals (package observe, Source).", headerHeight)
	}
	d.widgets = l.widgets
	d.body = marshalBody(l.widgets)
	d.dashboard = cloudwatchdashboard.NewCloudwatchDashboard(d, ptr.String("dashboard"), &cloudwatchdashboard.CloudwatchDashboardConfig{
		DashboardName: ptr.String(props.Name),
		DashboardBody: ptr.String(d.body),
	})
	return d, nil
}

// Resource returns the aws_cloudwatch_dashboard, an escape hatch.
func (d *Dashboard) Resource() cloudwatchdashboard.CloudwatchDashboard { return d.dashboard }

// DashboardName returns the dashboard's name.
func (d *Dashboard) DashboardName() string { return *d.dashboard.DashboardName() }

// DashboardARN returns the dashboard's ARN (a token).
func (d *Dashboard) DashboardARN() string { return *d.dashboard.DashboardArn() }

// Body returns the dashboard body: JSON whose strings may hold Terraform
// tokens (names and ARNs of other resources).
func (d *Dashboard) Body() string { return d.body }

// Sources returns the constructs the dashboard shows, in its order.
func (d *Dashboard) Sources() []Source { return append([]Source(nil), d.sources...) }

// HealthAlarm returns the stack's health alarm, or nil when there is none
// (no Source has an alarm, or NoHealthAlarm).
func (d *Dashboard) HealthAlarm() cloudwatchcompositealarm.CloudwatchCompositeAlarm { return d.health }

// HealthAlarmARN returns the ARN (a token) of the stack's health alarm, or
// "" when there is none.
func (d *Dashboard) HealthAlarmARN() string {
	if d.health == nil {
		return ""
	}
	return *d.health.Arn()
}

// HealthAlarmParts returns the composite alarms the health alarm watches
// when the stack has too many alarms for one rule, one or more per Source;
// none otherwise.
func (d *Dashboard) HealthAlarmParts() []cloudwatchcompositealarm.CloudwatchCompositeAlarm {
	return append([]cloudwatchcompositealarm.CloudwatchCompositeAlarm(nil), d.parts...)
}

// Layout returns where the dashboard's widgets are, for Text and SVG.
func (d *Dashboard) Layout() Layout { return layoutOf(d.widgets) }

var (
	dashboardName = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	regionName    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	alarmARN      = regexp.MustCompile(`^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:[0-9]{12}:alarm:.+$`)
	percentile    = regexp.MustCompile(`^(p|tm|wm|tc|ts|pr)[0-9]{1,2}(\.[0-9]+)?$`)
)

func validateName(r *validation.Report, name string) {
	switch {
	case validation.IsToken(name):
	case len(name) > MaxDashboardNameLength:
		r.Addf("Name", "%q has %d characters; CloudWatch allows 1-%d", name, len(name), MaxDashboardNameLength)
	case !dashboardName.MatchString(name):
		r.Addf("Name", "%q is not a dashboard name: CloudWatch allows letters A-Z and a-z, digits, '-' and '_'", name)
	}
}

func validateRegion(r *validation.Report, region string) {
	if region != "" && !validation.IsToken(region) && !regionName.MatchString(region) {
		r.Addf("Region", "%q is not a Region name, such as \"eu-west-1\"", region)
	}
}

// validPeriod reports whether CloudWatch graphs a period of p seconds:
// 1, 5, 10, 30 or a multiple of 60.
func validPeriod(p int) bool {
	return p == 1 || p == 5 || p == 10 || p == 30 || (p > 0 && p%60 == 0)
}

func validStat(s string) bool {
	return validation.OneOf(s, "", "Sum", "Average", "Maximum", "Minimum", "SampleCount", "IQM") || percentile.MatchString(s)
}

func validateWidget(r *validation.Report, at string, w Widget) {
	switch w.Signal {
	case Latency, Traffic, Errors, Saturation:
	default:
		r.Addf(at+".Signal", "%q is not a golden signal; use observe.Latency, Traffic, Errors or Saturation", string(w.Signal))
	}
	if w.PeriodSeconds != 0 && !validPeriod(w.PeriodSeconds) {
		r.Addf(at+".PeriodSeconds", "%d is not a period CloudWatch graphs: use 1, 5, 10, 30 or a multiple of 60", w.PeriodSeconds)
	}
	switch n := len(w.Metrics); {
	case n == 0:
		r.Addf(at+".Metrics", "is empty; a graph (%q) needs at least one metric", w.Title)
	case n > MaxMetricsPerWidget:
		r.Addf(at+".Metrics", "has %d metrics; CloudWatch allows %d per graph: split graph %q", n, MaxMetricsPerWidget, w.Title)
	}
	for k, m := range w.Metrics {
		mat := fmt.Sprintf("%s.Metrics[%d]", at, k)
		if m.Expression == "" {
			if m.Namespace == "" {
				r.Addf(mat+".Namespace", "is empty; name the CloudWatch namespace, such as \"AWS/Lambda\", or give an Expression")
			}
			if m.Name == "" {
				r.Addf(mat+".Name", "is empty; name the metric, such as \"Errors\", or give an Expression")
			}
		}
		if !validStat(m.Stat) {
			r.Addf(mat+".Stat", "%q is not a statistic: use Sum, Average, Maximum, Minimum, SampleCount, IQM or a percentile such as p99", m.Stat)
		}
	}
}

func validateAlarm(r *validation.Report, at string, a Alarm) {
	switch {
	case a.ARN == "":
		r.Addf(at+".ARN", "is empty; give the alarm's ARN (Arn() of the alarm resource)")
	case validation.IsToken(a.ARN):
	case !alarmARN.MatchString(a.ARN):
		r.Addf(at+".ARN", "%q is not a CloudWatch alarm ARN (arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>)", a.ARN)
	}
}

// sourceField names Source i in error messages: the field and the
// construct's path.
func sourceField(field string, i int, s Source) string {
	return fmt.Sprintf("%s[%d](%s).Signals()", field, i, *s.Node().Path())
}

// hasContent reports whether a Source has anything to show.
func hasContent(sig Signals) bool {
	return len(sig.Widgets) > 0 || len(sig.Alarms) > 0 || len(sig.LogGroups) > 0
}

// discover returns every Source in stack, in pre-order.
func discover(stack cdktf.TerraformStack) []Source {
	var out []Source
	for _, c := range *stack.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		if s, ok := c.(Source); ok {
			out = append(out, s)
		}
	}
	return out
}

func stackOf(scope constructs.IConstruct) (st cdktf.TerraformStack, err error) {
	// TerraformStack_Of throws (a jsii panic) when no ancestor is a stack.
	defer func() {
		if recover() != nil {
			err = fmt.Errorf("construct %q is not inside a cdktf.TerraformStack", *scope.Node().Path())
		}
	}()
	return cdktf.TerraformStack_Of(scope), nil
}

// relPath is s's construct path inside the stack at stackPath.
func relPath(stackPath string, s Source) string {
	return strings.TrimPrefix(*s.Node().Path(), stackPath+"/")
}

func marshalBody(ws []widget) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body{Widgets: ws}); err != nil {
		// Only strings, numbers, slices and maps: cannot fail.
		panic(fmt.Sprintf("observe: dashboard body: %v", err))
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func titleMarkdown(name, description, stack string) string {
	md := "# " + name + "\n"
	if description != "" {
		md += description + "\n"
	}
	return md + "Derived from the construct tree of stack `" + stack + "` (package observe): every construct that carries traffic, in the order the stack builds them. Edits made in the console are lost at the next apply."
}

func headerMarkdown(sig Signals, path, region string) string {
	title := sig.Title
	if title == "" {
		title = path
	}
	md := "## " + title + "\n`" + path + "`"
	for i, g := range sig.LogGroups {
		if i == 0 {
			md += " · logs:"
		}
		md += " [" + g + "](" + logGroupURL(region, g) + ")"
	}
	return md
}

// logGroupURL links a log group in the CloudWatch console, which wants
// the '/' of the name written "$252F".
func logGroupURL(region, group string) string {
	var encoded string
	if validation.IsToken(group) {
		encoded = *cdktf.Fn_Replace(ptr.String(group), ptr.String("/"), ptr.String("$252F"))
	} else {
		encoded = strings.ReplaceAll(group, "/", "$252F")
	}
	return "https://console.aws.amazon.com/cloudwatch/home?region=" + region + "#logsV2:log-groups/log-group/" + encoded
}
