package loggroup_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/loggroup"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/nag"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

const keyRef = "${aws_kms_key." + loggroup.KeyID + ".arn}"

func TestOneSharedKeyPerStack(t *testing.T) {
	stack := tftest.NewStack(t)
	a := constructs.NewConstruct(stack, ptr.String("a"))
	b := constructs.NewConstruct(constructs.NewConstruct(stack, ptr.String("b")), ptr.String("nested"))
	for i, scope := range []constructs.Construct{a, b, a} {
		if _, err := loggroup.New(scope, "g"+string(rune('0'+i)), loggroup.Props{Name: "/x/" + string(rune('0'+i)), RetentionDays: 30}); err != nil {
			t.Fatal(err)
		}
	}
	arn, err := loggroup.KeyARN(b)
	if err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	if keys := doc.Resources("aws_kms_key"); len(keys) != 1 || keys[loggroup.KeyID] == nil {
		t.Fatalf("want the one key %q, got %v", loggroup.KeyID, ptr.SortedKeys(keys))
	}
	if aliases := doc.Resources("aws_kms_alias"); len(aliases) != 1 || aliases[loggroup.AliasID]["name"] != "alias/logs/test" ||
		aliases[loggroup.AliasID]["target_key_id"] != "${aws_kms_key."+loggroup.KeyID+".key_id}" {
		t.Errorf("alias = %v", aliases)
	}
	groups := doc.Resources("aws_cloudwatch_log_group")
	if len(groups) != 3 {
		t.Fatalf("want 3 log groups, got %v", ptr.SortedKeys(groups))
	}
	for name, g := range groups {
		if g["kms_key_id"] != keyRef || g["retention_in_days"] != float64(30) {
			t.Errorf("log group %s: kms_key_id %v retention %v, want %s and 30", name, g["kms_key_id"], g["retention_in_days"], keyRef)
		}
	}
	if !validation.IsToken(arn) {
		t.Errorf("KeyARN = %q is not a token", arn)
	}
}

func TestKeyPolicyLetsCloudWatchLogsUseItForTheAccountsLogGroups(t *testing.T) {
	stack := tftest.NewStack(t)
	if _, err := loggroup.New(stack, "g", loggroup.Props{Name: "/x", RetentionDays: 7}); err != nil {
		t.Fatal(err)
	}
	key := tftest.Synth(t, stack).Resources("aws_kms_key")[loggroup.KeyID]
	if key["enable_key_rotation"] != true {
		t.Errorf("enable_key_rotation = %v", key["enable_key_rotation"])
	}
	p := tftest.Policy(t, key["policy"])
	stmts, _ := p["Statement"].([]any)
	var admin, logs map[string]any
	for _, s := range stmts {
		m := s.(map[string]any)
		switch m["Sid"] {
		case "AccountAdministersKeyThroughIAM":
			admin = m
		case "CloudWatchLogsEncryptsAccountLogGroups":
			logs = m
		}
	}
	if len(stmts) != 2 || admin == nil || logs == nil {
		t.Fatalf("want the account administration and CloudWatch Logs statements, got %v", stmts)
	}
	region, account, partition := "${data.aws_region.awsenv-region.name}", "${data.aws_caller_identity.awsenv-account.account_id}", "${data.aws_partition.awsenv-partition.partition}"
	if got := logs["Principal"].(map[string]any)["Service"]; got != "logs."+region+".amazonaws.com" {
		t.Errorf("principal = %v", got)
	}
	if got := tftest.Strings(logs["Action"]); strings.Join(got, ",") != "kms:Encrypt*,kms:Decrypt*,kms:ReEncrypt*,kms:GenerateDataKey*,kms:Describe*" {
		t.Errorf("actions = %v", got)
	}
	cond, _ := logs["Condition"].(map[string]any)["ArnLike"].(map[string]any)
	if want := "arn:" + partition + ":logs:" + region + ":" + account + ":log-group:*"; cond["kms:EncryptionContext:aws:logs:arn"] != want {
		t.Errorf("condition = %v, want ArnLike kms:EncryptionContext:aws:logs:arn %s", logs["Condition"], want)
	}
	if admin["Principal"].(map[string]any)["AWS"] != "arn:"+partition+":iam::"+account+":root" {
		t.Errorf("admin statement = %v", admin)
	}
}

