package eks

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/eksaddon"
	awsekscluster "github.com/cdktf/cdktf-provider-aws-go/aws/v19/ekscluster"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/eksfargateprofile"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/eksnodegroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamopenidconnectprovider"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsalias"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/launchtemplate"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/loggroup"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

// LogTypes returns the control-plane log types the cluster always sends to
// CloudWatch Logs.
func LogTypes() []string {
	return []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}
}

// Cluster is an EKS cluster with everything it needs to run workloads.
type Cluster struct {
	constructs.Construct
	core core // what roles and access entries need; not embedded, which jsii refuses

	s                *settings
	build            *validation.Report // errors found while building, such as bad policy documents
	cluster          awsekscluster.EksCluster
	oidc             iamopenidconnectprovider.IamOpenidConnectProvider
	kmsKeyARN        string
	nodeRoleARN      string
	nodeRoleDeps     []cdktf.ITerraformDependable
	nodeDeps         []cdktf.ITerraformDependable // what every node group depends on
	nodeGroups       map[string]eksnodegroup.EksNodeGroup
	groups           []cdktf.ITerraformDependable // node groups, in order
	profiles         []cdktf.ITerraformDependable // Fargate profiles, in order
	late             []lateAddon                  // add-ons installed after compute
	coreDNSOnFargate bool
	connections      *network.Connections
	alarms           []observe.Alarm // raised by watch (cluster_signals.go)
}

// lateAddon is an add-on installed after compute, with the role
// resources it also depends on.
type lateAddon struct {
	addon    eksaddon.EksAddon
	roleDeps []cdktf.ITerraformDependable
}

