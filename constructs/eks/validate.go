package eks

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/hybridstack/hybridstack/constructs/internal/cidr"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// The add-ons the construct knows how to order and give permissions to.
const (
	AddonVPCCNI       = "vpc-cni"
	AddonKubeProxy    = "kube-proxy"
	AddonCoreDNS      = "coredns"
	AddonPodIdentity  = "eks-pod-identity-agent"
	AddonEBSCSIDriver = "aws-ebs-csi-driver"
	// AddonEFSCSIDriver mounts Amazon EFS file systems (storage.FileSystem,
	// through a storage.AccessPoint's VolumeHandle) on EC2 nodes. It is not
	// a default add-on: list it in ClusterProps.Addons. It needs EC2 nodes
	// (a node group, or Auto Mode, which does not include an EFS driver of
	// its own); Fargate pods mount EFS without it.
	AddonEFSCSIDriver = "aws-efs-csi-driver"
	// AddonCloudWatchObservability is CloudWatch Container Insights (the
	// CloudWatch agent and its operator). telemetry.NewMetrics installs it
	// with the agent's own IRSA role and its configuration; it is refused
	// in ClusterProps.Addons, where it would run without permissions.
	AddonCloudWatchObservability = "amazon-cloudwatch-observability"
)

// addonNameRe is the shape of EKS add-on names (vpc-cni, aws-ebs-csi-driver).
var addonNameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,99}$`)

// beforeCompute lists add-ons that must be active before nodes join:
// networking (vpc-cni, kube-proxy) and identity (pod identity agent). The
// others, the CSI drivers among them, come after compute: their controller
// Deployments need nodes to run on, and an add-on whose pods cannot be
// scheduled stays Degraded.
var beforeCompute = map[string]bool{AddonVPCCNI: true, AddonKubeProxy: true, AddonPodIdentity: true}

// replacedByAutoMode lists add-ons EKS Auto Mode runs itself. Auto Mode
// includes block storage (EBS) but no EFS driver, so AddonEFSCSIDriver is
// allowed with it.
var replacedByAutoMode = map[string]bool{AddonVPCCNI: true, AddonKubeProxy: true, AddonCoreDNS: true, AddonPodIdentity: true, AddonEBSCSIDriver: true}

var autoModePools = []string{"general-purpose", "system"}

const (
	defaultLogRetention  = 90
	defaultInstanceType  = "m7i.large"
	defaultDiskSize      = 50
	defaultMaxUnavailPct = 33
	maxNodeGroupPrefix   = 37 // 63-character name minus Terraform's 26-character suffix
	maxFargateProfiles   = 10
	maxNodesPerGroup     = 450
)

var (
	clusterNamePattern = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9_-]*$`)
	groupNamePattern   = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9_-]*$`)
	instanceTypeRe     = regexp.MustCompile(`^([a-z]+)([0-9]+)([a-z0-9-]*)\.[a-z0-9]+$`)
	addonVersionRe     = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+-eksbuild\.[0-9]+$`)
	policyARNRe        = regexp.MustCompile(`^arn:aws(-[a-z]+)*:iam::(aws|[0-9]{12}):policy/[\w+=,.@/-]+$`)
	amiTypes           = []string{"AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD", "AL2023_x86_64_NVIDIA", "AL2023_x86_64_NEURON", "BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64", "BOTTLEROCKET_x86_64_NVIDIA", "BOTTLEROCKET_ARM_64_NVIDIA"}
)

// Architecture returns "arm64" or "x86_64" for an EC2 instance type, or an
// error when the name is not an instance type. Graviton families carry a "g"
// after the generation number (m7g, c6gn, x2gd, is4gen) or are a1.
func Architecture(instanceType string) (string, error) {
	m := instanceTypeRe.FindStringSubmatch(instanceType)
	if m == nil {
		return "", fmt.Errorf("%q is not an EC2 instance type such as m7i.large", instanceType)
	}
	family, attrs := m[1], m[3]
	if family == "a" && m[2] == "1" {
		return "arm64", nil
	}
	if strings.HasPrefix(attrs, "g") {
		return "arm64", nil
	}
	return "x86_64", nil
}

