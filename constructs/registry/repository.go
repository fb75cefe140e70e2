// Package registry provides Repository (NewRepository): an Amazon ECR
// private repository whose image tags cannot be overwritten, whose images
// are scanned for vulnerabilities when pushed and encrypted with KMS, with
// a lifecycle policy that expires untagged images and all but the newest
// tagged ones, and which is protected from destroy unless Disposable.
// Builds push to it after GrantPush; workloads pull from it after
// GrantPull, naming images with ImageURI.
package registry

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecrlifecyclepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecrrepository"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

const (
	defaultUntaggedExpireDays = 7
	defaultMaxImages          = 30
	// maxUntaggedExpireDays keeps untagged images at most ten years.
	maxUntaggedExpireDays = 3650
	// maxImages is ECR's default quota of images per repository.
	maxImages                    = 10000
	minNameLength, maxNameLength = 2, 256
	maxTagKeyLen, maxTagValueLen = 128, 256
)

// RepositoryProps configures a Repository.
type RepositoryProps struct {
	// Name is the repository name, unique per account and Region: 2-256
	// lowercase letters, digits and the separators '.', '_', '-' (between
	// letters or digits) and '/' (between path components), such as
	// "payments/api". Required.
	Name string
	// KMSKeyARN encrypts the images with a customer managed key (its full
	// ARN), whose use can be limited and audited per principal. ECR uses
	// the key through grants it creates when the repository is made, so
	// the principal that applies the stack needs kms:CreateGrant on it,
	// and pullers and pushers need no permission on the key. It cannot be
	// changed after creation (a change replaces the repository).
	// Default: - KMS with the AWS managed key aws/ecr
	KMSKeyARN string
	// MutableTagsReason lets a tag be pushed again and then name another
	// image, and records why. With immutable tags (the default) a tag
	// names one image for good: a deployment of "v1.4.2" runs what was
	// tested as "v1.4.2", and a compromised build cannot replace it.
	// Mutable tags suit a tag a tool moves on purpose ("latest", an
	// environment name); give the reason, such as "the preview
	// environment deploys the moving tag main".
	// Default: - none: tags are immutable
	MutableTagsReason string
	// UntaggedExpireDays expires images without a tag (superseded builds,
	// layers of multi-architecture images whose index was deleted) this
	// many days after they were pushed, 1-3650.
	// Default: 7
	UntaggedExpireDays int
	// MaxImages keeps the newest MaxImages tagged images and expires older
	// ones, 1-10000 (ECR's default quota of images per repository). An
	// expired image can no longer be pulled: keep enough for rollbacks.
	// Default: 30
	MaxImages int
	// Disposable drops prevent_destroy and lets terraform destroy delete
	// the repository with its images (force_delete). Only for scratch
	// environments: images are the deployable history of a service.
	// Default: false
	Disposable bool
	// Tags are added to the repository.
	// Default: - none
	Tags map[string]string
}

// Repository is an Amazon ECR private repository with its lifecycle
// policy.
type Repository struct {
	constructs.Construct
	repo      ecrrepository.EcrRepository
	lifecycle ecrlifecyclepolicy.EcrLifecyclePolicy
	kmsKeyARN string
}

