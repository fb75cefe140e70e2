// Package eks provides Cluster (NewCluster), the library's EksCluster: an
// Amazon EKS control plane with its IAM role, KMS secrets encryption,
// control-plane logs, access entries, OIDC provider for IRSA, managed
// add-ons in the right order, managed node groups with hardened launch
// templates, Fargate profiles or EKS Auto Mode. IRSA roles
// (NewServiceAccountRole) and Pod Identity roles (NewPodIdentityRole) are
// grant.Grantees; the cluster is a network.Connectable (its cluster security
// group, which pods and nodes carry).
//
// ClusterRef is what other constructs need of a cluster (name, ARN,
// endpoint, CA data, OIDC issuer and provider, security group and
// Connections, VPC and subnets, node role, Kubernetes version, secrets key,
// compute): packages kube, mesh, tenancy and telemetry, and the role
// constructors here, take one. *Cluster implements it, and so does
// *ImportedCluster: ImportCluster reads a cluster made elsewhere with the
// data sources aws_eks_cluster and aws_iam_openid_connect_provider (by the
// cluster's issuer URL), and takes from ImportClusterProps what AWS cannot
// tell at synth time (the version, the node role, whether it has EC2 nodes
// or the Pod Identity agent). An imported cluster manages only the access
// entries it is given: no node groups, add-ons, logs, alarms or Signals.
//
// A cluster grows after NewCluster with AddNodeGroup and AddAccessEntry
// (AddAccessEntry also on an ImportedCluster): each gives exactly the
// Terraform, ids and validation errors of the same entry listed last in
// ClusterProps.
package eks

import "github.com/hybridstack/hybridstack/constructs/network"

// AuthenticationMode selects how the cluster maps IAM principals to
// Kubernetes identities. Changes only go one way: CONFIG_MAP to
// API_AND_CONFIG_MAP to API.
type AuthenticationMode string

const (
	// AuthAPI uses EKS access entries only. This is the default.
	AuthAPI AuthenticationMode = "API"
	// AuthAPIAndConfigMap also honours the aws-auth ConfigMap, for clusters
	// migrating off it.
	AuthAPIAndConfigMap AuthenticationMode = "API_AND_CONFIG_MAP"
)

// SupportType is the cluster's upgrade policy.
type SupportType string

const (
	// SupportStandard upgrades the cluster automatically when its version
	// leaves standard support. This is the default.
	SupportStandard SupportType = "STANDARD"
	// SupportExtended keeps the version for the 12 months of extended
	// support, at extra hourly cost.
	SupportExtended SupportType = "EXTENDED"
)

// AccessPolicy names an EKS access policy.
type AccessPolicy string

// The EKS access policies an access entry can be given.
const (
	AccessPolicyClusterAdmin AccessPolicy = "AmazonEKSClusterAdminPolicy"
	AccessPolicyAdmin        AccessPolicy = "AmazonEKSAdminPolicy"
	AccessPolicyEdit         AccessPolicy = "AmazonEKSEditPolicy"
	AccessPolicyView         AccessPolicy = "AmazonEKSViewPolicy"
)

// CapacityType is how a node group buys its instances.
type CapacityType string

const (
	// OnDemand instances. This is the default.
	OnDemand CapacityType = "ON_DEMAND"
	// Spot instances: cheaper, reclaimed with two minutes' notice.
	Spot CapacityType = "SPOT"
)

// TaintEffect is what a taint does to pods that do not tolerate it.
type TaintEffect string

// The taint effects EKS accepts.
const (
	NoSchedule       TaintEffect = "NO_SCHEDULE"
	NoExecute        TaintEffect = "NO_EXECUTE"
	PreferNoSchedule TaintEffect = "PREFER_NO_SCHEDULE"
)

