// Package etl is the hourly price ETL job that two reference stacks run
// (etljob on its own, fintech beside its other services): NewJob builds
// its repository, output bucket, vendor key secret, optional PostgreSQL
// database, cluster, task definition and schedule; package job is the
// program itself, a Go binary built into a container image. The reference
// stacks share it through this package rather than importing each other.
package etl

import (
	"errors"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecret"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/database"
	"github.com/hybridstack/hybridstack/constructs/ecs"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/registry"
	"github.com/hybridstack/hybridstack/constructs/storage"
	"github.com/hybridstack/hybridstack/stacks/base/etl/job"
)

// ImageTag is the tag of the job's image the stack runs by default: build
// and push it with the command in stacks/base/etl/job/README.md.
const ImageTag = "2026.11.1"

// Schedule runs the job five minutes past every hour (UTC), once the
// vendor has closed the previous hour.
const Schedule = "cron(5 * * * ? *)"

// JobProps configures NewJob.
type JobProps struct {
	// Name starts the names of the job's resources. Required.
	Name string
	// VPC runs the job in its private subnets; it needs a NAT gateway
	// to reach the vendor. Required.
	VPC *network.VPC
	// Cluster runs the job.
	// Default: - a new cluster
	Cluster *ecs.Cluster
	// Image the job runs.
	// Default: - the new repository, tagged ImageTag
	Image string
	// VendorURL is the vendor API's base URL. Required.
	VendorURL string
	// Database adds an RDS for PostgreSQL database the job loads each
	// window into (table prices, replaced window by window). The job
	// connects as DatabaseUser with IAM authentication (its task role may
	// rds-db:connect as that user only), verifying the server against the
	// RDS CA bundle; the user must be created once with DatabaseGrantSQL.
	// Default: false
	Database bool
	// AlarmTopicARN is notified of failed runs.
	// Default: - alarms without notification
	AlarmTopicARN string
	// Disposable lets a destroy delete the bucket, database, repository
	// and secret with their data.
	// Default: false
	Disposable bool
}

// DatabaseUser is the database user the job logs in as with IAM
// authentication: not the master user, and with the privileges of
// DatabaseGrantSQL only.
const DatabaseUser = "etljob"

// DatabaseGrantSQL creates DatabaseUser, once, before the job's first run
// with the database: run it as the master user (its credentials are in
// the RDS-managed secret, output database_secret) in the prices database,
// from a host the database admits. The user has no password, so it logs in
// with IAM tokens only (rds_iam); it may connect to prices and create and
// use objects in its own schema etljob, which its search path ("$user")
// puts first, so the job's first load creates etljob.prices there. It has
// no other privilege: nothing in public, no other database, no role.
const DatabaseGrantSQL = `CREATE USER etljob;
GRANT rds_iam TO etljob;
GRANT CONNECT ON DATABASE prices TO etljob;
CREATE SCHEMA etljob;
GRANT USAGE, CREATE ON SCHEMA etljob TO etljob;
`

// Job is the hourly ETL job and everything it owns.
type Job struct {
	constructs.Construct
	Repository *registry.Repository
	Bucket     *storage.Bucket
	Database   *database.Postgres
	Task       *ecs.TaskDefinition
	Schedule   *ecs.ScheduledTask
	vendorKey  secretsmanagersecret.SecretsmanagerSecret
}

