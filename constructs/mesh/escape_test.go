package mesh_test

import (
	"testing"

	"github.com/hybridstack/hybridstack/constructs/mesh"
)

// The escape hatches hand out the resource each engine rendered, and nil
// for the other engine.
func TestEscapeHatches(t *testing.T) {
	e := newEnv(t, false)
	lattice, err := mesh.NewNetwork(e.stack, "lattice", mesh.NetworkProps{Name: "shop", VPC: e.vpc})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := mesh.NewVirtualService(e.stack, "payments", canary(lattice))
	if err != nil {
		t.Fatal(err)
	}
	if lattice.ServiceNetwork() == nil || lattice.Mesh() != nil {
		t.Error("a Lattice network has a service network and no mesh")
	}
	if svc.LatticeService() == nil || svc.AppMeshService() != nil || *svc.LatticeService().Name() == "" {
		t.Error("a Lattice service has a Lattice service and no App Mesh virtual service")
	}

	appMesh := appMeshNet(t)
	props := canary(appMesh)
	props.PlaintextReason = "test of the escape hatches"
	vs, err := mesh.NewVirtualService(appMesh, "payments", props)
	if err != nil {
		t.Fatal(err)
	}
	if appMesh.Mesh() == nil || appMesh.ServiceNetwork() != nil || vs.AppMeshService() == nil || vs.LatticeService() != nil {
		t.Error("an App Mesh network and service return App Mesh resources only")
	}
}
