package network

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupegressrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"

	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// Connectable is anything with security groups that traffic can be allowed
// to or from: a Lambda handler in a VPC, an EKS cluster (its pods and
// nodes), a load balancer, or Connections made with NewConnections.
type Connectable interface {
	Connections() *Connections
}

// Connections are the security groups of one end of traffic, and the rules
// that open paths to and from it. a.Connections().AllowTo(b, port, why)
// writes both halves of a path, the egress rule on a's groups and the
// ingress rule on b's, so neither side is forgotten.
//
// Rules are one resource each (aws_vpc_security_group_egress_rule and
// ..._ingress_rule), created under the construct that owns each side, with
// ids "<side>-to-<peer>-<port>" and "<side>-from-<peer>-<port>". Asking for
// the same path twice creates it once.
type Connections struct {
	owner  constructs.Construct
	name   string
	groups []string
	done   map[string]*Permission
	ids    names.IDs
}

// Permission is what one Allow call created, as escape hatches (for
// example to add a moved block when a rule's address changes).
type Permission struct {
	Egress  []vpcsecuritygroupegressrule.VpcSecurityGroupEgressRule
	Ingress []vpcsecuritygroupingressrule.VpcSecurityGroupIngressRule
}

// NewConnections describes the security groups securityGroupIDs, whose
// rules are created under owner; name (lowercase letters, digits and '-')
// appears in rule ids and descriptions. A construct that owns one security
// group returns such a value from its Connections method.
func NewConnections(owner constructs.Construct, name string, securityGroupIDs ...string) *Connections {
	return &Connections{owner: owner, name: name, groups: append([]string(nil), securityGroupIDs...), done: map[string]*Permission{}, ids: names.IDs{}}
}

// Connections returns c, so that Connections is itself Connectable.
func (c *Connections) Connections() *Connections { return c }

// SecurityGroupIDs returns the groups.
func (c *Connections) SecurityGroupIDs() []string { return append([]string(nil), c.groups...) }

// Name returns the name used in rule ids.
func (c *Connections) Name() string { return c.name }

func (c *Connections) report() *validation.Report {
	path := ""
	if c.owner != nil {
		path = *c.owner.Node().Path()
	}
	return validation.NewReport("network", path)
}

func checkPort(r *validation.Report, field string, port int) {
	if port < 1 || port > 65535 {
		r.Addf(field+".Port", "%d is not a TCP port (1-65535)", port)
	}
}

func (c *Connections) checkSelf(r *validation.Report, field string) {
	if c.owner == nil {
		r.Addf(field, "the Connections have no owner construct; make them with NewConnections")
		return
	}
	if len(c.groups) == 0 {
		r.Addf(field, "%q has no security group of its own (a Lambda handler outside a VPC, or one given SecurityGroupIDs); add rules to the groups you gave", c.name)
	}
	if !names.Readable(c.name) {
		r.Addf(field, "name %q must be 1-40 lowercase letters, digits and '-'", c.name)
	}
}

// AllowTo lets c open TCP connections to peer on port: an egress rule on
// each of c's groups to each of peer's, and an ingress rule on each of
// peer's groups from each of c's. description says why (both rules carry
// it). It returns an error wrapping validate.ErrInvalid when either side
// has no security group, the port is not one, or description is empty.
func (c *Connections) AllowTo(peer Connectable, port int, description string) (*Permission, error) {
	r := c.report()
	field := fmt.Sprintf("AllowTo(%d)", port)
	c.checkSelf(r, field)
	var p *Connections
	if peer == nil || peer.Connections() == nil {
		r.Addf(field+".Peer", "is nil")
	} else {
		p = peer.Connections()
		p.checkSelf(r, field+".Peer")
	}
	checkPort(r, field, port)
	if strings.TrimSpace(description) == "" {
		r.Addf(field+".Description", "is empty; say why this path is open (it is shown in the console next to the rule)")
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	key := fmt.Sprintf("to|%s|%d|%s", strings.Join(p.groups, ","), port, strings.Join(c.groups, ","))
	if done := c.done[key]; done != nil {
		return done, nil
	}
	perm := &Permission{}
	for i, from := range c.groups {
		for j, to := range p.groups {
			id := c.ids.For(fmt.Sprintf("%s-to-%s-%d%s", c.name, p.name, port, index(i, j)), key+fmt.Sprint(i, j))
			perm.Egress = append(perm.Egress, vpcsecuritygroupegressrule.NewVpcSecurityGroupEgressRule(c.owner, ptr.String(id), &vpcsecuritygroupegressrule.VpcSecurityGroupEgressRuleConfig{
				SecurityGroupId:           ptr.String(from),
				Description:               ptr.String(description),
				IpProtocol:                ptr.String("tcp"),
				FromPort:                  ptr.Number(port),
				ToPort:                    ptr.Number(port),
				ReferencedSecurityGroupId: ptr.String(to),
			}))
		}
	}
	for j, to := range p.groups {
		for i, from := range c.groups {
			id := p.ids.For(fmt.Sprintf("%s-from-%s-%d%s", p.name, c.name, port, index(j, i)), key+fmt.Sprint(i, j))
			perm.Ingress = append(perm.Ingress, vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(p.owner, ptr.String(id), &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
				SecurityGroupId:           ptr.String(to),
				Description:               ptr.String(description),
				IpProtocol:                ptr.String("tcp"),
				FromPort:                  ptr.Number(port),
				ToPort:                    ptr.Number(port),
				ReferencedSecurityGroupId: ptr.String(from),
			}))
		}
	}
	c.done[key] = perm
	return perm, nil
}

