package grant_test

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/grant"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/lambdacode"
	"github.com/hybridstack/hybridstack/constructs/serverless"
)

// A Lambda handler reads one Secrets Manager secret and publishes to an SNS
// topic that live outside the stack: each grant is one inline policy on the
// handler's role, with the least actions, on the one ARN.
func ExampleSecretRead() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	fn, err := serverless.NewHandler(stack, "billing", serverless.HandlerProps{
		Code: lambdacode.FromS3("acme-artifacts", "billing/v7.zip", ""),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := grant.SecretRead(fn, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:billing-db-AbCdEf"); err != nil {
		fmt.Println(err)
		return
	}
	if err := grant.Publish(fn, "arn:aws:sns:eu-west-1:123456789012:invoices"); err != nil {
		fmt.Println(err)
		return
	}
	// The handler's role also has its own policies (logs, traces, failed
	// events); print the two grants'.
	policies := tftest.Collect(stack, "aws_iam_role_policy", func(r map[string]any) string {
		if name := r["name"]; name == "read-secret" || name == "publish" {
			return fmt.Sprint(name, " ", r["policy"])
		}
		return ""
	})
	for _, p := range policies {
		if p != "" {
			fmt.Println(p)
		}
	}
	// Output:
	// publish {"Version":"2012-10-17","Statement":[{"Sid":"Publish","Effect":"Allow","Action":["sns:Publish"],"Resource":["arn:aws:sns:eu-west-1:123456789012:invoices"]}]}
	// read-secret {"Version":"2012-10-17","Statement":[{"Sid":"ReadSecret","Effect":"Allow","Action":["secretsmanager:DescribeSecret","secretsmanager:GetSecretValue"],"Resource":["arn:aws:secretsmanager:eu-west-1:123456789012:secret:billing-db-AbCdEf"]}]}
}

// auditRole is a grantee of your own: anything that acts through an IAM
// role takes grants once it has RoleARN and AddToRolePolicy. This one
// keeps the statements it is given; a real one would attach them to its
// role as inline policies.
type auditRole struct {
	constructs.Construct
	policies map[string][]iamdoc.Statement
}

func (r *auditRole) RoleARN() string { return "arn:aws:iam::123456789012:role/audit" }

func (r *auditRole) AddToRolePolicy(name string, statements ...iamdoc.Statement) error {
	r.policies[name] = append(r.policies[name], statements...)
	return nil
}

// Any type with a role can be a Grantee: here a KMS key outside the stack
// is granted to a role the application manages itself.
func ExampleGrantee() {
	app := cdktf.NewApp(nil)
	role := &auditRole{Construct: constructs.NewConstruct(app, jsii.String("audit")), policies: map[string][]iamdoc.Statement{}}

	if err := grant.KeyUse(role, "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"); err != nil {
		fmt.Println(err)
		return
	}
	doc, err := iamdoc.Document(role.policies["use-key"]...)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(doc)
	// Output:
	// {"Version":"2012-10-17","Statement":[{"Sid":"UseKey","Effect":"Allow","Action":["kms:Decrypt","kms:DescribeKey","kms:Encrypt","kms:GenerateDataKey"],"Resource":["arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"]}]}
}
