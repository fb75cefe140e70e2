// Package storage provides Bucket (NewBucket): an S3 bucket that is private,
// encrypted with its own KMS key, versioned, TLS-only and owner-enforced by
// default, with lifecycle rules and protection from accidental destroy.
// Other constructs accept it, or a bucket named with ImportBucket, through
// BucketRef, whose GrantRead/GrantWrite/GrantReadWrite give any
// grant.Grantee access.
package storage

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucket"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketlifecycleconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketobjectlockconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketownershipcontrols"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpublicaccessblock"
	sse "github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketserversideencryptionconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketversioning"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/grant"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/cmk"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/nag"
)

// BucketRef is any S3 bucket other constructs can use: one made by
// NewBucket or one named with ImportBucket.
type BucketRef interface {
	constructs.Construct
	// BucketName returns the bucket's name (possibly a token).
	BucketName() string
	// BucketARN returns the bucket's ARN (possibly a token).
	BucketARN() string
	// KMSKeyARN returns the customer managed key that encrypts the bucket's
	// objects, or "" for SSE-S3 (or an imported bucket whose key is not
	// known); grants add permission to use the key.
	KMSKeyARN() string
	// GrantRead, GrantWrite and GrantReadWrite give a grantee (a Lambda
	// handler, an IRSA or Pod Identity role) access to objects under a
	// prefix ("" for all), including the bucket's key when known.
	GrantRead(g grant.Grantee, prefix string) error
	GrantWrite(g grant.Grantee, prefix string) error
	GrantReadWrite(g grant.Grantee, prefix string) error
	// CheckLambdaNotification returns an error when sending the object
	// events on keys starting with prefix and ending with suffix to a
	// function would overlap a configuration already in the bucket's
	// notification: S3 rejects two that share an event and can match the
	// same key. serverless.Handler.AddS3Source calls it.
	CheckLambdaNotification(events []string, prefix, suffix string) error
	// AddLambdaNotification adds to the bucket's one notification
	// resource (S3 keeps one per bucket; construct id "notifications"
	// under the bucket) the configuration id sending events on keys
	// starting with prefix and ending with suffix ("" for any) to the
	// function functionARN, and makes the resource depend on permission,
	// the function's statement letting S3 invoke it (S3 tests it when the
	// configuration is saved). owner names the caller in the errors of
	// later overlapping configurations. It returns
	// CheckLambdaNotification's error, adding nothing, on an overlap.
	// serverless.Handler.AddS3Source calls it.
	AddLambdaNotification(owner, id, functionARN string, events []string, prefix, suffix string, permission cdktf.TerraformResource) error
}

// Transition moves objects to a cheaper storage class after some days.
// S3 does not move objects smaller than 128 KB to the infrequent-access and
// Glacier classes (they would be billed as 128 KB): point such rules at the
// prefixes that hold large objects.
type Transition struct {
	Days         int
	StorageClass string
}

// LifecycleRule is one S3 lifecycle rule.
type LifecycleRule struct {
	// ID names the rule. Required.
	ID string
	// Prefix limits the rule to keys starting with it.
	// Default: - every object
	Prefix string
	// ExpireDays deletes current versions after this many days.
	// Default: - never
	ExpireDays int
	// NoncurrentExpireDays deletes overwritten or deleted versions after
	// this many days.
	// Default: - never
	NoncurrentExpireDays int
	// Transitions move current versions to other storage classes.
	// Default: - none
	Transitions []Transition
}