// defaultAMIType picks the Amazon Linux 2023 variant for the architecture and
// accelerator of the instance family.
func defaultAMIType(instanceType, arch string) string {
	if arch == "arm64" {
		return "AL2023_ARM_64_STANDARD"
	}
	family := instanceTypeRe.FindStringSubmatch(instanceType)[1]
	switch family {
	case "p", "g", "gr":
		return "AL2023_x86_64_NVIDIA"
	case "inf", "trn":
		return "AL2023_x86_64_NEURON"
	}
	return "AL2023_x86_64_STANDARD"
}

// settings is ClusterProps with defaults applied.
type settings struct {
	ClusterProps
	addons []AddonProps
	// managesCoreAddons is true when vpc-cni, kube-proxy and coredns are all
	// managed add-ons (or Auto Mode runs them), so EKS need not install its
	// self-managed copies.
	managesCoreAddons bool
	// nodeGroups is NodeGroups with defaults, and each group's AMI type.
	nodeGroups []NodeGroupProps
}

func (s *settings) hasAddon(name string) bool {
	for _, a := range s.addons {
		if a.Name == name {
			return true
		}
	}
	return false
}

// fargateNamespaces returns the namespaces whose every pod runs on Fargate
// (selectors without labels).
func (s *settings) fargateNamespaces() map[string]bool {
	out := map[string]bool{}
	for _, fp := range s.FargateProfiles {
		for _, sel := range fp.Selectors {
			if len(sel.Labels) == 0 {
				out[sel.Namespace] = true
			}
		}
	}
	return out
}

func withDefaults(id string, p ClusterProps) *settings {
	s := &settings{ClusterProps: p}
	if s.Name == "" {
		s.Name = id
	}
	if s.Version == "" {
		s.Version = DefaultVersion
	}
	if s.LogRetentionDays == 0 {
		s.LogRetentionDays = defaultLogRetention
	}
	if s.AuthenticationMode == "" {
		s.AuthenticationMode = AuthAPI
	}
	if s.SupportType == "" {
		s.SupportType = SupportStandard
	}
	if s.AutoMode != nil && len(s.AutoMode.NodePools) == 0 {
		s.AutoMode = &AutoModeProps{NodePools: autoModePools}
	}
	s.addons = p.Addons
	if s.addons == nil && s.AutoMode == nil {
		s.addons = []AddonProps{{Name: AddonVPCCNI}, {Name: AddonKubeProxy}, {Name: AddonPodIdentity}, {Name: AddonCoreDNS}}
		if len(p.NodeGroups) > 0 {
			s.addons = append(s.addons, AddonProps{Name: AddonEBSCSIDriver})
		}
	}
	s.managesCoreAddons = s.AutoMode != nil || (s.hasAddon(AddonVPCCNI) && s.hasAddon(AddonKubeProxy) && s.hasAddon(AddonCoreDNS))
	for _, ng := range p.NodeGroups {
		s.nodeGroups = append(s.nodeGroups, nodeGroupDefaults(ng))
	}
	return s
}

// nodeGroupDefaults returns ng with its defaults applied, including the
// AMI type for its instances' architecture.
func nodeGroupDefaults(ng NodeGroupProps) NodeGroupProps {
	if len(ng.InstanceTypes) == 0 {
		ng.InstanceTypes = []string{defaultInstanceType}
	}
	if ng.CapacityType == "" {
		ng.CapacityType = OnDemand
	}
	if ng.DesiredSize == 0 {
		ng.DesiredSize = ng.MinSize
	}
	if ng.MaxUnavailable == 0 && ng.MaxUnavailablePercentage == 0 {
		ng.MaxUnavailablePercentage = defaultMaxUnavailPct
	}
	if ng.DiskSizeGiB == 0 {
		ng.DiskSizeGiB = defaultDiskSize
	}
	if ng.AMIType == "" {
		if arch, err := Architecture(ng.InstanceTypes[0]); err == nil {
			ng.AMIType = defaultAMIType(ng.InstanceTypes[0], arch)
		}
	}
	return ng
}

