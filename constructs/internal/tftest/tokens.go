package tftest

import (
	"fmt"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
)

// ExposeTokens adds a Terraform output "tftest-<key>" to stack for every
// value, so that the synthesized document says what each token (such as a
// metric dimension a construct returned from Signals) refers to. Call it
// before Synth and read the values with Doc.Exposed.
func ExposeTokens(stack cdktf.TerraformStack, values map[string]string) {
	for _, k := range ptr.SortedKeys(values) {
		cdktf.NewTerraformOutput(stack, ptr.String("tftest-"+k), &cdktf.TerraformOutputConfig{Value: ptr.String(values[k])})
	}
}

// Exposed returns what the value ExposeTokens exposed as key resolved to,
// such as "${aws_lambda_function.fn_function_1A2B3C4D.function_name}".
func (d Doc) Exposed(key string) string {
	outputs, _ := d["output"].(map[string]any)
	o, _ := outputs["tftest-"+key].(map[string]any)
	return fmt.Sprint(o["value"])
}
