package eks_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// synthJSON builds a cluster in a fresh stack, lets then extend it, and
// returns the stack's JSON with sorted keys.
func synthJSON(t *testing.T, props eks.ClusterProps, then func(*eks.Cluster)) string {
	t.Helper()
	stack := tftest.NewStack(t)
	props.VPC = newVPC(t, stack)
	c, err := eks.NewCluster(stack, "cluster", props)
	if err != nil {
		t.Fatal(err)
	}
	if then != nil {
		then(c)
	}
	return sortedJSON(t, stack)
}

func sortedJSON(t *testing.T, stack cdktf.TerraformStack) string {
	t.Helper()
	out, err := json.MarshalIndent(tftest.Synth(t, stack), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// firstDiff returns the lines around the first difference of a and b.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			lo := max(0, i-3)
			return "props path:\n" + strings.Join(al[lo:min(len(al), i+3)], "\n") + "\nAdd path:\n" + strings.Join(bl[lo:min(len(bl), i+3)], "\n")
		}
	}
	return "lengths differ"
}

var (
	general = eks.NodeGroupProps{Name: "general", MinSize: 1, MaxSize: 4, Labels: map[string]string{"workload": "general"}}
	batch   = eks.NodeGroupProps{
		Name: "batch", CapacityType: eks.Spot, InstanceTypes: []string{"c7i.2xlarge", "c6i.2xlarge"}, MaxSize: 10,
		Taints: []eks.Taint{{Key: "workload", Value: "batch", Effect: eks.NoSchedule}},
	}
	admin = eks.AccessEntry{PrincipalARN: "arn:aws:iam::123456789012:role/Admin", Policy: eks.AccessPolicyClusterAdmin}
	dev   = eks.AccessEntry{PrincipalARN: "arn:aws:iam::123456789012:role/dev", Policy: eks.AccessPolicyEdit, Namespaces: []string{"shop"}}
	// ci reads like admin once reduced to an id (role/Admin in another
	// account), so its id takes a hash whichever path adds it.
	ci = eks.AccessEntry{PrincipalARN: "arn:aws:iam::210987654321:role/Admin", KubernetesGroups: []string{"deployers"}}
)

// Adding node groups and access entries after NewCluster gives the same
// Terraform, byte for byte, as listing them in ClusterProps.
func TestAddSameAsProps(t *testing.T) {
	reports := []eks.FargateProfileProps{{Name: "reports", Selectors: []eks.FargateSelector{{Namespace: "reports"}}}}
	system := []eks.FargateProfileProps{{Name: "system", Selectors: []eks.FargateSelector{{Namespace: "kube-system"}, {Namespace: "default"}}}}
	tests := []struct {
		name            string
		props           eks.ClusterProps // the props path
		groups, entries int              // how many trailing groups and entries the Add path adds instead
	}{
		{"second group and entries", eks.ClusterProps{Name: "demo", NodeGroups: []eks.NodeGroupProps{general, batch}, FargateProfiles: reports, AccessEntries: []eks.AccessEntry{admin, dev, ci}}, 1, 2},
		// The first group of a Fargate cluster brings the EBS CSI driver,
		// coredns back on nodes and the node alarms.
		{"first group of a Fargate cluster", eks.ClusterProps{Name: "demo", NodeGroups: []eks.NodeGroupProps{general, batch}, FargateProfiles: system, AlarmTopicARN: "arn:aws:sns:eu-west-1:123456789012:alerts"}, 2, 0},
		{"first entry", eks.ClusterProps{Name: "demo", NodeGroups: []eks.NodeGroupProps{general}, AccessEntries: []eks.AccessEntry{admin}}, 0, 1},
		{"explicit add-ons", eks.ClusterProps{Name: "demo", NodeGroups: []eks.NodeGroupProps{general, batch}, FargateProfiles: reports, Addons: []eks.AddonProps{
			{Name: eks.AddonVPCCNI}, {Name: eks.AddonKubeProxy}, {Name: eks.AddonCoreDNS}, {Name: eks.AddonEFSCSIDriver},
		}}, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := synthJSON(t, tt.props, nil)
			base := tt.props
			ng, ae := len(base.NodeGroups)-tt.groups, len(base.AccessEntries)-tt.entries
			base.NodeGroups, base.AccessEntries = base.NodeGroups[:ng], base.AccessEntries[:ae]
			if len(base.NodeGroups) == 0 {
				base.NodeGroups = nil
			}
			got := synthJSON(t, base, func(c *eks.Cluster) {
				for _, g := range tt.props.NodeGroups[ng:] {
					if err := c.AddNodeGroup(g); err != nil {
						t.Fatal(err)
					}
				}
				for _, e := range tt.props.AccessEntries[ae:] {
					if err := c.AddAccessEntry(e); err != nil {
						t.Fatal(err)
					}
				}
			})
			if got != want {
				t.Errorf("Add path differs from props path:\n%s", firstDiff(want, got))
			}
		})
	}
}