// ClusterProps configures an EksCluster.
type ClusterProps struct {
	// Name is the EKS cluster name: 1-100 letters, digits, hyphens and
	// underscores, starting with a letter or digit.
	// Default: the construct id
	Name string
	// Version is the Kubernetes version; see SupportedVersions().
	// Default: DefaultVersion
	Version string
	// VPC is the network the cluster runs in; the control plane, nodes and
	// Fargate pods use its private subnets. Required.
	VPC *network.VPC
	// PublicAccessCIDRs opens the API endpoint to these ranges on the
	// Internet. 0.0.0.0/0 is refused.
	// Default: - none: the endpoint is private to the VPC
	PublicAccessCIDRs []string
	// PrivateAccessCIDRs admits these ranges to the private API endpoint
	// (HTTPS on the cluster security group): networks connected to the
	// VPC such as a VPN, Direct Connect or a peered CI VPC, or a subnet of
	// the VPC itself that runs Terraform. Being inside the VPC is not
	// enough: without these, PrivateAccessSecurityGroupIDs or
	// PublicAccessCIDRs, the cluster security group admits only itself,
	// so only the cluster's own nodes and pods reach the API, and
	// kube.NewProviders refuses to configure providers for the cluster.
	// Default: - none
	PrivateAccessCIDRs []string
	// PrivateAccessSecurityGroupIDs admits these security groups (of the
	// same VPC, or a peered one) to the private API endpoint (HTTPS on the
	// cluster security group): the group of a CI runner, bastion or
	// build host in the VPC that runs Terraform for the stacks inside the
	// cluster.
	// Default: - none
	PrivateAccessSecurityGroupIDs []string
	// KMSKeyARN encrypts Kubernetes secrets with an existing key.
	// Default: - a new KMS key with rotation
	KMSKeyARN string
	// LogRetentionDays is how long control-plane logs are kept.
	// Default: 90
	LogRetentionDays int
	// AuthenticationMode maps IAM principals to Kubernetes identities.
	// Default: AuthAPI
	AuthenticationMode AuthenticationMode
	// AccessEntries grant IAM roles or users access to the cluster.
	// Default: - none
	AccessEntries []AccessEntry
	// BootstrapCreatorAdmin makes whoever runs terraform apply a cluster
	// admin outside the access entries list. Use AccessEntries instead.
	// Default: false
	BootstrapCreatorAdmin bool
	// SupportType is the upgrade policy.
	// Default: SupportStandard
	SupportType SupportType
	// ServiceIPv4CIDR is the range Kubernetes services get addresses from.
	// Default: - EKS picks 10.100.0.0/16 or 172.20.0.0/16
	ServiceIPv4CIDR string
	// DisableNetworkPolicy turns off NetworkPolicy enforcement by the VPC
	// CNI add-on (its network policy agent). Enforcement covers pods on EC2
	// nodes; Fargate pods are not covered by it. Ignored when the vpc-cni
	// add-on has ConfigurationValues of its own.
	// Default: false (NetworkPolicy objects are enforced)
	DisableNetworkPolicy bool
	// Addons lists the managed add-ons to install.
	// Default: - vpc-cni, kube-proxy, eks-pod-identity-agent, coredns and (with node groups) aws-ebs-csi-driver, at the versions pinned for the cluster version (AddonVersion); none under Auto Mode
	Addons []AddonProps
	// NodeGroups are managed node groups.
	// Default: - none
	NodeGroups []NodeGroupProps
	// FargateProfiles run matching pods on Fargate.
	// Default: - none
	FargateProfiles []FargateProfileProps
	// AutoMode hands compute, storage and load balancing to EKS Auto Mode.
	// It excludes NodeGroups, FargateProfiles and the add-ons it replaces.
	// Default: - off
	AutoMode *AutoModeProps
	// AlarmTopicARN is the SNS topic the cluster's alarms notify when they
	// fire and when they recover: failed nodes and node CPU, raised for a
	// cluster with EC2 nodes (see Signals). The alarms exist either way.
	// Default: - alarms without notification
	AlarmTopicARN string
	// Disposable drops the prevent_destroy guard on the cluster and its KMS
	// key and shortens the key's deletion window to 7 days. Only for
	// environments that may be destroyed with their data.
	// Default: false
	Disposable bool
	// Tags are added to every resource the construct makes.
	// Default: - none
	Tags map[string]string
}

