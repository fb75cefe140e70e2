package review

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/hybridstack/hybridstack/tools/tfjson"
)

// Reference equivalence: a change that only alters how a value is
// referenced is no change to Terraform, which compares the values the
// references resolve to. Two attribute values are equivalent when they are
// equal after each side's references are put in a canonical form:
//
//   - Data sources of the same type, provider and configuration read the
//     same thing (data.aws_region.network_region_X and
//     data.aws_region.awsenv-region, both without arguments): every member
//     of such a class is written as one representative, the head address
//     when the head has one. Configurations are compared after this same
//     canonicalization, so a policy document that references equivalent
//     data sources is equivalent too.
//   - A renamed or moved resource is compared through the diff's rename
//     map (normalizeAttrs, head addresses to base ones).
//   - The same attribute of the same resource by another path:
//     idAliases lists, per type, the attributes the provider sets to the
//     resource's id, so aws_iam_role.r.name and aws_iam_role.r.id compare
//     equal (both are written as the listed attribute).
//
// What is not equivalent here: an ARN assembled from the partition, Region
// and account data sources against the resource's own arn attribute (the
// format differs per service), and two data sources whose configurations
// differ only in values Terraform would resolve equal.

// idAliases lists, per resource or data source type, attributes the AWS
// provider (hashicorp/aws 5.x) always sets to the same value as id. Keep
// it to types whose documentation says "id - ... (same as X)" or whose
// import ID is X.
var idAliases = map[string][]string{
	"aws_iam_role":              {"name"},
	"aws_iam_user":              {"name"},
	"aws_iam_instance_profile":  {"name"},
	"aws_iam_policy":            {"arn"},
	"aws_s3_bucket":             {"bucket"},
	"aws_sqs_queue":             {"url"},
	"aws_sns_topic":             {"arn"},
	"aws_cloudwatch_log_group":  {"name"},
	"aws_lambda_function":       {"function_name"},
	"aws_dynamodb_table":        {"name"},
	"aws_ecr_repository":        {"name"},
	"aws_secretsmanager_secret": {"arn"},
	"aws_ecs_cluster":           {"arn"},
	"aws_eks_cluster":           {"name"},
	"aws_lb":                    {"arn"},
	"aws_lb_target_group":       {"arn"},
	"aws_lb_listener":           {"arn"},
	"aws_sfn_state_machine":     {"arn"},
	"data.aws_region":           {"name"},
	"data.aws_caller_identity":  {"account_id"},
	"data.aws_partition":        {"partition"},
}

// equivalence holds each side's canonical data source addresses.
type equivalence struct {
	// base and head map a data source address of that side to its class
	// representative (absent: itself).
	base, head map[string]string
}

// newEquivalence groups the data sources of both sides into classes of
// equal type, provider and configuration. rename maps head resource
// addresses to base ones; head configurations are read through it.
func newEquivalence(base, head *Stack, rename map[string]string) *equivalence {
	e := &equivalence{base: map[string]string{}, head: map[string]string{}}
	type member struct {
		head bool
		addr string
	}
	// Classes depend on the canonical form of the references inside the
	// configurations, which depends on the classes: repeat until stable
	// (a chain of data sources reading data sources is short).
	for round := 0; round < 8; round++ {
		classes := map[string][]member{}
		for _, side := range []struct {
			head bool
			s    *Stack
		}{{false, base}, {true, head}} {
			for addr, r := range side.s.Data {
				attrs := r.Attrs
				if side.head {
					attrs = normalizeAttrs(attrs, rename)
				}
				j, _ := json.Marshal(e.canonAttrs(attrs, side.head))
				key := r.Type + "\x00" + string(j)
				classes[key] = append(classes[key], member{side.head, addr})
			}
		}
		nb, nh := map[string]string{}, map[string]string{}
		for _, ms := range classes {
			var heads []string
			for _, m := range ms {
				if m.head {
					heads = append(heads, m.addr)
				}
			}
			// A class only the base has keeps its addresses: nothing in
			// the head can reference it.
			if len(heads) == 0 {
				continue
			}
			sort.Strings(heads)
			rep := heads[0]
			for _, m := range ms {
				if m.addr == rep {
					continue
				}
				if m.head {
					nh[m.addr] = rep
				} else {
					nb[m.addr] = rep
				}
			}
		}
		stable := sameMap(nb, e.base) && sameMap(nh, e.head)
		e.base, e.head = nb, nh
		if stable {
			break
		}
	}
	return e
}

