package ecs_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/ecs"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/storage"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

const (
	secretARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:vendor-api-key-AbCdEf"
	paramARN  = "arn:aws:ssm:eu-west-1:123456789012:parameter/etl/vendor-id"
	certARN   = "arn:aws:acm:eu-west-1:123456789012:certificate/0b3a1e1c-1111-2222-3333-444455556666"
)

// fixture is a stack with a VPC: (endpoints, public subnets) and a cluster.
type fixture struct {
	stack   cdktf.TerraformStack
	vpc     *network.VPC
	cluster *ecs.Cluster
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	stack := tftest.NewStack(t)
	vpc, err := network.NewVPC(stack, "net", network.VPCProps{
		AvailabilityZones: []string{"eu-west-1a", "eu-west-1b"},
		Endpoints:         []network.Endpoint{network.EndpointS3, network.EndpointLogs, network.EndpointECRAPI, network.EndpointECRDocker},
	})
	if err != nil {
		t.Fatal(err)
	}
	cluster, err := ecs.NewCluster(stack, "jobs", ecs.ClusterProps{VPC: vpc})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{stack: stack, vpc: vpc, cluster: cluster}
}

func container(mod func(*ecs.ContainerSpec)) ecs.ContainerSpec {
	c := ecs.ContainerSpec{Name: "app", Image: ecs.ImageFromRegistry("public.ecr.aws/docker/library/nginx:1.27"), Ports: []int{8080}}
	if mod != nil {
		mod(&c)
	}
	return c
}

func (f fixture) task(t *testing.T, id string, mod func(*ecs.TaskDefinitionProps)) *ecs.TaskDefinition {
	t.Helper()
	props := ecs.TaskDefinitionProps{Containers: []ecs.ContainerSpec{container(nil)}}
	if mod != nil {
		mod(&props)
	}
	td, err := ecs.NewTaskDefinition(f.stack, id, props)
	if err != nil {
		t.Fatal(err)
	}
	return td
}

// containerDefs parses a task definition's container definitions.
func containerDefs(t *testing.T, td map[string]any) []map[string]any {
	t.Helper()
	var defs []map[string]any
	if err := json.Unmarshal([]byte(td["container_definitions"].(string)), &defs); err != nil {
		t.Fatalf("container_definitions: %v", err)
	}
	return defs
}

