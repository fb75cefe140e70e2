// Package kube puts Kubernetes objects and in-cluster controllers on an EKS
// cluster through Terraform's kubernetes and helm providers:
//
//   - NewProviders configures both providers for one cluster (endpoint, CA
//     data, and a token from `aws eks get-token` at plan and apply time);
//   - NewNamespace creates a namespace with Pod Security Admission labels
//     (restricted unless relaxed with a reason);
//   - NewWorkload runs a container as a Deployment with a Service, an
//     autoscaling/v2 HorizontalPodAutoscaler, a PodDisruptionBudget and a
//     ServiceAccount bound to an IAM role (IRSA or Pod Identity), restricted
//     pod security by default;
//   - BindTargetGroup registers a Service's pods into an existing ELB target
//     group (the AWS Load Balancer Controller's TargetGroupBinding);
//   - NewControllers installs the AWS Load Balancer Controller,
//     metrics-server, cluster-autoscaler and Argo CD as pinned Helm charts
//     with typed values, each with its IAM role where it needs one.
//
// Terraform cannot configure these providers from a cluster created in the
// same plan, so the constructs go in stacks of their own, after the
// cluster's stack: an add-ons stack (controllers and their CRDs), then a
// workloads stack. Values of the cluster's stack (endpoint, role ARNs,
// target groups) cross over as cdktf cross-stack references.
package kube

