// Package etljob is the reference stack for an hourly financial-data ETL
// job on ECS Fargate: EventBridge Scheduler starts the job five minutes
// past every hour; the job (package etl/job, a Go program built into a
// container image) pulls the previous hour of prices from a vendor API page
// by page, validates and normalizes them, and writes partitioned JSON
// Lines to an S3 bucket (KMS, lifecycle) idempotently; with the database
// on, it also loads them into RDS for PostgreSQL (private, encrypted,
// managed master password, deletion protection, backups).
//
// The job's image comes from the stack's ECR repository (scan on push,
// immutable tags, lifecycle policy) at etl.ImageTag unless Options.ETLImage
// (HYBRIDSTACK_ETL_IMAGE) names another. The job itself is package stacks/base/etl (construct) and
// stacks/base/etl/job (program), which the fintech platform runs too.
package etljob

import (
	"errors"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/observe"
	"github.com/hybridstack/hybridstack/stacks/base"
	"github.com/hybridstack/hybridstack/stacks/base/etl"
	"github.com/hybridstack/hybridstack/stacks/base/etl/job"
)

// Name is the stack's name.
const Name = "etljob"

// Options are the stack's choices beyond base.Settings.
type Options struct {
	// NoDatabase leaves out the PostgreSQL database: the job writes to
	// S3 only.
	// Default: false
	NoDatabase bool
	// Settings are the job's image and vendor API.
	// Default: - see etl.Settings
	etl.Settings
}

// OptionsFrom returns the stack's default options with the job's settings
// read where s reads its own (s.Lookup: HYBRIDSTACK_ETL_IMAGE,
// HYBRIDSTACK_ETL_VENDOR_URL or their cdktf context keys).
func OptionsFrom(s base.Settings) Options {
	return Options{Settings: etl.SettingsFrom(s)}
}

// Stack holds the stack's main parts.
type Stack struct {
	Stack cdktf.TerraformStack
	Job   *etl.Job
}

// New builds the reference stack with the database and the options
// OptionsFrom reads.
func New(scope constructs.Construct, s base.Settings) (*Stack, error) {
	return Build(scope, s, OptionsFrom(s))
}

// Build builds the stack with opts.
func Build(scope constructs.Construct, s base.Settings, opts Options) (*Stack, error) {
	s = s.WithDefaults()
	opts.Settings = opts.Settings.WithDefaults()
	if err := errors.Join(s.Validate(Name), opts.Settings.Validate(Name)); err != nil {
		return nil, err
	}
	stack, err := base.NewStack(scope, Name, s)
	if err != nil {
		return nil, err
	}
	vpc, err := network.NewVPC(stack, "network", network.VPCProps{
		Name:              Name,
		CIDR:              "10.60.0.0/16",
		AvailabilityZones: s.AvailabilityZones(2),
		// Image pulls, logs and secrets go through endpoints; the vendor
		// API is on the Internet, through the NAT gateway.
		Endpoints: []network.Endpoint{network.EndpointS3, network.EndpointECRAPI, network.EndpointECRDocker, network.EndpointLogs, network.EndpointSecretsManager},
		NAT:       network.NATSingle,
	})
	if err != nil {
		return nil, err
	}
	alerts, err := base.AlertTopic(stack, Name, s.Disposable, false)
	if err != nil {
		return nil, err
	}
	j, err := etl.NewJob(stack, "etl", etl.JobProps{
		Name: Name, VPC: vpc, Image: opts.ETLImage, VendorURL: opts.ETLVendorURL,
		Database: !opts.NoDatabase, AlarmTopicARN: *alerts.Arn(), Disposable: s.Disposable,
	})
	if err != nil {
		return nil, err
	}
	base.Output(stack, "repository_url", "Push the job's image here, tagged "+etl.ImageTag+" (stacks/base/etl/job/README.md)", j.Repository.RepositoryURL())
	base.Output(stack, "output_bucket", "Cleaned prices land at s3://<bucket>/"+job.DefaultOutputPrefix+"/date=YYYY-MM-DD/hour=HH/", j.Bucket.BucketName())
	base.Output(stack, "vendor_api_key_secret", "Put the vendor API key in this secret (aws secretsmanager put-secret-value)", j.VendorKeyARN())
	base.Output(stack, "schedule_name", "The hourly schedule (EventBridge Scheduler)", j.Schedule.Name())
	base.Output(stack, "failed_runs_queue", "State changes of runs that failed", j.Schedule.FailedRuns().QueueURL())
	base.Output(stack, "alerts_topic", "Subscribe to receive alarms", *alerts.Arn())
	if j.Database != nil {
		base.Output(stack, "database_endpoint", "PostgreSQL endpoint (private)", j.Database.Endpoint())
		base.Output(stack, "database_secret", "Managed master credentials (Secrets Manager)", j.Database.SecretARN())
	}
	// Last, after every construct: the dashboard and health alarm of them all.
	if _, err := observe.NewDashboard(stack, "dashboard", observe.DashboardProps{Name: Name, AlarmTopicARN: *alerts.Arn()}); err != nil {
		return nil, err
	}
	return &Stack{Stack: stack, Job: j}, nil
}