// validate records every problem with s in r.
func (s *settings) validate(r *validation.Report) {
	if len(s.Name) > 100 || !clusterNamePattern.MatchString(s.Name) {
		r.Addf("Name", "%q is not a valid cluster name; use 1-100 letters, digits, hyphens and underscores, starting with a letter or digit", s.Name)
	}
	s.validateVersion(r)
	s.validateNetwork(r)
	if s.KMSKeyARN != "" && !validation.IsToken(s.KMSKeyARN) && !strings.HasPrefix(s.KMSKeyARN, "arn:") {
		r.Addf("KMSKeyARN", "%q is not a KMS key ARN; EKS needs the key's full ARN", s.KMSKeyARN)
	}
	if !validation.LogRetention(s.LogRetentionDays) {
		r.Addf("LogRetentionDays", "%d is not a CloudWatch Logs retention; use one of %v", s.LogRetentionDays, validation.LogRetentionDays)
	}
	switch s.AuthenticationMode {
	case AuthAPI, AuthAPIAndConfigMap:
	case "CONFIG_MAP":
		r.Addf("AuthenticationMode", "%q is not allowed: the aws-auth ConfigMap is deprecated and the mode can only move forward (CONFIG_MAP -> API_AND_CONFIG_MAP -> API); use %q, or %q while migrating", s.AuthenticationMode, AuthAPI, AuthAPIAndConfigMap)
	default:
		r.Addf("AuthenticationMode", "%q is not an authentication mode; use %q or %q", s.AuthenticationMode, AuthAPI, AuthAPIAndConfigMap)
	}
	s.validateAccess(r)
	s.validateAddons(r)
	s.validateCompute(r)
	s.validateAlarmTopic(r)
	for k := range s.Tags {
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			r.Addf("Tags", "key %q uses the reserved aws: prefix", k)
		}
	}
}

func (s *settings) validateVersion(r *validation.Report) {
	found := findVersion(s.Version)
	if found == nil {
		if end, ok := retiredVersions[s.Version]; ok {
			r.Addf("Version", "%q left extended support on %s and EKS no longer creates it; use one of %v", s.Version, end, supportedVersionNames())
		} else {
			r.Addf("Version", "%q is not a Kubernetes version EKS supports (as of %s); use one of %v", s.Version, VersionsAsOf, supportedVersionNames())
		}
	}
	switch s.SupportType {
	case SupportStandard:
		if found != nil && found.EndOfStandard < VersionsAsOf {
			r.Addf("SupportType", "%q cannot be used with version %s, which left standard support on %s; set SupportType %q (extra cost until %s) or use %s", s.SupportType, s.Version, found.EndOfStandard, SupportExtended, found.EndOfExtended, DefaultVersion)
		}
	case SupportExtended:
	default:
		r.Addf("SupportType", "%q is not a support type; use %q or %q", s.SupportType, SupportStandard, SupportExtended)
	}
}

