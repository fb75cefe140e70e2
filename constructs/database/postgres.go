// Package database provides Postgres (NewPostgres): an Amazon RDS for
// PostgreSQL instance that is secure by default. It runs in a VPC's private
// subnets behind its own security group, which admits nothing until a
// client is allowed through Connections (port PostgresPort). Storage,
// Performance Insights and the master password secret are encrypted with a
// customer managed KMS key; the master password is generated and rotated
// by RDS in Secrets Manager and never appears in Terraform state. TLS is
// required (rds.force_ssl), IAM database authentication is on, the
// instance runs in two Availability Zones, keeps seven days of automated
// backups, exports its logs to log groups it owns with a retention, and is
// protected from destroy (deletion protection, prevent_destroy and a final
// snapshot) unless Disposable.
//
// Clients are granted the master secret with GrantSecretRead (an ECS task
// reads one key of it with SecretValueFrom) or, better, a database user of
// their own through IAM authentication with GrantConnect.
package database

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dbinstance"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dbparametergroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dbsubnetgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/internal/cmk"
	"github.com/hybridstack/hybridstack/constructs/internal/loggroup"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

// PostgresPort is the TCP port the instance listens on. Clients are
// admitted with client.Connections().AllowTo(db, database.PostgresPort, why).
const PostgresPort = 5432

// The keys of the JSON document RDS keeps in the master user secret. An
// ECS task reads one of them with db.SecretValueFrom(database.SecretKeyPassword).
const (
	SecretKeyUsername = "username"
	SecretKeyPassword = "password"
)

// DefaultEngineVersion is the PostgreSQL version a Postgres runs unless
// PostgresProps.EngineVersion says otherwise: the major version only, so
// RDS creates the instance on its default minor version of 17 and
// automatic minor version upgrades keep it current. 17 is the newest major
// version with a full year of RDS minor releases and broad extension and
// tool support (RDS standard support runs into 2030); 18 is accepted too.
//
// A pinned minor version ("17.7") is accepted but not the default: with
// automatic minor version upgrades on, RDS moves the instance past the pin
// and every later plan would try to downgrade it, and a pinned minor
// version stops being creatable about a year after its release (RDS
// deprecated 17.1-17.4 for new instances on 2026-05-01).
const DefaultEngineVersion = "17"

// engineMajorVersions are the PostgreSQL major versions NewPostgres
// accepts (see EngineMajorVersions).
var engineMajorVersions = []string{"15", "16", "17", "18"}

// EngineMajorVersions returns the PostgreSQL major versions NewPostgres
// accepts, oldest first, checked against the RDS for PostgreSQL release
// calendar: 14 is left out because its RDS standard support ends in
// February 2027, after which RDS bills Extended Support for every instance
// still on it. Each call returns a new slice; changing it changes nothing.
func EngineMajorVersions() []string { return slices.Clone(engineMajorVersions) }

const (
	defaultInstanceClass     = "db.m7g.large"
	defaultAllocatedGiB      = 20
	defaultMaxAllocatedGiB   = 100
	minAllocatedGiB          = 20
	maxAllocatedGiB          = 65536
	defaultBackupDays        = 7
	maxBackupDays            = 35
	defaultBackupWindow      = "03:00-04:00"
	defaultMaintenanceWindow = "sun:04:30-sun:05:30"
	defaultMasterUsername    = "dbadmin"
	defaultLogRetention      = 90
	// performanceInsightsDays is the retention of the free tier of
	// Performance Insights (the Standard mode of Database Insights).
	performanceInsightsDays = 7
	// slowStatementMillis is log_min_duration_statement: statements that
	// run longer are logged with their text and duration.
	slowStatementMillis = 1000
	// caCertificate signs the instance's server certificate; clients
	// verify it with the RDS global bundle (sslmode=verify-full).
	caCertificate = "rds-ca-rsa2048-g1"
)

// logExports are the PostgreSQL logs the instance publishes to CloudWatch
// Logs, each to /aws/rds/instance/<identifier>/<name>.
var logExports = []string{"postgresql", "upgrade"}

