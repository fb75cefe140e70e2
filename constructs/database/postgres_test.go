package database_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/database"
	"github.com/hybridstack/hybridstack/constructs/internal/loggroup"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/nag"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

const keyARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

// newVPC returns a stack with a new VPC over azs zones.
func newVPC(t testing.TB, azs int) (cdktf.TerraformStack, *network.VPC) {
	t.Helper()
	stack := tftest.NewStack(t)
	vpc, err := network.NewVPC(stack, "net", network.VPCProps{AZCount: azs})
	if err != nil {
		t.Fatal(err)
	}
	return stack, vpc
}

// importedVPC returns a stack with an imported VPC of n private subnets.
func importedVPC(t testing.TB, n int) (cdktf.TerraformStack, *network.VPC) {
	t.Helper()
	stack := tftest.NewStack(t)
	var subnets []string
	for i := range n {
		subnets = append(subnets, fmt.Sprintf("subnet-%017x", i+1))
	}
	vpc, err := network.ImportVPC(stack, "net", network.ImportVPCProps{VPCID: "vpc-0123456789abcdef0", CIDR: "10.0.0.0/16", PrivateSubnetIDs: subnets})
	if err != nil {
		t.Fatal(err)
	}
	return stack, vpc
}

func ref(doc tftest.Doc, t *testing.T, typ, part, attr string) string {
	t.Helper()
	return "${" + doc.Address(t, typ, part) + "." + attr + "}"
}

// checkAttrs fails for every attribute of r that differs from want.
func checkAttrs(t *testing.T, what string, r map[string]any, want map[string]any) {
	t.Helper()
	for _, k := range ptr.SortedKeys(want) {
		if got := r[k]; !reflect.DeepEqual(got, want[k]) {
			t.Errorf("%s %s = %#v, want %#v", what, k, got, want[k])
		}
	}
}

// policyClean fails for every unsuppressed policy finding in the stack.
func policyClean(t *testing.T, stack cdktf.TerraformStack) {
	t.Helper()
	full, _ := json.Marshal(stack.ToTerraform())
	findings := tftest.Check(t, full)
	for _, f := range findings {
		if !f.Suppressed {
			t.Errorf("finding %s on %s: %s", f.RuleID, f.Address, f.Message)
		}
	}
}

