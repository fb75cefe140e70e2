package moves_test

import (
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/moves"
	"github.com/hybridstack/hybridstack/constructs/storage"
)

// TestFromKeepsAddressesNotDerivedNames: a storage bucket moved from id
// "uploads" to "media" gets a moved block, but its default bucket_prefix
// follows the new id (a forced-new change: Terraform replaces it anyway);
// with NamePrefix pinned to the old value it stays "uploads-".
func TestFromKeepsAddressesNotDerivedNames(t *testing.T) {
	for _, tc := range []struct {
		name   string
		props  storage.BucketProps
		prefix string
	}{
		{"default prefix follows the id", storage.BucketProps{}, "media-"},
		{"pinned prefix stays", storage.BucketProps{NamePrefix: "uploads-"}, "uploads-"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stack := tftest.NewStack(t)
			media, err := storage.NewBucket(stack, "media", tc.props)
			if err != nil {
				t.Fatal(err)
			}
			if err := moves.From(media, "uploads"); err != nil {
				t.Fatal(err)
			}
			doc := tftest.Synth(t, stack)
			b := doc.One(t, "aws_s3_bucket", "media_bucket")
			if b["bucket_prefix"] != tc.prefix {
				t.Errorf("bucket_prefix = %v, want %q", b["bucket_prefix"], tc.prefix)
			}
			alias := doc.One(t, "aws_kms_alias", "media")
			if name, _ := alias["name"].(string); name == "" || name[len(name)-len("/media"):] != "/media" {
				t.Errorf("key alias name = %v, want it to follow the new path (…/media)", alias["name"])
			}
			from := "aws_s3_bucket." + moves.UniqueID([]string{"uploads", "bucket"})
			to := doc.Address(t, "aws_s3_bucket", "media_bucket")
			moved, _ := doc["moved"].([]any)
			found := 0
			for _, m := range moved {
				if mm, _ := m.(map[string]any); mm["from"] == from && mm["to"] == to {
					found++
				}
			}
			if len(moved) == 0 || found != 1 {
				t.Errorf("%d moved blocks, %d from %s to %s: %v", len(moved), found, from, to, moved)
			}
		})
	}
}
