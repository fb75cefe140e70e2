package observe

import (
	"fmt"
	"strings"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchcompositealarm"

	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// Limits of a composite alarm (PutCompositeAlarm).
const (
	// MaxAlarmRuleLength is the longest alarm rule, in characters.
	MaxAlarmRuleLength = 10240
	// MaxAlarmsPerRule is the number of alarms one rule may name.
	MaxAlarmsPerRule = 100
	// maxAlarmNameLength is the longest alarm name.
	maxAlarmNameLength = 255
	// maxAlarmDescriptionLength is the longest alarm description.
	maxAlarmDescriptionLength = 1024
	// maxAlarmARNPrefix is the longest "arn:<partition>:cloudwatch:
	// <region>:<account>:alarm:" (partition aws-us-gov, Regions up to 16
	// characters): an ARN that is a token is sized with it.
	maxAlarmARNPrefix = len("arn:aws-us-gov:cloudwatch:") + 16 + len(":123456789012:alarm:")
	// termOverhead is what ALARM("...") adds to an ARN.
	termOverhead = len(`ALARM("")`)
	ruleOr       = " OR "
)

// term is one alarm of a rule, with the length it has once Terraform has
// resolved its ARN (at most that, for a token).
type term struct {
	arn  string
	size int
}

func termOf(a Alarm) term {
	size := len(a.ARN)
	if validation.IsToken(a.ARN) {
		name := maxAlarmNameLength
		if a.Name != "" && !validation.IsToken(a.Name) {
			name = len(a.Name)
		}
		size = maxAlarmARNPrefix + name
	}
	return term{arn: a.ARN, size: size + termOverhead}
}

// fits reports whether one rule may name every term.
func fits(ts []term) bool {
	if len(ts) > MaxAlarmsPerRule {
		return false
	}
	n := 0
	for _, t := range ts {
		n += t.size
	}
	return n+len(ruleOr)*max(0, len(ts)-1) <= MaxAlarmRuleLength
}

// pack cuts ts into consecutive groups that each fit one rule.
func pack(ts []term) [][]term {
	var out [][]term
	var cur []term
	for _, t := range ts {
		if !fits(append(cur[:len(cur):len(cur)], t)) {
			out = append(out, cur)
			cur = nil
		}
		cur = append(cur, t)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// rule is ALARM("<arn>") OR ... over ts.
func rule(ts []term) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = `ALARM("` + t.arn + `")`
	}
	return strings.Join(parts, ruleOr)
}

// healthAlarms creates the stack's health alarm: one composite alarm over
// every alarm of the sources when one rule can name them all; else one
// composite alarm per source (several for a source with too many alarms),
// grouped again while they are too many, under the health alarm.
func (d *Dashboard) healthAlarms(props DashboardProps, sources []Source, signals []Signals, stackPath string) {
	name := props.Name
	var all []term
	for _, sig := range signals {
		for _, a := range sig.Alarms {
			all = append(all, termOf(a))
		}
	}
	total := len(all)
	level := all
	if !fits(all) {
		level = nil
		ids := names.IDs{}
		for i, sig := range signals {
			if len(sig.Alarms) == 0 {
				continue
			}
			path := relPath(stackPath, sources[i])
			readable := ids.For(names.ID(path), path)
			ts := make([]term, len(sig.Alarms))
			for j, a := range sig.Alarms {
				ts[j] = termOf(a)
			}
			chunks := pack(ts)
			for k, chunk := range chunks {
				id := "health-" + readable
				if len(chunks) > 1 {
					id += fmt.Sprintf("-%d", k+1)
				}
				level = append(level, d.part(id, alarmName(name+"-"+strings.TrimPrefix(id, "health-")+"-health"),
					fmt.Sprintf("In ALARM while any of %d alarms of %s is; part of the health alarm of %s", len(chunk), *sources[i].Node().Path(), name), chunk))
			}
		}
		for round := 1; !fits(level); round++ {
			var next []term
			for k, chunk := range pack(level) {
				id := fmt.Sprintf("health-group-%d-%d", round, k+1)
				next = append(next, d.part(id, alarmName(fmt.Sprintf("%s-health-group-%d-%d", name, round, k+1)),
					fmt.Sprintf("In ALARM while any of %d composite alarms is; part of the health alarm of %s", len(chunk), name), chunk))
			}
			level = next
		}
	}
	var actions *[]*string
	if props.AlarmTopicARN != "" {
		actions = ptr.Strings([]string{props.AlarmTopicARN})
	}
	d.health = cloudwatchcompositealarm.NewCloudwatchCompositeAlarm(d, ptr.String("health"), &cloudwatchcompositealarm.CloudwatchCompositeAlarmConfig{
		AlarmName:        ptr.String(alarmName(name + "-health")),
		AlarmDescription: ptr.String(names.Truncate(fmt.Sprintf("Health of %s: in ALARM while any of the %d alarms of its constructs is in ALARM", name, total), maxAlarmDescriptionLength)),
		AlarmRule:        ptr.String(rule(level)),
		AlarmActions:     actions,
		OkActions:        actions,
	})
}

// alarmName fits s to an alarm name's length, unless it holds a token.
func alarmName(s string) string {
	if validation.IsToken(s) {
		return s
	}
	return names.Fit(s, maxAlarmNameLength)
}

// part creates a composite alarm without notifications that the health
// alarm watches, and returns it as a term.
func (d *Dashboard) part(id, name, description string, ts []term) term {
	c := cloudwatchcompositealarm.NewCloudwatchCompositeAlarm(d, ptr.String(id), &cloudwatchcompositealarm.CloudwatchCompositeAlarmConfig{
		AlarmName:        ptr.String(name),
		AlarmDescription: ptr.String(names.Truncate(description, maxAlarmDescriptionLength)),
		AlarmRule:        ptr.String(rule(ts)),
	})
	d.parts = append(d.parts, c)
	return termOf(Alarm{Name: name, ARN: *c.Arn()})
}