func wantErrors(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %q", want)
	}
	if !errors.Is(err, validate.ErrInvalid) {
		t.Errorf("error does not wrap validate.ErrInvalid: %v", err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
}

func TestFargateSizes(t *testing.T) {
	valid := [][2]int{{256, 512}, {256, 2048}, {512, 4096}, {1024, 2048}, {1024, 8192}, {2048, 16384}, {4096, 30720}, {8192, 16384}, {8192, 61440}, {16384, 32768}, {16384, 122880}}
	for _, v := range valid {
		f := newFixture(t)
		if _, err := ecs.NewTaskDefinition(f.stack, "t", ecs.TaskDefinitionProps{CPU: v[0], MemoryMiB: v[1], Containers: []ecs.ContainerSpec{container(nil)}}); err != nil {
			t.Errorf("CPU %d memory %d: %v", v[0], v[1], err)
		}
	}
	invalid := []struct {
		cpu, mem int
		want     string
	}{
		{256, 4096, "MemoryMiB 4096 is not a Fargate memory size for CPU 256; use 512, 1024, 2048"},
		{512, 512, "MemoryMiB 512 is not a Fargate memory size for CPU 512; use 1024, 2048, 3072, 4096"},
		{1024, 1024, "use 2048 to 8192 in steps of 1024"},
		{8192, 18432, "MemoryMiB 18432 is not a Fargate memory size for CPU 8192; use 16384 to 61440 in steps of 4096"},
		{16384, 40000, "use 32768 to 122880 in steps of 8192"},
		{300, 512, "CPU 300 is not a Fargate task CPU size; use one of [256 512 1024 2048 4096 8192 16384]"},
		{32768, 65536, "CPU 32768 is not a Fargate task CPU size"},
	}
	for _, tc := range invalid {
		f := newFixture(t)
		_, err := ecs.NewTaskDefinition(f.stack, "t", ecs.TaskDefinitionProps{CPU: tc.cpu, MemoryMiB: tc.mem, Containers: []ecs.ContainerSpec{container(nil)}})
		wantErrors(t, err, `ecs "test/t": `, tc.want)
	}
	if got := ecs.FargateMemories(4096); got[0] != 8192 || got[len(got)-1] != 30720 || len(got) != 23 {
		t.Errorf("FargateMemories(4096) = %v", got)
	}
	if ecs.FargateMemories(100) != nil {
		t.Error("FargateMemories(100) is not nil")
	}
}

func TestTaskDefinitionDefaults(t *testing.T) {
	f := newFixture(t)
	td := f.task(t, "etl", func(p *ecs.TaskDefinitionProps) {
		p.Containers[0].ScratchPaths = []string{"/tmp"}
		p.Containers[0].Environment = map[string]string{"OUTPUT_PREFIX": "prices", "LOG_LEVEL": "info"}
	})
	doc := tftest.Synth(t, f.stack)
	r := doc.One(t, "aws_ecs_task_definition", "etl_task-definition")
	if r["family"] != "test-etl" || r["cpu"] != "256" || r["memory"] != "512" || r["network_mode"] != "awsvpc" {
		t.Errorf("family/cpu/memory/network = %v %v %v %v", r["family"], r["cpu"], r["memory"], r["network_mode"])
	}
	if got := tftest.Strings(r["requires_compatibilities"]); len(got) != 1 || got[0] != "FARGATE" {
		t.Errorf("requires_compatibilities = %v", got)
	}
	if rp := tftest.Block(r, "runtime_platform"); rp["cpu_architecture"] != "ARM64" || rp["operating_system_family"] != "LINUX" {
		t.Errorf("runtime_platform = %v", rp)
	}
	defs := containerDefs(t, r)
	c := defs[0]
	if c["readonlyRootFilesystem"] != true || c["essential"] != true {
		t.Errorf("readonlyRootFilesystem/essential = %v/%v", c["readonlyRootFilesystem"], c["essential"])
	}
	logs := c["logConfiguration"].(map[string]any)
	opts := logs["options"].(map[string]any)
	if logs["logDriver"] != "awslogs" || !strings.Contains(opts["awslogs-group"].(string), "aws_cloudwatch_log_group.etl_log-group") || opts["mode"] != "non-blocking" {
		t.Errorf("logConfiguration = %v", logs)
	}
	env := c["environment"].([]any)
	if len(env) != 2 || env[0].(map[string]any)["name"] != "LOG_LEVEL" {
		t.Errorf("environment is not sorted by name: %v", env)
	}
	mounts := c["mountPoints"].([]any)
	if len(mounts) != 1 || mounts[0].(map[string]any)["containerPath"] != "/tmp" || mounts[0].(map[string]any)["sourceVolume"] != "app-scratch-0" {
		t.Errorf("mountPoints = %v", mounts)
	}
	if v := r["volume"].([]any); len(v) != 1 || v[0].(map[string]any)["name"] != "app-scratch-0" {
		t.Errorf("volume = %v", r["volume"])
	}
	lg := doc.One(t, "aws_cloudwatch_log_group", "etl_log-group")
	if lg["name"] != "/ecs/test-etl" || lg["retention_in_days"] != float64(90) {
		t.Errorf("log group = %v retention %v", lg["name"], lg["retention_in_days"])
	}
	// The execution role may write the task's logs, and the task
	// definition waits for that policy.
	p := doc.One(t, "aws_iam_role_policy", "etl_policy-logs")
	if !strings.Contains(p["role"].(string), "etl_execution-role") {
		t.Errorf("logs policy is on %v, not the execution role", p["role"])
	}
	if deps := tftest.Strings(r["depends_on"]); len(deps) != 1 || !strings.Contains(deps[0], "etl_policy-logs") {
		t.Errorf("depends_on = %v", deps)
	}
	// Both roles trust this account's ECS tasks only.
	trust := tftest.Policy(t, doc.One(t, "aws_iam_role", "etl_task-role")["assume_role_policy"])
	if s := trust["Statement"].([]any)[0].(map[string]any); s["Condition"].(map[string]any)["ArnLike"] == nil {
		t.Errorf("task role trust has no aws:SourceArn condition: %v", s)
	}
	if td.Family() != "test-etl" || td.Architecture() != ecs.ARM64 {
		t.Errorf("Family/Architecture = %v/%v", td.Family(), td.Architecture())
	}
}

func TestTaskDefinitionSecrets(t *testing.T) {
	f := newFixture(t)
	f.task(t, "etl", func(p *ecs.TaskDefinitionProps) {
		p.Architecture = ecs.X86_64
		p.Containers[0].Secrets = map[string]ecs.Secret{
			"VENDOR_API_KEY": ecs.SecretsManagerSecret(secretARN),
			"DB_PASSWORD":    ecs.SecretsManagerJSONKey(secretARN+"-db", "password").WithKMSKey("arn:aws:kms:eu-west-1:123456789012:key/1234"),
			"VENDOR_ID":      ecs.SSMParameter(paramARN),
		}
	})
	doc := tftest.Synth(t, f.stack)
	r := doc.One(t, "aws_ecs_task_definition", "etl_task-definition")
	secrets := map[string]string{}
	for _, s := range containerDefs(t, r)[0]["secrets"].([]any) {
		m := s.(map[string]any)
		secrets[m["name"].(string)] = m["valueFrom"].(string)
	}
	if secrets["DB_PASSWORD"] != secretARN+"-db:password::" || secrets["VENDOR_API_KEY"] != secretARN || secrets["VENDOR_ID"] != paramARN {
		t.Errorf("secrets = %v", secrets)
	}
	if containerDefs(t, r)[0]["environment"] != nil {
		t.Error("secrets leaked into environment")
	}
	pol := tftest.Policy(t, doc.One(t, "aws_iam_role_policy", "etl_policy-read-secrets")["policy"])
	got := map[string][]string{}
	for _, s := range pol["Statement"].([]any) {
		m := s.(map[string]any)
		got[m["Sid"].(string)] = tftest.Strings(m["Resource"])
	}
	if len(got["ReadSecrets"]) != 2 || len(got["ReadParameters"]) != 1 || len(got["DecryptSecrets"]) != 1 {
		t.Errorf("read-secrets statements = %v", got)
	}
	if !strings.Contains(doc.One(t, "aws_iam_role_policy", "etl_policy-read-secrets")["policy"].(string), "kms:ViaService") {
		t.Error("the secrets' key may be used directly, not only through Secrets Manager and SSM")
	}
	if deps := tftest.Strings(r["depends_on"]); len(deps) != 2 {
		t.Errorf("task definition does not wait for the secrets policy: %v", deps)
	}
}

func TestTaskDefinitionValidation(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*ecs.TaskDefinitionProps)
		want []string
	}{
		{"plaintext password by name", func(p *ecs.TaskDefinitionProps) {
			p.Containers[0].Environment = map[string]string{"DB_PASSWORD": "hunter2hunter2"}
		}, []string{`Containers[0].Environment[DB_PASSWORD] holds what looks like a secret in plain text (a 14-character value, not shown)`, "pass it in Secrets"}},
		{"access key by shape", func(p *ecs.TaskDefinitionProps) {
			p.Containers[0].Environment = map[string]string{"UPSTREAM": "AKIAABCDEFGHIJKLMNOP"}
		}, []string{`Containers[0].Environment[UPSTREAM] holds what looks like a secret`}},
		{"secret and plain at once", func(p *ecs.TaskDefinitionProps) {
			p.Containers[0].Environment = map[string]string{"VENDOR": "acme"}
			p.Containers[0].Secrets = map[string]ecs.Secret{"VENDOR": ecs.SSMParameter(paramARN)}
		}, []string{`Containers[0].Secrets[VENDOR] is also set in Environment`}},
		{"bad secret ARNs", func(p *ecs.TaskDefinitionProps) {
			p.Containers[0].Secrets = map[string]ecs.Secret{
				"A": ecs.SecretsManagerSecret("vendor-api-key"),
				"B": ecs.SSMParameter("/etl/vendor-id"),
				"C": {},
			}
		}, []string{
			`Secrets[A] "vendor-api-key" is not a Secrets Manager secret ARN`,
			`Secrets[B] "/etl/vendor-id" is not an SSM parameter ARN`,
			`Secrets[C] is empty; use SecretsManagerSecret`,
		}},
		{"names, ports, image", func(p *ecs.TaskDefinitionProps) {
			p.Family = "etl job"
			p.Containers = append(p.Containers, container(func(c *ecs.ContainerSpec) { c.Image = ecs.Image{} }))
			p.Containers[0].Environment = map[string]string{"1BAD": "x"}
		}, []string{
			`Family "etl job" must be 1-255 letters`,
			`Containers[1].Name "app" is also the name of Containers[0]`,
			`Containers[1].Ports 8080 is also a port of container "app"`,
			`Containers[1].Image "" is not an image reference`,
			`Containers[0].Environment key "1BAD" is not a variable name`,
		}},
		{"ranges", func(p *ecs.TaskDefinitionProps) {
			p.Architecture = "arm"
			p.EphemeralStorageGiB = 10
			p.LogRetentionDays = 10
			p.Containers[0].HealthCheck = &ecs.HealthCheck{Command: []string{"curl"}, IntervalSeconds: 5, TimeoutSeconds: 5}
			p.Containers[0].ScratchPaths = []string{"tmp", "/"}
			p.Containers[0].StopTimeoutSeconds = 300
			p.Containers[0].MemoryMiB = 4096
		}, []string{
			`Architecture "arm" is not an architecture; use ARM64 or X86_64`,
			`EphemeralStorageGiB 10 is out of range; use 21 to 200`,
			`LogRetentionDays 10 is not a CloudWatch Logs retention`,
			`HealthCheck.Command ["curl"] must start with "CMD" or "CMD-SHELL"`,
			`HealthCheck.TimeoutSeconds 5 is not less than IntervalSeconds 5`,
			`ScratchPaths[0] "tmp" is not a clean absolute directory`,
			`ScratchPaths[1] "/" is not a clean absolute directory`,
			`StopTimeoutSeconds 300 is out of range; Fargate allows 2 to 120`,
			`Containers limit memory to 4096 MiB together, more than the task's 512`,
		}},
		{"no containers", func(p *ecs.TaskDefinitionProps) { p.Containers = nil }, []string{"Containers is empty; a task runs 1 to 10 containers"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			props := ecs.TaskDefinitionProps{Containers: []ecs.ContainerSpec{container(nil)}}
			tc.mod(&props)
			_, err := ecs.NewTaskDefinition(f.stack, "t", props)
			wantErrors(t, err, tc.want...)
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error repeats the secret: %v", err)
			}
		})
	}
}

