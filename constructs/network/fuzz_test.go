package network_test

import (
	"math"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/fuzztest"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/network"
)

// The fuzz tests below feed primitive values into the props of NewVPC and
// ImportVPC and check the constructors' contract: they return a value or
// an error, never both and never neither, and never panic; an error is
// about props, so it wraps validate.ErrInvalid, every FieldError in it names
// the construct path, the field and the problem, and nothing was added to
// the tree; a value synthesizes. `go test` runs the seeds below; `make
// fuzz` (go test -fuzz) explores from them.

func FuzzNewVPC(f *testing.F) {
	type in struct {
		id, name, cidr                    string
		azCount                           int
		azs, private, public, nat         string
		flowDays                          int
		kms                               string
		noFlowLogs                        bool
		endpoints, clusters, tagKey, tagV string
	}
	add := func(i in) {
		f.Add(i.id, i.name, i.cidr, i.azCount, i.azs, i.private, i.public, i.nat, i.flowDays, i.kms, i.noFlowLogs, i.endpoints, i.clusters, i.tagKey, i.tagV)
	}
	add(in{id: "net"})
	add(in{id: "net", name: "prod", cidr: "10.1.0.0/16", azCount: 2, nat: "single", flowDays: 365, endpoints: "s3,ecr.api,ecr.dkr,sts,logs", clusters: "prod", tagKey: "team", tagV: "platform"})
	add(in{id: "net", cidr: "0.0.0.0/0"})
	add(in{id: "net", cidr: "10.0.0.0/8", azCount: -1, nat: "two", flowDays: 45})
	add(in{id: "net", cidr: "10.0.0.1/16"})
	add(in{id: "net", cidr: "fd00::/64"})
	add(in{id: "net", cidr: "10.0.0.0/23", azCount: 6})
	add(in{id: "net", cidr: "10.0.0.0/28", azCount: 2, private: "10.0.0.0/29,10.0.0.8/29"})
	add(in{id: "net", azCount: math.MaxInt, flowDays: math.MinInt})
	add(in{id: "net", azs: "eu-west-1a,eu-west-1a"})
	add(in{id: "net", azCount: 3, azs: "eu-west-1a,eu-west-1b"})
	add(in{id: "net", azs: "eu-west-1a,eu-west-1b", private: "10.0.0.0/19,10.0.16.0/20", public: "10.0.192.0/24,10.9.0.0/24"})
	add(in{id: "net", azCount: 2, public: "10.0.0.0/24,10.0.200.0/24"})
	add(in{id: "net", nat: "none"})
	add(in{id: "net", nat: "none", endpoints: "s3,s3,dynamodb,s4,"})
	add(in{id: "net", noFlowLogs: true, flowDays: -7, kms: "not-an-arn"})
	add(in{id: "net", clusters: ",x"})
	add(in{id: "ünïcødé/vpc", name: "vpc-ünïcødé " + strings.Repeat("n", 300), tagKey: "Name", tagV: "override"})
	add(in{id: strings.Repeat("v", 1000), name: "${aws_vpc.other.id}", tagKey: "", tagV: "empty key"})
	add(in{id: "awsenv-account"})
	fuzztest.WarmUp(f)
	f.Fuzz(func(t *testing.T, id, name, cidr string, azCount int, azs, private, public, nat string, flowDays int, kms string, noFlowLogs bool, endpoints, clusters, tagKey, tagV string) {
		stack := fuzztest.Stack(t)
		props := network.VPCProps{
			Name: name, CIDR: cidr, AZCount: azCount, AvailabilityZones: fuzztest.List(azs),
			PrivateSubnetCIDRs: fuzztest.List(private), PublicSubnetCIDRs: fuzztest.List(public),
			NAT: network.NATMode(nat), FlowLogRetentionDays: flowDays, FlowLogKMSKeyARN: kms,
			DisableFlowLogs: noFlowLogs, ClusterNames: fuzztest.List(clusters),
		}
		for _, e := range fuzztest.List(endpoints) {
			props.Endpoints = append(props.Endpoints, network.Endpoint(e))
		}
		if tagKey != "" || tagV != "" {
			props.Tags = map[string]string{tagKey: tagV}
		}
		var vpc *network.VPC
		var err error
		added := fuzztest.Adds(stack, id)
		fuzztest.Run(t, func() { vpc, err = network.NewVPC(stack, id, props) })
		if !fuzztest.Check(t, "NewVPC", vpc != nil, err) {
			if added() {
				t.Fatalf("NewVPC returned %v but added %q to the tree", err, id)
			}
			return
		}
		if vpc.Name() == "" || vpc.Imported() || vpc.Resource() == nil {
			t.Fatalf("NewVPC: name %q, imported %v, resource %v", vpc.Name(), vpc.Imported(), vpc.Resource())
		}
		n := len(vpc.AvailabilityZones())
		if n < 2 || n > 6 || len(vpc.PrivateSubnetIDs()) != n || len(vpc.PublicSubnetIDs()) != n {
			t.Fatalf("NewVPC: %d zones, %d private and %d public subnets", n, len(vpc.PrivateSubnetIDs()), len(vpc.PublicSubnetIDs()))
		}
		tftest.Synth(t, stack)
	})
}

func FuzzImportVPC(f *testing.F) {
	f.Add("net", "vpc-0123456789abcdef0", "", "subnet-01234567,subnet-89abcdef", "")
	f.Add("net", "vpc-0123456789abcdef0", "10.0.0.0/16", "subnet-01234567", "subnet-0123456789abcdef0")
	f.Add("net", "@token", "@token", "@token,@token", "")
	f.Add("net", "", "", "", "")
	f.Add("net", "vpc-xyz", "0.0.0.0/0", "subnet-01234567,subnet-01234567", "subnet-nothex,")
	f.Add("net", "vpc-0123456789abcdef0", "10.0.0.1/33", "subnet-0123456789abcdef01", "")
	f.Add("ünï/cødé", "vpc-ÜNÏCODE", "fd00::/8", ",", strings.Repeat("subnet-01234567,", 50))
	fuzztest.WarmUp(f)
	f.Fuzz(func(t *testing.T, id, vpcID, cidr, private, public string) {
		stack := fuzztest.Stack(t)
		fuzztest.Tokens(stack, &vpcID, &cidr)
		priv, pub := fuzztest.List(private), fuzztest.List(public)
		for i := range priv {
			fuzztest.Tokens(stack, &priv[i])
		}
		var vpc *network.VPC
		var err error
		added := fuzztest.Adds(stack, id)
		fuzztest.Run(t, func() {
			vpc, err = network.ImportVPC(stack, id, network.ImportVPCProps{VPCID: vpcID, CIDR: cidr, PrivateSubnetIDs: priv, PublicSubnetIDs: pub})
		})
		if !fuzztest.Check(t, "ImportVPC", vpc != nil, err) {
			if added() {
				t.Fatalf("ImportVPC returned %v but added %q to the tree", err, id)
			}
			return
		}
		if !vpc.Imported() || vpc.VPCID() != vpcID || len(vpc.PrivateSubnetIDs()) != len(priv) || vpc.DNSPrecondition() == nil {
			t.Fatalf("ImportVPC: imported %v, id %q, %d private subnets", vpc.Imported(), vpc.VPCID(), len(vpc.PrivateSubnetIDs()))
		}
		tftest.Synth(t, stack)
	})
}
