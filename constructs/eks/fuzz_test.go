package eks_test

import (
	"math"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/grant"
	"github.com/hybridstack/hybridstack/constructs/internal/fuzztest"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/network"
)

// The fuzz tests below feed primitive values into the props of NewCluster,
// NewServiceAccountRole and NewPodIdentityRole, and check the contract of
// every call: it returns a value or an error, never both and never
// neither, and never panics; an error is about props, so it wraps
// validate.ErrInvalid, every FieldError in it names the construct path, the
// field and the problem, and a failed constructor added nothing to the
// tree; a stack built without error synthesizes. `go test` runs the seeds;
// `make fuzz` (go test -fuzz) explores from them.

// fuzzVPC returns a VPC by shape: 0 a new VPC in two zones, 1 an imported
// VPC with two private subnets, 2 one with a single private subnet, 3 nil.
func fuzzVPC(t *testing.T, stack cdktf.TerraformStack, shape uint8) *network.VPC {
	t.Helper()
	var vpc *network.VPC
	var err error
	switch shape % 4 {
	case 0:
		vpc, err = network.NewVPC(stack, "net", network.VPCProps{AZCount: 2})
	case 1:
		vpc, err = network.ImportVPC(stack, "net", network.ImportVPCProps{VPCID: "vpc-0123456789abcdef0", CIDR: "10.0.0.0/16", PrivateSubnetIDs: []string{"subnet-01234567", "subnet-89abcdef"}})
	case 2:
		vpc, err = network.ImportVPC(stack, "net", network.ImportVPCProps{VPCID: "vpc-0123456789abcdef0", PrivateSubnetIDs: []string{"subnet-01234567"}})
	}
	if err != nil {
		t.Fatal(err)
	}
	return vpc
}

// The fuzzFlag* bits select optional ClusterProps in FuzzNewCluster.
const (
	fuzzFlagDuplicateEntry = 1 << iota
	fuzzFlagAutoMode
	fuzzFlagBootstrapAdmin
	fuzzFlagDisposable
	fuzzFlagFargateLabels
	fuzzFlagSecondGroupSpot
)

// fuzzDerived are ways to make a second name from a first one, with the
// suffixes constructs add to the ids they derive: byte mutation alone
// rarely builds them.
var fuzzDerived = []string{"%s-launch-template", "%s-role", "%s-1", "%s-inline", "%s-role-AmazonEKS_CNI_Policy", "%s/x", "%s-2"}

