package database_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/database"
	"github.com/hybridstack/hybridstack/constructs/internal/fuzztest"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/lambdacode"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/serverless"
)

// The fuzz tests below feed primitive values into the props of NewPostgres
// and into GrantConnect, and check the contract of every call: it returns
// a value or an error, never both and never neither, and never panics; an
// error is about props, so it wraps validate.ErrInvalid, every FieldError
// in it names the construct path, the field and the problem, and a failed
// call added nothing; a stack built without error synthesizes. `go test`
// runs the seeds; `go test -fuzz` explores from them.

func FuzzNewPostgres(f *testing.F) {
	type in struct {
		id, name, version, class, dbName, user, kms, backupWindow, maintenanceWindow string
		subnets                                                                      uint8
		allocated, maxAllocated, backupDays, retention                               int
		noAutoscaling, noBackups, singleAZ, disposable                               bool
	}
	add := func(i in) {
		f.Add(i.id, i.name, i.version, i.class, i.dbName, i.user, i.kms, i.backupWindow, i.maintenanceWindow, i.subnets,
			i.allocated, i.maxAllocated, i.backupDays, i.retention, i.noAutoscaling, i.noBackups, i.singleAZ, i.disposable)
	}
	add(in{id: "orders", subnets: 2})
	add(in{id: "orders", name: "orders-eu", version: "16.4", class: "db.t4g.medium", dbName: "Orders", user: "owner", kms: keyARN,
		backupWindow: "23:30-00:15", maintenanceWindow: "Sat:22:00-Sat:23:00", subnets: 3, allocated: 500, maxAllocated: 1000,
		backupDays: 35, retention: 7, singleAZ: true})
	add(in{id: "scratch", subnets: 2, noAutoscaling: true, noBackups: true, disposable: true})
	add(in{id: "orders", name: "@token", version: "@token", class: "@token", dbName: "@token", user: "@token", kms: "@token",
		backupWindow: "@token", maintenanceWindow: "@token", subnets: 2})
	add(in{id: "orders", name: "Orders--", version: "14", class: "db.t4g.micro", dbName: "postgres", user: "admin", kms: "alias/x",
		backupWindow: "04:00-05:00", maintenanceWindow: "mon:01:00-tue:02:00", subnets: 1, allocated: 10, maxAllocated: -1,
		backupDays: -1, retention: 2, noBackups: true})
	add(in{id: "orders", subnets: 2, allocated: 65536})
	add(in{id: "orders", subnets: 2, allocated: 1 << 40, maxAllocated: 1 << 62, backupDays: 1 << 62, retention: -1 << 62})
	add(in{id: strings.Repeat("x", 200), subnets: 2})
	add(in{id: "ünï/cødé", name: "ünïcødé", dbName: "ünï", user: "ünï", subnets: 2})
	add(in{id: "9", backupWindow: "23:59-00:00", maintenanceWindow: "sun:23:59-mon:00:29", subnets: 2})
	add(in{id: "awsenv-account", subnets: 2})
	fuzztest.WarmUp(f)
	f.Fuzz(func(t *testing.T, id, name, version, class, dbName, user, kms, backupWindow, maintenanceWindow string, subnets uint8,
		allocated, maxAllocated, backupDays, retention int, noAutoscaling, noBackups, singleAZ, disposable bool) {
		stack := fuzztest.Stack(t)
		fuzztest.Tokens(stack, &name, &version, &class, &dbName, &user, &kms, &backupWindow, &maintenanceWindow)
		var vpc *network.VPC
		if n := int(subnets % 5); n > 0 {
			var ids []string
			for i := range n {
				ids = append(ids, fmt.Sprintf("subnet-%017x", i+1))
			}
			var err error
			if vpc, err = network.ImportVPC(stack, "net", network.ImportVPCProps{VPCID: "vpc-0123456789abcdef0", CIDR: "10.0.0.0/16", PrivateSubnetIDs: ids}); err != nil {
				t.Fatal(err)
			}
		}
		props := database.PostgresProps{Name: name, VPC: vpc, EngineVersion: version, InstanceClass: class, AllocatedStorageGiB: allocated,
			MaxAllocatedStorageGiB: maxAllocated, DisableStorageAutoscaling: noAutoscaling, DatabaseName: dbName, MasterUsername: user,
			KMSKeyARN: kms, SingleAZ: singleAZ, BackupRetentionDays: backupDays, DisableBackups: noBackups, BackupWindow: backupWindow,
			MaintenanceWindow: maintenanceWindow, LogRetentionDays: retention, Disposable: disposable}
		var db *database.Postgres
		var err error
		added := fuzztest.Adds(stack, id)
		fuzztest.Run(t, func() { db, err = database.NewPostgres(stack, id, props) })
		if !fuzztest.Check(t, "NewPostgres", db != nil, err) {
			if added() {
				t.Fatalf("NewPostgres returned %v but added %q to the tree", err, id)
			}
			return
		}
		if db.ARN() == "" || db.KMSKeyARN() == "" || (db.Key() == nil) != (kms != "") || db.DatabaseName() == "" || db.MasterUsername() == "" {
			t.Fatalf("NewPostgres: ARN %q, key %q (own key %v), database %q, user %q", db.ARN(), db.KMSKeyARN(), db.Key() != nil, db.DatabaseName(), db.MasterUsername())
		}
		doc := tftest.Synth(t, stack)
		if n := len(doc.Resources("aws_db_instance")); n != 1 {
			t.Fatalf("NewPostgres(%q) made %d aws_db_instance resources, want 1", id, n)
		}
		for _, r := range doc.Resources("aws_db_instance") {
			ident, _ := r["identifier"].(string)
			if name == "" && (len(ident) == 0 || len(ident) > 63 || strings.Contains(ident, "--") || strings.HasSuffix(ident, "-") || ident[0] < 'a' || ident[0] > 'z') {
				t.Fatalf("NewPostgres(%q) derived the identifier %q, which RDS refuses", id, ident)
			}
			if n, _ := r["db_name"].(string); dbName == "" && (len(n) == 0 || len(n) > 63 || n[0] < 'a' || n[0] > 'z') {
				t.Fatalf("NewPostgres(%q) derived the database name %q, which RDS refuses", id, n)
			}
		}
	})
}