// Grants of other constructs land on the task role, never on the
// execution role.
func TestTaskDefinitionGrants(t *testing.T) {
	f := newFixture(t)
	td := f.task(t, "etl", nil)
	bucket, err := storage.NewBucket(f.stack, "out", storage.BucketProps{})
	if err != nil {
		t.Fatal(err)
	}
	if err := bucket.GrantWrite(td, "prices/"); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, f.stack)
	writers := 0
	for name, p := range doc.Resources("aws_iam_role_policy") {
		if !strings.Contains(p["policy"].(string), "s3:PutObject") {
			continue
		}
		writers++
		if !strings.Contains(p["role"].(string), "etl_task-role") {
			t.Errorf("%s grants S3 to %v", name, p["role"])
		}
	}
	if writers != 1 {
		t.Errorf("%d policies grant s3:PutObject, want the one of the grant", writers)
	}
	if td.RoleARN() == td.ExecutionRoleARN() {
		t.Error("task and execution roles are the same")
	}
}

// A repository image gets pull access on the execution role, to that
// repository only.
type repo struct{}

func (repo) RepositoryURL() string { return "123456789012.dkr.ecr.eu-west-1.amazonaws.com/etl" }
func (repo) RepositoryARN() string { return "arn:aws:ecr:eu-west-1:123456789012:repository/etl" }

