package policy

import "fmt"

// checkAppMeshEndOfSupport is MESH-001: it reports every App Mesh mesh: App
// Mesh reached end of support.
func checkAppMeshEndOfSupport(d *Doc, emit emitFunc) {
	for _, m := range d.Of("aws_appmesh_mesh") {
		emit(m, "", "AWS App Mesh reached end of support on 2026-09-30")
	}
}

// checkAppMeshEgressAndTLS is MESH-002: it reports meshes whose egress
// filter is not DROP_ALL, and virtual node backends whose client policy (or
// the backend defaults) does not enforce TLS.
func checkAppMeshEgressAndTLS(d *Doc, emit emitFunc) {
	for _, m := range d.Of("aws_appmesh_mesh") {
		if str(path(m.Attrs, "spec", "egress_filter", "type")) != "DROP_ALL" {
			emit(m, "spec.egress_filter.type", "workloads may reach any destination outside the mesh")
		}
	}
	for _, n := range d.Of("aws_appmesh_virtual_node") {
		spec := block(n.Attrs, "spec")
		for i, b := range blocks(spec, "backend") {
			if !truthy(path(b, "virtual_service", "client_policy", "tls", "enforce")) && !truthy(path(spec, "backend_defaults", "client_policy", "tls", "enforce")) {
				emit(n, fmt.Sprintf("spec.backend[%d].virtual_service.client_policy.tls.enforce", i), "traffic to "+str(path(b, "virtual_service", "virtual_service_name"))+" is not TLS-enforced")
			}
		}
	}
}

// checkLatticeAuthPolicy is MESH-003: it reports VPC Lattice service
// networks and services with auth type AWS_IAM that no
// aws_vpclattice_auth_policy applies to.
func checkLatticeAuthPolicy(d *Doc, emit emitFunc) {
	for _, typ := range []string{"aws_vpclattice_service_network", "aws_vpclattice_service"} {
		for _, r := range d.Of(typ) {
			if str(r.Attrs["auth_type"]) != "AWS_IAM" {
				continue
			}
			if len(d.referrers("aws_vpclattice_auth_policy", "resource_identifier", r.Address())) == 0 {
				emit(r, "auth_type", "auth type is AWS_IAM but no aws_vpclattice_auth_policy applies to it, so VPC Lattice denies all traffic")
			}
		}
	}
}