// NewJob builds the job: its repository, output bucket, vendor key secret,
// optional database, cluster, task definition and schedule.
func NewJob(scope constructs.Construct, id string, p JobProps) (*Job, error) {
	if p.Name == "" || p.VPC == nil || p.VendorURL == "" {
		return nil, errors.New("etljob: NewJob needs Name, VPC and VendorURL")
	}
	j := &Job{}
	constructs.NewConstruct_Override(j, scope, &id)
	var err error
	if j.Repository, err = registry.NewRepository(j, "repository", registry.RepositoryProps{Name: p.Name + "/job", Disposable: p.Disposable}); err != nil {
		return nil, err
	}
	image := ecs.ImageFromRepository(j.Repository, ImageTag)
	if p.Image != "" {
		image = ecs.ImageFromRegistry(p.Image)
	}
	j.Bucket, err = storage.NewBucket(j, "output", storage.BucketProps{
		NamePrefix: p.Name + "-prices-",
		Lifecycle: []storage.LifecycleRule{
			// Cleaned prices are read for a quarter, then kept cheaply.
			{ID: "archive-prices", Prefix: job.DefaultOutputPrefix + "/", Transitions: []storage.Transition{{Days: 90, StorageClass: "GLACIER_IR"}}},
			// Rejects are for investigating a bad feed, not for keeping.
			{ID: "expire-rejects", Prefix: job.DefaultOutputPrefix + "-rejects/", ExpireDays: 90},
		},
		NoncurrentVersionDays: 30,
		Disposable:            p.Disposable,
	})
	if err != nil {
		return nil, err
	}
	// The operator puts the vendor's key in the secret; the stack never
	// sees it.
	keyCfg := &secretsmanagersecret.SecretsmanagerSecretConfig{
		NamePrefix:           jsii.String(p.Name + "/vendor-api-key-"),
		Description:          jsii.String("API key of the price vendor the " + p.Name + " job calls (put the value out of band)"),
		RecoveryWindowInDays: jsii.Number(7),
	}
	if !p.Disposable {
		keyCfg.Lifecycle = &cdktf.TerraformResourceLifecycle{PreventDestroy: jsii.Bool(true)}
	} else {
		keyCfg.RecoveryWindowInDays = jsii.Number(0)
	}
	j.vendorKey = secretsmanagersecret.NewSecretsmanagerSecret(j, jsii.String("vendor-api-key"), keyCfg)

	env := map[string]string{
		job.EnvVendorURL:    p.VendorURL,
		job.EnvOutputBucket: j.Bucket.BucketName(),
		job.EnvOutputPrefix: job.DefaultOutputPrefix,
		// The job holds an hour of prices (at most about 550 MiB at its
		// 2,000,000-record cap); the Go runtime collects before the
		// task's 1 GiB is reached.
		"GOMEMLIMIT": "800MiB",
	}
	secrets := map[string]ecs.Secret{job.EnvVendorAPIKey: ecs.SecretsManagerSecret(*j.vendorKey.Arn())}
	if p.Database {
		j.Database, err = database.NewPostgres(j, "database", database.PostgresProps{
			VPC: p.VPC, DatabaseName: "prices", InstanceClass: "db.t4g.medium", Disposable: p.Disposable,
			AlarmTopicARN: p.AlarmTopicARN,
		})
		if err != nil {
			return nil, err
		}
		env[job.EnvDatabaseHost] = j.Database.Endpoint()
		env[job.EnvDatabasePort] = "5432"
		env[job.EnvDatabaseName] = j.Database.DatabaseName()
		// Its own user with IAM authentication, not the master user: no
		// password in the task, a token per connection signed with the
		// task role (rds-db:connect on this user only, below).
		env[job.EnvDatabaseUser] = DatabaseUser
		env[job.EnvDatabaseIAMAuth] = "true"
	}
	cluster := p.Cluster
	if cluster == nil {
		if cluster, err = ecs.NewCluster(j, "cluster", ecs.ClusterProps{Name: p.Name, VPC: p.VPC}); err != nil {
			return nil, err
		}
	}
	j.Task, err = ecs.NewTaskDefinition(j, "task", ecs.TaskDefinitionProps{
		Family: p.Name + "-job",
		// Half a vCPU and 1 GiB: the job holds one hour of prices in
		// memory (see the job's README for the bound).
		CPU: 512, MemoryMiB: 1024,
		// The ADOT collector sidecar (64 CPU units, 128 MiB of the task's
		// 1 GiB, beside GOMEMLIMIT's 800 MiB) sends traces to X-Ray over
		// the NAT gateway. The job records no spans until it is built
		// with an SDK (see the job's README); the containers already get
		// the OTLP endpoint and X-Ray daemon address.
		Tracing: true,
		Containers: []ecs.ContainerSpec{{
			Name: "job", Image: image, Environment: env, Secrets: secrets,
			// The job writes nothing locally; its root stays read-only.
			StopTimeoutSeconds: 60,
		}},
	})
	if err != nil {
		return nil, err
	}
	if err := j.Bucket.GrantReadWrite(j.Task, job.DefaultOutputPrefix+"/"); err != nil {
		return nil, err
	}
	if j.Database != nil {
		if err := j.Database.GrantConnect(j.Task, DatabaseUser); err != nil {
			return nil, err
		}
	}
	if err := j.Bucket.GrantReadWrite(j.Task, job.DefaultOutputPrefix+"-rejects/"); err != nil {
		return nil, err
	}
	j.Schedule, err = ecs.NewScheduledTask(j, "hourly", ecs.ScheduledTaskProps{
		Name: p.Name + "-hourly", Cluster: cluster, TaskDefinition: j.Task, Schedule: Schedule,
		// The vendor is on the Internet.
		AllowInternetHTTPS: true,
		AlarmTopicARN:      p.AlarmTopicARN,
	})
	if err != nil {
		return nil, err
	}
	if j.Database != nil {
		if _, err := j.Schedule.Connections().AllowTo(j.Database, database.PostgresPort, "From the "+p.Name+" job to its database"); err != nil {
			return nil, err
		}
	}
	return j, nil
}

// VendorKeyARN returns the ARN of the vendor API key's secret.
func (j *Job) VendorKeyARN() string { return *j.vendorKey.Arn() }
