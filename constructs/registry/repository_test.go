package registry_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/lambdacode"
	"github.com/hybridstack/hybridstack/constructs/nag"
	"github.com/hybridstack/hybridstack/constructs/registry"
	"github.com/hybridstack/hybridstack/constructs/serverless"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

const keyARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

// policyClean fails for every unsuppressed policy finding in the stack.
func policyClean(t *testing.T, stack cdktf.TerraformStack) {
	t.Helper()
	full, _ := json.Marshal(stack.ToTerraform())
	findings := tftest.Check(t, full)
	for _, f := range findings {
		if !f.Suppressed {
			t.Errorf("finding %s on %s: %s", f.RuleID, f.Address, f.Message)
		}
	}
}

type rule struct {
	RulePriority int
	Description  string
	Selection    struct {
		TagStatus      string
		TagPatternList []string
		TagPrefixList  []string
		CountType      string
		CountUnit      string
		CountNumber    int
	}
	Action struct{ Type string }
}

// lifecycleRules returns the rules of the repository's lifecycle policy.
func lifecycleRules(t *testing.T, doc tftest.Doc, part string) []rule {
	t.Helper()
	var p struct{ Rules []rule }
	if err := json.Unmarshal([]byte(doc.One(t, "aws_ecr_lifecycle_policy", part)["policy"].(string)), &p); err != nil {
		t.Fatal(err)
	}
	return p.Rules
}

func TestRepositorySecureDefaults(t *testing.T) {
	stack := tftest.NewStack(t)
	repo, err := registry.NewRepository(stack, "api", registry.RepositoryProps{Name: "payments/api", Tags: map[string]string{"team": "payments"}})
	if err != nil {
		t.Fatal(err)
	}
	if repo.Resource() == nil || repo.LifecyclePolicy() == nil || repo.KMSKeyARN() != "" {
		t.Errorf("Resource, LifecyclePolicy and KMSKeyARN: %v %v %q", repo.Resource(), repo.LifecyclePolicy(), repo.KMSKeyARN())
	}
	for name, v := range map[string]string{
		"url": repo.RepositoryURL(), "arn": repo.RepositoryARN(), "name": repo.RepositoryName(),
		"tag": repo.ImageURI("v1.4.2"), "digest": repo.ImageURI("sha256:0123abcd"), "bare": repo.ImageURI(""),
	} {
		cdktf.NewTerraformOutput(stack, ptr.String(name), &cdktf.TerraformOutputConfig{Value: v})
	}
	doc := tftest.Synth(t, stack)
	r := doc.One(t, "aws_ecr_repository", "api")
	addr := doc.Address(t, "aws_ecr_repository", "api")

	want := map[string]any{
		"name":                         "payments/api",
		"image_tag_mutability":         "IMMUTABLE",
		"image_scanning_configuration": map[string]any{"scan_on_push": true},
		"encryption_configuration":     []any{map[string]any{"encryption_type": "KMS"}},
		"force_delete":                 false,
		"lifecycle":                    map[string]any{"prevent_destroy": true},
		"tags":                         map[string]any{"team": "payments"},
	}
	for _, k := range ptr.SortedKeys(want) {
		if !reflect.DeepEqual(r[k], want[k]) {
			t.Errorf("repository %s = %#v, want %#v", k, r[k], want[k])
		}
	}

	t.Run("lifecycle policy", func(t *testing.T) {
		lp := doc.One(t, "aws_ecr_lifecycle_policy", "api")
		if lp["repository"] != "${"+addr+".name}" {
			t.Errorf("repository = %v", lp["repository"])
		}
		rules := lifecycleRules(t, doc, "api")
		if len(rules) != 2 {
			t.Fatalf("rules = %+v", rules)
		}
		untagged, tagged := rules[0], rules[1]
		if untagged.RulePriority != 1 || untagged.Selection.TagStatus != "untagged" || untagged.Selection.CountType != "sinceImagePushed" ||
			untagged.Selection.CountUnit != "days" || untagged.Selection.CountNumber != 7 || untagged.Action.Type != "expire" ||
			untagged.Selection.TagPatternList != nil || untagged.Selection.TagPrefixList != nil {
			t.Errorf("untagged rule = %+v", untagged)
		}
		// A tagged rule needs a pattern or prefix list; "*" covers every
		// tag without the "any" status, which would count untagged images
		// too and must come last.
		if tagged.RulePriority != 2 || tagged.Selection.TagStatus != "tagged" || !reflect.DeepEqual(tagged.Selection.TagPatternList, []string{"*"}) ||
			tagged.Selection.CountType != "imageCountMoreThan" || tagged.Selection.CountNumber != 30 || tagged.Selection.CountUnit != "" || tagged.Action.Type != "expire" {
			t.Errorf("tagged rule = %+v", tagged)
		}
		if untagged.Description != "Expire untagged images 7 days after push" || tagged.Description != "Keep the 30 most recent tagged images" {
			t.Errorf("descriptions = %q, %q", untagged.Description, tagged.Description)
		}
	})

	t.Run("attributes", func(t *testing.T) {
		outputs, _ := doc["output"].(map[string]any)
		url := "${" + addr + ".repository_url}"
		for name, want := range map[string]string{
			"url": url, "arn": "${" + addr + ".arn}", "name": "${" + addr + ".name}",
			"tag": url + ":v1.4.2", "digest": url + "@sha256:0123abcd", "bare": url,
		} {
			if got := tftest.Block(outputs, name)["value"]; got != want {
				t.Errorf("output %s = %v, want %s", name, got, want)
			}
		}
	})

	t.Run("policy rules pass", func(t *testing.T) { policyClean(t, stack) })
}

