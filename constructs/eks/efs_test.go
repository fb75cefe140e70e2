package eks_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
)

// withEFS lists the default add-ons and the EFS CSI driver.
func withEFS(p *eks.ClusterProps) {
	p.Addons = []eks.AddonProps{
		{Name: eks.AddonVPCCNI}, {Name: eks.AddonKubeProxy}, {Name: eks.AddonPodIdentity}, {Name: eks.AddonCoreDNS},
		{Name: eks.AddonEBSCSIDriver}, {Name: eks.AddonEFSCSIDriver},
	}
}

// Listing the EFS CSI driver installs it at the pinned version, after
// compute, with an IRSA role that only its controller's service account can
// assume and that carries AmazonEFSCSIDriverPolicy.
func TestEFSAddon(t *testing.T) {
	_, doc := standard(t, withEFS)
	addon := doc.One(t, "aws_eks_addon", "addon-aws-efs-csi-driver_")
	want := eks.AddonVersion(eks.DefaultVersion, eks.AddonEFSCSIDriver)
	if want != "v2.3.1-eksbuild.1" || addon["addon_version"] != want || addon["addon_name"] != "aws-efs-csi-driver" {
		t.Errorf("add-on %v version %v, want the pinned %q", addon["addon_name"], addon["addon_version"], want)
	}

	roleAddr := doc.Address(t, "aws_iam_role", "addon-aws-efs-csi-driver-role")
	if addon["service_account_role_arn"] != "${"+roleAddr+".arn}" {
		t.Errorf("service_account_role_arn = %v, want %s's", addon["service_account_role_arn"], roleAddr)
	}
	role := doc.One(t, "aws_iam_role", "addon-aws-efs-csi-driver-role")
	if !strings.HasPrefix(role["name_prefix"].(string), "demo-aws-efs-csi-driver-") {
		t.Errorf("name_prefix = %v", role["name_prefix"])
	}

	// The trust names exactly the controller's service account (no
	// wildcard, so not efs-csi-node-sa) and the STS audience.
	var trust struct {
		Statement []struct {
			Effect    string
			Principal map[string]string
			Action    []string
			Condition map[string]map[string]string
		}
	}
	if err := json.Unmarshal([]byte(role["assume_role_policy"].(string)), &trust); err != nil {
		t.Fatal(err)
	}
	if len(trust.Statement) != 1 {
		t.Fatalf("trust has %d statements: %+v", len(trust.Statement), trust)
	}
	st := trust.Statement[0]
	if st.Effect != "Allow" || len(st.Action) != 1 || st.Action[0] != "sts:AssumeRoleWithWebIdentity" || !strings.Contains(st.Principal["Federated"], "aws_iam_openid_connect_provider.cluster_oidc-provider") {
		t.Errorf("trust statement = %+v", st)
	}
	if len(st.Condition) != 1 || len(st.Condition["StringEquals"]) != 2 {
		t.Fatalf("trust conditions = %v, want StringEquals on :sub and :aud only", st.Condition)
	}
	for k, v := range st.Condition["StringEquals"] {
		switch {
		case strings.HasSuffix(k, ":sub"):
			if v != "system:serviceaccount:kube-system:efs-csi-controller-sa" {
				t.Errorf("trusted subject = %q", v)
			}
		case strings.HasSuffix(k, ":aud"):
			if v != "sts.amazonaws.com" {
				t.Errorf("trusted audience = %q", v)
			}
		default:
			t.Errorf("unexpected condition key %q", k)
		}
	}

	// The managed policy is attached, and the add-on waits for it.
	att := doc.One(t, "aws_iam_role_policy_attachment", "addon-aws-efs-csi-driver-role-AmazonEFSCSIDriverPolicy")
	if !strings.HasSuffix(att["policy_arn"].(string), ":iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy") || att["role"] != "${"+roleAddr+".name}" {
		t.Errorf("attachment = %v", att)
	}
	deps := strings.Join(tftest.Strings(addon["depends_on"]), ",")
	for _, want := range []string{
		doc.Address(t, "aws_iam_role_policy_attachment", "addon-aws-efs-csi-driver-role-AmazonEFSCSIDriverPolicy"),
		doc.Address(t, "aws_eks_node_group", "node-group-general"),
	} {
		if !strings.Contains(deps, want) {
			t.Errorf("the EFS add-on does not wait for %s (depends_on: %s)", want, deps)
		}
	}
	// Its controller needs nodes: it comes after compute, not before.
	for _, compute := range []string{"aws_eks_node_group", "aws_eks_fargate_profile"} {
		for _, r := range doc.Resources(compute) {
			if d := strings.Join(tftest.Strings(r["depends_on"]), ","); strings.Contains(d, "aws-efs-csi-driver") {
				t.Errorf("%s waits for the EFS add-on: %s", compute, d)
			}
		}
	}
}

