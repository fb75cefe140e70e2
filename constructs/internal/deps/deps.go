// Package deps adds Terraform dependencies to resources that already exist.
//
// cdktf turns the DependsOn of a resource's config into plain addresses
// ("aws_x.y"), which is what Terraform's depends_on accepts. After
// construction, SetDependsOn with another resource's Fqn renders
// "${aws_x.y}", which Terraform refuses; so Add passes the address that
// cdktf itself gives the resource (its type and unique id).
package deps

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Address returns the Terraform address of r in its stack, "type.name".
func Address(r cdktf.TerraformResource) string {
	return *r.TerraformResourceType() + "." + *r.FriendlyUniqueId()
}

// Add makes r depend on each of on too, keeping its current dependencies
// and adding each address once.
func Add(r cdktf.TerraformResource, on ...cdktf.TerraformResource) {
	var list []*string
	seen := map[string]bool{}
	if current := r.DependsOn(); current != nil {
		for _, d := range *current {
			list = append(list, d)
			seen[*d] = true
		}
	}
	for _, o := range on {
		a := Address(o)
		if !seen[a] {
			seen[a] = true
			list = append(list, &a)
		}
	}
	r.SetDependsOn(&list)
}

// StackPath returns the construct path of the stack c belongs to.
func StackPath(c constructs.IConstruct) string {
	return *cdktf.TerraformStack_Of(c).Node().Path()
}

// SameStack reports whether a and b are in one stack: only then may one's
// depends_on name the other.
func SameStack(a, b constructs.IConstruct) bool { return StackPath(a) == StackPath(b) }