func FuzzGrantConnect(f *testing.F) {
	for _, s := range []string{"billing", "", "*", "bill*", "dbadmin", "DBADMIN", "rds_iam", "pg_read", "a$b", "$a", "_a", "ünï", "a/b", strings.Repeat("u", 64), "@token"} {
		f.Add(s)
	}
	fuzztest.WarmUp(f)
	f.Fuzz(func(t *testing.T, user string) {
		stack := fuzztest.Stack(t)
		vpc, err := network.ImportVPC(stack, "net", network.ImportVPCProps{VPCID: "vpc-0123456789abcdef0", CIDR: "10.0.0.0/16",
			PrivateSubnetIDs: []string{"subnet-00000000000000001", "subnet-00000000000000002"}})
		if err != nil {
			t.Fatal(err)
		}
		db, err := database.NewPostgres(stack, "orders", database.PostgresProps{VPC: vpc})
		if err != nil {
			t.Fatal(err)
		}
		h, err := serverless.NewHandler(stack, "billing", serverless.HandlerProps{Code: lambdacode.FromS3("acme-artifacts", "billing.zip", "")})
		if err != nil {
			t.Fatal(err)
		}
		fuzztest.Tokens(stack, &user)
		added := fuzztest.Adds(h, "policy-db-connect-orders")
		fuzztest.Run(t, func() { err = db.GrantConnect(h, user) })
		if !fuzztest.Check(t, "GrantConnect", err == nil, err) {
			if added() {
				t.Fatalf("GrantConnect returned %v but added a policy", err)
			}
			return
		}
		policy := tftest.Synth(t, stack).One(t, "aws_iam_role_policy", "policy-db-connect-orders")["policy"].(string)
		if strings.Contains(policy, "*") || strings.Contains(policy, "/dbadmin\"") {
			t.Fatalf("GrantConnect(%q) wrote a wildcard or the master user:\n%s", user, policy)
		}
	})
}