import (
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	helmprovider "github.com/cdktf/cdktf-provider-helm-go/helm/v10/provider"
	kubeprovider "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// Provider version constraints written into required_providers. The
// bindings were generated from kubernetes 2.37.1 and helm 2.17.0 and pin
// those exactly; any later 2.x accepts the same configuration.
const (
	KubernetesProviderConstraint = "~> 2.37"
	HelmProviderConstraint       = "~> 2.17"
)

// ProvidersProps configures NewProviders.
type ProvidersProps struct {
	// Cluster the providers talk to. It may live in another stack of the
	// same app; its endpoint, CA data and name then cross over as
	// cross-stack references. Required.
	Cluster eks.ClusterRef
	// Region of the cluster, passed to `aws eks get-token`. Required.
	Region string
	// RoleARN is a role `aws eks get-token` assumes for the token (one with
	// an access entry on the cluster), so Terraform's AWS credentials need
	// not have one themselves. Assuming it must be possible from wherever
	// Terraform runs (an MFA session for a role that requires MFA).
	// Default: - the token of the credentials Terraform runs with
	RoleARN string
}

// Providers are the kubernetes and helm providers of one stack.
type Providers struct {
	constructs.Construct
	kubernetes kubeprovider.KubernetesProvider
	helm       helmprovider.HelmProvider
}

// NewProviders configures the stack's default kubernetes and helm
// providers for props.Cluster: the API endpoint, the cluster's CA, and a
// short-lived token from `aws eks get-token` (the AWS CLI must be on PATH
// wherever Terraform runs, with credentials of a principal that has an EKS
// access entry, or that may assume RoleARN). Terraform must also reach the
// endpoint on 443. Being in the cluster's VPC is not enough by itself: the
// cluster security group admits only itself (the cluster's nodes and
// pods), so Terraform must run from a network in
// eks.ClusterProps.PrivateAccessCIDRs (the VPC's own CIDR admits any host
// in the VPC), from a security group in PrivateAccessSecurityGroupIDs, or
// from PublicAccessCIDRs. NewProviders refuses a cluster that admits none
// of these (see Unreachable).
// It also writes the provider version constraints. It
// returns every problem with props at once, joined, each a
// *validate.FieldError wrapping validate.ErrInvalid.
func NewProviders(stack cdktf.TerraformStack, id string, props ProvidersProps) (*Providers, error) {
	r := validation.ForConstruct("kube", stack, id)
	if stack == nil {
		return nil, r.Err()
	}
	if eks.IsNil(props.Cluster) {
		r.Addf("Cluster", "is nil; pass the *eks.Cluster the providers talk to")
	}
	if props.Region == "" {
		r.Addf("Region", "is empty; give the cluster's Region, such as eu-west-1 (aws eks get-token needs it)")
	}
	if a := props.RoleARN; a != "" && !validation.IsToken(a) && (!validation.IAMPrincipalARN(a) || !strings.Contains(a, ":role/")) {
		r.Addf("RoleARN", "%q is not an IAM role ARN (aws eks get-token --role-arn assumes a role)", a)
	}
	unreachable(r, props.Cluster)
	// Terraform refuses two unaliased configurations of one provider.
	for _, child := range *stack.Node().Children() {
		if p, ok := child.(*Providers); ok {
			r.Addf("id", "stack %q already has the kubernetes and helm providers of %q; create them once per stack", *stack.Node().Id(), *p.Node().Path())
		}
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	p := &Providers{}
	constructs.NewConstruct_Override(p, stack, &id)
	c := props.Cluster
	host := ptr.String(c.Endpoint())
	ca := cdktf.Fn_Base64decode(ptr.String(c.CertificateAuthorityData()))
	tokenArgs := []string{"eks", "get-token", "--cluster-name", c.Name(), "--region", props.Region, "--output", "json"}
	if props.RoleARN != "" {
		tokenArgs = append(tokenArgs, "--role-arn", props.RoleARN)
	}
	args := ptr.Strings(tokenArgs)
	const api = "client.authentication.k8s.io/v1beta1"
	p.kubernetes = kubeprovider.NewKubernetesProvider(p, ptr.String("kubernetes"), &kubeprovider.KubernetesProviderConfig{
		Host:                 host,
		ClusterCaCertificate: ca,
		Exec:                 &[]*kubeprovider.KubernetesProviderExec{{ApiVersion: ptr.String(api), Command: ptr.String("aws"), Args: args}},
	})
	p.helm = helmprovider.NewHelmProvider(p, ptr.String("helm"), &helmprovider.HelmProviderConfig{
		Kubernetes: &helmprovider.HelmProviderKubernetes{
			Host:                 host,
			ClusterCaCertificate: ca,
			Exec:                 &helmprovider.HelmProviderKubernetesExec{ApiVersion: ptr.String(api), Command: ptr.String("aws"), Args: args},
		},
	})
	stack.AddOverride(ptr.String("terraform.required_providers.kubernetes.version"), KubernetesProviderConstraint)
	stack.AddOverride(ptr.String("terraform.required_providers.helm.version"), HelmProviderConstraint)
	return p, nil
}

// Unreachable returns an error, a *validate.FieldError wrapping
// validate.ErrInvalid, when Terraform cannot reach the API endpoint of
// cluster from anywhere outside the cluster: a private-only endpoint whose
// cluster security group admits only itself (no PrivateAccessCIDRs,
// PrivateAccessSecurityGroupIDs or PublicAccessCIDRs). Running Terraform
// elsewhere in the VPC does not help. It returns nil otherwise.
// NewProviders refuses such a cluster with the same problem.
func Unreachable(cluster eks.ClusterRef) error {
	if eks.IsNil(cluster) {
		return nil
	}
	r := validation.NewReport("kube", *cluster.Node().Path())
	unreachable(r, cluster)
	return r.Err()
}

// unreachable adds to r the problem of a cluster nobody can administer.
func unreachable(r *validation.Report, cluster eks.ClusterRef) {
	if eks.IsNil(cluster) || cluster.AdmitsAdministrators() {
		return
	}
	r.Addf("Cluster", "%q has a private-only API endpoint that admits only its own nodes and pods (its cluster security group admits itself), so Terraform cannot reach it, even from inside the VPC; admit the network Terraform runs from on 443 with eks.ClusterProps.PrivateAccessCIDRs (such as the VPC's CIDR or a VPN range; the reference stacks admit HYBRIDSTACK_OPERATOR_CIDRS, or else the VPC's CIDR) or PrivateAccessSecurityGroupIDs, or open PublicAccessCIDRs", *cluster.Node().Path())
}

// Kubernetes returns the kubernetes provider, as an escape hatch.
func (p *Providers) Kubernetes() kubeprovider.KubernetesProvider { return p.kubernetes }

// Helm returns the helm provider, as an escape hatch.
func (p *Providers) Helm() helmprovider.HelmProvider { return p.helm }