func TestRepositoryOptions(t *testing.T) {
	stack := tftest.NewStack(t)
	nag.DeclareDisposable(stack)
	repo, err := registry.NewRepository(stack, "preview", registry.RepositoryProps{Name: "preview", KMSKeyARN: keyARN,
		MutableTagsReason: "the preview environment deploys the moving tag main", UntaggedExpireDays: 1, MaxImages: 5, Disposable: true})
	if err != nil {
		t.Fatal(err)
	}
	if repo.KMSKeyARN() != keyARN {
		t.Errorf("KMSKeyARN = %q", repo.KMSKeyARN())
	}
	doc := tftest.Synth(t, stack)
	r := doc.One(t, "aws_ecr_repository", "preview")
	if r["image_tag_mutability"] != "MUTABLE" || r["force_delete"] != true || r["lifecycle"] != nil ||
		!reflect.DeepEqual(r["encryption_configuration"], []any{map[string]any{"encryption_type": "KMS", "kms_key": keyARN}}) {
		t.Errorf("repository = %v", r)
	}
	rules := lifecycleRules(t, doc, "preview")
	if rules[0].Selection.CountNumber != 1 || rules[1].Selection.CountNumber != 5 {
		t.Errorf("rules = %+v", rules)
	}
	var infos []string
	for _, m := range *repo.Node().Metadata() {
		infos = append(infos, *m.Type+": "+strings.TrimSpace(stringOf(m.Data)))
	}
	if !reflect.DeepEqual(infos, []string{"@cdktf/info: test/preview: image tags are mutable: the preview environment deploys the moving tag main"}) {
		t.Errorf("metadata = %q", infos)
	}
	policyClean(t, stack)
}

func stringOf(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if p, ok := v.(*string); ok && p != nil {
		return *p
	}
	return ""
}