// AllowFrom lets peer open TCP connections to c on port; it is
// peer.Connections().AllowTo(c, port, description).
func (c *Connections) AllowFrom(peer Connectable, port int, description string) (*Permission, error) {
	if peer == nil || peer.Connections() == nil {
		r := c.report()
		r.Addf(fmt.Sprintf("AllowFrom(%d).Peer", port), "is nil")
		return nil, r.Err()
	}
	return peer.Connections().AllowTo(c, port, description)
}

// AllowFromCIDR admits TCP connections on port from an IPv4 range (the
// VPC's, say) with an ingress rule on each of c's groups. 0.0.0.0/0 is
// refused: open a group to the Internet with your own rule, on purpose.
func (c *Connections) AllowFromCIDR(cidr string, port int, description string) (*Permission, error) {
	return c.allowCIDR(false, cidr, port, description)
}

// AllowToCIDR lets c open TCP connections on port to an IPv4 range, with an
// egress rule on each of c's groups.
func (c *Connections) AllowToCIDR(cidr string, port int, description string) (*Permission, error) {
	return c.allowCIDR(true, cidr, port, description)
}

func (c *Connections) allowCIDR(egress bool, cidr string, port int, description string) (*Permission, error) {
	r := c.report()
	verb := "AllowFromCIDR"
	if egress {
		verb = "AllowToCIDR"
	}
	field := fmt.Sprintf("%s(%s, %d)", verb, cidr, port)
	c.checkSelf(r, field)
	checkPort(r, field, port)
	if !validation.IsToken(cidr) {
		if p, err := netip.ParsePrefix(cidr); err != nil || !p.Addr().Is4() || p.Masked() != p {
			r.Addf(field+".CIDR", "%q is not an IPv4 network in CIDR notation such as 10.0.0.0/16", cidr)
		} else if p.Bits() == 0 && !egress {
			r.Addf(field+".CIDR", "%q admits the whole Internet; Connections only open paths inside your networks", cidr)
		}
	}
	if strings.TrimSpace(description) == "" {
		r.Addf(field+".Description", "is empty; say why this path is open")
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	key := fmt.Sprintf("cidr|%t|%s|%d", egress, cidr, port)
	if done := c.done[key]; done != nil {
		return done, nil
	}
	perm := &Permission{}
	dir := "from"
	if egress {
		dir = "to"
	}
	for i, g := range c.groups {
		id := c.ids.For(fmt.Sprintf("%s-%s-%s-%d%s", c.name, dir, cidrID(cidr), port, index(i, 0)), key+fmt.Sprint(i))
		if egress {
			perm.Egress = append(perm.Egress, vpcsecuritygroupegressrule.NewVpcSecurityGroupEgressRule(c.owner, ptr.String(id), &vpcsecuritygroupegressrule.VpcSecurityGroupEgressRuleConfig{
				SecurityGroupId: ptr.String(g), Description: ptr.String(description), IpProtocol: ptr.String("tcp"),
				FromPort: ptr.Number(port), ToPort: ptr.Number(port), CidrIpv4: ptr.String(cidr),
			}))
		} else {
			perm.Ingress = append(perm.Ingress, vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(c.owner, ptr.String(id), &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
				SecurityGroupId: ptr.String(g), Description: ptr.String(description), IpProtocol: ptr.String("tcp"),
				FromPort: ptr.Number(port), ToPort: ptr.Number(port), CidrIpv4: ptr.String(cidr),
			}))
		}
	}
	c.done[key] = perm
	return perm, nil
}

// index is "" for the first pair of groups and "-i-j" for the others, so
// the common one-group case keeps short ids.
func index(i, j int) string {
	if i == 0 && j == 0 {
		return ""
	}
	return fmt.Sprintf("-%d-%d", i, j)
}

// cidrID makes a CIDR readable in an id: "10.0.0.0/16" gives
// "10-0-0-0-16"; a token (the VPC's CIDR) gives "cidr".
func cidrID(cidr string) string {
	if validation.IsToken(cidr) {
		return "cidr"
	}
	return strings.NewReplacer(".", "-", "/", "-").Replace(cidr)
}
