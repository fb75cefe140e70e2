package eks_test

import (
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
)

// Names that used to derive a construct id another part already had (a
// panic) are now errors naming the field; a managed policy named "inline"
// and an inline policy coexist.
func TestDerivedIDCollisions(t *testing.T) {
	stack := tftest.NewStack(t)
	vpc := newVPC(t, stack)
	_, err := eks.NewCluster(stack, "bad", eks.ClusterProps{
		VPC:        vpc,
		NodeGroups: []eks.NodeGroupProps{{Name: "g", MaxSize: 2}, {Name: "g-launch-template", MaxSize: 2}},
		Addons:     []eks.AddonProps{{Name: eks.AddonVPCCNI}, {Name: "vpc-cni-role"}},
	})
	for _, want := range []string{
		`NodeGroups[1].Name "g-launch-template" ends in "-launch-template"`,
		`Name "vpc-cni-role" is not an EKS add-on name`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
	c, err := eks.NewCluster(stack, "cluster", eks.ClusterProps{VPC: vpc, NodeGroups: []eks.NodeGroupProps{{Name: "g", MaxSize: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eks.NewServiceAccountRole(stack, "odd", eks.ServiceAccountRoleProps{
		Cluster: c, Namespace: "apps", ServiceAccount: "odd",
		ManagedPolicyARNs: []string{"arn:aws:iam::123456789012:policy/inline"},
		PolicyDocument:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["*"]}]}`,
	}); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	doc.One(t, "aws_iam_role_policy", "odd_role-inline-")
	doc.One(t, "aws_iam_role_policy_attachment", "odd_role-inline_")
}
