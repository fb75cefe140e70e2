package network_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

func TestVPCValidation(t *testing.T) {
	tests := []struct {
		name  string
		props network.VPCProps
		want  []string
	}{
		{"cidr not a block", network.VPCProps{CIDR: "10.0.0.0"},
			[]string{`network "test/net": CIDR "10.0.0.0" is not a CIDR block`}},
		{"cidr host bits", network.VPCProps{CIDR: "10.0.0.1/16"},
			[]string{`CIDR "10.0.0.1/16" has host bits set; did you mean "10.0.0.0/16"`}},
		{"cidr too large", network.VPCProps{CIDR: "10.0.0.0/8"},
			[]string{`CIDR "10.0.0.0/8" has a /8 prefix; AWS allows /16 to /28`}},
		{"cidr too small for default layout", network.VPCProps{CIDR: "10.0.0.0/26"},
			[]string{`PrivateSubnetCIDRs cannot be computed: a /26 VPC leaves /29 subnets`, `PublicSubnetCIDRs cannot be computed: a /26 VPC leaves /31 subnets`}},
		{"one zone", network.VPCProps{AZCount: 1},
			[]string{`AZCount asks for 1 zones; use 2 to 6 (EKS needs at least two)`}},
		{"seven zones", network.VPCProps{AZCount: 7},
			[]string{`AZCount asks for 7 zones; use 2 to 6`}},
		{"zones disagree with count", network.VPCProps{AZCount: 3, AvailabilityZones: []string{"eu-west-1a", "eu-west-1b"}},
			[]string{`AZCount 3 does not match the 2 AvailabilityZones given`}},
		{"duplicate zone", network.VPCProps{AvailabilityZones: []string{"eu-west-1a", "eu-west-1a"}},
			[]string{`AvailabilityZones[1] "eu-west-1a" is listed twice`}},
		{"explicit subnet outside vpc", network.VPCProps{AZCount: 2, PrivateSubnetCIDRs: []string{"10.0.0.0/19", "10.9.0.0/19"}},
			[]string{`PrivateSubnetCIDRs[1] "10.9.0.0/19" is outside the VPC range 10.0.0.0/16`}},
		{"explicit subnets overlap", network.VPCProps{AZCount: 2, PrivateSubnetCIDRs: []string{"10.0.0.0/19", "10.0.16.0/20"}},
			[]string{`PrivateSubnetCIDRs[1] 10.0.16.0/20 overlaps PrivateSubnetCIDRs[0] (10.0.0.0/19)`}},
		{"first and third of three subnets overlap", network.VPCProps{AZCount: 3, PrivateSubnetCIDRs: []string{"10.0.0.0/19", "10.0.32.0/19", "10.0.8.0/21"}},
			[]string{`PrivateSubnetCIDRs[2] 10.0.8.0/21 overlaps PrivateSubnetCIDRs[0] (10.0.0.0/19)`}},
		{"overlap after a rejected subnet keeps the indices", network.VPCProps{AZCount: 3, PrivateSubnetCIDRs: []string{"10.0.0.0/19", "10.9.0.0/19", "10.0.8.0/21"}},
			[]string{`PrivateSubnetCIDRs[1] "10.9.0.0/19" is outside the VPC range 10.0.0.0/16`,
				`PrivateSubnetCIDRs[2] 10.0.8.0/21 overlaps PrivateSubnetCIDRs[0] (10.0.0.0/19)`}},
		{"explicit public overlaps computed private", network.VPCProps{AZCount: 2, PublicSubnetCIDRs: []string{"10.0.0.0/24", "10.0.200.0/24"}},
			[]string{`PublicSubnetCIDRs[0] 10.0.0.0/24 overlaps PrivateSubnetCIDRs[0] (10.0.0.0/19)`}},
		{"wrong subnet count", network.VPCProps{AZCount: 3, PublicSubnetCIDRs: []string{"10.0.192.0/24"}},
			[]string{`PublicSubnetCIDRs has 1 blocks for 3 zones; give exactly one per zone`}},
		{"nat mode", network.VPCProps{NAT: "two"},
			[]string{`NAT "two" is not a NAT mode; use "per-az", "single" or "none"`}},
		{"flow log retention", network.VPCProps{FlowLogRetentionDays: 45},
			[]string{`FlowLogRetentionDays 45 is not a CloudWatch Logs retention; use one of [1 3 5 7 14 30 60 90`}},
		{"unknown endpoint", network.VPCProps{Endpoints: []network.Endpoint{"s4"}},
			[]string{`Endpoints[0] "s4" is not a supported endpoint; use one of [dynamodb ec2 ecr.api`}},
		{"no nat no endpoints", network.VPCProps{NAT: network.NATNone},
			[]string{`Endpoints is empty with NAT "none": private subnets would reach no AWS service`}},
		{"load balancer subnet too small", network.VPCProps{AZCount: 2, LoadBalancerSubnetCIDRs: []string{"10.0.240.0/28", "10.0.241.0/24"}},
			[]string{`LoadBalancerSubnetCIDRs[0] "10.0.240.0/28" is a /28; load balancer subnets need at least a /27`}},
		{"load balancer subnet overlaps private", network.VPCProps{AZCount: 2, LoadBalancerSubnetCIDRs: []string{"10.0.0.0/24", "10.0.241.0/24"}},
			[]string{`LoadBalancerSubnetCIDRs[0] 10.0.0.0/24 overlaps PrivateSubnetCIDRs[0] (10.0.0.0/19)`}},
		{"load balancer subnets per zone", network.VPCProps{AZCount: 3, LoadBalancerSubnetCIDRs: []string{"10.0.240.0/24"}},
			[]string{`LoadBalancerSubnetCIDRs has 1 blocks for 3 zones; give exactly one per zone`}},
		{"every problem at once", network.VPCProps{CIDR: "10.0.0.0/8", NAT: "x", FlowLogRetentionDays: 2},
			[]string{`CIDR "10.0.0.0/8"`, `NAT "x"`, `FlowLogRetentionDays 2`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stack := tftest.NewStack(t)
			v, err := network.NewVPC(stack, "net", tt.props)
			if err == nil {
				t.Fatalf("NewVPC accepted %+v", tt.props)
			}
			if v != nil {
				t.Fatal("NewVPC returned a VPC with an error")
			}
			if !errors.Is(err, validate.ErrInvalid) {
				t.Errorf("error does not wrap validate.ErrInvalid: %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%s\ndoes not contain\n%s", err, w)
				}
			}
			if got := len(*stack.Node().Children()); got != 1 { // the provider only
				t.Errorf("invalid props created %d constructs besides the provider", got-1)
			}
		})
	}
}

