package eks

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsekscluster"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsiamopenidconnectprovider"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/eksaddon"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/network"
)

// ImportClusterProps names an existing EKS cluster and says what AWS
// cannot tell about it at plan time.
type ImportClusterProps struct {
	// Name is the existing cluster's name, as written (not a token: role
	// names and descriptions are derived from it). Required.
	Name string
	// Version is the cluster's Kubernetes version, one of
	// SupportedVersions(): constructs on the cluster pick pinned versions
	// (add-ons, the cluster-autoscaler image) by it, before AWS is asked.
	// Required.
	Version string
	// NodeRoleARN is the IAM role of the cluster's EC2 nodes, returned by
	// NodeRoleARN().
	// Default: - none: NodeRoleARN() returns ""
	NodeRoleARN string
	// KMSKeyARN is the key that encrypts the cluster's Kubernetes secrets,
	// returned by KMSKeyARN().
	// Default: - none: KMSKeyARN() returns ""
	KMSKeyARN string
	// SecurityGroupIDs are more security groups that the cluster's pods
	// and nodes carry besides the cluster security group (such as the
	// groups of self-managed nodes): Connections() opens paths to each.
	// Default: - the cluster security group only
	SecurityGroupIDs []string
	// EC2Nodes says that pods can run on EC2 nodes (managed or
	// self-managed node groups, or Auto Mode), for HasEC2Nodes: telemetry
	// runs its DaemonSets only there.
	// Default: false (Fargate only)
	EC2Nodes bool
	// PodIdentityAgent says that the cluster runs the
	// eks-pod-identity-agent add-on (or Auto Mode), which
	// NewPodIdentityRole requires.
	// Default: false
	PodIdentityAgent bool
	// FargateNamespaces are the namespaces whose every pod runs on Fargate
	// (which does not support Pod Identity).
	// Default: - none
	FargateNamespaces []string
	// AccessEntries grant IAM roles or users access to the cluster: entries
	// this stack manages beside the cluster's existing ones (a principal
	// that already has an entry must not be listed). AddAccessEntry adds
	// more.
	// Default: - none: no access entry is managed
	AccessEntries []AccessEntry
	// Tags are added to every resource made for the cluster (access
	// entries, IRSA and Pod Identity roles).
	// Default: - none
	Tags map[string]string
}

// ImportedCluster is an EKS cluster that exists outside the stack, read at
// plan time with the data sources aws_eks_cluster (attributes) and
// aws_iam_openid_connect_provider (the IRSA provider, found by the
// cluster's issuer URL). It is a ClusterRef: kube, mesh, tenancy and
// telemetry constructs, IRSA roles (NewServiceAccountRole) and Pod Identity
// roles (NewPodIdentityRole) run on it as on a *Cluster.
//
// It manages nothing of the cluster itself: no node groups, Fargate
// profiles or add-ons (ComputeResources is empty), no alarms or Signals,
// no control-plane logs, and only the access entries given in
// ImportClusterProps.AccessEntries or AddAccessEntry. The cluster must
// already have an IAM OIDC provider for IRSA; the plan fails if it has
// none.
type ImportedCluster struct {
	constructs.Construct
	core core // what roles and access entries need; not embedded, which jsii refuses

	cluster     dataawsekscluster.DataAwsEksCluster
	oidc        dataawsiamopenidconnectprovider.DataAwsIamOpenidConnectProvider
	version     string
	kmsKeyARN   string
	nodeRoleARN string
	groups      []string
	ec2Nodes    bool
	connections *network.Connections
}

var (
	iamRoleARNRe = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]+$`)
	kmsKeyARNRe  = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/[\w/-]+$`)
	sgIDRe       = regexp.MustCompile(`^sg-[0-9a-f]{8,17}$`)
)