// NewCluster validates props and creates the cluster. Nothing is created
// when props are invalid: it returns every problem with props at once,
// joined, each a *validate.FieldError wrapping validate.ErrInvalid.
func NewCluster(scope constructs.Construct, id string, props ClusterProps) (*Cluster, error) {
	r := validation.ForConstruct("eks", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	s := withDefaults(id, props)
	s.validate(r)
	if err := r.Err(); err != nil {
		return nil, err
	}

	env, err := awsenv.Of(scope)
	if err != nil {
		return nil, err
	}
	c := &Cluster{s: s, build: r, nodeGroups: map[string]eksnodegroup.EksNodeGroup{}}
	constructs.NewConstruct_Override(c, scope, &id)
	c.core = core{
		name: s.Name, partition: env.Partition, region: env.Region, account: env.Account,
		baseTags: s.Tags, addons: map[string]eksaddon.EksAddon{}, fargateNS: s.fargateNamespaces(),
		podIdentityOK: s.AutoMode != nil || s.hasAddon(AddonPodIdentity),
	}

	role, roleDeps := c.clusterRole()
	roleDeps = append(roleDeps, c.secretsKey(role))
	logs, err := loggroup.New(c, "log-group", loggroup.Props{
		Name:          "/aws/eks/" + s.Name + "/cluster",
		RetentionDays: s.LogRetentionDays,
		Tags:          c.core.tags(s.Name + "-control-plane"),
	})
	if err != nil {
		return nil, err
	}
	c.controlPlane(role, append(roleDeps, logs))
	c.core.clusterName = c.cluster.Name()

	c.oidc = iamopenidconnectprovider.NewIamOpenidConnectProvider(c, ptr.String("oidc-provider"), &iamopenidconnectprovider.IamOpenidConnectProviderConfig{
		Url:          ptr.String(c.OIDCIssuerURL()),
		ClientIdList: ptr.Strings([]string{"sts.amazonaws.com"}),
		Tags:         c.core.tags(s.Name + "-irsa"),
	})
	c.core.oidcARN = *c.oidc.Arn()
	c.core.issuerHost = issuerHostLocal(c, c.OIDCIssuerURL())

	for _, e := range s.AccessEntries {
		c.core.addAccessEntry(c, e)
	}
	before := c.addonsPhase(true, nil)
	if s.AutoMode == nil {
		c.nodeRole(false)
		// Nodes join only once their role carries its policies, and on
		// destroy the policies are detached only after the nodes are gone.
		c.nodeDeps = append(append([]cdktf.ITerraformDependable(nil), before...), c.nodeRoleDeps...)
		for _, ng := range s.nodeGroups {
			c.nodeGroup(ng)
		}
		if len(s.FargateProfiles) > 0 {
			c.fargateProfiles(before)
		}
	}
	c.addonsPhase(false, c.ComputeResources())
	c.watch()
	if err := r.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

// managedPolicy returns the ARN of an AWS managed policy in this partition.
func (c *Cluster) managedPolicy(name string) string {
	return "arn:" + c.core.partition + ":iam::aws:policy/" + name
}

func (c *Cluster) lifecycle() *cdktf.TerraformResourceLifecycle {
	if c.s.Disposable {
		return nil
	}
	return &cdktf.TerraformResourceLifecycle{PreventDestroy: ptr.Bool(true)}
}

// clusterRole creates the role the EKS control plane assumes.
func (c *Cluster) clusterRole() (roleRef, []cdktf.ITerraformDependable) {
	actions := []string{"sts:AssumeRole"}
	policies := []string{"AmazonEKSClusterPolicy"}
	if c.s.AutoMode != nil {
		actions = append(actions, "sts:TagSession")
		policies = append(policies, "AmazonEKSComputePolicy", "AmazonEKSBlockStoragePolicy", "AmazonEKSLoadBalancingPolicy", "AmazonEKSNetworkingPolicy")
	}
	arns := make([]string, len(policies))
	for i, p := range policies {
		arns[i] = c.managedPolicy(p)
	}
	return newRole(c, "cluster-role", roleSpec{
		namePrefix:  c.s.Name + "-cluster-",
		description: "EKS control plane of " + c.s.Name,
		trust:       c.build.Doc(iamdoc.ServiceTrust([]string{"eks.amazonaws.com"}, actions, nil)),
		policyARNs:  arns,
		tags:        c.core.tags(c.s.Name + "-cluster"),
	})
}

// secretsKey creates (or adopts) the KMS key for envelope encryption of
// Kubernetes secrets and lets the cluster role use it.
func (c *Cluster) secretsKey(role roleRef) cdktf.ITerraformDependable {
	c.kmsKeyARN = c.s.KMSKeyARN
	if c.kmsKeyARN == "" {
		window := 30
		if c.s.Disposable {
			window = 7
		}
		key := kmskey.NewKmsKey(c, ptr.String("secrets-key"), &kmskey.KmsKeyConfig{
			Description:          ptr.String("Encrypts Kubernetes secrets of EKS cluster " + c.s.Name),
			EnableKeyRotation:    true,
			DeletionWindowInDays: ptr.Number(window),
			Policy:               ptr.String(c.build.Doc(iamdoc.Document(iamdoc.AccountAdministersKey(c.core.partition, c.core.account)))),
			Tags:                 c.core.tags(c.s.Name + "-secrets"),
			Lifecycle:            c.lifecycle(),
		})
		kmsalias.NewKmsAlias(c, ptr.String("secrets-key-alias"), &kmsalias.KmsAliasConfig{
			Name:        ptr.String("alias/eks/" + c.s.Name),
			TargetKeyId: key.KeyId(),
		})
		c.kmsKeyARN = *key.Arn()
	}
	return iamrolepolicy.NewIamRolePolicy(c, ptr.String("cluster-role-encryption"), &iamrolepolicy.IamRolePolicyConfig{
		Name: ptr.String("secrets-encryption"),
		Role: ptr.String(role.name),
		Policy: ptr.String(c.build.Doc(iamdoc.Document(iamdoc.Allow("UseSecretsKey",
			[]string{"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:ListGrants"}, c.kmsKeyARN)))),
	})
}

func (c *Cluster) controlPlane(role roleRef, deps []cdktf.ITerraformDependable) {
	s := c.s
	public := len(s.PublicAccessCIDRs) > 0
	cfg := &awsekscluster.EksClusterConfig{
		Name:    ptr.String(s.Name),
		RoleArn: ptr.String(role.arn),
		Version: ptr.String(s.Version),
		VpcConfig: &awsekscluster.EksClusterVpcConfig{
			SubnetIds:             ptr.Strings(s.VPC.PrivateSubnetIDs()),
			EndpointPrivateAccess: true,
			EndpointPublicAccess:  public,
			PublicAccessCidrs:     ptr.Strings(s.PublicAccessCIDRs),
		},
		EncryptionConfig: &awsekscluster.EksClusterEncryptionConfig{
			Provider:  &awsekscluster.EksClusterEncryptionConfigProvider{KeyArn: ptr.String(c.kmsKeyARN)},
			Resources: ptr.Strings([]string{"secrets"}),
		},
		EnabledClusterLogTypes: ptr.Strings(LogTypes()),
		AccessConfig: &awsekscluster.EksClusterAccessConfig{
			AuthenticationMode:                      ptr.String(string(s.AuthenticationMode)),
			BootstrapClusterCreatorAdminPermissions: s.BootstrapCreatorAdmin,
		},
		UpgradePolicy: &awsekscluster.EksClusterUpgradePolicy{SupportType: ptr.String(string(s.SupportType))},
		Tags:          c.core.tags(s.Name),
		DependsOn:     &deps,
		Lifecycle:     c.lifecycle(),
	}
	if s.managesCoreAddons {
		// The add-ons are managed below; EKS must not install unmanaged
		// copies first.
		cfg.BootstrapSelfManagedAddons = false
	}
	network := &awsekscluster.EksClusterKubernetesNetworkConfig{IpFamily: ptr.String("ipv4"), ServiceIpv4Cidr: ptr.Optional(s.ServiceIPv4CIDR)}
	if s.AutoMode != nil {
		nodeRole := c.nodeRole(true)
		deps = append(deps, c.nodeRoleDeps...)
		cfg.DependsOn = &deps
		cfg.ComputeConfig = &awsekscluster.EksClusterComputeConfig{
			Enabled:     true,
			NodePools:   ptr.Strings(s.AutoMode.NodePools),
			NodeRoleArn: ptr.String(nodeRole),
		}
		cfg.StorageConfig = &awsekscluster.EksClusterStorageConfig{
			BlockStorage: &awsekscluster.EksClusterStorageConfigBlockStorage{Enabled: true},
		}
		network.ElasticLoadBalancing = &awsekscluster.EksClusterKubernetesNetworkConfigElasticLoadBalancing{Enabled: true}
	}
	cfg.KubernetesNetworkConfig = network
	if cond := s.VPC.DNSPrecondition(); cond != nil && !public {
		if cfg.Lifecycle == nil {
			cfg.Lifecycle = &cdktf.TerraformResourceLifecycle{}
		}
		cfg.Lifecycle.Precondition = &[]*cdktf.Precondition{cond}
	}
	c.cluster = awsekscluster.NewEksCluster(c, ptr.String("cluster"), cfg)
	for i, block := range s.PrivateAccessCIDRs {
		vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(c, ptr.String(fmt.Sprintf("private-api-access-%d", i)), &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
			SecurityGroupId: c.cluster.VpcConfig().ClusterSecurityGroupId(),
			Description:     ptr.String("Kubernetes API (private endpoint) from " + block),
			IpProtocol:      ptr.String("tcp"),
			FromPort:        ptr.Number(443),
			ToPort:          ptr.Number(443),
			CidrIpv4:        ptr.String(block),
			Tags:            c.core.tags(s.Name + "-api-access"),
		})
	}
	for i, group := range s.PrivateAccessSecurityGroupIDs {
		vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(c, ptr.String(fmt.Sprintf("private-api-access-sg-%d", i)), &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
			SecurityGroupId:           c.cluster.VpcConfig().ClusterSecurityGroupId(),
			Description:               ptr.String("Kubernetes API (private endpoint) from an administering security group"),
			IpProtocol:                ptr.String("tcp"),
			FromPort:                  ptr.Number(443),
			ToPort:                    ptr.Number(443),
			ReferencedSecurityGroupId: ptr.String(group),
			Tags:                      c.core.tags(s.Name + "-api-access"),
		})
	}
}