func (s *settings) validateNetwork(r *validation.Report) {
	if s.VPC == nil {
		r.Addf("VPC", "is nil; give a network.VPC (new or imported)")
		return
	}
	private := s.VPC.PrivateSubnetIDs()
	if len(private) < 2 {
		r.Addf("VPC", "has %d private subnets; EKS needs private subnets in at least two Availability Zones", len(private))
	}
	var vpcRange string
	if c := s.VPC.CIDR(); c != "" && !validation.IsToken(c) {
		vpcRange = c
	}
	for i, c := range s.PublicAccessCIDRs {
		f := fmt.Sprintf("PublicAccessCIDRs[%d]", i)
		p, err := cidr.Parse(c)
		switch {
		case err != nil:
			r.Addf(f, "%v", err)
		case p.Bits() == 0:
			r.Addf(f, "%q opens the API endpoint to the whole Internet; list the ranges that need access (office, VPN, CI runners)", c)
		case p.Addr().IsPrivate():
			r.Addf(f, "%q is a private range, which never reaches the public endpoint; private clients use the private endpoint", c)
		}
	}
	for i, c := range s.PrivateAccessCIDRs {
		if _, err := cidr.Parse(c); err != nil && !validation.IsToken(c) {
			r.Addf(fmt.Sprintf("PrivateAccessCIDRs[%d]", i), "%v", err)
		} else if err == nil && strings.HasSuffix(c, "/0") {
			r.Addf(fmt.Sprintf("PrivateAccessCIDRs[%d]", i), "%q admits every address; list the networks that administer the cluster", c)
		}
	}
	for i, g := range s.PrivateAccessSecurityGroupIDs {
		if !validation.IsToken(g) && !securityGroupID.MatchString(g) {
			r.Addf(fmt.Sprintf("PrivateAccessSecurityGroupIDs[%d]", i), "%q is not a security group id (sg- and 8 or 17 hexadecimal digits)", g)
		}
	}
	if s.ServiceIPv4CIDR != "" {
		p, err := cidr.Parse(s.ServiceIPv4CIDR)
		switch {
		case err != nil:
			r.Addf("ServiceIPv4CIDR", "%v", err)
		case p.Bits() < 12 || p.Bits() > 24 || !p.Addr().IsPrivate():
			r.Addf("ServiceIPv4CIDR", "%q must be a /12 to /24 block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16", s.ServiceIPv4CIDR)
		case vpcRange != "":
			if v, err := cidr.Parse(vpcRange); err == nil && cidr.Overlap(v, p) {
				r.Addf("ServiceIPv4CIDR", "%q overlaps the VPC range %s; service addresses must not collide with node and pod addresses", s.ServiceIPv4CIDR, vpcRange)
			}
		}
	}
}

func (s *settings) validateAccess(r *validation.Report) {
	seen := map[string]int{}
	for i, e := range s.AccessEntries {
		checkAccessEntry(r, fmt.Sprintf("AccessEntries[%d]", i), e, seen)
		if e.PrincipalARN != "" && !validation.IsToken(e.PrincipalARN) && validation.IAMPrincipalARN(e.PrincipalARN) {
			seen[e.PrincipalARN] = i
		}
	}
}

// checkAccessEntry records every problem with e, the access entry at field
// f (AccessEntries[i]); seen maps the principals that already have an
// entry to its index.
func checkAccessEntry(r *validation.Report, f string, e AccessEntry, seen map[string]int) {
	switch {
	case e.PrincipalARN == "":
		r.Addf(f+".PrincipalARN", "is empty; give an IAM role or user ARN")
	case validation.IsToken(e.PrincipalARN):
	case !validation.IAMPrincipalARN(e.PrincipalARN):
		r.Addf(f+".PrincipalARN", "%q is not an IAM role or user ARN (arn:aws:iam::<account>:role/<name>)", e.PrincipalARN)
	default:
		if j, dup := seen[e.PrincipalARN]; dup {
			r.Addf(f+".PrincipalARN", "%q already has an access entry at AccessEntries[%d]; EKS allows one per principal", e.PrincipalARN, j)
		}
	}
	if e.Policy != "" && !validation.OneOf(string(e.Policy), string(AccessPolicyClusterAdmin), string(AccessPolicyAdmin), string(AccessPolicyEdit), string(AccessPolicyView)) {
		r.Addf(f+".Policy", "%q is not an EKS access policy; use %s, %s, %s or %s", e.Policy, AccessPolicyClusterAdmin, AccessPolicyAdmin, AccessPolicyEdit, AccessPolicyView)
	}
	for j, ns := range e.Namespaces {
		if !validation.DNSLabel(ns) {
			r.Addf(fmt.Sprintf("%s.Namespaces[%d]", f, j), "%q is not a namespace name (RFC 1123 label: lowercase letters, digits and '-', at most 63)", ns)
		}
	}
	for j, g := range e.KubernetesGroups {
		if g == "" || strings.HasPrefix(g, "system:") {
			r.Addf(fmt.Sprintf("%s.KubernetesGroups[%d]", f, j), "%q is not allowed; EKS rejects empty groups and groups starting with system:", g)
		}
	}
}