// ImportCluster refers to an existing cluster by name, in the stack's
// account and Region, like AWS CDK's Cluster.fromClusterAttributes or
// terraform-aws-eks modules pointed at an existing cluster. It creates the
// two data sources that read the cluster and its OIDC provider, a local
// for the issuer host, and the access entries of props. It returns every
// problem with props at once, joined, each a *validate.FieldError
// wrapping validate.ErrInvalid, and creates nothing then.
func ImportCluster(scope constructs.Construct, id string, props ImportClusterProps) (*ImportedCluster, error) {
	r := validation.ForConstruct("eks", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	checkImport(r, props)
	if err := r.Err(); err != nil {
		return nil, err
	}
	env, err := awsenv.Of(scope)
	if err != nil {
		return nil, err
	}

	c := &ImportedCluster{
		version: props.Version, kmsKeyARN: props.KMSKeyARN, nodeRoleARN: props.NodeRoleARN,
		groups: append([]string(nil), props.SecurityGroupIDs...), ec2Nodes: props.EC2Nodes,
	}
	constructs.NewConstruct_Override(c, scope, &id)
	fargate := map[string]bool{}
	for _, ns := range props.FargateNamespaces {
		fargate[ns] = true
	}
	c.core = core{
		name: props.Name, partition: env.Partition, region: env.Region, account: env.Account,
		baseTags: props.Tags, addons: map[string]eksaddon.EksAddon{}, fargateNS: fargate,
		podIdentityOK: props.PodIdentityAgent,
	}
	c.cluster = dataawsekscluster.NewDataAwsEksCluster(c, ptr.String("cluster"), &dataawsekscluster.DataAwsEksClusterConfig{
		Name: ptr.String(props.Name),
	})
	c.core.clusterName = c.cluster.Name()
	c.oidc = dataawsiamopenidconnectprovider.NewDataAwsIamOpenidConnectProvider(c, ptr.String("oidc-provider"), &dataawsiamopenidconnectprovider.DataAwsIamOpenidConnectProviderConfig{
		Url: ptr.String(c.OIDCIssuerURL()),
	})
	c.core.oidcARN = *c.oidc.Arn()
	c.core.issuerHost = issuerHostLocal(c, c.OIDCIssuerURL())
	for _, e := range props.AccessEntries {
		c.core.addAccessEntry(c, e)
	}
	return c, nil
}

// checkImport records every problem with props in r.
func checkImport(r *validation.Report, p ImportClusterProps) {
	switch {
	case p.Name == "":
		r.Addf("Name", "is empty; give the existing cluster's name")
	case validation.IsToken(p.Name):
		r.Addf("Name", "is a token; give the cluster's name as written (role names and descriptions are derived from it)")
	case len(p.Name) > 100 || !clusterNamePattern.MatchString(p.Name):
		r.Addf("Name", "%q is not a valid cluster name; use 1-100 letters, digits, hyphens and underscores, starting with a letter or digit", p.Name)
	}
	switch {
	case p.Version == "":
		r.Addf("Version", "is empty; give the cluster's Kubernetes version (aws eks describe-cluster --query cluster.version), one of %v", supportedVersionNames())
	case findVersion(p.Version) == nil:
		if end, ok := retiredVersions[p.Version]; ok {
			r.Addf("Version", "%q left extended support on %s; upgrade the cluster to one of %v", p.Version, end, supportedVersionNames())
		} else {
			r.Addf("Version", "%q is not a Kubernetes version EKS supports (as of %s); use one of %v", p.Version, VersionsAsOf, supportedVersionNames())
		}
	}
	if p.NodeRoleARN != "" && !validation.IsToken(p.NodeRoleARN) && !iamRoleARNRe.MatchString(p.NodeRoleARN) {
		r.Addf("NodeRoleARN", "%q is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)", p.NodeRoleARN)
	}
	if p.KMSKeyARN != "" && !validation.IsToken(p.KMSKeyARN) && !kmsKeyARNRe.MatchString(p.KMSKeyARN) {
		r.Addf("KMSKeyARN", "%q is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)", p.KMSKeyARN)
	}
	seenSG := map[string]int{}
	for i, g := range p.SecurityGroupIDs {
		f := fmt.Sprintf("SecurityGroupIDs[%d]", i)
		if validation.IsToken(g) {
			continue
		}
		if !sgIDRe.MatchString(g) {
			r.Addf(f, "%q is not a security group id; expected sg- followed by 8 or 17 hex digits", g)
		}
		if j, dup := seenSG[g]; dup {
			r.Addf(f, "%q is already listed at SecurityGroupIDs[%d]", g, j)
		}
		seenSG[g] = i
	}
	for i, ns := range p.FargateNamespaces {
		if !validation.DNSLabel(ns) {
			r.Addf(fmt.Sprintf("FargateNamespaces[%d]", i), "%q is not a namespace name (RFC 1123 label: lowercase letters, digits and '-', at most 63)", ns)
		}
	}
	s := settings{ClusterProps: ClusterProps{AccessEntries: p.AccessEntries}}
	s.validateAccess(r)
}

// AddAccessEntry grants one more IAM principal access to the imported
// cluster, as ImportClusterProps.AccessEntries does (errors name the field
// AccessEntries[i], i being the entry's position after the entries already
// there). It returns every problem at once, joined, each a
// *validate.FieldError wrapping validate.ErrInvalid, and creates nothing
// then.
func (c *ImportedCluster) AddAccessEntry(entry AccessEntry) error {
	if c == nil || c.cluster == nil {
		return errors.New("eks: AddAccessEntry called on a nil *ImportedCluster; create it with ImportCluster")
	}
	return c.core.checkedAccessEntry(c, entry)
}

// Name returns the cluster name, read by the data source (a token).
func (c *ImportedCluster) Name() string { return *c.cluster.Name() }

// ARN returns the cluster ARN.
func (c *ImportedCluster) ARN() string { return *c.cluster.Arn() }

// Endpoint returns the Kubernetes API server URL.
func (c *ImportedCluster) Endpoint() string { return *c.cluster.Endpoint() }

// CertificateAuthorityData returns the base64 cluster CA certificate.
func (c *ImportedCluster) CertificateAuthorityData() string {
	return *c.cluster.CertificateAuthority().Get(ptr.Number(0)).Data()
}

// SecurityGroupID returns the cluster security group EKS created.
func (c *ImportedCluster) SecurityGroupID() string {
	return *c.cluster.VpcConfig().Get(ptr.Number(0)).ClusterSecurityGroupId()
}

// VPCID returns the id of the cluster's VPC.
func (c *ImportedCluster) VPCID() string { return *c.cluster.VpcConfig().Get(ptr.Number(0)).VpcId() }

// SubnetIDs returns the cluster's subnets, as one list token.
func (c *ImportedCluster) SubnetIDs() []string {
	return strs(c.cluster.VpcConfig().Get(ptr.Number(0)).SubnetIds())
}

// Connections returns the cluster security group and
// ImportClusterProps.SecurityGroupIDs as "pods"; rules on the cluster's
// side are created under the imported cluster.
func (c *ImportedCluster) Connections() *network.Connections {
	if c.connections == nil {
		c.connections = network.NewConnections(c, "pods", append([]string{c.SecurityGroupID()}, c.groups...)...)
	}
	return c.connections
}

// OIDCIssuerURL returns the cluster's OIDC issuer URL (https://...).
func (c *ImportedCluster) OIDCIssuerURL() string {
	return *c.cluster.Identity().Get(ptr.Number(0)).Oidc().Get(ptr.Number(0)).Issuer()
}

// OIDCProviderARN returns the ARN of the cluster's IAM OIDC provider, read
// by the data source.
func (c *ImportedCluster) OIDCProviderARN() string { return c.core.oidcARN }

// KMSKeyARN returns ImportClusterProps.KMSKeyARN ("" when not given).
func (c *ImportedCluster) KMSKeyARN() string { return c.kmsKeyARN }

// NodeRoleARN returns ImportClusterProps.NodeRoleARN ("" when not given).
func (c *ImportedCluster) NodeRoleARN() string { return c.nodeRoleARN }

// Version returns ImportClusterProps.Version.
func (c *ImportedCluster) Version() string { return c.version }

// AdmitsAdministrators returns true: whoever imports a cluster is assumed
// to reach its API endpoint (kube.NewProviders cannot check it).
func (c *ImportedCluster) AdmitsAdministrators() bool { return true }

// HasEC2Nodes returns ImportClusterProps.EC2Nodes.
func (c *ImportedCluster) HasEC2Nodes() bool { return c.ec2Nodes }

// ComputeResources returns nothing: the imported cluster's compute is
// managed elsewhere.
func (c *ImportedCluster) ComputeResources() []cdktf.ITerraformDependable { return nil }

// Resource returns the aws_eks_cluster data source as an escape hatch.
func (c *ImportedCluster) Resource() dataawsekscluster.DataAwsEksCluster { return c.cluster }

// OIDCProvider returns the aws_iam_openid_connect_provider data source as
// an escape hatch.
func (c *ImportedCluster) OIDCProvider() dataawsiamopenidconnectprovider.DataAwsIamOpenidConnectProvider {
	return c.oidc
}