// AdmitsAdministrators reports whether anything besides the cluster's own
// nodes and pods may reach its API endpoint: PublicAccessCIDRs,
// PrivateAccessCIDRs or PrivateAccessSecurityGroupIDs. kube.NewProviders
// refuses a cluster that admits none, which Terraform could not reach.
func (c *Cluster) AdmitsAdministrators() bool {
	return len(c.s.PublicAccessCIDRs)+len(c.s.PrivateAccessCIDRs)+len(c.s.PrivateAccessSecurityGroupIDs) > 0
}

// nodeRole creates the role EC2 nodes assume, with the node policies only.
// The CNI policy goes to the vpc-cni add-on's own IRSA role unless vpc-cni
// runs self-managed, in which case the nodes need it.
func (c *Cluster) nodeRole(autoMode bool) string {
	if c.nodeRoleARN != "" {
		return c.nodeRoleARN
	}
	policies := []string{"AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"}
	if autoMode {
		policies = []string{"AmazonEKSWorkerNodeMinimalPolicy", "AmazonEC2ContainerRegistryPullOnly"}
	} else if !c.s.hasAddon(AddonVPCCNI) {
		policies = append(policies, "AmazonEKS_CNI_Policy")
	}
	arns := make([]string, len(policies))
	for i, p := range policies {
		arns[i] = c.managedPolicy(p)
	}
	actions := []string{"sts:AssumeRole"}
	if autoMode {
		actions = append(actions, "sts:TagSession")
	}
	role, deps := newRole(c, "node-role", roleSpec{
		namePrefix:  c.s.Name + "-node-",
		description: "EC2 worker nodes of EKS cluster " + c.s.Name,
		trust:       c.build.Doc(iamdoc.ServiceTrust([]string{"ec2.amazonaws.com"}, actions, nil)),
		policyARNs:  arns,
		tags:        c.core.tags(c.s.Name + "-node"),
	})
	c.nodeRoleARN, c.nodeRoleDeps = role.arn, deps
	return c.nodeRoleARN
}

