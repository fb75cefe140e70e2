package moves_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucket"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketversioning"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/moves"
)

type doc struct {
	Resource map[string]map[string]json.RawMessage `json:"resource"`
	Moved    []struct{ From, To string }           `json:"moved"`
}

// uploads builds a construct with a bucket and its versioning under
// scope, as a library construct would.
func uploads(scope constructs.Construct, id string) constructs.Construct {
	c := constructs.NewConstruct(scope, jsii.String(id))
	b := s3bucket.NewS3Bucket(c, jsii.String("bucket"), &s3bucket.S3BucketConfig{Bucket: jsii.String("app-uploads")})
	s3bucketversioning.NewS3BucketVersioningA(c, jsii.String("versioning"), &s3bucketversioning.S3BucketVersioningAConfig{
		Bucket:                  b.Id(),
		VersioningConfiguration: &s3bucketversioning.S3BucketVersioningVersioningConfiguration{Status: jsii.String("Enabled")},
	})
	return c
}

func synth(t *testing.T, build func(stack cdktf.TerraformStack)) doc {
	t.Helper()
	app := cdktf.Testing_App(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("app"))
	build(stack)
	var d doc
	if err := json.Unmarshal([]byte(*cdktf.Testing_Synth(stack, jsii.Bool(false))), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func addresses(d doc) []string {
	var out []string
	for typ, byName := range d.Resource {
		for name := range byName {
			out = append(out, typ+"."+name)
		}
	}
	sort.Strings(out)
	return out
}

// TestFromMovesEveryResource renames a construct with one call: the head
// has a moved block from each resource's base address (as cdktf itself
// gave it under the old path) to its head address, including a resource
// added to the construct after the call.
func TestFromMovesEveryResource(t *testing.T) {
	base := synth(t, func(stack cdktf.TerraformStack) { uploads(stack, "uploads") })
	head := synth(t, func(stack cdktf.TerraformStack) {
		store := constructs.NewConstruct(stack, jsii.String("store"))
		media := uploads(store, "media")
		if err := moves.From(media, "uploads"); err != nil {
			t.Fatal(err)
		}
		s3bucket.NewS3Bucket(media, jsii.String("logs"), &s3bucket.S3BucketConfig{Bucket: jsii.String("app-uploads-logs")})
	})
	baseAddrs, headAddrs := addresses(base), addresses(head)
	if len(baseAddrs) != 2 || len(headAddrs) != 3 {
		t.Fatalf("base %v, head %v: want 2 and 3 resources", baseAddrs, headAddrs)
	}
	if len(head.Moved) != 3 {
		t.Fatalf("moved blocks %+v: want 3", head.Moved)
	}
	got := map[string]string{}
	for _, m := range head.Moved {
		got[m.To] = m.From
	}
	want := map[string]string{
		"aws_s3_bucket.store_media_bucket_9E5B0B43":                "aws_s3_bucket.uploads_bucket_556152F0",
		"aws_s3_bucket_versioning.store_media_versioning_6A078F5A": "aws_s3_bucket_versioning.uploads_versioning_E6D9BEE8",
		"aws_s3_bucket.store_media_logs_ED3CFCC9":                  "aws_s3_bucket.uploads_logs_C3AC9EDE",
	}
	for to, from := range want {
		if got[to] != from {
			t.Errorf("moved to %s: from %q, want %q (all: %+v)", to, got[to], from, head.Moved)
		}
	}
	for _, a := range baseAddrs {
		found := false
		for _, from := range got {
			found = found || from == a
		}
		if !found {
			t.Errorf("base address %s has no moved block", a)
		}
	}
	for _, a := range headAddrs {
		if _, ok := got[a]; !ok {
			t.Errorf("head address %s has no moved block", a)
		}
	}
}

// TestNestedMovesInnermostWins moves a construct and, inside it, a child
// that was renamed too: each resource's old address comes from the
// innermost declaration (uploads/inner/bucket, not uploads/store/bucket),
// although cdktf runs the outer construct's aspect first.
func TestNestedMovesInnermostWins(t *testing.T) {
	base := synth(t, func(stack cdktf.TerraformStack) {
		outer := uploads(stack, "uploads")
		uploads(outer, "inner")
	})
	head := synth(t, func(stack cdktf.TerraformStack) {
		media := uploads(stack, "media")
		store := uploads(media, "store")
		if err := moves.From(store, "uploads/inner"); err != nil {
			t.Fatal(err)
		}
		if err := moves.From(media, "uploads"); err != nil {
			t.Fatal(err)
		}
	})
	baseAddrs := addresses(base)
	if len(baseAddrs) != 4 || len(head.Moved) != 4 {
		t.Fatalf("base %v, moved %+v: want 4 resources and 4 moved blocks", baseAddrs, head.Moved)
	}
	for _, m := range head.Moved {
		found := false
		for _, a := range baseAddrs {
			found = found || a == m.From
		}
		if !found {
			t.Errorf("moved block from %s to %s: %s is no base address (base: %v)", m.From, m.To, m.From, baseAddrs)
		}
		if strings.Contains(m.To, "store") != strings.Contains(m.From, "inner") {
			t.Errorf("moved block from %s to %s pairs the child with the parent", m.From, m.To)
		}
	}
}

// TestFromKeepsAnExplicitMove leaves a resource's own MoveFromId alone.
func TestFromKeepsAnExplicitMove(t *testing.T) {
	head := synth(t, func(stack cdktf.TerraformStack) {
		media := constructs.NewConstruct(stack, jsii.String("media"))
		b := s3bucket.NewS3Bucket(media, jsii.String("bucket"), &s3bucket.S3BucketConfig{Bucket: jsii.String("app-uploads")})
		b.MoveFromId(jsii.String("aws_s3_bucket.legacy"))
		if err := moves.From(media, "uploads"); err != nil {
			t.Fatal(err)
		}
	})
	if len(head.Moved) != 1 || head.Moved[0].From != "aws_s3_bucket.legacy" {
		t.Fatalf("moved blocks %+v: want only the explicit one from aws_s3_bucket.legacy", head.Moved)
	}
}

func TestUniqueIDMatchesCdktf(t *testing.T) {
	for _, tc := range []struct {
		path []string
		want string
	}{
		{[]string{"bucket"}, "bucket"},
		{[]string{"uploads", "bucket"}, "uploads_bucket_556152F0"},
		{[]string{"uploads", "public-access"}, "uploads_public-access_AB3EDE4A"},
		{[]string{"logs", "logs"}, "logs_DE0A808E"},
		{[]string{"app", "Default", "bucket"}, "app_bucket_65C4A27F"},
		{[]string{"Resource", "uploads-uploads", "bucket"}, "uploads-uploads_bucket_63BB4E33"},
	} {
		if got := moves.UniqueID(tc.path); got != tc.want {
			t.Errorf("UniqueID(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
	// Every address cdktf allocates is the one UniqueID computes.
	d := synth(t, func(stack cdktf.TerraformStack) {
		uploads(constructs.NewConstruct(stack, jsii.String("Resource")), "uploads-uploads")
	})
	if n := len(d.Resource["aws_s3_bucket"]); n != 1 {
		t.Fatalf("%d buckets, want 1", n)
	}
	for name := range d.Resource["aws_s3_bucket"] {
		if name != "uploads-uploads_bucket_63BB4E33" {
			t.Errorf("cdktf id %s, UniqueID uploads-uploads_bucket_63BB4E33", name)
		}
	}
}

func TestFromErrors(t *testing.T) {
	app := cdktf.Testing_App(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("app"))
	media := uploads(stack, "media")
	uploads(stack, "uploads")
	loose := constructs.NewConstruct(cdktf.Testing_App(nil), jsii.String("loose"))
	for _, tc := range []struct {
		name string
		c    constructs.IConstruct
		old  string
		want string
	}{
		{"empty", media, " ", `app/media: moves.From old path " ": empty; want the construct's former path inside its stack`},
		{"empty element", media, "store//uploads", `app/media: moves.From old path "store//uploads": element 1 is empty`},
		{"leading slash", media, "/uploads", `element 0 is empty`},
		{"same path", media, "media", `app/media: moves.From old path "media" is the construct's current path: nothing moves`},
		{"still exists", media, "uploads", `app/media: moves.From old path "uploads" still names a construct (app/uploads)`},
		{"stack", stack, "old", `app: moves.From moves a construct inside a stack, not the stack itself`},
		{"no stack", loose, "old", `moves.From needs a construct inside a TerraformStack`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := moves.From(tc.c, tc.old)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
