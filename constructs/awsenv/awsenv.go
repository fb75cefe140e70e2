// Package awsenv gives every construct in a stack the same three data
// sources for the account, partition and Region it deploys into, so a stack
// reads each once (one aws_caller_identity, one aws_partition, one
// aws_region) however many constructs need them.
//
// The data sources are children of the construct's stack with the ids
// "awsenv-account", "awsenv-partition" and "awsenv-region", and use the
// stack's default AWS provider. Programs may call these functions for their
// own constructs too.
package awsenv

import (
	"errors"
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawscalleridentity"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawspartition"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsregion"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// Ids of the shared data sources under the stack.
const (
	AccountID   = "awsenv-account"
	PartitionID = "awsenv-partition"
	RegionID    = "awsenv-region"
)

// Env holds the tokens of the stack's shared data sources.
type Env struct {
	// Account is the 12-digit account id (a token).
	Account string
	// Partition is "aws", "aws-cn" or "aws-us-gov" (a token).
	Partition string
	// Region is the Region name, such as "eu-west-1" (a token).
	Region string
}

// Of returns the shared data sources of scope's stack, creating each the
// first time. It fails, wrapping validate.ErrInvalid, when scope is not in a
// stack or another construct already uses one of the ids.
func Of(scope constructs.IConstruct) (Env, error) {
	stack, err := stackOf(scope)
	if err != nil {
		return Env{}, err
	}
	var env Env
	var errs []error
	node := stack.Node()
	switch c := node.TryFindChild(ptr.String(AccountID)).(type) {
	case nil:
		env.Account = *dataawscalleridentity.NewDataAwsCallerIdentity(stack, ptr.String(AccountID), &dataawscalleridentity.DataAwsCallerIdentityConfig{}).AccountId()
	case dataawscalleridentity.DataAwsCallerIdentity:
		env.Account = *c.AccountId()
	default:
		errs = append(errs, taken(stack, AccountID, c))
	}
	switch c := node.TryFindChild(ptr.String(PartitionID)).(type) {
	case nil:
		env.Partition = *dataawspartition.NewDataAwsPartition(stack, ptr.String(PartitionID), &dataawspartition.DataAwsPartitionConfig{}).Partition()
	case dataawspartition.DataAwsPartition:
		env.Partition = *c.Partition()
	default:
		errs = append(errs, taken(stack, PartitionID, c))
	}
	switch c := node.TryFindChild(ptr.String(RegionID)).(type) {
	case nil:
		env.Region = *dataawsregion.NewDataAwsRegion(stack, ptr.String(RegionID), &dataawsregion.DataAwsRegionConfig{}).Name()
	case dataawsregion.DataAwsRegion:
		env.Region = *c.Name()
	default:
		errs = append(errs, taken(stack, RegionID, c))
	}
	if err := errors.Join(errs...); err != nil {
		return Env{}, err
	}
	return env, nil
}

func stackOf(scope constructs.IConstruct) (st cdktf.TerraformStack, err error) {
	// TerraformStack_Of throws (a jsii panic) when no ancestor is a stack.
	defer func() {
		if recover() != nil {
			err = fmt.Errorf("awsenv: construct %q is not inside a cdktf.TerraformStack: %w", *scope.Node().Path(), validate.ErrInvalid)
		}
	}()
	return cdktf.TerraformStack_Of(scope), nil
}

func taken(stack cdktf.TerraformStack, id string, c constructs.IConstruct) error {
	return fmt.Errorf("awsenv: stack %q already has a child %q that is not the shared data source (%T); rename that construct: %w",
		*stack.Node().Path(), id, c, validate.ErrInvalid)
}
