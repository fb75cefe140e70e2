package etljob_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/stacks/base"
	"github.com/hybridstack/hybridstack/stacks/base/etl"
	"github.com/hybridstack/hybridstack/stacks/base/etl/job"
	"github.com/hybridstack/hybridstack/stacks/etljob"
)

type resources map[string]map[string]map[string]any

func synth(t *testing.T, s base.Settings, opts etljob.Options) resources {
	t.Helper()
	app := cdktf.Testing_App(nil)
	t.Cleanup(func() { os.RemoveAll(*app.Outdir()) })
	st, err := etljob.Build(app, s, opts)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Resource resources `json:"resource"`
	}
	if err := json.Unmarshal([]byte(*cdktf.Testing_Synth(st.Stack, jsii.Bool(false))), &d); err != nil {
		t.Fatal(err)
	}
	return d.Resource
}

func only(t *testing.T, r resources, typ string) map[string]any {
	t.Helper()
	if len(r[typ]) != 1 {
		t.Fatalf("%d %s, want 1", len(r[typ]), typ)
	}
	for _, v := range r[typ] {
		return v
	}
	return nil
}

// TestJobWiring reads the stack as the job would meet it: its image from
// the stack's repository, its configuration, its secrets, its schedule, the
// prefixes it may write and the database it may reach.
func TestJobWiring(t *testing.T) {
	r := synth(t, base.Settings{}, etljob.Options{})
	td := only(t, r, "aws_ecs_task_definition")
	var defs []map[string]any
	if err := json.Unmarshal([]byte(td["container_definitions"].(string)), &defs); err != nil {
		t.Fatal(err)
	}
	c := defs[0]
	if !strings.HasSuffix(c["image"].(string), ":"+etl.ImageTag) || !strings.Contains(c["image"].(string), "aws_ecr_repository.") {
		t.Errorf("image = %v", c["image"])
	}
	env := map[string]string{}
	for _, e := range c["environment"].([]any) {
		m := e.(map[string]any)
		env[m["name"].(string)] = m["value"].(string)
	}
	if env[job.EnvVendorURL] != etl.DefaultETLVendorURL || env[job.EnvOutputPrefix] != job.DefaultOutputPrefix || !strings.Contains(env[job.EnvOutputBucket], "aws_s3_bucket.") {
		t.Errorf("environment = %v", env)
	}
	secrets := map[string]string{}
	for _, e := range c["secrets"].([]any) {
		m := e.(map[string]any)
		secrets[m["name"].(string)] = m["valueFrom"].(string)
	}
	if !strings.Contains(secrets[job.EnvVendorAPIKey], "aws_secretsmanager_secret.") {
		t.Errorf("secrets = %v", secrets)
	}
	// The database: the job's own user with IAM authentication, not the
	// master user's secret; the server verified (the job's default).
	if _, ok := secrets[job.EnvDatabasePassword]; ok || secrets[job.EnvDatabaseUser] != "" {
		t.Errorf("the task still reads database credentials from a secret: %v", secrets)
	}
	if env[job.EnvDatabaseUser] != etl.DatabaseUser || env[job.EnvDatabaseIAMAuth] != "true" || etl.DatabaseUser == "postgres" {
		t.Errorf("database user = %q, IAM auth = %q", env[job.EnvDatabaseUser], env[job.EnvDatabaseIAMAuth])
	}
	var connect []string
	for name, p := range r["aws_iam_role_policy"] {
		if strings.Contains(p["policy"].(string), "master_user_secret") {
			t.Errorf("%s reads the master user secret: %v", name, p["policy"])
		}
		if strings.Contains(p["policy"].(string), "rds-db:connect") {
			if !strings.Contains(p["role"].(string), "task-role") {
				t.Errorf("%s grants rds-db:connect to %v, not the task role", name, p["role"])
			}
			connect = append(connect, p["policy"].(string))
		}
	}
	if len(connect) != 1 || !strings.Contains(connect[0], ":dbuser:${aws_db_instance.") || !strings.Contains(connect[0], ".resource_id}/"+etl.DatabaseUser+`"`) {
		t.Errorf("rds-db:connect grants = %v; want one, on the job's dbuser", connect)
	}
	if !strings.Contains(etl.DatabaseGrantSQL, "GRANT rds_iam TO "+etl.DatabaseUser+";") || strings.Contains(etl.DatabaseGrantSQL, "PASSWORD") || strings.Contains(etl.DatabaseGrantSQL, "ALL") {
		t.Errorf("DatabaseGrantSQL = %s", etl.DatabaseGrantSQL)
	}
	s := only(t, r, "aws_scheduler_schedule")
	if s["schedule_expression"] != etl.Schedule || s["schedule_expression_timezone"] != "UTC" {
		t.Errorf("schedule = %v %v", s["schedule_expression"], s["schedule_expression_timezone"])
	}
	if !strings.Contains(s["target"].(map[string]any)["input"].(string), "SCHEDULED_TIME") {
		t.Error("the schedule does not pass SCHEDULED_TIME")
	}
	// The task role may touch the two prefixes and nothing else of the
	// bucket.
	var granted []string
	for _, p := range r["aws_iam_role_policy"] {
		if strings.Contains(p["role"].(string), "task-role") && strings.Contains(p["policy"].(string), "s3:PutObject") {
			granted = append(granted, p["policy"].(string))
		}
	}
	if len(granted) != 2 || !strings.Contains(strings.Join(granted, ""), "/prices/*") || !strings.Contains(strings.Join(granted, ""), "/prices-rejects/*") {
		t.Errorf("S3 grants on the task role = %v", granted)
	}
	// The database admits the job's tasks on 5432 and nothing else.
	db := only(t, r, "aws_db_instance")
	if db["publicly_accessible"] == true || db["storage_encrypted"] != true || db["manage_master_user_password"] != true || db["deletion_protection"] != true || db["iam_database_authentication_enabled"] != true {
		t.Errorf("database = %v", db)
	}
	var in []map[string]any
	for _, rule := range r["aws_vpc_security_group_ingress_rule"] {
		if strings.Contains(rule["security_group_id"].(string), "database") {
			in = append(in, rule)
		}
	}
	if len(in) != 1 || in[0]["from_port"] != float64(5432) || !strings.Contains(in[0]["referenced_security_group_id"].(string), "hourly") {
		t.Errorf("database ingress = %v", in)
	}
}

