package policy

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The rules in this file catch what a plan accepts and an apply (or a later
// destroy) rejects: names that grow past AWS limits once Terraform adds its
// suffix, resources created before what they need, and configurations that
// deploy cleanly but leave traffic or administrators locked out.

// uniqueSuffixLen is the length of the suffix Terraform appends to a name
// prefix (a timestamp and a counter, id.UniqueIDSuffixLength).
const uniqueSuffixLen = 26

// nameKind says how the provider turns an attribute into the resource's name.
type nameKind int

const (
	// fullName: the attribute is the name.
	fullName nameKind = iota
	// suffixedPrefix: Terraform appends a 26-character unique suffix.
	suffixedPrefix
	// cappedPrefix: the provider limits the prefix itself (load balancers
	// and their target groups take at most 6 characters).
	cappedPrefix
)

// nameLimit is the length limit of one naming attribute of a resource type.
type nameLimit struct {
	attr string
	kind nameKind
	// min and max bound the length of the name AWS receives (for
	// cappedPrefix, of the prefix itself). min 0 means no lower bound.
	min, max int
	// after returns what the provider appends after the unique suffix of a
	// prefix, such as ".fifo".
	after func(r Resource) string
}

func prefixOf(attr string, max int) nameLimit {
	return nameLimit{attr: attr, kind: suffixedPrefix, max: max}
}
func nameOf(attr string, min, max int) nameLimit {
	return nameLimit{attr: attr, kind: fullName, min: min, max: max}
}

// fifoSuffix is what the provider appends to generated FIFO queue and topic
// names.
func fifoSuffix(flag string) func(Resource) string {
	return func(r Resource) string {
		if truthy(r.Attrs[flag]) {
			return ".fifo"
		}
		return ""
	}
}

// nameLimits holds every name length limit NAME-001 checks, by resource
// type. Add a type here to check it.
var nameLimits = map[string][]nameLimit{
	"aws_iam_role":                 {prefixOf("name_prefix", 64), nameOf("name", 0, 64)},
	"aws_iam_policy":               {prefixOf("name_prefix", 128), nameOf("name", 0, 128)},
	"aws_iam_role_policy":          {prefixOf("name_prefix", 128), nameOf("name", 0, 128)},
	"aws_iam_instance_profile":     {prefixOf("name_prefix", 128), nameOf("name", 0, 128)},
	"aws_cloudwatch_event_rule":    {prefixOf("name_prefix", 64), nameOf("name", 0, 64)},
	"aws_eks_node_group":           {prefixOf("node_group_name_prefix", 63), nameOf("node_group_name", 0, 63)},
	"aws_eks_cluster":              {nameOf("name", 0, 100)},
	"aws_launch_template":          {prefixOf("name_prefix", 128), nameOf("name", 0, 128)},
	"aws_security_group":           {prefixOf("name_prefix", 255), nameOf("name", 0, 255)},
	"aws_sqs_queue":                {{attr: "name_prefix", kind: suffixedPrefix, max: 80, after: fifoSuffix("fifo_queue")}, nameOf("name", 0, 80)},
	"aws_sns_topic":                {{attr: "name_prefix", kind: suffixedPrefix, max: 256, after: fifoSuffix("fifo_topic")}, nameOf("name", 0, 256)},
	"aws_s3_bucket":                {prefixOf("bucket_prefix", 63), nameOf("bucket", 3, 63)},
	"aws_scheduler_schedule":       {prefixOf("name_prefix", 64), nameOf("name", 0, 64)},
	"aws_scheduler_schedule_group": {prefixOf("name_prefix", 64), nameOf("name", 0, 64)},
	"aws_cloudwatch_log_group":     {prefixOf("name_prefix", 512), nameOf("name", 0, 512)},
	"aws_kms_alias":                {prefixOf("name_prefix", 256), nameOf("name", 0, 256)},
	"aws_db_instance":              {prefixOf("identifier_prefix", 63), nameOf("identifier", 0, 63)},
	"aws_db_subnet_group":          {prefixOf("name_prefix", 255), nameOf("name", 0, 255)},
	"aws_lambda_function":          {nameOf("function_name", 0, 64)},
	"aws_lb":                       {{attr: "name_prefix", kind: cappedPrefix, max: 6}, nameOf("name", 0, 32)},
	"aws_alb":                      {{attr: "name_prefix", kind: cappedPrefix, max: 6}, nameOf("name", 0, 32)},
	"aws_lb_target_group":          {{attr: "name_prefix", kind: cappedPrefix, max: 6}, nameOf("name", 0, 32)},
	"aws_alb_target_group":         {{attr: "name_prefix", kind: cappedPrefix, max: 6}, nameOf("name", 0, 32)},
	"aws_vpclattice_service":       {nameOf("name", 3, 40)},
	// CreateServiceNetwork and AWS::VpcLattice::ServiceNetwork allow 3-63.
	"aws_vpclattice_service_network": {nameOf("name", 3, 63)},
	"aws_vpclattice_target_group":    {nameOf("name", 3, 128)},
}

var (
	// anyRefRe finds type.name pairs anywhere inside an expression, such as
	// aws_eks_cluster.c in ${replace(aws_eks_cluster.c.identity[0].oidc[0].issuer, ...)}.
	anyRefRe = regexp.MustCompile(`\b([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)`)

	// Compute whose role's policies must exist before it and outlive it.
	computeRoles = []struct {
		typ, attr string
		when      func(Resource) bool
		// attachmentsOnly checks managed policy attachments only: a Lambda
		// function in a VPC needs its VPC-access policy when it is
		// created, while inline grants added later are waited for by the
		// event sources and destinations that use them.
		attachmentsOnly bool
	}{
		{"aws_eks_cluster", "role_arn", nil, false},
		{"aws_eks_node_group", "node_role_arn", nil, false},
		{"aws_eks_fargate_profile", "pod_execution_role_arn", nil, false},
		{"aws_eks_addon", "service_account_role_arn", nil, false},
		{"aws_lambda_function", "role", func(r Resource) bool {
			vpc := block(r.Attrs, "vpc_config")
			return vpc != nil && len(strs(vpc["subnet_ids"])) > 0
		}, true},
	}
)

const eksClusterAdminPolicy = "cluster-access-policy/AmazonEKSClusterAdminPolicy"

func init() {
	register(Rule{ID: "NAME-001", Severity: Error, Title: "generated names plus Terraform's 26-character suffix fit the AWS limit",
		Fix: "shorten the name or name prefix (a prefix may be at most the limit minus 26 characters; load balancer prefixes at most 6)", Equivalents: Equivalents{},
		check: func(d *Doc, emit emitFunc) {
			types := make([]string, 0, len(nameLimits))
			for t := range nameLimits {
				types = append(types, t)
			}
			sort.Strings(types)
			for _, typ := range types {
				for _, r := range d.Of(typ) {
					for _, l := range nameLimits[typ] {
						if msg := l.violation(r); msg != "" {
							emit(r, l.attr, msg)
						}
					}
				}
			}
		}})

	register(Rule{ID: "API-004", Severity: Error, Title: "stage route settings name only routes the stage depends on",
		Fix: "add the route to the stage's depends_on (or drop its route_settings)", Equivalents: Equivalents{},
		check: func(d *Doc, emit emitFunc) {
			for _, s := range d.Of("aws_apigatewayv2_stage") {
				var deps map[string]bool
				for i, rs := range blocks(s.Attrs, "route_settings") {
					key := str(rs["route_key"])
					if key == "" || isToken(key) {
						continue
					}
					if deps == nil {
						deps = d.dependencies(s)
					}
					exists, depended := false, false
					for _, route := range d.Of("aws_apigatewayv2_route") {
						if str(route.Attrs["route_key"]) != key {
							continue
						}
						exists = true
						depended = depended || deps[route.Address()]
					}
					if depended {
						continue
					}
					why := "the stage does not depend on the route with that key"
					if !exists {
						why = "no aws_apigatewayv2_route in the stack has that key"
					}
					emit(s, fmt.Sprintf("route_settings[%d].route_key", i), fmt.Sprintf("route settings name route %q but %s: creating the stage first fails with NotFoundException \"Unable to find Route by key\"", key, why))
				}
			}
		}})

	register(Rule{ID: "MESH-003", Severity: Error, Title: "VPC Lattice service networks and services with AWS_IAM auth have an auth policy",
		Fix: "add an aws_vpclattice_auth_policy whose resource_identifier is the service network's or service's id or ARN", Equivalents: Equivalents{},
		check: func(d *Doc, emit emitFunc) {
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
		}})

	register(Rule{ID: "NET-001", Severity: Error, Title: "every load balancer listener port is admitted by the load balancer's security groups",
		Fix: "add an ingress rule for the listener port to the load balancer's security group", Equivalents: Equivalents{},
		check: func(d *Doc, emit emitFunc) {
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
		}})

	register(Rule{ID: "EKS-007", Severity: Error, Title: "every EKS cluster has an administrator access entry",
		Fix: "add an access entry with an aws_eks_access_policy_association of AmazonEKSClusterAdminPolicy and access_scope { type = \"cluster\" }", Equivalents: Equivalents{},
		check: func(d *Doc, emit emitFunc) {
			for _, c := range d.Of("aws_eks_cluster") {
				ac := block(c.Attrs, "access_config")
				if mode := str(ac["authentication_mode"]); mode != "API" && mode != "API_AND_CONFIG_MAP" {
					continue // CONFIG_MAP: administrators live in aws-auth (EKS-004 reports the mode)
				}
				if truthy(ac["bootstrap_cluster_creator_admin_permissions"]) {
					continue // the creator is an administrator (EKS-004 reports that)
				}
				admin := false
				for _, a := range d.Of("aws_eks_access_policy_association") {
					name := a.Attrs["cluster_name"]
					if !refersTo(name, c.Address()) && (isToken(name) || str(name) == "" || str(name) != str(c.Attrs["name"])) {
						continue
					}
					if strings.HasSuffix(str(a.Attrs["policy_arn"]), eksClusterAdminPolicy) && str(path(a.Attrs, "access_scope", "type")) == "cluster" {
						admin = true
					}
				}
				if !admin {
					emit(c, "access_config", "no access entry is associated with AmazonEKSClusterAdminPolicy on the whole cluster, so nobody can administer it")
				}
			}
		}})

	register(Rule{ID: "EKS-008", Severity: Error, Title: "compute depends on its role's policy attachments",
		Fix: "add the role's policy attachments and inline policies to the compute resource's depends_on", Equivalents: Equivalents{},
		check: func(d *Doc, emit emitFunc) {
			for _, c := range computeRoles {
				for _, r := range d.Of(c.typ) {
					if c.when != nil && !c.when(r) {
						continue
					}
					var deps map[string]bool
					for _, roleAddr := range uniq(refs(r.Attrs[c.attr])) {
						if role, ok := d.Get(roleAddr); !ok || role.Type != "aws_iam_role" {
							continue
						}
						var policies []Resource
						policies = append(policies, d.referrers("aws_iam_role_policy_attachment", "role", roleAddr)...)
						if !c.attachmentsOnly {
							policies = append(policies, d.referrers("aws_iam_role_policy", "role", roleAddr)...)
						}
						for _, p := range policies {
							if deps == nil {
								deps = d.dependencies(r)
							}
							if !deps[p.Address()] {
								emit(r, c.attr, fmt.Sprintf("does not depend on %s of role %s: it may be created before the policy is attached, and destroy detaches the policy first", p.Address(), roleAddr))
							}
						}
					}
				}
			}
		}})

	register(Rule{ID: "S3-005", Severity: Error, Title: "buckets encrypt with a customer managed KMS key and S3 Bucket Keys",
		Fix: "set rule { apply_server_side_encryption_by_default { sse_algorithm = \"aws:kms\", kms_master_key_id = <key ARN> }, bucket_key_enabled = true }, or suppress S3-005 on the encryption configuration with the reason SSE-S3 is enough", Equivalents: Equivalents{"", "AVD-AWS-0132", "CKV_AWS_145, CKV2_AWS_67"},
		check: func(d *Doc, emit emitFunc) {
			for _, b := range d.Of("aws_s3_bucket") {
				configs := d.referrers("aws_s3_bucket_server_side_encryption_configuration", "bucket", b.Address())
				inline := block(b.Attrs, "server_side_encryption_configuration")
				if len(configs) == 0 && inline == nil {
					emit(b, "", "no encryption configuration, so objects get SSE-S3 (Amazon S3 managed keys), not a customer managed KMS key")
					continue
				}
				// Findings go where the encryption is configured, which is
				// also where a construct records an SSE-S3 suppression.
				for _, c := range configs {
					if p := ruleProblems(c.Attrs); p != "" {
						emit(c, "rule", p)
					}
				}
				if inline != nil && len(configs) == 0 {
					if p := ruleProblems(inline); p != "" {
						emit(b, "server_side_encryption_configuration.rule", p)
					}
				}
			}
		}})
}

// ruleProblems returns why no rule of an encryption configuration uses a
// customer managed KMS key with S3 Bucket Keys, or "" when one does.
func ruleProblems(config map[string]any) string {
	rules := blocks(config, "rule")
	if len(rules) == 0 {
		return "no encryption rule"
	}
	var problems []string
	for _, rule := range rules {
		p := sseProblems(rule)
		if len(p) == 0 {
			return ""
		}
		problems = append(problems, p...)
	}
	return strings.Join(problems, "; ")
}

// violation returns why r's attribute breaks the limit, or "".
func (l nameLimit) violation(r Resource) string {
	v, ok := r.Attrs[l.attr].(string)
	if !ok || v == "" {
		return ""
	}
	lit := literalText(v)
	partial := lit != v
	n := utf8.RuneCountInString(lit)
	if n == 0 {
		return "" // only interpolations: nothing known before apply
	}
	desc := fmt.Sprintf("%s %q is %d characters", l.attr, v, n)
	atLeast := ""
	if partial {
		desc = fmt.Sprintf("%s %q has %d literal characters", l.attr, v, n)
		atLeast = "at least "
	}
	switch l.kind {
	case cappedPrefix:
		if n > l.max {
			return fmt.Sprintf("%s; the provider accepts a %s of at most %d characters for %s", desc, l.attr, l.max, r.Type)
		}
	case suffixedPrefix:
		after := ""
		if l.after != nil {
			after = l.after(r)
		}
		total := n + uniqueSuffixLen + len(after)
		if total > l.max {
			with := fmt.Sprintf("Terraform's %d-character suffix", uniqueSuffixLen)
			if after != "" {
				with += fmt.Sprintf(" and %q", after)
			}
			return fmt.Sprintf("%s; with %s the name is %s%d characters, over the %d-character limit of %s (the prefix may have at most %d)",
				desc, with, atLeast, total, l.max, r.Type, l.max-uniqueSuffixLen-len(after))
		}
	default:
		if n > l.max {
			return fmt.Sprintf("%s, over the %d-character limit of %s", desc, l.max, r.Type)
		}
		if !partial && l.min > 0 && n < l.min {
			return fmt.Sprintf("%s, under the %d-character minimum of %s", desc, l.min, r.Type)
		}
	}
	return ""
}

// dependencies returns the addresses Terraform must create before r (and
// destroy after it): those r's depends_on list and ${...} expressions name,
// and theirs in turn.
func (d *Doc) dependencies(r Resource) map[string]bool {
	seen := map[string]bool{}
	queue := d.directDependencies(r)
	for len(queue) > 0 {
		a := queue[0]
		queue = queue[1:]
		if seen[a] {
			continue
		}
		seen[a] = true
		if next, ok := d.Get(a); ok {
			queue = append(queue, d.directDependencies(next)...)
		}
	}
	return seen
}

// directDependencies returns the depends_on entries of r and the resources
// of the document its expressions mention.
func (d *Doc) directDependencies(r Resource) []string {
	out := strs(r.Attrs["depends_on"])
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			if !strings.Contains(x, "${") {
				return
			}
			for _, m := range anyRefRe.FindAllStringSubmatch(x, -1) {
				if addr := m[1] + "." + m[2]; m[1] != "data" {
					if _, ok := d.byAddr[addr]; ok {
						out = append(out, addr)
					}
				}
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for k, e := range x {
				if k != "depends_on" && k != "//" {
					walk(e)
				}
			}
		}
	}
	walk(r.Attrs)
	return out
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

// sseProblems returns what keeps an encryption rule from using a customer
// managed KMS key with S3 Bucket Keys.
func sseProblems(rule map[string]any) []string {
	def := block(rule, "apply_server_side_encryption_by_default")
	alg := str(def["sse_algorithm"])
	var out []string
	switch alg {
	case "aws:kms", "aws:kms:dsse":
		key := str(def["kms_master_key_id"])
		switch {
		case key == "":
			out = append(out, fmt.Sprintf("sse_algorithm %s without kms_master_key_id uses the AWS managed key aws/s3", alg))
		case strings.HasSuffix(key, "alias/aws/s3"):
			out = append(out, "kms_master_key_id is the AWS managed key aws/s3, not a customer managed key")
		}
		// S3 Bucket Keys are not supported with DSSE-KMS.
		if alg == "aws:kms" && !truthy(rule["bucket_key_enabled"]) {
			out = append(out, "bucket_key_enabled is not true, so every object request calls KMS")
		}
	case "":
		out = append(out, "no sse_algorithm")
	default:
		out = append(out, fmt.Sprintf("sse_algorithm is %s (SSE-S3, Amazon S3 managed keys), not aws:kms with a customer managed key", alg))
	}
	return out
}

// uniq returns ss without repeats, in first-seen order.
func uniq(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