// BucketProps configures a Bucket.
type BucketProps struct {
	// NamePrefix makes a unique bucket name starting with it (Terraform
	// appends a suffix). Exclusive with Name.
	// Default: - the construct id followed by "-"
	NamePrefix string
	// Name is an exact, globally unique bucket name.
	// Default: - generated from NamePrefix
	Name string
	// KMSKeyARN encrypts objects with an existing customer managed key.
	// Default: - a new customer managed KMS key with rotation, protected like the bucket
	KMSKeyARN string
	// SSES3Reason opts out of the customer managed key: objects are
	// encrypted with S3-managed keys (SSE-S3, AES-256), whose use cannot be
	// limited or audited per principal. The reason is recorded as the
	// reviewed suppression of rule S3-005.
	// Default: - none: SSE-KMS with a customer managed key and S3 Bucket Keys
	SSES3Reason string
	// DisableVersioning turns versioning off. Versioning protects against
	// overwrites and deletes; turn it off only for scratch data.
	// Default: false
	DisableVersioning bool
	// Lifecycle rules. An abort-incomplete-multipart-upload rule (7 days) is
	// always added, and with versioning a rule expiring noncurrent versions
	// after NoncurrentVersionDays unless a rule sets it.
	// Default: - the two rules above
	Lifecycle []LifecycleRule
	// NoncurrentVersionDays is how long old versions are kept by the default
	// rule.
	// Default: 30
	NoncurrentVersionDays int
	// Disposable lets terraform destroy the bucket even with objects in it
	// (force_destroy) and drops prevent_destroy. Only for scratch data.
	// Default: false
	Disposable bool
	// ObjectLock makes the bucket write-once-read-many: every new object
	// version is kept for a retention period. It needs versioning, and a
	// bucket gets it only when created (changing it replaces the bucket).
	// Default: - none
	ObjectLock *ObjectLock
	// Tags are added to every resource.
	// Default: - none
	Tags map[string]string
}

// ObjectLock is a bucket's default object retention.
type ObjectLock struct {
	// Mode is "COMPLIANCE" (nobody, the account root included, can delete
	// a locked version or shorten its retention) or "GOVERNANCE" (principals
	// allowed s3:BypassGovernanceRetention can). Required.
	Mode string
	// RetentionDays keeps each new object version this long, 1 to 36500.
	// Required.
	RetentionDays int
}

// Bucket is a secure S3 bucket.
type Bucket struct {
	constructs.Construct
	policy        s3bucketpolicy.S3BucketPolicy
	statements    []iamdoc.Statement
	bucket        s3bucket.S3Bucket
	kmsKeyARN     string
	key           kmskey.KmsKey
	notifications *notifications
}

