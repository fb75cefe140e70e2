package ecs_test

import (
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/ecs"
	"github.com/hybridstack/hybridstack/constructs/internal/fuzztest"
	"github.com/hybridstack/hybridstack/constructs/network"
)

// The fuzz tests feed primitive values into the schedule validators and
// into the props of NewTaskDefinition and NewScheduledTask, and check the
// contract of every call: a value or an error, never both, never a panic;
// errors wrap validate.ErrInvalid and name path, field and problem; a
// failed call adds nothing; plain-text secrets never appear in errors.

func FuzzScheduleExpression(f *testing.F) {
	for _, s := range []string{"rate(1 hour)", "rate(15 minutes)", "cron(5 * * * ? *)", "cron(0/15 8-17 ? * MON-FRI *)", "cron(0 9 ? * 2#1 *)",
		"cron(0 6 15W * ? 2026-2030)", "cron(30 23 ? JAN,JUL 6L *)", "cron(", "rate()", "cron(-1 * * * ? *)", "cron(0 0 ? * 1#9999999999999999999 *)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		fuzztest.Run(t, func() {
			err := ecs.ValidateScheduleExpression(expr)
			// Whatever is accepted has one of the two shapes Scheduler
			// takes for recurring schedules.
			if err == nil && !(strings.HasPrefix(expr, "rate(") || strings.HasPrefix(expr, "cron(")) || err == nil && !strings.HasSuffix(expr, ")") {
				t.Fatalf("accepted %q", expr)
			}
			if err != nil && err.Error() == "" {
				t.Fatal("empty error")
			}
		})
	})
}

func FuzzNewTaskDefinition(f *testing.F) {
	add := func(id, family, name, image, arch, envKey, envValue, secretARN string, cpu, memory, port, storage, retention int) {
		f.Add(id, family, name, image, arch, envKey, envValue, secretARN, cpu, memory, port, storage, retention)
	}
	add("job", "", "app", "public.ecr.aws/x/y:1", "", "MODE", "batch", "", 256, 512, 8080, 0, 0)
	add("job", "etl", "job", "repo/job:2", "X86_64", "DB_PASSWORD", "hunter2", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf", 8192, 20480, 0, 30, 30)
	add("job", "@token", "@token", "@token", "ARM64", "API_KEY", "@token", "@token", 16384, 122880, 65535, 200, 3653)
	add("job", strings.Repeat("f", 256), "a b", "", "arm", "1X", "AKIAABCDEFGHIJKLMNOP", "secret", 300, 1, -1, 10, 7)
	fuzztest.WarmUp(f)
	f.Fuzz(func(t *testing.T, id, family, name, image, arch, envKey, envValue, secretARN string, cpu, memory, port, storage, retention int) {
		stack := fuzztest.Stack(t)
		fuzztest.Tokens(stack, &family, &name, &image, &envValue, &secretARN)
		c := ecs.ContainerSpec{Name: name, Image: ecs.ImageFromRegistry(image), Environment: map[string]string{envKey: envValue}}
		if port != 0 {
			c.Ports = []int{port}
		}
		if secretARN != "" {
			c.Secrets = map[string]ecs.Secret{"S_" + strings.ToUpper(strings.Trim(envKey, " ")): ecs.SecretsManagerSecret(secretARN)}
		}
		props := ecs.TaskDefinitionProps{Family: family, CPU: cpu, MemoryMiB: memory, Architecture: ecs.Architecture(arch),
			Containers: []ecs.ContainerSpec{c}, EphemeralStorageGiB: storage, LogRetentionDays: retention}
		added := fuzztest.Adds(stack, id)
		fuzztest.Run(t, func() {
			td, err := ecs.NewTaskDefinition(stack, id, props)
			if !fuzztest.Check(t, "NewTaskDefinition", td != nil, err) {
				if added() {
					t.Fatal("a failed NewTaskDefinition added constructs")
				}
				if len(envValue) >= 8 && strings.Contains(err.Error(), envValue) && strings.Contains(err.Error(), "plain text") {
					t.Fatalf("the error repeats a plain-text secret: %v", err)
				}
			}
		})
	})
}

func FuzzNewScheduledTask(f *testing.F) {
	f.Add("hourly", "", "cron(5 * * * ? *)", "UTC", 0, 3, 0)
	f.Add("hourly", "etl.hourly_1", "rate(1 hour)", "Europe/London", 15, 0, 86400)
	f.Add("hourly", "bad name", "rate(1 hours)", "Mars/Olympus", 2000, 200, 30)
	f.Add("hourly", strings.Repeat("n", 65), "cron(0 0 * * * *)", "", -1, -1, -1)
	fuzztest.WarmUp(f)
	f.Fuzz(func(t *testing.T, id, name, schedule, tz string, window, retries, age int) {
		stack := fuzztest.Stack(t)
		vpc, err := network.NewVPC(stack, "net", network.VPCProps{AZCount: 2, NAT: network.NATSingle})
		if err != nil {
			t.Fatal(err)
		}
		cluster, err := ecs.NewCluster(stack, "cluster", ecs.ClusterProps{VPC: vpc})
		if err != nil {
			t.Fatal(err)
		}
		td, err := ecs.NewTaskDefinition(stack, "task", ecs.TaskDefinitionProps{Containers: []ecs.ContainerSpec{{Name: "job", Image: ecs.ImageFromRegistry("x/y:1")}}})
		if err != nil {
			t.Fatal(err)
		}
		added := fuzztest.Adds(stack, id)
		fuzztest.Run(t, func() {
			st, err := ecs.NewScheduledTask(stack, id, ecs.ScheduledTaskProps{
				Cluster: cluster, TaskDefinition: td, Name: name, Schedule: schedule, TimeZone: tz,
				FlexibleWindowMinutes: window, MaxRetries: &retries, MaxEventAgeSeconds: age,
			})
			if !fuzztest.Check(t, "NewScheduledTask", st != nil, err) && added() {
				t.Fatal("a failed NewScheduledTask added constructs")
			}
		})
	})
}