var nonID = regexp.MustCompile(`[^A-Za-z0-9-]+`)

// accessEntryID names an access entry after the principal (role/Admin gives
// "role-Admin") so that reordering entries does not replace them.
func accessEntryID(arn string, i int) string {
	if validation.IsToken(arn) {
		return fmt.Sprintf("%d", i)
	}
	parts := strings.SplitN(arn, ":", 6)
	return strings.Trim(nonID.ReplaceAllString(parts[len(parts)-1], "-"), "-")
}

// addonsPhase creates the add-ons that belong before compute (first=true) or
// after it, each depending on deps. It returns the add-ons it created.
func (c *Cluster) addonsPhase(first bool, deps []cdktf.ITerraformDependable) []cdktf.ITerraformDependable {
	var out []cdktf.ITerraformDependable
	for _, a := range c.s.addons {
		if beforeCompute[a.Name] != first {
			continue
		}
		out = append(out, c.addon(a, deps))
	}
	return out
}

// addon creates one managed add-on depending on deps (and on its own IRSA
// role, if it has one).
func (c *Cluster) addon(a AddonProps, deps []cdktf.ITerraformDependable) eksaddon.EksAddon {
	cfg := &eksaddon.EksAddonConfig{
		ClusterName:              c.cluster.Name(),
		AddonName:                ptr.String(a.Name),
		ResolveConflictsOnCreate: ptr.String("OVERWRITE"),
		ResolveConflictsOnUpdate: ptr.String("PRESERVE"),
		ConfigurationValues:      ptr.Optional(a.ConfigurationValues),
		Tags:                     c.core.tags(c.s.Name + "-" + a.Name),
	}
	d := append([]cdktf.ITerraformDependable(nil), deps...)
	version := a.Version
	if version == "" {
		version = AddonVersion(c.s.Version, a.Name)
	}
	cfg.AddonVersion = ptr.String(version)
	// The VPC CNI enforces NetworkPolicy objects (on EC2 nodes; Fargate
	// pods are outside its reach) unless the cluster opts out.
	if a.Name == AddonVPCCNI && a.ConfigurationValues == "" && !c.s.DisableNetworkPolicy {
		cfg.ConfigurationValues = ptr.String(`{"enableNetworkPolicy":"true"}`)
	}
	if a.Name == AddonCoreDNS && a.ConfigurationValues == "" && len(c.s.NodeGroups) == 0 && c.s.fargateCovers("kube-system") {
		cfg.ConfigurationValues = ptr.String(`{"computeType":"Fargate"}`)
		c.coreDNSOnFargate = true
	}
	var role string
	var roleDeps []cdktf.ITerraformDependable
	switch a.Name {
	case AddonVPCCNI:
		role, roleDeps = c.addonRole(a.Name, "aws-node", "AmazonEKS_CNI_Policy")
	case AddonEBSCSIDriver:
		role, roleDeps = c.addonRole(a.Name, "ebs-csi-controller-sa", "service-role/AmazonEBSCSIDriverPolicy")
	case AddonEFSCSIDriver:
		// The controller creates and deletes access points for
		// dynamically provisioned volumes. EKS annotates the node
		// DaemonSet's service account (efs-csi-node-sa) with the same
		// role, but the role trusts only the controller: nodes mount
		// with TLS through the mount target's DNS name (the default,
		// and what the EFS file system policy of storage.FileSystem
		// expects), which calls no AWS API. Mounting with IAM
		// authorization (the "iam" mount option) would need the node's
		// service account in the trust too.
		role, roleDeps = c.addonRole(a.Name, "efs-csi-controller-sa", "service-role/AmazonEFSCSIDriverPolicy")
	}
	if role != "" {
		// The add-on's pods start with the role's policies attached.
		cfg.ServiceAccountRoleArn = ptr.String(role)
		d = append(d, roleDeps...)
	}
	if len(d) > 0 {
		cfg.DependsOn = &d
	}
	addon := eksaddon.NewEksAddon(c, ptr.String("addon-"+a.Name), cfg)
	c.core.addons[a.Name] = addon
	if !beforeCompute[a.Name] {
		c.late = append(c.late, lateAddon{addon: addon, roleDeps: roleDeps})
	}
	return addon
}

