package ecs_test

import (
	"errors"
	"fmt"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/ecs"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// A task definition with the defaults: 0.25 vCPU and 512 MiB on Graviton
// (ARM64), a read-only root file system, logs to its own encrypted log
// group, and a task role and an execution role of its own.
func ExampleNewTaskDefinition() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	task, err := ecs.NewTaskDefinition(stack, "report", ecs.TaskDefinitionProps{
		Containers: []ecs.ContainerSpec{{Name: "report", Image: ecs.ImageFromRegistry("public.ecr.aws/docker/library/busybox:1.37")}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(task.Family(), task.Architecture())
	for _, td := range tftest.Collect(stack, "aws_ecs_task_definition", func(r map[string]any) string {
		return fmt.Sprint(r["cpu"], " CPU units, ", r["memory"], " MiB, ", r["requires_compatibilities"])
	}) {
		fmt.Println(td)
	}
	// Output:
	// example-report ARM64
	// 256 CPU units, 512 MiB, [FARGATE]
}

// A nightly job on EventBridge Scheduler: 1 vCPU and 2 GiB on Fargate Spot
// at 02:30 Paris time, with a dead-letter queue, a failed-run queue and
// their alarms made for it. Bad props fail before anything is created,
// every problem at once.
func ExampleNewScheduledTask() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.NewVPC(stack, "network", network.VPCProps{
		AZCount:   2,
		NAT:       network.NATNone,
		Endpoints: []network.Endpoint{network.EndpointS3, network.EndpointECRAPI, network.EndpointECRDocker, network.EndpointLogs},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	cluster, err := ecs.NewCluster(stack, "jobs", ecs.ClusterProps{VPC: vpc})
	if err != nil {
		fmt.Println(err)
		return
	}
	task, err := ecs.NewTaskDefinition(stack, "report", ecs.TaskDefinitionProps{
		CPU: 1024, MemoryMiB: 2048,
		Containers: []ecs.ContainerSpec{{Name: "report", Image: ecs.ImageFromRegistry("public.ecr.aws/docker/library/busybox:1.37")}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	nightly, err := ecs.NewScheduledTask(stack, "nightly", ecs.ScheduledTaskProps{
		Cluster: cluster, TaskDefinition: task,
		Schedule: "cron(30 2 * * ? *)", TimeZone: "Europe/Paris", UseSpot: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(nightly.Name(), nightly.FailedRuns() != nil)
	for _, s := range tftest.Collect(stack, "aws_scheduler_schedule", func(r map[string]any) string {
		return fmt.Sprint(r["schedule_expression"], " ", r["schedule_expression_timezone"])
	}) {
		fmt.Println(s)
	}

	_, err = ecs.NewScheduledTask(stack, "typo", ecs.ScheduledTaskProps{
		Cluster: cluster, TaskDefinition: task, Schedule: "every day", TimeZone: "Paris",
	})
	fmt.Println(errors.Is(err, validate.ErrInvalid))
	fmt.Println(err)
	// Output:
	// example-nightly true
	// cron(30 2 * * ? *) Europe/Paris
	// true
	// ecs "example/typo": Schedule "every day" is not a recurring schedule; use rate(...) or cron(...), such as rate(1 hour) or cron(5 * * * ? *)
	// ecs "example/typo": TimeZone "Paris" is not an IANA time zone name such as UTC or Europe/London
}