func (s *settings) validateAddons(r *validation.Report) {
	seen := map[string]bool{}
	for i, a := range s.addons {
		f := fmt.Sprintf("Addons[%d]", i)
		if a.Name == "" {
			r.Addf(f+".Name", "is empty; give the add-on name such as %q", AddonVPCCNI)
			continue
		}
		if seen[a.Name] {
			r.Addf(f+".Name", "%q is listed twice", a.Name)
		}
		if !addonNameRe.MatchString(a.Name) || strings.HasSuffix(a.Name, "-role") || strings.Contains(a.Name, "-role-") {
			r.Addf(f+".Name", "%q is not an EKS add-on name (lowercase letters, digits and '-', at most 100, not ending in \"-role\" or containing \"-role-\", which name add-on roles)", a.Name)
		}
		seen[a.Name] = true
		if s.AutoMode != nil && replacedByAutoMode[a.Name] {
			r.Addf(f+".Name", "%q is run by EKS Auto Mode itself; remove it or turn AutoMode off", a.Name)
		}
		switch {
		case a.Version != "" && !validation.IsToken(a.Version) && !addonVersionRe.MatchString(a.Version):
			r.Addf(f+".Version", "%q is not an add-on version such as v1.19.2-eksbuild.1", a.Version)
		case a.Version == "" && AddonVersion(s.Version, a.Name) == "" && findVersion(s.Version) != nil:
			r.Addf(f+".Version", "is empty and no version of %q is pinned for Kubernetes %s (pinned: %v); set it to a version from `aws eks describe-addon-versions --kubernetes-version %s --addon-name %s`", a.Name, s.Version, PinnedAddons(s.Version), s.Version, a.Name)
		}
		if a.ConfigurationValues != "" {
			var obj map[string]any
			if err := json.Unmarshal([]byte(a.ConfigurationValues), &obj); err != nil {
				r.Addf(f+".ConfigurationValues", "is not a JSON object: %v", err)
			}
		}
		if a.Name == AddonCloudWatchObservability {
			r.Addf(f+".Name", "%q is installed by telemetry.NewMetrics, which gives the CloudWatch agent its IRSA role and configuration; remove it here", a.Name)
		}
		if a.Name == AddonEBSCSIDriver && len(s.NodeGroups) == 0 {
			r.Addf(f+".Name", "%q needs EC2 nodes (Fargate pods cannot mount EBS volumes); add a node group or remove it", a.Name)
		}
		// The driver's node DaemonSet is privileged and uses the host
		// network, which Fargate refuses, and its controller would stay
		// Pending on a cluster without EC2 nodes (the add-on Degraded).
		// Fargate pods do not need it: Fargate mounts EFS itself, from
		// static PersistentVolumes (AccessPoint.VolumeHandle).
		if a.Name == AddonEFSCSIDriver && len(s.NodeGroups) == 0 && s.AutoMode == nil {
			r.Addf(f+".Name", "%q needs EC2 nodes (a node group or AutoMode): its pods cannot run on Fargate, and Fargate pods mount EFS without it through static PersistentVolumes (storage.AccessPoint.VolumeHandle); add a node group or remove it", a.Name)
		}
		if a.Name == AddonCoreDNS && len(s.NodeGroups) == 0 && s.AutoMode == nil && !s.fargateCovers("kube-system") {
			r.Addf(f+".Name", "%q has nowhere to run: add a node group or a Fargate profile for namespace kube-system", a.Name)
		}
	}
}