// addonRole creates the IRSA role of an add-on's kube-system service account.
func (c *Cluster) addonRole(addon, serviceAccount, policy string) (string, []cdktf.ITerraformDependable) {
	role, deps := newRole(c, "addon-"+addon+"-role", roleSpec{
		namePrefix:  names.Truncate(c.s.Name+"-"+addon+"-", 38),
		description: "IRSA role of the " + addon + " add-on of EKS cluster " + c.s.Name,
		trust:       c.build.Doc(c.core.irsaTrust("kube-system", serviceAccount)),
		policyARNs:  []string{c.managedPolicy(policy)},
		tags:        c.core.tags(c.s.Name + "-" + addon),
	})
	return role.arn, deps
}

// nodeGroup creates one managed node group (defaults applied and
// validated) with its launch template, for NewCluster and AddNodeGroup.
func (c *Cluster) nodeGroup(ng NodeGroupProps) {
	prefix := nodeGroupPrefix(c.s.Name, ng.Name)
	id := "node-group-" + ng.Name
	nameTags := func(kind string) *launchtemplate.LaunchTemplateTagSpecifications {
		return &launchtemplate.LaunchTemplateTagSpecifications{ResourceType: ptr.String(kind), Tags: c.core.tags(c.s.Name + "-" + ng.Name)}
	}
	lt := launchtemplate.NewLaunchTemplate(c, ptr.String(id+"-launch-template"), &launchtemplate.LaunchTemplateConfig{
		NamePrefix:           ptr.String(prefix),
		Description:          ptr.String("Nodes of group " + ng.Name + " in EKS cluster " + c.s.Name),
		UpdateDefaultVersion: true,
		MetadataOptions: &launchtemplate.LaunchTemplateMetadataOptions{
			HttpEndpoint:            ptr.String("enabled"),
			HttpTokens:              ptr.String("required"),
			HttpPutResponseHopLimit: ptr.Number(1),
		},
		BlockDeviceMappings: []*launchtemplate.LaunchTemplateBlockDeviceMappings{{
			DeviceName: ptr.String("/dev/xvda"),
			Ebs: &launchtemplate.LaunchTemplateBlockDeviceMappingsEbs{
				VolumeSize:          ptr.Number(ng.DiskSizeGiB),
				VolumeType:          ptr.String("gp3"),
				Encrypted:           ptr.String("true"),
				DeleteOnTermination: ptr.String("true"),
			},
		}},
		TagSpecifications: []*launchtemplate.LaunchTemplateTagSpecifications{nameTags("instance"), nameTags("volume"), nameTags("network-interface")},
		Tags:              c.core.tags(c.s.Name + "-" + ng.Name),
		Lifecycle:         &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: ptr.Bool(true)},
	})

	var taints []*eksnodegroup.EksNodeGroupTaint
	for _, t := range ng.Taints {
		taints = append(taints, &eksnodegroup.EksNodeGroupTaint{Key: ptr.String(t.Key), Value: ptr.Optional(t.Value), Effect: ptr.String(string(t.Effect))})
	}
	update := &eksnodegroup.EksNodeGroupUpdateConfig{}
	if ng.MaxUnavailable > 0 {
		update.MaxUnavailable = ptr.Number(ng.MaxUnavailable)
	} else {
		update.MaxUnavailablePercentage = ptr.Number(ng.MaxUnavailablePercentage)
	}
	d := append([]cdktf.ITerraformDependable(nil), c.nodeDeps...)
	cfg := &eksnodegroup.EksNodeGroupConfig{
		ClusterName:         c.cluster.Name(),
		NodeGroupNamePrefix: ptr.String(prefix),
		NodeRoleArn:         ptr.String(c.nodeRoleARN),
		SubnetIds:           ptr.Strings(c.s.VPC.PrivateSubnetIDs()),
		AmiType:             ptr.String(ng.AMIType),
		CapacityType:        ptr.String(string(ng.CapacityType)),
		InstanceTypes:       ptr.Strings(ng.InstanceTypes),
		ScalingConfig: &eksnodegroup.EksNodeGroupScalingConfig{
			MinSize:     ptr.Number(ng.MinSize),
			DesiredSize: ptr.Number(ng.DesiredSize),
			MaxSize:     ptr.Number(ng.MaxSize),
		},
		UpdateConfig:     update,
		Labels:           ptr.Map(ng.Labels),
		LaunchTemplate:   &eksnodegroup.EksNodeGroupLaunchTemplate{Id: lt.Id(), Version: ptr.String(*cdktf.Token_AsString(lt.LatestVersion(), nil))},
		NodeRepairConfig: &eksnodegroup.EksNodeGroupNodeRepairConfig{Enabled: !ng.DisableNodeRepair},
		Tags: c.core.tags(c.s.Name+"-"+ng.Name, map[string]string{
			"k8s.io/cluster-autoscaler/enabled":     "true",
			"k8s.io/cluster-autoscaler/" + c.s.Name: "owned",
		}),
		Lifecycle: &cdktf.TerraformResourceLifecycle{
			CreateBeforeDestroy: ptr.Bool(true),
			// The cluster autoscaler owns the node count after creation.
			IgnoreChanges: &[]*string{ptr.String("scaling_config[0].desired_size")},
		},
		DependsOn: &d,
	}
	if len(taints) > 0 {
		cfg.Taint = taints
	}
	group := eksnodegroup.NewEksNodeGroup(c, ptr.String(id), cfg)
	c.nodeGroups[ng.Name] = group
	c.groups = append(c.groups, group)
}

