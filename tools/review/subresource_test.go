package review

import (
	"strings"
	"testing"
)

// TestSubresourceRace: moving a bucket (moved block) with its settings
// renamed without one raises one high finding for the bucket, naming
// each setting, what its destroy does, the ordering the real plan showed
// and the construct-level fix.
func TestSubresourceRace(t *testing.T) {
	rep := fixture(t, "subresource")
	var got []Finding
	for _, f := range rep.Stacks[0].Findings {
		if f.Class == ClassSettingLost {
			got = append(got, f)
		}
	}
	if len(got) != 1 {
		t.Fatalf("%d setting-lost findings, want 1: %+v", len(got), got)
	}
	f := got[0]
	if f.Severity != High || f.Address != "aws_s3_bucket.media_bucket_0B659CB7" || f.Path != "media/bucket" {
		t.Errorf("finding %+v: want high on aws_s3_bucket.media_bucket_0B659CB7 (media/bucket)", f)
	}
	for _, want := range []string{
		"6 singleton settings of the live aws_s3_bucket.media_bucket_0B659CB7",
		"no edge between them",
		"aws_s3_bucket_public_access_block (media/public-access, was uploads/public-access) deletes the public access block",
		"aws_s3_bucket_policy (media/policy, was uploads/policy) deletes the bucket policy",
		"aws_s3_bucket_server_side_encryption_configuration (media/encryption, was uploads/encryption) deletes the default encryption",
		"aws_s3_bucket_versioning (media/versioning, was uploads/versioning) suspends versioning",
		"aws_s3_bucket_lifecycle_configuration (media/lifecycle, was uploads/lifecycle) deletes every lifecycle rule",
		"aws_s3_bucket_ownership_controls (media/ownership, was uploads/ownership) deletes the ownership controls",
		"Fix: one construct-level move keeps them all: `moves.From(media, \"uploads\")`",
	} {
		if !strings.Contains(f.Message, want) {
			t.Errorf("message lacks %q:\n%s", want, f.Message)
		}
	}
}

const subBase = `{"resource": {
  "aws_s3_bucket": {"b": {"bucket": "app-b"}},
  "aws_s3_bucket_versioning": {"v": {"bucket": "${aws_s3_bucket.b.id}", "versioning_configuration": {"status": "Enabled"}}},
  "aws_sqs_queue_policy": {"p": {"queue_url": "https://sqs.eu-west-1.amazonaws.com/1/q", "policy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"}}
}}`

func diffJSON(t *testing.T, base, head string) *StackDiff {
	t.Helper()
	b, err := Parse("app", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	h, err := Parse("app", []byte(head))
	if err != nil {
		t.Fatal(err)
	}
	return DiffStacks(b, h)
}

func settingLost(d *StackDiff) []Finding {
	var out []Finding
	for _, f := range d.Classify() {
		if f.Class == ClassSettingLost {
			out = append(out, f)
		}
	}
	return out
}

func TestSubresourceCases(t *testing.T) {
	for _, tc := range []struct {
		name, head string
		want       []string // one message fragment per expected finding
	}{
		{"renamed without moved block", `{"resource": {
  "aws_s3_bucket": {"b": {"bucket": "app-b"}},
  "aws_s3_bucket_versioning": {"v2": {"bucket": "${aws_s3_bucket.b.id}", "versioning_configuration": {"status": "Enabled"}}},
  "aws_sqs_queue_policy": {"p": {"queue_url": "https://sqs.eu-west-1.amazonaws.com/1/q", "policy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"}}
}}`, []string{"1 singleton settings of the live aws_s3_bucket.b change address without a moved block. A real plan"}},
		{"moved block: a no-op", `{"resource": {
  "aws_s3_bucket": {"b": {"bucket": "app-b"}},
  "aws_s3_bucket_versioning": {"v2": {"bucket": "${aws_s3_bucket.b.id}", "versioning_configuration": {"status": "Enabled"}}},
  "aws_sqs_queue_policy": {"p": {"queue_url": "https://sqs.eu-west-1.amazonaws.com/1/q", "policy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"}}
}, "moved": [{"from": "aws_s3_bucket_versioning.v", "to": "aws_s3_bucket_versioning.v2"}]}`, nil},
		{"literal parent, delete and create not paired", `{"resource": {
  "aws_s3_bucket": {"b": {"bucket": "app-b"}},
  "aws_s3_bucket_versioning": {"v": {"bucket": "${aws_s3_bucket.b.id}", "versioning_configuration": {"status": "Enabled"}}},
  "aws_sqs_queue_policy": {"p2": {"queue_url": "https://sqs.eu-west-1.amazonaws.com/1/q", "policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sqs:SendMessage\",\"Resource\":\"*\"}],\"Id\":\"x\"}"}}
}}`, []string{`1 singleton settings of the live queue_url "https://sqs.eu-west-1.amazonaws.com/1/q"` + `[^]` + "aws_sqs_queue_policy (aws_sqs_queue_policy.p2, was aws_sqs_queue_policy.p) deletes the queue policy"}},
		{"parent replaced: the data-loss finding says it", `{"resource": {
  "aws_s3_bucket": {"b": {"bucket": "app-b2"}},
  "aws_s3_bucket_versioning": {"v2": {"bucket": "${aws_s3_bucket.b.id}", "versioning_configuration": {"status": "Enabled"}}},
  "aws_sqs_queue_policy": {"p": {"queue_url": "https://sqs.eu-west-1.amazonaws.com/1/q", "policy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"}}
}}`, nil},
		{"moved to another bucket: no race", `{"resource": {
  "aws_s3_bucket": {"b": {"bucket": "app-b"}, "c": {"bucket": "app-c"}},
  "aws_s3_bucket_versioning": {"v2": {"bucket": "${aws_s3_bucket.c.id}", "versioning_configuration": {"status": "Enabled"}}},
  "aws_sqs_queue_policy": {"p": {"queue_url": "https://sqs.eu-west-1.amazonaws.com/1/q", "policy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"}}
}}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := settingLost(diffJSON(t, subBase, tc.head))
			if len(got) != len(tc.want) {
				t.Fatalf("%d setting-lost findings, want %d: %+v", len(got), len(tc.want), got)
			}
			for i, w := range tc.want {
				// [^] separates fragments of one finding's message.
				for _, frag := range strings.Split(w, "[^]") {
					if got[i].Severity != High || !strings.Contains(got[i].Message, frag) {
						t.Errorf("finding %d %+v: want high with %q", i, got[i], frag)
					}
				}
			}
		})
	}
}

func TestSubresourceTable(t *testing.T) {
	if len(subresources) < 20 {
		t.Fatalf("%d sub-resource types, want at least 20", len(subresources))
	}
	for typ, sr := range subresources {
		if sr.Parent == "" || sr.Destroy == "" {
			t.Errorf("%s: parent %q, destroy %q: both are needed", typ, sr.Parent, sr.Destroy)
		}
	}
}