// fargateCovers reports whether some Fargate profile selects pods in ns.
func (s *settings) fargateCovers(ns string) bool {
	for _, fp := range s.FargateProfiles {
		for _, sel := range fp.Selectors {
			if sel.Namespace == ns {
				return true
			}
		}
	}
	return false
}

func (s *settings) validateCompute(r *validation.Report) {
	if s.AutoMode != nil {
		if len(s.NodeGroups) > 0 {
			r.Addf("NodeGroups", "has %d groups but AutoMode is on; Auto Mode provisions nodes itself, so use one or the other", len(s.NodeGroups))
		}
		if len(s.FargateProfiles) > 0 {
			r.Addf("FargateProfiles", "has %d profiles but AutoMode is on; Auto Mode provisions compute itself, so use one or the other", len(s.FargateProfiles))
		}
		for i, p := range s.AutoMode.NodePools {
			if !validation.OneOf(p, autoModePools...) {
				r.Addf(fmt.Sprintf("AutoMode.NodePools[%d]", i), "%q is not a built-in node pool; use %q or %q", p, autoModePools[0], autoModePools[1])
			}
		}
	}
	names := map[string]bool{}
	for i, ng := range s.nodeGroups {
		s.validateNodeGroup(r, fmt.Sprintf("NodeGroups[%d]", i), ng, names)
	}
	if len(s.FargateProfiles) > maxFargateProfiles {
		r.Addf("FargateProfiles", "has %d profiles; EKS allows %d per cluster", len(s.FargateProfiles), maxFargateProfiles)
	}
	fpNames := map[string]bool{}
	for i, fp := range s.FargateProfiles {
		f := fmt.Sprintf("FargateProfiles[%d]", i)
		if len(fp.Name) == 0 || len(fp.Name) > 100 || !groupNamePattern.MatchString(fp.Name) {
			r.Addf(f+".Name", "%q is not a valid profile name; use 1-100 letters, digits, hyphens and underscores", fp.Name)
		}
		if fpNames[fp.Name] {
			r.Addf(f+".Name", "%q is used by another Fargate profile", fp.Name)
		}
		fpNames[fp.Name] = true
		if n := len(fp.Selectors); n < 1 || n > 5 {
			r.Addf(f+".Selectors", "has %d selectors; a Fargate profile takes 1 to 5", n)
		}
		for j, sel := range fp.Selectors {
			sf := fmt.Sprintf("%s.Selectors[%d]", f, j)
			if !validation.DNSLabel(sel.Namespace) {
				r.Addf(sf+".Namespace", "%q is not a namespace name (RFC 1123 label: lowercase letters, digits and '-', at most 63)", sel.Namespace)
			}
			if len(sel.Labels) > 5 {
				r.Addf(sf+".Labels", "has %d labels; a selector takes at most 5", len(sel.Labels))
			}
			checkLabels(r, sf+".Labels", sel.Labels)
		}
	}
}

