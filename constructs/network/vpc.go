package network

import (
	"fmt"
	"regexp"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsavailabilityzones"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsvpc"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/defaultsecuritygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/eip"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/flowlog"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/internetgateway"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/natgateway"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/routetable"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/routetableassociation"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/subnet"
	awsvpc "github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpc"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcendpoint"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/cidr"
	"github.com/hybridstack/hybridstack/constructs/internal/loggroup"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// NewVPC creates a VPC with public and private subnets in each zone. It
// validates props first and creates nothing when they are invalid. It
// returns every problem with props at once, joined, each a
// *validate.FieldError wrapping validate.ErrInvalid.
func NewVPC(scope constructs.Construct, id string, props VPCProps) (*VPC, error) {
	r := validation.ForConstruct("network", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	l := plan(r, id, props)
	if err := r.Err(); err != nil {
		return nil, err
	}

	env, err := awsenv.Of(scope)
	if err != nil {
		return nil, err
	}
	v := &VPC{name: l.name, cidr: l.vpc.String()}
	constructs.NewConstruct_Override(v, scope, &id)
	tags := func(name string, extra ...map[string]string) *map[string]*string {
		all := append([]map[string]string{props.Tags}, extra...)
		return ptr.Map(ptr.Merge(append(all, map[string]string{"Name": name})...))
	}

	vpc := awsvpc.NewVpc(v, ptr.String("vpc"), &awsvpc.VpcConfig{
		CidrBlock:          ptr.String(l.vpc.String()),
		EnableDnsSupport:   true,
		EnableDnsHostnames: true,
		Tags:               tags(l.name),
	})
	v.resource = vpc
	v.vpcID = *vpc.Id()

	// The default security group allows all traffic between its members;
	// strip its rules so nothing relies on it by accident.
	defaultsecuritygroup.NewDefaultSecurityGroup(v, ptr.String("default-security-group"), &defaultsecuritygroup.DefaultSecurityGroupConfig{
		VpcId: vpc.Id(),
		Tags:  tags(l.name + "-default-deny"),
	})

	azs := make([]string, l.azCount)
	if len(l.azs) > 0 {
		copy(azs, l.azs)
	} else {
		zones := dataawsavailabilityzones.NewDataAwsAvailabilityZones(v, ptr.String("zones"), &dataawsavailabilityzones.DataAwsAvailabilityZonesConfig{
			State: ptr.String("available"),
			Filter: []*dataawsavailabilityzones.DataAwsAvailabilityZonesFilter{{
				Name: ptr.String("opt-in-status"), Values: ptr.Strings([]string{"opt-in-not-required"}),
			}},
		})
		for i := range azs {
			azs[i] = *cdktf.Token_AsString(cdktf.Fn_Element(zones.Names(), ptr.Number(i)), nil)
		}
	}
	v.azs = azs

	clusterTags := map[string]string{}
	for _, n := range props.ClusterNames {
		clusterTags["kubernetes.io/cluster/"+n] = "shared"
	}

	igw := internetgateway.NewInternetGateway(v, ptr.String("internet-gateway"), &internetgateway.InternetGatewayConfig{
		VpcId: vpc.Id(),
		Tags:  tags(l.name),
	})
	publicRT := routetable.NewRouteTable(v, ptr.String("public-route-table"), &routetable.RouteTableConfig{
		VpcId: vpc.Id(),
		Tags:  tags(l.name + "-public"),
	})
	route.NewRoute(v, ptr.String("public-default-route"), &route.RouteConfig{
		RouteTableId:         publicRT.Id(),
		DestinationCidrBlock: ptr.String("0.0.0.0/0"),
		GatewayId:            igw.Id(),
	})

	var nats []natgateway.NatGateway
	for i := range azs {
		label := l.name + "-public-" + zoneLabel(azs[i], i)
		sn := subnet.NewSubnet(v, ptr.String(fmt.Sprintf("public-subnet-%d", i)), &subnet.SubnetConfig{
			VpcId:            vpc.Id(),
			CidrBlock:        ptr.String(l.public[i].String()),
			AvailabilityZone: ptr.String(azs[i]),
			// Load balancers and NAT gateways get addresses explicitly;
			// nothing else should receive a public IP by surprise.
			MapPublicIpOnLaunch: false,
			Tags:                tags(label, clusterTags, map[string]string{"kubernetes.io/role/elb": "1", "hybridstack.io/subnet-type": "public"}),
		})
		v.publicSubnetIDs = append(v.publicSubnetIDs, *sn.Id())
		routetableassociation.NewRouteTableAssociation(v, ptr.String(fmt.Sprintf("public-subnet-%d-route", i)), &routetableassociation.RouteTableAssociationConfig{
			SubnetId:     sn.Id(),
			RouteTableId: publicRT.Id(),
		})
		if l.nat == NATPerAZ || (l.nat == NATSingle && i == 0) {
			ip := eip.NewEip(v, ptr.String(fmt.Sprintf("nat-eip-%d", i)), &eip.EipConfig{
				Domain: ptr.String("vpc"),
				Tags:   tags(l.name + "-nat-" + zoneLabel(azs[i], i)),
			})
			nat := natgateway.NewNatGateway(v, ptr.String(fmt.Sprintf("nat-gateway-%d", i)), &natgateway.NatGatewayConfig{
				AllocationId: ip.Id(),
				SubnetId:     sn.Id(),
				Tags:         tags(l.name + "-" + zoneLabel(azs[i], i)),
				DependsOn:    &[]cdktf.ITerraformDependable{igw},
			})
			nats = append(nats, nat)
		}
	}

	// Internal load balancers go in the load balancer tier when there is
	// one, so the controller's subnet discovery finds only those.
	privateRole := map[string]string{"kubernetes.io/role/internal-elb": "1"}
	if len(l.lb) > 0 {
		privateRole = nil
	}
	for i := range azs {
		label := l.name + "-private-" + zoneLabel(azs[i], i)
		sn := subnet.NewSubnet(v, ptr.String(fmt.Sprintf("private-subnet-%d", i)), &subnet.SubnetConfig{
			VpcId:            vpc.Id(),
			CidrBlock:        ptr.String(l.private[i].String()),
			AvailabilityZone: ptr.String(azs[i]),
			Tags:             tags(label, clusterTags, privateRole, map[string]string{"hybridstack.io/subnet-type": "private"}),
		})
		v.privateSubnetIDs = append(v.privateSubnetIDs, *sn.Id())
		rt := routetable.NewRouteTable(v, ptr.String(fmt.Sprintf("private-route-table-%d", i)), &routetable.RouteTableConfig{
			VpcId: vpc.Id(),
			Tags:  tags(label),
		})
		v.privateRouteTable = append(v.privateRouteTable, *rt.Id())
		routetableassociation.NewRouteTableAssociation(v, ptr.String(fmt.Sprintf("private-subnet-%d-route", i)), &routetableassociation.RouteTableAssociationConfig{
			SubnetId:     sn.Id(),
			RouteTableId: rt.Id(),
		})
		if i < len(l.lb) {
			lbSubnet := subnet.NewSubnet(v, ptr.String(fmt.Sprintf("load-balancer-subnet-%d", i)), &subnet.SubnetConfig{
				VpcId:            vpc.Id(),
				CidrBlock:        ptr.String(l.lb[i].String()),
				AvailabilityZone: ptr.String(azs[i]),
				Tags: tags(l.name+"-load-balancer-"+zoneLabel(azs[i], i), clusterTags,
					map[string]string{"kubernetes.io/role/internal-elb": "1", "hybridstack.io/subnet-type": "load-balancer"}),
			})
			v.lbSubnetIDs = append(v.lbSubnetIDs, *lbSubnet.Id())
			v.lbSubnetCIDRs = append(v.lbSubnetCIDRs, l.lb[i].String())
			routetableassociation.NewRouteTableAssociation(v, ptr.String(fmt.Sprintf("load-balancer-subnet-%d-route", i)), &routetableassociation.RouteTableAssociationConfig{
				SubnetId:     lbSubnet.Id(),
				RouteTableId: rt.Id(),
			})
		}
		if len(nats) > 0 {
			nat := nats[0]
			if l.nat == NATPerAZ {
				nat = nats[i]
			}
			route.NewRoute(v, ptr.String(fmt.Sprintf("private-default-route-%d", i)), &route.RouteConfig{
				RouteTableId:         rt.Id(),
				DestinationCidrBlock: ptr.String("0.0.0.0/0"),
				NatGatewayId:         nat.Id(),
			})
		}
	}

	if !props.DisableFlowLogs {
		v.flowLogs(r, env, l, props, tags)
	}
	if len(props.Endpoints) > 0 {
		v.endpoints(env, props.Endpoints, tags)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return v, nil
}

// flowLogs sends all VPC traffic records to a log group with retention,
// through a role that can write to that group only.
func (v *VPC) flowLogs(r *validation.Report, env awsenv.Env, l layout, props VPCProps, tags func(string, ...map[string]string) *map[string]*string) {
	group, err := loggroup.New(v, "flow-log-group", loggroup.Props{
		Name:          "/aws/vpc/" + l.name + "/flow-logs",
		RetentionDays: l.flowDays,
		KMSKeyARN:     props.FlowLogKMSKeyARN,
		Tags:          tags(l.name + "-flow-logs"),
	})
	if err != nil {
		r.Join(err)
		return
	}
	role := iamrole.NewIamRole(v, ptr.String("flow-log-role"), &iamrole.IamRoleConfig{
		NamePrefix:  ptr.String(names.Truncate(l.name+"-flow-logs-", 38)),
		Description: ptr.String("Lets VPC flow logs for " + l.name + " write to their log group"),
		AssumeRolePolicy: ptr.String(r.Doc(iamdoc.ServiceTrust([]string{"vpc-flow-logs.amazonaws.com"}, nil,
			map[string]map[string]any{"StringEquals": {"aws:SourceAccount": env.Account}}))),
		Tags: tags(l.name + "-flow-logs"),
	})
	write := iamrolepolicy.NewIamRolePolicy(v, ptr.String("flow-log-policy"), &iamrolepolicy.IamRolePolicyConfig{
		Name: ptr.String("write-flow-logs"),
		Role: role.Id(),
		Policy: ptr.String(r.Doc(iamdoc.Document(iamdoc.Allow("WriteFlowLogs",
			[]string{"logs:CreateLogStream", "logs:DescribeLogGroups", "logs:DescribeLogStreams", "logs:PutLogEvents"},
			*group.Arn(), *group.Arn()+":*")))),
	})
	flowlog.NewFlowLog(v, ptr.String("flow-log"), &flowlog.FlowLogConfig{
		VpcId:                  ptr.String(v.vpcID),
		TrafficType:            ptr.String("ALL"),
		LogDestinationType:     ptr.String("cloud-watch-logs"),
		LogDestination:         group.Arn(),
		IamRoleArn:             role.Arn(),
		MaxAggregationInterval: ptr.Number(60),
		Tags:                   tags(l.name + "-flow-logs"),
		// Flow logs deliver only once the role may write; on destroy the
		// permission goes last.
		DependsOn: &[]cdktf.ITerraformDependable{write},
	})
}

// endpoints creates gateway endpoints on the private route tables and
// interface endpoints in the private subnets behind a security group that
// admits HTTPS from the VPC only.
func (v *VPC) endpoints(env awsenv.Env, list []Endpoint, tags func(string, ...map[string]string) *map[string]*string) {
	var sg securitygroup.SecurityGroup
	seen := map[Endpoint]bool{}
	for _, e := range list {
		if seen[e] {
			continue
		}
		seen[e] = true
		service := "com.amazonaws." + env.Region + "." + string(e)
		id := "endpoint-" + endpointID(e)
		if e.IsGateway() {
			gw := vpcendpoint.NewVpcEndpoint(v, ptr.String(id), &vpcendpoint.VpcEndpointConfig{
				VpcId:           ptr.String(v.vpcID),
				ServiceName:     ptr.String(service),
				VpcEndpointType: ptr.String("Gateway"),
				RouteTableIds:   ptr.Strings(v.privateRouteTable),
				Tags:            tags(v.name + "-" + string(e)),
			})
			v.gatewayPrefixLists = append(v.gatewayPrefixLists, *gw.PrefixListId())
			continue
		}
		if sg == nil {
			sg = securitygroup.NewSecurityGroup(v, ptr.String("endpoint-security-group"), &securitygroup.SecurityGroupConfig{
				NamePrefix:  ptr.String(v.name + "-endpoints-"),
				Description: ptr.String("HTTPS from inside the VPC to its interface endpoints"),
				VpcId:       ptr.String(v.vpcID),
				Tags:        tags(v.name + "-endpoints"),
				Lifecycle:   &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: ptr.Bool(true)},
			})
			vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(v, ptr.String("endpoint-https-ingress"), &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
				SecurityGroupId: sg.Id(),
				Description:     ptr.String("HTTPS from the VPC"),
				IpProtocol:      ptr.String("tcp"),
				FromPort:        ptr.Number(443),
				ToPort:          ptr.Number(443),
				CidrIpv4:        ptr.String(v.cidr),
			})
			v.endpointSG = *sg.Id()
		}
		vpcendpoint.NewVpcEndpoint(v, ptr.String(id), &vpcendpoint.VpcEndpointConfig{
			VpcId:             ptr.String(v.vpcID),
			ServiceName:       ptr.String(service),
			VpcEndpointType:   ptr.String("Interface"),
			SubnetIds:         ptr.Strings(v.privateSubnetIDs),
			SecurityGroupIds:  ptr.Strings([]string{*sg.Id()}),
			PrivateDnsEnabled: true,
			Tags:              tags(v.name + "-" + string(e)),
		})
	}
}

var (
	vpcIDPattern    = regexp.MustCompile(`^vpc-[0-9a-f]{8,17}$`)
	subnetIDPattern = regexp.MustCompile(`^subnet-[0-9a-f]{8,17}$`)
)

// ImportVPC wraps an existing VPC so that other constructs can run in it. It
// creates no resources except a data source that reads the VPC's range (when
// not given) and DNS settings at plan time. It returns every problem with
// props at once, joined, each a *validate.FieldError wrapping
// validate.ErrInvalid.
func ImportVPC(scope constructs.Construct, id string, props ImportVPCProps) (*VPC, error) {
	r := validation.ForConstruct("network", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	if props.VPCID == "" {
		r.Addf("VPCID", "is empty; give the existing VPC's id (vpc-...)")
	} else if !validation.IsToken(props.VPCID) && !vpcIDPattern.MatchString(props.VPCID) {
		r.Addf("VPCID", "%q is not a VPC id; expected vpc- followed by 8 or 17 hex digits", props.VPCID)
	}
	if props.CIDR != "" && !validation.IsToken(props.CIDR) {
		if _, err := parseVPCRange(props.CIDR); err != nil {
			r.Addf("CIDR", "%v", err)
		}
	}
	if len(props.PrivateSubnetIDs) == 0 {
		r.Addf("PrivateSubnetIDs", "is empty; workloads run in private subnets, give at least one")
	}
	checkSubnetIDs(r, "PrivateSubnetIDs", props.PrivateSubnetIDs)
	checkSubnetIDs(r, "PublicSubnetIDs", props.PublicSubnetIDs)
	if err := r.Err(); err != nil {
		return nil, err
	}

	v := &VPC{name: props.VPCID, vpcID: props.VPCID, imported: true,
		privateSubnetIDs: append([]string(nil), props.PrivateSubnetIDs...),
		publicSubnetIDs:  append([]string(nil), props.PublicSubnetIDs...),
	}
	constructs.NewConstruct_Override(v, scope, &id)
	existing := dataawsvpc.NewDataAwsVpc(v, ptr.String("vpc"), &dataawsvpc.DataAwsVpcConfig{Id: ptr.String(props.VPCID)})
	v.cidr = props.CIDR
	if v.cidr == "" {
		v.cidr = *existing.CidrBlock()
	}
	v.dnsCondition = &cdktf.Precondition{
		Condition:    cdktf.Op_And(existing.EnableDnsSupport(), existing.EnableDnsHostnames()),
		ErrorMessage: ptr.String("VPC " + props.VPCID + " must have DNS support and DNS hostnames enabled for private endpoints."),
	}
	return v, nil
}

func parseVPCRange(s string) (string, error) {
	p, err := cidr.Parse(s)
	if err != nil {
		return "", err
	}
	if p.Bits() < 16 || p.Bits() > 28 {
		return "", fmt.Errorf("%q has a /%d prefix; AWS allows /16 to /28", s, p.Bits())
	}
	return p.String(), nil
}

func checkSubnetIDs(r *validation.Report, field string, ids []string) {
	seen := map[string]bool{}
	for i, s := range ids {
		f := fmt.Sprintf("%s[%d]", field, i)
		if validation.IsToken(s) {
			continue
		}
		if !subnetIDPattern.MatchString(s) {
			r.Addf(f, "%q is not a subnet id; expected subnet- followed by 8 or 17 hex digits", s)
		}
		if seen[s] {
			r.Addf(f, "%q is listed twice", s)
		}
		seen[s] = true
	}
}

// zoneLabel names a subnet by its zone when the zone is known at synth time,
// and by index otherwise.
func zoneLabel(az string, i int) string {
	if validation.IsToken(az) {
		return fmt.Sprintf("%d", i)
	}
	return az
}

func endpointID(e Endpoint) string {
	out := []byte(e)
	for i, c := range out {
		if c == '.' {
			out[i] = '-'
		}
	}
	return string(out)
}
