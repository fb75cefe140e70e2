package eks

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/eksaddon"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/network"
)

// ClusterRef is any EKS cluster other constructs can run on: one made by
// NewCluster or one read with ImportCluster. Packages kube, mesh, tenancy
// and telemetry, and the role constructors of this package, take a
// ClusterRef, so that they work the same on a cluster of this stack, of
// another stack or made outside Terraform.
//
// Attributes are strings that may be tokens (references resolved by
// Terraform). ClusterRef is sealed: only *Cluster and *ImportedCluster
// implement it, because IRSA trust policies, role names and Pod Identity
// associations rely on details (the OIDC issuer host, the literal cluster
// name, the cluster's tags) that the two implementations guarantee.
type ClusterRef interface {
	constructs.Construct
	// Connections returns the cluster security group as "pods" (see
	// Cluster.Connections).
	network.Connectable
	// Name returns the cluster name (a token that orders dependents after
	// the cluster or the data source that reads it).
	Name() string
	// ARN returns the cluster ARN.
	ARN() string
	// Endpoint returns the Kubernetes API server URL.
	Endpoint() string
	// CertificateAuthorityData returns the base64 cluster CA certificate.
	CertificateAuthorityData() string
	// SecurityGroupID returns the cluster security group EKS created.
	SecurityGroupID() string
	// VPCID returns the id of the cluster's VPC.
	VPCID() string
	// SubnetIDs returns the subnets of the cluster's network interfaces
	// (possibly one list token).
	SubnetIDs() []string
	// OIDCIssuerURL returns the cluster's OIDC issuer URL (https://...).
	OIDCIssuerURL() string
	// OIDCProviderARN returns the IAM OIDC provider ARN IRSA roles trust.
	OIDCProviderARN() string
	// KMSKeyARN returns the key that encrypts Kubernetes secrets, or ""
	// when unknown.
	KMSKeyARN() string
	// NodeRoleARN returns the role of the cluster's EC2 nodes, or "".
	NodeRoleARN() string
	// Version returns the Kubernetes version, such as "1.34" (never a
	// token: constructs pick pinned versions by it).
	Version() string
	// AdmitsAdministrators reports whether Terraform can reach the API
	// endpoint from outside the cluster (kube.NewProviders refuses a
	// cluster that admits no one).
	AdmitsAdministrators() bool
	// HasEC2Nodes reports whether pods can run on EC2 nodes, where
	// DaemonSets (log and metrics agents) run.
	HasEC2Nodes() bool
	// ComputeResources returns what an add-on installed outside the
	// cluster depends on to have somewhere to run.
	ComputeResources() []cdktf.ITerraformDependable

	clusterCore() *core
}

var (
	_ ClusterRef = (*Cluster)(nil)
	_ ClusterRef = (*ImportedCluster)(nil)
)

// IsNil reports whether c holds no cluster: nil, or a nil *Cluster or
// *ImportedCluster (such as the result of a NewCluster call whose error was
// dropped). Constructs that take a ClusterRef check it before using it.
func IsNil(c ClusterRef) bool {
	switch v := c.(type) {
	case nil:
		return true
	case *Cluster:
		return v == nil
	case *ImportedCluster:
		return v == nil
	}
	return false
}

// core is what any cluster, made or imported, gives the roles, access
// entries and Pod Identity associations made for it.
type core struct {
	name          string  // the literal cluster name, for names and descriptions
	clusterName   *string // the name as a reference, ordering dependents after the cluster
	partition     string
	region        string
	account       string
	baseTags      map[string]string
	oidcARN       string
	issuerHost    string
	podIdentityOK bool
	fargateNS     map[string]bool
	addons        map[string]eksaddon.EksAddon
	access        accessEntries
}

func (c *core) tags(name string, extra ...map[string]string) *map[string]*string {
	maps := append([]map[string]string{c.baseTags}, extra...)
	return ptr.Map(ptr.Merge(append(maps, map[string]string{"Name": name})...))
}

// irsaTrust returns a trust policy for one service account through the
// cluster's OIDC provider, conditioned on both the subject and the audience.
func (c *core) irsaTrust(namespace, serviceAccount string) (string, error) {
	return iamdoc.Document(iamdoc.Statement{
		Effect:    "Allow",
		Principal: map[string]any{"Federated": c.oidcARN},
		Actions:   []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: map[string]map[string]any{"StringEquals": {
			c.issuerHost + ":sub": "system:serviceaccount:" + namespace + ":" + serviceAccount,
			c.issuerHost + ":aud": "sts.amazonaws.com",
		}},
	})
}

// fargateOnly reports whether every pod of namespace ns runs on Fargate.
func (c *core) fargateOnly(ns string) bool { return c.fargateNS[ns] }

// issuerHostLocal makes the local that holds the issuer's host: IRSA
// condition keys are "<issuer host>:sub", and a local keeps the function
// call (and its quotes) out of every trust policy.
func issuerHostLocal(scope constructs.Construct, issuerURL string) string {
	host := cdktf.NewTerraformLocal(scope, ptr.String("oidc-issuer-host"), cdktf.Fn_Replace(ptr.String(issuerURL), ptr.String("https://"), ptr.String("")))
	return *host.AsString()
}

// accessEntries tracks a cluster's access entries across NewCluster,
// ImportCluster and AddAccessEntry, so that ids stay injective and a
// principal gets one entry.
type accessEntries struct {
	ids   names.IDs
	seen  map[string]int // principal ARN -> index
	count int
}

// strs turns a binding's string list (possibly one list token) into a
// slice.
func strs(p *[]*string) []string {
	if p == nil {
		return nil
	}
	out := make([]string, len(*p))
	for i, v := range *p {
		out[i] = *v
	}
	return out
}

func (c *Cluster) clusterCore() *core         { return &c.core }
func (c *ImportedCluster) clusterCore() *core { return &c.core }