var (
	bucketNameRe   = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	bucketPrefixRe = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{0,35}$`)
	storageClasses = []string{"STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"}
)

// NewBucket validates props and creates the bucket with its public access
// block, ownership controls, encryption, versioning, TLS-only policy and
// lifecycle configuration. It returns every problem with props at once,
// joined, each a *validate.FieldError wrapping validate.ErrInvalid (nothing
// is created then).
func NewBucket(scope constructs.Construct, id string, props BucketProps) (*Bucket, error) {
	r := validation.ForConstruct("storage", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	prefix := validateBucket(r, id, props)
	if err := r.Err(); err != nil {
		return nil, err
	}

	env, err := awsenv.Of(scope)
	if err != nil {
		return nil, err
	}
	b := &Bucket{}
	constructs.NewConstruct_Override(b, scope, &id)
	tags := ptr.Map(props.Tags)
	cfg := &s3bucket.S3BucketConfig{
		Bucket:       ptr.Optional(props.Name),
		BucketPrefix: ptr.Optional(prefix),
		ForceDestroy: props.Disposable,
		Tags:         tags,
	}
	if props.ObjectLock != nil {
		cfg.ObjectLockEnabled = ptr.Bool(true)
	}
	if !props.Disposable {
		cfg.Lifecycle = &cdktf.TerraformResourceLifecycle{PreventDestroy: ptr.Bool(true)}
	}
	b.bucket = s3bucket.NewS3Bucket(b, ptr.String("bucket"), cfg)
	name := b.bucket.Id()

	s3bucketpublicaccessblock.NewS3BucketPublicAccessBlock(b, ptr.String("public-access-block"), &s3bucketpublicaccessblock.S3BucketPublicAccessBlockConfig{
		Bucket:                name,
		BlockPublicAcls:       true,
		BlockPublicPolicy:     true,
		IgnorePublicAcls:      true,
		RestrictPublicBuckets: true,
	})
	s3bucketownershipcontrols.NewS3BucketOwnershipControls(b, ptr.String("ownership"), &s3bucketownershipcontrols.S3BucketOwnershipControlsConfig{
		Bucket: name,
		Rule:   &s3bucketownershipcontrols.S3BucketOwnershipControlsRule{ObjectOwnership: ptr.String("BucketOwnerEnforced")},
	})
	if err := b.addEncryption(r, env, name, props); err != nil {
		return nil, err
	}
	versioning := b.addVersioning(name, props)
	b.statements = []iamdoc.Statement{{
		Sid:       "DenyInsecureTransport",
		Effect:    "Deny",
		Principal: map[string]any{"AWS": "*"},
		Actions:   []string{"s3:*"},
		Resources: []string{*b.bucket.Arn(), *b.bucket.Arn() + "/*"},
		Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}},
	}}
	b.policy = s3bucketpolicy.NewS3BucketPolicy(b, ptr.String("policy"), &s3bucketpolicy.S3BucketPolicyConfig{
		Bucket: name,
		Policy: ptr.String(r.Doc(iamdoc.Document(b.statements...))),
	})
	b.addLifecycle(name, props, versioning)
	if err := r.Err(); err != nil {
		return nil, err
	}
	return b, nil
}

// validateBucket reports every problem with props to r and returns the
// bucket's name prefix (props.NamePrefix, or "<id>-" when no name is given).
func validateBucket(r *validation.Report, id string, props BucketProps) string {
	if props.Name != "" && props.NamePrefix != "" {
		r.Addf("Name", "%q and NamePrefix %q are both set; set one", props.Name, props.NamePrefix)
	}
	if props.Name != "" && !validation.IsToken(props.Name) && (!bucketNameRe.MatchString(props.Name) || strings.Contains(props.Name, "..")) {
		r.Addf("Name", "%q is not an S3 bucket name (3-63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit)", props.Name)
	}
	prefix := props.NamePrefix
	if prefix == "" && props.Name == "" {
		prefix = strings.ToLower(id) + "-"
	}
	if prefix != "" && !bucketPrefixRe.MatchString(prefix) {
		r.Addf("NamePrefix", "%q is not a usable bucket name prefix (at most 37 lowercase letters, digits, '.' and '-', so Terraform's 26-character suffix fits)", prefix)
	}
	if props.KMSKeyARN != "" && !validation.IsToken(props.KMSKeyARN) && !strings.HasPrefix(props.KMSKeyARN, "arn:") {
		r.Addf("KMSKeyARN", "%q is not a KMS key ARN", props.KMSKeyARN)
	}
	if props.KMSKeyARN != "" && props.SSES3Reason != "" {
		r.Addf("SSES3Reason", "is set together with KMSKeyARN; choose the customer managed key or SSE-S3")
	}
	if props.SSES3Reason != "" && strings.TrimSpace(props.SSES3Reason) == "" {
		r.Addf("SSES3Reason", "is blank; say why S3-managed keys are acceptable for this data")
	}
	if props.NoncurrentVersionDays < 0 {
		r.Addf("NoncurrentVersionDays", "%d is negative", props.NoncurrentVersionDays)
	}
	ids := map[string]bool{}
	for i, rule := range props.Lifecycle {
		f := fmt.Sprintf("Lifecycle[%d]", i)
		if rule.ID == "" || len(rule.ID) > 255 {
			r.Addf(f+".ID", "%q must be 1-255 characters", rule.ID)
		}
		if ids[rule.ID] {
			r.Addf(f+".ID", "%q is used by another rule", rule.ID)
		}
		ids[rule.ID] = true
		if rule.ExpireDays < 0 || rule.NoncurrentExpireDays < 0 {
			r.Addf(f, "has negative days")
		}
		if rule.ExpireDays == 0 && rule.NoncurrentExpireDays == 0 && len(rule.Transitions) == 0 {
			r.Addf(f, "does nothing; set ExpireDays, NoncurrentExpireDays or Transitions")
		}
		for j, t := range rule.Transitions {
			tf := fmt.Sprintf("%s.Transitions[%d]", f, j)
			if !validation.OneOf(t.StorageClass, storageClasses...) {
				r.Addf(tf+".StorageClass", "%q is not a transition storage class; use one of %v", t.StorageClass, storageClasses)
			}
			if (t.StorageClass == "STANDARD_IA" || t.StorageClass == "ONEZONE_IA") && t.Days < 30 {
				r.Addf(tf+".Days", "%d is too soon: S3 moves objects to %s after at least 30 days", t.Days, t.StorageClass)
			}
			if rule.ExpireDays > 0 && t.Days >= rule.ExpireDays {
				r.Addf(tf+".Days", "%d is not before ExpireDays %d", t.Days, rule.ExpireDays)
			}
		}
	}
	if l := props.ObjectLock; l != nil {
		if l.Mode != "COMPLIANCE" && l.Mode != "GOVERNANCE" {
			r.Addf("ObjectLock.Mode", "%q is not an Object Lock mode; use COMPLIANCE or GOVERNANCE", l.Mode)
		}
		if l.RetentionDays < 1 || l.RetentionDays > 36500 {
			r.Addf("ObjectLock.RetentionDays", "%d is out of range; use 1 to 36500", l.RetentionDays)
		}
		if props.DisableVersioning {
			r.Addf("ObjectLock", "needs versioning, but DisableVersioning is set")
		}
		if l.Mode == "COMPLIANCE" && props.Disposable {
			r.Addf("ObjectLock.Mode", "COMPLIANCE cannot be Disposable: no destroy can delete the locked objects before their retention ends; use GOVERNANCE in disposable environments")
		}
	}
	return prefix
}

// addEncryption encrypts the bucket by default: with the customer managed
// key (props.KMSKeyARN or a new key) and S3 Bucket Keys, or with S3-managed
// keys when props.SSES3Reason says why that is acceptable (the reason
// suppresses rule S3-005).
func (b *Bucket) addEncryption(r *validation.Report, env awsenv.Env, name *string, props BucketProps) error {
	byDefault := &sse.S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA{SseAlgorithm: ptr.String("AES256")}
	rule := &sse.S3BucketServerSideEncryptionConfigurationRuleA{ApplyServerSideEncryptionByDefault: byDefault}
	if props.SSES3Reason == "" {
		b.kmsKeyARN = props.KMSKeyARN
		if b.kmsKeyARN == "" {
			b.kmsKeyARN = b.newKey(r, env, props)
		}
		byDefault.SseAlgorithm = ptr.String("aws:kms")
		byDefault.KmsMasterKeyId = ptr.String(b.kmsKeyARN)
		// One data key per bucket instead of a KMS call per object.
		rule.BucketKeyEnabled = true
	}
	encryption := sse.NewS3BucketServerSideEncryptionConfigurationA(b, ptr.String("encryption"), &sse.S3BucketServerSideEncryptionConfigurationAConfig{
		Bucket: name,
		Rule:   []*sse.S3BucketServerSideEncryptionConfigurationRuleA{rule},
	})
	if props.SSES3Reason != "" {
		if err := nag.Suppress(encryption, "S3-005", props.SSES3Reason); err != nil {
			return err
		}
	}
	return nil
}

// addVersioning turns versioning on (or suspends it with
// props.DisableVersioning) and adds the Object Lock default retention when
// props.ObjectLock is set. It returns the versioning resource, which the
// lock and the lifecycle configuration depend on.
func (b *Bucket) addVersioning(name *string, props BucketProps) s3bucketversioning.S3BucketVersioningA {
	status := "Enabled"
	if props.DisableVersioning {
		status = "Suspended"
	}
	versioning := s3bucketversioning.NewS3BucketVersioningA(b, ptr.String("versioning"), &s3bucketversioning.S3BucketVersioningAConfig{
		Bucket:                  name,
		VersioningConfiguration: &s3bucketversioning.S3BucketVersioningVersioningConfiguration{Status: ptr.String(status)},
	})
	if l := props.ObjectLock; l != nil {
		s3bucketobjectlockconfiguration.NewS3BucketObjectLockConfigurationA(b, ptr.String("object-lock"), &s3bucketobjectlockconfiguration.S3BucketObjectLockConfigurationAConfig{
			Bucket: name,
			Rule: &s3bucketobjectlockconfiguration.S3BucketObjectLockConfigurationRuleA{
				DefaultRetention: &s3bucketobjectlockconfiguration.S3BucketObjectLockConfigurationRuleDefaultRetentionA{
					Mode: ptr.String(l.Mode), Days: ptr.Number(l.RetentionDays),
				},
			},
			// S3 refuses a lock configuration before versioning is on.
			DependsOn: &[]cdktf.ITerraformDependable{versioning},
		})
	}
	return versioning
}

// addLifecycle writes the bucket's lifecycle configuration: aborting
// incomplete multipart uploads after 7 days, props.Lifecycle, expiring
// noncurrent versions (after props.NoncurrentVersionDays unless a rule
// sets its own) and removing expired delete markers.
func (b *Bucket) addLifecycle(name *string, props BucketProps, versioning s3bucketversioning.S3BucketVersioningA) {
	rules := []*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRule{{
		Id:                             ptr.String("abort-incomplete-multipart-uploads"),
		Status:                         ptr.String("Enabled"),
		Filter:                         &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleFilter{},
		AbortIncompleteMultipartUpload: &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload{DaysAfterInitiation: ptr.Number(7)},
	}}
	customNoncurrent := false
	for _, lr := range props.Lifecycle {
		rules = append(rules, lifecycleRule(lr))
		customNoncurrent = customNoncurrent || lr.NoncurrentExpireDays > 0
	}
	if !props.DisableVersioning && !customNoncurrent {
		days := props.NoncurrentVersionDays
		if days == 0 {
			days = 30
		}
		noncurrent := lifecycleRule(LifecycleRule{ID: "expire-noncurrent-versions", NoncurrentExpireDays: days})
		rules = append(rules, noncurrent)
	}
	if !props.DisableVersioning {
		// Deleting an object in a versioned bucket leaves a delete marker;
		// once its noncurrent versions expire the marker is alone and
		// would stay forever, slowing every listing.
		rules = append(rules, &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRule{
			Id:         ptr.String("remove-expired-delete-markers"),
			Status:     ptr.String("Enabled"),
			Filter:     &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleFilter{},
			Expiration: &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleExpiration{ExpiredObjectDeleteMarker: true},
		})
	}
	s3bucketlifecycleconfiguration.NewS3BucketLifecycleConfiguration(b, ptr.String("lifecycle"), &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationConfig{
		Bucket:    name,
		Rule:      rules,
		DependsOn: &[]cdktf.ITerraformDependable{versioning},
	})
}

func lifecycleRule(lr LifecycleRule) *s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRule {
	rule := &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRule{
		Id:     ptr.String(lr.ID),
		Status: ptr.String("Enabled"),
		Filter: &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleFilter{Prefix: ptr.Optional(lr.Prefix)},
	}
	if lr.ExpireDays > 0 {
		rule.Expiration = &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleExpiration{Days: ptr.Number(lr.ExpireDays)}
	}
	if lr.NoncurrentExpireDays > 0 {
		rule.NoncurrentVersionExpiration = &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration{NoncurrentDays: ptr.Number(lr.NoncurrentExpireDays)}
	}
	var transitions []*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleTransition
	for _, t := range lr.Transitions {
		transitions = append(transitions, &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleTransition{Days: ptr.Number(t.Days), StorageClass: ptr.String(t.StorageClass)})
	}
	if len(transitions) > 0 {
		rule.Transition = transitions
	}
	return rule
}

// newKey creates the bucket's customer managed key (cmk.New), protected
// from destroy like the bucket.
func (b *Bucket) newKey(r *validation.Report, env awsenv.Env, props BucketProps) string {
	b.key = cmk.New(b, r, env, cmk.Props{
		Description: "Encrypts the objects of S3 bucket " + *b.Node().Path(),
		Alias:       names.Truncate("alias/s3/"+aliasPath.ReplaceAllString(*b.Node().Path(), "-"), 256),
		Tags:        props.Tags,
		Disposable:  props.Disposable,
	})
	return *b.key.Arn()
}

var aliasPath = regexp.MustCompile(`[^A-Za-z0-9/_-]+`)

// KMSKeyARN returns the key that encrypts the bucket's objects, or "" with
// SSE-S3.
func (b *Bucket) KMSKeyARN() string { return b.kmsKeyARN }

// BucketName returns the bucket's name.
func (b *Bucket) BucketName() string { return *b.bucket.Id() }

// BucketARN returns the bucket's ARN.
func (b *Bucket) BucketARN() string { return *b.bucket.Arn() }

// CheckLambdaNotification returns an error when the filter would overlap
// a function's already in the bucket's notification (see BucketRef).
func (b *Bucket) CheckLambdaNotification(events []string, prefix, suffix string) error {
	return b.notes().check(events, prefix, suffix)
}

// AddLambdaNotification sends object events to a function through the
// bucket's one notification resource (see BucketRef).
func (b *Bucket) AddLambdaNotification(owner, id, functionARN string, events []string, prefix, suffix string, permission cdktf.TerraformResource) error {
	return b.notes().add(lambdaNotification{owner: owner, id: id, functionARN: functionARN, events: events, prefix: prefix, suffix: suffix}, permission)
}

// notes returns the bucket's notification, made on first use.
func (b *Bucket) notes() *notifications {
	if b.notifications == nil {
		b.notifications = &notifications{bucket: b}
	}
	return b.notifications
}

// Key returns the bucket's own customer managed key, or nil when it uses a
// given KMSKeyARN or SSE-S3, as an escape hatch.
func (b *Bucket) Key() kmskey.KmsKey { return b.key }

// Resource returns the aws_s3_bucket resource as an escape hatch.
func (b *Bucket) Resource() s3bucket.S3Bucket { return b.bucket }

// imported is a bucket that exists outside the stack.
type imported struct {
	constructs.Construct
	name, arn, key string
	notifications  *notifications
}

func (i *imported) BucketName() string { return i.name }
func (i *imported) KMSKeyARN() string  { return i.key }
func (i *imported) BucketARN() string  { return i.arn }

// CheckLambdaNotification returns an error when the filter would overlap
// a function's already in the bucket's notification (see BucketRef).
func (i *imported) CheckLambdaNotification(events []string, prefix, suffix string) error {
	return i.notes().check(events, prefix, suffix)
}

// AddLambdaNotification sends object events to a function through the
// bucket's one notification resource (see BucketRef).
func (i *imported) AddLambdaNotification(owner, id, functionARN string, events []string, prefix, suffix string, permission cdktf.TerraformResource) error {
	return i.notes().add(lambdaNotification{owner: owner, id: id, functionARN: functionARN, events: events, prefix: prefix, suffix: suffix}, permission)
}

// notes returns the bucket's notification, made on first use.
func (i *imported) notes() *notifications {
	if i.notifications == nil {
		i.notifications = &notifications{bucket: i}
	}
	return i.notifications
}

// ImportBucketProps names an existing bucket.
type ImportBucketProps struct {
	// Name is the bucket's name (required).
	Name string
	// KMSKeyARN is the customer managed key that encrypts the bucket's
	// objects, so that grants include it.
	// Default: - none (SSE-S3, or grant the key with grant.KeyUse)
	KMSKeyARN string
}

// ImportBucket refers to an existing bucket by name, in the stack's
// partition. It creates no resources. It returns an error wrapping
// validate.ErrInvalid naming the field when Name is not a bucket name or
// KMSKeyARN is not a KMS key ARN.
func ImportBucket(scope constructs.Construct, id string, props ImportBucketProps) (BucketRef, error) {
	r := validation.ForConstruct("storage", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	if !validation.IsToken(props.Name) && (!bucketNameRe.MatchString(props.Name) || strings.Contains(props.Name, "..")) {
		r.Addf("Name", "%q is not an S3 bucket name (3-63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit)", props.Name)
	}
	if props.KMSKeyARN != "" && !validation.IsToken(props.KMSKeyARN) && !strings.HasPrefix(props.KMSKeyARN, "arn:") {
		r.Addf("KMSKeyARN", "%q is not a KMS key ARN", props.KMSKeyARN)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	env, err := awsenv.Of(scope)
	if err != nil {
		return nil, err
	}
	b := &imported{name: props.Name, arn: "arn:" + env.Partition + ":s3:::" + props.Name, key: props.KMSKeyARN}
	constructs.NewConstruct_Override(b, scope, &id)
	return b, nil
}

// AddToResourcePolicy adds statements to the bucket policy, after its
// TLS-only statement: a Deny here (say, of writes by every principal but
// one role) holds whatever IAM policies elsewhere in the account allow.
// It returns an error wrapping validate.ErrInvalid for a statement IAM
// would reject, and changes nothing then.
func (b *Bucket) AddToResourcePolicy(statements ...iamdoc.Statement) error {
	all := append(append([]iamdoc.Statement(nil), b.statements...), statements...)
	doc, err := iamdoc.Document(all...)
	if err != nil {
		return fmt.Errorf("bucket policy of %q: %w", *b.Node().Path(), err)
	}
	b.statements = all
	b.policy.SetPolicy(ptr.String(doc))
	return nil
}