func TestTaskDefinitionRepositoryPull(t *testing.T) {
	f := newFixture(t)
	f.task(t, "etl", func(p *ecs.TaskDefinitionProps) { p.Containers[0].Image = ecs.ImageFromRepository(repo{}, "v1") })
	doc := tftest.Synth(t, f.stack)
	c := containerDefs(t, doc.One(t, "aws_ecs_task_definition", "etl_task-definition"))[0]
	if want := (repo{}).RepositoryURL() + ":v1"; c["image"] != want {
		t.Errorf("image = %v", c["image"])
	}
	pol := tftest.Policy(t, doc.One(t, "aws_iam_role_policy", "etl_policy-pull-images")["policy"])
	st := pol["Statement"].([]any)
	if got := tftest.Strings(st[0].(map[string]any)["Resource"]); len(got) != 1 || got[0] != (repo{}).RepositoryARN() {
		t.Errorf("pull resources = %v", got)
	}
}

func TestScheduleExpressions(t *testing.T) {
	valid := []string{"rate(1 hour)", "rate(15 minutes)", "rate(1 minute)", "rate(7 days)", "cron(5 * * * ? *)", "cron(0/15 8-17 ? * MON-FRI *)",
		"cron(0 12 L * ? *)", "cron(0 9 ? * 2#1 *)", "cron(0 6 15W * ? 2026-2030)", "cron(30 23 ? JAN,JUL 6L *)"}
	for _, e := range valid {
		if err := ecs.ValidateScheduleExpression(e); err != nil {
			t.Errorf("%s: %v", e, err)
		}
	}
	invalid := map[string]string{
		"rate(1 hours)":            "use the singular unit for 1",
		"rate(2 hour)":             "use the singular unit for 1",
		"rate(0 minutes)":          "positive whole number",
		"rate(1 week)":             "is not rate(<n> minute(s)|hour(s)|day(s))",
		"cron(5 * * * *)":          "has 5 fields; cron takes 6",
		"cron(5 * * * * *)":        "exactly one of day-of-month (*) and day-of-week (*) must be \"?\"",
		"cron(60 * * * ? *)":       `minutes "60" value "60" must be 0 to 59`,
		"cron(0 24 * * ? *)":       `hours "24" value "24" must be 0 to 23`,
		"cron(0 0 ? FOO * *)":      `month "FOO" value "FOO" must be 1 to 12 or JAN-DEC`,
		"cron(0 0 ? * 2#6 *)":      "'#6' must name the 1st to 5th weekday",
		"cron(0 0 * * ? 1969)":     `year "1969" value "1969" must be 1970 to 2199`,
		"cron(? 0 * * ? *)":        `minutes "?" cannot be "?"`,
		"0 * * * *":                "is not a recurring schedule",
		"at(2026-12-01T00:00:00)":  "is not a recurring schedule",
		"cron(0/0 * * * ? *)":      `step "0" must be 1 to 59`,
		"cron(1,,2 * * * ? *)":     "has an empty list item",
		"cron(0 0 1#2 * ? *)":      "cannot use '#'",
		"cron(0 0 * * MON-FRIX *)": "must be 1 to 7 or SUN-SAT",
	}
	for e, want := range invalid {
		err := ecs.ValidateScheduleExpression(e)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", e, err, want)
		}
	}
	for _, tz := range []string{"UTC", "Europe/London", "America/New_York", "Asia/Kolkata"} {
		if err := ecs.ValidateTimeZone(tz); err != nil {
			t.Errorf("%s: %v", tz, err)
		}
	}
	for _, tz := range []string{"", "Local", "CEST+2", "Europe/Londn", "/etc/localtime"} {
		if err := ecs.ValidateTimeZone(tz); err == nil {
			t.Errorf("%q accepted", tz)
		}
	}
}

