package policy

import (
	"fmt"
	"strconv"
	"strings"
)

// checkListenerPortsAdmitted is NET-001: it reports load balancer listeners
// whose port a security group of their load balancer does not admit.
func checkListenerPortsAdmitted(d *Doc, emit emitFunc) {
	for _, typ := range []string{"aws_lb_listener", "aws_alb_listener"} {
		for _, l := range d.Of(typ) {
			port, ok := portNum(l.Attrs["port"])
			if !ok {
				continue
			}
			for _, lbAddr := range refs(l.Attrs["load_balancer_arn"]) {
				lb, ok := d.Get(lbAddr)
				if !ok || (lb.Type != "aws_lb" && lb.Type != "aws_alb") {
					continue
				}
				for _, sgAddr := range uniq(refs(lb.Attrs["security_groups"])) {
					sg, ok := d.Get(sgAddr)
					if !ok || sg.Type != "aws_security_group" {
						continue
					}
					if !d.admits(sg, port) {
						emit(l, "port", fmt.Sprintf("listener port %d is not admitted by security group %s of load balancer %s: connections to it time out", port, sgAddr, lbAddr))
					}
				}
			}
		}
	}
}

// admits reports whether security group sg admits TCP or UDP traffic to
// port: through an aws_vpc_security_group_ingress_rule, an ingress
// aws_security_group_rule, or an inline ingress block.
func (d *Doc) admits(sg Resource, port int) bool {
	for _, r := range d.referrers("aws_vpc_security_group_ingress_rule", "security_group_id", sg.Address()) {
		if coversPort(r.Attrs["ip_protocol"], r.Attrs["from_port"], r.Attrs["to_port"], port) {
			return true
		}
	}
	for _, r := range d.referrers("aws_security_group_rule", "security_group_id", sg.Address()) {
		if str(r.Attrs["type"]) == "ingress" && coversPort(r.Attrs["protocol"], r.Attrs["from_port"], r.Attrs["to_port"], port) {
			return true
		}
	}
	for _, in := range blocks(sg.Attrs, "ingress") {
		if coversPort(in["protocol"], in["from_port"], in["to_port"], port) {
			return true
		}
	}
	return false
}

// coversPort reports whether a rule with this protocol and port range
// admits port. Protocol -1 (all) admits every port; ICMP ranges are types
// and codes, not ports.
func coversPort(protocol, from, to any, port int) bool {
	switch strings.ToLower(fmt.Sprint(protocol)) {
	case "-1", "all":
		return true
	case "icmp", "icmpv6", "1", "58":
		return false
	}
	lo, ok1 := portNum(from)
	hi, ok2 := portNum(to)
	return ok1 && ok2 && lo <= port && port <= hi
}

// portNum reads a port written as a JSON number or a numeric string.
func portNum(v any) (int, bool) {
	if n, ok := num(v); ok {
		return int(n), true
	}
	if s, ok := v.(string); ok {
		if n, err := strconv.Atoi(s); err == nil {
			return n, true
		}
	}
	return 0, false
}
