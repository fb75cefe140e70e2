package observe_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/loggroup/loggrouptest"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/observe"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

func TestNewLogGroup(t *testing.T) {
	stack := tftest.NewStack(t)
	a, err := observe.NewLogGroup(stack, "tenant-a", observe.LogGroupProps{Name: "/tenants/a", Tags: map[string]string{"tenant": "a"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := observe.NewLogGroup(stack, "tenant-b", observe.LogGroupProps{Name: "/tenants/b", RetentionDays: 365}); err != nil {
		t.Fatal(err)
	}
	const given = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	if _, err := observe.NewLogGroup(stack, "audit", observe.LogGroupProps{Name: "/audit", KMSKeyARN: given}); err != nil {
		t.Fatal(err)
	}
	arn, err := observe.LogsKeyARN(stack)
	if err != nil || arn == "" || a.Arn() == nil {
		t.Fatalf("LogsKeyARN = %q, %v", arn, err)
	}
	doc := tftest.Synth(t, stack)
	groups := doc.Resources("aws_cloudwatch_log_group")
	if g := groups["audit"]; g["kms_key_id"] != given {
		t.Errorf("audit kms_key_id = %v, want the given key", g["kms_key_id"])
	}
	delete(doc["resource"].(map[string]any)["aws_cloudwatch_log_group"].(map[string]any), "audit")
	loggrouptest.CheckSharedKey(t, doc, "tenant-a", "tenant-b")
	if got := groups["tenant-a"]; got["retention_in_days"] != float64(observe.DefaultLogRetentionDays) || got["tags"].(map[string]any)["tenant"] != "a" {
		t.Errorf("tenant-a = %v", got)
	}
	if got := groups["tenant-b"]["retention_in_days"]; got != float64(365) {
		t.Errorf("tenant-b retention = %v", got)
	}
}

func TestNewLogGroupErrors(t *testing.T) {
	stack := tftest.NewStack(t)
	_, err := observe.NewLogGroup(stack, "g", observe.LogGroupProps{RetentionDays: 45})
	if !errors.Is(err, validate.ErrInvalid) {
		t.Fatalf("err = %v, want validate.ErrInvalid", err)
	}
	for _, want := range []string{`"test/g"`, "Name is empty", "RetentionDays 45 is not a retention CloudWatch Logs accepts"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if keys := tftest.Synth(t, stack).Resources("aws_kms_key"); len(keys) != 0 {
		t.Errorf("invalid props still made a key: %v", keys)
	}
}
