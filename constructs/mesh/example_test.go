package mesh_test

import (
	"fmt"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	kubeprovider "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/mesh"
	"github.com/hybridstack/hybridstack/constructs/network"
)

// exampleNames returns the "name" of every synthesized resource of one
// type, sorted.
func exampleNames(stack cdktf.TerraformStack, typ string) []string {
	return tftest.Collect(stack, typ, func(r map[string]any) string { return fmt.Sprint(r["name"]) })
}

// A VPC Lattice service network (the default engine) associated with the
// VPC its clients run in, with IAM auth and access logs.
func ExampleNewNetwork() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.NewVPC(stack, "network", network.VPCProps{AZCount: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	services, err := mesh.NewNetwork(stack, "services", mesh.NetworkProps{VPC: vpc})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(services.Name(), services.Engine())
	// Output: services lattice
}

// A service network whose services run on EKS: Lattice's address range is
// admitted to the pods' ports, and services that call others get IRSA
// roles allowed to invoke exactly their backends.
func ExampleNewNetwork_realistic() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.NewVPC(stack, "network", network.VPCProps{AZCount: 2, ClusterNames: []string{"platform"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	cluster, err := eks.NewCluster(stack, "platform", eks.ClusterProps{VPC: vpc, NodeGroups: []eks.NodeGroupProps{{Name: "general", MaxSize: 3}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	shop, err := mesh.NewNetwork(stack, "shop", mesh.NetworkProps{
		Name:             "shop-services",
		VPC:              vpc,
		Cluster:          cluster,
		LogRetentionDays: 30,
		Tags:             map[string]string{"team": "shop"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(shop.Name(), shop.ServiceNetworkID() != "")

	_, err = mesh.NewNetwork(stack, "legacy", mesh.NetworkProps{Engine: mesh.AppMesh, VPC: vpc})
	fmt.Println(err)
	// Output:
	// shop-services true
	// mesh "example/legacy": Cluster is nil; App Mesh needs the EKS cluster whose Envoy sidecars get IRSA roles
}

// One version of a workload behind a virtual service: every request goes
// to it.
func ExampleNewVirtualService() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.NewVPC(stack, "network", network.VPCProps{AZCount: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	services, err := mesh.NewNetwork(stack, "services", mesh.NetworkProps{VPC: vpc})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = mesh.NewVirtualService(stack, "payments", mesh.VirtualServiceProps{
		Network:   services,
		Namespace: "payments",
		Versions:  []mesh.Version{{Name: "v1", Service: "payments-v1"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(exampleNames(stack, "aws_vpclattice_target_group"))
	// Output: [services-payments-v1]
}

// A canary: testers (a header) always reach v2, everyone else is split
// 90/10; the service has its own domain and certificate, calls a backend,
// and lists the principals allowed to call it.
func ExampleNewVirtualService_realistic() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.NewVPC(stack, "network", network.VPCProps{AZCount: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	cluster, err := eks.NewCluster(stack, "platform", eks.ClusterProps{VPC: vpc, NodeGroups: []eks.NodeGroupProps{{Name: "general", MaxSize: 3}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	shop, err := mesh.NewNetwork(stack, "shop", mesh.NetworkProps{VPC: vpc, Cluster: cluster})
	if err != nil {
		fmt.Println(err)
		return
	}
	ledger, err := mesh.NewVirtualService(stack, "ledger", mesh.VirtualServiceProps{
		Network:   shop,
		Namespace: "ledger",
		Versions:  []mesh.Version{{Name: "v1", Service: "ledger"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	payments, err := mesh.NewVirtualService(stack, "payments", mesh.VirtualServiceProps{
		Network:   shop,
		Namespace: "payments",
		Port:      8443,
		Versions:  []mesh.Version{{Name: "v1", Service: "payments-v1"}, {Name: "v2", Service: "payments-v2"}},
		Routes: []mesh.Route{
			{Name: "testers", Headers: []mesh.HeaderMatch{{Name: "x-canary", Exact: "always"}}, Targets: []mesh.Target{{Version: "v2", Weight: 100}}},
			{Name: "canary", Targets: []mesh.Target{{Version: "v1", Weight: 90}, {Version: "v2", Weight: 10}}},
		},
		HealthCheck: &mesh.HealthCheck{Path: "/ready", IntervalSeconds: 15},
		TLS: &mesh.TLS{
			CertificateARN: "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9",
			DomainName:     "payments.shop.example.com",
		},
		Backends:          []*mesh.VirtualService{ledger},
		AllowedPrincipals: []string{"arn:aws:iam::123456789012:role/checkout"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(payments.DNSName(), payments.CallerRole() != nil)
	fmt.Println(exampleNames(stack, "aws_vpclattice_listener_rule"))
	// Output:
	// payments.shop.example.com true
	// [testers]
}

// Features the engine lacks are refused, or with WarnOnUnsupported left
// out with a synth warning; never dropped silently.
func ExampleNewVirtualService_unsupported() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.NewVPC(stack, "network", network.VPCProps{AZCount: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	services, err := mesh.NewNetwork(stack, "services", mesh.NetworkProps{VPC: vpc})
	if err != nil {
		fmt.Println(err)
		return
	}
	props := mesh.VirtualServiceProps{
		Network:   services,
		Namespace: "payments",
		Versions:  []mesh.Version{{Name: "v1", Service: "payments"}},
		Routes:    []mesh.Route{{Name: "all", Targets: []mesh.Target{{Version: "v1", Weight: 100}}, Retry: &mesh.Retry{MaxRetries: 3}}},
	}
	_, err = mesh.NewVirtualService(stack, "payments", props)
	fmt.Println(err)

	props.WarnOnUnsupported = true
	_, err = mesh.NewVirtualService(stack, "payments-warned", props)
	fmt.Println(err)
	// Output:
	// mesh "example/payments": Routes[0].Retry is not supported by lattice: VPC Lattice has no retry policy; make the client retry (with backoff) instead; remove it, or set WarnOnUnsupported to accept it being left out
	// <nil>
}

// Istio ambient inside one cluster, in the in-cluster stack (a kubernetes
// provider; the Istio and Gateway API CRDs came with an earlier stack):
// the namespaces join the mesh (mTLS STRICT, a waypoint each), payments
// sends 10% to v2 with weights that Argo Rollouts moves, and only orders
// and the ingress gateway may call it.
func ExampleNetwork_Join() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example-workloads"))
	kubeprovider.NewKubernetesProvider(stack, jsii.String("kubernetes"), &kubeprovider.KubernetesProviderConfig{})

	shop, err := mesh.NewNetwork(stack, "shop", mesh.NetworkProps{Engine: mesh.IstioAmbient})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, name := range []string{"payments", "orders"} {
		ns, err := kube.NewNamespace(stack, name+"-namespace", kube.NamespaceProps{Name: name})
		if err != nil {
			fmt.Println(err)
			return
		}
		if err := shop.Join(ns); err != nil {
			fmt.Println(err)
			return
		}
	}
	payments, err := mesh.NewVirtualService(stack, "payments", mesh.VirtualServiceProps{
		Network:   shop,
		Namespace: "payments",
		Selector:  map[string]string{"app.kubernetes.io/part-of": "payments"},
		Versions:  []mesh.Version{{Name: "stable", Service: "payments-stable"}, {Name: "canary", Service: "payments-canary"}},
		Routes: []mesh.Route{{
			Name:           "main",
			Targets:        []mesh.Target{{Version: "stable", Weight: 90}, {Version: "canary", Weight: 10}},
			TimeoutMS:      2000,
			ManagedWeights: true,
		}},
		AllowedServiceAccounts: []mesh.ServiceAccountRef{{Namespace: "istio-ingress", Name: "istio-ingressgateway"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = mesh.NewVirtualService(stack, "orders", mesh.VirtualServiceProps{
		Network:   shop,
		Namespace: "orders",
		Selector:  map[string]string{"app.kubernetes.io/name": "orders"},
		Versions:  []mesh.Version{{Name: "v1", Service: "orders-v1"}},
		Backends:  []*mesh.VirtualService{payments},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(payments.DNSName())
	fmt.Println(payments.FrontendService(), payments.HTTPRouteName("main"), payments.Principal())
	kinds := tftest.Collect(stack, "kubernetes_manifest", func(r map[string]any) string {
		m := r["manifest"].(map[string]any)
		return fmt.Sprint(m["kind"], "/", m["metadata"].(map[string]any)["name"])
	})
	fmt.Println(strings.Join(kinds, "\n"))
	// Output:
	// payments.payments.svc.cluster.local
	// payments payments-main cluster.local/ns/payments/sa/payments
	// AuthorizationPolicy/orders
	// AuthorizationPolicy/orders-from-waypoint
	// AuthorizationPolicy/payments
	// AuthorizationPolicy/payments-from-waypoint
	// AuthorizationPolicy/waypoint-allow-nothing
	// AuthorizationPolicy/waypoint-allow-nothing
	// Gateway/waypoint
	// Gateway/waypoint
	// HTTPRoute/orders-default
	// HTTPRoute/payments-main
	// PeerAuthentication/default
	// PeerAuthentication/default
	// PeerAuthentication/default
}
