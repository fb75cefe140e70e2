// Package network provides the VPC that every other hybridstack construct
// runs in: public and private subnets across two to six Availability Zones
// with non-overlapping CIDRs, NAT, route tables, the subnet tags EKS and the
// AWS Load Balancer Controller discover, VPC flow logs with retention and
// optional VPC endpoints (NewVPC, type VPC). An existing VPC can be wrapped
// with ImportVPC so that constructs accept either. Connections (and the
// Connectable interface) open security-group paths on both sides at once.
package network

import (
	"fmt"
	"net/netip"
	"sort"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpc"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/cidr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// NATMode chooses how private subnets reach the Internet.
type NATMode string

const (
	// NATPerAZ gives each Availability Zone its own NAT gateway, so losing
	// one zone does not cut the others off. This is the default.
	NATPerAZ NATMode = "per-az"
	// NATSingle shares one NAT gateway between all zones: cheaper, but a
	// zone outage cuts every private subnet off from the Internet.
	NATSingle NATMode = "single"
	// NATNone creates no NAT gateway: private subnets reach AWS services
	// only through VPC endpoints.
	NATNone NATMode = "none"
)

// Endpoint names an AWS service reachable privately from the VPC. Gateway
// endpoints (s3, dynamodb) attach to the private route tables; the others are
// interface endpoints in the private subnets with private DNS.
type Endpoint string

// The endpoints the construct knows how to create.
const (
	EndpointS3             Endpoint = "s3"
	EndpointDynamoDB       Endpoint = "dynamodb"
	EndpointECRAPI         Endpoint = "ecr.api"
	EndpointECRDocker      Endpoint = "ecr.dkr"
	EndpointSTS            Endpoint = "sts"
	EndpointLogs           Endpoint = "logs"
	EndpointEC2            Endpoint = "ec2"
	EndpointEKS            Endpoint = "eks"
	EndpointEKSAuth        Endpoint = "eks-auth"
	EndpointELB            Endpoint = "elasticloadbalancing"
	EndpointKMS            Endpoint = "kms"
	EndpointSecretsManager Endpoint = "secretsmanager"
	EndpointSSM            Endpoint = "ssm"
	EndpointSQS            Endpoint = "sqs"
	EndpointSNS            Endpoint = "sns"
	EndpointXRay           Endpoint = "xray"
	EndpointLambda         Endpoint = "lambda"
)

var knownEndpoints = map[Endpoint]bool{
	EndpointS3: true, EndpointDynamoDB: true, // gateway
	EndpointECRAPI: false, EndpointECRDocker: false, EndpointSTS: false, EndpointLogs: false,
	EndpointEC2: false, EndpointEKS: false, EndpointEKSAuth: false, EndpointELB: false,
	EndpointKMS: false, EndpointSecretsManager: false, EndpointSSM: false, EndpointSQS: false,
	EndpointSNS: false, EndpointXRay: false, EndpointLambda: false,
}

// IsGateway reports whether e is a gateway endpoint (route-table based, free)
// rather than an interface endpoint.
func (e Endpoint) IsGateway() bool { return knownEndpoints[e] }

// VPCProps configures a new VPC.
type VPCProps struct {
	// Name is used in Name tags and resource names.
	// Default: the construct id
	Name string
	// CIDR is the VPC's IPv4 range, between /16 and /23 so that the default
	// subnet layout fits.
	// Default: 10.0.0.0/16
	CIDR string
	// AZCount is how many Availability Zones to spread over, 2 to 6.
	// Default: 3 (or len(AvailabilityZones) when those are given)
	AZCount int
	// AvailabilityZones names the zones explicitly, such as "eu-west-1a".
	// Default: - the first AZCount available zones of the region, looked up at plan time
	AvailabilityZones []string
	// PrivateSubnetCIDRs sets the private subnets' ranges, one per zone.
	// Default: - /19 blocks (VPC prefix + 3) from the start of the VPC range
	PrivateSubnetCIDRs []string
	// PublicSubnetCIDRs sets the public subnets' ranges, one per zone.
	// Default: - /21 blocks (VPC prefix + 5) from the last quarter of the VPC range
	PublicSubnetCIDRs []string
	// LoadBalancerSubnetCIDRs adds a third tier of subnets, one per zone,
	// for internal load balancers only (at least /27, the ALB minimum):
	// no node or pod gets an address there, so a Kubernetes NetworkPolicy
	// can admit load-balancer traffic by these ranges without admitting
	// pods. They route like the private subnets and take over the
	// kubernetes.io/role/internal-elb tag from them.
	// Default: - none; internal load balancers share the private subnets
	LoadBalancerSubnetCIDRs []string
	// NAT chooses the NAT layout.
	// Default: NATPerAZ
	NAT NATMode
	// FlowLogRetentionDays is how long VPC flow logs are kept; it must be a
	// value CloudWatch Logs accepts.
	// Default: 90
	FlowLogRetentionDays int
	// FlowLogKMSKeyARN encrypts the flow log group with this customer
	// managed key; its policy must let the CloudWatch Logs service use it.
	// Default: - the KMS key the stack shares for its log groups (observe.LogsKeyARN)
	FlowLogKMSKeyARN string
	// DisableFlowLogs turns VPC flow logs off. Only for throwaway sandboxes:
	// without them there is no record of network traffic.
	// Default: false
	DisableFlowLogs bool
	// Endpoints lists VPC endpoints to create.
	// Default: - none
	Endpoints []Endpoint
	// ClusterNames are EKS clusters that share this VPC; each gets the
	// kubernetes.io/cluster/<name> = shared tag on every subnet.
	// Default: - none
	ClusterNames []string
	// Tags are added to every resource the construct makes.
	// Default: - none
	Tags map[string]string
}

// ImportVPCProps describes an existing VPC to wrap.
type ImportVPCProps struct {
	// VPCID is the id of the existing VPC (vpc-...). Required.
	VPCID string
	// CIDR is the VPC's primary IPv4 range, used for security group rules.
	// Default: - read from the VPC at plan time
	CIDR string
	// PrivateSubnetIDs are subnets without a route to an Internet gateway.
	// At least one is required.
	PrivateSubnetIDs []string
	// PublicSubnetIDs are subnets routed to an Internet gateway.
	// Default: - none
	PublicSubnetIDs []string
}

// VPC is a network that constructs run in: either one this package created,
// or an existing one wrapped with Import.
type VPC struct {
	constructs.Construct

	name              string
	vpcID             string
	cidr              string
	azs               []string
	privateSubnetIDs  []string
	publicSubnetIDs   []string
	lbSubnetIDs       []string
	lbSubnetCIDRs     []string
	privateRouteTable []string
	imported          bool
	dnsCondition      *cdktf.Precondition
	resource          vpc.Vpc
	// endpointSG is the interface endpoints' security group, "" without
	// interface endpoints.
	endpointSG string
	// gatewayPrefixLists are the prefix lists of the gateway endpoints (S3,
	// DynamoDB), in the order the endpoints were listed.
	gatewayPrefixLists []string
}

// Name returns the VPC's name (the imported VPC's id when imported).
func (v *VPC) Name() string { return v.name }

// VPCID returns the VPC id (a token for a new VPC).
func (v *VPC) VPCID() string { return v.vpcID }

// CIDR returns the VPC's primary IPv4 range.
func (v *VPC) CIDR() string { return v.cidr }

// AvailabilityZones returns the zones of the subnets, in subnet order, when
// known; for an imported VPC it is empty.
func (v *VPC) AvailabilityZones() []string { return append([]string(nil), v.azs...) }

// PrivateSubnetIDs returns the private subnets' ids, one per zone.
func (v *VPC) PrivateSubnetIDs() []string { return append([]string(nil), v.privateSubnetIDs...) }

// PublicSubnetIDs returns the public subnets' ids, one per zone.
func (v *VPC) PublicSubnetIDs() []string { return append([]string(nil), v.publicSubnetIDs...) }

// LoadBalancerSubnetIDs returns the load balancer subnets' ids, one per
// zone, or the private subnets' ids when the VPC has no such tier: where
// internal load balancers go.
func (v *VPC) LoadBalancerSubnetIDs() []string {
	if len(v.lbSubnetIDs) == 0 {
		return v.PrivateSubnetIDs()
	}
	return append([]string(nil), v.lbSubnetIDs...)
}

// LoadBalancerSubnetCIDRs returns the ranges of the load balancer
// subnets, or nil when the VPC has none (load balancers then share the
// pods' subnets, and no range admits them without admitting pods).
func (v *VPC) LoadBalancerSubnetCIDRs() []string { return append([]string(nil), v.lbSubnetCIDRs...) }

// PrivateRouteTableIDs returns the private route tables' ids (empty when
// imported).
func (v *VPC) PrivateRouteTableIDs() []string { return append([]string(nil), v.privateRouteTable...) }

// EndpointSecurityGroupID returns the security group of the VPC's interface
// endpoints, which admits HTTPS from the VPC, or "" when the VPC has none.
// Clients that only call AWS APIs can limit their egress to it.
func (v *VPC) EndpointSecurityGroupID() string { return v.endpointSG }

// GatewayEndpointPrefixListIDs returns the managed prefix lists of the
// VPC's gateway endpoints (S3, DynamoDB), for egress rules that reach those
// services without the Internet.
func (v *VPC) GatewayEndpointPrefixListIDs() []string {
	return append([]string(nil), v.gatewayPrefixLists...)
}

// Imported reports whether the VPC was wrapped with Import.
func (v *VPC) Imported() bool { return v.imported }

// Resource returns the aws_vpc resource, or nil for an imported VPC.
func (v *VPC) Resource() vpc.Vpc { return v.resource }

// DNSPrecondition returns a Terraform precondition that fails the plan when
// the VPC lacks DNS support or DNS hostnames, which private-only EKS
// endpoints and interface endpoints need. It is nil for a VPC this package
// created, which always has both on.
func (v *VPC) DNSPrecondition() *cdktf.Precondition { return v.dnsCondition }

// layout is the validated, defaulted shape of a new VPC.
type layout struct {
	name     string
	vpc      netip.Prefix
	azs      []string // empty when looked up at plan time
	azCount  int
	private  []netip.Prefix
	public   []netip.Prefix
	lb       []netip.Prefix
	nat      NATMode
	flowDays int
}

const (
	defaultCIDR         = "10.0.0.0/16"
	defaultAZCount      = 3
	defaultFlowLogDays  = 90
	minAZs, maxAZs      = 2, 6
	privateExtraBits    = 3 // 8 slots, 6 used at most
	publicExtraBits     = 5 // from the last quarter: 8 slots of 32
	publicOffsetQuarter = 6 // first public slot, in units of private blocks
)

// plan applies defaults and validates props, returning every problem found.
func plan(r *validation.Report, id string, p VPCProps) layout {
	l := layout{name: p.Name, nat: p.NAT, flowDays: p.FlowLogRetentionDays}
	if l.name == "" {
		l.name = id
	}
	if l.nat == "" {
		l.nat = NATPerAZ
	}
	if !validation.OneOf(string(l.nat), string(NATPerAZ), string(NATSingle), string(NATNone)) {
		r.Addf("NAT", "%q is not a NAT mode; use %q, %q or %q", l.nat, NATPerAZ, NATSingle, NATNone)
	}
	if l.flowDays == 0 {
		l.flowDays = defaultFlowLogDays
	}
	if !p.DisableFlowLogs && !validation.LogRetention(l.flowDays) {
		r.Addf("FlowLogRetentionDays", "%d is not a CloudWatch Logs retention; use one of %v", l.flowDays, validation.LogRetentionDays)
	}

	vpcCIDR := p.CIDR
	if vpcCIDR == "" {
		vpcCIDR = defaultCIDR
	}
	prefix, err := cidr.Parse(vpcCIDR)
	vpcOK := err == nil
	switch {
	case err != nil:
		r.Addf("CIDR", "%v", err)
	case prefix.Bits() < 16 || prefix.Bits() > 28:
		r.Addf("CIDR", "%q has a /%d prefix; AWS allows /16 to /28", vpcCIDR, prefix.Bits())
		vpcOK = false
	}
	l.vpc = prefix

	// Zones.
	l.azs = p.AvailabilityZones
	l.azCount = p.AZCount
	if len(l.azs) > 0 {
		if l.azCount != 0 && l.azCount != len(l.azs) {
			r.Addf("AZCount", "%d does not match the %d AvailabilityZones given; set one or make them agree", l.azCount, len(l.azs))
		}
		l.azCount = len(l.azs)
		seen := map[string]bool{}
		for i, az := range l.azs {
			if seen[az] {
				r.Addf(fmt.Sprintf("AvailabilityZones[%d]", i), "%q is listed twice; each zone may appear once", az)
			}
			seen[az] = true
		}
	}
	if l.azCount == 0 {
		l.azCount = defaultAZCount
	}
	if l.azCount < minAZs || l.azCount > maxAZs {
		field := "AZCount"
		if len(l.azs) > 0 {
			field = "AvailabilityZones"
		}
		r.Addf(field, "asks for %d zones; use %d to %d (EKS needs at least two)", l.azCount, minAZs, maxAZs)
		return l
	}
	if !vpcOK {
		return l
	}

	l.private = subnetBlocks(r, "PrivateSubnetCIDRs", p.PrivateSubnetCIDRs, prefix, l.azCount, privateExtraBits, 0)
	l.public = subnetBlocks(r, "PublicSubnetCIDRs", p.PublicSubnetCIDRs, prefix, l.azCount, publicExtraBits,
		publicOffsetQuarter<<(publicExtraBits-privateExtraBits))
	if len(p.LoadBalancerSubnetCIDRs) > 0 {
		l.lb = subnetBlocks(r, "LoadBalancerSubnetCIDRs", p.LoadBalancerSubnetCIDRs, prefix, l.azCount, 0, 0)
		for i, s := range l.lb {
			if s.IsValid() && s.Bits() > 27 {
				r.Addf(fmt.Sprintf("LoadBalancerSubnetCIDRs[%d]", i), "%q is a /%d; load balancer subnets need at least a /27 (an ALB needs 8 free addresses per subnet)", s, s.Bits())
			}
		}
	}

	// No two subnets may overlap.
	type named struct {
		field string
		p     netip.Prefix
	}
	var all []named
	for i, s := range l.private {
		all = append(all, named{fmt.Sprintf("PrivateSubnetCIDRs[%d]", i), s})
	}
	for i, s := range l.public {
		all = append(all, named{fmt.Sprintf("PublicSubnetCIDRs[%d]", i), s})
	}
	for i, s := range l.lb {
		all = append(all, named{fmt.Sprintf("LoadBalancerSubnetCIDRs[%d]", i), s})
	}
	for i := range all {
		if !all[i].p.IsValid() { // rejected above
			continue
		}
		for j := i + 1; j < len(all); j++ {
			if all[j].p.IsValid() && cidr.Overlap(all[i].p, all[j].p) {
				r.Addf(all[j].field, "%s overlaps %s (%s); subnets must not overlap", all[j].p, all[i].field, all[i].p)
			}
		}
	}

	for i, e := range p.Endpoints {
		if _, ok := knownEndpoints[e]; !ok {
			r.Addf(fmt.Sprintf("Endpoints[%d]", i), "%q is not a supported endpoint; use one of %v", e, endpointNames())
		}
	}
	if l.nat == NATNone && len(p.PublicSubnetCIDRs) == 0 && len(p.Endpoints) == 0 {
		r.Addf("Endpoints", "is empty with NAT %q: private subnets would reach no AWS service; add endpoints (at least s3, ecr.api, ecr.dkr, sts, logs for EKS nodes) or choose a NAT mode", NATNone)
	}
	for i, n := range p.ClusterNames {
		if n == "" {
			r.Addf(fmt.Sprintf("ClusterNames[%d]", i), "is empty; give the EKS cluster's name")
		}
	}
	return l
}

// subnetBlocks returns explicit blocks after validation, or computes the
// default ones: count blocks of VPC prefix + extra bits starting at slot
// offset.
func subnetBlocks(r *validation.Report, field string, given []string, vpc netip.Prefix, count, extra, offset int) []netip.Prefix {
	if len(given) > 0 {
		if len(given) != count {
			r.Addf(field, "has %d blocks for %d zones; give exactly one per zone", len(given), count)
		}
		// out[i] is given[i], or the zero (invalid) Prefix when given[i]
		// was rejected, so later checks name the index the user wrote.
		out := make([]netip.Prefix, len(given))
		for i, s := range given {
			f := fmt.Sprintf("%s[%d]", field, i)
			p, err := cidr.Parse(s)
			if err != nil {
				r.Addf(f, "%v", err)
				continue
			}
			if p.Bits() < 16 || p.Bits() > 28 {
				r.Addf(f, "%q has a /%d prefix; AWS subnets are /16 to /28", s, p.Bits())
				continue
			}
			if !cidr.Contains(vpc, p) {
				r.Addf(f, "%q is outside the VPC range %s", s, vpc)
				continue
			}
			out[i] = p
		}
		return out
	}
	bits := vpc.Bits() + extra
	if bits > 28 {
		r.Addf(field, "cannot be computed: a /%d VPC leaves /%d subnets, smaller than the /28 AWS minimum; use a VPC of /23 or larger, or give the blocks explicitly", vpc.Bits(), bits)
		return nil
	}
	out := make([]netip.Prefix, count)
	for i := range out {
		p, err := cidr.Subnet(vpc, bits, offset+i)
		if err != nil { // unreachable for 2-6 zones with the fixed offsets
			r.Addf(field, "%v", err)
			return nil
		}
		out[i] = p
	}
	return out
}

func endpointNames() []string {
	names := make([]string, 0, len(knownEndpoints))
	for e := range knownEndpoints {
		names = append(names, string(e))
	}
	sort.Strings(names)
	return names
}
