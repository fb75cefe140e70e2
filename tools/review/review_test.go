package review

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden want.md files under testdata/")

// fixture compares testdata/NAME/base with testdata/NAME/head, with
// testdata/NAME/ack.json when present (and Options.Broadening when
// testdata/NAME/broadening is), and checks the Markdown against
// testdata/NAME/want.md.
func fixture(t *testing.T, name string) *Report {
	t.Helper()
	dir := filepath.Join("testdata", name)
	base, err := LoadDir(filepath.Join(dir, "base"))
	if err != nil {
		t.Fatal(err)
	}
	head, err := LoadDir(filepath.Join(dir, "head"))
	if err != nil {
		t.Fatal(err)
	}
	var opts Options
	if _, err := os.Stat(filepath.Join(dir, "ack.json")); err == nil {
		if opts.Acks, err = ReadAckFile(filepath.Join(dir, "ack.json")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "broadening")); err == nil {
		opts.Broadening = true // testdata/NAME/broadening: Options.Broadening
	}
	if _, err := os.Stat(filepath.Join(dir, "plan.json")); err == nil {
		if opts.Plan, err = ReadPlanFile(filepath.Join(dir, "plan.json")); err != nil {
			t.Fatal(err)
		}
	}
	rep := Compare("base", "head", base, head, opts)
	var md bytes.Buffer
	if err := rep.WriteMarkdown(&md, MarkdownOptions{Diagrams: true}); err != nil {
		t.Fatal(err)
	}
	golden(t, filepath.Join(dir, "want.md"), md.String())
	return rep
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	want, err := os.ReadFile(path)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if err != nil {
		t.Fatalf("%v (run go test ./tools/review -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the output; review it and rerun with -update. Output:\n%s", path, got)
	}
}

// change returns the change at an address.
func change(t *testing.T, rep *Report, stack, addr string) ResourceChange {
	t.Helper()
	for _, d := range rep.Stacks {
		if d.Stack != stack {
			continue
		}
		for _, c := range d.Changes {
			if c.Address == addr {
				return c
			}
		}
	}
	t.Fatalf("no change at %s in %s", addr, stack)
	return ResourceChange{}
}

// finding returns the findings of a class at an address.
func findings(rep *Report, addr, class string) []Finding {
	var out []Finding
	for _, f := range rep.Findings {
		if f.Address == addr && f.Class == class {
			out = append(out, f)
		}
	}
	return out
}

func wantFinding(t *testing.T, rep *Report, addr, class string, sev Severity, text string) {
	t.Helper()
	for _, f := range findings(rep, addr, class) {
		if f.Severity == sev && strings.Contains(f.Message, text) {
			return
		}
	}
	t.Errorf("no %s %s finding at %s saying %q; findings: %+v", sev, class, addr, text, rep.Findings)
}

func noFinding(t *testing.T, rep *Report, addr string) {
	t.Helper()
	for _, f := range rep.Findings {
		if f.Address == addr {
			t.Errorf("unexpected finding at %s: %+v", addr, f)
		}
	}
}

func TestRename(t *testing.T) {
	rep := fixture(t, "rename")
	q := change(t, rep, "app", "aws_sqs_queue.work_queue_2")
	if q.Action != Rename || q.From != "aws_sqs_queue.jobs_queue_1" || q.Similarity != 1 {
		t.Fatalf("queue: %+v", q)
	}
	if len(q.Attrs) != 0 {
		t.Errorf("a pure rename changes no attribute: %+v", q.Attrs)
	}
	if want := `workQueue... `; q.Fix == nil || !strings.Contains(q.Fix.Cdktf, `.MoveFromId(jsii.String("aws_sqs_queue.jobs_queue_1"))`) {
		t.Errorf("fix %+v lacks the MoveFromId call (%s)", q.Fix, want)
	}
	if !strings.Contains(q.Fix.Moved, "from = aws_sqs_queue.jobs_queue_1\n  to   = aws_sqs_queue.work_queue_2") {
		t.Errorf("moved block: %s", q.Fix.Moved)
	}
	// The policy follows its queue: renamed too, and its reference to the
	// renamed queue is not a change.
	p := change(t, rep, "app", "aws_sqs_queue_policy.work_policy_2")
	if p.Action != Rename || len(p.Attrs) != 0 {
		t.Errorf("policy: %+v", p)
	}
	wantFinding(t, rep, "aws_sqs_queue.work_queue_2", ClassDataLoss, High, "add the moved block")
	// A name derived from the construct path changes with it: moved alone,
	// the log group would still be replaced.
	lg := change(t, rep, "app", "aws_cloudwatch_log_group.work_logs_2")
	if lg.Action != Rename || lg.Fix == nil || len(lg.Fix.StillReplaced) != 1 || lg.Fix.StillReplaced[0] != "name" {
		t.Errorf("log group: %+v", lg)
	}
	a := change(t, rep, "app", "aws_iam_role_policy_attachment.worker_logs_2")
	if a.Action != Rename {
		t.Errorf("attachment: %+v", a)
	}
	if !rep.Failed() {
		t.Error("a queue destroyed by a rename must fail the review")
	}
}