func TestPostgresSecureDefaults(t *testing.T) {
	stack, vpc := newVPC(t, 3)
	db, err := database.NewPostgres(stack, "orders", database.PostgresProps{VPC: vpc, Tags: map[string]string{"team": "payments"}})
	if err != nil {
		t.Fatal(err)
	}
	if db.Key() == nil || db.Resource() == nil || db.ParameterGroup() == nil || db.SubnetGroup() == nil || db.SecurityGroupID() == "" ||
		db.DatabaseName() != "orders" || db.MasterUsername() != "dbadmin" || db.Port() != database.PostgresPort {
		t.Errorf("accessors: key %v, database %q, user %q, port %d", db.Key() != nil, db.DatabaseName(), db.MasterUsername(), db.Port())
	}
	for name, v := range map[string]string{
		"endpoint": db.Endpoint(), "identifier": db.Identifier(), "arn": db.ARN(), "resource-id": db.ResourceID(),
		"secret-arn": db.SecretARN(), "secret-value-from": db.SecretValueFrom(database.SecretKeyPassword), "kms-key-arn": db.KMSKeyARN(),
	} {
		cdktf.NewTerraformOutput(stack, ptr.String(name), &cdktf.TerraformOutputConfig{Value: v})
	}
	doc := tftest.Synth(t, stack)
	key := ref(doc, t, "aws_kms_key", "orders", "arn")
	inst := doc.One(t, "aws_db_instance", "orders")

	t.Run("instance", func(t *testing.T) {
		checkAttrs(t, "instance", inst, map[string]any{
			"identifier":     "test-orders",
			"engine":         "postgres",
			"engine_version": database.DefaultEngineVersion,
			"instance_class": "db.m7g.large",
			"db_name":        "orders",
			"username":       "dbadmin",
			"port":           float64(5432),
			"password":       nil,
			// Network: private, its own group, two zones.
			"publicly_accessible":    false,
			"multi_az":               true,
			"db_subnet_group_name":   ref(doc, t, "aws_db_subnet_group", "orders", "name"),
			"vpc_security_group_ids": []any{ref(doc, t, "aws_security_group", "orders", "id")},
			// Storage: gp3, encrypted with the instance's key, autoscaling.
			"storage_type":          "gp3",
			"allocated_storage":     float64(20),
			"max_allocated_storage": float64(100),
			"storage_encrypted":     true,
			"kms_key_id":            key,
			// Credentials: managed by RDS in Secrets Manager, IAM auth.
			"manage_master_user_password":         true,
			"master_user_secret_kms_key_id":       key,
			"iam_database_authentication_enabled": true,
			"ca_cert_identifier":                  "rds-ca-rsa2048-g1",
			// Engine and maintenance.
			"parameter_group_name":       ref(doc, t, "aws_db_parameter_group", "orders", "name"),
			"auto_minor_version_upgrade": true,
			"backup_retention_period":    float64(7),
			"backup_window":              "03:00-04:00",
			"maintenance_window":         "sun:04:30-sun:05:30",
			"copy_tags_to_snapshot":      true,
			// Monitoring.
			"performance_insights_enabled":          true,
			"performance_insights_kms_key_id":       key,
			"performance_insights_retention_period": float64(7),
			"enabled_cloudwatch_logs_exports":       []any{"postgresql", "upgrade"},
			// Protection.
			"deletion_protection":       true,
			"skip_final_snapshot":       false,
			"final_snapshot_identifier": "test-orders-final",
			"delete_automated_backups":  false,
			"lifecycle":                 map[string]any{"prevent_destroy": true},
		})
		want := []string{doc.Address(t, "aws_cloudwatch_log_group", "orders_log-postgresql"), doc.Address(t, "aws_cloudwatch_log_group", "orders_log-upgrade")}
		if got := tftest.Strings(inst["depends_on"]); !reflect.DeepEqual(got, want) {
			t.Errorf("depends_on = %v, want the log groups %v", got, want)
		}
	})

	t.Run("log groups made first, with retention", func(t *testing.T) {
		for _, l := range []string{"postgresql", "upgrade"} {
			checkAttrs(t, l+" log group", doc.One(t, "aws_cloudwatch_log_group", "orders_log-"+l), map[string]any{
				"name":              "/aws/rds/instance/test-orders/" + l,
				"retention_in_days": float64(90),
				"lifecycle":         map[string]any{"prevent_destroy": true},
			})
		}
	})

	t.Run("subnet group of the private subnets", func(t *testing.T) {
		sg := doc.One(t, "aws_db_subnet_group", "orders")
		var want []any
		for i := range 3 {
			want = append(want, ref(doc, t, "aws_subnet", fmt.Sprintf("private-subnet-%d", i), "id"))
		}
		checkAttrs(t, "subnet group", sg, map[string]any{"name": "test-orders", "subnet_ids": want})
	})

	t.Run("parameter group forces TLS and logs slow statements", func(t *testing.T) {
		pg := doc.One(t, "aws_db_parameter_group", "orders")
		checkAttrs(t, "parameter group", pg, map[string]any{
			"family":      "postgres17",
			"name_prefix": "test-orders-postgres17-",
			"lifecycle":   map[string]any{"create_before_destroy": true},
			"parameter": []any{
				map[string]any{"name": "rds.force_ssl", "value": "1"},
				map[string]any{"name": "log_min_duration_statement", "value": "1000"},
			},
		})
	})

	t.Run("security group admits nothing", func(t *testing.T) {
		group := doc.One(t, "aws_security_group", "orders")
		if group["ingress"] != nil || group["egress"] != nil || group["name_prefix"] != "test-orders-" ||
			!strings.HasPrefix(group["description"].(string), "RDS PostgreSQL test-orders") {
			t.Errorf("security group = %v", group)
		}
		if n := len(doc.Resources("aws_vpc_security_group_ingress_rule")) + len(doc.Resources("aws_vpc_security_group_egress_rule")); n != 0 {
			t.Errorf("%d security group rules before any Connections call, want 0", n)
		}
	})

	t.Run("key rotates and is protected", func(t *testing.T) {
		k := doc.One(t, "aws_kms_key", "orders")
		checkAttrs(t, "key", k, map[string]any{
			"enable_key_rotation":     true,
			"deletion_window_in_days": float64(30),
			"lifecycle":               map[string]any{"prevent_destroy": true},
		})
		if a := doc.One(t, "aws_kms_alias", "orders"); a["name"] != "alias/rds/test-orders" {
			t.Errorf("alias = %v", a)
		}
	})

	t.Run("tags", func(t *testing.T) {
		for _, typ := range []string{"aws_db_instance", "aws_db_subnet_group", "aws_db_parameter_group", "aws_kms_key", "aws_cloudwatch_log_group", "aws_security_group"} {
			checked := 0
			for name, r := range doc.Resources(typ) {
				if !strings.HasPrefix(name, "orders") {
					continue
				}
				checked++
				if tags, _ := r["tags"].(map[string]any); tags["team"] != "payments" {
					t.Errorf("%s.%s tags = %v", typ, name, tags)
				}
			}
			if checked == 0 {
				t.Errorf("no %s of orders to check the tags of", typ)
			}
		}
	})

	t.Run("attributes", func(t *testing.T) {
		inst := doc.Address(t, "aws_db_instance", "orders")
		outputs, _ := doc["output"].(map[string]any)
		for name, want := range map[string]string{
			"endpoint":          "${" + inst + ".address}",
			"identifier":        "${" + inst + ".identifier}",
			"arn":               "${" + inst + ".arn}",
			"resource-id":       "${" + inst + ".resource_id}",
			"secret-arn":        "${" + inst + ".master_user_secret[0].secret_arn}",
			"secret-value-from": "${" + inst + ".master_user_secret[0].secret_arn}:password::",
			"kms-key-arn":       key,
		} {
			if got := tftest.Block(outputs, name)["value"]; got != want {
				t.Errorf("output %s = %v, want %s", name, got, want)
			}
		}
	})

	t.Run("policy rules pass", func(t *testing.T) { policyClean(t, stack) })
}

