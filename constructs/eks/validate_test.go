package eks_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

func newVPC(t testing.TB, stack cdktf.TerraformStack) *network.VPC {
	t.Helper()
	v, err := network.NewVPC(stack, "net", network.VPCProps{AvailabilityZones: []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"}})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func group(mod func(*eks.NodeGroupProps)) []eks.NodeGroupProps {
	g := eks.NodeGroupProps{Name: "general", MinSize: 1, MaxSize: 3}
	mod(&g)
	return []eks.NodeGroupProps{g}
}

func TestClusterValidation(t *testing.T) {
	ng := eks.NodeGroupProps{Name: "general", MinSize: 1, MaxSize: 3}
	tests := []struct {
		name string
		mod  func(*eks.ClusterProps)
		want []string
	}{
		{"cluster name", func(p *eks.ClusterProps) { p.Name = "-bad name" },
			[]string{`eks "test/cluster": Name "-bad name" is not a valid cluster name`}},
		{"unknown version", func(p *eks.ClusterProps) { p.Version = "1.40" },
			[]string{`Version "1.40" is not a Kubernetes version EKS supports (as of 2026-11-22); use one of [1.31 1.32 1.33 1.34 1.35 1.36]`}},
		{"retired version", func(p *eks.ClusterProps) { p.Version = "1.29" },
			[]string{`Version "1.29" left extended support on 2026-03-23 and EKS no longer creates it`}},
		{"standard support past its end", func(p *eks.ClusterProps) { p.Version = "1.32" },
			[]string{`SupportType "STANDARD" cannot be used with version 1.32, which left standard support on 2026-03-23; set SupportType "EXTENDED"`}},
		{"support type", func(p *eks.ClusterProps) { p.SupportType = "FOREVER" },
			[]string{`SupportType "FOREVER" is not a support type`}},
		{"no vpc", func(p *eks.ClusterProps) { p.VPC = nil },
			[]string{`VPC is nil; give a network.VPC`}},
		{"public endpoint open to the world", func(p *eks.ClusterProps) { p.PublicAccessCIDRs = []string{"0.0.0.0/0"} },
			[]string{`PublicAccessCIDRs[0] "0.0.0.0/0" opens the API endpoint to the whole Internet`}},
		{"public endpoint private range", func(p *eks.ClusterProps) { p.PublicAccessCIDRs = []string{"10.1.0.0/16"} },
			[]string{`PublicAccessCIDRs[0] "10.1.0.0/16" is a private range`}},
		{"public endpoint bad cidr", func(p *eks.ClusterProps) { p.PublicAccessCIDRs = []string{"203.0.113.7"} },
			[]string{`PublicAccessCIDRs[0] "203.0.113.7" is not a CIDR block`}},
		{"service cidr overlaps vpc", func(p *eks.ClusterProps) { p.ServiceIPv4CIDR = "10.0.0.0/16" },
			[]string{`ServiceIPv4CIDR "10.0.0.0/16" overlaps the VPC range 10.0.0.0/16`}},
		{"service cidr public", func(p *eks.ClusterProps) { p.ServiceIPv4CIDR = "8.8.0.0/16" },
			[]string{`ServiceIPv4CIDR "8.8.0.0/16" must be a /12 to /24 block inside 10.0.0.0/8`}},
		{"kms key not an arn", func(p *eks.ClusterProps) { p.KMSKeyARN = "alias/mine" },
			[]string{`KMSKeyARN "alias/mine" is not a KMS key ARN`}},
		{"log retention", func(p *eks.ClusterProps) { p.LogRetentionDays = 10 },
			[]string{`LogRetentionDays 10 is not a CloudWatch Logs retention`}},
		{"config map auth", func(p *eks.ClusterProps) { p.AuthenticationMode = "CONFIG_MAP" },
			[]string{`AuthenticationMode "CONFIG_MAP" is not allowed: the aws-auth ConfigMap is deprecated and the mode can only move forward (CONFIG_MAP -> API_AND_CONFIG_MAP -> API)`}},
		{"unknown auth", func(p *eks.ClusterProps) { p.AuthenticationMode = "OIDC" },
			[]string{`AuthenticationMode "OIDC" is not an authentication mode`}},
		{"access entry principal", func(p *eks.ClusterProps) {
			p.AccessEntries = []eks.AccessEntry{{PrincipalARN: "arn:aws:iam::123:role/x"}, {}}
		}, []string{`AccessEntries[0].PrincipalARN "arn:aws:iam::123:role/x" is not an IAM role or user ARN`, `AccessEntries[1].PrincipalARN is empty`}},
		{"access entry duplicate", func(p *eks.ClusterProps) {
			a := "arn:aws:iam::123456789012:role/Admin"
			p.AccessEntries = []eks.AccessEntry{{PrincipalARN: a}, {PrincipalARN: a}}
		}, []string{`AccessEntries[1].PrincipalARN "arn:aws:iam::123456789012:role/Admin" already has an access entry at AccessEntries[0]`}},
		{"access entry policy, namespace, group", func(p *eks.ClusterProps) {
			p.AccessEntries = []eks.AccessEntry{{PrincipalARN: "arn:aws:iam::123456789012:role/Dev", Policy: "Root", Namespaces: []string{"Team_A"}, KubernetesGroups: []string{"system:masters"}}}
		}, []string{`AccessEntries[0].Policy "Root" is not an EKS access policy`, `AccessEntries[0].Namespaces[0] "Team_A" is not a namespace name`, `AccessEntries[0].KubernetesGroups[0] "system:masters" is not allowed`}},
		{"addon name", func(p *eks.ClusterProps) { p.Addons = []eks.AddonProps{{}} },
			[]string{`Addons[0].Name is empty`}},
		{"addon duplicate", func(p *eks.ClusterProps) { p.Addons = []eks.AddonProps{{Name: "vpc-cni"}, {Name: "vpc-cni"}} },
			[]string{`Addons[1].Name "vpc-cni" is listed twice`}},
		{"unpinned add-on", func(p *eks.ClusterProps) {
			p.Addons = []eks.AddonProps{{Name: "vpc-cni"}, {Name: "kube-proxy"}, {Name: "coredns"}, {Name: "snapshot-controller"}}
		},
			[]string{`Addons[3].Version is empty and no version of "snapshot-controller" is pinned for Kubernetes 1.35`}},
		{"unpinned Kubernetes version", func(p *eks.ClusterProps) { p.Version = "1.36" },
			[]string{`Addons[0].Version is empty and no version of "vpc-cni" is pinned for Kubernetes 1.36`}},
		{"addon version", func(p *eks.ClusterProps) { p.Addons = []eks.AddonProps{{Name: "vpc-cni", Version: "1.19"}} },
			[]string{`Addons[0].Version "1.19" is not an add-on version such as v1.19.2-eksbuild.1`}},
		{"addon configuration", func(p *eks.ClusterProps) {
			p.Addons = []eks.AddonProps{{Name: "coredns", ConfigurationValues: "replicas: 3"}}
		},
			[]string{`Addons[0].ConfigurationValues is not a JSON object`}},
		{"ebs csi without nodes", func(p *eks.ClusterProps) {
			p.NodeGroups = nil
			p.FargateProfiles = []eks.FargateProfileProps{{Name: "all", Selectors: []eks.FargateSelector{{Namespace: "kube-system"}}}}
			p.Addons = []eks.AddonProps{{Name: "aws-ebs-csi-driver"}}
		}, []string{`Addons[0].Name "aws-ebs-csi-driver" needs EC2 nodes`}},
		{"coredns nowhere to run", func(p *eks.ClusterProps) { p.NodeGroups = nil },
			[]string{`"coredns" has nowhere to run: add a node group or a Fargate profile for namespace kube-system`}},
		{"auto mode excludes node groups, fargate and replaced add-ons", func(p *eks.ClusterProps) {
			p.AutoMode = &eks.AutoModeProps{NodePools: []string{"gpu"}}
			p.FargateProfiles = []eks.FargateProfileProps{{Name: "f", Selectors: []eks.FargateSelector{{Namespace: "a"}}}}
			p.Addons = []eks.AddonProps{{Name: "vpc-cni"}}
		}, []string{
			`NodeGroups has 1 groups but AutoMode is on`,
			`FargateProfiles has 1 profiles but AutoMode is on`,
			`Addons[0].Name "vpc-cni" is run by EKS Auto Mode itself`,
			`AutoMode.NodePools[0] "gpu" is not a built-in node pool`,
		}},
		{"node group name", func(p *eks.ClusterProps) { p.NodeGroups = group(func(g *eks.NodeGroupProps) { g.Name = "bad name" }) },
			[]string{`NodeGroups[0].Name "bad name" is not a valid node group name`}},
		{"node group prefix too long", func(p *eks.ClusterProps) {
			p.NodeGroups = group(func(g *eks.NodeGroupProps) { g.Name = "a-very-long-node-group-name-indeed" })
		}, []string{`NodeGroups[0].Name "a-very-long-node-group-name-indeed" makes the name prefix "cluster-a-very-long-node-group-name-indeed-" 43 characters long`}},
		{"node group duplicate", func(p *eks.ClusterProps) { p.NodeGroups = []eks.NodeGroupProps{ng, ng} },
			[]string{`NodeGroups[1].Name "general" is used by another node group`}},
		{"mixed architectures", func(p *eks.ClusterProps) {
			p.NodeGroups = group(func(g *eks.NodeGroupProps) { g.InstanceTypes = []string{"m7g.large", "m7i.large"} })
		}, []string{`NodeGroups[0].InstanceTypes mixes CPU architectures (arm64: [m7g.large], x86_64: [m7i.large])`}},
		{"instance type", func(p *eks.ClusterProps) {
			p.NodeGroups = group(func(g *eks.NodeGroupProps) { g.InstanceTypes = []string{"large"} })
		}, []string{`NodeGroups[0].InstanceTypes[0] "large" is not an EC2 instance type`}},
		{"capacity type", func(p *eks.ClusterProps) {
			p.NodeGroups = group(func(g *eks.NodeGroupProps) { g.CapacityType = "RESERVED" })
		},
			[]string{`NodeGroups[0].CapacityType "RESERVED" is not a capacity type`}},
		{"spot with one type", func(p *eks.ClusterProps) {
			p.NodeGroups = group(func(g *eks.NodeGroupProps) { g.CapacityType = eks.Spot })
		},
			[]string{`NodeGroups[0].InstanceTypes has 1 type for a Spot group; list at least two`}},
		{"ami type", func(p *eks.ClusterProps) {
			p.NodeGroups = group(func(g *eks.NodeGroupProps) { g.AMIType = "AL2_x86_64" })
		},
			[]string{`NodeGroups[0].AMIType "AL2_x86_64" is not supported`}},
		{"ami architecture", func(p *eks.ClusterProps) {
			p.NodeGroups = group(func(g *eks.NodeGroupProps) { g.AMIType = "AL2023_ARM_64_STANDARD" })
		}, []string{`NodeGroups[0].AMIType "AL2023_ARM_64_STANDARD" does not match the x86_64 instance types [m7i.large]`}},
		{"min greater than max", func(p *eks.ClusterProps) {
			p.NodeGroups = group(func(g *eks.NodeGroupProps) { g.MinSize, g.DesiredSize, g.MaxSize = 5, 5, 3 })
		}, []string{`NodeGroups[0].MinSize 5 is greater than MaxSize 3`, `NodeGroups[0].DesiredSize 5 is greater than MaxSize 3`}},
		{"desired below min", func(p *eks.ClusterProps) {
			p.NodeGroups = group(func(g *eks.NodeGroupProps) { g.MinSize, g.DesiredSize = 2, 1 })
		}, []string{`NodeGroups[0].DesiredSize 1 is less than MinSize 2`}},
		{"max zero and negative min", func(p *eks.ClusterProps) {
			p.NodeGroups = group(func(g *eks.NodeGroupProps) { g.MinSize, g.MaxSize = -1, 0 })
		}, []string{`NodeGroups[0].MinSize -1 is negative`, `NodeGroups[0].MaxSize 0 is out of range; use 1 to 450`}},
		{"max unavailable both", func(p *eks.ClusterProps) {
			p.NodeGroups = group(func(g *eks.NodeGroupProps) { g.MaxUnavailable, g.MaxUnavailablePercentage = 1, 20 })
		}, []string{`NodeGroups[0].MaxUnavailable 1 is set together with MaxUnavailablePercentage 20; set only one`}},
		{"max unavailable percentage", func(p *eks.ClusterProps) {
			p.NodeGroups = group(func(g *eks.NodeGroupProps) { g.MaxUnavailablePercentage = 101 })
		}, []string{`NodeGroups[0].MaxUnavailablePercentage 101 is out of range; use 1 to 100`}},
		{"max unavailable reaches max size", func(p *eks.ClusterProps) {
			p.NodeGroups = group(func(g *eks.NodeGroupProps) { g.MaxUnavailable = 3 })
		}, []string{`NodeGroups[0].MaxUnavailable 3 would let an update take down every node (MaxSize 3)`}},
		{"disk size", func(p *eks.ClusterProps) { p.NodeGroups = group(func(g *eks.NodeGroupProps) { g.DiskSizeGiB = 8 }) },
			[]string{`NodeGroups[0].DiskSizeGiB 8 is out of range`}},
		{"labels and taints", func(p *eks.ClusterProps) {
			p.NodeGroups = group(func(g *eks.NodeGroupProps) {
				g.Labels = map[string]string{"-x": "ok"}
				g.Taints = []eks.Taint{{Key: "dedicated", Value: "a b", Effect: "NoSchedule"}}
			})
		}, []string{`NodeGroups[0].Labels key "-x" is not a valid Kubernetes label key`, `NodeGroups[0].Taints[0].Value "a b" is not a valid taint value`, `NodeGroups[0].Taints[0].Effect "NoSchedule" is not a taint effect; use NO_SCHEDULE, NO_EXECUTE or PREFER_NO_SCHEDULE`}},
		{"fargate selectors", func(p *eks.ClusterProps) {
			six := make([]eks.FargateSelector, 6)
			for i := range six {
				six[i] = eks.FargateSelector{Namespace: "ns"}
			}
			p.FargateProfiles = []eks.FargateProfileProps{{Name: "none"}, {Name: "six", Selectors: six}}
		}, []string{`FargateProfiles[0].Selectors has 0 selectors; a Fargate profile takes 1 to 5`, `FargateProfiles[1].Selectors has 6 selectors`}},
		{"fargate namespace and labels", func(p *eks.ClusterProps) {
			p.FargateProfiles = []eks.FargateProfileProps{{Name: "x", Selectors: []eks.FargateSelector{{Namespace: "Web_App", Labels: map[string]string{"a": "1", "b": "1", "c": "1", "d": "1", "e": "1", "f": "1"}}}}}
		}, []string{`FargateProfiles[0].Selectors[0].Namespace "Web_App" is not a namespace name (RFC 1123 label`, `FargateProfiles[0].Selectors[0].Labels has 6 labels; a selector takes at most 5`}},
		{"fargate profile names", func(p *eks.ClusterProps) {
			sel := []eks.FargateSelector{{Namespace: "a"}}
			p.FargateProfiles = []eks.FargateProfileProps{{Name: "", Selectors: sel}, {Name: "x", Selectors: sel}, {Name: "x", Selectors: sel}}
		}, []string{`FargateProfiles[0].Name "" is not a valid profile name`, `FargateProfiles[2].Name "x" is used by another Fargate profile`}},
		{"too many fargate profiles", func(p *eks.ClusterProps) {
			for i := 0; i < 11; i++ {
				p.FargateProfiles = append(p.FargateProfiles, eks.FargateProfileProps{Name: "p" + string(rune('a'+i)), Selectors: []eks.FargateSelector{{Namespace: "a"}}})
			}
		}, []string{`FargateProfiles has 11 profiles; EKS allows 10 per cluster`}},
		{"reserved tag", func(p *eks.ClusterProps) { p.Tags = map[string]string{"aws:owner": "me"} },
			[]string{`Tags key "aws:owner" uses the reserved aws: prefix`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stack := tftest.NewStack(t)
			props := eks.ClusterProps{VPC: newVPC(t, stack), NodeGroups: []eks.NodeGroupProps{ng}}
			tt.mod(&props)
			c, err := eks.NewCluster(stack, "cluster", props)
			if err == nil {
				t.Fatal("NewCluster accepted invalid props")
			}
			if c != nil {
				t.Error("NewCluster returned a cluster with an error")
			}
			if !errors.Is(err, validate.ErrInvalid) {
				t.Errorf("error does not wrap validate.ErrInvalid: %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%s\ndoes not contain\n%s", err, w)
				}
			}
			if stack.Node().TryFindChild(stringPtr("cluster")) != nil {
				t.Error("invalid props still created the cluster construct")
			}
		})
	}
}

func TestClusterValidationImportedVPCNeedsTwoSubnets(t *testing.T) {
	stack := tftest.NewStack(t)
	v, err := network.ImportVPC(stack, "net", network.ImportVPCProps{VPCID: "vpc-0123456789abcdef0", PrivateSubnetIDs: []string{"subnet-0123456789abcdef0"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = eks.NewCluster(stack, "cluster", eks.ClusterProps{VPC: v, AutoMode: &eks.AutoModeProps{}})
	if err == nil || !strings.Contains(err.Error(), `VPC has 1 private subnets; EKS needs private subnets in at least two Availability Zones`) {
		t.Fatalf("error = %v", err)
	}
}

func TestArchitecture(t *testing.T) {
	for it, want := range map[string]string{
		"m7g.large": "arm64", "c6gn.xlarge": "arm64", "x2gd.large": "arm64", "is4gen.large": "arm64", "a1.medium": "arm64",
		"t4g.small": "arm64", "g5g.xlarge": "arm64", "hpc7g.4xlarge": "arm64", "r8g.large": "arm64",
		"m7i.large": "x86_64", "m7a.large": "x86_64", "g4dn.xlarge": "x86_64", "c7i-flex.large": "x86_64", "p5.48xlarge": "x86_64", "t3.micro": "x86_64",
	} {
		got, err := eks.Architecture(it)
		if err != nil || got != want {
			t.Errorf("Architecture(%q) = %q, %v; want %q", it, got, err, want)
		}
	}
}

func stringPtr(s string) *string { return &s }

// The default version must be one a STANDARD cluster can stay on for a
// while: EKS upgrades such a cluster when standard support ends, and every
// later plan would then try to downgrade it.
func TestDefaultVersionHasRunway(t *testing.T) {
	var def *eks.Version
	for _, v := range eks.SupportedVersions() {
		if v.Name == eks.DefaultVersion {
			v := v
			def = &v
		}
	}
	if def == nil {
		t.Fatalf("DefaultVersion %s is not in SupportedVersions()", eks.DefaultVersion)
	}
	asOf, _ := time.Parse(time.DateOnly, eks.VersionsAsOf)
	end, err := time.Parse(time.DateOnly, def.EndOfStandard)
	if err != nil {
		t.Fatal(err)
	}
	if days := int(end.Sub(asOf).Hours() / 24); days < eks.DefaultVersionMinDays {
		t.Errorf("DefaultVersion %s leaves standard support on %s, %d days after %s; pick a version with at least %d days", def.Name, def.EndOfStandard, days, eks.VersionsAsOf, eks.DefaultVersionMinDays)
	}
	for _, addon := range []string{eks.AddonVPCCNI, eks.AddonKubeProxy, eks.AddonCoreDNS, eks.AddonPodIdentity, eks.AddonEBSCSIDriver} {
		if eks.AddonVersion(eks.DefaultVersion, addon) == "" {
			t.Errorf("no pinned %s version for DefaultVersion %s", addon, eks.DefaultVersion)
		}
	}
	// The newest version with pinned add-ons is the default.
	for _, v := range eks.SupportedVersions() {
		if v.Name > eks.DefaultVersion && eks.AddonVersion(v.Name, eks.AddonKubeProxy) != "" {
			t.Errorf("version %s has pinned add-ons and is newer than DefaultVersion %s", v.Name, eks.DefaultVersion)
		}
	}
}

// kube-proxy and CoreDNS builds follow the Kubernetes minor version.
func TestPinnedAddonsMatchTheirVersion(t *testing.T) {
	for _, v := range eks.SupportedVersions() {
		kp := eks.AddonVersion(v.Name, eks.AddonKubeProxy)
		if kp != "" && !strings.HasPrefix(kp, "v"+v.Name+".") {
			t.Errorf("kube-proxy %s pinned for Kubernetes %s", kp, v.Name)
		}
	}
}
