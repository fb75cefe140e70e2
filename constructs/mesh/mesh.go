// Package mesh provides VirtualService (NewVirtualService), the library's
// AppMeshVirtualService, inside a Network (NewNetwork): service-to-service
// traffic intent (a virtual service backed by versions of a workload,
// weighted routes for canary and blue/green, path and header matches,
// retries, timeouts, health checks, outlier detection, TLS, who may call)
// rendered by one of three engines:
//
//   - Lattice (the default) renders to Amazon VPC Lattice. Use it for
//     traffic between compute types (Lambda or ECS to and from EKS, or
//     between VPCs), authorized through IAM: callers sign requests with
//     their roles and each service's auth policy names them.
//   - IstioAmbient renders to Istio in ambient mode inside one EKS cluster
//     (Network.Join enrols namespaces): ztunnel wraps every pod-to-pod
//     connection in mTLS with the pods' service account identities
//     (PeerAuthentication STRICT), a waypoint per namespace applies the
//     routes (Gateway API HTTPRoutes: weights, matches, timeouts) and
//     AuthorizationPolicies that admit exactly the calling service
//     accounts. Use it for east-west traffic inside a cluster that needs
//     mTLS and L7 policy, and for canaries driven by Argo Rollouts
//     (Route.ManagedWeights). Its objects need the Istio and Gateway API
//     CRDs installed by an earlier stack and go in the in-cluster stack.
//   - AppMesh renders to AWS App Mesh, which reached end of support on
//     2026-09-30: only for teams still migrating off it; every App Mesh
//     network raises a warning.
//
// Features one engine lacks are refused with a clear error, or, when asked
// (WarnOnUnsupported), turned into a synth warning; they are never dropped
// silently.
package mesh

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appmeshmesh"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsec2managedprefixlist"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpclatticeaccesslogsubscription"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpclatticeauthpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpclatticeservicenetwork"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpclatticeservicenetworkvpcassociation"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/istio"
	"github.com/hybridstack/hybridstack/constructs/internal/loggroup"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/network"
)

// Engine is the service-mesh technology an intent renders to.
type Engine string

const (
	// Lattice renders to Amazon VPC Lattice. This is the default.
	Lattice Engine = "lattice"
	// AppMesh renders to AWS App Mesh, past end of support since
	// 2026-09-30: for existing meshes being migrated only.
	AppMesh Engine = "appmesh"
	// IstioAmbient renders to Istio in ambient mode (ztunnel mTLS,
	// a waypoint per namespace, Gateway API HTTPRoutes and Istio
	// AuthorizationPolicies) as kubernetes_manifest resources, in a stack
	// with a kubernetes provider, after the stack that installed the Istio
	// and Gateway API CRDs.
	IstioAmbient Engine = "istio-ambient"
)

// PodTargets is how a Lattice service's target groups reach the pods of
// each version.
type PodTargets string

const (
	// PodTargetsIP: an IP target group per version, on the pods' port.
	// Nothing in this library registers pod IPs in it: bring a registrar
	// of your own.
	PodTargetsIP PodTargets = "ip"
	// PodTargetsALB: each version's Lattice target group (type ALB)
	// forwards to an internal Application Load Balancer of its own, whose
	// IP target group the AWS Load Balancer Controller keeps filled with
	// the version's ready pods through a TargetGroupBinding
	// (VirtualService.PodTargetGroupARN, kube.BindTargetGroup). The AWS
	// Gateway API Controller cannot register pods in a target group it did
	// not create, and TargetGroupBinding works only with ELB target
	// groups, so the ALB is the bridge; it costs one ALB per version (an
	// ALB can back at most two Lattice target groups, of different
	// services). Requires Cluster.
	PodTargetsALB PodTargets = "alb"
)

// AppMeshEndOfSupport is the warning every App Mesh network raises.
const AppMeshEndOfSupport = "AWS App Mesh reached end of support on 2026-09-30: it gets no fixes and new accounts cannot use it. Render this mesh with mesh.Lattice (Amazon VPC Lattice) or, inside one cluster, mesh.IstioAmbient (Istio ambient); see docs/mesh/migrate-from-app-mesh.md."