// Disposable drops every protection; a given key replaces the instance's
// own.
func TestPostgresDisposableWithGivenKey(t *testing.T) {
	stack, vpc := importedVPC(t, 2)
	nag.DeclareDisposable(stack)
	db, err := database.NewPostgres(stack, "scratch", database.PostgresProps{VPC: vpc, KMSKeyARN: keyARN, Disposable: true, DisableBackups: true,
		SingleAZ: true, EngineVersion: "16", InstanceClass: "db.t4g.medium", LogRetentionDays: 7})
	if err != nil {
		t.Fatal(err)
	}
	if db.Key() != nil || db.KMSKeyARN() != keyARN {
		t.Errorf("Key = %v, KMSKeyARN = %q", db.Key(), db.KMSKeyARN())
	}
	doc := tftest.Synth(t, stack)
	// The only key is the stack's shared logs key (its log groups').
	if keys, aliases := doc.Resources("aws_kms_key"), doc.Resources("aws_kms_alias"); len(keys) != 1 || keys[loggroup.KeyID] == nil || len(aliases) != 1 {
		t.Errorf("an instance given a key made key resources: %v %v", ptr.SortedKeys(keys), ptr.SortedKeys(aliases))
	}
	checkAttrs(t, "instance", doc.One(t, "aws_db_instance", "scratch"), map[string]any{
		"lifecycle":                       nil,
		"deletion_protection":             false,
		"skip_final_snapshot":             true,
		"final_snapshot_identifier":       nil,
		"delete_automated_backups":        true,
		"backup_retention_period":         float64(0),
		"multi_az":                        false,
		"engine_version":                  "16",
		"instance_class":                  "db.t4g.medium",
		"kms_key_id":                      keyARN,
		"master_user_secret_kms_key_id":   keyARN,
		"performance_insights_kms_key_id": keyARN,
	})
	if pg := doc.One(t, "aws_db_parameter_group", "scratch"); pg["family"] != "postgres16" {
		t.Errorf("parameter group family = %v", pg["family"])
	}
	rdsGroups := 0
	for _, lg := range doc.Resources("aws_cloudwatch_log_group") {
		if !strings.HasPrefix(lg["name"].(string), "/aws/rds/") {
			continue
		}
		rdsGroups++
		if lg["lifecycle"] != nil || lg["retention_in_days"] != float64(7) {
			t.Errorf("disposable log group = %v", lg)
		}
	}
	if rdsGroups == 0 {
		t.Error("no /aws/rds/ log group to check")
	}
	policyClean(t, stack)
}