func TestReplace(t *testing.T) {
	rep := fixture(t, "replace")
	fn := change(t, rep, "app", "aws_lambda_function.api_handler_1")
	if fn.Action != Replace || len(fn.ReplacedBecause) == 0 || fn.ReplacedBecause[0] != "function_name" {
		t.Fatalf("function: %+v", fn)
	}
	var memory, name *AttrChange
	for i, a := range fn.Attrs {
		switch a.Path {
		case "memory_size":
			memory = &fn.Attrs[i]
		case "function_name":
			name = &fn.Attrs[i]
		}
	}
	if memory == nil || memory.Before != "256" || memory.After != "512" || memory.ForcesNew != "" {
		t.Errorf("memory_size: %+v", memory)
	}
	if name == nil || !strings.Contains(name.ForcesNew, "ForceNew") {
		t.Errorf("function_name: %+v", name)
	}
	// The permission names the function: it is replaced with it.
	perm := change(t, rep, "app", "aws_lambda_permission.api_permission_1")
	if perm.Action != Replace || len(perm.ReplacedBecause) != 1 || !strings.Contains(perm.ReplacedBecause[0], "aws_lambda_function.api_handler_1, which is replaced") {
		t.Errorf("permission: %+v", perm)
	}
	lg := change(t, rep, "app", "aws_cloudwatch_log_group.api_logs_1")
	if lg.Action != Replace {
		t.Errorf("log group: %+v", lg)
	}
	wantFinding(t, rep, "aws_cloudwatch_log_group.api_logs_1", ClassDataLoss, High, "is replaced")
	noFinding(t, rep, "aws_lambda_function.api_handler_1")
}

func TestDestroyOfData(t *testing.T) {
	rep := fixture(t, "destroy")
	wantFinding(t, rep, "aws_s3_bucket.uploads_bucket_1", ClassDataLoss, High, "Terraform destroys it without refusing")
	wantFinding(t, rep, "aws_s3_bucket_public_access_block.uploads_public-access_1", ClassNetwork, High, "public access block is removed")
	db := findings(rep, "aws_db_instance.orders_db_1", ClassDataLoss)
	if len(db) != 1 || !db[0].Acknowledged || !strings.Contains(db[0].AckReason, "change 41") {
		t.Errorf("the database's destruction is acknowledged: %+v", db)
	}
	if rep.Unacknowledged != 2 || !rep.Failed() {
		t.Errorf("unacknowledged = %d, want 2 (bucket, public access block)", rep.Unacknowledged)
	}
}

func TestIAMWidening(t *testing.T) {
	rep := fixture(t, "iam")
	wantFinding(t, rep, "aws_iam_role_policy.orders_access_1", ClassIAM, High, "grants every action of a service: s3:* on \"*\"")
	wantFinding(t, rep, "aws_iam_role_policy.orders_access_1", ClassIAM, Medium, "grants new actions or resources: dynamodb:PutItem on ‹orders/table›.arn")
	wantFinding(t, rep, "aws_iam_role.orders_role_1", ClassIAM, High, "the role now trusts new principals: sts:AssumeRole to \"AWS:arn:aws:iam::444455556666:root\"")
	wantFinding(t, rep, "aws_iam_role.orders_role_1", ClassIAM, High, "a grant lost its condition: sts:AssumeRoleWithWebIdentity")
	wantFinding(t, rep, "aws_s3_bucket_policy.audit_policy_1", ClassIAM, High, "a Deny no longer applies: s3:DeleteObject*")
	wantFinding(t, rep, "aws_iam_role_policy_attachment.orders_admin_2", ClassIAM, High, "grants administrator rights")
	noFinding(t, rep, "aws_dynamodb_table.orders_table_1")
}

