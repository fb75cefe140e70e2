package eks

import (
	"errors"
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/eksaccessentry"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/eksaccesspolicyassociation"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// AddNodeGroup adds a managed node group to the cluster after NewCluster.
// The result is the same Terraform as listing the group last in
// ClusterProps.NodeGroups: the same ids, launch template, dependencies and
// validation (errors name the field NodeGroups[i], i being the group's
// position after the groups already there). The add-ons installed after
// compute (coredns, the CSI drivers) come to depend on the new group too,
// and a cluster given its first group gets what one built with it would
// have: the default aws-ebs-csi-driver add-on (when ClusterProps.Addons
// was nil), coredns back on EC2 nodes, and the node alarms.
//
// On a cluster already applied with Fargate only, "coredns back on EC2"
// changes nothing in AWS: the add-on's configuration_values is optional
// and computed in the AWS provider, so dropping {"computeType":"Fargate"}
// from the configuration plans no change and CoreDNS stays on Fargate
// (DNS keeps working). To move it, set the coredns add-on's configuration
// values explicitly in ClusterProps.Addons before adding the group.
//
// Call it before building what reads ComputeResources or HasEC2Nodes
// (telemetry.NewMetrics): they see the groups there are at that moment.
//
// It returns every problem at once, joined, each a *validate.FieldError
// wrapping validate.ErrInvalid, and creates nothing then. A cluster under
// AutoMode refuses node groups.
func (c *Cluster) AddNodeGroup(props NodeGroupProps) error {
	if c == nil || c.s == nil {
		return errors.New("eks: AddNodeGroup called on a nil *Cluster; create it with NewCluster")
	}
	r := validation.NewReport("eks", *c.Node().Path())
	f := fmt.Sprintf("NodeGroups[%d]", len(c.s.nodeGroups))
	if c.s.AutoMode != nil {
		r.Addf(f, "cannot be added: AutoMode is on and provisions nodes itself; a cluster takes node groups or Auto Mode, not both")
		return r.Err()
	}
	ng := nodeGroupDefaults(props)
	taken := map[string]bool{}
	for _, g := range c.s.nodeGroups {
		taken[g.Name] = true
	}
	c.s.validateNodeGroup(r, f, ng, taken)
	if err := r.Err(); err != nil {
		return err
	}

	first := len(c.s.NodeGroups) == 0
	c.s.NodeGroups = append(c.s.NodeGroups, props)
	c.s.nodeGroups = append(c.s.nodeGroups, ng)
	c.nodeGroup(ng)
	if first {
		if c.s.Addons == nil && !c.s.hasAddon(AddonEBSCSIDriver) {
			// NewCluster's default add-ons include the EBS CSI driver
			// for a cluster with node groups.
			a := AddonProps{Name: AddonEBSCSIDriver}
			c.s.addons = append(c.s.addons, a)
			c.addon(a, c.ComputeResources())
		}
		if c.coreDNSOnFargate {
			c.core.addons[AddonCoreDNS].ResetConfigurationValues()
			c.coreDNSOnFargate = false
		}
		c.watch()
	}
	c.rewireLateAddons()
	return nil
}

// rewireLateAddons sets the depends_on of the add-ons installed after
// compute to what NewCluster gives them: every node group and Fargate
// profile, then the add-on's role resources.
func (c *Cluster) rewireLateAddons() {
	compute := c.ComputeResources()
	for _, l := range c.late {
		var addrs []string
		for _, d := range append(append([]cdktf.ITerraformDependable(nil), compute...), l.roleDeps...) {
			addrs = append(addrs, address(d))
		}
		// Addresses written out render as given; an override would be
		// appended to the list, not replace it.
		l.addon.SetDependsOn(ptr.Strings(addrs))
	}
}

// address returns the Terraform address of a resource, as depends_on
// lists it.
func address(d cdktf.ITerraformDependable) string {
	r := d.(interface {
		TerraformResourceType() *string
		FriendlyUniqueId() *string
	})
	return *r.TerraformResourceType() + "." + *r.FriendlyUniqueId()
}

// AddAccessEntry grants one more IAM principal access to the cluster after
// NewCluster. The result is the same Terraform as listing the entry last
// in ClusterProps.AccessEntries: the same ids, resources and validation
// (errors name the field AccessEntries[i], i being the entry's position
// after the entries already there; a principal gets one entry). It returns
// every problem at once, joined, each a *validate.FieldError wrapping
// validate.ErrInvalid, and creates nothing then.
func (c *Cluster) AddAccessEntry(entry AccessEntry) error {
	if c == nil || c.s == nil {
		return errors.New("eks: AddAccessEntry called on a nil *Cluster; create it with NewCluster")
	}
	return c.core.checkedAccessEntry(c, entry)
}

// checkedAccessEntry validates entry as the next access entry of the
// cluster whose construct is scope, and creates it.
func (c *core) checkedAccessEntry(scope constructs.Construct, entry AccessEntry) error {
	r := validation.NewReport("eks", *scope.Node().Path())
	checkAccessEntry(r, fmt.Sprintf("AccessEntries[%d]", c.access.count), entry, c.access.seen)
	if err := r.Err(); err != nil {
		return err
	}
	c.addAccessEntry(scope, entry)
	return nil
}

// addAccessEntry creates a validated access entry and its policy
// association under scope, the cluster's construct.
func (c *core) addAccessEntry(scope constructs.Construct, e AccessEntry) {
	if c.access.ids == nil {
		c.access.ids, c.access.seen = names.IDs{}, map[string]int{}
	}
	i := c.access.count
	c.access.count++
	if !validation.IsToken(e.PrincipalARN) {
		c.access.seen[e.PrincipalARN] = i
	}
	// role/Admin in two accounts reads alike: keep ids injective.
	id := c.access.ids.For(accessEntryID(e.PrincipalARN, i), e.PrincipalARN)
	entry := eksaccessentry.NewEksAccessEntry(scope, ptr.String("access-entry-"+id), &eksaccessentry.EksAccessEntryConfig{
		ClusterName:      c.clusterName,
		PrincipalArn:     ptr.String(e.PrincipalARN),
		Type:             ptr.String("STANDARD"),
		KubernetesGroups: ptr.Strings(e.KubernetesGroups),
		Tags:             c.tags(c.name + "-" + id),
	})
	policy := e.Policy
	if policy == "" {
		policy = AccessPolicyView
	}
	accessScope := &eksaccesspolicyassociation.EksAccessPolicyAssociationAccessScope{Type: ptr.String("cluster")}
	if len(e.Namespaces) > 0 {
		accessScope = &eksaccesspolicyassociation.EksAccessPolicyAssociationAccessScope{Type: ptr.String("namespace"), Namespaces: ptr.Strings(e.Namespaces)}
	}
	eksaccesspolicyassociation.NewEksAccessPolicyAssociation(scope, ptr.String("access-policy-"+id), &eksaccesspolicyassociation.EksAccessPolicyAssociationConfig{
		ClusterName:  c.clusterName,
		PrincipalArn: entry.PrincipalArn(),
		PolicyArn:    ptr.String("arn:" + c.partition + ":eks::aws:cluster-access-policy/" + string(policy)),
		AccessScope:  accessScope,
	})
}
