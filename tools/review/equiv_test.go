package review

import (
	"strings"
	"testing"
)

// TestRefactorReplays replays real refactors from the repository's history
// (excerpts of the snapshots at the commit's parent and at the commit:
// only the resources that differ and those that reference them): each only
// changes how values are referenced, Terraform plans no change, and the
// review must agree.
//
//   - refactor-awsenv-imagepipeline, refactor-awsenv-platform: commit
//     445dff7 "One account/partition/Region data source per stack": every
//     construct's own data "aws_region"/"aws_caller_identity"/
//     "aws_partition" became the stack's shared awsenv-* ones. Before
//     equivalence the review reported (whole snapshots) 39 replacements
//     and 14 high findings across four stacks and failed.
func TestRefactorReplays(t *testing.T) {
	for _, name := range []string{"refactor-awsenv-imagepipeline", "refactor-awsenv-platform"} {
		t.Run(name, func(t *testing.T) {
			rep := fixture(t, name)
			// The excerpts do differ: the data sources were replaced.
			if len(rep.Stacks)+len(rep.Unchanged) != 1 {
				t.Fatalf("want one stack, got %d changed, %v unchanged", len(rep.Stacks), rep.Unchanged)
			}
			for _, d := range rep.Stacks {
				for _, c := range d.Changes {
					t.Errorf("%s: a reference-only refactor is no change, got %s %s %+v", d.Stack, c.Action, c.Address, c.Attrs)
				}
			}
			for _, f := range rep.Findings {
				t.Errorf("unexpected finding: %+v", f)
			}
			// refactor-awsenv-imagepipeline carries the real plan of the
			// whole snapshots (tools/e2e plan, Terraform 1.11.4 against
			// moto 5.2.1): one emulator perpetual diff, no change of the
			// refactor. Before equivalence the review disagreed on 5.
			if rep.Disagreements() != 0 {
				t.Errorf("the real plan disagrees: %d", rep.Disagreements())
			}
			if rep.Failed() {
				t.Error("the review of a reference-only refactor must pass")
			}
		})
	}
}

func parseEquivDoc(t *testing.T, doc string) *Stack {
	t.Helper()
	s, err := Parse("app", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestEquivalentReferences covers each kind of equivalence and what is
// not one.
func TestEquivalentReferences(t *testing.T) {
	const base = `{
  "data": {
    "aws_region": {"own_region": {}},
    "aws_caller_identity": {"own_account": {}},
    "aws_iam_policy_document": {"doc": {"statement": [{"actions": ["sqs:SendMessage"], "resources": ["arn:aws:sqs:${data.aws_region.own_region.name}:${data.aws_caller_identity.own_account.account_id}:q"]}]}}
  },
  "resource": {
    "aws_iam_role": {"r": {"name": "worker", "assume_role_policy": "{}"}},
    "aws_vpc_endpoint": {"e": {"vpc_id": "vpc-1", "service_name": "com.amazonaws.${data.aws_region.own_region.name}.s3"}},
    "aws_iam_role_policy": {"p": {"role": "${aws_iam_role.r.name}", "policy": "${data.aws_iam_policy_document.doc.json}"}},
    "aws_ssm_parameter": {"s": {"name": "/x", "type": "String", "value": "${data.aws_region.own_region.name}"}}
  }
}`
	const head = `{
  "provider": {"aws": [{}, {"alias": "use1", "region": "us-east-1"}]},
  "data": {
    "aws_region": {"awsenv-region": {}, "use1": {"provider": "aws.use1"}},
    "aws_caller_identity": {"awsenv-account": {}},
    "aws_iam_policy_document": {"shared-doc": {"statement": [{"actions": ["sqs:SendMessage"], "resources": ["arn:aws:sqs:${data.aws_region.awsenv-region.name}:${data.aws_caller_identity.awsenv-account.account_id}:q"]}]}}
  },
  "resource": {
    "aws_iam_role": {"r": {"name": "worker", "assume_role_policy": "{}"}},
    "aws_vpc_endpoint": {"e": {"vpc_id": "vpc-1", "service_name": "com.amazonaws.${data.aws_region.awsenv-region.name}.s3"}},
    "aws_iam_role_policy": {"p": {"role": "${aws_iam_role.r.id}", "policy": "${data.aws_iam_policy_document.shared-doc.json}"}},
    "aws_ssm_parameter": {"s": {"name": "/x", "type": "String", "value": "${data.aws_region.use1.name}"}}
  }
}`
	d := DiffStacks(parseEquivDoc(t, base), parseEquivDoc(t, head))
	// Only the parameter changes: it now reads another provider's Region.
	if len(d.Changes) != 1 {
		t.Fatalf("want 1 change (the parameter), got %d: %+v", len(d.Changes), d.Changes)
	}
	c := d.Changes[0]
	if c.Address != "aws_ssm_parameter.s" || c.Action != Update || len(c.Attrs) != 1 || c.Attrs[0].Path != "value" {
		t.Errorf("parameter: %+v", c)
	}
	if !strings.Contains(c.Attrs[0].After, "use1") {
		t.Errorf("the change shows the head's reference as written: %+v", c.Attrs[0])
	}
}

// TestEquivalenceIDAliases: an alias is equivalent to id only for the
// types idAliases lists.
func TestEquivalenceIDAliases(t *testing.T) {
	e := &equivalence{base: map[string]string{}, head: map[string]string{}}
	cases := []struct {
		before, after string
		equal         bool
	}{
		{"${aws_iam_role.r.name}", "${aws_iam_role.r.id}", true},
		{"${aws_sqs_queue.q.url}", "${aws_sqs_queue.q.id}", true},
		{"${aws_sns_topic.t.arn}", "${aws_sns_topic.t.id}", true},
		{"${data.aws_caller_identity.me.account_id}", "${data.aws_caller_identity.me.id}", true},
		// An instance's id is not its arn; a role's arn is not its id.
		{"${aws_instance.i.arn}", "${aws_instance.i.id}", false},
		{"${aws_iam_role.r.arn}", "${aws_iam_role.r.id}", false},
		// Another resource is another value.
		{"${aws_iam_role.r.name}", "${aws_iam_role.other.id}", false},
	}
	for _, tc := range cases {
		if got := e.equal(tc.before, tc.after); got != tc.equal {
			t.Errorf("equal(%s, %s) = %v, want %v", tc.before, tc.after, got, tc.equal)
		}
	}
}