func TestRepositoryValidation(t *testing.T) {
	tests := []struct {
		name  string
		props registry.RepositoryProps
		want  string
	}{
		{"no name", registry.RepositoryProps{},
			`registry "test/repo": Name is empty; name the repository (2-256 lowercase letters and digits, separated by '.', '_' or '-' within a component and '/' between components, such as "payments/api")`},
		{"uppercase", registry.RepositoryProps{Name: "Payments/API"}, `Name "Payments/API" is not an ECR repository name (2-256 lowercase letters`},
		{"leading separator", registry.RepositoryProps{Name: "-api"}, `Name "-api" is not an ECR repository name`},
		{"double separator", registry.RepositoryProps{Name: "payments//api"}, `Name "payments//api" is not an ECR repository name`},
		{"trailing slash", registry.RepositoryProps{Name: "payments/"}, `Name "payments/" is not an ECR repository name`},
		{"separator pair", registry.RepositoryProps{Name: "pay._ments"}, `Name "pay._ments" is not an ECR repository name`},
		{"one character", registry.RepositoryProps{Name: "a"}, `Name "a" has 1 characters; ECR allows 2-256`},
		{"too long", registry.RepositoryProps{Name: strings.Repeat("a", 257)}, `has 257 characters; ECR allows 2-256`},
		{"key alias", registry.RepositoryProps{Name: "api", KMSKeyARN: "alias/aws/ecr"},
			`KMSKeyARN "alias/aws/ecr" is not a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>); ECR needs the key's ARN, not an alias`},
		{"blank reason", registry.RepositoryProps{Name: "api", MutableTagsReason: "  "},
			`MutableTagsReason is blank; say why a tag may name another image later, or leave it empty for immutable tags`},
		{"negative days", registry.RepositoryProps{Name: "api", UntaggedExpireDays: -1}, `UntaggedExpireDays -1 is outside 1-3650 days`},
		{"too many days", registry.RepositoryProps{Name: "api", UntaggedExpireDays: 3651}, `UntaggedExpireDays 3651 is outside 1-3650 days`},
		{"negative images", registry.RepositoryProps{Name: "api", MaxImages: -3},
			`MaxImages -3 is outside 1-10000, the tagged images a repository may keep (ECR's default quota is 10000 images per repository)`},
		{"too many images", registry.RepositoryProps{Name: "api", MaxImages: 10001}, `MaxImages 10001 is outside 1-10000`},
		{"aws tag", registry.RepositoryProps{Name: "api", Tags: map[string]string{"aws:x": "y"}}, `Tags key "aws:x" uses the reserved aws: prefix`},
		{"empty tag key", registry.RepositoryProps{Name: "api", Tags: map[string]string{"": "y"}}, `Tags key "" is not 1-128 characters`},
		{"long tag value", registry.RepositoryProps{Name: "api", Tags: map[string]string{"team": strings.Repeat("v", 257)}}, `Tags value of "team" has 257 characters; AWS allows 256`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stack := tftest.NewStack(t)
			repo, err := registry.NewRepository(stack, "repo", tt.props)
			if repo != nil || err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v does not contain %q", err, tt.want)
			}
			if !errors.Is(err, validate.ErrInvalid) {
				t.Errorf("error does not wrap validate.ErrInvalid: %v", err)
			}
			if n := len(validate.Fields(err)); n != 1 {
				t.Errorf("%d problems, want 1: %v", n, err)
			}
		})
	}

	t.Run("valid names", func(t *testing.T) {
		for _, name := range []string{"ab", "payments/api", "a.b_c-d/e2/f", strings.Repeat("a", 256)} {
			if _, err := registry.NewRepository(tftest.NewStack(t), "repo", registry.RepositoryProps{Name: name}); err != nil {
				t.Errorf("%q: %v", name, err)
			}
		}
	})

	t.Run("every problem at once, nothing created", func(t *testing.T) {
		stack := tftest.NewStack(t)
		_, err := registry.NewRepository(stack, "repo", registry.RepositoryProps{Name: "API", KMSKeyARN: "key", MutableTagsReason: " ", UntaggedExpireDays: -1, MaxImages: -1})
		var fields []string
		for _, fe := range validate.Fields(err) {
			fields = append(fields, fe.Field)
		}
		if want := []string{"Name", "KMSKeyARN", "MutableTagsReason", "UntaggedExpireDays", "MaxImages"}; !reflect.DeepEqual(fields, want) {
			t.Errorf("fields = %v, want %v\n%v", fields, want, err)
		}
		if stack.Node().TryFindChild(ptr.String("repo")) != nil {
			t.Error("invalid props created the construct")
		}
	})

	t.Run("tokens are not checked", func(t *testing.T) {
		stack := tftest.NewStack(t)
		v := func(id string) string {
			return *cdktf.NewTerraformVariable(stack, ptr.String(id), &cdktf.TerraformVariableConfig{Type: ptr.String("string")}).StringValue()
		}
		if _, err := registry.NewRepository(stack, "repo", registry.RepositoryProps{Name: v("name"), KMSKeyARN: v("key")}); err != nil {
			t.Fatalf("tokens were rejected: %v", err)
		}
		if r := tftest.Synth(t, stack).One(t, "aws_ecr_repository", "repo"); r["name"] != "${var.name}" {
			t.Errorf("name = %v", r["name"])
		}
	})

	t.Run("nil scope", func(t *testing.T) {
		if _, err := registry.NewRepository(nil, "repo", registry.RepositoryProps{Name: "api"}); err == nil || !strings.Contains(err.Error(), "scope is nil") {
			t.Errorf("error = %v", err)
		}
	})
}

type statement struct {
	Sid      string
	Action   []string
	Resource []string
}

func TestGrants(t *testing.T) {
	stack := tftest.NewStack(t)
	repo, err := registry.NewRepository(stack, "api", registry.RepositoryProps{Name: "payments/api"})
	if err != nil {
		t.Fatal(err)
	}
	h, err := serverless.NewHandler(stack, "deployer", serverless.HandlerProps{Code: lambdacode.FromS3("acme-artifacts", "deployer.zip", "")})
	if err != nil {
		t.Fatal(err)
	}
	if err := repo.GrantPull(h); err != nil {
		t.Fatal(err)
	}
	if err := repo.GrantPush(h); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	arn := "${" + doc.Address(t, "aws_ecr_repository", "api") + ".arn}"
	token := statement{"AuthorizationToken", []string{"ecr:GetAuthorizationToken"}, []string{"*"}}
	for _, tt := range []struct {
		name string
		want []statement
	}{
		{"ecr-pull-api", []statement{{"Pull", []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}, []string{arn}}, token}},
		{"ecr-push-api", []statement{{"Push", []string{"ecr:BatchCheckLayerAvailability", "ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"}, []string{arn}}, token}},
	} {
		p := doc.One(t, "aws_iam_role_policy", "policy-"+tt.name)
		var d struct{ Statement []statement }
		if err := json.Unmarshal([]byte(p["policy"].(string)), &d); err != nil {
			t.Fatal(err)
		}
		if p["name"] != tt.name || !reflect.DeepEqual(d.Statement, tt.want) {
			t.Errorf("%v: statements =\n%+v\nwant\n%+v", p["name"], d.Statement, tt.want)
		}
	}
	policyClean(t, stack)

	for _, err := range []error{repo.GrantPull(nil), repo.GrantPush(nil)} {
		if err == nil || !errors.Is(err, validate.ErrInvalid) || !strings.Contains(err.Error(), `registry "test/api": Grant`) || !strings.Contains(err.Error(), ".Grantee is nil") {
			t.Errorf("error = %v", err)
		}
	}
}
