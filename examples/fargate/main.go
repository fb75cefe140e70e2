// Command fargate shows the ECS constructs from a consumer's side: a
// nightly report job on EventBridge Scheduler that reads a secret and
// writes to a bucket, and an internal API service behind an ALB that an
// HTTP API front door reaches through its VPC link.
//
// Run it with: go run ./examples/fargate [outdir]
package main

import (
	"fmt"
	"os"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/ecs"
	"github.com/hybridstack/hybridstack/constructs/frontdoor"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/registry"
	"github.com/hybridstack/hybridstack/constructs/storage"
)

// awsProviderConstraint is the AWS provider version this program requires:
// the 5.x line from 5.100, the same as the reference stacks
// (stacks/base.ProviderConstraint). Terraform installs any such provider,
// 5.100.0 from a mirror or a later 5.x from the registry.
const awsProviderConstraint = "~> 5.100"

func main() {
	outdir := "cdktf.out"
	if len(os.Args) > 1 {
		outdir = os.Args[1]
	}
	if err := build(outdir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("synthesized", outdir+"/stacks/fargate")
}

func build(outdir string) error {
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(outdir)})
	stack := cdktf.NewTerraformStack(app, jsii.String("fargate"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	// The aws/v19 binding pins the provider it was generated from (5.84.0)
	// exactly; require the 5.x line from 5.100, as the reference stacks do.
	stack.AddOverride(jsii.String("terraform.required_providers.aws.version"), awsProviderConstraint)
	cdktf.NewLocalBackend(stack, &cdktf.LocalBackendConfig{Path: jsii.String("terraform.fargate.tfstate")})

	vpc, err := network.NewVPC(stack, "network", network.VPCProps{
		AZCount:   2,
		Endpoints: []network.Endpoint{network.EndpointS3, network.EndpointECRAPI, network.EndpointECRDocker, network.EndpointLogs, network.EndpointSecretsManager},
		NAT:       network.NATSingle,
	})
	if err != nil {
		return err
	}
	cluster, err := ecs.NewCluster(stack, "cluster", ecs.ClusterProps{VPC: vpc})
	if err != nil {
		return err
	}
	images, err := registry.NewRepository(stack, "images", registry.RepositoryProps{Name: "example/reports"})
	if err != nil {
		return err
	}
	reports, err := storage.NewBucket(stack, "reports", storage.BucketProps{
		Lifecycle: []storage.LifecycleRule{{ID: "expire-reports", ExpireDays: 365}},
	})
	if err != nil {
		return err
	}

	// The nightly job: 1 vCPU, 2 GiB on Graviton, its database password
	// from Secrets Manager, writing under nightly/.
	job, err := ecs.NewTaskDefinition(stack, "report-task", ecs.TaskDefinitionProps{
		CPU: 1024, MemoryMiB: 2048,
		Containers: []ecs.ContainerSpec{{
			Name: "report", Image: ecs.ImageFromRepository(images, "1.4.0"),
			Environment:  map[string]string{"REPORT_BUCKET": reports.BucketName(), "REPORT_PREFIX": "nightly/"},
			Secrets:      map[string]ecs.Secret{"DB_PASSWORD": ecs.SecretsManagerJSONKey("arn:aws:secretsmanager:eu-west-1:123456789012:secret:reports-db-AbCdEf", "password")},
			ScratchPaths: []string{"/tmp"},
		}},
	})
	if err != nil {
		return err
	}
	if err := reports.GrantWrite(job, "nightly/"); err != nil {
		return err
	}
	if _, err := ecs.NewScheduledTask(stack, "nightly", ecs.ScheduledTaskProps{
		Cluster: cluster, TaskDefinition: job,
		Schedule: "cron(30 2 * * ? *)", TimeZone: "Europe/Paris", FlexibleWindowMinutes: 15, UseSpot: true,
	}); err != nil {
		return err
	}

	// The API: two tasks or more behind an internal ALB, reached only
	// through the front door's VPC link.
	api, err := ecs.NewTaskDefinition(stack, "api-task", ecs.TaskDefinitionProps{
		CPU: 512, MemoryMiB: 1024,
		Containers: []ecs.ContainerSpec{{
			Name: "api", Image: ecs.ImageFromRegistry("public.ecr.aws/nginx/nginx:1.27"), Ports: []int{8080},
			HealthCheck: &ecs.HealthCheck{Command: []string{"CMD-SHELL", "curl -fsS http://localhost:8080/healthz || exit 1"}, StartPeriodSeconds: 20},
		}},
	})
	if err != nil {
		return err
	}
	svc, err := ecs.NewService(stack, "api", ecs.ServiceProps{
		Cluster: cluster, TaskDefinition: api, Port: 8080,
		PlaintextReason: "internal ALB reached only through the front door's VPC link",
	})
	if err != nil {
		return err
	}
	fd, err := frontdoor.NewFrontDoor(stack, "front-door", frontdoor.FrontDoorProps{
		VPC: vpc,
		DefaultAuthorizer: frontdoor.Authorizer{JWT: &frontdoor.JWTAuthorizer{
			Issuer: "https://auth.example.com/", Audience: []string{"reports-api"},
		}},
	})
	if err != nil {
		return err
	}
	target := frontdoor.ServiceTarget{Name: "api", ListenerARN: svc.ListenerARN(), Port: svc.ListenerPort(), LoadBalancer: svc.LoadBalancer()}
	if err := fd.RouteToService("ANY /reports/{proxy+}", target, frontdoor.RouteOptions{}); err != nil {
		return err
	}
	app.Synth()
	return nil
}
