package awsenv_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

func TestOneDataSourceOfEachPerStack(t *testing.T) {
	stack := tftest.NewStack(t)
	a := constructs.NewConstruct(stack, ptr.String("a"))
	b := constructs.NewConstruct(constructs.NewConstruct(stack, ptr.String("b")), ptr.String("nested"))
	ea, err := awsenv.Of(a)
	if err != nil {
		t.Fatal(err)
	}
	eb, err := awsenv.Of(b)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range []string{ea.Account, eb.Account, ea.Partition, eb.Partition, ea.Region, eb.Region} {
		cdktf.NewTerraformOutput(stack, ptr.String(fmt.Sprint("o", i)), &cdktf.TerraformOutputConfig{Value: v})
	}
	doc := tftest.Synth(t, stack)
	for _, typ := range []string{"aws_caller_identity", "aws_partition", "aws_region"} {
		if n := len(doc.Data(typ)); n != 1 {
			t.Errorf("%d %s data sources, want 1", n, typ)
		}
	}
	outputs, _ := doc["output"].(map[string]any)
	value := func(i int) string { return fmt.Sprint(outputs[fmt.Sprint("o", i)].(map[string]any)["value"]) }
	for i, want := range []string{"${data.aws_caller_identity.awsenv-account.account_id}", "${data.aws_partition.awsenv-partition.partition}", "${data.aws_region.awsenv-region.name}"} {
		if value(2*i) != want || value(2*i+1) != want {
			t.Errorf("outputs %d and %d are %q and %q, want %q", 2*i, 2*i+1, value(2*i), value(2*i+1), want)
		}
	}
	if got := doc.Data("aws_caller_identity"); got[awsenv.AccountID] == nil {
		t.Errorf("caller identity is not at %q: %v", awsenv.AccountID, got)
	}
}

func TestTakenIDIsAnError(t *testing.T) {
	stack := tftest.NewStack(t)
	constructs.NewConstruct(stack, ptr.String(awsenv.RegionID))
	_, err := awsenv.Of(stack)
	if !errors.Is(err, validate.ErrInvalid) || !strings.Contains(err.Error(), `already has a child "awsenv-region"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestOutsideAStackIsAnError(t *testing.T) {
	app := cdktf.NewApp(nil)
	_, err := awsenv.Of(constructs.NewConstruct(app, ptr.String("loose")))
	if !errors.Is(err, validate.ErrInvalid) || !strings.Contains(err.Error(), `"loose" is not inside a cdktf.TerraformStack`) {
		t.Fatalf("err = %v", err)
	}
}