// PostgresProps configures a Postgres instance.
type PostgresProps struct {
	// Name is the DB instance identifier: 1-63 lowercase letters, digits
	// and hyphens, starting with a letter, without a trailing hyphen or
	// two hyphens in a row. It names the endpoint, the log groups
	// (/aws/rds/instance/<Name>/...), the subnet group and the final
	// snapshot (<Name>-final), and must be unique per account and Region.
	// The final snapshot outlives the instance: deleting it is a separate,
	// deliberate step, and until then another instance of the same Name
	// cannot be destroyed (its final snapshot name is taken).
	// Default: - the construct path with '/' as '-', lowercased, cut to 63 characters with a hash
	Name string
	// VPC is the network the instance serves: a new DB subnet group holds
	// its private subnets, which must span at least two Availability Zones
	// (an RDS requirement even for a single-AZ instance). Required.
	VPC *network.VPC
	// EngineVersion is the PostgreSQL version: a major version RDS picks
	// the default minor version of ("17"), or a pinned "major.minor"
	// ("17.7", see DefaultEngineVersion for why that is not the default).
	// The major version must be one of EngineMajorVersions; it also picks
	// the parameter group family (postgres17). A major version upgrade is
	// a planned operation: RDS refuses it unless allow_major_version_upgrade
	// is set for that apply through Resource().
	// Default: DefaultEngineVersion ("17")
	EngineVersion string
	// InstanceClass is the DB instance class, db.<family>.<size>. The
	// default is a general-purpose Graviton class with steady CPU (no
	// burst credits to run out of, and no surplus credit charges, which
	// RDS T classes incur in their default unlimited mode) and 8 GiB of
	// memory, the Graviton successor of the AWS CDK's default db.m5.large.
	// db.t4g.medium is the cheapest class for development. db.t2.*,
	// db.t3.micro/small and db.t4g.micro/small are refused: Performance
	// Insights, always on here, is not available on them.
	// Default: "db.m7g.large"
	InstanceClass string
	// AllocatedStorageGiB is the initial gp3 storage, 20-65536 GiB.
	// Storage can grow (see MaxAllocatedStorageGiB), never shrink.
	// Default: 20
	AllocatedStorageGiB int
	// MaxAllocatedStorageGiB is the ceiling of storage autoscaling: RDS
	// adds storage when less than 10% is free, up to this size. It must be
	// at least 10% more than AllocatedStorageGiB (RDS refuses less) and at
	// most 65536.
	// Default: - 100, or 2 x AllocatedStorageGiB when that is more (at most 65536)
	MaxAllocatedStorageGiB int
	// DisableStorageAutoscaling keeps storage at AllocatedStorageGiB: a
	// full disk then stops writes. MaxAllocatedStorageGiB must be 0.
	// Default: false
	DisableStorageAutoscaling bool
	// DatabaseName is the database RDS creates in the instance: 1-63
	// letters, digits and underscores, starting with a letter; not a
	// PostgreSQL reserved word nor a database that always exists
	// (postgres, template0, template1, rdsadmin).
	// Default: - the construct id with '-' and other characters as '_', lowercased
	DatabaseName string
	// MasterUsername is the master (rds_superuser) user: 1-16 letters,
	// digits and underscores, starting with a letter. RDS and PostgreSQL
	// refuse "admin", "rdsadmin" and other RDS roles, names starting with
	// "pg_" or "rds_", "public" and SQL reserved words; "postgres" is
	// refused here as well, since it is the well-known default that
	// password guessing tries first (AWS Security Hub control RDS.25).
	// Default: "dbadmin"
	MasterUsername string
	// KMSKeyARN encrypts storage, Performance Insights and the master user
	// secret with an existing customer managed key (its full ARN). It
	// cannot be changed after creation.
	// Default: - a new customer managed KMS key with rotation, protected from destroy like the instance
	KMSKeyARN string
	// SingleAZ runs the instance in one Availability Zone only. By default
	// RDS keeps a synchronous standby in a second zone and fails over to it
	// in one to two minutes when the primary's host, storage or zone fails,
	// and patches the standby first, which shortens maintenance downtime.
	// The standby doubles the cost of the instance and its storage. Single
	// AZ suits development databases: a zone outage or a host failure
	// then means restoring from a backup.
	// Default: false (Multi-AZ)
	SingleAZ bool
	// BackupRetentionDays keeps automated backups (daily snapshots plus
	// transaction logs for point-in-time restore) this long, 1-35 days.
	// Default: 7
	BackupRetentionDays int
	// DisableBackups turns automated backups off (retention 0). Only with
	// Disposable: without backups there is no point-in-time restore, and
	// RDS cannot create read replicas.
	// Default: false
	DisableBackups bool
	// BackupWindow is the daily UTC time range RDS takes the automated
	// backup in, "hh24:mi-hh24:mi", at least 30 minutes. It must not
	// overlap or touch the maintenance window on any day.
	// Default: "03:00-04:00"
	BackupWindow string
	// MaintenanceWindow is the weekly UTC time range RDS applies minor
	// version upgrades and other maintenance in, "ddd:hh24:mi-ddd:hh24:mi"
	// (days mon-sun), 30 minutes to 24 hours.
	// Default: "sun:04:30-sun:05:30"
	MaintenanceWindow string
	// LogRetentionDays keeps the exported PostgreSQL and upgrade logs this
	// long; it must be a value CloudWatch Logs accepts. The PostgreSQL log
	// holds every statement that runs longer than one second, with its
	// text.
	// Default: 90
	LogRetentionDays int
	// Disposable drops deletion protection, prevent_destroy (on the
	// instance, its key and its log groups) and the final snapshot, and
	// deletes automated backups with the instance. Only for scratch
	// environments: destroying the instance deletes every row.
	// Default: false
	Disposable bool
	// AlarmTopicARN is the SNS topic the instance's alarms notify when
	// they fire and when they recover: CPU and free storage (see
	// Signals). The alarms exist either way.
	// Default: - alarms without notification
	AlarmTopicARN string
	// Tags are added to every resource that takes tags, and RDS copies
	// them to snapshots.
	// Default: - none
	Tags map[string]string
}

