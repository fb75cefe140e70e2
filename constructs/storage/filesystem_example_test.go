package storage_test

import (
	"encoding/json"
	"fmt"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/storage"
)

// A file system with the secure defaults: encrypted with a new customer
// managed key, TLS-only, no root access, automatic backups, elastic
// throughput, files moved to Infrequent Access after 30 days without a
// read, one mount target per private subnet, and protected from terraform
// destroy.
func ExampleNewFileSystem() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.NewVPC(stack, "network", network.VPCProps{AvailabilityZones: []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	shared, err := storage.NewFileSystem(stack, "shared", storage.FileSystemProps{Name: "shared", VPC: vpc})
	if err != nil {
		fmt.Println(err)
		return
	}
	var doc struct {
		Resource map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal([]byte(*cdktf.Testing_Synth(stack, jsii.Bool(false))), &doc); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(*shared.Node().Path(), "has its own key:", shared.Key() != nil)
	fmt.Println("mount targets:", len(doc.Resource["aws_efs_mount_target"]))

	_, err = storage.NewFileSystem(stack, "typo", storage.FileSystemProps{Name: "shared", VPC: vpc, TransitionToIADays: 45})
	fmt.Println(err)
	// Output:
	// example/shared has its own key: true
	// mount targets: 3
	// storage "example/typo": TransitionToIADays 45 is not a transition EFS accepts; use one of [1 7 14 30 60 90 180 270 365]
}

// A file system shared by the tenants of an EKS cluster. The cluster lists
// the EFS CSI driver add-on (at its pinned version, with an IRSA role for
// its controller); its pods and nodes reach the mount targets on the NFS
// port; the risk team gets its own directory, where every pod acts as
// UID:GID 1001:1001, and its pods' IRSA role may mount (and write) through
// that access point only. A static PersistentVolume of the driver names the
// access point with VolumeHandle.
func ExampleNewAccessPoint() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	vpc, err := network.NewVPC(stack, "network", network.VPCProps{AvailabilityZones: []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"}, ClusterNames: []string{"platform"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	cluster, err := eks.NewCluster(stack, "platform", eks.ClusterProps{
		VPC:        vpc,
		NodeGroups: []eks.NodeGroupProps{{Name: "general", MaxSize: 3}},
		Addons: []eks.AddonProps{
			{Name: eks.AddonVPCCNI}, {Name: eks.AddonKubeProxy}, {Name: eks.AddonPodIdentity}, {Name: eks.AddonCoreDNS},
			{Name: eks.AddonEBSCSIDriver}, {Name: eks.AddonEFSCSIDriver},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	shared, err := storage.NewFileSystem(stack, "shared", storage.FileSystemProps{Name: "platform-shared", VPC: vpc})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := cluster.Connections().AllowTo(shared, storage.NFSPort, "Pods mount the shared file system"); err != nil {
		fmt.Println(err)
		return
	}
	risk, err := storage.NewAccessPoint(stack, "risk", storage.AccessPointProps{FileSystem: shared, Path: "/tenants/risk", UID: 1001, GID: 1001})
	if err != nil {
		fmt.Println(err)
		return
	}
	riskPods, err := eks.NewServiceAccountRole(stack, "risk-pods", eks.ServiceAccountRoleProps{Cluster: cluster, Namespace: "risk", ServiceAccount: "pricer"})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := risk.GrantMount(riskPods, true); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("EFS CSI driver:", eks.AddonVersion(cluster.Version(), eks.AddonEFSCSIDriver))

	_, err = storage.NewAccessPoint(stack, "everything", storage.AccessPointProps{FileSystem: shared, Path: "/", UID: 1001, GID: 1001})
	fmt.Println(err)
	// Output:
	// EFS CSI driver: v2.3.1-eksbuild.1
	// storage "example/everything": Path "/" is the whole file system; give a tenant its own directory, such as "/tenants/risk"
}
