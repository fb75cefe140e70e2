// Package loggroup creates the CloudWatch Logs log groups of the library's
// constructs: every group has a retention and is encrypted with a customer
// managed KMS key, by default the one key its stack shares for all its log
// groups.
//
// The shared key is made the first time a construct in a stack needs it, as
// children of the stack with the ids KeyID and AliasID (Terraform addresses
// aws_kms_key.logs-key and aws_kms_alias.logs-key-alias). It rotates, and
// its policy lets the account administer it through IAM and the CloudWatch
// Logs service of the stack's Region use it for the account's log groups
// only (the kms:EncryptionContext:aws:logs:arn condition). It is protected
// from destroy, with a 30-day deletion window, unless the stack declared
// itself disposable (nag.DeclareDisposable), when the window is 7 days:
// deleting the key makes every log it encrypted unreadable.
package loggroup

import (
	"fmt"
	"regexp"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsalias"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/nag"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// Ids of the shared key and its alias under the stack.
const (
	KeyID   = "logs-key"
	AliasID = "logs-key-alias"
)

// Props describes one log group.
type Props struct {
	// Name is the log group's name.
	Name string
	// RetentionDays is how long the group keeps events; one of the periods
	// CloudWatch Logs accepts (validation.LogRetentionDays).
	RetentionDays int
	// KMSKeyARN encrypts the group instead of the stack's shared key.
	// Default: - the stack's shared logs key (KeyARN)
	KMSKeyARN string
	// Tags are put on the group.
	Tags *map[string]*string
	// Lifecycle is the group's lifecycle block, such as prevent_destroy.
	// Default: - none
	Lifecycle *cdktf.TerraformResourceLifecycle
}

// New creates the log group (construct id id in scope), encrypted with
// p.KMSKeyARN or else the stack's shared key, which it creates the first
// time. It fails, wrapping validate.ErrInvalid, when the retention is not
// one CloudWatch Logs accepts or the shared key cannot be made (KeyARN).
func New(scope constructs.Construct, id string, p Props) (cloudwatchloggroup.CloudwatchLogGroup, error) {
	if !validation.LogRetention(p.RetentionDays) {
		return nil, fmt.Errorf("loggroup %q: RetentionDays %d is not a retention CloudWatch Logs accepts (%v): %w",
			validation.Path(*scope.Node().Path(), id), p.RetentionDays, validation.LogRetentionDays, validate.ErrInvalid)
	}
	key := p.KMSKeyARN
	if key == "" {
		var err error
		if key, err = KeyARN(scope); err != nil {
			return nil, err
		}
	}
	return cloudwatchloggroup.NewCloudwatchLogGroup(scope, ptr.String(id), &cloudwatchloggroup.CloudwatchLogGroupConfig{
		Name:            ptr.String(p.Name),
		RetentionInDays: ptr.Number(p.RetentionDays),
		KmsKeyId:        ptr.String(key),
		Tags:            p.Tags,
		Lifecycle:       p.Lifecycle,
	}), nil
}

// KeyARN returns the ARN (a token) of the KMS key scope's stack shares for
// its log groups, creating the key and its alias the first time. It fails,
// wrapping validate.ErrInvalid, when scope is not in a stack or another
// construct already uses KeyID or AliasID at the stack's top level.
func KeyARN(scope constructs.IConstruct) (string, error) {
	key, err := sharedKey(scope)
	if err != nil {
		return "", err
	}
	return *key.Arn(), nil
}

// Disposable reports whether scope's stack declared itself disposable.
func Disposable(scope constructs.IConstruct) bool { return nag.Disposable(scope) }

func sharedKey(scope constructs.IConstruct) (kmskey.KmsKey, error) {
	stack, err := stackOf(scope)
	if err != nil {
		return nil, err
	}
	node := stack.Node()
	switch c := node.TryFindChild(ptr.String(KeyID)).(type) {
	case nil:
	case kmskey.KmsKey:
		return c, nil
	default:
		return nil, taken(stack, KeyID, c)
	}
	if c := node.TryFindChild(ptr.String(AliasID)); c != nil {
		return nil, taken(stack, AliasID, c)
	}
	env, err := awsenv.Of(stack)
	if err != nil {
		return nil, err
	}
	doc, err := iamdoc.Document(iamdoc.AccountAdministersKey(env.Partition, env.Account), LogsStatement(env))
	if err != nil {
		return nil, err
	}
	stackID := *node.Id()
	cfg := &kmskey.KmsKeyConfig{
		Description:          ptr.String("Encrypts the CloudWatch Logs log groups of stack " + stackID),
		EnableKeyRotation:    true,
		Policy:               ptr.String(doc),
		DeletionWindowInDays: ptr.Number(30),
	}
	if Disposable(stack) {
		cfg.DeletionWindowInDays = ptr.Number(7)
	} else {
		cfg.Lifecycle = &cdktf.TerraformResourceLifecycle{PreventDestroy: ptr.Bool(true)}
	}
	key := kmskey.NewKmsKey(stack, ptr.String(KeyID), cfg)
	kmsalias.NewKmsAlias(stack, ptr.String(AliasID), &kmsalias.KmsAliasConfig{
		Name:        ptr.String(names.Truncate("alias/logs/"+aliasChars.ReplaceAllString(stackID, "-"), 256)),
		TargetKeyId: key.KeyId(),
	})
	return key, nil
}

// aliasChars matches what a KMS alias name may not hold.
var aliasChars = regexp.MustCompile(`[^A-Za-z0-9/_-]+`)

// LogsStatement is the key policy statement letting the CloudWatch Logs
// service of env's Region use a key for the log groups of env's account
// (the pattern the CloudWatch Logs guide documents for a key shared by
// several log groups).
func LogsStatement(env awsenv.Env) iamdoc.Statement {
	return iamdoc.Statement{
		Sid:       "CloudWatchLogsEncryptsAccountLogGroups",
		Effect:    "Allow",
		Principal: map[string]any{"Service": "logs." + env.Region + ".amazonaws.com"},
		Actions:   []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
		Resources: []string{"*"},
		Condition: map[string]map[string]any{"ArnLike": {
			"kms:EncryptionContext:aws:logs:arn": "arn:" + env.Partition + ":logs:" + env.Region + ":" + env.Account + ":log-group:*",
		}},
	}
}

func stackOf(scope constructs.IConstruct) (st cdktf.TerraformStack, err error) {
	// TerraformStack_Of throws (a jsii panic) when no ancestor is a stack.
	defer func() {
		if recover() != nil {
			err = fmt.Errorf("loggroup: construct %q is not inside a cdktf.TerraformStack: %w", *scope.Node().Path(), validate.ErrInvalid)
		}
	}()
	return cdktf.TerraformStack_Of(scope), nil
}

func taken(stack cdktf.TerraformStack, id string, c constructs.IConstruct) error {
	return fmt.Errorf("loggroup: stack %q already has a child %q that is not the shared CloudWatch Logs key (%T); rename that construct: %w",
		*stack.Node().Path(), id, c, validate.ErrInvalid)
}
