// Package cmk creates the customer managed KMS key a data-bearing construct
// encrypts with: rotated, administered through IAM in the stack's account,
// with an alias, and protected from destroy like the data it encrypts
// (deleting the key makes the data unreadable).
package cmk

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsalias"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// Props describes one key.
type Props struct {
	// Description says what the key encrypts.
	Description string
	// Alias is the key's alias name, "alias/...".
	Alias string
	// Tags are put on the key.
	Tags map[string]string
	// Disposable drops prevent_destroy and shortens the deletion window
	// from 30 to 7 days.
	Disposable bool
}

// New creates the key (construct id "key") and its alias ("key-alias") in
// scope. A policy document problem is added to r.
func New(scope constructs.Construct, r *validation.Report, env awsenv.Env, p Props) kmskey.KmsKey {
	cfg := &kmskey.KmsKeyConfig{
		Description:          ptr.String(p.Description),
		EnableKeyRotation:    true,
		Policy:               ptr.String(r.Doc(iamdoc.Document(iamdoc.AccountAdministersKey(env.Partition, env.Account)))),
		DeletionWindowInDays: ptr.Number(30),
		Tags:                 ptr.Map(p.Tags),
	}
	if p.Disposable {
		cfg.DeletionWindowInDays = ptr.Number(7)
	} else {
		cfg.Lifecycle = &cdktf.TerraformResourceLifecycle{PreventDestroy: ptr.Bool(true)}
	}
	key := kmskey.NewKmsKey(scope, ptr.String("key"), cfg)
	kmsalias.NewKmsAlias(scope, ptr.String("key-alias"), &kmsalias.KmsAliasConfig{
		Name:        ptr.String(p.Alias),
		TargetKeyId: key.KeyId(),
	})
	return key
}
