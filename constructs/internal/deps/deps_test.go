package deps_test

import (
	"strings"
	"testing"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/sqsqueue"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/deps"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
)

func TestAddRendersPlainAddressesOnce(t *testing.T) {
	stack := tftest.NewStack(t)
	a := sqsqueue.NewSqsQueue(stack, ptr.String("a"), &sqsqueue.SqsQueueConfig{})
	b := sqsqueue.NewSqsQueue(stack, ptr.String("b"), &sqsqueue.SqsQueueConfig{})
	c := sqsqueue.NewSqsQueue(stack, ptr.String("c"), &sqsqueue.SqsQueueConfig{DependsOn: &[]cdktf.ITerraformDependable{a}})
	d := sqsqueue.NewSqsQueue(stack, ptr.String("d"), &sqsqueue.SqsQueueConfig{})
	deps.Add(c, b)
	deps.Add(c, b)
	deps.Add(d, a, b)
	doc := tftest.Synth(t, stack)
	for name, want := range map[string]string{"c": "aws_sqs_queue.a,aws_sqs_queue.b", "d": "aws_sqs_queue.a,aws_sqs_queue.b"} {
		got := strings.Join(tftest.Strings(doc.Resources("aws_sqs_queue")[name]["depends_on"]), ",")
		if got != want {
			t.Errorf("%s depends_on = %q, want %q (Terraform refuses \"${...}\" there)", name, got, want)
		}
	}
}