func TestScheduledTask(t *testing.T) {
	f := newFixture(t)
	td := f.task(t, "etl", nil)
	retries := 5
	st, err := ecs.NewScheduledTask(f.stack, "hourly", ecs.ScheduledTaskProps{
		Cluster: f.cluster, TaskDefinition: td, Schedule: "cron(5 * * * ? *)", TimeZone: "Europe/London",
		FlexibleWindowMinutes: 10, MaxRetries: &retries, AlarmTopicARN: "arn:aws:sns:eu-west-1:123456789012:alerts",
	})
	if err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, f.stack)
	s := doc.One(t, "aws_scheduler_schedule", "hourly_schedule")
	if s["name"] != "test-hourly" || s["schedule_expression"] != "cron(5 * * * ? *)" || s["schedule_expression_timezone"] != "Europe/London" || s["state"] != "ENABLED" {
		t.Errorf("schedule = %v %v %v %v", s["name"], s["schedule_expression"], s["schedule_expression_timezone"], s["state"])
	}
	if w := tftest.Block(s, "flexible_time_window"); w["mode"] != "FLEXIBLE" || w["maximum_window_in_minutes"] != float64(10) {
		t.Errorf("flexible_time_window = %v", w)
	}
	target := tftest.Block(s, "target")
	if rp := tftest.Block(target, "retry_policy"); rp["maximum_retry_attempts"] != float64(5) || rp["maximum_event_age_in_seconds"] != float64(3600) {
		t.Errorf("retry_policy = %v", rp)
	}
	if !strings.Contains(tftest.Block(target, "dead_letter_config")["arn"].(string), "hourly_dead-letter-queue") {
		t.Errorf("dead_letter_config = %v", target["dead_letter_config"])
	}
	// A universal RunTask target: the input is the whole request, with the
	// scheduled-time context attribute spelled literally (not \u003c-escaped,
	// which Scheduler would not replace).
	if target["arn"] != ecs.RunTaskTarget || target["ecs_parameters"] != nil {
		t.Errorf("target = %v", target)
	}
	input := target["input"].(string)
	if strings.Contains(input, `\u003c`) || !strings.Contains(input, `"Value":"<aws.scheduler.scheduled-time>"`) {
		t.Errorf("input does not pass the scheduled time literally: %s", input)
	}
	// Universal targets take the members in PascalCase: the keys must be
	// exactly these (json.Unmarshal alone would accept any casing).
	var keys map[string]any
	if err := json.Unmarshal([]byte(input), &keys); err != nil {
		t.Fatalf("input is not JSON: %v", err)
	}
	for _, k := range []string{"Cluster", "TaskDefinition", "Count", "LaunchType", "PlatformVersion", "Group", "EnableECSManagedTags", "PropagateTags", "NetworkConfiguration", "Overrides"} {
		if _, ok := keys[k]; !ok {
			t.Errorf("input lacks %s: %s", k, input)
		}
	}
	if !strings.Contains(input, `"AwsvpcConfiguration":{"AssignPublicIp":"DISABLED"`) || !strings.Contains(input, `"ContainerOverrides":[{"Environment":[{"Name":"SCHEDULED_TIME"`) {
		t.Errorf("nested members are not PascalCase: %s", input)
	}
	var req struct {
		Cluster, TaskDefinition, LaunchType, Group string
		Count                                      int
		NetworkConfiguration                       struct {
			AwsvpcConfiguration struct {
				Subnets, SecurityGroups []string
				AssignPublicIp          string
			}
		}
		Overrides struct {
			ContainerOverrides []struct {
				Name        string
				Environment []struct{ Name, Value string }
			}
		}
	}
	if err := json.Unmarshal([]byte(input), &req); err != nil {
		t.Fatalf("input is not JSON: %v", err)
	}
	nc := req.NetworkConfiguration.AwsvpcConfiguration
	if nc.AssignPublicIp != "DISABLED" || req.LaunchType != "FARGATE" || req.Group != "scheduled:test-hourly" || req.Count != 1 || len(nc.SecurityGroups) != 1 {
		t.Errorf("RunTask request = %+v", req)
	}
	if !strings.Contains(req.Cluster, "jobs_cluster") || !strings.Contains(req.TaskDefinition, "etl_task-definition") {
		t.Errorf("cluster/task definition = %s / %s", req.Cluster, req.TaskDefinition)
	}
	if o := req.Overrides.ContainerOverrides; len(o) != 1 || o[0].Name != "app" || o[0].Environment[0].Name != ecs.ScheduledTimeVariable {
		t.Errorf("overrides = %+v", o)
	}
	for _, sn := range nc.Subnets {
		if !strings.Contains(sn, "private") {
			t.Errorf("task subnet %s is not private", sn)
		}
	}
	// The role runs this family in this cluster and passes only its roles.
	pol := tftest.Policy(t, doc.One(t, "aws_iam_role_policy", "hourly_policy-run-task")["policy"])
	bySid := map[string]map[string]any{}
	for _, s := range pol["Statement"].([]any) {
		bySid[s.(map[string]any)["Sid"].(string)] = s.(map[string]any)
	}
	if c := bySid["RunTask"]["Condition"].(map[string]any)["ArnEquals"].(map[string]any); !strings.Contains(c["ecs:cluster"].(string), "jobs_cluster") {
		t.Errorf("RunTask condition = %v", c)
	}
	if r := tftest.Strings(bySid["RunTask"]["Resource"]); !strings.HasSuffix(r[0], ".arn_without_revision}:*") {
		t.Errorf("RunTask resource = %v", r)
	}
	if len(tftest.Strings(bySid["PassTaskRoles"]["Resource"])) != 2 {
		t.Errorf("PassRole = %v", bySid["PassTaskRoles"])
	}
	if deps := tftest.Strings(s["depends_on"]); len(deps) != 1 || !strings.Contains(deps[0], "hourly_policy-run-task") {
		t.Errorf("schedule depends_on = %v", deps)
	}
	// Failed runs: the rule matches this schedule's stopped tasks.
	rule := doc.One(t, "aws_cloudwatch_event_rule", "hourly_failed-runs-rule")
	var pattern map[string]any
	if err := json.Unmarshal([]byte(rule["event_pattern"].(string)), &pattern); err != nil {
		t.Fatal(err)
	}
	if d := pattern["detail"].(map[string]any); d["group"].([]any)[0] != "scheduled:test-hourly" || d["$or"] == nil {
		t.Errorf("pattern = %v", pattern)
	}
	alarms := doc.Resources("aws_cloudwatch_metric_alarm")
	if len(alarms) != 3 {
		t.Errorf("alarms = %d, want the failed-runs, dead-letter and missed-run alarms", len(alarms))
	}
	for name, a := range alarms {
		if strings.Contains(name, "missed-runs") {
			continue
		}
		// Every arrival alarms: the queues have no consumer, so a depth
		// alarm would stay in ALARM after the first failure.
		if a["metric_name"] != "NumberOfMessagesSent" || a["statistic"] != "Sum" {
			t.Errorf("%s = %v %v", name, a["metric_name"], a["statistic"])
		}
	}
	if st.Name() != "test-hourly" || st.FailedRuns() == nil || st.DeadLetterQueue() == nil {
		t.Error("accessors")
	}
	// The tasks have no way in, and HTTPS out only to endpoints.
	sg := doc.One(t, "aws_security_group", "hourly_security-group")
	if !strings.Contains(sg["description"].(string), "nothing in") {
		t.Errorf("security group = %v", sg["description"])
	}
	full, _ := json.Marshal(f.stack.ToTerraform())
	findings := tftest.Check(t, full)
	for _, fi := range tftest.Failing(findings) {
		if strings.Contains(fi.Address, "hourly") || strings.Contains(fi.Address, "etl") || strings.Contains(fi.Address, "jobs") {
			t.Errorf("%s %s: %s", fi.RuleID, fi.Address, fi.Message)
		}
	}
}

