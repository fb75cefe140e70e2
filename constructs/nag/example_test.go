package nag_test

import (
	"encoding/json"
	"fmt"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucket"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/nag"
	"github.com/hybridstack/hybridstack/constructs/nag/meta"
)

// A suppression says on one resource that a rule does not apply, and why:
// it lands in the resource's "//" metadata, where the rule pack reads it.
// A suppression without a reason, or of something that is not a rule id,
// is refused.
func ExampleSuppress() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	site := s3bucket.NewS3Bucket(stack, jsii.String("site"), &s3bucket.S3BucketConfig{BucketPrefix: jsii.String("site-")})

	if err := nag.Suppress(site, "S3-005", "public website assets, nothing confidential"); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(nag.Suppress(site, "S3-006", " "))
	fmt.Println(nag.Suppress(site, "no-encryption", "legacy"))

	var doc struct {
		Resource map[string]map[string]map[string]any `json:"resource"`
	}
	// The stack's Terraform JSON, with the "//" metadata (cdktf's test
	// synthesis drops it).
	full, err := json.Marshal(stack.ToTerraform())
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := json.Unmarshal(full, &doc); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(doc.Resource["aws_s3_bucket"]["site"]["//"].(map[string]any)[meta.SuppressionsKey])
	// Output:
	// example/site: suppressing S3-006 needs a reason
	// example/site: suppression rule id "no-encryption" is not a rule id (want a family, a dash and three digits, e.g. S3-005)
	// map[S3-005:public website assets, nothing confidential]
}

// A stack that may be destroyed with its data says so once; the library's
// constructs ask with Disposable.
func ExampleDeclareDisposable() {
	app := cdktf.NewApp(nil)
	scratch := cdktf.NewTerraformStack(app, jsii.String("scratch"))
	prod := cdktf.NewTerraformStack(app, jsii.String("prod"))
	nag.DeclareDisposable(scratch)

	fmt.Println("scratch:", nag.Disposable(scratch))
	fmt.Println("prod:", nag.Disposable(prod))
	fmt.Println("outside any stack:", nag.Disposable(app))
	// Output:
	// scratch: true
	// prod: false
	// outside any stack: false
}
