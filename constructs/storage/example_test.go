package storage_test

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/lambdacode"
	"github.com/hybridstack/hybridstack/constructs/serverless"
	"github.com/hybridstack/hybridstack/constructs/storage"
)

// A bucket with the secure defaults: private, versioned, TLS-only, owner
// enforced, encrypted with a new customer managed KMS key, and protected
// from terraform destroy.
func ExampleNewBucket() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	bucket, err := storage.NewBucket(stack, "uploads", storage.BucketProps{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(*bucket.Node().Path(), "has its own key:", bucket.Key() != nil)
	// Output: example/uploads has its own key: true
}

// An access-log bucket: SSE-S3 with the reason recorded (the log delivery
// service cannot write with a customer managed key), and lifecycle rules
// that archive and then expire the logs. The default rules come first.
func ExampleNewBucket_realistic() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	_, err := storage.NewBucket(stack, "access-logs", storage.BucketProps{
		NamePrefix:  "acme-access-logs-",
		SSES3Reason: "ALB access log delivery cannot write SSE-KMS objects",
		Lifecycle: []storage.LifecycleRule{{
			ID:          "archive-then-expire",
			Prefix:      "AWSLogs/",
			ExpireDays:  400,
			Transitions: []storage.Transition{{Days: 30, StorageClass: "STANDARD_IA"}, {Days: 90, StorageClass: "GLACIER_IR"}},
		}},
		NoncurrentVersionDays: 7,
		Tags:                  map[string]string{"team": "platform"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// The lifecycle rules, from the synthesized configuration.
	var doc struct {
		Resource map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal([]byte(*cdktf.Testing_Synth(stack, jsii.Bool(false))), &doc); err != nil {
		fmt.Println(err)
		return
	}
	for _, raw := range doc.Resource["aws_s3_bucket_lifecycle_configuration"] {
		var config struct{ Rule []struct{ ID string } }
		if err := json.Unmarshal(raw, &config); err != nil {
			fmt.Println(err)
			return
		}
		for _, rule := range config.Rule {
			fmt.Println(rule.ID)
		}
	}
	// Output:
	// abort-incomplete-multipart-uploads
	// archive-then-expire
	// expire-noncurrent-versions
	// remove-expired-delete-markers
}

// A bucket that exists outside the stack, named so that constructs can be
// granted access to it.
func ExampleImportBucket() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	shared, err := storage.ImportBucket(stack, "shared", storage.ImportBucketProps{
		Name:      "acme-shared-artifacts",
		KMSKeyARN: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(shared.BucketName())

	_, err = storage.ImportBucket(stack, "typo", storage.ImportBucketProps{Name: "Acme_Shared"})
	fmt.Println(err)
	// Output:
	// acme-shared-artifacts
	// storage "example/typo": Name "Acme_Shared" is not an S3 bucket name (3-63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit)
}

// A bucket of another team, encrypted with their key: grants include the
// key, used through S3 only, so the imported key ARN matters.
func ExampleImportBucket_realistic() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	datalake, err := storage.ImportBucket(stack, "datalake", storage.ImportBucketProps{
		Name:      "acme-datalake-eu-west-1",
		KMSKeyARN: "arn:aws:kms:eu-west-1:210987654321:key/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	exporter, err := serverless.NewHandler(stack, "exporter", serverless.HandlerProps{Code: lambdacode.FromS3("acme-artifacts", "exporter.zip", "")})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(datalake.GrantReadWrite(exporter, "exports/orders/"))
	fmt.Println(datalake.GrantRead(exporter, "reference/"))
	// Output:
	// <nil>
	// <nil>
}

// Grants attach to the grantee's role: a Lambda handler (any
// grant.Grantee, such as an eks.ServiceAccountRole) may list the bucket
// and read objects under uploads/, decrypting them with the bucket's key
// through S3 only.
func ExampleBucket_GrantRead() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	uploads, err := storage.NewBucket(stack, "uploads", storage.BucketProps{})
	if err != nil {
		fmt.Println(err)
		return
	}
	thumbnails, err := serverless.NewHandler(stack, "thumbnails", serverless.HandlerProps{
		Code: lambdacode.FromS3("acme-artifacts", "thumbnails/v42.zip", ""),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := uploads.GrantRead(thumbnails, "uploads/"); err != nil {
		fmt.Println(err)
		return
	}
	if err := uploads.GrantWrite(thumbnails, "thumbnails/"); err != nil {
		fmt.Println(err)
		return
	}
	// The handler's inline policies, from the synthesized configuration.
	var doc struct {
		Resource map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal([]byte(*cdktf.Testing_Synth(stack, jsii.Bool(false))), &doc); err != nil {
		fmt.Println(err)
		return
	}
	var policies []string
	for _, raw := range doc.Resource["aws_iam_role_policy"] {
		var p struct{ Name string }
		if err := json.Unmarshal(raw, &p); err != nil {
			fmt.Println(err)
			return
		}
		policies = append(policies, p.Name)
	}
	sort.Strings(policies)
	fmt.Println(policies)
	// Output: [failure-queue logs read-uploads write-uploads xray]
}