func TestVPCDefaultLayout(t *testing.T) {
	stack := tftest.NewStack(t)
	v, err := network.NewVPC(stack, "net", network.VPCProps{
		AvailabilityZones: []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"},
		ClusterNames:      []string{"platform"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(v.PrivateSubnetIDs()); got != 3 {
		t.Fatalf("PrivateSubnetIDs has %d ids, want 3", got)
	}
	doc := tftest.Synth(t, stack)

	vpc := doc.One(t, "aws_vpc", "net_vpc")
	if vpc["cidr_block"] != "10.0.0.0/16" || vpc["enable_dns_support"] != true || vpc["enable_dns_hostnames"] != true {
		t.Errorf("vpc = %v", vpc)
	}
	want := map[string]struct {
		cidr, az, role string
	}{
		"private-subnet-0": {"10.0.0.0/19", "eu-west-1a", "kubernetes.io/role/internal-elb"},
		"private-subnet-1": {"10.0.32.0/19", "eu-west-1b", "kubernetes.io/role/internal-elb"},
		"private-subnet-2": {"10.0.64.0/19", "eu-west-1c", "kubernetes.io/role/internal-elb"},
		"public-subnet-0":  {"10.0.192.0/21", "eu-west-1a", "kubernetes.io/role/elb"},
		"public-subnet-1":  {"10.0.200.0/21", "eu-west-1b", "kubernetes.io/role/elb"},
		"public-subnet-2":  {"10.0.208.0/21", "eu-west-1c", "kubernetes.io/role/elb"},
	}
	subnets := doc.Resources("aws_subnet")
	if len(subnets) != len(want) {
		t.Fatalf("%d subnets, want %d", len(subnets), len(want))
	}
	for id, w := range want {
		s := doc.One(t, "aws_subnet", "_"+id+"_")
		tags, _ := s["tags"].(map[string]any)
		if s["cidr_block"] != w.cidr || s["availability_zone"] != w.az || tags[w.role] != "1" || tags["kubernetes.io/cluster/platform"] != "shared" {
			t.Errorf("%s = %v", id, s)
		}
		if s["map_public_ip_on_launch"] == true {
			t.Errorf("%s maps public IPs on launch", id)
		}
	}
	if n := len(doc.Resources("aws_nat_gateway")); n != 3 {
		t.Errorf("%d NAT gateways, want one per zone", n)
	}
	for i := 0; i < 3; i++ {
		route := doc.One(t, "aws_route", "private-default-route-"+string(rune('0'+i)))
		nat := doc.Address(t, "aws_nat_gateway", "nat-gateway-"+string(rune('0'+i)))
		if route["nat_gateway_id"] != "${"+nat+".id}" {
			t.Errorf("private route %d goes to %v, want its own zone's NAT %s", i, route["nat_gateway_id"], nat)
		}
	}
	// Flow logs: all traffic, to a log group with retention, through a role
	// scoped to that group.
	group := doc.One(t, "aws_cloudwatch_log_group", "flow-log-group")
	if group["retention_in_days"] != float64(90) {
		t.Errorf("flow log retention = %v, want 90", group["retention_in_days"])
	}
	fl := doc.One(t, "aws_flow_log", "flow-log")
	if fl["traffic_type"] != "ALL" || !strings.Contains(fl["log_destination"].(string), "aws_cloudwatch_log_group.") {
		t.Errorf("flow log = %v", fl)
	}
	// Delivery starts only once the role may write (and stops before the
	// permission goes).
	if deps := tftest.Strings(fl["depends_on"]); len(deps) != 1 || deps[0] != doc.Address(t, "aws_iam_role_policy", "flow-log-policy") {
		t.Errorf("flow log depends_on = %v", deps)
	}
	policy := tftest.Policy(t, doc.One(t, "aws_iam_role_policy", "flow-log-policy")["policy"])
	if s := policy["Statement"].([]any)[0].(map[string]any); strings.Contains(strings.Join(tftest.Strings(s["Resource"]), ","), `"*"`) {
		t.Errorf("flow log policy is not scoped to its log group: %v", s)
	}
	// The default security group loses its rules.
	if dsg := doc.One(t, "aws_default_security_group", "default-security-group"); dsg["ingress"] != nil || dsg["egress"] != nil {
		t.Errorf("default security group keeps rules: %v", dsg)
	}
}

func TestVPCSingleNATAndEndpoints(t *testing.T) {
	stack := tftest.NewStack(t)
	_, err := network.NewVPC(stack, "net", network.VPCProps{
		AZCount:   2,
		NAT:       network.NATSingle,
		Endpoints: []network.Endpoint{network.EndpointS3, network.EndpointECRAPI, network.EndpointSTS, network.EndpointSTS},
	})
	if err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	if n := len(doc.Resources("aws_nat_gateway")); n != 1 {
		t.Fatalf("%d NAT gateways, want 1 shared", n)
	}
	nat := doc.Address(t, "aws_nat_gateway", "nat-gateway-0")
	for _, r := range []string{"private-default-route-0", "private-default-route-1"} {
		if got := doc.One(t, "aws_route", r)["nat_gateway_id"]; got != "${"+nat+".id}" {
			t.Errorf("%s -> %v, want the shared NAT", r, got)
		}
	}
	// Zones come from the region at plan time when not given.
	if len(doc.Data("aws_availability_zones")) != 1 {
		t.Error("no aws_availability_zones lookup for unnamed zones")
	}
	s3 := doc.One(t, "aws_vpc_endpoint", "endpoint-s3")
	if s3["vpc_endpoint_type"] != "Gateway" || len(tftest.Strings(s3["route_table_ids"])) != 2 {
		t.Errorf("s3 endpoint = %v", s3)
	}
	sts := doc.One(t, "aws_vpc_endpoint", "endpoint-sts")
	if sts["vpc_endpoint_type"] != "Interface" || sts["private_dns_enabled"] != true || len(tftest.Strings(sts["subnet_ids"])) != 2 {
		t.Errorf("sts endpoint = %v", sts)
	}
	if !strings.HasSuffix(sts["service_name"].(string), ".sts") {
		t.Errorf("sts service name = %v", sts["service_name"])
	}
	if n := len(doc.Resources("aws_vpc_endpoint")); n != 3 {
		t.Errorf("%d endpoints, want 3 (duplicates collapse)", n)
	}
	ingress := doc.One(t, "aws_vpc_security_group_ingress_rule", "endpoint-https")
	if ingress["from_port"] != float64(443) || ingress["cidr_ipv4"] != "10.0.0.0/16" {
		t.Errorf("endpoint ingress = %v", ingress)
	}
}

func TestImport(t *testing.T) {
	stack := tftest.NewStack(t)
	_, err := network.ImportVPC(stack, "bad", network.ImportVPCProps{VPCID: "vpc-1", PrivateSubnetIDs: []string{"subnet-zz"}})
	for _, w := range []string{
		`network "test/bad": VPCID "vpc-1" is not a VPC id`,
		`network "test/bad": PrivateSubnetIDs[0] "subnet-zz" is not a subnet id`,
	} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v does not contain %q", err, w)
		}
	}
	if _, err := network.ImportVPC(stack, "empty", network.ImportVPCProps{}); err == nil || !strings.Contains(err.Error(), "PrivateSubnetIDs is empty") {
		t.Errorf("empty import error = %v", err)
	}

	v, err := network.ImportVPC(stack, "existing", network.ImportVPCProps{
		VPCID:            "vpc-0123456789abcdef0",
		PrivateSubnetIDs: []string{"subnet-0123456789abcdef0", "subnet-0123456789abcdef1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !v.Imported() || v.VPCID() != "vpc-0123456789abcdef0" || len(v.PrivateSubnetIDs()) != 2 || v.DNSPrecondition() == nil {
		t.Fatalf("imported VPC = %+v", v)
	}
	doc := tftest.Synth(t, stack)
	if res, _ := doc["resource"].(map[string]any); len(res) != 0 {
		t.Errorf("Import created resources: %v", doc["resource"])
	}
	if len(doc.Data("aws_vpc")) != 1 {
		t.Error("Import does not read the VPC")
	}
}

// TestLoadBalancerSubnets checks the third tier: one subnet per zone on the
// private route tables, carrying the internal-elb role the private subnets
// then lose, and the accessors that fall back to the private subnets.
func TestLoadBalancerSubnets(t *testing.T) {
	stack := tftest.NewStack(t)
	v, err := network.NewVPC(stack, "net", network.VPCProps{AZCount: 2, LoadBalancerSubnetCIDRs: []string{"10.0.240.0/24", "10.0.241.0/24"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := v.LoadBalancerSubnetCIDRs(); strings.Join(got, ",") != "10.0.240.0/24,10.0.241.0/24" {
		t.Errorf("LoadBalancerSubnetCIDRs() = %v", got)
	}
	if got := v.LoadBalancerSubnetIDs(); len(got) != 2 || got[0] == v.PrivateSubnetIDs()[0] {
		t.Errorf("LoadBalancerSubnetIDs() = %v, want the new subnets", got)
	}
	doc := tftest.Synth(t, stack)
	if n := len(doc.Resources("aws_subnet")); n != 6 {
		t.Fatalf("%d subnets, want 6 (private, public and load balancer in 2 zones)", n)
	}
	for name, sn := range doc.Resources("aws_subnet") {
		tags := tftest.Block(sn, "tags")
		kind := tags["hybridstack.io/subnet-type"]
		_, internal := tags["kubernetes.io/role/internal-elb"]
		if internal != (kind == "load-balancer") {
			t.Errorf("subnet %s (%v) internal-elb tag = %v; only load balancer subnets carry it", name, kind, internal)
		}
	}
	assoc := doc.One(t, "aws_route_table_association", "load-balancer-subnet-1-route")
	if rt, _ := assoc["route_table_id"].(string); !strings.Contains(rt, "private-route-table-1") {
		t.Errorf("load balancer subnet 1 routes through %v, want the zone's private route table", rt)
	}

	plain, err := network.NewVPC(tftest.NewStack(t), "net", network.VPCProps{AZCount: 2})
	if err != nil {
		t.Fatal(err)
	}
	if plain.LoadBalancerSubnetCIDRs() != nil || len(plain.LoadBalancerSubnetIDs()) != 2 {
		t.Errorf("without the tier: CIDRs %v, ids %v; want none and the private subnets", plain.LoadBalancerSubnetCIDRs(), plain.LoadBalancerSubnetIDs())
	}
}
