package storage_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/storage"
)

func TestBucketSecureDefaults(t *testing.T) {
	stack := tftest.NewStack(t)
	bucket, err := storage.NewBucket(stack, "data", storage.BucketProps{})
	if err != nil {
		t.Fatal(err)
	}
	if bucket.Key() == nil || bucket.Resource() == nil || *bucket.Key().DeletionWindowInDaysInput() != 30 {
		t.Error("Key and Resource must return the bucket's key and bucket")
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
	// SSE-KMS with the bucket's own customer managed key and a bucket key.
	rule := tftest.Block(doc.One(t, "aws_s3_bucket_server_side_encryption_configuration", "data"), "rule")
	sse := tftest.Block(rule, "apply_server_side_encryption_by_default")
	if sse["sse_algorithm"] != "aws:kms" || sse["kms_master_key_id"] != "${"+doc.Address(t, "aws_kms_key", "data_key")+".arn}" || rule["bucket_key_enabled"] != true {
		t.Errorf("encryption = %v", rule)
	}
	key := doc.One(t, "aws_kms_key", "data_key")
	if key["enable_key_rotation"] != true || tftest.Block(key, "lifecycle")["prevent_destroy"] != true {
		t.Errorf("bucket key = %v", key)
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
	if strings.Join(ids, ",") != "abort-incomplete-multipart-uploads,expire-noncurrent-versions,remove-expired-delete-markers" {
		t.Errorf("lifecycle rules = %v", ids)
	}
	// Delete markers left alone once their versions expire are removed.
	markers := rules[2].(map[string]any)
	if tftest.Block(markers, "expiration")["expired_object_delete_marker"] != true || tftest.Block(markers, "expiration")["days"] != nil {
		t.Errorf("delete marker rule = %v", markers)
	}
}

func TestBucketKMSAndLifecycle(t *testing.T) {
	stack := tftest.NewStack(t)
	archive, err := storage.NewBucket(stack, "archive", storage.BucketProps{
		Name:       "acme-archive-eu",
		KMSKeyARN:  "arn:aws:kms:eu-west-1:123456789012:key/abc",
		Disposable: true,
		Lifecycle: []storage.LifecycleRule{{ID: "tier", Prefix: "logs/", ExpireDays: 365, NoncurrentExpireDays: 7,
			Transitions: []storage.Transition{{Days: 30, StorageClass: "STANDARD_IA"}, {Days: 90, StorageClass: "GLACIER"}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if archive.Key() != nil {
		t.Error("a bucket with a given key creates none")
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
	if len(rules) != 3 { // abort-MPU + tier (it sets noncurrent expiry itself) + delete markers
		t.Errorf("%d lifecycle rules, want 3: %v", len(rules), rules)
	}
	if len(doc.Resources("aws_kms_key")) != 0 {
		t.Error("a bucket given a key made another")
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
	if _, err := storage.ImportBucket(tftest.NewStack(t), "i", storage.ImportBucketProps{Name: "UPPER"}); err == nil || !strings.Contains(err.Error(), `storage "test/i": Name "UPPER" is not an S3 bucket name`) {
		t.Errorf("import error = %v", err)
	}
}

// SSE-S3 is an explicit, reasoned opt-out recorded as the S3-005
// suppression; without a reason there is none.
func TestBucketSSES3OptOut(t *testing.T) {
	stack := tftest.NewStack(t)
	if _, err := storage.NewBucket(stack, "public-assets", storage.BucketProps{SSES3Reason: "only already-public marketing images"}); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	enc := doc.One(t, "aws_s3_bucket_server_side_encryption_configuration", "public-assets")
	if tftest.Block(tftest.Block(enc, "rule"), "apply_server_side_encryption_by_default")["sse_algorithm"] != "AES256" {
		t.Errorf("encryption = %v", enc)
	}
	// The suppression travels in the resource's "//" metadata, which the
	// test synth leaves out: read it from the full stack JSON.
	full, _ := json.Marshal(stack.ToTerraform())
	findings := tftest.Check(t, full)
	suppressed := false
	for _, f := range findings {
		if f.RuleID == "S3-005" {
			suppressed = f.Suppressed && f.SuppressionReason == "only already-public marketing images"
		}
	}
	if !suppressed {
		t.Errorf("S3-005 not suppressed with the reason: %v", findings)
	}
	if len(doc.Resources("aws_kms_key")) != 0 {
		t.Error("an SSE-S3 bucket made a KMS key")
	}
	_, err := storage.NewBucket(tftest.NewStack(t), "b", storage.BucketProps{SSES3Reason: "x", KMSKeyARN: "arn:aws:kms:eu-west-1:123456789012:key/abc"})
	if err == nil || !strings.Contains(err.Error(), "SSES3Reason is set together with KMSKeyARN") {
		t.Errorf("error = %v", err)
	}
}

func TestBucketObjectLock(t *testing.T) {
	stack := tftest.NewStack(t)
	if _, err := storage.NewBucket(stack, "audit", storage.BucketProps{ObjectLock: &storage.ObjectLock{Mode: "COMPLIANCE", RetentionDays: 2555}}); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	if b := doc.One(t, "aws_s3_bucket", "audit_bucket"); b["object_lock_enabled"] != true || tftest.Block(b, "lifecycle")["prevent_destroy"] != true {
		t.Errorf("bucket = %v", b)
	}
	lock := doc.One(t, "aws_s3_bucket_object_lock_configuration", "audit_object-lock")
	retention := tftest.Block(tftest.Block(lock, "rule"), "default_retention")
	if retention["mode"] != "COMPLIANCE" || retention["days"] != float64(2555) {
		t.Errorf("retention = %v", retention)
	}
	if deps := tftest.Strings(lock["depends_on"]); len(deps) != 1 || !strings.Contains(deps[0], "audit_versioning") {
		t.Errorf("the lock does not wait for versioning: %v", deps)
	}

	tests := []struct {
		props storage.BucketProps
		want  []string
	}{
		{storage.BucketProps{ObjectLock: &storage.ObjectLock{Mode: "WORM", RetentionDays: 0}}, []string{
			`ObjectLock.Mode "WORM" is not an Object Lock mode; use COMPLIANCE or GOVERNANCE`,
			`ObjectLock.RetentionDays 0 is out of range; use 1 to 36500`,
		}},
		{storage.BucketProps{DisableVersioning: true, Disposable: true, ObjectLock: &storage.ObjectLock{Mode: "COMPLIANCE", RetentionDays: 30}}, []string{
			"ObjectLock needs versioning, but DisableVersioning is set",
			"ObjectLock.Mode COMPLIANCE cannot be Disposable",
		}},
	}
	for i, tc := range tests {
		_, err := storage.NewBucket(tftest.NewStack(t), "b", tc.props)
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("case %d: error %v lacks %q", i, err, w)
			}
		}
	}
}

func TestBucketPolicyStatements(t *testing.T) {
	stack := tftest.NewStack(t)
	b, err := storage.NewBucket(stack, "audit", storage.BucketProps{})
	if err != nil {
		t.Fatal(err)
	}
	deny := iamdoc.Statement{
		Sid: "OnlyWriterWrites", Effect: "Deny", Principal: map[string]any{"AWS": "*"},
		Actions: []string{"s3:PutObject"}, Resources: []string{b.BucketARN() + "/*"},
		Condition: map[string]map[string]any{"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/writer-*"}},
	}
	if err := b.AddToResourcePolicy(deny); err != nil {
		t.Fatal(err)
	}
	if err := b.AddToResourcePolicy(iamdoc.Statement{Sid: "x", Effect: "Maybe"}); err == nil || !strings.Contains(err.Error(), `bucket policy of "test/audit"`) {
		t.Errorf("bad statement: %v", err)
	}
	doc := tftest.Synth(t, stack)
	st := tftest.Policy(t, doc.One(t, "aws_s3_bucket_policy", "audit_policy")["policy"])["Statement"].([]any)
	if len(st) != 2 || st[0].(map[string]any)["Sid"] != "DenyInsecureTransport" || st[1].(map[string]any)["Sid"] != "OnlyWriterWrites" {
		t.Errorf("statements = %v", st)
	}
}
