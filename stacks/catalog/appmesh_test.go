package catalog_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/stacks/catalog"
)

// appMesh matches what rendering a mesh to AWS App Mesh leaves in a
// document: its Terraform resources, its controller's chart and its
// Kubernetes API group.
var appMesh = regexp.MustCompile(`"aws_appmesh_[a-z_]+"|appmesh\.k8s\.aws|"appmesh-controller"`)

// TestNoAppMesh: AWS App Mesh reached end of support on 2026-09-30; no
// reference stack renders it any more, and no stack is named after it.
func TestNoAppMesh(t *testing.T) {
	docs := synthDefaults(t)
	for _, name := range catalog.Names() {
		if strings.Contains(name, "appmesh") {
			t.Errorf("stack %s is still in the catalog", name)
		}
		types, err := catalog.ResourceTypes(docs[name])
		if err != nil {
			t.Fatal(err)
		}
		if len(types) == 0 {
			t.Errorf("%s: no resources; nothing was checked", name)
		}
		for _, typ := range types {
			if strings.HasPrefix(typ, "aws_appmesh_") {
				t.Errorf("%s renders %s", name, typ)
			}
		}
		if m := appMesh.FindAllString(string(docs[name]), 3); len(m) > 0 {
			t.Errorf("%s still holds App Mesh: %v", name, m)
		}
	}
}
