package database_test

import (
	"testing"

	"github.com/hybridstack/hybridstack/constructs/database"
	"github.com/hybridstack/hybridstack/constructs/internal/loggroup"
	"github.com/hybridstack/hybridstack/constructs/internal/loggroup/loggrouptest"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/nag"
)

// The exported PostgreSQL logs go to log groups encrypted with the stack's
// one shared logs key (two instances, one key), not the instances' storage
// keys; in a disposable stack the logs key can be destroyed.
func TestExportedLogGroupsShareTheStacksLogsKey(t *testing.T) {
	for _, disposable := range []bool{false, true} {
		stack, vpc := importedVPC(t, 2)
		if disposable {
			nag.DeclareDisposable(stack)
		}
		for _, id := range []string{"orders", "prices"} {
			if _, err := database.NewPostgres(stack, id, database.PostgresProps{VPC: vpc, Disposable: disposable}); err != nil {
				t.Fatal(err)
			}
		}
		doc := tftest.Synth(t, stack)
		loggrouptest.CheckSharedKey(t, doc, "orders_log-postgresql", "orders_log-upgrade", "prices_log-postgresql", "prices_log-upgrade")
		if n := len(doc.Resources("aws_kms_key")); n != 3 {
			t.Errorf("%d KMS keys, want two storage keys and the stack's logs key", n)
		}
		key := doc.Resources("aws_kms_key")[loggroup.KeyID]
		lc, _ := key["lifecycle"].(map[string]any)
		if (lc["prevent_destroy"] == true) == disposable {
			t.Errorf("disposable %v: logs key lifecycle = %v", disposable, key["lifecycle"])
		}
	}
}
