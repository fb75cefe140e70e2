package storage_test

import (
	"strings"
	"testing"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lambdapermission"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/storage"
)

// TestLambdaNotifications checks the bucket side of an S3 event source
// (serverless.Handler.AddS3Source): configurations gather in one
// notification resource, which depends on each permission, and an
// overlapping filter is refused, naming both, before anything is added.
func TestLambdaNotifications(t *testing.T) {
	stack := tftest.NewStack(t)
	made, err := storage.NewBucket(stack, "uploads", storage.BucketProps{})
	if err != nil {
		t.Fatal(err)
	}
	imported, err := storage.ImportBucket(stack, "legacy", storage.ImportBucketProps{Name: "acme-legacy"})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []storage.BucketRef{made, imported} {
		id := *b.Node().Id()
		perm := func(name string) cdktf.TerraformResource {
			return lambdapermission.NewLambdaPermission(stack, ptr.String(id+"-"+name), &lambdapermission.LambdaPermissionConfig{
				Action: ptr.String("lambda:InvokeFunction"), FunctionName: ptr.String(name), Principal: ptr.String("s3.amazonaws.com"), SourceArn: ptr.String(b.BucketARN()),
			})
		}
		images := []string{"s3:ObjectCreated:*"}
		if err := b.CheckLambdaNotification(images, "images/", ".jpg"); err != nil {
			t.Fatalf("%s: first check: %v", id, err)
		}
		if err := b.AddLambdaNotification("test/thumbs (jpgs)", "thumbs-jpgs", "arn:aws:lambda:eu-west-1:123456789012:function:thumbs", images, "images/", ".jpg", perm("thumbs")); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if err := b.AddLambdaNotification("test/index (docs)", "index-docs", "arn:aws:lambda:eu-west-1:123456789012:function:index", []string{"s3:ObjectCreated:Put"}, "docs/", "", perm("index")); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		want := `filter (prefix "images/", suffix "", events [s3:ObjectCreated:Put]) overlaps the filter of test/thumbs (jpgs) (prefix "images/", suffix ".jpg", events [s3:ObjectCreated:*]) on bucket test/` + id + `; S3 rejects overlapping notifications for the same event`
		if err := b.CheckLambdaNotification([]string{"s3:ObjectCreated:Put"}, "images/", ""); err == nil || err.Error() != want {
			t.Errorf("%s: check error = %v, want %s", id, err, want)
		}
		if err := b.AddLambdaNotification("test/all (all)", "all-all", "arn:aws:lambda:eu-west-1:123456789012:function:all", []string{"s3:ObjectCreated:Put"}, "images/", "", nil); err == nil || !strings.Contains(err.Error(), "overlaps the filter of test/thumbs (jpgs)") {
			t.Errorf("%s: add error = %v", id, err)
		}
		if err := b.CheckLambdaNotification([]string{"s3:ObjectRemoved:*"}, "images/", ""); err != nil {
			t.Errorf("%s: another event does not overlap: %v", id, err)
		}
	}
	doc := tftest.Synth(t, stack)
	notes := doc.Resources("aws_s3_bucket_notification")
	if len(notes) != 2 {
		t.Fatalf("%d notifications, want one per bucket", len(notes))
	}
	for _, id := range []string{"uploads", "legacy"} {
		n := doc.One(t, "aws_s3_bucket_notification", id)
		fns, _ := n["lambda_function"].([]any)
		if len(fns) != 2 {
			t.Fatalf("%s: %d lambda_function blocks, want 2 (the overlapping one refused)", id, len(fns))
		}
		for i, wantID := range []string{"thumbs-jpgs", "index-docs"} {
			if got := fns[i].(map[string]any)["id"]; got != wantID {
				t.Errorf("%s: block %d id = %v, want %s", id, i, got, wantID)
			}
		}
		deps := tftest.Strings(n["depends_on"])
		if len(deps) != 2 || !strings.Contains(deps[0], id+"-thumbs") || !strings.Contains(deps[1], id+"-index") {
			t.Errorf("%s: depends on %v, want both permissions", id, deps)
		}
	}
}