// AccessEntry grants one IAM principal access to the cluster.
type AccessEntry struct {
	// PrincipalARN is the IAM role or user ARN. Required.
	PrincipalARN string
	// Policy is the access policy associated with the principal.
	// Default: AccessPolicyView
	Policy AccessPolicy
	// Namespaces scopes the policy to these namespaces.
	// Default: - the whole cluster
	Namespaces []string
	// KubernetesGroups adds the principal to these RBAC groups (not
	// starting with "system:").
	// Default: - none
	KubernetesGroups []string
}

// AddonProps configures one managed add-on.
type AddonProps struct {
	// Name is the add-on name, such as "vpc-cni". Required.
	Name string
	// Version is an exact add-on version such as "v1.19.2-eksbuild.1".
	// Default: - the version pinned for the cluster's Kubernetes version (AddonVersion); required for add-ons or Kubernetes versions without a pin
	Version string
	// ConfigurationValues is the add-on's configuration as a JSON object.
	// Default: - the add-on's defaults
	ConfigurationValues string
}

// NodeGroupProps configures one managed node group.
type NodeGroupProps struct {
	// Name identifies the group; the AWS name is "<cluster>-<name>-<suffix>".
	// Required.
	Name string
	// InstanceTypes are the EC2 instance types, all of one CPU architecture.
	// Default: ["m7i.large"]
	InstanceTypes []string
	// CapacityType is OnDemand or Spot.
	// Default: OnDemand
	CapacityType CapacityType
	// MinSize is the fewest nodes; 0 lets the group scale to zero.
	// Default: 0
	MinSize int
	// DesiredSize is the starting node count. Terraform ignores later drift
	// so that the cluster autoscaler can own it.
	// Default: MinSize
	DesiredSize int
	// MaxSize is the most nodes, at least 1. Required.
	MaxSize int
	// MaxUnavailable is how many nodes an update may take down at once.
	// Exclusive with MaxUnavailablePercentage.
	// Default: - MaxUnavailablePercentage 33
	MaxUnavailable int
	// MaxUnavailablePercentage is the share of nodes an update may take
	// down at once, 1-100.
	// Default: 33
	MaxUnavailablePercentage int
	// Labels are Kubernetes labels put on every node.
	// Default: - none
	Labels map[string]string
	// Taints are Kubernetes taints put on every node.
	// Default: - none
	Taints []Taint
	// AMIType overrides the Amazon Linux 2023 image chosen for the
	// instances' architecture.
	// Default: - AL2023_x86_64_STANDARD or AL2023_ARM_64_STANDARD
	AMIType string
	// DiskSizeGiB is the encrypted gp3 root volume's size.
	// Default: 50
	DiskSizeGiB int
	// DisableNodeRepair turns off EKS node auto repair.
	// Default: false
	DisableNodeRepair bool
}

// Taint is one Kubernetes taint.
type Taint struct {
	Key    string
	Value  string
	Effect TaintEffect
}

// FargateProfileProps configures one Fargate profile.
type FargateProfileProps struct {
	// Name is the profile name. Required.
	Name string
	// Selectors pick the pods that run on Fargate: 1 to 5. Required.
	Selectors []FargateSelector
}

// FargateSelector matches pods by namespace and, optionally, labels.
type FargateSelector struct {
	// Namespace is the pods' namespace. Required.
	Namespace string
	// Labels, when set, must all match the pod's labels (at most 5).
	// Default: - every pod in the namespace
	Labels map[string]string
}

// AutoModeProps configures EKS Auto Mode.
type AutoModeProps struct {
	// NodePools are the built-in node pools to enable.
	// Default: ["general-purpose", "system"]
	NodePools []string
}