// NetworkProps configures the mesh (App Mesh, Istio ambient) or service
// network (Lattice) that virtual services join.
type NetworkProps struct {
	// Name of the mesh or service network: 3-40 lowercase letters, digits
	// and hyphens.
	// Default: the construct id
	Name string
	// Engine renders the intent.
	// Default: Lattice
	Engine Engine
	// VPC is associated with the Lattice service network, and is where its
	// target groups live. Required for Lattice; not used by Istio ambient.
	VPC *network.VPC
	// Cluster is the EKS cluster whose workloads join the mesh. App Mesh
	// gets IRSA roles for Envoy through it; Lattice gets its managed prefix
	// list admitted to the pods' port on the cluster security group, and
	// each service that calls others an IRSA caller role. Required for App
	// Mesh; not used by Istio ambient, whose stack's kubernetes provider
	// names the cluster.
	// Default: - none
	Cluster eks.ClusterRef
	// PodTargets says how Lattice target groups reach the pods (Lattice
	// only; refused on Istio ambient).
	// Default: PodTargetsIP
	PodTargets PodTargets
	// LogRetentionDays keeps Lattice access logs this long (Lattice only;
	// refused on Istio ambient, whose ztunnel and waypoints log to
	// stdout).
	// Default: 90
	LogRetentionDays int
	// TrustDomain is the Istio trust domain of the cluster's workload
	// identities (meshConfig.trustDomain of istiod): the first part of
	// every principal the network's authorization policies name (Istio
	// ambient only).
	// Default: "cluster.local"
	TrustDomain string
	// Tags are added to every AWS resource (Istio ambient renders none).
	// Default: - none
	Tags map[string]string
}

// Network is a mesh or a service network.
type Network struct {
	constructs.Construct

	name    string
	engine  Engine
	vpc     *network.VPC
	cluster eks.ClusterRef
	tags    map[string]string
	env     awsenv.Env
	// App Mesh
	meshName string
	mesh     appmeshmesh.AppmeshMesh
	// Lattice
	serviceNetworkID string
	serviceNetwork   vpclatticeservicenetwork.VpclatticeServiceNetwork
	associationSG    string
	logGroupARN      string
	logGroupName     string
	ports            map[int]bool
	// targetPorts are the pod ports already admitted from Lattice on the
	// cluster's security group.
	targetPorts  map[int]bool
	latticeRange string
	podTargets   PodTargets
	// Istio ambient: the trust domain and the joined namespaces, by name.
	trustDomain string
	joined      map[string]*kube.Namespace
}

var latticeNameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$`)

// NewNetwork validates props and creates the mesh (App Mesh: egress
// DROP_ALL), the service network (Lattice: IAM auth, VPC association,
// access logs) or the mesh-wide policy (Istio ambient: PeerAuthentication
// STRICT in istio-system, so no meshed workload accepts plaintext; Join
// then enrols namespaces). On Istio ambient the scope's stack must have a
// kubernetes provider (kube.NewProviders, created first): the objects are
// kubernetes_manifest resources, whose CRDs (Istio, Gateway API) an
// earlier stack installed. It returns every problem with props at once,
// joined, each a *validate.FieldError wrapping validate.ErrInvalid.
func NewNetwork(scope constructs.Construct, id string, props NetworkProps) (*Network, error) {
	r := validation.ForConstruct("mesh", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	p := props
	if p.Name == "" {
		p.Name = id
	}
	if p.Engine == "" {
		p.Engine = Lattice
	}
	if p.LogRetentionDays == 0 {
		p.LogRetentionDays = 90
	}
	if p.TrustDomain == "" && p.Engine == IstioAmbient {
		p.TrustDomain = istio.DefaultTrustDomain
	}
	if !latticeNameRe.MatchString(p.Name) || strings.Contains(p.Name, "--") {
		r.Addf("Name", "%q must be 3-40 lowercase letters, digits and single hyphens, starting and ending with a letter or digit", p.Name)
	}
	switch p.Engine {
	case Lattice:
		if p.VPC == nil {
			r.Addf("VPC", "is nil; a Lattice service network is associated with the VPC its clients run in")
		}
		if p.PodTargets == PodTargetsALB && eks.IsNil(p.Cluster) {
			r.Addf("Cluster", "is nil; PodTargetsALB admits the load balancers to the cluster's pods")
		}
	case AppMesh:
		if eks.IsNil(p.Cluster) {
			r.Addf("Cluster", "is nil; App Mesh needs the EKS cluster whose Envoy sidecars get IRSA roles")
		}
	case IstioAmbient:
		validateIstioNetwork(r, scope, props)
	default:
		r.Addf("Engine", "%q is not an engine; use %q, %q or %q", p.Engine, Lattice, IstioAmbient, AppMesh)
	}
	if props.TrustDomain != "" && p.Engine != IstioAmbient {
		r.Addf("TrustDomain", "%q applies to Istio ambient only; %s identifies callers otherwise", props.TrustDomain, p.Engine)
	}
	switch {
	case p.Engine == IstioAmbient: // validateIstioNetwork refuses any
	case p.PodTargets == "", p.PodTargets == PodTargetsIP:
	case p.PodTargets == PodTargetsALB:
		if p.Engine == AppMesh {
			r.Addf("PodTargets", "%q applies to Lattice only; App Mesh finds pods through service discovery", p.PodTargets)
		}
	default:
		r.Addf("PodTargets", "%q is not a pod target mode; use %q or %q", p.PodTargets, PodTargetsIP, PodTargetsALB)
	}
	if p.Engine != IstioAmbient && !validation.LogRetention(p.LogRetentionDays) {
		r.Addf("LogRetentionDays", "%d is not a CloudWatch Logs retention; use one of %v", p.LogRetentionDays, validation.LogRetentionDays)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	if p.Engine == IstioAmbient {
		return newIstioNetwork(scope, id, p), nil
	}
	env, err := awsenv.Of(scope)
	if err != nil {
		return nil, err
	}
	if eks.IsNil(p.Cluster) {
		p.Cluster = nil // a nil *eks.Cluster is no cluster
	}
	n := &Network{env: env, name: p.Name, engine: p.Engine, vpc: p.VPC, cluster: p.Cluster, tags: p.Tags, ports: map[int]bool{}, targetPorts: map[int]bool{}, podTargets: p.PodTargets}
	constructs.NewConstruct_Override(n, scope, &id)

	if p.Engine == AppMesh {
		cdktf.Annotations_Of(n).AddWarning(ptr.String(AppMeshEndOfSupport))
		m := appmeshmesh.NewAppmeshMesh(n, ptr.String("mesh"), &appmeshmesh.AppmeshMeshConfig{
			Name: ptr.String(p.Name),
			Spec: &appmeshmesh.AppmeshMeshSpec{
				// Only declared backends are reachable from the mesh.
				EgressFilter: &appmeshmesh.AppmeshMeshSpecEgressFilter{Type: ptr.String("DROP_ALL")},
			},
			Tags: ptr.Map(p.Tags),
		})
		n.meshName, n.mesh = *m.Name(), m
		return n, nil
	}

	sn := vpclatticeservicenetwork.NewVpclatticeServiceNetwork(n, ptr.String("service-network"), &vpclatticeservicenetwork.VpclatticeServiceNetworkConfig{
		Name:     ptr.String(p.Name),
		AuthType: ptr.String("AWS_IAM"),
		Tags:     ptr.Map(p.Tags),
	})
	n.serviceNetworkID, n.serviceNetwork = *sn.Id(), sn
	// With AWS_IAM auth and no policy on the network, Lattice denies every
	// request. The network admits signed requests from principals of this
	// account; each service's own policy then names its callers.
	vpclatticeauthpolicy.NewVpclatticeAuthPolicy(n, ptr.String("auth-policy"), &vpclatticeauthpolicy.VpclatticeAuthPolicyConfig{
		ResourceIdentifier: sn.Arn(),
		Policy: ptr.String(r.Doc(iamdoc.Document(iamdoc.Statement{
			Sid:       "InvokeFromThisAccount",
			Effect:    "Allow",
			Principal: map[string]any{"AWS": iamdoc.AccountRoot(env.Partition, env.Account)},
			Actions:   []string{"vpc-lattice-svcs:Invoke"},
			Resources: []string{"*"},
		}))),
	})
	sg := securitygroup.NewSecurityGroup(n, ptr.String("association-security-group"), &securitygroup.SecurityGroupConfig{
		NamePrefix:  ptr.String(p.Name + "-lattice-"),
		Description: ptr.String("Clients in the VPC that may reach service network " + p.Name),
		VpcId:       ptr.String(p.VPC.VPCID()),
		Tags:        ptr.Map(p.Tags),
		Lifecycle:   &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: ptr.Bool(true)},
	})
	n.associationSG = *sg.Id()
	vpclatticeservicenetworkvpcassociation.NewVpclatticeServiceNetworkVpcAssociation(n, ptr.String("vpc-association"), &vpclatticeservicenetworkvpcassociation.VpclatticeServiceNetworkVpcAssociationConfig{
		ServiceNetworkIdentifier: sn.Id(),
		VpcIdentifier:            ptr.String(p.VPC.VPCID()),
		SecurityGroupIds:         ptr.Strings([]string{*sg.Id()}),
		Tags:                     ptr.Map(p.Tags),
	})
	logs, err := loggroup.New(n, "access-logs", loggroup.Props{
		// Under /aws/vendedlogs/ CloudWatch Logs does not grow its resource
		// policy for every log group that Lattice delivers to.
		Name:          "/aws/vendedlogs/vpc-lattice/" + p.Name,
		RetentionDays: p.LogRetentionDays,
		Tags:          ptr.Map(p.Tags),
	})
	if err != nil {
		return nil, err
	}
	n.logGroupARN = *logs.Arn()
	n.logGroupName = *logs.Name()
	vpclatticeaccesslogsubscription.NewVpclatticeAccessLogSubscription(n, ptr.String("access-log-subscription"), &vpclatticeaccesslogsubscription.VpclatticeAccessLogSubscriptionConfig{
		ResourceIdentifier: sn.Id(),
		DestinationArn:     logs.Arn(),
		Tags:               ptr.Map(p.Tags),
	})
	if err := r.Err(); err != nil {
		return nil, err
	}
	return n, nil
}

// allowPort admits clients in the VPC to the service network on port.
func (n *Network) allowPort(port int) {
	if n.ports[port] {
		return
	}
	n.ports[port] = true
	vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(n, ptr.String(fmt.Sprintf("association-ingress-%d", port)), &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
		SecurityGroupId: ptr.String(n.associationSG),
		Description:     ptr.String(fmt.Sprintf("Clients in the VPC to Lattice services on port %d", port)),
		IpProtocol:      ptr.String("tcp"),
		FromPort:        ptr.Number(port),
		ToPort:          ptr.Number(port),
		CidrIpv4:        ptr.String(n.vpc.CIDR()),
	})
}

// admitTargets lets Lattice reach the cluster's pods on port: Lattice sends
// traffic to IP targets from its managed prefix list, which the cluster
// security group (which EKS gives nodes and Fargate pods) must admit.
func (n *Network) admitTargets(port int) {
	if n.cluster == nil || n.targetPorts[port] || n.podTargets == PodTargetsALB {
		return
	}
	n.targetPorts[port] = true
	vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(n, ptr.String(fmt.Sprintf("cluster-ingress-from-lattice-%d", port)), &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
		SecurityGroupId: ptr.String(n.cluster.SecurityGroupID()),
		Description:     ptr.String(fmt.Sprintf("VPC Lattice (service network %s) to pods on port %d", n.name, port)),
		IpProtocol:      ptr.String("tcp"),
		FromPort:        ptr.Number(port),
		ToPort:          ptr.Number(port),
		PrefixListId:    ptr.String(n.latticePrefixList()),
	})
}

// latticePrefixList returns the id of the Region's VPC Lattice managed
// prefix list (the addresses Lattice sends to targets from), looked up once.
func (n *Network) latticePrefixList() string {
	if n.latticeRange == "" {
		pl := dataawsec2managedprefixlist.NewDataAwsEc2ManagedPrefixList(n, ptr.String("lattice-prefix-list"), &dataawsec2managedprefixlist.DataAwsEc2ManagedPrefixListConfig{
			Name: ptr.String("com.amazonaws." + n.env.Region + ".vpc-lattice"),
		})
		n.latticeRange = *pl.Id()
	}
	return n.latticeRange
}

// Engine returns the engine the network renders to.
func (n *Network) Engine() Engine { return n.engine }

// Name returns the mesh or service network name.
func (n *Network) Name() string { return n.name }

// ServiceNetworkID returns the Lattice service network id ("" for the
// other engines).
func (n *Network) ServiceNetworkID() string { return n.serviceNetworkID }

// MeshName returns the App Mesh mesh name ("" for the other engines).
func (n *Network) MeshName() string { return n.meshName }

// ServiceNetwork returns the VPC Lattice service network (nil on the other
// engines), as an escape hatch.
func (n *Network) ServiceNetwork() vpclatticeservicenetwork.VpclatticeServiceNetwork {
	return n.serviceNetwork
}

// Mesh returns the App Mesh mesh (nil on the other engines), as an escape
// hatch.
func (n *Network) Mesh() appmeshmesh.AppmeshMesh { return n.mesh }