func (s *settings) validateNodeGroup(r *validation.Report, f string, ng NodeGroupProps, names map[string]bool) {
	if ng.Name == "" || !groupNamePattern.MatchString(ng.Name) {
		r.Addf(f+".Name", "%q is not a valid node group name; use letters, digits, hyphens and underscores, starting with a letter or digit", ng.Name)
	} else if prefix := nodeGroupPrefix(s.Name, ng.Name); len(prefix) > maxNodeGroupPrefix {
		r.Addf(f+".Name", "%q makes the name prefix %q %d characters long; cluster name plus group name must fit in %d so the 63-character node group name has room for Terraform's unique suffix", ng.Name, prefix, len(prefix), maxNodeGroupPrefix)
	}
	if names[ng.Name] {
		r.Addf(f+".Name", "%q is used by another node group", ng.Name)
	}
	if strings.HasSuffix(ng.Name, "-launch-template") {
		r.Addf(f+".Name", "%q ends in \"-launch-template\", which names the launch template of the node group %q; choose another name", ng.Name, strings.TrimSuffix(ng.Name, "-launch-template"))
	}
	names[ng.Name] = true

	if n := len(ng.InstanceTypes); n > 20 {
		r.Addf(f+".InstanceTypes", "has %d types; a node group takes at most 20", n)
	}
	archs := map[string][]string{}
	for j, it := range ng.InstanceTypes {
		arch, err := Architecture(it)
		if err != nil {
			r.Addf(fmt.Sprintf("%s.InstanceTypes[%d]", f, j), "%v", err)
			continue
		}
		archs[arch] = append(archs[arch], it)
	}
	if len(archs) > 1 {
		r.Addf(f+".InstanceTypes", "mixes CPU architectures (arm64: %v, x86_64: %v); one AMI serves one architecture, so split them into two node groups", archs["arm64"], archs["x86_64"])
	}
	if ng.CapacityType != OnDemand && ng.CapacityType != Spot {
		r.Addf(f+".CapacityType", "%q is not a capacity type; use %q or %q", ng.CapacityType, OnDemand, Spot)
	}
	if ng.CapacityType == Spot && len(ng.InstanceTypes) < 2 {
		r.Addf(f+".InstanceTypes", "has %d type for a Spot group; list at least two so one reclaimed pool does not empty the group", len(ng.InstanceTypes))
	}
	if ng.AMIType != "" && !validation.OneOf(ng.AMIType, amiTypes...) {
		r.Addf(f+".AMIType", "%q is not supported; use one of %v", ng.AMIType, amiTypes)
	} else if len(archs) == 1 && ng.AMIType != "" {
		for arch := range archs {
			if (arch == "arm64") != strings.Contains(ng.AMIType, "ARM_64") {
				r.Addf(f+".AMIType", "%q does not match the %s instance types %v", ng.AMIType, arch, ng.InstanceTypes)
			}
		}
	}

	// Scaling: 0 <= min <= desired <= max, 1 <= max <= 450.
	if ng.MinSize < 0 {
		r.Addf(f+".MinSize", "%d is negative; use 0 or more", ng.MinSize)
	}
	if ng.MaxSize < 1 || ng.MaxSize > maxNodesPerGroup {
		r.Addf(f+".MaxSize", "%d is out of range; use 1 to %d", ng.MaxSize, maxNodesPerGroup)
	}
	if ng.MinSize > ng.MaxSize && ng.MaxSize >= 1 {
		r.Addf(f+".MinSize", "%d is greater than MaxSize %d", ng.MinSize, ng.MaxSize)
	}
	if ng.DesiredSize < ng.MinSize {
		r.Addf(f+".DesiredSize", "%d is less than MinSize %d", ng.DesiredSize, ng.MinSize)
	}
	if ng.DesiredSize > ng.MaxSize && ng.MaxSize >= 1 {
		r.Addf(f+".DesiredSize", "%d is greater than MaxSize %d", ng.DesiredSize, ng.MaxSize)
	}

	// Update config: exactly one of the two; percentage 1-100; count below max.
	switch {
	case ng.MaxUnavailable != 0 && ng.MaxUnavailablePercentage != 0:
		r.Addf(f+".MaxUnavailable", "%d is set together with MaxUnavailablePercentage %d; set only one", ng.MaxUnavailable, ng.MaxUnavailablePercentage)
	case ng.MaxUnavailable < 0 || ng.MaxUnavailable > 100:
		r.Addf(f+".MaxUnavailable", "%d is out of range; use 1 to 100", ng.MaxUnavailable)
	case ng.MaxUnavailable > 0 && ng.MaxSize > 1 && ng.MaxUnavailable >= ng.MaxSize:
		r.Addf(f+".MaxUnavailable", "%d would let an update take down every node (MaxSize %d); use less than MaxSize", ng.MaxUnavailable, ng.MaxSize)
	case ng.MaxUnavailablePercentage < 0 || ng.MaxUnavailablePercentage > 100:
		r.Addf(f+".MaxUnavailablePercentage", "%d is out of range; use 1 to 100", ng.MaxUnavailablePercentage)
	}

	if ng.DiskSizeGiB < 20 || ng.DiskSizeGiB > 16384 {
		r.Addf(f+".DiskSizeGiB", "%d is out of range; a gp3 root volume for EKS nodes takes 20 to 16384 GiB", ng.DiskSizeGiB)
	}
	checkLabels(r, f+".Labels", ng.Labels)
	if len(ng.Taints) > 50 {
		r.Addf(f+".Taints", "has %d taints; a node group takes at most 50", len(ng.Taints))
	}
	for j, t := range ng.Taints {
		tf := fmt.Sprintf("%s.Taints[%d]", f, j)
		if !validation.LabelKey(t.Key) {
			r.Addf(tf+".Key", "%q is not a valid taint key ([prefix/]name, name at most 63 characters)", t.Key)
		}
		if !validation.LabelValue(t.Value) {
			r.Addf(tf+".Value", "%q is not a valid taint value (at most 63 letters, digits, '-', '_', '.')", t.Value)
		}
		if !validation.OneOf(string(t.Effect), string(NoSchedule), string(NoExecute), string(PreferNoSchedule)) {
			r.Addf(tf+".Effect", "%q is not a taint effect; use %s, %s or %s", t.Effect, NoSchedule, NoExecute, PreferNoSchedule)
		}
	}
}

