package storage_test

import (
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/storage"
)

func TestBucketSecureDefaults(t *testing.T) {
	stack := tftest.NewStack(t)
	if _, err := storage.NewBucket(stack, "data", storage.BucketProps{}); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	b := doc.One(t, "aws_s3_bucket", "data_bucket")
	if b["bucket_prefix"] != "data-" || b["force_destroy"] != false || tftest.Block(b, "lifecycle")["prevent_destroy"] != true {
		t.Errorf("bucket = %v", b)
	}
	pab := doc.One(t, "aws_s3_bucket_public_access_block", "data")
	for _, k := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
		if pab[k] != true {
			t.Errorf("public access block %s = %v", k, pab[k])
		}
	}
	if r := tftest.Block(doc.One(t, "aws_s3_bucket_ownership_controls", "data"), "rule"); r["object_ownership"] != "BucketOwnerEnforced" {
		t.Errorf("ownership = %v", r)
	}
	sse := tftest.Block(tftest.Block(doc.One(t, "aws_s3_bucket_server_side_encryption_configuration", "data"), "rule"), "apply_server_side_encryption_by_default")
	if sse["sse_algorithm"] != "AES256" {
		t.Errorf("encryption = %v", sse)
	}
	if v := tftest.Block(doc.One(t, "aws_s3_bucket_versioning", "data"), "versioning_configuration"); v["status"] != "Enabled" {
		t.Errorf("versioning = %v", v)
	}
	policy := doc.One(t, "aws_s3_bucket_policy", "data")["policy"].(string)
	if !strings.Contains(policy, `"Effect":"Deny"`) || !strings.Contains(policy, `"aws:SecureTransport":"false"`) || !strings.Contains(policy, `.arn}/*"`) {
		t.Errorf("TLS-only policy = %s", policy)
	}
	rules, _ := doc.One(t, "aws_s3_bucket_lifecycle_configuration", "data")["rule"].([]any)
	var ids []string
	for _, r := range rules {
		ids = append(ids, r.(map[string]any)["id"].(string))
	}
	if strings.Join(ids, ",") != "abort-incomplete-multipart-uploads,expire-noncurrent-versions" {
		t.Errorf("lifecycle rules = %v", ids)
	}
}

func TestBucketKMSAndLifecycle(t *testing.T) {
	stack := tftest.NewStack(t)
	_, err := storage.NewBucket(stack, "archive", storage.BucketProps{
		Name:       "acme-archive-eu",
		KMSKeyARN:  "arn:aws:kms:eu-west-1:123456789012:key/abc",
		Disposable: true,
		Lifecycle: []storage.LifecycleRule{{ID: "tier", Prefix: "logs/", ExpireDays: 365, NoncurrentExpireDays: 7,
			Transitions: []storage.Transition{{Days: 30, StorageClass: "STANDARD_IA"}, {Days: 90, StorageClass: "GLACIER"}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	b := doc.One(t, "aws_s3_bucket", "archive")
	if b["bucket"] != "acme-archive-eu" || b["force_destroy"] != true || b["lifecycle"] != nil {
		t.Errorf("disposable bucket = %v", b)
	}
	rule := tftest.Block(doc.One(t, "aws_s3_bucket_server_side_encryption_configuration", "archive"), "rule")
	if rule["bucket_key_enabled"] != true || tftest.Block(rule, "apply_server_side_encryption_by_default")["sse_algorithm"] != "aws:kms" {
		t.Errorf("kms encryption = %v", rule)
	}
	rules, _ := doc.One(t, "aws_s3_bucket_lifecycle_configuration", "archive")["rule"].([]any)
	if len(rules) != 2 { // abort-MPU + tier (it sets noncurrent expiry itself)
		t.Errorf("%d lifecycle rules, want 2: %v", len(rules), rules)
	}
}

func TestBucketValidation(t *testing.T) {
	tests := []struct {
		props storage.BucketProps
		want  string
	}{
		{storage.BucketProps{Name: "Bad_Name"}, `storage "test/b": Name "Bad_Name" is not an S3 bucket name`},
		{storage.BucketProps{Name: "a", NamePrefix: "b-"}, `Name "a" and NamePrefix "b-" are both set; set one`},
		{storage.BucketProps{NamePrefix: strings.Repeat("a", 40)}, `is not a usable bucket name prefix`},
		{storage.BucketProps{KMSKeyARN: "my-key"}, `KMSKeyARN "my-key" is not a KMS key ARN`},
		{storage.BucketProps{Lifecycle: []storage.LifecycleRule{{ID: "x"}}}, `Lifecycle[0] does nothing; set ExpireDays, NoncurrentExpireDays or Transitions`},
		{storage.BucketProps{Lifecycle: []storage.LifecycleRule{{ID: "x", Transitions: []storage.Transition{{Days: 10, StorageClass: "STANDARD_IA"}}}}}, `Lifecycle[0].Transitions[0].Days 10 is too soon: S3 moves objects to STANDARD_IA after at least 30 days`},
		{storage.BucketProps{Lifecycle: []storage.LifecycleRule{{ID: "x", Transitions: []storage.Transition{{Days: 40, StorageClass: "TAPE"}}}}}, `Lifecycle[0].Transitions[0].StorageClass "TAPE" is not a transition storage class`},
		{storage.BucketProps{Lifecycle: []storage.LifecycleRule{{ID: "x", ExpireDays: 30, Transitions: []storage.Transition{{Days: 60, StorageClass: "GLACIER"}}}}}, `Lifecycle[0].Transitions[0].Days 60 is not before ExpireDays 30`},
		{storage.BucketProps{Lifecycle: []storage.LifecycleRule{{ID: "x", ExpireDays: 1}, {ID: "x", ExpireDays: 2}}}, `Lifecycle[1].ID "x" is used by another rule`},
	}
	for _, tt := range tests {
		stack := tftest.NewStack(t)
		_, err := storage.NewBucket(stack, "b", tt.props)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("error %v does not contain %q", err, tt.want)
		}
	}
	if _, err := storage.ImportBucket(tftest.NewStack(t), "i", "UPPER", ""); err == nil || !strings.Contains(err.Error(), `name "UPPER" is not an S3 bucket name`) {
		t.Errorf("import error = %v", err)
	}
}
