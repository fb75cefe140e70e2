package network_test

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// The fuzz tests below feed primitive values into the props of NewVPC and
// ImportVPC and check the constructors' contract: they return a value or
// an error, never both and never neither, and never panic; an error is
// about props, so it wraps validate.ErrInvalid, every FieldError in it names
// the construct path, the field and the problem, and nothing was added to
// the tree; a value synthesizes. `go test` runs the seeds below; `make
// fuzz` (go test -fuzz) explores from them.

// fuzzStack returns a fresh stack for one fuzz input and removes the
// temporary output directory cdktf.Testing_App makes for it (thousands of
// inputs would otherwise leave thousands of directories).
func fuzzStack(t testing.TB) cdktf.TerraformStack {
	t.Helper()
	stack := tftest.NewStack(t)
	if dir := *cdktf.App_Of(stack).Outdir(); strings.HasPrefix(filepath.Base(dir), "cdktf.outdir.") {
		t.Cleanup(func() { os.RemoveAll(dir) })
	}
	return stack
}

// fuzzWarmUp starts the jsii runtime and loads the AWS provider before
// f.Fuzz: in a go test -fuzz worker that takes longer than the 10 s one
// input may take. The coordinator, which runs no inputs, skips it.
func fuzzWarmUp(f *testing.F) {
	if fl := flag.Lookup("test.fuzz"); fl != nil && fl.Value.String() != "" {
		if w := flag.Lookup("test.fuzzworker"); w != nil && w.Value.String() != "true" {
			return
		}
	}
	fuzzStack(f)
}

// fuzzRun calls fn and fails the test when it panics, unless known names
// the bug, already reported, that the input hits: then the input is
// skipped, so that fuzzing goes on past it. Delete the fuzzKnown* entries
// once the bugs are fixed.
func fuzzRun(t *testing.T, known string, fn func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			if known != "" {
				t.Skipf("%s (panic: %v)", known, r)
			}
			t.Fatalf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	fn()
}

// fuzzKnownIDBug names the inputs that hit a reported, still open bug, so that
// fuzzing goes on past them. It names none: the bugs the fuzzers and
// their seeds found are fixed, and the seeds now check the fixes.
func fuzzKnownIDBug(id string) string {
	// No open bugs: every input the fuzzers and seeds found is fixed.
	return ""
}

// fuzzCheck checks the result of a constructor or method: ok says
// whether it returned a value (err == nil for methods that return only an
// error). It reports whether the call succeeded.
func fuzzCheck(t *testing.T, call string, ok bool, err error) bool {
	t.Helper()
	switch {
	case err == nil && !ok:
		t.Fatalf("%s returned neither a value nor an error", call)
	case err != nil && ok:
		t.Fatalf("%s returned a value and the error %v", call, err)
	case err == nil:
		return true
	}
	if !errors.Is(err, validate.ErrInvalid) {
		t.Fatalf("%s: error does not wrap validate.ErrInvalid: %v", call, err)
	}
	if strings.TrimSpace(err.Error()) == "" {
		t.Fatalf("%s: empty error message", call)
	}
	for _, fe := range validate.Fields(err) {
		if fe.Path == "" || fe.Field == "" || fe.Problem == "" {
			t.Fatalf("%s: incomplete FieldError %#v in %v", call, fe, err)
		}
	}
	return false
}

// fuzzAdds returns a function that reports whether scope has gained a
// child with the construct id id (constructs reads "/" as "--") since
// fuzzAdds was called.
func fuzzAdds(scope constructs.IConstruct, id string) func() bool {
	id = strings.ReplaceAll(id, "/", "--")
	before := scope.Node().TryFindChild(jsii.String(id)) != nil
	return func() bool { return !before && scope.Node().TryFindChild(jsii.String(id)) != nil }
}

// fuzzList splits a comma-separated fuzz string into a list: "" is nil,
// and "a," is ["a", ""].
func fuzzList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// fuzzTokens replaces each fuzz value "@token" by an unresolved cdktf
// token (a Terraform variable's value), which constructs accept unchecked.
func fuzzTokens(stack cdktf.TerraformStack, values ...*string) {
	for _, v := range values {
		if *v == "@token" {
			id := fmt.Sprintf("fuzz-token-%d", len(*stack.Node().Children()))
			*v = *cdktf.NewTerraformVariable(stack, jsii.String(id), &cdktf.TerraformVariableConfig{Type: jsii.String("string")}).StringValue()
		}
	}
}

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
	fuzzWarmUp(f)
	f.Fuzz(func(t *testing.T, id, name, cidr string, azCount int, azs, private, public, nat string, flowDays int, kms string, noFlowLogs bool, endpoints, clusters, tagKey, tagV string) {
		stack := fuzzStack(t)
		props := network.VPCProps{
			Name: name, CIDR: cidr, AZCount: azCount, AvailabilityZones: fuzzList(azs),
			PrivateSubnetCIDRs: fuzzList(private), PublicSubnetCIDRs: fuzzList(public),
			NAT: network.NATMode(nat), FlowLogRetentionDays: flowDays, FlowLogKMSKeyARN: kms,
			DisableFlowLogs: noFlowLogs, ClusterNames: fuzzList(clusters),
		}
		for _, e := range fuzzList(endpoints) {
			props.Endpoints = append(props.Endpoints, network.Endpoint(e))
		}
		if tagKey != "" || tagV != "" {
			props.Tags = map[string]string{tagKey: tagV}
		}
		var vpc *network.VPC
		var err error
		added := fuzzAdds(stack, id)
		fuzzRun(t, fuzzKnownIDBug(id), func() { vpc, err = network.NewVPC(stack, id, props) })
		if !fuzzCheck(t, "NewVPC", vpc != nil, err) {
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
	fuzzWarmUp(f)
	f.Fuzz(func(t *testing.T, id, vpcID, cidr, private, public string) {
		stack := fuzzStack(t)
		fuzzTokens(stack, &vpcID, &cidr)
		priv, pub := fuzzList(private), fuzzList(public)
		for i := range priv {
			fuzzTokens(stack, &priv[i])
		}
		var vpc *network.VPC
		var err error
		added := fuzzAdds(stack, id)
		fuzzRun(t, fuzzKnownIDBug(id), func() {
			vpc, err = network.ImportVPC(stack, id, network.ImportVPCProps{VPCID: vpcID, CIDR: cidr, PrivateSubnetIDs: priv, PublicSubnetIDs: pub})
		})
		if !fuzzCheck(t, "ImportVPC", vpc != nil, err) {
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