func FuzzNewCluster(f *testing.F) {
	type in struct {
		id, name, version                         string
		vpcShape                                  uint8
		public, private, kms                      string
		logDays                                   int
		auth, principal, policy, namespaces       string
		groups, support, serviceCIDR              string
		addons, addonVersion, addonConfig         string
		ng1, ng2                                  string
		sel                                       uint8
		instanceTypes, capacity                   string
		minSize, desired, maxSize                 int
		maxUnavail, maxUnavailPct                 int
		labelKey, labelValue, taintKey, taintEff  string
		ami                                       string
		disk                                      int
		fargate, fargateNS, pools, tagKey, tagVal string
		flags                                     uint8
	}
	add := func(i in) {
		f.Add(i.id, i.name, i.version, i.vpcShape, i.public, i.private, i.kms, i.logDays, i.auth, i.principal, i.policy, i.namespaces,
			i.groups, i.support, i.serviceCIDR, i.addons, i.addonVersion, i.addonConfig, i.ng1, i.ng2, i.sel, i.instanceTypes, i.capacity,
			i.minSize, i.desired, i.maxSize, i.maxUnavail, i.maxUnavailPct, i.labelKey, i.labelValue, i.taintKey, i.taintEff, i.ami, i.disk,
			i.fargate, i.fargateNS, i.pools, i.tagKey, i.tagVal, i.flags)
	}
	add(in{id: "cluster", ng1: "general", maxSize: 3})
	add(in{id: "cluster", name: "prod", version: "1.34", public: "203.0.113.0/24", private: "10.20.0.0/16", logDays: 365,
		principal: "arn:aws:iam::123456789012:role/Admin", policy: "AmazonEKSClusterAdminPolicy", namespaces: "", groups: "ops",
		ng1: "general", ng2: "spot", instanceTypes: "m7g.large,c7g.large", capacity: "SPOT", minSize: 1, desired: 2, maxSize: 10, maxUnavail: 1,
		labelKey: "node.kubernetes.io/role", labelValue: "general", taintKey: "dedicated", taintEff: "NO_SCHEDULE", disk: 100,
		fargate: "batch", fargateNS: "batch", tagKey: "team", tagVal: "platform", flags: fuzzFlagSecondGroupSpot})
	add(in{id: "cluster", vpcShape: 1, fargate: "system", fargateNS: "kube-system"})
	add(in{id: "cluster", flags: fuzzFlagAutoMode, pools: "general-purpose"})
	add(in{id: "cluster", flags: fuzzFlagAutoMode, pools: "gpu", ng1: "general", maxSize: 1, addons: "vpc-cni"})
	add(in{id: "cluster", vpcShape: 2, public: "0.0.0.0/0", private: "10.0.0.0/0", serviceCIDR: "10.0.0.0/16"})
	add(in{id: "cluster", vpcShape: 3, version: "1.30", support: "STANDARD", auth: "CONFIG_MAP", kms: "key", logDays: 45})
	add(in{id: "cluster", version: "1.31", support: "EXTENDED", ng1: "general", maxSize: 1, addons: "vpc-cni,kube-proxy,coredns,eks-pod-identity-agent,aws-ebs-csi-driver"})
	add(in{id: "cluster", version: "1.36", ng1: "general", maxSize: 1})
	add(in{id: "cluster", name: strings.Repeat("c", 101), ng1: "bad name", maxSize: 0, minSize: -1, desired: math.MaxInt, maxUnavail: 5, maxUnavailPct: 10, disk: 19})
	add(in{id: "cluster", ng1: "general", ng2: "general", maxSize: 451, instanceTypes: "m7g.large,m7i.large,nope", capacity: "spot", ami: "AL2_x86_64"})
	add(in{id: "cluster", ng1: "general", maxSize: 2, labelKey: "-bad", labelValue: strings.Repeat("v", 64), taintKey: "", taintEff: "NoSchedule"})
	add(in{id: "cluster", ng1: "general", maxSize: 2, principal: "arn:aws:iam::123456789012:role/Admin", flags: fuzzFlagDuplicateEntry, namespaces: "Bad_NS", groups: "system:masters,"})
	add(in{id: "cluster", ng1: "general", maxSize: 2, principal: "@token", addons: "vpc-cni,vpc-cni,,custom", addonVersion: "1.0", addonConfig: "[1]"})
	add(in{id: "cluster", ng1: "general", maxSize: 2, addons: "vpc-cni,kube-proxy,coredns,metrics-server", addonVersion: "v0.7.2-eksbuild.1", addonConfig: `{"replicas":2}`})
	add(in{id: "cluster", ng1: "g", ng2: "", sel: 1, maxSize: 1})                                                                                             // was a panic: node-group-g-launch-template
	add(in{id: "cluster", ng1: "vpc-cni", ng2: "", sel: 2, maxSize: 1, addons: "vpc-cni,kube-proxy,coredns,vpc-cni-role", addonVersion: "v1.0.0-eksbuild.1"}) // was a panic: addon-vpc-cni-role
	add(in{id: "ünï/cødé", name: "ünïcødé", fargate: "ünï", fargateNS: "ünï", flags: fuzzFlagFargateLabels, tagKey: "aws:x"})
	add(in{id: "cluster", fargate: strings.Repeat("f", 101), fargateNS: strings.Repeat("n", 64)})
	add(in{id: "awsenv-account", ng1: "general", maxSize: 1})
	fuzztest.WarmUp(f)
	f.Fuzz(func(t *testing.T, id, name, version string, vpcShape uint8, public, private, kms string, logDays int, auth, principal, policy, namespaces,
		groups, support, serviceCIDR, addons, addonVersion, addonConfig, ng1, ng2 string, sel uint8, instanceTypes, capacity string,
		minSize, desired, maxSize, maxUnavail, maxUnavailPct int, labelKey, labelValue, taintKey, taintEff, ami string, disk int,
		fargate, fargateNS, pools, tagKey, tagVal string, flags uint8) {
		stack := fuzztest.Stack(t)
		fuzztest.Tokens(stack, &principal, &kms)
		props := eks.ClusterProps{
			Name: name, Version: version, VPC: fuzzVPC(t, stack, vpcShape), PublicAccessCIDRs: fuzztest.List(public), PrivateAccessCIDRs: fuzztest.List(private),
			KMSKeyARN: kms, LogRetentionDays: logDays, AuthenticationMode: eks.AuthenticationMode(auth),
			BootstrapCreatorAdmin: flags&fuzzFlagBootstrapAdmin != 0, SupportType: eks.SupportType(support), ServiceIPv4CIDR: serviceCIDR,
			Disposable: flags&fuzzFlagDisposable != 0,
		}
		if principal != "" {
			e := eks.AccessEntry{PrincipalARN: principal, Policy: eks.AccessPolicy(policy), Namespaces: fuzztest.List(namespaces), KubernetesGroups: fuzztest.List(groups)}
			props.AccessEntries = []eks.AccessEntry{e}
			if flags&fuzzFlagDuplicateEntry != 0 {
				props.AccessEntries = append(props.AccessEntries, e)
			}
		}
		for _, a := range fuzztest.List(addons) {
			props.Addons = append(props.Addons, eks.AddonProps{Name: a, Version: addonVersion, ConfigurationValues: addonConfig})
		}
		if ng1 != "" {
			g := eks.NodeGroupProps{
				Name: ng1, InstanceTypes: fuzztest.List(instanceTypes), CapacityType: eks.CapacityType(capacity),
				MinSize: minSize, DesiredSize: desired, MaxSize: maxSize, MaxUnavailable: maxUnavail, MaxUnavailablePercentage: maxUnavailPct,
				AMIType: ami, DiskSizeGiB: disk,
			}
			if labelKey != "" || labelValue != "" {
				g.Labels = map[string]string{labelKey: labelValue}
			}
			if taintKey != "" || taintEff != "" {
				g.Taints = []eks.Taint{{Key: taintKey, Value: labelValue, Effect: eks.TaintEffect(taintEff)}}
			}
			props.NodeGroups = []eks.NodeGroupProps{g}
			if second := fuzztest.Derive(ng1, ng2, sel, fuzzDerived); second != "" {
				g2 := eks.NodeGroupProps{Name: second, MaxSize: 1}
				if flags&fuzzFlagSecondGroupSpot != 0 {
					g2.CapacityType, g2.InstanceTypes = eks.Spot, []string{"m7i.large", "m6i.large"}
				}
				props.NodeGroups = append(props.NodeGroups, g2)
			}
		}
		if fargate != "" {
			sel := eks.FargateSelector{Namespace: fargateNS}
			if flags&fuzzFlagFargateLabels != 0 {
				sel.Labels = map[string]string{labelKey: labelValue}
			}
			props.FargateProfiles = []eks.FargateProfileProps{{Name: fargate, Selectors: []eks.FargateSelector{sel}}}
		}
		if flags&fuzzFlagAutoMode != 0 {
			props.AutoMode = &eks.AutoModeProps{NodePools: fuzztest.List(pools)}
		}
		if tagKey != "" || tagVal != "" {
			props.Tags = map[string]string{tagKey: tagVal}
		}
		var c *eks.Cluster
		var err error
		added := fuzztest.Adds(stack, id)
		fuzztest.Run(t, func() { c, err = eks.NewCluster(stack, id, props) })
		if !fuzztest.Check(t, "NewCluster", c != nil, err) {
			if added() {
				t.Fatalf("NewCluster returned %v but added %q to the tree", err, id)
			}
			return
		}
		if c.Version() == "" || c.Name() == "" || c.OIDCProviderARN() == "" || c.KMSKeyARN() == "" {
			t.Fatalf("NewCluster: version %q, name %q", c.Version(), c.Name())
		}
		for _, g := range props.NodeGroups {
			if c.NodeGroup(g.Name) == nil {
				t.Fatalf("NewCluster: no node group %q", g.Name)
			}
		}
		tftest.Synth(t, stack)
	})
}

