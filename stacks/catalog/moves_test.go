package catalog_test

import (
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucket"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpublicaccessblock"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketversioning"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/moves"
	"github.com/hybridstack/hybridstack/tools/review"
)

// TestConstructMoveEndToEnd renames a construct holding a bucket and two
// of its singleton settings. Without a call the reviewer suggests one
// construct-level call and flags the settings' race; with moves.From the
// head synthesizes a moved block per resource and the reviewer reports
// moves only: nothing destroyed, created or replaced, no finding.
func TestConstructMoveEndToEnd(t *testing.T) {
	build := func(id, old string) *review.Stack {
		app := cdktf.Testing_App(nil)
		stack := cdktf.NewTerraformStack(app, jsii.String("app"))
		provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
		c := constructs.NewConstruct(stack, jsii.String(id))
		b := s3bucket.NewS3Bucket(c, jsii.String("bucket"), &s3bucket.S3BucketConfig{Bucket: jsii.String("app-uploads")})
		s3bucketversioning.NewS3BucketVersioningA(c, jsii.String("versioning"), &s3bucketversioning.S3BucketVersioningAConfig{
			Bucket:                  b.Id(),
			VersioningConfiguration: &s3bucketversioning.S3BucketVersioningVersioningConfiguration{Status: jsii.String("Enabled")},
		})
		s3bucketpublicaccessblock.NewS3BucketPublicAccessBlock(c, jsii.String("public-access"), &s3bucketpublicaccessblock.S3BucketPublicAccessBlockConfig{
			Bucket: b.Id(), BlockPublicAcls: jsii.Bool(true), BlockPublicPolicy: jsii.Bool(true), IgnorePublicAcls: jsii.Bool(true), RestrictPublicBuckets: jsii.Bool(true),
		})
		if old != "" {
			if err := moves.From(c, old); err != nil {
				t.Fatal(err)
			}
		}
		// A full synthesis keeps the construct paths ("//" metadata).
		stacks, err := review.LoadDir(*cdktf.Testing_FullSynth(stack))
		if err != nil {
			t.Fatal(err)
		}
		if stacks["app"] == nil {
			t.Fatalf("no stack app in the synthesized output: %v", stacks)
		}
		return stacks["app"]
	}
	base := build("uploads", "")

	without := review.DiffStacks(base, build("media", ""))
	if len(without.ConstructMoves) != 1 || without.ConstructMoves[0].From != "uploads" || without.ConstructMoves[0].To != "media" {
		t.Fatalf("construct moves %+v: want one uploads -> media", without.ConstructMoves)
	}
	var lost []review.Finding
	for _, f := range without.Classify() {
		if f.Class == review.ClassSettingLost {
			lost = append(lost, f)
		}
	}
	// The bucket is renamed too: destroyed with its settings, so the
	// data-loss finding speaks, not the settings' race.
	if len(lost) != 0 {
		t.Errorf("setting-lost findings %+v: want none while the bucket itself is recreated", lost)
	}

	with := review.DiffStacks(base, build("media", "uploads"))
	if n := len(with.Changes); n != 3 {
		t.Fatalf("%d changes, want 3 moves: %+v", n, with.Changes)
	}
	for _, c := range with.Changes {
		if c.Action != review.Move {
			t.Errorf("%s: %s, want move", c.Address, c.Action)
		}
	}
	if f := with.Classify(); len(f) != 0 {
		t.Errorf("findings %+v: want none", f)
	}
}
