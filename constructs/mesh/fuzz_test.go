package mesh_test

import (
	"math"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/internal/fuzztest"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/mesh"
	"github.com/hybridstack/hybridstack/constructs/network"
)

// The fuzz tests below feed primitive values into the props of NewNetwork
// and NewVirtualService, on both engines, and check the contract of every
// call: it returns a value or an error, never both and never neither, and
// never panics; an error is about props, so it wraps validate.ErrInvalid,
// every FieldError in it names the construct path, the field and the
// problem, and a failed constructor added nothing to the tree; a stack
// built without error synthesizes. `go test` runs the seeds; `make fuzz`
// (go test -fuzz) explores from them.

// fuzzEnv builds what a network needs: a VPC (withVPC) and an EKS cluster
// (withCluster), each or nil.
func fuzzEnv(t *testing.T, stack cdktf.TerraformStack, withVPC, withCluster bool) (*network.VPC, *eks.Cluster) {
	t.Helper()
	if !withVPC && !withCluster {
		return nil, nil
	}
	vpc, err := network.NewVPC(stack, "net", network.VPCProps{AZCount: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !withCluster {
		return vpc, nil
	}
	c, err := eks.NewCluster(stack, "cluster", eks.ClusterProps{VPC: vpc, NodeGroups: []eks.NodeGroupProps{{Name: "general", MaxSize: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	if !withVPC {
		vpc = nil
	}
	return vpc, c
}

func FuzzNewNetwork(f *testing.F) {
	f.Add("mesh", "", "", true, false, 0, "", "")
	f.Add("mesh", "payments-mesh", "lattice", true, true, 365, "team", "payments")
	f.Add("mesh", "", "appmesh", true, true, 0, "", "")
	f.Add("mesh", "", "appmesh", false, false, 0, "", "")
	f.Add("mesh", "", "lattice", false, true, 45, "", "")
	f.Add("mesh", "", "istio", true, false, -1, "", "")
	f.Add("mesh", "ab", "", true, false, 0, "", "")
	f.Add("mesh", "a--b", "", true, false, 0, "", "")
	f.Add("mesh", "Payments", "", true, false, 0, "", "")
	f.Add("mesh", strings.Repeat("m", 41), "", true, false, math.MaxInt, "", "")
	f.Add("ünï/cødé", "", "", true, false, 0, "", "")
	f.Add("awsenv-region", "", "", true, false, 0, "", "")
	fuzztest.WarmUp(f)
	f.Fuzz(func(t *testing.T, id, name, engine string, withVPC, withCluster bool, logDays int, tagKey, tagValue string) {
		stack := fuzztest.Stack(t)
		vpc, cluster := fuzzEnv(t, stack, withVPC, withCluster)
		props := mesh.NetworkProps{Name: name, Engine: mesh.Engine(engine), VPC: vpc, Cluster: cluster, LogRetentionDays: logDays}
		if tagKey != "" || tagValue != "" {
			props.Tags = map[string]string{tagKey: tagValue}
		}
		var n *mesh.Network
		var err error
		added := fuzztest.Adds(stack, id)
		fuzztest.Run(t, func() { n, err = mesh.NewNetwork(stack, id, props) })
		if !fuzztest.Check(t, "NewNetwork", n != nil, err) {
			if added() {
				t.Fatalf("NewNetwork returned %v but added %q to the tree", err, id)
			}
			return
		}
		if n.Name() == "" || (n.Engine() == mesh.AppMesh) != (n.MeshName() != "") || (n.Engine() == mesh.Lattice) != (n.ServiceNetworkID() != "") {
			t.Fatalf("NewNetwork: name %q, engine %q, mesh %q, service network %q", n.Name(), n.Engine(), n.MeshName(), n.ServiceNetworkID())
		}
		tftest.Synth(t, stack)
	})
}

// The fuzzFlag* bits select optional VirtualServiceProps in
// FuzzNewVirtualService.
const (
	fuzzFlagAppMesh = 1 << iota
	fuzzFlagCluster
	fuzzFlagRetry
	fuzzFlagOutlier
	fuzzFlagGateway
	fuzzFlagWarn
	fuzzFlagBackend
	fuzzFlagForeignBackend
)

func FuzzNewVirtualService(f *testing.F) {
	type in struct {
		flags                                uint8
		id, name, namespace, sa              string
		port                                 int
		v1, v2                               string
		kinds                                uint8
		r1, r2, path, header, exact, prefix  string
		w1, w2, retries, timeout             int
		hcPath                               string
		hcInterval, hcTimeout, hcUp, hcDown  int
		cert, ca, domain, plaintext, callers string
		gatewayPort                          int
	}
	add := func(i in) {
		f.Add(i.flags, i.id, i.name, i.namespace, i.sa, i.port, i.v1, i.v2, i.kinds, i.r1, i.r2, i.path, i.header, i.exact, i.prefix,
			i.w1, i.w2, i.retries, i.timeout, i.hcPath, i.hcInterval, i.hcTimeout, i.hcUp, i.hcDown, i.cert, i.ca, i.domain, i.plaintext, i.callers, i.gatewayPort)
	}
	add(in{id: "payments", namespace: "payments", v1: "v1"})
	add(in{id: "payments", namespace: "payments", v1: "v1", v2: "v2", r1: "testers", r2: "canary", header: "x-canary", exact: "always", w1: 90, w2: 10, flags: fuzzFlagBackend | fuzzFlagCluster})
	add(in{id: "payments", namespace: "payments", v1: "v1", v2: "v2", r1: "canary", w1: 50, w2: 50, flags: fuzzFlagAppMesh | fuzzFlagCluster | fuzzFlagRetry | fuzzFlagOutlier | fuzzFlagGateway | fuzzFlagBackend,
		retries: 3, timeout: 15000, cert: "arn:aws:acm:eu-west-1:123456789012:certificate/c", ca: "arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/ca", gatewayPort: 8443})
	add(in{id: "payments", namespace: "payments", v1: "v1", flags: fuzzFlagAppMesh | fuzzFlagCluster, plaintext: "inside one namespace"})
	add(in{id: "payments", namespace: "payments", v1: "v1", flags: fuzzFlagAppMesh | fuzzFlagCluster})
	add(in{id: "payments", namespace: "payments", v1: "v1", flags: fuzzFlagAppMesh | fuzzFlagCluster, plaintext: "x", sa: "Bad_SA"})
	add(in{id: "payments", namespace: "payments", v1: "v1", flags: fuzzFlagRetry | fuzzFlagOutlier | fuzzFlagGateway, timeout: 100})
	add(in{id: "payments", namespace: "payments", v1: "v1", flags: fuzzFlagRetry | fuzzFlagOutlier | fuzzFlagGateway | fuzzFlagWarn, timeout: 100})
	add(in{id: "payments", namespace: "payments", v1: "v1", cert: "arn:aws:acm:eu-west-1:123456789012:certificate/c", domain: "payments.example.com", callers: "arn:aws:iam::123456789012:role/app,arn:aws:iam::123456789012:root"})
	add(in{id: "payments", namespace: "Payments", v1: "V1", v2: "V1", port: 70000, r1: "a", r2: "a", path: "no-slash", w1: 101, w2: -1})
	add(in{id: "payments", namespace: "payments", v1: "v1", kinds: 3, r1: "r", w1: 0, w2: 0, header: "h", exact: "x", prefix: "y"})
	add(in{id: "payments", namespace: "payments", hcPath: "healthz", hcInterval: 4, hcTimeout: 61, hcUp: 1, hcDown: 11})
	add(in{id: "payments", namespace: "payments", v1: "v1", name: strings.Repeat("p", 40), callers: "not-an-arn,@token"})
	add(in{id: "payments", namespace: "payments", v1: "v1", port: math.MaxInt, retries: math.MinInt, flags: fuzzFlagAppMesh | fuzzFlagCluster | fuzzFlagRetry, plaintext: " "})
	add(in{id: "payments", namespace: "payments", v1: "v1", flags: fuzzFlagForeignBackend})
	add(in{id: "ünï/cødé", namespace: "ünï", v1: "ünï"})
	add(in{id: "awsenv-partition", namespace: "payments", v1: "v1"})
	fuzztest.WarmUp(f)
	f.Fuzz(func(t *testing.T, flags uint8, id, name, namespace, sa string, port int, v1, v2 string, kinds uint8, r1, r2, path, header, exact, prefix string,
		w1, w2, retries, timeout int, hcPath string, hcInterval, hcTimeout, hcUp, hcDown int, cert, ca, domain, plaintext, callers string, gatewayPort int) {
		stack := fuzztest.Stack(t)
		appMesh := flags&fuzzFlagAppMesh != 0
		vpc, cluster := fuzzEnv(t, stack, true, appMesh || flags&fuzzFlagCluster != 0)
		engine := mesh.Lattice
		if appMesh {
			engine = mesh.AppMesh
		}
		n, err := mesh.NewNetwork(stack, "mesh", mesh.NetworkProps{Engine: engine, VPC: vpc, Cluster: cluster})
		if err != nil {
			t.Fatal(err)
		}
		props := mesh.VirtualServiceProps{
			Network: n, Name: name, Namespace: namespace, ServiceAccount: sa, Port: port, PlaintextReason: plaintext,
			AllowedPrincipals: fuzztest.List(callers), WarnOnUnsupported: flags&fuzzFlagWarn != 0,
		}
		for i := range props.AllowedPrincipals {
			fuzztest.Tokens(stack, &props.AllowedPrincipals[i])
		}
		// kinds: two bits per version, how it is found: 0 a Kubernetes
		// service, 1 a hostname, 2 Cloud Map, 3 none of them.
		for i, v := range []string{v1, v2} {
			if v == "" {
				continue
			}
			version := mesh.Version{Name: v}
			switch kinds >> (2 * i) & 3 {
			case 0:
				version.Service = v
			case 1:
				version.Hostname = v + ".example.com"
			case 2:
				version.CloudMap = &mesh.CloudMap{Namespace: namespace, Service: v}
			}
			props.Versions = append(props.Versions, version)
		}
		if r1 != "" {
			rt := mesh.Route{Name: r1, PathPrefix: path, TimeoutMS: timeout, Targets: []mesh.Target{{Version: v1, Weight: w1}}}
			if v2 != "" {
				rt.Targets = append(rt.Targets, mesh.Target{Version: v2, Weight: w2})
			}
			if header != "" || exact != "" || prefix != "" {
				rt.Headers = []mesh.HeaderMatch{{Name: header, Exact: exact, Prefix: prefix}}
			}
			if flags&fuzzFlagRetry != 0 {
				rt.Retry = &mesh.Retry{MaxRetries: retries}
			}
			props.Routes = append(props.Routes, rt)
			if r2 != "" {
				props.Routes = append(props.Routes, mesh.Route{Name: r2, Targets: []mesh.Target{{Version: v1, Weight: 100}}})
			}
		}
		if hcPath != "" || hcInterval != 0 || hcTimeout != 0 || hcUp != 0 || hcDown != 0 {
			props.HealthCheck = &mesh.HealthCheck{Path: hcPath, IntervalSeconds: hcInterval, TimeoutSeconds: hcTimeout, HealthyThreshold: hcUp, UnhealthyThreshold: hcDown}
		}
		if flags&fuzzFlagOutlier != 0 {
			props.OutlierDetection = &mesh.OutlierDetection{MaxServerErrors: 5, IntervalSeconds: 10, BaseEjectionSeconds: 30, MaxEjectionPercent: 50}
		}
		if cert != "" || ca != "" || domain != "" {
			props.TLS = &mesh.TLS{CertificateARN: cert, CertificateAuthorityARN: ca, DomainName: domain}
		}
		if flags&fuzzFlagGateway != 0 {
			props.Gateway = &mesh.Gateway{Port: gatewayPort}
		}
		if flags&fuzzFlagBackend != 0 {
			b, err := mesh.NewVirtualService(stack, "ledger", mesh.VirtualServiceProps{Network: n, Namespace: "ledger", Versions: []mesh.Version{{Name: "v1", Service: "ledger"}}, PlaintextReason: "ledger is plaintext"})
			if err != nil {
				t.Fatal(err)
			}
			props.Backends = append(props.Backends, b)
		}
		if flags&fuzzFlagForeignBackend != 0 {
			other, err := mesh.NewNetwork(stack, "other-mesh", mesh.NetworkProps{VPC: vpc})
			if err != nil {
				t.Fatal(err)
			}
			b, err := mesh.NewVirtualService(stack, "foreign", mesh.VirtualServiceProps{Network: other, Namespace: "foreign", Versions: []mesh.Version{{Name: "v1", Service: "foreign"}}})
			if err != nil {
				t.Fatal(err)
			}
			props.Backends = append(props.Backends, b, nil)
		}
		var vs *mesh.VirtualService
		added := fuzztest.Adds(stack, id)
		fuzztest.Run(t, func() { vs, err = mesh.NewVirtualService(stack, id, props) })
		if !fuzztest.Check(t, "NewVirtualService", vs != nil, err) {
			if added() {
				t.Fatalf("NewVirtualService returned %v but added %q to the tree", err, id)
			}
			return
		}
		if vs.ARN() == "" || vs.DNSName() == "" {
			t.Fatalf("NewVirtualService: ARN %q, DNS name %q", vs.ARN(), vs.DNSName())
		}
		tftest.Synth(t, stack)
	})
}