func FuzzWorkloadRoles(f *testing.F) {
	f.Add(false, "orders", "orders", "orders-api", "", "", "", uint8(0), uint8(0))
	f.Add(true, "orders", "orders", "orders-api", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess,arn:aws:iam::123456789012:policy/orders", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, "Orders API", uint8(1), uint8(0))
	f.Add(false, "orders", "orders", "orders-api", "arn:aws:iam::aws:policy/x,arn:aws:iam::123456789012:policy/x", "", "", uint8(3), uint8(0))
	f.Add(true, "orders", "batch", "runner", "", "", "", uint8(0), uint8(1))
	f.Add(true, "orders", "orders", "orders-api", "", "", "", uint8(0), uint8(2))
	f.Add(false, "orders", "", "", "", "", "", uint8(0), uint8(0))
	f.Add(false, "orders", "Orders", "Orders_API", "arn:aws:iam::aws:policy/x,arn:aws:iam::aws:policy/x,nope", "{", "", uint8(0), uint8(0))
	f.Add(true, "orders", strings.Repeat("n", 64), strings.Repeat("s", 254), "arn:aws:iam::aws:policy/", `{"Version":"2008-10-17"}`, "", uint8(0), uint8(0))
	f.Add(false, "orders", "orders", "orders-api", "@token", "@token", "", uint8(2), uint8(0))
	f.Add(false, "ünï/cødé", "ünï", "cødé", "", "", "ünïcødé", uint8(0), uint8(0))
	f.Add(true, "orders", "orders", "orders-api", "arn:aws:iam::aws:policy/inline", `{"Version":"2012-10-17","Statement":[{}]}`, "", uint8(0), uint8(0)) // was a panic: role-inline
	fuzztest.WarmUp(f)
	f.Fuzz(func(t *testing.T, podIdentity bool, id, namespace, serviceAccount, policyARNs, policyDocument, description string, grants, clusterShape uint8) {
		stack := fuzztest.Stack(t)
		vpc := fuzzVPC(t, stack, 0)
		cp := eks.ClusterProps{VPC: vpc, NodeGroups: []eks.NodeGroupProps{{Name: "general", MaxSize: 2}}}
		switch clusterShape % 3 {
		case 1: // namespace batch only on Fargate
			cp.FargateProfiles = []eks.FargateProfileProps{{Name: "batch", Selectors: []eks.FargateSelector{{Namespace: "batch"}}}}
		case 2: // no Pod Identity agent
			cp.Addons = []eks.AddonProps{{Name: eks.AddonVPCCNI}, {Name: eks.AddonKubeProxy}, {Name: eks.AddonCoreDNS}}
		}
		cluster, err := eks.NewCluster(stack, "cluster", cp)
		if err != nil {
			t.Fatal(err)
		}
		arns := fuzztest.List(policyARNs)
		for i := range arns {
			fuzztest.Tokens(stack, &arns[i])
		}
		fuzztest.Tokens(stack, &policyDocument)
		var g interface {
			grant.Grantee
			RoleName() string
		}
		added := fuzztest.Adds(stack, id)
		if podIdentity {
			var r *eks.PodIdentityRole
			fuzztest.Run(t, func() {
				r, err = eks.NewPodIdentityRole(stack, id, eks.PodIdentityRoleProps{Cluster: cluster, Namespace: namespace, ServiceAccount: serviceAccount, ManagedPolicyARNs: arns, PolicyDocument: policyDocument})
			})
			if fuzztest.Check(t, "NewPodIdentityRole", r != nil, err) {
				g = r
			}
		} else {
			var r *eks.ServiceAccountRole
			fuzztest.Run(t, func() {
				r, err = eks.NewServiceAccountRole(stack, id, eks.ServiceAccountRoleProps{Cluster: cluster, Namespace: namespace, ServiceAccount: serviceAccount, ManagedPolicyARNs: arns, PolicyDocument: policyDocument, Description: description})
			})
			if fuzztest.Check(t, "NewServiceAccountRole", r != nil, err) {
				if r.Annotations()["eks.amazonaws.com/role-arn"] != r.RoleARN() {
					t.Fatalf("NewServiceAccountRole: annotations %v", r.Annotations())
				}
				g = r
			}
		}
		if g == nil {
			if added() {
				t.Fatalf("the role constructor returned %v but added %q to the tree", err, id)
			}
			return
		}
		if g.RoleARN() == "" || g.RoleName() == "" {
			t.Fatalf("role ARN %q, name %q", g.RoleARN(), g.RoleName())
		}
		// Grants make the role a grant.Grantee; grant 1 publishes, 2 reads a
		// secret, 3 both.
		if grants&1 != 0 {
			err := grant.Publish(g, "arn:aws:sns:eu-west-1:123456789012:orders")
			fuzztest.Check(t, "grant.Publish", err == nil, err)
		}
		if grants&2 != 0 {
			err := grant.SecretRead(g, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db")
			fuzztest.Check(t, "grant.SecretRead", err == nil, err)
		}
		tftest.Synth(t, stack)
	})
}