// Names come from the construct path unless given; storage, windows and
// versions follow the props.
func TestPostgresOptions(t *testing.T) {
	tests := []struct {
		name  string
		id    string
		scope string
		props database.PostgresProps
		want  map[string]any
		warn  string
	}{
		{name: "nested path", id: "Orders_DB", scope: "Team.A",
			want: map[string]any{"identifier": "test-team-a-orders-db", "db_name": "orders_db", "final_snapshot_identifier": "test-team-a-orders-db-final"}},
		{name: "id that is a reserved word", id: "user", want: map[string]any{"identifier": "test-user", "db_name": "user_db"}},
		// Under a parent: a Terraform resource name must start with a letter
		// or underscore, which a construct id at the top of a stack gives.
		{name: "id that starts with a digit", scope: "auth", id: "2fa", want: map[string]any{"db_name": "db_2fa"}},
		{name: "long path", id: strings.Repeat("orders", 12),
			want: map[string]any{"identifier": "test-" + strings.Repeat("orders", 12)[:49] + "-b3c3b046"}},
		{name: "given names", id: "orders",
			props: database.PostgresProps{Name: "orders-eu", DatabaseName: "Orders", MasterUsername: "owner"},
			want:  map[string]any{"identifier": "orders-eu", "db_name": "Orders", "username": "owner", "final_snapshot_identifier": "orders-eu-final"}},
		{name: "larger storage doubles the ceiling", id: "orders", props: database.PostgresProps{AllocatedStorageGiB: 500},
			want: map[string]any{"allocated_storage": float64(500), "max_allocated_storage": float64(1000)}},
		{name: "given ceiling", id: "orders", props: database.PostgresProps{AllocatedStorageGiB: 100, MaxAllocatedStorageGiB: 110},
			want: map[string]any{"max_allocated_storage": float64(110)}},
		{name: "no autoscaling", id: "orders", props: database.PostgresProps{DisableStorageAutoscaling: true},
			want: map[string]any{"max_allocated_storage": nil}},
		{name: "largest storage leaves no room to scale", id: "orders", props: database.PostgresProps{AllocatedStorageGiB: 65536},
			want: map[string]any{"max_allocated_storage": nil}},
		{name: "windows across midnight, any case", id: "orders",
			props: database.PostgresProps{BackupWindow: "23:30-00:15", MaintenanceWindow: "Sat:22:00-Sat:23:00", BackupRetentionDays: 35},
			want:  map[string]any{"backup_window": "23:30-00:15", "maintenance_window": "sat:22:00-sat:23:00", "backup_retention_period": float64(35)}},
		{name: "version 18", id: "orders", props: database.PostgresProps{EngineVersion: "18"}, want: map[string]any{"engine_version": "18"}},
		{name: "pinned minor version warns", id: "orders", props: database.PostgresProps{EngineVersion: "17.7"},
			want: map[string]any{"engine_version": "17.7"},
			warn: `test/orders: EngineVersion "17.7" pins minor version 7 while automatic minor version upgrades are on`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stack, vpc := importedVPC(t, 2)
			var scope constructs.Construct = stack
			if tt.scope != "" {
				scope = constructs.NewConstruct(stack, ptr.String(tt.scope))
			}
			props := tt.props
			props.VPC = vpc
			if _, err := database.NewPostgres(scope, tt.id, props); err != nil {
				t.Fatal(err)
			}
			doc := tftest.Synth(t, stack)
			var inst map[string]any
			for _, r := range doc.Resources("aws_db_instance") {
				inst = r
			}
			checkAttrs(t, "instance", inst, tt.want)
			warnings := strings.Join(tftest.Warnings(stack), "\n")
			if (tt.warn == "") != (warnings == "") || !strings.Contains(warnings, tt.warn) {
				t.Errorf("warnings = %q, want %q", warnings, tt.warn)
			}
			policyClean(t, stack)
		})
	}
}