func sameMap(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// canonString rewrites the references of one string of a side to their
// canonical form: the class representative's address and, for id or an
// attribute idAliases lists, the first attribute idAliases lists.
func (e *equivalence) canonString(s string, head bool) string {
	m := e.base
	if head {
		m = e.head
	}
	canonRef := func(r tfjson.Reference) string {
		addr := r.Address
		if to, ok := m[addr]; ok {
			addr = to
		}
		path := make([]string, len(r.Path))
		for i, st := range r.Path {
			path[i] = st.Raw
		}
		if len(r.Path) > 0 && r.Path[0].Kind == tfjson.AttrStep {
			typ := r.Type
			if r.Kind == tfjson.Data {
				typ = "data." + typ
			}
			// The canonical form is the named attribute, not id, so the
			// rules that recognize aws_caller_identity's account_id (the
			// own account) still do.
			if as := idAliases[typ]; len(as) > 0 && (r.Path[0].Name == "id" || contains(as, r.Path[0].Name)) {
				path[0] = "." + as[0]
			}
		}
		return addr + strings.Join(path, "")
	}
	if !strings.Contains(s, "${") {
		if r, ok := tfjson.ParseReference(s); ok && r.IsBlock() {
			return canonRef(r)
		}
		return s
	}
	refs := tfjson.References(s)
	var b strings.Builder
	last := 0
	for _, r := range refs {
		if !r.IsBlock() {
			continue
		}
		b.WriteString(s[last:r.Start])
		b.WriteString(canonRef(r))
		last = r.End
	}
	b.WriteString(s[last:])
	return b.String()
}

// canon returns a copy of a value of a side with its references in
// canonical form.
func (e *equivalence) canon(v any, head bool) any {
	switch x := v.(type) {
	case string:
		return e.canonString(x, head)
	case []any:
		out := make([]any, len(x))
		for i, el := range x {
			out[i] = e.canon(el, head)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, el := range x {
			if k == "//" {
				continue
			}
			out[k] = e.canon(el, head)
		}
		return out
	}
	return v
}

// canonAttrs is canon for a configuration.
func (e *equivalence) canonAttrs(attrs map[string]any, head bool) map[string]any {
	out, _ := e.canon(attrs, head).(map[string]any)
	return out
}

// equal reports whether a base value and a head value (already read
// through the rename map) resolve to the same thing.
func (e *equivalence) equal(before, after any) bool {
	return equalLeaf(e.canon(before, false), e.canon(after, true))
}

// dropEquivalent removes the attribute changes whose two values differ
// only in equivalent references.
func (e *equivalence) dropEquivalent(changes []AttrChange) []AttrChange {
	if e == nil {
		return changes
	}
	out := changes[:0:0]
	for _, c := range changes {
		if c.Kind != "added" && c.Kind != "removed" && e.equal(c.before, c.after) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// canonBase and canonHead are canonAttrs for one side; a nil equivalence
// leaves the configuration as it is.
func (e *equivalence) canonBase(attrs map[string]any) map[string]any {
	if e == nil {
		return attrs
	}
	return e.canonAttrs(attrs, false)
}

func (e *equivalence) canonHead(attrs map[string]any) map[string]any {
	if e == nil {
		return attrs
	}
	return e.canonAttrs(attrs, true)
}
