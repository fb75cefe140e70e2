package database_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/database"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/lambdacode"
	"github.com/hybridstack/hybridstack/constructs/serverless"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// grantEnv is an instance and a Lambda handler in the same VPC.
func grantEnv(t *testing.T) (cdktf.TerraformStack, *database.Postgres, *serverless.Handler) {
	t.Helper()
	stack, vpc := newVPC(t, 2)
	db, err := database.NewPostgres(stack, "orders", database.PostgresProps{VPC: vpc})
	if err != nil {
		t.Fatal(err)
	}
	h, err := serverless.NewHandler(stack, "billing", serverless.HandlerProps{Code: lambdacode.FromS3("acme-artifacts", "billing.zip", ""), VPC: vpc})
	if err != nil {
		t.Fatal(err)
	}
	return stack, db, h
}

type statement struct {
	Sid       string
	Action    []string
	Resource  []string
	Condition map[string]map[string]string `json:",omitempty"`
}

// rolePolicy returns the statements of the handler's inline policy name.
func rolePolicy(t *testing.T, doc tftest.Doc, name string) []statement {
	t.Helper()
	p := doc.One(t, "aws_iam_role_policy", "policy-"+name)
	if p["name"] != name {
		t.Errorf("policy name = %v, want %s", p["name"], name)
	}
	var d struct{ Statement []statement }
	if err := json.Unmarshal([]byte(p["policy"].(string)), &d); err != nil {
		t.Fatal(err)
	}
	return d.Statement
}

func TestGrants(t *testing.T) {
	stack, db, h := grantEnv(t)
	if _, err := h.Connections().AllowTo(db, database.PostgresPort, "Billing reads orders"); err != nil {
		t.Fatal(err)
	}
	if err := db.GrantSecretRead(h); err != nil {
		t.Fatal(err)
	}
	if err := db.GrantConnect(h, "billing"); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	inst := doc.Address(t, "aws_db_instance", "orders")
	key := ref(doc, t, "aws_kms_key", "orders", "arn")
	region := "${data.aws_region.awsenv-region.name}"

	t.Run("secret read", func(t *testing.T) {
		got := rolePolicy(t, doc, "db-secret-orders")
		want := []statement{
			{Sid: "ReadSecret", Action: []string{"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"}, Resource: []string{"${" + inst + ".master_user_secret[0].secret_arn}"}},
			{Sid: "DecryptSecret", Action: []string{"kms:Decrypt"}, Resource: []string{key},
				Condition: map[string]map[string]string{"StringEquals": {"kms:ViaService": "secretsmanager." + region + ".amazonaws.com"}}},
		}
		if !equalStatements(got, want) {
			t.Errorf("statements =\n%+v\nwant\n%+v", got, want)
		}
	})

	t.Run("IAM database authentication", func(t *testing.T) {
		got := rolePolicy(t, doc, "db-connect-orders")
		arn := "arn:${data.aws_partition.awsenv-partition.partition}:rds-db:" + region + ":${data.aws_caller_identity.awsenv-account.account_id}:dbuser:${" + inst + ".resource_id}/billing"
		want := []statement{{Sid: "Connect", Action: []string{"rds-db:connect"}, Resource: []string{arn}}}
		if !equalStatements(got, want) {
			t.Errorf("statements =\n%+v\nwant\n%+v", got, want)
		}
		if db.DBUserARN("billing") == "" {
			t.Error("DBUserARN is empty")
		}
	})

	t.Run("network path", func(t *testing.T) {
		in := doc.One(t, "aws_vpc_security_group_ingress_rule", "orders-from-billing-5432")
		if in["security_group_id"] != ref(doc, t, "aws_security_group", "orders", "id") || in["from_port"] != float64(5432) ||
			in["referenced_security_group_id"] != ref(doc, t, "aws_security_group", "billing", "id") {
			t.Errorf("ingress = %v", in)
		}
	})

	t.Run("policy rules pass", func(t *testing.T) { policyClean(t, stack) })
}

func equalStatements(a, b []statement) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func TestGrantConnectValidation(t *testing.T) {
	tests := []struct {
		user string
		want string
	}{
		{"", `database "test/orders": GrantConnect.DBUser is empty; name the database user the grantee logs in as`},
		{"*", `GrantConnect.DBUser "*" is a wildcard; name one database user, so the grantee cannot log in as any other (the master user included)`},
		{"bill*", `GrantConnect.DBUser "bill*" is a wildcard`},
		{"billing/eu", `GrantConnect.DBUser "billing/eu" is not a PostgreSQL user name (1-63 letters, digits, '_' and '$', not starting with a digit or '$')`},
		{"1billing", `GrantConnect.DBUser "1billing" is not a PostgreSQL user name`},
		{strings.Repeat("b", 64), `is not a PostgreSQL user name`},
		{"DBAdmin", `GrantConnect.DBUser "DBAdmin" is the master user; create a user for the application (granting the master user rds_iam would end its password login)`},
		{"rdsadmin", `GrantConnect.DBUser "rdsadmin" is reserved by PostgreSQL (pg_*) or RDS (rds*)`},
		{"pg_monitor", `GrantConnect.DBUser "pg_monitor" is reserved`},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			stack, db, h := grantEnv(t)
			err := db.GrantConnect(h, tt.user)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, validate.ErrInvalid) {
				t.Fatalf("error %v does not contain %q", err, tt.want)
			}
			for name := range tftest.Synth(t, stack).Resources("aws_iam_role_policy") {
				if strings.Contains(name, "db-") {
					t.Errorf("a rejected grant created %s", name)
				}
			}
		})
	}
	t.Run("nil grantee", func(t *testing.T) {
		_, db, _ := grantEnv(t)
		if err := db.GrantConnect(nil, "billing"); err == nil || !strings.Contains(err.Error(), "GrantConnect.Grantee is nil") {
			t.Errorf("error = %v", err)
		}
		if err := db.GrantSecretRead(nil); err == nil || !strings.Contains(err.Error(), "GrantSecretRead.Grantee is nil") || !errors.Is(err, validate.ErrInvalid) {
			t.Errorf("error = %v", err)
		}
	})
	t.Run("token user", func(t *testing.T) {
		stack, db, h := grantEnv(t)
		user := *cdktf.NewTerraformVariable(stack, ptr.String("user"), &cdktf.TerraformVariableConfig{Type: ptr.String("string")}).StringValue()
		if err := db.GrantConnect(h, user); err != nil {
			t.Fatal(err)
		}
		if p := tftest.Synth(t, stack).One(t, "aws_iam_role_policy", "db-connect")["policy"].(string); !strings.Contains(p, "/${var.user}") {
			t.Errorf("policy = %s", p)
		}
	})
}