func TestNetworkOpening(t *testing.T) {
	rep := fixture(t, "network")
	wantFinding(t, rep, "aws_vpc_security_group_ingress_rule.alb_https_1", ClassNetwork, High, "admits the whole Internet (0.0.0.0/0)")
	wantFinding(t, rep, "aws_vpc_security_group_ingress_rule.alb_partner_2", ClassNetwork, Medium, "admits 198.51.100.0/24")
	wantFinding(t, rep, "aws_lb.alb_lb_1", ClassNetwork, High, "internet-facing")
	wantFinding(t, rep, "aws_eks_cluster.cluster_1", ClassNetwork, High, "the Kubernetes API endpoint is public")
	wantFinding(t, rep, "aws_eks_cluster.cluster_1", ClassNetwork, High, "the public API endpoint's CIDRs now includes 203.0.113.0/24")
	if n := len(findings(rep, "aws_vpc_security_group_ingress_rule.alb_https_1", ClassNetwork)); n != 1 {
		t.Errorf("0.0.0.0/0 is one finding, not %d", n)
	}
	// internal forces a new load balancer.
	if lb := change(t, rep, "app", "aws_lb.alb_lb_1"); lb.Action != Replace {
		t.Errorf("load balancer: %+v", lb)
	}
}

func TestEncryptionAndLoggingOff(t *testing.T) {
	rep := fixture(t, "encryption")
	db := "aws_db_instance.db_1"
	wantFinding(t, rep, db, ClassEncryptionOff, High, "storage is not encrypted")
	wantFinding(t, rep, db, ClassProtection, High, "deletion protection is off")
	wantFinding(t, rep, db, ClassProtection, High, "no final snapshot")
	wantFinding(t, rep, db, ClassProtection, High, "lifecycle.prevent_destroy is no longer set")
	wantFinding(t, rep, db, ClassLoggingOff, Medium, "log exports no longer includes upgrade")
	// storage_encrypted forces a new instance: the database is replaced.
	wantFinding(t, rep, db, ClassDataLoss, High, "is replaced")
	wantFinding(t, rep, "aws_msk_cluster.kafka_1", ClassEncryptionOff, High, "plaintext (TLS_PLAINTEXT)")
	wantFinding(t, rep, "aws_sqs_queue.events_1", ClassEncryptionOff, Medium, "customer managed key")
	wantFinding(t, rep, "aws_cloudwatch_log_group.access_1", ClassLoggingOff, Medium, "365 -> 7")
	wantFinding(t, rep, "aws_apigatewayv2_stage.stage_1", ClassLoggingOff, High, "no access logs")
}

// TestRealSnapshots diffs two real versions of the hybridmicroservices
// snapshot: before and after commit 8187107 (network.Connections), which
// replaced two security group rules and moved five with moved blocks.
func TestRealSnapshots(t *testing.T) {
	rep := fixture(t, "real")
	d := rep.Stacks[0]
	if d.Stack != "hybridmicroservices" || d.Count(Move) != 5 {
		t.Fatalf("%s: %d moves, want 5", d.Stack, d.Count(Move))
	}
	// Two moved rules also get a new description, which AWS updates in
	// place.
	updated := 0
	for _, c := range d.Changes {
		if c.Action != Move {
			continue
		}
		for _, a := range c.Attrs {
			if a.Path != "description" || a.ForcesNew != "" {
				t.Errorf("%s moved with %+v", c.Address, a)
			}
			updated++
		}
	}
	if updated != 2 {
		t.Errorf("%d moved rules with a new description, want 2", updated)
	}
	if d.Count(Delete)+d.Count(Rename)+d.Count(Replace) == 0 {
		t.Error("the two rules whose destination changed are recreated")
	}
}

func TestMarkdownDeterministic(t *testing.T) {
	base, _ := LoadDir("testdata/real/base")
	head, _ := LoadDir("testdata/real/head")
	var first string
	for i := 0; i < 5; i++ {
		var b bytes.Buffer
		if err := Compare("a", "b", base, head, Options{}).WriteMarkdown(&b, MarkdownOptions{Diagrams: true}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = b.String()
		} else if b.String() != first {
			t.Fatal("two runs wrote different Markdown")
		}
	}
}