func (c *Cluster) fargateProfiles(deps []cdktf.ITerraformDependable) {
	role, roleDeps := newRole(c, "fargate-pod-execution-role", roleSpec{
		namePrefix:  names.Truncate(c.s.Name+"-fargate-", 38),
		description: "Pod execution role of the Fargate profiles of EKS cluster " + c.s.Name,
		trust: c.build.Doc(iamdoc.ServiceTrust([]string{"eks-fargate-pods.amazonaws.com"}, nil, map[string]map[string]any{
			"ArnLike": {"aws:SourceArn": "arn:" + c.core.partition + ":eks:" + c.core.region + ":" + c.core.account + ":fargateprofile/" + c.s.Name + "/*"},
		})),
		policyARNs: []string{c.managedPolicy("AmazonEKSFargatePodExecutionRolePolicy")},
		tags:       c.core.tags(c.s.Name + "-fargate"),
	})
	for _, fp := range c.s.FargateProfiles {
		var selectors []*eksfargateprofile.EksFargateProfileSelector
		for _, sel := range fp.Selectors {
			selectors = append(selectors, &eksfargateprofile.EksFargateProfileSelector{Namespace: ptr.String(sel.Namespace), Labels: ptr.Map(sel.Labels)})
		}
		d := append(append([]cdktf.ITerraformDependable(nil), deps...), roleDeps...)
		profile := eksfargateprofile.NewEksFargateProfile(c, ptr.String("fargate-profile-"+fp.Name), &eksfargateprofile.EksFargateProfileConfig{
			ClusterName:         c.cluster.Name(),
			FargateProfileName:  ptr.String(fp.Name),
			PodExecutionRoleArn: ptr.String(role.arn),
			SubnetIds:           ptr.Strings(c.s.VPC.PrivateSubnetIDs()),
			Selector:            selectors,
			Tags:                c.core.tags(c.s.Name + "-" + fp.Name),
			DependsOn:           &d,
		})
		c.profiles = append(c.profiles, profile)
	}
}

