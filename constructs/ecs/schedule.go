package ecs

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatcheventrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatcheventtarget"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchmetricalarm"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/schedulerschedule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/sqsqueuepolicy"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/alarm"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/rolepolicy"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/nag"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/observe"
	"github.com/hybridstack/hybridstack/constructs/queue"
)

// ScheduledTimeVariable is the environment variable a scheduled run's
// first container gets the schedule's time in (RFC 3339, UTC), the same on
// every retry of one invocation: a job that processes "the period before
// SCHEDULED_TIME" redoes the same period when retried.
const ScheduledTimeVariable = "SCHEDULED_TIME"

// RunTaskTarget is the EventBridge Scheduler universal target that calls
// ECS RunTask.
const RunTaskTarget = "arn:aws:scheduler:::aws-sdk:ecs:runTask"

// unescapedJSON marshals v without escaping '<' and '>', which Scheduler's
// context attributes (<aws.scheduler.scheduled-time>) are spelled with.
func unescapedJSON(v any) (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// ScheduledTaskProps configures a ScheduledTask.
type ScheduledTaskProps struct {
	// Cluster runs the task. Required.
	Cluster *Cluster
	// TaskDefinition is the task to run. Required.
	TaskDefinition *TaskDefinition
	// Name is the schedule's name: 1-64 letters, digits, '-', '_' and '.'.
	// Default: - the construct path with "-" for "/", cut to 64 with a hash
	Name string
	// Schedule is "rate(<n> <unit>)" or "cron(<min> <hour> <day-of-month>
	// <month> <day-of-week> <year>)", such as "cron(5 * * * ? *)" (five
	// past every hour). Required.
	Schedule string
	// TimeZone (IANA) the cron expression is read in.
	// Default: UTC
	TimeZone string
	// FlexibleWindowMinutes lets Scheduler start a run up to this many
	// minutes after its time (1 to 1440), spreading load; 0 starts on time.
	// Default: 0
	FlexibleWindowMinutes int
	// MaxRetries is how often Scheduler retries a run ECS refused to start
	// (throttling, no capacity), 0 to 185.
	// Default: 3
	MaxRetries *int
	// MaxEventAgeSeconds gives up on a run this long after its time, 60 to
	// 86400.
	// Default: 3600
	MaxEventAgeSeconds int
	// DeadLetterQueue receives the runs Scheduler gave up on.
	// Default: - a new encrypted queue kept 14 days, with an alarm
	DeadLetterQueue queue.Ref
	// UseSpot runs on FARGATE_SPOT (up to 70% cheaper; AWS may stop the
	// task with two minutes' notice): for jobs that can be rerun.
	// Default: false
	UseSpot bool
	// SecurityGroupIDs are the tasks' groups instead of a new one.
	// Default: - a new group admitting nothing, with HTTPS out only to the VPC's endpoints (see AllowInternetHTTPS)
	SecurityGroupIDs []string
	// AllowInternetHTTPS lets the new security group send HTTPS anywhere
	// (through NAT), for jobs that call APIs outside AWS.
	// Default: false
	AllowInternetHTTPS bool
	// Disabled creates the schedule switched off.
	// Default: false
	Disabled bool
	// AlarmTopicARN is notified when a run lands in the dead-letter queue,
	// a started task fails (a container exits non-zero, or the task
	// cannot start), or a run is missed (see MissedRunWindowMinutes).
	// Default: - alarms without notification
	AlarmTopicARN string
	// MissedRunWindowMinutes is how long may pass without ECS creating a
	// task of the schedule before the missed-run alarm fires. Scheduler
	// counts a RunTask call that ECS answers with failures[] (no
	// capacity, a bad subnet) as a success, so no dead letter and no task
	// state change tells of that run: only the missing task does. The
	// alarm counts the schedule's task starts (ECS task state change
	// events with a StartedStatuses lastStatus) and fires when a window
	// has none (missing data is breaching); a window is one alarm period
	// up to a day, or that many hourly periods up to 7 days (CloudWatch's
	// longest evaluation range), and slides with time. A missed run is
	// caught when the starts around it, the two intervals around it less
	// the flexible window apart, are further apart than the window: with
	// the default window, for an even schedule (a rate, or an hourly or
	// daily cron) whose interval exceeds twice FlexibleWindowMinutes plus
	// 10 minutes. On an uneven cron the window follows the longest gap
	// (the weekend of a weekdays cron), so a single miss in the shorter
	// gaps is not caught. A run that Scheduler retried
	// (MaxEventAgeSeconds) and started more than 10 minutes past its
	// flexible window raises it too, as late; so does the wait for the
	// first run after the first apply. A disabled
	// schedule gets no such alarm. Set it for cron expressions with L, W, #
	// or a year, whose runs are not followed; -1 creates no missed-run
	// alarm.
	// Default: - the longest interval between runs plus FlexibleWindowMinutes and 10 minutes
	MissedRunWindowMinutes int
	// Tags are added to every resource.
	// Default: - none
	Tags map[string]string
}

// ScheduledTask runs a task definition on an EventBridge Scheduler
// schedule, in the cluster VPC's private subnets without a public IP.
// Scheduler only knows whether ECS accepted the run; runs that fail
// later are caught by an EventBridge rule into a queue of failed runs,
// which raises an alarm.
type ScheduledTask struct {
	constructs.Construct
	name          string
	schedule      schedulerschedule.SchedulerSchedule
	dlq           queue.Ref
	failed        *queue.Queue
	securityGroup string
	connections   *network.Connections
	// Signals: the rule counting the schedule's task state changes (""
	// without a missed-run alarm), the alarms raised and the tasks' log
	// group.
	startedRule string
	raised      []observe.Alarm
	logGroup    string
}

var scheduleNameRe = regexp.MustCompile(`^[0-9A-Za-z_.-]{1,64}$`)

// NewScheduledTask validates props and creates the schedule, its role, the
// dead-letter queue, the failed-run rule and queue, and their alarms. It
// returns every problem with props at once, each a *validate.FieldError
// wrapping validate.ErrInvalid, and creates nothing then.
func NewScheduledTask(scope constructs.Construct, id string, props ScheduledTaskProps) (*ScheduledTask, error) {
	r := validation.ForConstruct("ecs", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	p := props
	if p.Name == "" {
		p.Name = defaultName(r, scope, 64)
	}
	if p.TimeZone == "" {
		p.TimeZone = "UTC"
	}
	retries := 3
	if p.MaxRetries != nil {
		retries = *p.MaxRetries
	}
	if p.MaxEventAgeSeconds == 0 {
		p.MaxEventAgeSeconds = 3600
	}
	if !scheduleNameRe.MatchString(p.Name) {
		r.Addf("Name", "%q must be 1-64 letters, digits, '-', '_' or '.'", p.Name)
	}
	if p.Cluster == nil {
		r.Addf("Cluster", "is nil; name the cluster that runs the task")
	}
	if p.TaskDefinition == nil {
		r.Addf("TaskDefinition", "is nil; name the task to run")
	}
	if err := ValidateScheduleExpression(p.Schedule); err != nil {
		r.Addf("Schedule", "%v", err)
	}
	if err := ValidateTimeZone(p.TimeZone); err != nil {
		r.Addf("TimeZone", "%v", err)
	}
	if p.FlexibleWindowMinutes < 0 || p.FlexibleWindowMinutes > 1440 {
		r.Addf("FlexibleWindowMinutes", "%d is out of range; use 1 to 1440, or 0 to start on time", p.FlexibleWindowMinutes)
	}
	if retries < 0 || retries > 185 {
		r.Addf("MaxRetries", "%d is out of range; use 0 to 185", retries)
	}
	if p.MaxEventAgeSeconds < 60 || p.MaxEventAgeSeconds > 86400 {
		r.Addf("MaxEventAgeSeconds", "%d is out of range; use 60 to 86400", p.MaxEventAgeSeconds)
	}
	if p.DeadLetterQueue != nil && p.DeadLetterQueue.FIFO() {
		r.Addf("DeadLetterQueue", "is a FIFO queue; Scheduler dead-letter queues are standard queues")
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	missedWindow := missedRunWindow(r, p)
	if err := r.Err(); err != nil {
		return nil, err
	}
	env, err := awsenv.Of(scope)
	if err != nil {
		return nil, err
	}
	st := &ScheduledTask{name: p.Name, logGroup: p.TaskDefinition.LogGroupName()}
	constructs.NewConstruct_Override(st, scope, &id)
	td, cluster := p.TaskDefinition, p.Cluster

	st.dlq = p.DeadLetterQueue
	if st.dlq == nil {
		q, err := queue.NewQueue(st, "dead-letter-queue", queue.Props{NamePrefix: names.Truncate(queueName(p.Name), 40) + "-dlq-", IsDeadLetterQueue: true, Tags: p.Tags})
		if err != nil {
			return nil, err
		}
		st.dlq = q
	}
	sgs := p.SecurityGroupIDs
	if len(sgs) == 0 {
		st.securityGroup = network.NewWorkloadGroup(st, cluster.VPC(), network.WorkloadGroupProps{
			NamePrefix: names.Truncate(p.Name, 40) + "-", Subject: "Scheduled ECS task " + p.Name,
			AllowInternetHTTPS: p.AllowInternetHTTPS, Tags: p.Tags,
		})
		sgs = []string{st.securityGroup}
	}

	// Scheduler's role may run this task family in this cluster only, pass
	// its two roles to ECS tasks only, tag the tasks it starts, and send
	// to the dead-letter queue.
	role := iamrole.NewIamRole(st, ptr.String("scheduler-role"), &iamrole.IamRoleConfig{
		NamePrefix:  ptr.String(names.Truncate(p.Name, 27) + "-scheduler-"),
		Description: ptr.String("EventBridge Scheduler runs ECS task family " + td.Family() + " for schedule " + p.Name),
		AssumeRolePolicy: ptr.String(r.Doc(iamdoc.ServiceTrust([]string{"scheduler.amazonaws.com"}, nil,
			map[string]map[string]any{"StringEquals": {"aws:SourceAccount": env.Account}}))),
		Tags: ptr.Map(p.Tags),
	})
	runTask := iamdoc.Allow("RunTask", []string{"ecs:RunTask"}, td.ARNWithoutRevision()+":*")
	runTask.Condition = map[string]map[string]any{"ArnEquals": {"ecs:cluster": cluster.ARN()}}
	passRoles := iamdoc.Allow("PassTaskRoles", []string{"iam:PassRole"}, td.RoleARN(), td.ExecutionRoleARN())
	passRoles.Condition = map[string]map[string]any{"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}
	tagTasks := iamdoc.Allow("TagStartedTasks", []string{"ecs:TagResource"}, "arn:"+env.Partition+":ecs:"+env.Region+":"+env.Account+":task/"+cluster.Name()+"/*")
	tagTasks.Condition = map[string]map[string]any{"StringEquals": {"ecs:CreateAction": "RunTask"}}
	policy, err := rolepolicy.New(st, role.Id).Add("run-task", runTask, passRoles, tagTasks,
		iamdoc.Allow("DeadLetters", []string{"sqs:SendMessage"}, st.dlq.QueueARN()))
	if err != nil {
		return nil, err
	}

	// The schedule calls ECS RunTask as a universal target: its input is
	// the whole request, so the first container can be given the run's
	// scheduled time (a context attribute Scheduler fills in, the same on
	// every retry of one invocation). The templated ECS target documents no
	// way to pass overrides.
	// Universal targets take the API's members in PascalCase, as the
	// Step Functions AWS SDK integrations do, even for camelCase APIs
	// such as ECS.
	group := "scheduled:" + p.Name
	request := map[string]any{
		"Cluster":              cluster.ARN(),
		"TaskDefinition":       td.ARN(),
		"Count":                1,
		"PlatformVersion":      "LATEST",
		"Group":                group,
		"EnableECSManagedTags": true,
		"PropagateTags":        "TASK_DEFINITION",
		"NetworkConfiguration": map[string]any{"AwsvpcConfiguration": map[string]any{
			"Subnets": cluster.VPC().PrivateSubnetIDs(), "SecurityGroups": sgs, "AssignPublicIp": "DISABLED",
		}},
		"Overrides": map[string]any{"ContainerOverrides": []map[string]any{{
			"Name":        td.containers[0].Name,
			"Environment": []map[string]string{{"Name": ScheduledTimeVariable, "Value": "<aws.scheduler.scheduled-time>"}},
		}}},
	}
	if p.UseSpot {
		request["CapacityProviderStrategy"] = []map[string]any{{"CapacityProvider": "FARGATE_SPOT", "Weight": 1}}
	} else {
		request["LaunchType"] = "FARGATE"
	}
	input, err := unescapedJSON(request)
	if err != nil {
		return nil, err
	}
	window := &schedulerschedule.SchedulerScheduleFlexibleTimeWindow{Mode: ptr.String("OFF")}
	if p.FlexibleWindowMinutes > 0 {
		window = &schedulerschedule.SchedulerScheduleFlexibleTimeWindow{Mode: ptr.String("FLEXIBLE"), MaximumWindowInMinutes: ptr.Number(p.FlexibleWindowMinutes)}
	}
	state := "ENABLED"
	if p.Disabled {
		state = "DISABLED"
	}
	st.schedule = schedulerschedule.NewSchedulerSchedule(st, ptr.String("schedule"), &schedulerschedule.SchedulerScheduleConfig{
		Name:                       ptr.String(p.Name),
		Description:                ptr.String("Runs ECS task family " + td.Family()),
		ScheduleExpression:         ptr.String(p.Schedule),
		ScheduleExpressionTimezone: ptr.String(p.TimeZone),
		FlexibleTimeWindow:         window,
		State:                      ptr.String(state),
		Target: &schedulerschedule.SchedulerScheduleTarget{
			Arn:              ptr.String(RunTaskTarget),
			RoleArn:          role.Arn(),
			Input:            ptr.String(input),
			RetryPolicy:      &schedulerschedule.SchedulerScheduleTargetRetryPolicy{MaximumRetryAttempts: ptr.Number(retries), MaximumEventAgeInSeconds: ptr.Number(p.MaxEventAgeSeconds)},
			DeadLetterConfig: &schedulerschedule.SchedulerScheduleTargetDeadLetterConfig{Arn: ptr.String(st.dlq.QueueARN())},
		},
		// The first run must not find the role without its permissions.
		DependsOn: &[]cdktf.ITerraformDependable{policy},
	})

	if err := st.catchFailedRuns(r, cluster, group, p); err != nil {
		return nil, err
	}
	if missedWindow > 0 {
		if err := st.catchMissedRuns(r, cluster, group, p, missedWindow); err != nil {
			return nil, err
		}
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return st, nil
}

// catchFailedRuns sends the state changes of this schedule's tasks that
// stopped with a failed container, or never started, to a queue, and
// raises alarms on it and on the dead-letter queue.
func (st *ScheduledTask) catchFailedRuns(r *validation.Report, cluster *Cluster, group string, p ScheduledTaskProps) error {
	q, err := queue.NewQueue(st, "failed-runs", queue.Props{NamePrefix: names.Truncate(queueName(p.Name), 36) + "-failed-", IsDeadLetterQueue: true, Tags: p.Tags})
	if err != nil {
		return err
	}
	st.failed = q
	if err := nag.Suppress(q.Resource(), "SQS-002", "holds the state changes of failed runs for people to read; nothing consumes and retries them"); err != nil {
		return err
	}
	pattern, err := json.Marshal(map[string]any{
		"source":      []string{"aws.ecs"},
		"detail-type": []string{"ECS Task State Change"},
		"detail": map[string]any{
			"clusterArn": []string{cluster.ARN()},
			"group":      []string{group},
			"lastStatus": []string{"STOPPED"},
			"$or": []map[string]any{
				{"containers": map[string]any{"exitCode": []map[string]any{{"anything-but": 0}}}},
				{"stopCode": []string{"TaskFailedToStart"}},
			},
		},
	})
	if err != nil {
		return err
	}
	st.routeToQueue(r, q, "failed-runs", "EventBridgeSendsFailedRuns", names.Truncate(p.Name, 30)+"-failed-",
		"Runs of schedule "+p.Name+" that failed after ECS started them", pattern, p.Tags)
	st.arrivalAlarm("failed-runs-alarm", q.QueueName(), p, "Runs of schedule "+p.Name+" failed after they started: their task state changes wait in "+*q.Node().Path())
	if dlq, ok := st.dlq.(*queue.Queue); ok {
		st.arrivalAlarm("dead-letters-alarm", dlq.QueueName(), p, "Scheduler gave up starting runs of "+p.Name+": they wait in "+*dlq.Node().Path())
	}
	return nil
}

// maxMissedRunWindow is CloudWatch's longest alarm evaluation range
// (period times evaluation periods): 7 days.
const maxMissedRunWindow = 7 * 24 * 60

// StartedStatuses are the lastStatus values of a task's ECS Task State
// Change events that mark its start (PROVISIONING with awsvpc networking,
// PENDING otherwise): the missed-run alarm counts these.
func StartedStatuses() []string { return []string{"PROVISIONING", "PENDING"} }

// missedRunWindow returns the missed-run alarm's window in minutes, or 0
// for none (MissedRunWindowMinutes -1, or a disabled schedule).
func missedRunWindow(r *validation.Report, p ScheduledTaskProps) int {
	w := p.MissedRunWindowMinutes
	switch {
	case w == -1 || p.Disabled:
		return 0
	case w < -1:
		r.Addf("MissedRunWindowMinutes", "%d is out of range; use 1 to %d, -1 for no missed-run alarm, or 0 for the default", w, maxMissedRunWindow)
		return 0
	case w == 0:
		interval, err := LongestInterval(p.Schedule, p.TimeZone)
		if err != nil {
			r.Addf("MissedRunWindowMinutes", "cannot be derived from Schedule (%v); set it to how long may pass without a run (1 to %d), or -1 for no missed-run alarm", err, maxMissedRunWindow)
			return 0
		}
		// Not the event age: around a missed run, two starts are two
		// intervals apart, less the flexible window; a window as long as
		// that would hide the miss. A run Scheduler's retries start more
		// than 10 minutes past its flexible window is reported late.
		w = int(interval/time.Minute) + p.FlexibleWindowMinutes + 10
		if w > maxMissedRunWindow {
			r.Addf("MissedRunWindowMinutes", "%d (the longest interval between runs of %s plus flexible window and 10 minutes) is longer than CloudWatch alarms look back (%d minutes, 7 days); set it to %d or less, or -1 for no missed-run alarm", w, p.Schedule, maxMissedRunWindow, maxMissedRunWindow)
			return 0
		}
	case w > maxMissedRunWindow:
		r.Addf("MissedRunWindowMinutes", "%d is longer than CloudWatch alarms look back (%d minutes, 7 days); use 1 to %d, or -1 for no missed-run alarm", w, maxMissedRunWindow, maxMissedRunWindow)
		return 0
	}
	return w
}

// routeToQueue sends the events pattern matches to q: an EventBridge rule
// (id kind-rule), the queue policy that lets that rule alone send
// (kind-policy) and the target, after the policy (kind-target). It
// returns the rule.
func (st *ScheduledTask) routeToQueue(r *validation.Report, q *queue.Queue, kind, sid, namePrefix, description string, pattern []byte, tags map[string]string) cloudwatcheventrule.CloudwatchEventRule {
	rule := cloudwatcheventrule.NewCloudwatchEventRule(st, ptr.String(kind+"-rule"), &cloudwatcheventrule.CloudwatchEventRuleConfig{
		NamePrefix:   ptr.String(namePrefix),
		Description:  ptr.String(description),
		EventPattern: ptr.String(string(pattern)),
		Tags:         ptr.Map(tags),
	})
	send := iamdoc.Statement{
		Sid: sid, Effect: "Allow",
		Principal: map[string]any{"Service": "events.amazonaws.com"},
		Actions:   []string{"sqs:SendMessage"}, Resources: []string{q.QueueARN()},
		Condition: map[string]map[string]any{"ArnEquals": {"aws:SourceArn": *rule.Arn()}},
	}
	queuePolicy := sqsqueuepolicy.NewSqsQueuePolicy(st, ptr.String(kind+"-policy"), &sqsqueuepolicy.SqsQueuePolicyConfig{
		QueueUrl: ptr.String(q.QueueURL()),
		Policy:   ptr.String(r.Doc(iamdoc.Document(send))),
	})
	cloudwatcheventtarget.NewCloudwatchEventTarget(st, ptr.String(kind+"-target"), &cloudwatcheventtarget.CloudwatchEventTargetConfig{
		Rule:      rule.Name(),
		Arn:       ptr.String(q.QueueARN()),
		DependsOn: &[]cdktf.ITerraformDependable{queuePolicy},
	})
	return rule
}

// catchMissedRuns counts the schedule's ECS task state changes with an
// EventBridge rule (into a queue of started runs people can read) and
// alarms when a window of window minutes has none: ECS created no task,
// though the schedule should have run at least once.
func (st *ScheduledTask) catchMissedRuns(r *validation.Report, cluster *Cluster, group string, p ScheduledTaskProps, window int) error {
	q, err := queue.NewQueue(st, "started-runs", queue.Props{NamePrefix: names.Truncate(queueName(p.Name), 35) + "-started-", IsDeadLetterQueue: true, RetentionSeconds: 4 * 24 * 3600, Tags: p.Tags})
	if err != nil {
		return err
	}
	if err := nag.Suppress(q.Resource(), "SQS-002", "a record of the schedule's task state changes for people to read; nothing consumes and retries them"); err != nil {
		return err
	}
	if err := nag.Suppress(q.Resource(), "OBS-001", "watched through the rule that feeds it: the missed-runs alarm fires when the rule matched no started run in the window"); err != nil {
		return err
	}
	pattern, err := json.Marshal(map[string]any{
		"source":      []string{"aws.ecs"},
		"detail-type": []string{"ECS Task State Change"},
		"detail": map[string]any{
			"clusterArn": []string{cluster.ARN()},
			"group":      []string{group},
			// Starts only: a task's later changes (RUNNING, STOPPED) would
			// move the quiet gap's start from one run's start to its end,
			// and a long run would hide the missed one after it.
			"lastStatus": StartedStatuses(),
		},
	})
	if err != nil {
		return err
	}
	rule := st.routeToQueue(r, q, "started-runs", "EventBridgeSendsStartedRuns", names.Truncate(p.Name, 30)+"-started-",
		"Task state changes of schedule "+p.Name+": the missed-run alarm counts them", pattern, p.Tags)
	// Up to a day the window is one period; beyond, hourly periods that
	// must all be empty (periods of an hour or more may span 7 days).
	period, periods := window*60, 1
	if window > 24*60 {
		period, periods = 3600, (window+59)/60
	}
	var actions *[]*string
	if p.AlarmTopicARN != "" {
		actions = ptr.Strings([]string{p.AlarmTopicARN})
	}
	st.startedRule = *rule.Name()
	missed := cloudwatchmetricalarm.NewCloudwatchMetricAlarm(st, ptr.String("missed-runs-alarm"), &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
		AlarmName:          ptr.String(p.Name + "-missed-runs-alarm"),
		AlarmDescription:   ptr.String(fmt.Sprintf("No task of schedule %s started in %d minutes (%s): a run was missed or is late. ECS refused RunTask (failures[], such as no capacity or a bad subnet), Scheduler did not call it, or is still retrying; see the schedule's dead letters and CloudTrail RunTask events", p.Name, window, p.Schedule)),
		Namespace:          ptr.String("AWS/Events"),
		MetricName:         ptr.String("TriggeredRules"),
		Dimensions:         ptr.Map(map[string]string{"RuleName": *rule.Name()}),
		Statistic:          ptr.String("Sum"),
		Period:             ptr.Number(period),
		EvaluationPeriods:  ptr.Number(periods),
		DatapointsToAlarm:  ptr.Number(periods),
		Threshold:          ptr.Number(1),
		ComparisonOperator: ptr.String("LessThanThreshold"),
		// EventBridge publishes nothing for a rule no event matched: no
		// data is the missed run.
		TreatMissingData: ptr.String("breaching"),
		AlarmActions:     actions,
		OkActions:        actions,
		Tags:             ptr.Map(p.Tags),
	})
	st.raised = append(st.raised, observe.Alarm{Name: *missed.AlarmName(), ARN: *missed.Arn()})
	return nil
}

// arrivalAlarm fires in each 5-minute period in which a message arrives
// in the queue named queue. Nothing consumes these queues, so an alarm on
// their depth would stay in ALARM after the first failure and stay silent
// for every later one.
func (st *ScheduledTask) arrivalAlarm(id, queue string, p ScheduledTaskProps, description string) {
	a := alarm.New(st, id, alarm.Props{
		Name: fmt.Sprintf("%s-%s", p.Name, id), Description: description,
		Namespace: "AWS/SQS", Metric: "NumberOfMessagesSent", Dimensions: map[string]string{"QueueName": queue},
		// SQS publishes the metrics of a queue that was idle up to 15
		// minutes late: any one of the last three periods counts.
		Statistic: "Sum", PeriodSeconds: 300, Periods: 3, DatapointsToAlarm: 1, Threshold: 1, TopicARN: p.AlarmTopicARN, Tags: p.Tags,
	})
	st.raised = append(st.raised, observe.Alarm{Name: *a.AlarmName(), ARN: *a.Arn()})
}

// Connections returns the tasks' own security group as a
// network.Connectable (for example to let them reach a database). Tasks
// given SecurityGroupIDs have none, and Allow calls return an error.
func (st *ScheduledTask) Connections() *network.Connections {
	if st.connections == nil {
		var groups []string
		if st.securityGroup != "" {
			groups = []string{st.securityGroup}
		}
		st.connections = network.NewConnections(st, names.ID(*st.Node().Id()), groups...)
	}
	return st.connections
}

// Name returns the schedule's name.
func (st *ScheduledTask) Name() string { return st.name }

// ScheduleARN returns the schedule's ARN.
func (st *ScheduledTask) ScheduleARN() string { return *st.schedule.Arn() }

// DeadLetterQueue returns the queue of runs Scheduler gave up on.
func (st *ScheduledTask) DeadLetterQueue() queue.Ref { return st.dlq }

// FailedRuns returns the queue of task state changes of failed runs.
func (st *ScheduledTask) FailedRuns() *queue.Queue { return st.failed }

// SecurityGroupID returns the tasks' own security group, or "".
func (st *ScheduledTask) SecurityGroupID() string { return st.securityGroup }

// Resource returns the aws_scheduler_schedule resource as an escape hatch.
func (st *ScheduledTask) Resource() schedulerschedule.SchedulerSchedule { return st.schedule }

// Signals returns the schedule's signals for a dashboard (observe.Source),
// from what its alarms already count, in 5-minute periods: traffic (the
// task state changes of its runs, AWS/Events TriggeredRules of the rule
// the missed-run alarm watches, when there is one) and errors (the runs
// that failed after they started, and those Scheduler gave up on: AWS/SQS
// NumberOfMessagesSent to the failed-runs and dead-letter queues); its
// alarms (failed runs, dead letters, missed runs) and the tasks' log
// group. A batch job has no request latency, and standalone tasks no
// service utilization metrics.
func (st *ScheduledTask) Signals() observe.Signals {
	arrivals := func(q queue.Ref, label string) []observe.Metric {
		sq, ok := q.(*queue.Queue)
		if !ok {
			return nil
		}
		return []observe.Metric{{Namespace: "AWS/SQS", Name: "NumberOfMessagesSent", Dimensions: map[string]string{"QueueName": sq.QueueName()}, Stat: "Sum", Label: label}}
	}
	var widgets []observe.Widget
	if st.startedRule != "" {
		widgets = append(widgets, observe.Widget{Title: "Task state changes", Signal: observe.Traffic, PeriodSeconds: 300, Metrics: []observe.Metric{{
			Namespace: "AWS/Events", Name: "TriggeredRules", Dimensions: map[string]string{"RuleName": st.startedRule}, Stat: "Sum", Label: "Task state changes of its runs",
		}}})
	}
	widgets = append(widgets, observe.Widget{Title: "Failed runs", Signal: observe.Errors, PeriodSeconds: 300,
		Metrics: append(arrivals(st.failed, "Failed after they started"), arrivals(st.dlq, "Not started (dead letters)")...)})
	return observe.Signals{
		Title:     "ECS schedule " + st.name,
		Widgets:   widgets,
		Alarms:    append([]observe.Alarm(nil), st.raised...),
		LogGroups: []string{st.logGroup},
	}
}

// queueName makes a schedule name (which may hold '.') fit SQS queue
// names: letters, digits, '-' and '_'.
func queueName(schedule string) string { return strings.ReplaceAll(schedule, ".", "-") }
