package database_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/database"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/lambdacode"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/serverless"
)

// An instance with the defaults: PostgreSQL 17 on a db.m7g.large in two
// Availability Zones, 20 GiB of gp3 storage growing up to 100 GiB,
// encrypted with a new KMS key, the master password managed by RDS in
// Secrets Manager, TLS required, seven days of backups, logs kept 90 days,
// and protected from destroy.
func ExampleNewPostgres() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.NewVPC(stack, "network", network.VPCProps{AZCount: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	orders, err := database.NewPostgres(stack, "orders", database.PostgresProps{VPC: vpc})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("database", orders.DatabaseName(), "user", orders.MasterUsername(), "own key:", orders.Key() != nil)
	for _, line := range tftest.Collect(stack, "aws_db_instance", func(a map[string]any) string {
		return fmt.Sprintf("%s postgres %s on %s, multi-AZ %v, %v-%v GiB %s, deletion protection %v, final snapshot %s",
			a["identifier"], a["engine_version"], a["instance_class"], a["multi_az"], a["allocated_storage"], a["max_allocated_storage"],
			a["storage_type"], a["deletion_protection"], a["final_snapshot_identifier"])
	}) {
		fmt.Println(line)
	}
	for _, line := range tftest.Collect(stack, "aws_cloudwatch_log_group", func(a map[string]any) string {
		return fmt.Sprintf("%s kept %v days", a["name"], a["retention_in_days"])
	}) {
		if strings.HasPrefix(line, "/aws/rds/") {
			fmt.Println(line)
		}
	}

	_, err = database.NewPostgres(stack, "typo", database.PostgresProps{VPC: vpc, MasterUsername: "admin", BackupWindow: "05:00-06:00"})
	fmt.Println(err)
	// Output:
	// database orders user dbadmin own key: true
	// example-orders postgres 17 on db.m7g.large, multi-AZ true, 20-100 GiB gp3, deletion protection true, final snapshot example-orders-final
	// /aws/rds/instance/example-orders/postgresql kept 90 days
	// /aws/rds/instance/example-orders/upgrade kept 90 days
	// database "example/typo": MasterUsername "admin" is reserved by RDS or PostgreSQL (admin, postgres, public, rdsadmin, rdsproxyadmin, rdsrepladmin, rdstopmgr, and names starting with pg_ or rds_); choose another such as "dbadmin"
	// database "example/typo": MaintenanceWindow "sun:04:30-sun:05:30" overlaps or touches the daily BackupWindow "05:00-06:00"; RDS requires them apart
}

// A Lambda handler in the VPC that logs in as its own database user with
// an IAM authentication token: Connections opens the PostgreSQL port
// between the two security groups, GrantConnect lets the handler's role
// connect as "billing" to this instance only. The user is created once in
// the database with CREATE USER billing; GRANT rds_iam TO billing;.
func ExamplePostgres_GrantConnect() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.NewVPC(stack, "network", network.VPCProps{AZCount: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	orders, err := database.NewPostgres(stack, "orders", database.PostgresProps{VPC: vpc})
	if err != nil {
		fmt.Println(err)
		return
	}
	billing, err := serverless.NewHandler(stack, "billing", serverless.HandlerProps{Code: lambdacode.FromS3("acme-artifacts", "billing.zip", ""), VPC: vpc})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := billing.Connections().AllowTo(orders, database.PostgresPort, "Billing reads orders"); err != nil {
		fmt.Println(err)
		return
	}
	if err := orders.GrantConnect(billing, "billing"); err != nil {
		fmt.Println(err)
		return
	}
	policies := tftest.Collect(stack, "aws_iam_role_policy", func(a map[string]any) string {
		if a["name"] != "db-connect-orders" {
			return ""
		}
		return fmt.Sprint(a["policy"])
	})
	var doc struct {
		Statement []struct {
			Action   []string
			Resource []string
		}
	}
	if err := json.Unmarshal([]byte(policies[len(policies)-1]), &doc); err != nil {
		fmt.Println(err)
		return
	}
	for _, st := range doc.Statement {
		r := st.Resource[0]
		fmt.Println(st.Action[0], "on", r[strings.Index(r, ":dbuser:"):])
	}

	err = orders.GrantConnect(billing, orders.MasterUsername())
	fmt.Println(err)
	// Output:
	// rds-db:connect on :dbuser:${aws_db_instance.orders_instance_E7F56024.resource_id}/billing
	// database "example/orders": GrantConnect.DBUser "dbadmin" is the master user; create a user for the application (granting the master user rds_iam would end its password login)
}