func TestPostgresValidation(t *testing.T) {
	tests := []struct {
		name  string
		props database.PostgresProps
		want  string
	}{
		{"uppercase name", database.PostgresProps{Name: "Orders"},
			`database "test/db": Name "Orders" does not start with a lowercase letter (1-63 lowercase letters, digits and hyphens, starting with a letter, without a trailing hyphen or "--")`},
		{"name with underscore", database.PostgresProps{Name: "orders_eu"}, `Name "orders_eu" contains '_'`},
		{"name with double hyphen", database.PostgresProps{Name: "orders--eu"}, `Name "orders--eu" contains "--"`},
		{"name with trailing hyphen", database.PostgresProps{Name: "orders-"}, `Name "orders-" ends with a hyphen`},
		{"long name", database.PostgresProps{Name: "o" + strings.Repeat("x", 63)}, `has 64 characters`},
		{"old major version", database.PostgresProps{EngineVersion: "14"},
			`EngineVersion "14" is not a PostgreSQL version NewPostgres creates; give a major version of [15 16 17 18] (RDS picks its minor version) or a "major.minor" such as "17.7"`},
		{"patch version", database.PostgresProps{EngineVersion: "17.7.1"}, `EngineVersion "17.7.1" is not a PostgreSQL version`},
		{"not a class", database.PostgresProps{InstanceClass: "m7g.large"},
			`InstanceClass "m7g.large" is not a DB instance class; use db.<family>.<size> such as db.m7g.large`},
		{"Aurora serverless", database.PostgresProps{InstanceClass: "db.serverless"}, `InstanceClass "db.serverless" is not a DB instance class`},
		{"class without Performance Insights", database.PostgresProps{InstanceClass: "db.t4g.micro"},
			`InstanceClass "db.t4g.micro" does not support Performance Insights, which NewPostgres always turns on; use db.t4g.medium or larger`},
		{"storage too small", database.PostgresProps{AllocatedStorageGiB: 10},
			`AllocatedStorageGiB 10 is outside 20-65536 GiB, the gp3 storage RDS for PostgreSQL allows`},
		{"ceiling too close", database.PostgresProps{AllocatedStorageGiB: 100, MaxAllocatedStorageGiB: 105},
			`MaxAllocatedStorageGiB 105 is less than 110 GiB; RDS requires the autoscaling ceiling to be at least 10% more than AllocatedStorageGiB 100`},
		{"ceiling below the default storage", database.PostgresProps{MaxAllocatedStorageGiB: 20}, `MaxAllocatedStorageGiB 20 is less than 22 GiB`},
		{"ceiling and no autoscaling", database.PostgresProps{MaxAllocatedStorageGiB: 200, DisableStorageAutoscaling: true},
			`MaxAllocatedStorageGiB 200 is set together with DisableStorageAutoscaling; choose one`},
		{"ceiling too large", database.PostgresProps{MaxAllocatedStorageGiB: 70000}, `MaxAllocatedStorageGiB 70000 is outside 0-65536 GiB`},
		{"database name with hyphen", database.PostgresProps{DatabaseName: "orders-eu"},
			`DatabaseName "orders-eu" is not a database name RDS accepts (1-63 letters, digits and underscores, starting with a letter)`},
		{"database name reserved", database.PostgresProps{DatabaseName: "Select"}, `DatabaseName "Select" is a PostgreSQL reserved word; choose another name`},
		{"database name exists", database.PostgresProps{DatabaseName: "postgres"},
			`DatabaseName "postgres" always exists in an RDS for PostgreSQL instance (postgres, rdsadmin, template0, template1); name the application's database`},
		{"long user", database.PostgresProps{MasterUsername: "a" + strings.Repeat("b", 16)},
			`MasterUsername "abbbbbbbbbbbbbbbb" is not a master user name RDS accepts (1-16 letters, digits and underscores, starting with a letter)`},
		{"user admin", database.PostgresProps{MasterUsername: "admin"},
			`MasterUsername "admin" is reserved by RDS or PostgreSQL (admin, postgres, public, rdsadmin, rdsproxyadmin, rdsrepladmin, rdstopmgr, and names starting with pg_ or rds_); choose another such as "dbadmin"`},
		{"user rdsadmin", database.PostgresProps{MasterUsername: "RDSAdmin"}, `MasterUsername "RDSAdmin" is reserved by RDS or PostgreSQL`},
		{"user pg_", database.PostgresProps{MasterUsername: "pg_owner"}, `MasterUsername "pg_owner" is reserved by RDS or PostgreSQL`},
		{"user keyword", database.PostgresProps{MasterUsername: "user"}, `MasterUsername "user" is a PostgreSQL reserved word; choose another name such as "dbadmin"`},
		{"user postgres", database.PostgresProps{MasterUsername: "postgres"},
			`MasterUsername "postgres" is the engine's well-known default superuser, the first name password guessing tries (Security Hub RDS.25); choose another such as "dbadmin"`},
		{"key alias", database.PostgresProps{KMSKeyARN: "alias/rds"},
			`KMSKeyARN "alias/rds" is not a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>); RDS needs the key's ARN, not an alias`},
		{"backups off without Disposable", database.PostgresProps{DisableBackups: true},
			`DisableBackups is set without Disposable; a database that is not disposable keeps automated backups (BackupRetentionDays 1-35)`},
		{"backups off with a retention", database.PostgresProps{DisableBackups: true, Disposable: true, BackupRetentionDays: 3},
			`BackupRetentionDays 3 is set together with DisableBackups; choose one`},
		{"retention too long", database.PostgresProps{BackupRetentionDays: 36},
			`BackupRetentionDays 36 is outside 1-35 days, the automated backup retention RDS allows (DisableBackups, with Disposable, turns backups off)`},
		{"negative retention", database.PostgresProps{BackupRetentionDays: -1}, `BackupRetentionDays -1 is outside 1-35 days`},
		{"bad backup window", database.PostgresProps{BackupWindow: "3:00-4:00"},
			`BackupWindow "3:00-4:00" is not a daily UTC window "hh24:mi-hh24:mi" such as "03:00-04:00"`},
		{"short backup window", database.PostgresProps{BackupWindow: "01:00-01:20"}, `BackupWindow "01:00-01:20" is 20 minutes; RDS requires at least 30`},
		{"bad maintenance window", database.PostgresProps{MaintenanceWindow: "sunday:04:00-sunday:05:00"},
			`MaintenanceWindow "sunday:04:00-sunday:05:00" is not a weekly UTC window "ddd:hh24:mi-ddd:hh24:mi" (days mon-sun) such as "sun:04:30-sun:05:30"`},
		{"short maintenance window", database.PostgresProps{MaintenanceWindow: "mon:01:00-mon:01:00"}, `MaintenanceWindow "mon:01:00-mon:01:00" is 0 minutes; RDS requires at least 30`},
		{"long maintenance window", database.PostgresProps{MaintenanceWindow: "mon:01:00-tue:02:00"},
			`MaintenanceWindow "mon:01:00-tue:02:00" is 25 hours 0 minutes; keep it within 24 hours`},
		{"overlapping windows", database.PostgresProps{BackupWindow: "04:00-05:00"},
			`MaintenanceWindow "sun:04:30-sun:05:30" overlaps or touches the daily BackupWindow "04:00-05:00"; RDS requires them apart`},
		{"touching windows", database.PostgresProps{BackupWindow: "02:00-03:00", MaintenanceWindow: "wed:03:00-wed:04:00"},
			`MaintenanceWindow "wed:03:00-wed:04:00" overlaps or touches the daily BackupWindow "02:00-03:00"`},
		{"overlap across midnight", database.PostgresProps{BackupWindow: "23:30-00:30", MaintenanceWindow: "mon:00:00-mon:01:00"},
			`MaintenanceWindow "mon:00:00-mon:01:00" overlaps or touches the daily BackupWindow "23:30-00:30"`},
		{"overlap across the week", database.PostgresProps{BackupWindow: "00:15-01:00", MaintenanceWindow: "sun:23:00-mon:00:30"},
			`MaintenanceWindow "sun:23:00-mon:00:30" overlaps or touches the daily BackupWindow "00:15-01:00"`},
		{"bad log retention", database.PostgresProps{LogRetentionDays: 45},
			`LogRetentionDays 45 is not a CloudWatch Logs retention; use one of [1 3 5 7 14 30 60 90`},
		{"aws tag", database.PostgresProps{Tags: map[string]string{"AWS:team": "x"}}, `Tags key "AWS:team" uses the reserved aws: prefix`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stack, vpc := importedVPC(t, 2)
			props := tt.props
			props.VPC = vpc
			db, err := database.NewPostgres(stack, "db", props)
			if db != nil || err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v does not contain %q", err, tt.want)
			}
			if !errors.Is(err, validate.ErrInvalid) {
				t.Errorf("error does not wrap validate.ErrInvalid: %v", err)
			}
			if n := len(validate.Fields(err)); n != 1 {
				t.Errorf("%d problems, want 1: %v", n, err)
			}
		})
	}

	t.Run("VPC", func(t *testing.T) {
		stack, vpc := importedVPC(t, 1)
		_, err := database.NewPostgres(stack, "db", database.PostgresProps{VPC: vpc})
		want := `database "test/db": VPC "vpc-0123456789abcdef0" has 1 private subnet(s); an RDS subnet group needs subnets in at least two Availability Zones`
		if err == nil || err.Error() != want {
			t.Errorf("error = %v, want %s", err, want)
		}
		_, err = database.NewPostgres(stack, "db", database.PostgresProps{})
		if want := `database "test/db": VPC is nil; give the network.VPC whose private subnets the instance runs in`; err == nil || err.Error() != want {
			t.Errorf("error = %v, want %s", err, want)
		}
	})

	t.Run("every problem at once, nothing created", func(t *testing.T) {
		stack, vpc := importedVPC(t, 2)
		_, err := database.NewPostgres(stack, "db", database.PostgresProps{Name: "DB", VPC: vpc, EngineVersion: "9.6", InstanceClass: "t3.micro",
			AllocatedStorageGiB: 5, MaxAllocatedStorageGiB: -1, DatabaseName: "1db", MasterUsername: "admin", KMSKeyARN: "key",
			DisableBackups: true, BackupWindow: "x", MaintenanceWindow: "y", LogRetentionDays: 2})
		var fields []string
		for _, fe := range validate.Fields(err) {
			fields = append(fields, fe.Field)
		}
		want := []string{"Name", "EngineVersion", "InstanceClass", "AllocatedStorageGiB", "MaxAllocatedStorageGiB", "DatabaseName", "MasterUsername",
			"KMSKeyARN", "DisableBackups", "BackupWindow", "MaintenanceWindow", "LogRetentionDays"}
		if !reflect.DeepEqual(fields, want) {
			t.Errorf("fields = %v, want %v\n%v", fields, want, err)
		}
		if stack.Node().TryFindChild(ptr.String("db")) != nil {
			t.Error("invalid props created the construct")
		}
	})

	t.Run("tokens are not checked", func(t *testing.T) {
		stack, vpc := importedVPC(t, 2)
		v := func(id string) string {
			return *cdktf.NewTerraformVariable(stack, ptr.String(id), &cdktf.TerraformVariableConfig{Type: ptr.String("string")}).StringValue()
		}
		_, err := database.NewPostgres(stack, "db", database.PostgresProps{VPC: vpc, Name: v("name"), EngineVersion: v("version"),
			InstanceClass: v("class"), DatabaseName: v("database"), MasterUsername: v("user"), KMSKeyARN: v("key"),
			BackupWindow: v("backup"), MaintenanceWindow: v("maintenance")})
		if err != nil {
			t.Fatalf("tokens were rejected: %v", err)
		}
		doc := tftest.Synth(t, stack)
		inst := doc.One(t, "aws_db_instance", "db")
		checkAttrs(t, "instance", inst, map[string]any{
			"identifier":                "${var.name}",
			"final_snapshot_identifier": "${var.name}-final",
			"engine_version":            "${var.version}",
		})
		pg := doc.One(t, "aws_db_parameter_group", "db")
		checkAttrs(t, "parameter group", pg, map[string]any{
			"family":      `postgres${element(split(".", var.version), 0)}`,
			"name_prefix": `test-db-postgres${element(split(".", var.version), 0)}-`,
		})
		if sg := doc.One(t, "aws_db_subnet_group", "db"); sg["name"] != "test-db" {
			t.Errorf("subnet group name = %v", sg["name"])
		}
		if lg := doc.One(t, "aws_cloudwatch_log_group", "db_log-postgresql"); lg["name"] != "/aws/rds/instance/${var.name}/postgresql" {
			t.Errorf("log group name = %v", lg["name"])
		}
	})

	t.Run("nil scope", func(t *testing.T) {
		if _, err := database.NewPostgres(nil, "db", database.PostgresProps{}); err == nil || !strings.Contains(err.Error(), "scope is nil") {
			t.Errorf("error = %v", err)
		}
	})
}
