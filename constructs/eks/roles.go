package eks

import (
	"fmt"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ekspodidentityassociation"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicyattachment"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/rolepolicy"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// roleSpec describes an IAM role with its trust and permissions.
type roleSpec struct {
	namePrefix  string
	description string
	trust       string
	policyARNs  []string
	inline      string
	tags        *map[string]*string
}

type roleRef struct {
	arn, name string
	resource  iamrole.IamRole
}

// newRole creates a role, one attachment per managed policy (separate
// resources, so Terraform never fights another tool over the role's full
// policy list) and an optional inline policy. It returns the role and the
// resources that must exist before the role is usable.
func newRole(scope constructs.Construct, id string, spec roleSpec) (roleRef, []cdktf.ITerraformDependable) {
	role := iamrole.NewIamRole(scope, ptr.String(id), &iamrole.IamRoleConfig{
		NamePrefix:       ptr.String(names.Truncate(spec.namePrefix, 38)),
		Description:      ptr.String(spec.description),
		AssumeRolePolicy: ptr.String(spec.trust),
		Tags:             spec.tags,
	})
	var deps []cdktf.ITerraformDependable
	ids := names.IDs{}
	for i, arn := range spec.policyARNs {
		// Policies of two accounts (or paths) may share a name.
		deps = append(deps, iamrolepolicyattachment.NewIamRolePolicyAttachment(scope, ptr.String(ids.For(id+"-"+policyID(arn, i), arn)), &iamrolepolicyattachment.IamRolePolicyAttachmentConfig{
			Role:      role.Name(),
			PolicyArn: ptr.String(arn),
		}))
	}
	if spec.inline != "" {
		// A managed policy named "inline" may have taken the readable id.
		deps = append(deps, iamrolepolicy.NewIamRolePolicy(scope, ptr.String(ids.For(id+"-inline", "the inline policy")), &iamrolepolicy.IamRolePolicyConfig{
			Name:   ptr.String("inline"),
			Role:   role.Id(),
			Policy: ptr.String(spec.inline),
		}))
	}
	return roleRef{arn: *role.Arn(), name: *role.Name(), resource: role}, deps
}

// policyID turns a policy ARN into a construct id: its name (the last path
// segment), so that reordering policies moves nothing, or its position when
// the name is a token.
func policyID(arn string, i int) string {
	name := arn[strings.LastIndex(arn, "/")+1:]
	if name == "" || strings.Contains(name, "${") || strings.Contains(name, "#{") {
		return fmt.Sprintf("policy-%d", i)
	}
	return name
}

// ServiceAccountRoleProps configures an IAM role for a Kubernetes service
// account through IRSA.
type ServiceAccountRoleProps struct {
	// Cluster whose OIDC provider the role trusts: a *Cluster or an
	// *ImportedCluster. Required.
	Cluster ClusterRef
	// Namespace of the service account. Required.
	Namespace string
	// ServiceAccount name. Required.
	ServiceAccount string
	// ManagedPolicyARNs are attached to the role.
	// Default: - none
	ManagedPolicyARNs []string
	// PolicyDocument is an inline policy as JSON.
	// Default: - none
	PolicyDocument string
	// Description of the role.
	// Default: - names the service account
	Description string
	// Tags are added to the role (beside the cluster's tags), for
	// attribute-based access control such as mesh.AllowedPrincipalTags.
	// Default: - none
	Tags map[string]string
}

// ServiceAccountRole is an IAM role that exactly one Kubernetes service
// account may assume through IRSA.
type ServiceAccountRole struct {
	constructs.Construct
	arn, name     string
	namespace, sa string
	policies      *rolepolicy.Attacher
	role          iamrole.IamRole
}

// NewServiceAccountRole creates an IRSA role whose trust policy conditions
// on both the service account subject and the sts.amazonaws.com audience. It
// returns every problem with props at once, joined, each a
// *validate.FieldError wrapping validate.ErrInvalid.
func NewServiceAccountRole(scope constructs.Construct, id string, props ServiceAccountRoleProps) (*ServiceAccountRole, error) {
	r := validation.ForConstruct("eks", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	checkWorkloadIdentity(r, props.Cluster, props.Namespace, props.ServiceAccount, props.ManagedPolicyARNs, props.PolicyDocument)
	var trust string
	if r.Len() == 0 {
		trust = r.Doc(props.Cluster.clusterCore().irsaTrust(props.Namespace, props.ServiceAccount))
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	sar := &ServiceAccountRole{namespace: props.Namespace, sa: props.ServiceAccount}
	constructs.NewConstruct_Override(sar, scope, &id)
	c := props.Cluster.clusterCore()
	desc := props.Description
	if desc == "" {
		desc = "IRSA role of service account " + props.Namespace + "/" + props.ServiceAccount + " in EKS cluster " + c.name
	}
	role, _ := newRole(sar, "role", roleSpec{
		namePrefix:  c.name + "-" + props.Namespace + "-" + props.ServiceAccount + "-",
		description: desc,
		trust:       trust,
		policyARNs:  props.ManagedPolicyARNs,
		inline:      props.PolicyDocument,
		tags:        c.tags(c.name+"-"+props.Namespace+"-"+props.ServiceAccount, props.Tags),
	})
	sar.arn, sar.name, sar.role = role.arn, role.name, role.resource
	sar.policies = rolepolicy.New(sar, func() *string { return ptr.String(sar.name) })
	return sar, nil
}

// RoleARN returns the role's ARN.
func (s *ServiceAccountRole) RoleARN() string { return s.arn }

// RoleName returns the role's name.
func (s *ServiceAccountRole) RoleName() string { return s.name }

// Role returns the aws_iam_role resource, as an escape hatch.
func (s *ServiceAccountRole) Role() iamrole.IamRole { return s.role }

// AddToRolePolicy attaches statements to the role as the inline policy
// name, making the role a grant.Grantee: bucket.GrantRead(role, "in/").
func (s *ServiceAccountRole) AddToRolePolicy(name string, statements ...iamdoc.Statement) error {
	_, err := s.policies.Add(name, statements...)
	return err
}

// Annotations returns the annotation to put on the service account.
func (s *ServiceAccountRole) Annotations() map[string]string {
	return map[string]string{"eks.amazonaws.com/role-arn": s.arn}
}

// PodIdentityRoleProps configures an IAM role bound to a service account
// through EKS Pod Identity.
type PodIdentityRoleProps struct {
	// Cluster the association belongs to (a *Cluster or an
	// *ImportedCluster); it must run the eks-pod-identity-agent add-on (or
	// Auto Mode). Required.
	Cluster ClusterRef
	// Namespace of the service account; not one served only by Fargate,
	// which does not support Pod Identity. Required.
	Namespace string
	// ServiceAccount name. Required.
	ServiceAccount string
	// ManagedPolicyARNs are attached to the role.
	// Default: - none
	ManagedPolicyARNs []string
	// PolicyDocument is an inline policy as JSON.
	// Default: - none
	PolicyDocument string
	// Tags are added to the role (beside the cluster's tags); Pod Identity
	// also passes them as session tags.
	// Default: - none
	Tags map[string]string
}

// PodIdentityRole is an IAM role and the Pod Identity association that hands
// it to one service account.
type PodIdentityRole struct {
	constructs.Construct
	arn, name string
	policies  *rolepolicy.Attacher
	role      iamrole.IamRole
}

// NewPodIdentityRole creates a role trusted by pods.eks.amazonaws.com and
// the association binding it to the service account. It returns every
// problem with props at once, joined, each a *validate.FieldError wrapping
// validate.ErrInvalid (including a cluster without the Pod Identity agent,
// or a Fargate namespace).
func NewPodIdentityRole(scope constructs.Construct, id string, props PodIdentityRoleProps) (*PodIdentityRole, error) {
	r := validation.ForConstruct("eks", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	checkWorkloadIdentity(r, props.Cluster, props.Namespace, props.ServiceAccount, props.ManagedPolicyARNs, props.PolicyDocument)
	if !IsNil(props.Cluster) {
		c := props.Cluster.clusterCore()
		if !c.podIdentityOK {
			r.Addf("Cluster", "%q does not run the %s add-on; add it to Addons (ImportClusterProps.PodIdentityAgent for an imported cluster) or use NewServiceAccountRole (IRSA)", c.name, AddonPodIdentity)
		}
		if c.fargateOnly(props.Namespace) {
			r.Addf("Namespace", "%q runs on Fargate, which does not support Pod Identity; use NewServiceAccountRole (IRSA)", props.Namespace)
		}
	}
	trust := r.Doc(iamdoc.ServiceTrust([]string{"pods.eks.amazonaws.com"}, []string{"sts:AssumeRole", "sts:TagSession"}, nil))
	if err := r.Err(); err != nil {
		return nil, err
	}
	p := &PodIdentityRole{}
	constructs.NewConstruct_Override(p, scope, &id)
	c := props.Cluster.clusterCore()
	role, deps := newRole(p, "role", roleSpec{
		namePrefix:  c.name + "-" + props.Namespace + "-" + props.ServiceAccount + "-",
		description: "Pod Identity role of service account " + props.Namespace + "/" + props.ServiceAccount + " in EKS cluster " + c.name,
		trust:       trust,
		policyARNs:  props.ManagedPolicyARNs,
		inline:      props.PolicyDocument,
		tags:        c.tags(c.name+"-"+props.Namespace+"-"+props.ServiceAccount, props.Tags),
	})
	// depends_on cannot name a resource of another stack; there the
	// cluster's stack is applied first anyway.
	if agent := c.addons[AddonPodIdentity]; agent != nil && sameStack(p, props.Cluster) {
		deps = append(deps, agent)
	}
	ekspodidentityassociation.NewEksPodIdentityAssociation(p, ptr.String("association"), &ekspodidentityassociation.EksPodIdentityAssociationConfig{
		ClusterName:    c.clusterName,
		Namespace:      ptr.String(props.Namespace),
		ServiceAccount: ptr.String(props.ServiceAccount),
		RoleArn:        ptr.String(role.arn),
		Tags:           c.tags(c.name + "-" + props.Namespace + "-" + props.ServiceAccount),
		DependsOn:      &deps,
	})
	p.arn, p.name, p.role = role.arn, role.name, role.resource
	p.policies = rolepolicy.New(p, func() *string { return ptr.String(p.name) })
	return p, nil
}

// RoleARN returns the role's ARN.
func (p *PodIdentityRole) RoleARN() string { return p.arn }

// RoleName returns the role's name.
func (p *PodIdentityRole) RoleName() string { return p.name }

// Role returns the aws_iam_role resource, as an escape hatch.
func (p *PodIdentityRole) Role() iamrole.IamRole { return p.role }

// AddToRolePolicy attaches statements to the role as the inline policy
// name, making the role a grant.Grantee: queue.GrantConsume(role).
func (p *PodIdentityRole) AddToRolePolicy(name string, statements ...iamdoc.Statement) error {
	_, err := p.policies.Add(name, statements...)
	return err
}

func checkWorkloadIdentity(r *validation.Report, c ClusterRef, ns, sa string, arns []string, doc string) {
	if IsNil(c) {
		r.Addf("Cluster", "is nil; give the *eks.Cluster the service account lives in")
	}
	if !validation.DNSLabel(ns) {
		r.Addf("Namespace", "%q is not a namespace name (RFC 1123 label: lowercase letters, digits and '-', at most 63)", ns)
	}
	if sa == "" || len(sa) > 253 || !validation.DNSSubdomain(sa) {
		r.Addf("ServiceAccount", "%q is not a service account name (lowercase DNS subdomain, at most 253 characters)", sa)
	}
	checkPolicyARNs(r, "ManagedPolicyARNs", arns)
	checkPolicyDocument(r, "PolicyDocument", doc)
}

// sameStack reports whether a and b are in the same Terraform stack.
func sameStack(a, b constructs.IConstruct) bool {
	return cdktf.TerraformStack_Of(a) == cdktf.TerraformStack_Of(b)
}
