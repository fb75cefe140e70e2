package frontdoor

import (
	"fmt"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/apigatewayv2vpclink"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupegressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/network"
)

// checkVPCLink reports a route that needs the VPC link when FrontDoorProps.VPC is nil.
func (f *FrontDoor) checkVPCLink(r *validation.Report, routeKey string) {
	if f.props.VPC == nil {
		r.Addf("Route("+routeKey+")", "needs a VPC link but FrontDoorProps.VPC is nil")
	}
}

// vpcLink creates the API's VPC link and its security group once.
func (f *FrontDoor) vpcLink() {
	if f.vpcLinkID != "" {
		return
	}
	vpc := f.props.VPC
	sg := securitygroup.NewSecurityGroup(f, ptr.String("vpc-link-security-group"), &securitygroup.SecurityGroupConfig{
		NamePrefix:  ptr.String(names.Truncate(f.name, 40) + "-vpc-link-"),
		Description: ptr.String("VPC link of HTTP API " + f.name + ": out to the load balancers only"),
		VpcId:       ptr.String(vpc.VPCID()),
		Tags:        ptr.Map(f.props.Tags),
		Lifecycle:   &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: ptr.Bool(true)},
	})
	link := apigatewayv2vpclink.NewApigatewayv2VpcLink(f, ptr.String("vpc-link"), &apigatewayv2vpclink.Apigatewayv2VpcLinkConfig{
		Name:             ptr.String(names.Truncate(f.name, 120) + "-link"),
		SubnetIds:        ptr.Strings(vpc.PrivateSubnetIDs()),
		SecurityGroupIds: ptr.Strings([]string{*sg.Id()}),
		Tags:             ptr.Map(f.props.Tags),
	})
	f.vpcLinkID, f.vpcLinkSG = *link.Id(), *sg.Id()
}

// allowLinkTo lets the VPC link reach a load balancer on port: through
// the load balancer's security group when it has one (which then admits
// the link), else anywhere in the VPC on that port.
func (f *FrontDoor) allowLinkTo(lb network.Connectable, port int) error {
	if f.link == nil {
		f.link = network.NewConnections(f, "vpc-link", f.vpcLinkSG)
	}
	if lb != nil && lb.Connections() != nil && len(lb.Connections().SecurityGroupIDs()) > 0 {
		_, err := f.link.AllowTo(lb, port, "From the VPC link of HTTP API "+f.name)
		return err
	}
	if !f.lbPorts[port] {
		f.lbPorts[port] = true
		vpcsecuritygroupegressrule.NewVpcSecurityGroupEgressRule(f, ptr.String(fmt.Sprintf("vpc-link-egress-%d", port)), &vpcsecuritygroupegressrule.VpcSecurityGroupEgressRuleConfig{
			SecurityGroupId: ptr.String(f.vpcLinkSG),
			Description:     ptr.String(fmt.Sprintf("To services on port %d inside the VPC", port)),
			IpProtocol:      ptr.String("tcp"),
			FromPort:        ptr.Number(port),
			ToPort:          ptr.Number(port),
			CidrIpv4:        ptr.String(f.props.VPC.CIDR()),
		})
	}
	return nil
}
