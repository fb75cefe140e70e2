package registry_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/fuzztest"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/registry"
)

// FuzzNewRepository feeds primitive values into the props of
// NewRepository and checks the contract of every call: it returns a value
// or an error, never both and never neither, and never panics; an error is
// about props, so it wraps validate.ErrInvalid, every FieldError in it
// names the construct path, the field and the problem, and a failed call
// added nothing; a stack built without error synthesizes a lifecycle
// policy ECR accepts. `go test` runs the seeds; `go test -fuzz` explores
// from them.
func FuzzNewRepository(f *testing.F) {
	type in struct {
		id, name, kms, reason string
		untagged, images      int
		disposable            bool
		tagKey, tagValue      string
	}
	add := func(i in) {
		f.Add(i.id, i.name, i.kms, i.reason, i.untagged, i.images, i.disposable, i.tagKey, i.tagValue)
	}
	add(in{id: "api", name: "payments/api"})
	add(in{id: "preview", name: "preview", kms: keyARN, reason: "moving tag main", untagged: 1, images: 10000, disposable: true, tagKey: "team", tagValue: "web"})
	add(in{id: "api", name: "@token", kms: "@token"})
	add(in{id: "api", name: "Payments//API", kms: "alias/aws/ecr", reason: " ", untagged: -1, images: -1, tagKey: "aws:x"})
	add(in{id: "api", name: "a", untagged: 1 << 62, images: 1 << 62})
	add(in{id: "api", name: strings.Repeat("a", 257)})
	add(in{id: "api", name: "a.b_c-d/e2/f", untagged: 3650, images: 1})
	add(in{id: "ünï/cødé", name: "ünï", reason: "ünï", tagKey: "", tagValue: "x"})
	add(in{id: "awsenv-region", name: "api"})
	fuzztest.WarmUp(f)
	f.Fuzz(func(t *testing.T, id, name, kms, reason string, untagged, images int, disposable bool, tagKey, tagValue string) {
		stack := fuzztest.Stack(t)
		fuzztest.Tokens(stack, &name, &kms)
		props := registry.RepositoryProps{Name: name, KMSKeyARN: kms, MutableTagsReason: reason, UntaggedExpireDays: untagged, MaxImages: images, Disposable: disposable}
		if tagKey != "" || tagValue != "" {
			props.Tags = map[string]string{tagKey: tagValue}
		}
		var repo *registry.Repository
		var err error
		added := fuzztest.Adds(stack, id)
		fuzztest.Run(t, func() { repo, err = registry.NewRepository(stack, id, props) })
		if !fuzztest.Check(t, "NewRepository", repo != nil, err) {
			if added() {
				t.Fatalf("NewRepository returned %v but added %q to the tree", err, id)
			}
			return
		}
		if repo.RepositoryARN() == "" || repo.KMSKeyARN() != kms || !strings.HasSuffix(repo.ImageURI("v1"), ":v1") {
			t.Fatalf("NewRepository: ARN %q, key %q, image %q", repo.RepositoryARN(), repo.KMSKeyARN(), repo.ImageURI("v1"))
		}
		doc := tftest.Synth(t, stack)
		if n := len(doc.Resources("aws_ecr_lifecycle_policy")); n != 1 {
			t.Fatalf("NewRepository(%q) made %d lifecycle policies, want 1", id, n)
		}
		for _, lp := range doc.Resources("aws_ecr_lifecycle_policy") {
			var p struct {
				Rules []struct {
					RulePriority int
					Selection    struct {
						TagStatus      string
						TagPatternList []string
						CountNumber    int
					}
				}
			}
			if err := json.Unmarshal([]byte(lp["policy"].(string)), &p); err != nil {
				t.Fatal(err)
			}
			for i, r := range p.Rules {
				if r.RulePriority != i+1 || r.Selection.CountNumber < 1 || r.Selection.TagStatus == "any" ||
					(r.Selection.TagStatus == "tagged") != (len(r.Selection.TagPatternList) > 0) {
					t.Fatalf("rule %d is not one ECR accepts: %+v", i, r)
				}
			}
		}
	})
}