func TestOptions(t *testing.T) {
	image := "123456789012.dkr.ecr.eu-west-1.amazonaws.com/etl/job:7"
	r := synth(t, base.Settings{}, etljob.Options{NoDatabase: true, Settings: etl.Settings{ETLImage: image, ETLVendorURL: "https://prices.vendor.test"}})
	if len(r["aws_db_instance"]) != 0 {
		t.Error("NoDatabase still makes a database")
	}
	td := only(t, r, "aws_ecs_task_definition")
	if !strings.Contains(td["container_definitions"].(string), `"image":"`+image+`"`) || strings.Contains(td["container_definitions"].(string), "DATABASE_") {
		t.Errorf("container definitions = %v", td["container_definitions"])
	}
	// An image from elsewhere: the execution role pulls from no repository
	// of the stack.
	for _, p := range r["aws_iam_role_policy"] {
		if strings.Contains(p["policy"].(string), "ecr:BatchGetImage") {
			t.Errorf("pull grant without a repository image: %v", p["policy"])
		}
	}
}

// The job's settings come from the environment through New, and a bad one
// stops the stack with the variable named.
func TestSettingsFromEnvironment(t *testing.T) {
	s, err := base.FromEnvironment(func(k string) (string, bool) {
		if k == etl.EnvETLImage {
			return "etljob/job", true
		}
		return "", false
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := etljob.OptionsFrom(s).ETLImage; got != "etljob/job" {
		t.Errorf("OptionsFrom: ETLImage = %q", got)
	}
	app := cdktf.Testing_App(nil)
	t.Cleanup(func() { os.RemoveAll(*app.Outdir()) })
	_, err = etljob.New(app, s)
	if want := `stack "etljob": ETLImage (HYBRIDSTACK_ETL_IMAGE) "etljob/job" is not an image reference`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v; want %q", err, want)
	}
}