// Postgres is an Amazon RDS for PostgreSQL DB instance with its subnet
// group, parameter group, security group, log groups and, unless given a
// key, its customer managed KMS key. Changes Terraform makes to an existing
// instance that need a restart or cause downtime (instance class, storage
// type, engine version) wait for the maintenance window: apply_immediately
// stays false.
type Postgres struct {
	constructs.Construct
	db             dbinstance.DbInstance
	key            kmskey.KmsKey
	kmsKeyARN      string
	parameterGroup dbparametergroup.DbParameterGroup
	subnetGroup    dbsubnetgroup.DbSubnetGroup
	securityGroup  string
	connections    *network.Connections
	databaseName   string
	masterUsername string
	env            awsenv.Env
	// What Signals returns besides the metrics (postgres_signals.go).
	title     string
	alarms    []observe.Alarm
	logGroups []string
}

var _ network.Connectable = (*Postgres)(nil)

// settings are the props with defaults applied.
type settings struct {
	PostgresProps
	identifier string
	major      string
	maxStorage int
}

func withDefaults(path, id string, p PostgresProps) settings {
	s := settings{PostgresProps: p, identifier: p.Name}
	if s.identifier == "" {
		s.identifier = identifierFromPath(path)
	}
	if s.EngineVersion == "" {
		s.EngineVersion = DefaultEngineVersion
	}
	s.major, _, _ = strings.Cut(s.EngineVersion, ".")
	if s.InstanceClass == "" {
		s.InstanceClass = defaultInstanceClass
	}
	if s.AllocatedStorageGiB == 0 {
		s.AllocatedStorageGiB = defaultAllocatedGiB
	}
	s.maxStorage = s.MaxAllocatedStorageGiB
	if s.maxStorage == 0 && !s.DisableStorageAutoscaling {
		s.maxStorage = defaultMaxStorage(s.AllocatedStorageGiB)
	}
	if s.DatabaseName == "" {
		s.DatabaseName = databaseNameFromID(id)
	}
	if s.MasterUsername == "" {
		s.MasterUsername = defaultMasterUsername
	}
	if s.BackupRetentionDays == 0 && !s.DisableBackups {
		s.BackupRetentionDays = defaultBackupDays
	}
	if s.BackupWindow == "" {
		s.BackupWindow = defaultBackupWindow
	}
	if s.MaintenanceWindow == "" {
		s.MaintenanceWindow = defaultMaintenanceWindow
	}
	if s.LogRetentionDays == 0 {
		s.LogRetentionDays = defaultLogRetention
	}
	return s
}