// The add-ons installed after compute depend on added node groups, in the
// order NewCluster lists compute: groups, then Fargate profiles, then the
// add-on's own role.
func TestAddNodeGroupDependencies(t *testing.T) {
	stack := tftest.NewStack(t)
	c, err := eks.NewCluster(stack, "cluster", eks.ClusterProps{
		Name: "demo", VPC: newVPC(t, stack), NodeGroups: []eks.NodeGroupProps{general},
		FargateProfiles: []eks.FargateProfileProps{{Name: "reports", Selectors: []eks.FargateSelector{{Namespace: "reports"}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddNodeGroup(batch); err != nil {
		t.Fatal(err)
	}
	if c.NodeGroup("batch") == nil || len(c.ComputeResources()) != 3 {
		t.Fatalf("NodeGroup(batch) = %v, %d compute resources; want the group and 3", c.NodeGroup("batch"), len(c.ComputeResources()))
	}
	doc := tftest.Synth(t, stack)
	ebs := doc.One(t, "aws_eks_addon", "addon-aws-ebs-csi-driver")
	deps := tftest.Strings(ebs["depends_on"])
	want := []string{
		doc.Address(t, "aws_eks_node_group", "node-group-general_"),
		doc.Address(t, "aws_eks_node_group", "node-group-batch_"),
		doc.Address(t, "aws_eks_fargate_profile", "fargate-profile-reports"),
		doc.Address(t, "aws_iam_role_policy_attachment", "addon-aws-ebs-csi-driver-role"),
	}
	if len(deps) != len(want) {
		t.Fatalf("ebs-csi depends_on = %v, want %v", deps, want)
	}
	for i := range want {
		if deps[i] != want[i] {
			t.Errorf("ebs-csi depends_on[%d] = %s, want %s", i, deps[i], want[i])
		}
	}
	group := doc.One(t, "aws_eks_node_group", "node-group-batch_")
	if group["node_role_arn"] != "${"+doc.Address(t, "aws_iam_role", "node-role")+".arn}" {
		t.Errorf("added group's node role = %v", group["node_role_arn"])
	}
}

func TestAddErrors(t *testing.T) {
	newCluster := func(t *testing.T, mod func(*eks.ClusterProps)) (*eks.Cluster, cdktf.TerraformStack) {
		stack := tftest.NewStack(t)
		props := eks.ClusterProps{Name: "demo", VPC: newVPC(t, stack), NodeGroups: []eks.NodeGroupProps{general}, AccessEntries: []eks.AccessEntry{admin}}
		if mod != nil {
			mod(&props)
		}
		c, err := eks.NewCluster(stack, "cluster", props)
		if err != nil {
			t.Fatal(err)
		}
		return c, stack
	}
	tests := []struct {
		name string
		mod  func(*eks.ClusterProps)
		add  func(*eks.Cluster) error
		want []string
	}{
		{"duplicate group", nil, func(c *eks.Cluster) error { return c.AddNodeGroup(eks.NodeGroupProps{Name: "general", MaxSize: 2}) },
			[]string{`eks "test/cluster": NodeGroups[1].Name "general" is used by another node group`}},
		{"bad group", nil, func(c *eks.Cluster) error {
			return c.AddNodeGroup(eks.NodeGroupProps{Name: "gpu!", MinSize: 3, MaxSize: 2})
		}, []string{
			`eks "test/cluster": NodeGroups[1].Name "gpu!" is not a valid node group name`,
			`eks "test/cluster": NodeGroups[1].MinSize 3 is greater than MaxSize 2`,
			`eks "test/cluster": NodeGroups[1].DesiredSize 3 is greater than MaxSize 2`,
		}},
		{"auto mode", func(p *eks.ClusterProps) { p.NodeGroups, p.AutoMode = nil, &eks.AutoModeProps{} },
			func(c *eks.Cluster) error { return c.AddNodeGroup(eks.NodeGroupProps{Name: "extra", MaxSize: 2}) },
			[]string{`eks "test/cluster": NodeGroups[0] cannot be added: AutoMode is on`}},
		{"duplicate principal", nil, func(c *eks.Cluster) error {
			if err := c.AddAccessEntry(dev); err != nil {
				return err
			}
			return c.AddAccessEntry(eks.AccessEntry{PrincipalARN: admin.PrincipalARN})
		}, []string{`eks "test/cluster": AccessEntries[2].PrincipalARN "arn:aws:iam::123456789012:role/Admin" already has an access entry at AccessEntries[0]; EKS allows one per principal`}},
		{"bad entry", nil, func(c *eks.Cluster) error {
			return c.AddAccessEntry(eks.AccessEntry{PrincipalARN: "admin", Policy: "Root", Namespaces: []string{"Shop"}})
		}, []string{
			`eks "test/cluster": AccessEntries[1].PrincipalARN "admin" is not an IAM role or user ARN`,
			`eks "test/cluster": AccessEntries[1].Policy "Root" is not an EKS access policy`,
			`eks "test/cluster": AccessEntries[1].Namespaces[0] "Shop" is not a namespace name`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, stack := newCluster(t, tt.mod)
			before := len(*stack.Node().FindAll(constructs.ConstructOrder_PREORDER))
			err := tt.add(c)
			if !errors.Is(err, validate.ErrInvalid) {
				t.Fatalf("err = %v, want validate.ErrInvalid", err)
			}
			fields := validate.Fields(err)
			if len(fields) != len(tt.want) {
				t.Fatalf("got %d problems, want %d: %v", len(fields), len(tt.want), err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if tt.name != "duplicate principal" {
				if after := len(*stack.Node().FindAll(constructs.ConstructOrder_PREORDER)); after != before {
					t.Errorf("a refused Add created %d constructs", after-before)
				}
			}
		})
	}
	var nilCluster *eks.Cluster
	if err := nilCluster.AddNodeGroup(general); err == nil || !strings.Contains(err.Error(), "nil *Cluster") {
		t.Errorf("AddNodeGroup on nil = %v", err)
	}
	if err := nilCluster.AddAccessEntry(admin); err == nil || !strings.Contains(err.Error(), "nil *Cluster") {
		t.Errorf("AddAccessEntry on nil = %v", err)
	}
}