// Name returns the cluster name (a token that orders dependents after the
// cluster).
func (c *Cluster) Name() string { return *c.cluster.Name() }

// ARN returns the cluster ARN.
func (c *Cluster) ARN() string { return *c.cluster.Arn() }

// Endpoint returns the Kubernetes API server URL.
func (c *Cluster) Endpoint() string { return *c.cluster.Endpoint() }

// CertificateAuthorityData returns the base64 cluster CA certificate.
func (c *Cluster) CertificateAuthorityData() string {
	return *c.cluster.CertificateAuthority().Get(ptr.Number(0)).Data()
}

// SecurityGroupID returns the security group EKS created for the control
// plane and managed nodes.
func (c *Cluster) SecurityGroupID() string { return *c.cluster.VpcConfig().ClusterSecurityGroupId() }

// VPCID returns the id of the cluster's VPC.
func (c *Cluster) VPCID() string { return *c.cluster.VpcConfig().VpcId() }

// SubnetIDs returns the cluster's subnets (its VPC's private subnets), as
// one list token.
func (c *Cluster) SubnetIDs() []string { return strs(c.cluster.VpcConfig().SubnetIds()) }

// Connections returns the cluster security group as "pods": EKS gives it
// to the control plane, to managed nodes (and so to pods on them) and to
// Fargate pods. lb.Connections().AllowTo(cluster, 8080, why) lets a load
// balancer reach pods on their port; its rules on the cluster's side are
// created under the cluster.
func (c *Cluster) Connections() *network.Connections {
	if c.connections == nil {
		c.connections = network.NewConnections(c, "pods", c.SecurityGroupID())
	}
	return c.connections
}

// OIDCIssuerURL returns the cluster's OIDC issuer URL (https://...).
func (c *Cluster) OIDCIssuerURL() string {
	return *c.cluster.Identity().Get(ptr.Number(0)).Oidc().Get(ptr.Number(0)).Issuer()
}

// OIDCProviderARN returns the IAM OIDC provider ARN used by IRSA roles.
func (c *Cluster) OIDCProviderARN() string { return *c.oidc.Arn() }

// KMSKeyARN returns the ARN of the key that encrypts Kubernetes secrets.
func (c *Cluster) KMSKeyARN() string { return c.kmsKeyARN }

// NodeRoleARN returns the node role's ARN, or "" when the cluster has no EC2
// nodes of its own.
func (c *Cluster) NodeRoleARN() string { return c.nodeRoleARN }

// KubeconfigCommand returns the AWS CLI command that writes a kubeconfig
// entry for the cluster.
func (c *Cluster) KubeconfigCommand() string {
	return "aws eks update-kubeconfig --region " + c.core.region + " --name " + c.Name()
}

// Version returns the Kubernetes version.
func (c *Cluster) Version() string { return c.s.Version }

// Resource returns the aws_eks_cluster resource as an escape hatch.
func (c *Cluster) Resource() awsekscluster.EksCluster { return c.cluster }

// NodeGroup returns the aws_eks_node_group of the named group, or nil.
func (c *Cluster) NodeGroup(name string) eksnodegroup.EksNodeGroup { return c.nodeGroups[name] }

// Addon returns the aws_eks_addon of the named add-on, or nil.
func (c *Cluster) Addon(name string) eksaddon.EksAddon { return c.core.addons[name] }