// defaultMaxStorage is the default autoscaling ceiling: 100 GiB, or twice
// the allocated storage when that is more, at most 65536 GiB; 0 (no
// autoscaling) when the allocated storage leaves no room for the 10% RDS
// requires.
func defaultMaxStorage(allocated int) int {
	m := min(max(defaultMaxAllocatedGiB, 2*allocated), maxAllocatedGiB)
	if m < minMaxStorage(allocated) {
		return 0
	}
	return m
}

// minMaxStorage is the smallest autoscaling ceiling RDS accepts: 10% more
// than the allocated storage, rounded up.
func minMaxStorage(allocated int) int { return allocated + (allocated+9)/10 }

// NewPostgres validates props and creates the instance with its subnet
// group, parameter group, security group, log groups and (unless KMSKeyARN
// is given) KMS key. Nothing is created when props are invalid: it returns
// every problem with props at once, joined, each a *validate.FieldError
// wrapping validate.ErrInvalid.
func NewPostgres(scope constructs.Construct, id string, props PostgresProps) (*Postgres, error) {
	r := validation.ForConstruct("database", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	s := withDefaults(r.Path(), id, props)
	s.validate(r)
	if err := r.Err(); err != nil {
		return nil, err
	}

	env, err := awsenv.Of(scope)
	if err != nil {
		return nil, err
	}
	p := &Postgres{databaseName: s.DatabaseName, masterUsername: s.MasterUsername, env: env}
	constructs.NewConstruct_Override(p, scope, &id)
	path := *p.Node().Path()
	tags := ptr.Map(s.Tags)
	var protect *cdktf.TerraformResourceLifecycle
	if !s.Disposable {
		protect = &cdktf.TerraformResourceLifecycle{PreventDestroy: ptr.Bool(true)}
	}
	// base names the instance's companions (subnet group, parameter
	// group, security group): the identifier, or the path-derived one when
	// the Name is a token.
	base := s.identifier
	if validation.IsToken(base) {
		base = identifierFromPath(path)
	}

	if _, minor, pinned := strings.Cut(s.EngineVersion, "."); pinned && !validation.IsToken(s.EngineVersion) {
		cdktf.Annotations_Of(p).AddWarning(ptr.String(fmt.Sprintf("%s: EngineVersion %q pins minor version %s while automatic minor version upgrades are on: once RDS upgrades the instance, plans try to downgrade it; raise the pin after each upgrade or give the major version %q",
			path, s.EngineVersion, minor, s.major)))
	}

	// Clients are admitted with Connections. The instance answers on the
	// connections clients open (security groups are stateful) and opens
	// none itself, so the group allows nothing out (Terraform removes
	// AWS's default allow-all egress rule).
	sg := securitygroup.NewSecurityGroup(p, ptr.String("security-group"), &securitygroup.SecurityGroupConfig{
		NamePrefix:  ptr.String(names.Prefix(base, 40)),
		Description: ptr.String("RDS PostgreSQL " + base + ": clients admitted by Connections rules, nothing out"),
		VpcId:       ptr.String(s.VPC.VPCID()),
		Tags:        tags,
		Lifecycle:   &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: ptr.Bool(true)},
	})
	p.securityGroup = *sg.Id()
	p.connections = network.NewConnections(p, names.ID(id), p.securityGroup)

	p.kmsKeyARN = s.KMSKeyARN
	if p.kmsKeyARN == "" {
		p.key = cmk.New(p, r, env, cmk.Props{
			Description: "Encrypts the storage, Performance Insights data and master user secret of RDS instance " + path,
			Alias:       names.Truncate("alias/rds/"+base, 256),
			Tags:        s.Tags,
			Disposable:  s.Disposable,
		})
		p.kmsKeyARN = *p.key.Arn()
	}

	p.subnetGroup = dbsubnetgroup.NewDbSubnetGroup(p, ptr.String("subnet-group"), &dbsubnetgroup.DbSubnetGroupConfig{
		Name:        ptr.String(base),
		Description: ptr.String("Private subnets of RDS instance " + path),
		SubnetIds:   ptr.Strings(s.VPC.PrivateSubnetIDs()),
		Tags:        tags,
	})

	// A major version upgrade replaces the parameter group (its family
	// changes) while the instance still uses the old one: the new group
	// is made first, and the old one goes once the instance has moved.
	family := parameterGroupFamily(s.EngineVersion)
	p.parameterGroup = dbparametergroup.NewDbParameterGroup(p, ptr.String("parameter-group"), &dbparametergroup.DbParameterGroupConfig{
		NamePrefix:  ptr.String(base + "-" + family + "-"),
		Family:      ptr.String(family),
		Description: ptr.String("Settings of RDS instance " + path),
		Parameter: []*dbparametergroup.DbParameterGroupParameter{
			// Clients must connect over TLS (the default from PostgreSQL
			// 15 on RDS; set so that it stays so).
			{Name: ptr.String("rds.force_ssl"), Value: ptr.String("1")},
			// Statements slower than this are logged with their
			// duration, for the exported postgresql log.
			{Name: ptr.String("log_min_duration_statement"), Value: ptr.String(fmt.Sprint(slowStatementMillis))},
		},
		Tags:      tags,
		Lifecycle: &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: ptr.Bool(true)},
	})

	// RDS creates /aws/rds/instance/<identifier>/<log> on its own, without
	// a retention, when the first line arrives. The groups are made first,
	// with retention, and the instance depends on them.
	var logGroups []cdktf.ITerraformDependable
	for _, l := range logExports {
		g, err := loggroup.New(p, "log-"+l, loggroup.Props{
			Name:          "/aws/rds/instance/" + s.identifier + "/" + l,
			RetentionDays: s.LogRetentionDays,
			Tags:          tags,
			Lifecycle:     protect,
		})
		if err != nil {
			return nil, err
		}
		logGroups = append(logGroups, g)
	}

	backups := s.BackupRetentionDays
	if s.DisableBackups {
		backups = 0
	}
	cfg := &dbinstance.DbInstanceConfig{
		Identifier:          ptr.String(s.identifier),
		Engine:              ptr.String("postgres"),
		EngineVersion:       ptr.String(s.EngineVersion),
		InstanceClass:       ptr.String(s.InstanceClass),
		DbName:              ptr.String(s.DatabaseName),
		Username:            ptr.String(s.MasterUsername),
		Port:                ptr.Number(PostgresPort),
		ParameterGroupName:  p.parameterGroup.Name(),
		DbSubnetGroupName:   p.subnetGroup.Name(),
		VpcSecurityGroupIds: ptr.Strings([]string{p.securityGroup}),
		PubliclyAccessible:  false,
		MultiAz:             !s.SingleAZ,
		// Storage.
		StorageType:      ptr.String("gp3"),
		AllocatedStorage: ptr.Number(s.AllocatedStorageGiB),
		StorageEncrypted: true,
		KmsKeyId:         ptr.String(p.kmsKeyARN),
		// The master password: generated, kept and rotated by RDS in
		// Secrets Manager, encrypted with the same key.
		ManageMasterUserPassword:         true,
		MasterUserSecretKmsKeyId:         ptr.String(p.kmsKeyARN),
		IamDatabaseAuthenticationEnabled: true,
		CaCertIdentifier:                 ptr.String(caCertificate),
		// Maintenance and backups.
		AutoMinorVersionUpgrade: true,
		BackupRetentionPeriod:   ptr.Number(backups),
		BackupWindow:            ptr.String(s.BackupWindow),
		MaintenanceWindow:       ptr.String(strings.ToLower(s.MaintenanceWindow)),
		CopyTagsToSnapshot:      true,
		// Monitoring.
		PerformanceInsightsEnabled:         true,
		PerformanceInsightsKmsKeyId:        ptr.String(p.kmsKeyARN),
		PerformanceInsightsRetentionPeriod: ptr.Number(performanceInsightsDays),
		EnabledCloudwatchLogsExports:       ptr.Strings(logExports),
		// Protection.
		DeletionProtection:     !s.Disposable,
		SkipFinalSnapshot:      s.Disposable,
		DeleteAutomatedBackups: s.Disposable,
		Tags:                   tags,
		Lifecycle:              protect,
		DependsOn:              &logGroups,
	}
	if s.maxStorage > 0 {
		cfg.MaxAllocatedStorage = ptr.Number(s.maxStorage)
	}
	if !s.Disposable {
		cfg.FinalSnapshotIdentifier = ptr.String(s.identifier + "-final")
	}
	p.db = dbinstance.NewDbInstance(p, ptr.String("instance"), cfg)
	p.watch(s)
	if err := r.Err(); err != nil {
		return nil, err
	}
	return p, nil
}

