package policy

import (
	"fmt"
	"sort"
	"unicode/utf8"
)

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

// checkNameLengths is NAME-001: it reports names and name prefixes that
// break the length limits in nameLimits, by resource type in sorted order.
func checkNameLengths(d *Doc, emit emitFunc) {
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
