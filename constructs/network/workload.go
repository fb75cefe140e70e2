package network

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupegressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
)

// WorkloadGroupProps configures the security group of one workload (a
// Lambda function or an ECS task) in a VPC.
type WorkloadGroupProps struct {
	// NamePrefix starts the group's name; AWS appends a unique suffix.
	// Required.
	NamePrefix string
	// Subject names the workload in the group's description, such as
	// "Lambda function orders". Required.
	Subject string
	// AllowInternetHTTPS lets the workload send HTTPS to any address
	// (0.0.0.0/0, through NAT) instead of only to the VPC's endpoints.
	// Default: false
	AllowInternetHTTPS bool
	// Tags are added to the group.
	// Default: - none
	Tags map[string]string
}

// NewWorkloadGroup creates, under scope, a security group for a workload
// that nothing may reach and that sends only HTTPS: to the VPC's interface
// endpoints and gateway endpoint prefix lists, or anywhere when
// AllowInternetHTTPS is set. Open other paths with
// NewConnections(scope, name, id).AllowTo. It returns the group's id. The
// resources' ids are "security-group", "https-egress" (Internet),
// "https-egress-endpoints" and "https-egress-gateway-<n>". A VPC without
// endpoints and without Internet HTTPS leaves the workload unable to reach
// anything; a warning annotation says so.
func NewWorkloadGroup(scope constructs.Construct, vpc *VPC, p WorkloadGroupProps) string {
	what := "HTTPS to the VPC's endpoints"
	if p.AllowInternetHTTPS {
		what = "HTTPS out"
	}
	sg := securitygroup.NewSecurityGroup(scope, ptr.String("security-group"), &securitygroup.SecurityGroupConfig{
		NamePrefix:  ptr.String(p.NamePrefix),
		Description: ptr.String(p.Subject + ": " + what + ", nothing in"),
		VpcId:       ptr.String(vpc.VPCID()),
		Tags:        ptr.Map(p.Tags),
		Lifecycle:   &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: ptr.Bool(true)},
	})
	id := *sg.Id()
	egress := func(ruleID, description string, cidr, group, prefixList string) {
		vpcsecuritygroupegressrule.NewVpcSecurityGroupEgressRule(scope, ptr.String(ruleID), &vpcsecuritygroupegressrule.VpcSecurityGroupEgressRuleConfig{
			SecurityGroupId:           ptr.String(id),
			Description:               ptr.String(description),
			IpProtocol:                ptr.String("tcp"),
			FromPort:                  ptr.Number(443),
			ToPort:                    ptr.Number(443),
			CidrIpv4:                  ptr.Optional(cidr),
			ReferencedSecurityGroupId: ptr.Optional(group),
			PrefixListId:              ptr.Optional(prefixList),
		})
	}
	if p.AllowInternetHTTPS {
		egress("https-egress", "HTTPS to AWS APIs and services on the Internet", "0.0.0.0/0", "", "")
		return id
	}
	if ep := vpc.EndpointSecurityGroupID(); ep != "" {
		egress("https-egress-endpoints", "HTTPS to the VPC's interface endpoints", "", ep, "")
	}
	for i, pl := range vpc.GatewayEndpointPrefixListIDs() {
		egress(fmt.Sprintf("https-egress-gateway-%d", i), "HTTPS to a gateway endpoint's service (S3, DynamoDB)", "", "", pl)
	}
	if vpc.EndpointSecurityGroupID() == "" && len(vpc.GatewayEndpointPrefixListIDs()) == 0 {
		cdktf.Annotations_Of(scope).AddWarning(ptr.String(*scope.Node().Path() + ": the VPC has no endpoints and AllowInternetHTTPS is off, so " + p.Subject + " can reach nothing until you open paths with Connections().AllowTo"))
	}
	return id
}