// parameterGroupFamily is "postgres<major>"; a token version is split by
// Terraform.
func parameterGroupFamily(version string) string {
	if validation.IsToken(version) {
		major := cdktf.Fn_Element(cdktf.Fn_Split(ptr.String("."), ptr.String(version)), ptr.Number(0))
		return "postgres" + *cdktf.Token_AsString(major, nil)
	}
	major, _, _ := strings.Cut(version, ".")
	return "postgres" + major
}

// Endpoint returns the DNS name clients connect to (the address
// attribute, a token), without the port.
func (p *Postgres) Endpoint() string { return *p.db.Address() }

// Port returns the port the instance listens on, PostgresPort.
func (p *Postgres) Port() int { return PostgresPort }

// Identifier returns the DB instance identifier (a token).
func (p *Postgres) Identifier() string { return *p.db.Identifier() }

// ARN returns the DB instance's ARN (a token).
func (p *Postgres) ARN() string { return *p.db.Arn() }

// ResourceID returns the instance's resource id, db-..., (a token), which
// rds-db:connect ARNs name.
func (p *Postgres) ResourceID() string { return *p.db.ResourceId() }

// DatabaseName returns the name of the database RDS created in the
// instance.
func (p *Postgres) DatabaseName() string { return p.databaseName }

// MasterUsername returns the master user's name.
func (p *Postgres) MasterUsername() string { return p.masterUsername }

