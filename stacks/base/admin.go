package base

import (
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
)

// AdminRole is the role operators assume to administer a stack's EKS
// cluster: trusted by the account, only with MFA. Give its ARN an access
// entry with the cluster-admin policy, then call AllowKubeconfig.
type AdminRole struct {
	Role iamrole.IamRole
}

// NewAdminRole creates the administrator role of cluster (the cluster's
// name, known before the cluster exists).
func NewAdminRole(stack cdktf.TerraformStack, cluster string) (*AdminRole, error) {
	env, err := awsenv.Of(stack)
	if err != nil {
		return nil, err
	}
	trust, err := iamdoc.Document(iamdoc.Statement{
		Effect:    "Allow",
		Principal: map[string]any{"AWS": iamdoc.AccountRoot(env.Partition, env.Account)},
		Actions:   []string{"sts:AssumeRole"},
		Condition: map[string]map[string]any{"Bool": {"aws:MultiFactorAuthPresent": "true"}},
	})
	if err != nil {
		return nil, err
	}
	role := iamrole.NewIamRole(stack, jsii.String("admin-role"), &iamrole.IamRoleConfig{
		Name:               jsii.String(cluster + "-cluster-admin"),
		Description:        jsii.String("Cluster administrators of EKS cluster " + cluster + " (MFA required)"),
		AssumeRolePolicy:   jsii.String(trust),
		MaxSessionDuration: jsii.Number(3600),
	})
	return &AdminRole{Role: role}, nil
}

// ARN returns the role's ARN.
func (a *AdminRole) ARN() string { return *a.Role.Arn() }

// AllowKubeconfig lets the role describe the cluster, which
// `aws eks update-kubeconfig` needs; Kubernetes permissions come from the
// role's access entry, not from IAM.
func (a *AdminRole) AllowKubeconfig(stack cdktf.TerraformStack, clusterARN string) error {
	policy, err := iamdoc.Document(iamdoc.Allow("DescribeCluster", []string{"eks:DescribeCluster"}, clusterARN))
	if err != nil {
		return err
	}
	iamrolepolicy.NewIamRolePolicy(stack, jsii.String("admin-role-describe-cluster"), &iamrolepolicy.IamRolePolicyConfig{
		Name:   jsii.String("describe-cluster"),
		Role:   a.Role.Id(),
		Policy: jsii.String(policy),
	})
	return nil
}
