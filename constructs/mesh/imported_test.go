package mesh_test

import (
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/mesh"
)

// A network runs on any eks.ClusterRef: on an imported cluster, Lattice is
// admitted to the cluster security group the data source read, and caller
// roles trust the OIDC provider it read.
func TestLatticeOnImportedCluster(t *testing.T) {
	e := newEnv(t, false)
	c, err := eks.ImportCluster(e.stack, "legacy", eks.ImportClusterProps{Name: "legacy", Version: eks.DefaultVersion, EC2Nodes: true})
	if err != nil {
		t.Fatal(err)
	}
	n, err := mesh.NewNetwork(e.stack, "mesh", mesh.NetworkProps{Name: "shop", VPC: e.vpc, Cluster: c})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mesh.NewVirtualService(e.stack, "payments", canary(n)); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, e.stack)
	clusters := doc.Data("aws_eks_cluster")
	if len(clusters) != 1 {
		t.Fatalf("want one aws_eks_cluster data source, got %d", len(clusters))
	}
	var cl string
	for name := range clusters {
		cl = "data.aws_eks_cluster." + name
	}
	rule := doc.One(t, "aws_vpc_security_group_ingress_rule", "cluster-ingress-from-lattice")
	if rule["security_group_id"] != "${"+cl+".vpc_config[0].cluster_security_group_id}" {
		t.Errorf("Lattice ingress on %v, want the imported cluster security group", rule["security_group_id"])
	}
}

// A nil *eks.Cluster is no cluster: optional for Lattice, refused where
// the engine needs one.
func TestNilClusterPointer(t *testing.T) {
	e := newEnv(t, false)
	var none *eks.Cluster
	if _, err := mesh.NewNetwork(e.stack, "lattice", mesh.NetworkProps{Name: "shop", VPC: e.vpc, Cluster: none}); err != nil {
		t.Errorf("Lattice without a cluster: %v", err)
	}
	_, err := mesh.NewNetwork(e.stack, "appmesh", mesh.NetworkProps{Name: "shop2", Engine: mesh.AppMesh, Cluster: none})
	if want := `Cluster is nil`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("App Mesh with a nil *eks.Cluster: %v", err)
	}
}
