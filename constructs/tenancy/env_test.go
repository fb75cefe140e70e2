package tenancy_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/kafka"
	"github.com/hybridstack/hybridstack/constructs/kube"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/storage"
	"github.com/hybridstack/hybridstack/constructs/tenancy"
)

// env is a cluster stack (VPC, cluster, Kafka, EFS, bucket) and a tenants
// stack of the same app, with the kubernetes providers.
type env struct {
	aws, tenants cdktf.TerraformStack
	vpc          *network.VPC
	cluster      *eks.Cluster
	kafka        *kafka.Cluster
	fs           *storage.FileSystem
	bucket       *storage.Bucket
}

func newEnv(t testing.TB) *env {
	t.Helper()
	stack := tftest.NewStack(t)
	app := cdktf.App_Of(stack)
	if dir := *app.Outdir(); strings.HasPrefix(filepath.Base(dir), "cdktf.outdir.") {
		t.Cleanup(func() { os.RemoveAll(dir) })
	}
	e := &env{aws: stack}
	var err error
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	e.vpc, err = network.NewVPC(stack, "net", network.VPCProps{
		AvailabilityZones: []string{"eu-west-1a", "eu-west-1b"}, ClusterNames: []string{"trading"},
		LoadBalancerSubnetCIDRs: []string{"10.0.240.0/24", "10.0.241.0/24"},
	})
	must(err)
	e.cluster, err = eks.NewCluster(stack, "cluster", eks.ClusterProps{Name: "trading", VPC: e.vpc, PrivateAccessCIDRs: []string{e.vpc.CIDR()}, NodeGroups: []eks.NodeGroupProps{{Name: "general", MaxSize: 3}}})
	must(err)
	e.kafka, err = kafka.NewCluster(stack, "kafka", kafka.ClusterProps{Name: "trading", VPC: e.vpc})
	must(err)
	e.fs, err = storage.NewFileSystem(stack, "shared", storage.FileSystemProps{Name: "trading", VPC: e.vpc})
	must(err)
	e.bucket, err = storage.NewBucket(stack, "data", storage.BucketProps{})
	must(err)
	e.tenants = cdktf.NewTerraformStack(app, ptr.String("tenants"))
	provider.NewAwsProvider(e.tenants, ptr.String("aws"), &provider.AwsProviderConfig{Region: ptr.String("eu-west-1")})
	_, err = kube.NewProviders(e.tenants, "kubernetes", kube.ProvidersProps{Cluster: e.cluster, Region: "eu-west-1"})
	must(err)
	return e
}

// platform returns a platform in the tenants stack with every shared
// resource, the load balancer subnets, the mesh and one shared service.
func (e *env) platform(t testing.TB, mod func(*tenancy.PlatformProps)) *tenancy.Platform {
	t.Helper()
	props := tenancy.PlatformProps{
		Cluster: e.cluster, Bucket: e.bucket, Kafka: e.kafka, FileSystem: e.fs,
		LoadBalancerCIDRs: e.vpc.LoadBalancerSubnetCIDRs(), Mesh: true,
		EgressRules:    []tenancy.EgressRule{{Name: "vpc", CIDR: "10.0.0.0/16", Ports: []int{443, kafka.IAMPort}}},
		SharedServices: []tenancy.SharedService{{Name: "pricing", Namespace: "shared", PodLabels: map[string]string{"app": "pricing"}, Ports: []int{8080}}},
	}
	if mod != nil {
		mod(&props)
	}
	p, err := tenancy.NewPlatform(e.tenants, "tenancy", props)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// tenant returns valid props for tenant name with POSIX id uid.
func tenant(name string, uid int) tenancy.TenantProps {
	return tenancy.TenantProps{
		Name: name, UID: uid, GID: uid,
		TeamRoleARN:  fmt.Sprintf("arn:aws:iam::123456789012:role/%s-team", name),
		Topics:       []tenancy.Topic{{Name: "orders"}, {Name: "events"}},
		IngressPorts: []int{8080}, MeshPorts: []int{8080},
		Repositories: []string{"https://git.example.com/" + name + ".git"},
		Application:  &tenancy.Application{RepoURL: "https://git.example.com/" + name + ".git", Path: "deploy"},
	}
}