// SecretARN returns the ARN of the Secrets Manager secret RDS keeps the
// master user's credentials in (master_user_secret[0].secret_arn, a
// token). Its value is a JSON object with the keys SecretKeyUsername and
// SecretKeyPassword. RDS rotates the password every seven days: read the
// secret when connecting, not once at start-up.
func (p *Postgres) SecretARN() string {
	return *p.db.MasterUserSecret().Get(ptr.Number(0)).SecretArn()
}

// SecretValueFrom returns "<secret ARN>:<key>::", the valueFrom of an ECS
// container secret that holds one key of the master user secret, such as
// SecretKeyPassword.
func (p *Postgres) SecretValueFrom(key string) string {
	return p.SecretARN() + ":" + key + "::"
}

// KMSKeyARN returns the key that encrypts storage, Performance Insights
// and the master user secret: the given KMSKeyARN or the instance's own
// key.
func (p *Postgres) KMSKeyARN() string { return p.kmsKeyARN }

// SecurityGroupID returns the instance's security group.
func (p *Postgres) SecurityGroupID() string { return p.securityGroup }

// Connections returns the instance's security group as a
// network.Connectable: client.Connections().AllowTo(db,
// database.PostgresPort, why) admits a client. The group admits nothing
// until then.
func (p *Postgres) Connections() *network.Connections { return p.connections }

// Key returns the instance's own KMS key, or nil when it uses a given
// KMSKeyARN, as an escape hatch.
func (p *Postgres) Key() kmskey.KmsKey { return p.key }

// ParameterGroup returns the aws_db_parameter_group as an escape hatch.
func (p *Postgres) ParameterGroup() dbparametergroup.DbParameterGroup { return p.parameterGroup }

// SubnetGroup returns the aws_db_subnet_group as an escape hatch.
func (p *Postgres) SubnetGroup() dbsubnetgroup.DbSubnetGroup { return p.subnetGroup }

// Resource returns the aws_db_instance resource as an escape hatch.
func (p *Postgres) Resource() dbinstance.DbInstance { return p.db }
