package observe

import (
	"fmt"
	"sort"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
)

// layout places widgets top to bottom on CloudWatch's 24-unit grid.
type layout struct {
	region  string
	y       int
	widgets []widget
}

// signalOrder is where each golden signal goes in a row of graphs.
var signalOrder = map[Signal]int{Latency: 0, Traffic: 1, Errors: 2, Saturation: 3}

func rank(s Signal) int {
	if r, ok := signalOrder[s]; ok {
		return r
	}
	return len(signalOrder)
}

// text adds a full-width text widget of height h.
func (l *layout) text(markdown string, h int) {
	l.add(widget{Type: "text", Width: gridWidth, Height: h, Properties: map[string]any{"markdown": markdown}})
}

// graphs adds a graph per widget, in golden signal order (latency,
// traffic, errors, saturation, then any other; a Source's own order
// within a signal), four to a row.
func (l *layout) graphs(ws []Widget) {
	sorted := append([]Widget(nil), ws...)
	sort.SliceStable(sorted, func(i, j int) bool { return rank(sorted[i].Signal) < rank(sorted[j].Signal) })
	perRow := gridWidth / graphWidth
	for i, w := range sorted {
		l.widgets = append(l.widgets, widget{
			Type: "metric", X: (i % perRow) * graphWidth, Y: l.y + (i/perRow)*graphHeight,
			Width: graphWidth, Height: graphHeight, Properties: metricProperties(w, l.region),
		})
	}
	l.y += (len(sorted) + perRow - 1) / perRow * graphHeight
}

// alarms adds full-width alarm status widgets, MaxAlarmsPerAlarmWidget
// alarms each, the alarms in ALARM first.
func (l *layout) alarms(arns []string) {
	parts := (len(arns) + MaxAlarmsPerAlarmWidget - 1) / MaxAlarmsPerAlarmWidget
	for i := 0; i < parts; i++ {
		chunk := arns[i*MaxAlarmsPerAlarmWidget : min(len(arns), (i+1)*MaxAlarmsPerAlarmWidget)]
		title := "Alarms"
		if parts > 1 {
			title = fmt.Sprintf("Alarms (%d of %d)", i+1, parts)
		}
		// The widget shows alarms in rows of about six.
		l.add(widget{Type: "alarm", Width: gridWidth, Height: 2 + (len(chunk)+5)/6, Properties: map[string]any{
			"title":  title,
			"alarms": chunk,
			"sortBy": "stateUpdatedTimestamp",
		}})
	}
}

// log adds a full-width CloudWatch Logs Insights widget.
func (l *layout) log(title, query string, h int) {
	l.add(widget{Type: "log", Width: gridWidth, Height: h, Properties: map[string]any{
		"title":  title,
		"query":  query,
		"region": l.region,
		"view":   "table",
	}})
}

func (l *layout) add(w widget) {
	w.X, w.Y = 0, l.y
	l.widgets = append(l.widgets, w)
	l.y += w.Height
}

// metricProperties renders a graph: its metrics in CloudWatch's array
// form [namespace, name, dimension, value, ..., {stat, label}].
func metricProperties(w Widget, region string) map[string]any {
	period := w.PeriodSeconds
	if period == 0 {
		period = defaultPeriod
	}
	title := w.Title
	if title == "" {
		title = string(w.Signal)
	}
	stat := ""
	rows := make([]any, 0, len(w.Metrics))
	for i, m := range w.Metrics {
		rows = append(rows, metricRow(m, i))
		if stat == "" && m.Expression == "" {
			stat = statOf(m)
		}
	}
	if stat == "" {
		stat = "Average"
	}
	return map[string]any{
		"title":   title,
		"metrics": rows,
		"period":  period,
		"stat":    stat,
		"region":  region,
		"view":    "timeSeries",
		"stacked": false,
	}
}

func statOf(m Metric) string {
	if m.Stat == "" {
		return "Average"
	}
	return m.Stat
}

func metricRow(m Metric, i int) []any {
	label := m.Label
	if label == "" {
		label = m.Name
	}
	if m.Expression != "" {
		opts := map[string]any{"expression": m.Expression, "id": fmt.Sprintf("e%d", i+1)}
		if label != "" {
			opts["label"] = label
		}
		return []any{opts}
	}
	row := []any{m.Namespace, m.Name}
	for _, k := range ptr.SortedKeys(m.Dimensions) {
		row = append(row, k, m.Dimensions[k])
	}
	return append(row, map[string]any{"stat": statOf(m), "label": label})
}