// Not listed, the EFS driver is not installed and has no role: the default
// add-ons are unchanged.
func TestEFSAddonOnlyWhenListed(t *testing.T) {
	_, doc := standard(t, nil)
	for name := range doc.Resources("aws_eks_addon") {
		if strings.Contains(name, "efs") {
			t.Errorf("add-on %s installed without being listed", name)
		}
	}
	for _, typ := range []string{"aws_iam_role", "aws_iam_role_policy_attachment"} {
		for name, r := range doc.Resources(typ) {
			arn, _ := r["policy_arn"].(string)
			if strings.Contains(strings.ToLower(name), "efs") || strings.Contains(arn, "EFS") {
				t.Errorf("%s %s exists without the EFS add-on", typ, name)
			}
		}
	}
}

// A version is pinned for every Kubernetes version with pinned defaults.
func TestEFSAddonPinned(t *testing.T) {
	for _, v := range eks.SupportedVersions() {
		if eks.AddonVersion(v.Name, eks.AddonKubeProxy) == "" {
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			if got := eks.AddonVersion(v.Name, eks.AddonEFSCSIDriver); got != "v2.3.1-eksbuild.1" {
				t.Errorf("aws-efs-csi-driver pinned %q for %s", got, v.Name)
			}
		})
	}
}

func TestEFSAddonCompute(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*eks.ClusterProps)
		want string // "" when the cluster builds
	}{
		{"fargate only", func(p *eks.ClusterProps) {
			p.NodeGroups = nil
			p.FargateProfiles = []eks.FargateProfileProps{{Name: "all", Selectors: []eks.FargateSelector{{Namespace: "kube-system"}, {Namespace: "apps"}}}}
			p.Addons = []eks.AddonProps{{Name: eks.AddonVPCCNI}, {Name: eks.AddonKubeProxy}, {Name: eks.AddonCoreDNS}, {Name: eks.AddonEFSCSIDriver}}
		}, `eks "test/cluster": Addons[3].Name "aws-efs-csi-driver" needs EC2 nodes (a node group or AutoMode): its pods cannot run on Fargate, and Fargate pods mount EFS without it`},
		{"no compute", func(p *eks.ClusterProps) {
			p.NodeGroups, p.FargateProfiles = nil, nil
			p.Addons = []eks.AddonProps{{Name: eks.AddonEFSCSIDriver}}
		}, `Addons[0].Name "aws-efs-csi-driver" needs EC2 nodes`},
		{"auto mode", func(p *eks.ClusterProps) {
			p.NodeGroups, p.FargateProfiles = nil, nil
			p.AutoMode = &eks.AutoModeProps{}
			p.Addons = []eks.AddonProps{{Name: eks.AddonEFSCSIDriver}}
		}, ""},
		{"node groups and fargate", withEFS, ""},
		{"explicit version", func(p *eks.ClusterProps) {
			withEFS(p)
			p.Addons[5].Version = "v3.3.0-eksbuild.1"
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stack := tftest.NewStack(t)
			props := eks.ClusterProps{
				Name:            "demo",
				VPC:             newVPC(t, stack),
				NodeGroups:      []eks.NodeGroupProps{{Name: "general", MinSize: 1, MaxSize: 3}},
				FargateProfiles: []eks.FargateProfileProps{{Name: "serverless", Selectors: []eks.FargateSelector{{Namespace: "serverless"}}}},
				AccessEntries:   []eks.AccessEntry{{PrincipalARN: "arn:aws:iam::123456789012:role/Admin", Policy: eks.AccessPolicyClusterAdmin}},
			}
			tt.mod(&props)
			c, err := eks.NewCluster(stack, "cluster", props)
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("error %v does not contain %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			addon := c.Addon(eks.AddonEFSCSIDriver)
			if addon == nil {
				t.Fatal("no EFS add-on")
			}
			a := tftest.Synth(t, stack).One(t, "aws_eks_addon", "addon-aws-efs-csi-driver_")
			want := eks.AddonVersion(eks.DefaultVersion, eks.AddonEFSCSIDriver)
			for _, ap := range props.Addons {
				if ap.Name == eks.AddonEFSCSIDriver && ap.Version != "" {
					want = ap.Version
				}
			}
			if a["addon_version"] != want || !strings.Contains(a["service_account_role_arn"].(string), "addon-aws-efs-csi-driver-role") {
				t.Errorf("add-on = %v", a)
			}
		})
	}
}
