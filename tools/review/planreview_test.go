package review

import (
	"bytes"
	"strings"
	"testing"
)

func planStatus(t *testing.T, rep *Report, stack string) *PlanStatus {
	t.Helper()
	for _, d := range rep.Stacks {
		if d.Stack == stack && d.Plan != nil {
			return d.Plan
		}
	}
	t.Fatalf("no real plan status for %s", stack)
	return nil
}

// TestPlanRefusedComparedInFull: the first plan was refused by
// prevent_destroy, the second (prevent_destroy lifted) is complete, so the
// log group it does not list is a no-op Terraform disagrees with.
func TestPlanRefusedComparedInFull(t *testing.T) {
	rep := fixture(t, "plan-refused-complete")
	p := planStatus(t, rep, "app")
	if p.Agree != 2 {
		t.Errorf("agree = %d, want 2 (the refused bucket and the queue)", p.Agree)
	}
	if len(p.Disagree) != 1 {
		t.Fatalf("want 1 disagreement, got %+v", p.Disagree)
	}
	x := p.Disagree[0]
	if x.Address != "aws_cloudwatch_log_group.logs" || x.Static != "update" || x.Terraform != "no-op" || !strings.Contains(x.Note, "Terraform sees no change") {
		t.Errorf("disagreement: %+v", x)
	}
	// Without the complete flag (an old refused plan that stopped at the
	// refusal), the missing entry is not judged.
	ps := &PlanStack{Status: "plan-refused", Reason: "terraform plan refused"}
	if planComplete(ps) {
		t.Error("a refused plan without a second plan is not complete")
	}
	ps.Reason += "\nthe other changes are from a second plan with prevent_destroy lifted for exactly x"
	if !planComplete(ps) {
		t.Error("the reason of a plan file without the field says the second plan ran")
	}
}

// TestPlanGapCascade: the emulator replaces the cluster (an attribute
// moto does not read back); the node group and the access entry that take
// its name, and the parameter that takes its endpoint, follow it: the
// emulator's, not disagreements. The queue's real update agrees.
func TestPlanGapCascade(t *testing.T) {
	rep := fixture(t, "plan-gap-cascade")
	p := planStatus(t, rep, "app")
	if len(p.Disagree) != 0 {
		t.Errorf("want no disagreement, got %+v", p.Disagree)
	}
	if p.Agree != 1 {
		t.Errorf("agree = %d, want 1 (the queue)", p.Agree)
	}
	want := map[string]string{
		"aws_eks_cluster.cluster":    "emulator perpetual diff",
		"aws_eks_node_group.nodes":   "follows the emulator's replacement of aws_eks_cluster.cluster",
		"aws_eks_access_entry.admin": "follows the emulator's replacement of aws_eks_node_group.nodes",
		"aws_ssm_parameter.endpoint": "follows the emulator's replacement of aws_eks_cluster.cluster",
	}
	if len(p.Emulator) != len(want) {
		t.Fatalf("want %d emulator entries, got %+v", len(want), p.Emulator)
	}
	for _, e := range p.Emulator {
		if w, ok := want[e.Address]; !ok || !strings.Contains(e.Note, w) {
			t.Errorf("%s: note %q, want %q", e.Address, e.Note, w)
		}
	}
}

// TestPlanSummarySurvivesBudget: when the size budget drops the per-stack
// details, each stack's real-plan verdict stays, disagreements named.
func TestPlanSummarySurvivesBudget(t *testing.T) {
	rep := fixture(t, "plan-refused-complete")
	var b bytes.Buffer
	if err := rep.WriteMarkdown(&b, MarkdownOptions{Diagrams: true, MaxBytes: 1500}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, "The per-resource details are left out") {
		t.Fatalf("the budget did not drop the details:\n%s", out)
	}
	if want := "- app: plan-refused; 2 agree, 1 disagree, 0 the emulator cannot judge: `aws_cloudwatch_log_group.logs` (static update, Terraform no-op)"; !strings.Contains(out, want) {
		t.Errorf("the summary lacks %q:\n%s", want, out)
	}
	if len(out) > 1500 {
		t.Errorf("%d bytes, over the budget", len(out))
	}
}