func TestAckFileErrors(t *testing.T) {
	_, err := ParseAckFile("review-ack.json", []byte(`{"acknowledgements":[{"stack":"","addresses":["aws_s3_bucket.*"],"classes":["oops"],"reason":"ok"}]}`))
	if err == nil {
		t.Fatal("a bad acknowledgement file is accepted")
	}
	for _, want := range []string{"acknowledgements[0].stack is empty", `addresses[0] "aws_s3_bucket.*" is not a Terraform address`, `classes[0] "oops" is not a risk class`, "addresses[0]", "reason is missing or too short"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if _, err := ParseAckFile("x", []byte(`{"acks":[]}`)); err == nil || !strings.Contains(err.Error(), "not an acknowledgement file") {
		t.Errorf("unknown field: %v", err)
	}
}

func TestStaleAck(t *testing.T) {
	base, _ := LoadDir("testdata/rename/base")
	head, _ := LoadDir("testdata/rename/head")
	acks, err := ParseAckFile("a", []byte(`{"acknowledgements":[{"stack":"app","addresses":["aws_sqs_queue.work_queue_2","aws_cloudwatch_log_group.work_logs_2"],"classes":["data-loss"],"reason":"the queue is drained and the logs exported before the deploy"},{"stack":"app","addresses":["aws_s3_bucket.gone"],"classes":["data-loss"],"reason":"left over from an older change"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	rep := Compare("a", "b", base, head, Options{Acks: acks})
	if rep.Unacknowledged != 0 {
		t.Errorf("the queue's rename is acknowledged: %+v", rep.Findings)
	}
	if !rep.Failed() {
		t.Error("an acknowledgement that matches nothing fails the review")
	}
	// Entries the base already held acknowledge nothing.
	fresh := acks.Without(&AckFile{Acknowledgements: acks.Acknowledgements[:1]})
	if rep := Compare("a", "b", base, head, Options{Acks: fresh}); rep.Unacknowledged != 2 {
		t.Errorf("an acknowledgement from an earlier change excused this one: %d unacknowledged", rep.Unacknowledged)
	}
	if len(rep.StaleAcks) != 1 || rep.StaleAcks[0].Addresses[0] != "aws_s3_bucket.gone" {
		t.Errorf("stale acknowledgements: %+v", rep.StaleAcks)
	}
}

// TestRealPlan compares the static analysis with a real plan that
// tools/e2e plan wrote for testdata/plan (imagepipeline: a rename, a
// queue and the prevent_destroy uploads bucket replaced, two in-place
// updates): Terraform 1.11.4 and AWS provider 5.100.0 against moto 5.2.1.
// .ci/run writes the plan again and checks the two still agree.
func TestRealPlan(t *testing.T) {
	rep := fixture(t, "plan")
	d := rep.Stacks[0]
	if d.Plan == nil || d.Plan.Status != "plan-refused" {
		t.Fatalf("plan: %+v", d.Plan)
	}
	if len(d.Plan.Disagree) != 0 || d.Plan.Agree < 18 {
		t.Errorf("static and real plan should agree: %+v", d.Plan)
	}
	if b := change(t, rep, "imagepipeline", "aws_s3_bucket.uploads_bucket_556152F0"); b.Terraform != "refused" || b.Action != Replace {
		t.Errorf("bucket: %+v", b)
	}
	// Updated only because a value comes from the replaced queue.
	if a := change(t, rep, "imagepipeline", "aws_cloudwatch_metric_alarm.resize_failed-events-alarm_F076CADB"); a.Action != Update || len(a.UpdatedBecause) != 1 || a.Terraform != "update" {
		t.Errorf("alarm: %+v", a)
	}
	if rep.Failed() {
		t.Errorf("ack.json acknowledges both replacements: %+v", rep.Findings)
	}
	// A plan that disagrees: Terraform replaces what the analysis updates.
	plan, err := ReadPlanFile("testdata/plan/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	st := plan.Stacks["imagepipeline"]
	for i, c := range st.Changes {
		if c.Address == "aws_cloudwatch_log_group.resize_log-group_7E4BE69B" {
			st.Changes[i].Actions = []string{"delete", "create"}
			st.Changes[i].ReplacePaths = [][]any{{"retention_in_days"}}
		}
	}
	base, _ := LoadDir("testdata/plan/base")
	head, _ := LoadDir("testdata/plan/head")
	d = Compare("a", "b", base, head, Options{Plan: plan}).Stacks[0]
	if len(d.Plan.Disagree) != 1 || !strings.Contains(d.Plan.Disagree[0].Note, "Terraform replaces it (retention_in_days): the force-new table lacks this attribute") {
		t.Errorf("disagreement: %+v", d.Plan.Disagree)
	}
}