var (
	nameRe      = regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)
	kmsKeyARNRe = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$`)
)

// settings are the props with defaults applied.
type settings struct{ RepositoryProps }

func withDefaults(p RepositoryProps) settings {
	s := settings{p}
	if s.UntaggedExpireDays == 0 {
		s.UntaggedExpireDays = defaultUntaggedExpireDays
	}
	if s.MaxImages == 0 {
		s.MaxImages = defaultMaxImages
	}
	return s
}

// validate records every problem with the settings in r.
func (s settings) validate(r *validation.Report) {
	const nameRule = "2-256 lowercase letters and digits, separated by '.', '_' or '-' within a component and '/' between components, such as \"payments/api\""
	switch {
	case s.Name == "":
		r.Addf("Name", "is empty; name the repository (%s)", nameRule)
	case validation.IsToken(s.Name):
	case len(s.Name) < minNameLength || len(s.Name) > maxNameLength:
		r.Addf("Name", "%q has %d characters; ECR allows %d-%d", s.Name, len(s.Name), minNameLength, maxNameLength)
	case !nameRe.MatchString(s.Name):
		r.Addf("Name", "%q is not an ECR repository name (%s)", s.Name, nameRule)
	}
	if s.KMSKeyARN != "" && !validation.IsToken(s.KMSKeyARN) && !kmsKeyARNRe.MatchString(s.KMSKeyARN) {
		r.Addf("KMSKeyARN", "%q is not a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>); ECR needs the key's ARN, not an alias", s.KMSKeyARN)
	}
	if s.MutableTagsReason != "" && strings.TrimSpace(s.MutableTagsReason) == "" {
		r.Addf("MutableTagsReason", "is blank; say why a tag may name another image later, or leave it empty for immutable tags")
	}
	if s.UntaggedExpireDays < 1 || s.UntaggedExpireDays > maxUntaggedExpireDays {
		r.Addf("UntaggedExpireDays", "%d is outside 1-%d days", s.UntaggedExpireDays, maxUntaggedExpireDays)
	}
	if s.MaxImages < 1 || s.MaxImages > maxImages {
		r.Addf("MaxImages", "%d is outside 1-%d, the tagged images a repository may keep (ECR's default quota is %d images per repository)", s.MaxImages, maxImages, maxImages)
	}
	for _, k := range ptr.SortedKeys(s.Tags) {
		switch {
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			r.Addf("Tags", "key %q uses the reserved aws: prefix", k)
		case k == "" || len(k) > maxTagKeyLen:
			r.Addf("Tags", "key %q is not 1-%d characters", k, maxTagKeyLen)
		case len(s.Tags[k]) > maxTagValueLen:
			r.Addf("Tags", "value of %q has %d characters; AWS allows %d", k, len(s.Tags[k]), maxTagValueLen)
		}
	}
}

// NewRepository validates props and creates the repository and its
// lifecycle policy. Nothing is created when props are invalid: it returns
// every problem with props at once, joined, each a *validate.FieldError
// wrapping validate.ErrInvalid.
func NewRepository(scope constructs.Construct, id string, props RepositoryProps) (*Repository, error) {
	r := validation.ForConstruct("registry", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	s := withDefaults(props)
	s.validate(r)
	if err := r.Err(); err != nil {
		return nil, err
	}

	rep := &Repository{kmsKeyARN: s.KMSKeyARN}
	constructs.NewConstruct_Override(rep, scope, &id)
	mutability := "IMMUTABLE"
	if s.MutableTagsReason != "" {
		mutability = "MUTABLE"
		cdktf.Annotations_Of(rep).AddInfo(ptr.String(*rep.Node().Path() + ": image tags are mutable: " + s.MutableTagsReason))
	}
	cfg := &ecrrepository.EcrRepositoryConfig{
		Name:               ptr.String(s.Name),
		ImageTagMutability: ptr.String(mutability),
		// Basic scanning of each pushed image for OS package
		// vulnerabilities. A registry with enhanced scanning (Amazon
		// Inspector) configured scans by its own rules instead.
		ImageScanningConfiguration: &ecrrepository.EcrRepositoryImageScanningConfiguration{ScanOnPush: true},
		EncryptionConfiguration: []*ecrrepository.EcrRepositoryEncryptionConfiguration{{
			EncryptionType: ptr.String("KMS"),
			KmsKey:         ptr.Optional(s.KMSKeyARN),
		}},
		ForceDelete: s.Disposable,
		Tags:        ptr.Map(s.Tags),
	}
	if !s.Disposable {
		cfg.Lifecycle = &cdktf.TerraformResourceLifecycle{PreventDestroy: ptr.Bool(true)}
	}
	rep.repo = ecrrepository.NewEcrRepository(rep, ptr.String("repository"), cfg)
	rep.lifecycle = ecrlifecyclepolicy.NewEcrLifecyclePolicy(rep, ptr.String("lifecycle-policy"), &ecrlifecyclepolicy.EcrLifecyclePolicyConfig{
		Repository: rep.repo.Name(),
		Policy:     ptr.String(lifecyclePolicy(s.UntaggedExpireDays, s.MaxImages)),
	})
	return rep, nil
}

// lifecycleRule is one rule of an ECR lifecycle policy; fields are in the
// order ECR documents them.
type lifecycleRule struct {
	RulePriority int                `json:"rulePriority"`
	Description  string             `json:"description"`
	Selection    lifecycleSelection `json:"selection"`
	Action       lifecycleAction    `json:"action"`
}

type lifecycleSelection struct {
	TagStatus      string   `json:"tagStatus"`
	TagPatternList []string `json:"tagPatternList,omitempty"`
	CountType      string   `json:"countType"`
	CountUnit      string   `json:"countUnit,omitempty"`
	CountNumber    int      `json:"countNumber"`
}

type lifecycleAction struct {
	Type string `json:"type"`
}

// lifecyclePolicy returns the repository's lifecycle policy: untagged
// images expire untaggedDays after push (priority 1), and tagged images
// beyond the newest maxImages expire (priority 2). The second rule selects
// tagged images with the pattern "*" (a tagged rule needs a pattern or
// prefix list) rather than tagStatus "any": an "any" rule would count
// untagged images against maxImages, and ECR requires it to be the rule
// evaluated last. ECR evaluates rules by ascending priority, and an image
// expired by one rule is not counted by later ones.
func lifecyclePolicy(untaggedDays, maxImages int) string {
	policy := struct {
		Rules []lifecycleRule `json:"rules"`
	}{Rules: []lifecycleRule{
		{
			RulePriority: 1,
			Description:  fmt.Sprintf("Expire untagged images %d days after push", untaggedDays),
			Selection:    lifecycleSelection{TagStatus: "untagged", CountType: "sinceImagePushed", CountUnit: "days", CountNumber: untaggedDays},
			Action:       lifecycleAction{Type: "expire"},
		},
		{
			RulePriority: 2,
			Description:  fmt.Sprintf("Keep the %d most recent tagged images", maxImages),
			Selection:    lifecycleSelection{TagStatus: "tagged", TagPatternList: []string{"*"}, CountType: "imageCountMoreThan", CountNumber: maxImages},
			Action:       lifecycleAction{Type: "expire"},
		},
	}}
	out, _ := json.Marshal(policy) // plain structs: cannot fail
	return string(out)
}

// RepositoryURL returns the repository's URL,
// <account>.dkr.ecr.<region>.amazonaws.com/<name> (a token).
func (rep *Repository) RepositoryURL() string { return *rep.repo.RepositoryUrl() }

// RepositoryARN returns the repository's ARN (a token).
func (rep *Repository) RepositoryARN() string { return *rep.repo.Arn() }

// RepositoryName returns the repository's name (a token).
func (rep *Repository) RepositoryName() string { return *rep.repo.Name() }

// KMSKeyARN returns the given customer managed key, or "" when images are
// encrypted with the AWS managed key aws/ecr.
func (rep *Repository) KMSKeyARN() string { return rep.kmsKeyARN }

// ImageURI returns the reference of one image of the repository: the URL
// and ":<tag>", or "@<digest>" when tag is a digest ("sha256:..."), which
// names the image even where tags are mutable. An empty tag gives the URL
// alone, which container runtimes read as the tag "latest".
func (rep *Repository) ImageURI(tag string) string {
	switch {
	case tag == "":
		return rep.RepositoryURL()
	case strings.HasPrefix(tag, "sha256:"):
		return rep.RepositoryURL() + "@" + tag
	}
	return rep.RepositoryURL() + ":" + tag
}

// LifecyclePolicy returns the aws_ecr_lifecycle_policy as an escape hatch.
func (rep *Repository) LifecyclePolicy() ecrlifecyclepolicy.EcrLifecyclePolicy {
	return rep.lifecycle
}

// Resource returns the aws_ecr_repository resource as an escape hatch.
func (rep *Repository) Resource() ecrrepository.EcrRepository { return rep.repo }