func checkLabels(r *validation.Report, field string, labels map[string]string) {
	for _, k := range ptr.SortedKeys(labels) {
		if !validation.LabelKey(k) {
			r.Addf(field, "key %q is not a valid Kubernetes label key", k)
		}
		if !validation.LabelValue(labels[k]) {
			r.Addf(field, "value %q of %q is not a valid Kubernetes label value", labels[k], k)
		}
	}
}

func nodeGroupPrefix(cluster, group string) string { return cluster + "-" + group + "-" }

// checkPolicyARNs validates managed policy ARNs given to role helpers.
func checkPolicyARNs(r *validation.Report, field string, arns []string) {
	seen := map[string]int{}
	for i, a := range arns {
		if j, dup := seen[a]; dup {
			r.Addf(fmt.Sprintf("%s[%d]", field, i), "%q is already listed at %s[%d]", a, field, j)
		}
		seen[a] = i
		if validation.IsToken(a) {
			continue
		}
		if !policyARNRe.MatchString(a) {
			r.Addf(fmt.Sprintf("%s[%d]", field, i), "%q is not an IAM policy ARN (arn:aws:iam::aws:policy/<name> or arn:aws:iam::<account>:policy/<name>)", a)
		}
	}
}

// checkPolicyDocument validates an inline policy document given as JSON.
func checkPolicyDocument(r *validation.Report, field, doc string) {
	if doc == "" || validation.IsToken(doc) {
		return
	}
	var d struct {
		Version   string
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		r.Addf(field, "is not a JSON policy document: %v", err)
		return
	}
	if d.Version != "2012-10-17" || len(d.Statement) == 0 {
		r.Addf(field, "needs \"Version\": \"2012-10-17\" and at least one Statement")
	}
}

// securityGroupID is an EC2 security group id.
var securityGroupID = regexp.MustCompile(`^sg-([0-9a-f]{8}|[0-9a-f]{17})$`)