func TestDisposableStackKeyCanBeDestroyed(t *testing.T) {
	for _, disposable := range []bool{false, true} {
		stack := tftest.NewStack(t)
		if disposable {
			nag.DeclareDisposable(stack)
		}
		if got := loggroup.Disposable(stack); got != disposable {
			t.Errorf("Disposable = %v, want %v", got, disposable)
		}
		if _, err := loggroup.KeyARN(stack); err != nil {
			t.Fatal(err)
		}
		key := tftest.Synth(t, stack).Resources("aws_kms_key")[loggroup.KeyID]
		lifecycle, _ := key["lifecycle"].(map[string]any)
		window := key["deletion_window_in_days"]
		switch {
		case disposable && (lifecycle["prevent_destroy"] == true || window != float64(7)):
			t.Errorf("disposable stack: lifecycle %v, deletion window %v; want no prevent_destroy and 7 days", lifecycle, window)
		case !disposable && (lifecycle["prevent_destroy"] != true || window != float64(30)):
			t.Errorf("stack: lifecycle %v, deletion window %v; want prevent_destroy and 30 days", lifecycle, window)
		}
	}
}

func TestGivenKeyAndLifecycleWin(t *testing.T) {
	stack := tftest.NewStack(t)
	_, err := loggroup.New(stack, "g", loggroup.Props{Name: "/x", RetentionDays: 14, KMSKeyARN: "arn:aws:kms:eu-west-1:111122223333:key/abc",
		Tags: ptr.Map(map[string]string{"team": "a"}), Lifecycle: &cdktf.TerraformResourceLifecycle{PreventDestroy: ptr.Bool(true)}})
	if err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	g := doc.Resources("aws_cloudwatch_log_group")["g"]
	if g["kms_key_id"] != "arn:aws:kms:eu-west-1:111122223333:key/abc" || g["tags"].(map[string]any)["team"] != "a" || g["lifecycle"].(map[string]any)["prevent_destroy"] != true {
		t.Errorf("log group = %v", g)
	}
	if keys := doc.Resources("aws_kms_key"); len(keys) != 0 {
		t.Errorf("a given key still made the shared key: %v", keys)
	}
}

func TestErrors(t *testing.T) {
	t.Run("retention", func(t *testing.T) {
		stack := tftest.NewStack(t)
		_, err := loggroup.New(stack, "g", loggroup.Props{Name: "/x", RetentionDays: 0})
		if !errors.Is(err, validate.ErrInvalid) || !strings.Contains(err.Error(), `loggroup "test/g": RetentionDays 0 is not a retention`) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("key id taken", func(t *testing.T) {
		stack := tftest.NewStack(t)
		constructs.NewConstruct(stack, ptr.String(loggroup.KeyID))
		_, err := loggroup.New(stack, "g", loggroup.Props{Name: "/x", RetentionDays: 7})
		if !errors.Is(err, validate.ErrInvalid) || !strings.Contains(err.Error(), `stack "test" already has a child "logs-key"`) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("alias id taken", func(t *testing.T) {
		stack := tftest.NewStack(t)
		constructs.NewConstruct(stack, ptr.String(loggroup.AliasID))
		_, err := loggroup.KeyARN(stack)
		if !errors.Is(err, validate.ErrInvalid) || !strings.Contains(err.Error(), `"logs-key-alias"`) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("no stack", func(t *testing.T) {
		_, err := loggroup.KeyARN(constructs.NewRootConstruct(ptr.String("root")))
		if !errors.Is(err, validate.ErrInvalid) || !strings.Contains(err.Error(), "not inside a cdktf.TerraformStack") {
			t.Errorf("err = %v", err)
		}
	})
}