// TestScheduledTaskMissedRuns checks the alarm on runs ECS never created
// (RunTask answered with failures[], which Scheduler counts as success):
// it counts the schedule's task state changes and fires when a window
// longer than the schedule's longest interval has none, missing data
// breaching.
func TestScheduledTaskMissedRuns(t *testing.T) {
	f := newFixture(t)
	td := f.task(t, "etl", nil)
	for _, c := range []struct {
		id, schedule    string
		flex            int
		period, periods float64
	}{
		// Hourly: 60 + 10 flexible + 10 = 80 minutes, shorter than the
		// 110 minutes at least between two runs around a missed one.
		{id: "hourly", schedule: "cron(5 * * * ? *)", flex: 10, period: 80 * 60, periods: 1},
		// Weekdays: the weekend gap of 72 hours, in 73 hourly periods.
		{id: "weekdays", schedule: "cron(0 2 ? * MON-FRI *)", period: 3600, periods: 73},
	} {
		if _, err := ecs.NewScheduledTask(f.stack, c.id, ecs.ScheduledTaskProps{
			Cluster: f.cluster, TaskDefinition: td, Schedule: c.schedule, FlexibleWindowMinutes: c.flex,
			AlarmTopicARN: "arn:aws:sns:eu-west-1:123456789012:alerts",
		}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ecs.NewScheduledTask(f.stack, "paused", ecs.ScheduledTaskProps{Cluster: f.cluster, TaskDefinition: td, Schedule: "rate(1 hour)", Disabled: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := ecs.NewScheduledTask(f.stack, "unwatched", ecs.ScheduledTaskProps{Cluster: f.cluster, TaskDefinition: td, Schedule: "cron(0 2 L * ? *)", MissedRunWindowMinutes: -1}); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, f.stack)
	for _, c := range []struct {
		id              string
		period, periods float64
	}{{"hourly", 80 * 60, 1}, {"weekdays", 3600, 73}} {
		rule := doc.One(t, "aws_cloudwatch_event_rule", c.id+"_started-runs-rule")
		var pattern map[string]any
		if err := json.Unmarshal([]byte(rule["event_pattern"].(string)), &pattern); err != nil {
			t.Fatal(err)
		}
		if d := pattern["detail"].(map[string]any); d["group"].([]any)[0] != "scheduled:test-"+c.id || pattern["detail-type"].([]any)[0] != "ECS Task State Change" {
			t.Errorf("%s pattern = %v", c.id, pattern)
		}
		// Starts only: a STOPPED event of a long run would restart the
		// window at the run's end and hide a missed run after it.
		if got := fmt.Sprint(pattern["detail"].(map[string]any)["lastStatus"]); got != "[PROVISIONING PENDING]" {
			t.Errorf("%s counts task state changes %s, want only starts [PROVISIONING PENDING]", c.id, got)
		}
		if target := doc.One(t, "aws_cloudwatch_event_target", c.id+"_started-runs-target"); !strings.Contains(target["rule"].(string), c.id+"_started-runs-rule") {
			t.Errorf("%s target = %v", c.id, target)
		}
		a := doc.One(t, "aws_cloudwatch_metric_alarm", c.id+"_missed-runs-alarm")
		dims := a["dimensions"].(map[string]any)
		if a["namespace"] != "AWS/Events" || a["metric_name"] != "TriggeredRules" || !strings.Contains(dims["RuleName"].(string), c.id+"_started-runs-rule") {
			t.Errorf("%s alarm metric = %v %v %v", c.id, a["namespace"], a["metric_name"], dims)
		}
		if a["comparison_operator"] != "LessThanThreshold" || a["threshold"] != float64(1) || a["treat_missing_data"] != "breaching" || a["statistic"] != "Sum" {
			t.Errorf("%s alarm does not fire on no runs: %v %v %v %v", c.id, a["comparison_operator"], a["threshold"], a["treat_missing_data"], a["statistic"])
		}
		if a["period"] != c.period || a["evaluation_periods"] != c.periods || a["datapoints_to_alarm"] != c.periods {
			t.Errorf("%s alarm window = %v x %v (%v to alarm), want %v x %v", c.id, a["period"], a["evaluation_periods"], a["datapoints_to_alarm"], c.period, c.periods)
		}
		if p, ok := a["period"].(float64); ok && p*a["evaluation_periods"].(float64) > 7*24*3600 {
			t.Errorf("%s alarm looks back further than CloudWatch allows", c.id)
		}
		if tftest.Strings(a["alarm_actions"])[0] != "arn:aws:sns:eu-west-1:123456789012:alerts" {
			t.Errorf("%s alarm actions = %v", c.id, a["alarm_actions"])
		}
	}
	for name := range doc.Resources("aws_cloudwatch_metric_alarm") {
		if strings.Contains(name, "missed-runs") && (strings.HasPrefix(name, "paused") || strings.HasPrefix(name, "unwatched")) {
			t.Errorf("%s: a disabled schedule, or one with MissedRunWindowMinutes -1, has no missed-run alarm", name)
		}
	}

	_, err := ecs.NewScheduledTask(f.stack, "last-day", ecs.ScheduledTaskProps{Cluster: f.cluster, TaskDefinition: td, Schedule: "cron(0 2 L * ? *)"})
	wantErrors(t, err, `ecs "test/last-day": MissedRunWindowMinutes cannot be derived from Schedule`)
	_, err = ecs.NewScheduledTask(f.stack, "weekly", ecs.ScheduledTaskProps{Cluster: f.cluster, TaskDefinition: td, Schedule: "rate(7 days)"})
	wantErrors(t, err, `MissedRunWindowMinutes 10090 (the longest interval between runs of rate(7 days) plus flexible window and 10 minutes)`, "set it to 10080 or less, or -1")
	_, err = ecs.NewScheduledTask(f.stack, "too-long", ecs.ScheduledTaskProps{Cluster: f.cluster, TaskDefinition: td, Schedule: "rate(1 hour)", MissedRunWindowMinutes: 20000})
	wantErrors(t, err, "MissedRunWindowMinutes 20000 is longer than CloudWatch alarms look back")
}

func TestScheduledTaskValidation(t *testing.T) {
	f := newFixture(t)
	td := f.task(t, "etl", nil)
	retries := 200
	_, err := ecs.NewScheduledTask(f.stack, "bad", ecs.ScheduledTaskProps{
		Cluster: f.cluster, TaskDefinition: td, Name: "hourly job", Schedule: "rate(1 hours)", TimeZone: "Mars/Olympus",
		FlexibleWindowMinutes: 2000, MaxRetries: &retries, MaxEventAgeSeconds: 30,
	})
	wantErrors(t, err,
		`ecs "test/bad": Name "hourly job" must be 1-64 letters`,
		`Schedule "rate(1 hours)": use the singular unit`,
		`TimeZone "Mars/Olympus" is not an IANA time zone name`,
		`FlexibleWindowMinutes 2000 is out of range; use 1 to 1440`,
		`MaxRetries 200 is out of range; use 0 to 185`,
		`MaxEventAgeSeconds 30 is out of range; use 60 to 86400`,
	)
	_, err = ecs.NewScheduledTask(f.stack, "empty", ecs.ScheduledTaskProps{})
	wantErrors(t, err, "Cluster is nil", "TaskDefinition is nil", `Schedule "" is not a recurring schedule`)
}

func TestService(t *testing.T) {
	f := newFixture(t)
	td := f.task(t, "auth-task", func(p *ecs.TaskDefinitionProps) {
		p.Containers[0].HealthCheck = &ecs.HealthCheck{Command: []string{"CMD", "/app", "-health"}}
	})
	svc, err := ecs.NewService(f.stack, "auth", ecs.ServiceProps{Cluster: f.cluster, TaskDefinition: td, Port: 8080, CertificateARN: certARN})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.LoadBalancer().Connections().AllowFromCIDR("10.0.0.0/16", 443, "callers in the VPC"); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, f.stack)
	l := doc.One(t, "aws_lb_listener", "auth_listener")
	if l["port"] != float64(443) || l["protocol"] != "HTTPS" || l["ssl_policy"] != ecs.TLSPolicy || l["certificate_arn"] != certARN {
		t.Errorf("listener = %v", l)
	}
	alb := doc.One(t, "aws_lb", "auth_load-balancer")
	if alb["internal"] != true || alb["drop_invalid_header_fields"] != true || alb["name"] != "test-auth" {
		t.Errorf("load balancer = %v", alb)
	}
	s := doc.One(t, "aws_ecs_service", "auth_service")
	if cb := tftest.Block(s, "deployment_circuit_breaker"); cb["enable"] != true || cb["rollback"] != true {
		t.Errorf("circuit breaker = %v", cb)
	}
	if nc := tftest.Block(s, "network_configuration"); nc["assign_public_ip"] != false {
		t.Errorf("network_configuration = %v", nc)
	}
	if lc := tftest.Block(s, "lifecycle"); !strings.Contains(strings.Join(tftest.Strings(lc["ignore_changes"]), ","), "desired_count") {
		t.Errorf("lifecycle = %v", lc)
	}
	if deps := tftest.Strings(s["depends_on"]); len(deps) != 1 || !strings.Contains(deps[0], "auth_listener") {
		t.Errorf("service depends_on = %v", deps)
	}
	metrics := map[string]bool{}
	for _, p := range doc.Resources("aws_appautoscaling_policy") {
		ttc := tftest.Block(p, "target_tracking_scaling_policy_configuration")
		metrics[tftest.Block(ttc, "predefined_metric_specification")["predefined_metric_type"].(string)] = true
	}
	if !metrics["ECSServiceAverageCPUUtilization"] || !metrics["ALBRequestCountPerTarget"] {
		t.Errorf("scaling policies = %v", metrics)
	}
	target := doc.One(t, "aws_appautoscaling_target", "auth_scaling-target")
	if target["min_capacity"] != float64(2) || target["max_capacity"] != float64(10) {
		t.Errorf("scaling target = %v", target)
	}
	// The load balancer reaches the tasks on 8080, nothing else does.
	in := 0
	for _, r := range doc.Resources("aws_vpc_security_group_ingress_rule") {
		if strings.Contains(r["security_group_id"].(string), "auth_security-group") {
			in++
			if r["from_port"] != float64(8080) || !strings.Contains(r["referenced_security_group_id"].(string), "auth_load-balancer-security-group") {
				t.Errorf("task ingress = %v", r)
			}
		}
	}
	if in != 1 {
		t.Errorf("tasks have %d ingress rules, want 1", in)
	}
	full, _ := json.Marshal(f.stack.ToTerraform())
	findings := tftest.Check(t, full)
	for _, fi := range tftest.Failing(findings) {
		if strings.Contains(fi.Address, "auth") || strings.Contains(fi.Address, "jobs") {
			t.Errorf("%s %s: %s", fi.RuleID, fi.Address, fi.Message)
		}
	}
}

func TestServicePlaintextAndValidation(t *testing.T) {
	f := newFixture(t)
	td := f.task(t, "auth-task", nil)
	svc, err := ecs.NewService(f.stack, "auth", ecs.ServiceProps{Cluster: f.cluster, TaskDefinition: td, Port: 8080, PlaintextReason: "reached only through the front door's VPC link"})
	if err != nil {
		t.Fatal(err)
	}
	if svc.ListenerPort() != 80 {
		t.Errorf("ListenerPort = %d", svc.ListenerPort())
	}
	doc := tftest.Synth(t, f.stack)
	l := doc.One(t, "aws_lb_listener", "auth_listener")
	if l["protocol"] != "HTTP" {
		t.Errorf("listener = %v", l)
	}
	full, _ := json.Marshal(f.stack.ToTerraform())
	if !strings.Contains(string(full), `"plaintext_reason":"reached only through the front door's VPC link"`) {
		t.Error("the listener does not record why it speaks plain HTTP")
	}
	_, err = ecs.NewService(f.stack, "bad", ecs.ServiceProps{Cluster: f.cluster, TaskDefinition: td, Port: 9090, InternetFacing: true, PlaintextReason: "x",
		HealthCheckPath: "healthz", MinCount: 5, MaxCount: 3, CPUTargetPercent: 95})
	wantErrors(t, err,
		`Port 9090 is not a port of the task's containers; use one of [8080]`,
		`PlaintextReason is set on an Internet-facing service`,
		`HealthCheckPath "healthz" is not an absolute URL path`,
		`MinCount 5 and MaxCount 3 must satisfy`,
		`CPUTargetPercent 95 is out of range`,
	)
	_, err = ecs.NewService(f.stack, "nocert", ecs.ServiceProps{Cluster: f.cluster, TaskDefinition: td, Port: 8080})
	wantErrors(t, err, "CertificateARN is empty; give the ACM certificate")
	_, err = ecs.NewService(f.stack, "badcert", ecs.ServiceProps{Cluster: f.cluster, TaskDefinition: td, Port: 8080, CertificateARN: "my-cert"})
	wantErrors(t, err, `CertificateARN "my-cert" is not an ACM certificate ARN`)
}

func TestClusterInsights(t *testing.T) {
	f := newFixture(t)
	if _, err := ecs.NewCluster(f.stack, "enhanced", ecs.ClusterProps{VPC: f.vpc, EnhancedInsights: true}); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, f.stack)
	for id, want := range map[string]string{"jobs_cluster": "enabled", "enhanced_cluster": "enhanced"} {
		c := doc.One(t, "aws_ecs_cluster", id)
		s := c["setting"].([]any)[0].(map[string]any)
		if s["name"] != "containerInsights" || s["value"] != want {
			t.Errorf("%s setting = %v", id, s)
		}
	}
	cp := doc.One(t, "aws_ecs_cluster_capacity_providers", "jobs_capacity-providers")
	if got := tftest.Strings(cp["capacity_providers"]); len(got) != 2 {
		t.Errorf("capacity providers = %v", got)
	}
	_, err := ecs.NewCluster(f.stack, "bad", ecs.ClusterProps{Name: "my cluster"})
	wantErrors(t, err, `Name "my cluster" must be 1-255 letters`, "VPC is nil")
}
