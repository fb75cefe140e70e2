package review

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// diagramDoc is a small stack: a VPC and a subnet in a network scope, a
// bucket in audit-logs, a function at the top that uses the subnet and a
// data source and depends on the bucket, and the bucket's policy.
const diagramDoc = `{
  "data": {
    "aws_region": {"current": {"//": {"metadata": {"path": "demo/current"}}}}
  },
  "provider": {"aws": [{"region": "eu-west-1"}]},
  "resource": {
    "aws_vpc": {
      "network_vpc_1": {"//": {"metadata": {"path": "demo/network/vpc"}}, "cidr_block": "10.0.0.0/16"}
    },
    "aws_subnet": {
      "network_subnet_2": {"//": {"metadata": {"path": "demo/network/subnet"}}, "vpc_id": "${aws_vpc.network_vpc_1.id}"}
    },
    "aws_s3_bucket": {
      "audit-logs_bucket_3": {"//": {"metadata": {"path": "demo/audit-logs/bucket"}}, "bucket": "logs"}
    },
    "aws_s3_bucket_policy": {
      "audit-logs_policy_4": {"//": {"metadata": {"path": "demo/audit-logs/policy"}}, "bucket": "${aws_s3_bucket.audit-logs_bucket_3.id}"}
    },
    "aws_lambda_function": {
      "fn": {
        "//": {"metadata": {"path": "demo/fn"}},
        "environment": {"variables": {"REGION": "${data.aws_region.current.name}"}},
        "vpc_config": {"subnet_ids": ["${aws_subnet.network_subnet_2.id}"]},
        "depends_on": ["aws_s3_bucket.audit-logs_bucket_3"]
      }
    }
  }
}`

const diagramGolden = `flowchart LR
  fn["lambda_function<br/>fn"]
  subgraph sg_audit_logs["audit-logs"]
    audit_logs_bucket_3[("s3_bucket<br/>bucket")]
    audit_logs_policy_4["s3_bucket_policy<br/>policy"]
  end
  subgraph sg_network["network"]
    network_subnet_2["subnet<br/>subnet"]
    network_vpc_1["vpc<br/>vpc"]
  end
  audit_logs_policy_4 --> audit_logs_bucket_3
  fn -.-> audit_logs_bucket_3
  fn --> network_subnet_2
  network_subnet_2 --> network_vpc_1
  classDef dataBearing fill:#e7f0fd,stroke:#1f6feb,stroke-width:2px
  class audit_logs_bucket_3 dataBearing
`

func parseDiagramDoc(t *testing.T, name, doc string) *Stack {
	t.Helper()
	s, err := Parse(name, []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMermaidGolden(t *testing.T) {
	s := parseDiagramDoc(t, "demo", diagramDoc)
	got := Mermaid(s)
	if got != diagramGolden {
		t.Errorf("Mermaid:\n%s\nwant:\n%s", got, diagramGolden)
	}
	if !strings.Contains(got, `[("s3_bucket<br/>bucket")]`) {
		t.Errorf("the bucket is not drawn as a cylinder:\n%s", got)
	}
	if strings.Contains(got, "aws_region") {
		t.Errorf("a data source is drawn:\n%s", got)
	}
	if _, err := checkMermaid(got); err != nil {
		t.Error(err)
	}
	if again := Mermaid(parseDiagramDoc(t, "demo", diagramDoc)); again != got {
		t.Errorf("Mermaid is not deterministic:\n%s\nthen:\n%s", got, again)
	}
}

func TestMermaidNestedScopesAndIDs(t *testing.T) {
	s := parseDiagramDoc(t, "x", `{"resource": {
  "aws_s3_bucket": {
    "a-b": {"//": {"metadata": {"path": "x/etl/output/bucket"}}},
    "a_b": {"//": {"metadata": {"path": "x/etl/task/bucket"}}}
  },
  "aws_kms_key": {
    "k": {"//": {"metadata": {"path": "x/etl/key"}}, "description": "say \"hi\" <b>#1</b>"}
  },
  "null_resource": {
    "end": {}
  }
}}`)
	got := Mermaid(s)
	if _, err := checkMermaid(got); err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	for _, want := range []string{
		`subgraph sg_etl["etl"]`,
		`    subgraph sg_etl_output["output"]`,
		`    subgraph sg_etl_task["task"]`,
		// "end" is a keyword: the type comes in.
		`  resource_end["resource<br/>end"]`,
		// The kms key's name is unique.
		`    k[("kms_key<br/>key")]`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in\n%s", want, got)
		}
	}
	// aws_s3_bucket.a-b and aws_s3_bucket.a_b both sanitize to a_b, and
	// to s3_bucket_a_b with the type: both get a hash.
	if regexp.MustCompile(`(?m)^ *(a_b|s3_bucket_a_b)\[`).MatchString(got) ||
		len(regexp.MustCompile(`(?m)^ *s3_bucket_a_b_[0-9a-f]{8}\[`).FindAllString(got, -1)) != 2 {
		t.Errorf("colliding ids not told apart:\n%s", got)
	}

	// A scope holding only another scope is one subgraph.
	s = parseDiagramDoc(t, "x", `{"resource": {"aws_sqs_queue": {
  "q": {"//": {"metadata": {"path": "x/worker/failure-queue/queue"}}},
  "f": {"//": {"metadata": {"path": "x/worker/function"}}},
  "d": {"//": {"metadata": {"path": "x/webhook-queue/dead-letter/queue"}}}
}}}`)
	got = Mermaid(s)
	if _, err := checkMermaid(got); err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	if !strings.Contains(got, `subgraph sg_webhook_queue_dead_letter["webhook-queue/dead-letter"]`) ||
		!strings.Contains(got, `subgraph sg_worker_failure_queue["failure-queue"]`) {
		t.Errorf("scopes not merged as expected:\n%s", got)
	}
}

func TestEscapeLabel(t *testing.T) {
	got := escapeLabel("say \"hi\" <b>#1</b> & `x`\n")
	want := "say #quot;hi#quot; #lt;b#gt;#35;1#lt;/b#gt; #amp; #96;x#96; "
	if got != want {
		t.Errorf("escapeLabel = %q, want %q", got, want)
	}
}

const changeBase = `{"resource": {
  "aws_vpc": {"vpc": {"//": {"metadata": {"path": "c/network/vpc"}}}},
  "aws_subnet": {"subnet": {"//": {"metadata": {"path": "c/network/subnet"}}, "vpc_id": "${aws_vpc.vpc.id}"}},
  "aws_s3_bucket": {"bucket": {"//": {"metadata": {"path": "c/store/bucket"}}, "bucket": "a"}},
  "aws_s3_bucket_versioning": {"versioning": {"//": {"metadata": {"path": "c/store/versioning"}}, "bucket": "${aws_s3_bucket.bucket.id}"}},
  "aws_sqs_queue": {"old": {"//": {"metadata": {"path": "c/old"}}}},
  "aws_sns_topic_subscription": {"old-sub": {"//": {"metadata": {"path": "c/old-sub"}}, "endpoint": "${aws_sqs_queue.old.arn}"}},
  "aws_lambda_function": {"fn": {"//": {"metadata": {"path": "c/fn"}}, "vpc_config": {"subnet_ids": ["${aws_subnet.subnet.id}"]},
    "environment": {"variables": {"BUCKET": "${aws_s3_bucket.bucket.bucket}", "QUEUE": "${aws_sqs_queue.old.url}"}}}}
}}`

const changeHead = `{"resource": {
  "aws_vpc": {"vpc": {"//": {"metadata": {"path": "c/network/vpc"}}}},
  "aws_subnet": {"subnet": {"//": {"metadata": {"path": "c/network/subnet"}}, "vpc_id": "${aws_vpc.vpc.id}"}},
  "aws_s3_bucket": {"bucket": {"//": {"metadata": {"path": "c/store/bucket"}}, "bucket": "b"}},
  "aws_s3_bucket_versioning": {"versioning": {"//": {"metadata": {"path": "c/store/versioning"}}, "bucket": "${aws_s3_bucket.bucket.id}"}},
  "aws_lambda_function": {"fn": {"//": {"metadata": {"path": "c/fn"}}, "vpc_config": {"subnet_ids": ["${aws_subnet.subnet.id}"]},
    "environment": {"variables": {"BUCKET": "${aws_s3_bucket.bucket.bucket}"}}}}
}}`

func TestMermaidChange(t *testing.T) {
	base := parseDiagramDoc(t, "c", changeBase)
	head := parseDiagramDoc(t, "c", changeHead)
	if got := MermaidChange(base, head, nil); got != "" {
		t.Errorf("empty status: %q", got)
	}
	status := map[string]string{
		"aws_s3_bucket.bucket":               "replaced",
		"aws_sqs_queue.old":                  "removed",
		"aws_lambda_function.fn":             "changed",
		"aws_sns_topic_subscription.old-sub": "removed",
	}
	got := MermaidChange(base, head, status)
	if _, err := checkMermaid(got); err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	for _, want := range []string{
		`bucket[("s3_bucket<br/>bucket<br/>(replaced)")]`,
		`old[("sqs_queue<br/>old<br/>(removed)")]`,
		`fn["lambda_function<br/>fn<br/>(changed)"]`,
		// neighbours: the bucket's versioning refers to it, the function
		// refers to the subnet.
		`versioning["s3_bucket_versioning<br/>versioning"]`,
		`subnet["subnet<br/>subnet"]`,
		`versioning --> bucket`,
		`fn --> bucket`,
		`fn --> subnet`,
		// base edges of removed resources.
		`fn --> old`,
		`old_sub --> old`,
		"classDef replaced ",
		"classDef removed ",
		"classDef changed ",
		"class bucket replaced",
		"class old,old_sub removed",
		"class fn changed",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in\n%s", want, got)
		}
	}
	// The VPC is two steps away from every changed resource.
	if strings.Contains(got, "vpc<br/>") {
		t.Errorf("an unrelated resource is drawn:\n%s", got)
	}
	for _, neighbour := range []string{"versioning", "subnet"} {
		if regexp.MustCompile(`(?m)^  class .*\b` + neighbour + `\b`).MatchString(got) {
			t.Errorf("unchanged neighbour %s is styled:\n%s", neighbour, got)
		}
	}
	if again := MermaidChange(base, head, status); again != got {
		t.Errorf("MermaidChange is not deterministic:\n%s\nthen:\n%s", got, again)
	}

	// Added and renamed, and one only the status knows.
	got = MermaidChange(base, head, map[string]string{"aws_subnet.subnet": "renamed", "aws_iam_role.ghost": "added"})
	if _, err := checkMermaid(got); err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	for _, want := range []string{
		"classDef added fill:#dafbe1",
		"classDef renamed fill:#ddf4ff",
		`ghost["iam_role<br/>ghost<br/>(added)"]`,
		`vpc["vpc<br/>vpc"]`,
		`fn["lambda_function<br/>fn"]`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in\n%s", want, got)
		}
	}
	if strings.Contains(got, "s3_bucket") {
		t.Errorf("an unrelated resource is drawn:\n%s", got)
	}
}

// GitHub's Mermaid limits (maxTextSize and maxEdges of the renderer).
const (
	githubMermaidMaxText  = 50000
	githubMermaidMaxEdges = 500
)

// TestMermaidCollapses draws a stack too big for GitHub: 80 scopes of a
// function, its role, six role policies, three policy attachments and a
// log group.
func TestMermaidCollapses(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"resource": {`)
	types := map[string][]string{}
	for i := 0; i < 80; i++ {
		scope := fmt.Sprintf("service-%02d", i)
		res := func(typ, name, body string) {
			types[typ] = append(types[typ], fmt.Sprintf(`"%s_%s_0123ABCD": {"//": {"metadata": {"path": "big/%s/%s"}}%s}`, scope, name, scope, name, body))
		}
		role := fmt.Sprintf("${aws_iam_role.%s_role_0123ABCD.name}", scope)
		logs := fmt.Sprintf("${aws_cloudwatch_log_group.%s_logs_0123ABCD.arn}", scope)
		var deps []string
		res("aws_iam_role", "role", "")
		res("aws_cloudwatch_log_group", "logs", "")
		for p := 0; p < 6; p++ {
			res("aws_iam_role_policy", fmt.Sprintf("policy-%d", p), fmt.Sprintf(`, "role": %q, "policy": %q`, role, logs))
			deps = append(deps, fmt.Sprintf("%q", fmt.Sprintf("aws_iam_role_policy.%s_policy-%d_0123ABCD", scope, p)))
		}
		for p := 0; p < 3; p++ {
			res("aws_iam_role_policy_attachment", fmt.Sprintf("attachment-%d", p), fmt.Sprintf(`, "role": %q`, role))
		}
		res("aws_lambda_function", "function", fmt.Sprintf(`, "role": %q, "depends_on": [%s]`,
			fmt.Sprintf("${aws_iam_role.%s_role_0123ABCD.arn}", scope), strings.Join(deps, ", ")))
	}
	var typeNames []string
	for typ := range types {
		typeNames = append(typeNames, typ)
	}
	sort.Strings(typeNames)
	for i, typ := range typeNames {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q: {%s}", typ, strings.Join(types[typ], ", "))
	}
	b.WriteString("}}")
	s := parseDiagramDoc(t, "big", b.String())
	if len(s.Resources) != 80*12 {
		t.Fatalf("%d resources", len(s.Resources))
	}
	got := Mermaid(s)
	st, err := checkMermaid(got)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) >= githubMermaidMaxText || st.edges >= githubMermaidMaxEdges {
		t.Errorf("collapsed diagram still too big: %d characters, %d edges", len(got), st.edges)
	}
	// Each scope: function, log group, and its ten IAM resources as one.
	if st.nodes != 80*3 {
		t.Errorf("%d nodes, want %d", st.nodes, 80*3)
	}
	for _, want := range []string{
		`    iam_service_07["iam<br/>10 resources"]`,
		`    service_07_function["lambda_function<br/>function"]`,
		`  iam_service_07 --> service_07_logs`,
		`  service_07_function --> iam_service_07`,
	} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("no %q in the collapsed diagram", want)
		}
	}
	if strings.Contains(got, "-.->") {
		t.Errorf("a dotted edge is left where a solid one merged with it")
	}
	if Mermaid(s) != got {
		t.Errorf("collapsed diagram is not deterministic")
	}
}

func TestMermaidSnapshots(t *testing.T) {
	stacks, err := LoadDir("../..")
	if err != nil {
		t.Fatal(err)
	}
	if len(stacks) == 0 {
		t.Fatal("no snapshot stacks")
	}
	type size struct {
		name                string
		chars, nodes, edges int
	}
	var sizes []size
	for name, s := range stacks {
		got := Mermaid(s)
		st, err := checkMermaid(got)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(got) >= githubMermaidMaxText {
			t.Errorf("%s: %d characters, GitHub renders at most %d", name, len(got), githubMermaidMaxText)
		}
		if st.edges >= githubMermaidMaxEdges {
			t.Errorf("%s: %d edges, GitHub renders at most %d", name, st.edges, githubMermaidMaxEdges)
		}
		if st.nodes != len(s.Resources) {
			t.Errorf("%s: %d nodes for %d resources", name, st.nodes, len(s.Resources))
		}
		if Mermaid(s) != got {
			t.Errorf("%s: Mermaid is not deterministic", name)
		}
		sizes = append(sizes, size{name, len(got), st.nodes, st.edges})
	}
	sort.Slice(sizes, func(i, j int) bool { return sizes[i].chars > sizes[j].chars })
	for _, sz := range sizes {
		t.Logf("%-42s %6d chars %4d nodes %4d edges", sz.name, sz.chars, sz.nodes, sz.edges)
	}
}

// mermaidStats is what checkMermaid counted.
type mermaidStats struct{ nodes, subgraphs, edges int }

var (
	mermaidNodeLine     = regexp.MustCompile(`^([A-Za-z0-9_]+)(\[\(|\[)"([^"]*)"(\)\]|\])$`)
	mermaidSubgraphLine = regexp.MustCompile(`^subgraph ([A-Za-z0-9_]+)\["([^"]*)"\]$`)
	mermaidEdgeLine     = regexp.MustCompile(`^([A-Za-z0-9_]+) (-->|-\.->) ([A-Za-z0-9_]+)$`)
	mermaidClassDefLine = regexp.MustCompile(`^classDef ([A-Za-z0-9_]+) ([a-z-]+:[^,; ]+( [^,; ]+)*)(,[a-z-]+:[^,; ]+( [^,; ]+)*)*$`)
	mermaidClassLine    = regexp.MustCompile(`^class ([A-Za-z0-9_]+(?:,[A-Za-z0-9_]+)*) ([A-Za-z0-9_]+)$`)
)

// checkMermaid is a structural check of the flowcharts Mermaid and
// MermaidChange write: the header, balanced subgraph/end, unique ids that
// are not keywords, nodes declared before edges, every edge endpoint a
// declared node, labels without raw quotes or markup (other than <br/>),
// every class applied to declared nodes after its classDef.
func checkMermaid(text string) (mermaidStats, error) {
	var st mermaidStats
	lines := strings.Split(text, "\n")
	if len(lines) < 2 || lines[0] != "flowchart LR" {
		return st, fmt.Errorf("does not start with \"flowchart LR\"")
	}
	if lines[len(lines)-1] != "" {
		return st, fmt.Errorf("does not end with a newline")
	}
	lines = lines[1 : len(lines)-1]
	ids := map[string]string{} // id -> "node" or "subgraph"
	classes := map[string]bool{}
	depth := 0
	declare := func(i int, id, kind string) error {
		if mermaidKeywords[id] || strings.EqualFold(id, "end") {
			return fmt.Errorf("line %d: id %q is a keyword", i+2, id)
		}
		if ids[id] != "" {
			return fmt.Errorf("line %d: id %q declared twice", i+2, id)
		}
		ids[id] = kind
		return nil
	}
	checkLabel := func(i int, label string) error {
		bare := strings.ReplaceAll(label, "<br/>", "")
		if strings.ContainsAny(bare, "\"<>`\n") {
			return fmt.Errorf("line %d: label %q holds raw markup", i+2, label)
		}
		for _, m := range regexp.MustCompile(`#[^;]*;?`).FindAllString(bare, -1) {
			if !regexp.MustCompile(`^#(quot|lt|gt|amp|[0-9]+);$`).MatchString(m) {
				return fmt.Errorf("line %d: label %q holds a raw #", i+2, label)
			}
		}
		return nil
	}
	phase := 0 // 0 declarations, 1 edges, 2 classes
	for i, line := range lines {
		trimmed := strings.TrimLeft(line, " ")
		if indent := len(line) - len(trimmed); indent != 2*(depth+1) && trimmed != "end" {
			return st, fmt.Errorf("line %d: indented %d at depth %d: %q", i+2, indent, depth, line)
		}
		switch {
		case strings.HasPrefix(trimmed, "%%"):
			continue
		case trimmed == "end":
			if depth == 0 || len(line)-len(trimmed) != 2*depth {
				return st, fmt.Errorf("line %d: unbalanced end", i+2)
			}
			depth--
		case mermaidSubgraphLine.MatchString(trimmed):
			m := mermaidSubgraphLine.FindStringSubmatch(trimmed)
			if phase != 0 {
				return st, fmt.Errorf("line %d: subgraph after edges", i+2)
			}
			if err := declare(i, m[1], "subgraph"); err != nil {
				return st, err
			}
			if err := checkLabel(i, m[2]); err != nil {
				return st, err
			}
			depth++
			st.subgraphs++
		case mermaidNodeLine.MatchString(trimmed):
			m := mermaidNodeLine.FindStringSubmatch(trimmed)
			if phase != 0 {
				return st, fmt.Errorf("line %d: node after edges", i+2)
			}
			if (m[2] == "[(") != (m[4] == ")]") {
				return st, fmt.Errorf("line %d: mismatched shape brackets", i+2)
			}
			if err := declare(i, m[1], "node"); err != nil {
				return st, err
			}
			if err := checkLabel(i, m[3]); err != nil {
				return st, err
			}
			st.nodes++
		case mermaidEdgeLine.MatchString(trimmed):
			m := mermaidEdgeLine.FindStringSubmatch(trimmed)
			if depth != 0 || phase > 1 {
				return st, fmt.Errorf("line %d: edge inside a subgraph or after classes", i+2)
			}
			phase = 1
			for _, id := range []string{m[1], m[3]} {
				if ids[id] != "node" {
					return st, fmt.Errorf("line %d: edge endpoint %q is not a declared node", i+2, id)
				}
			}
			st.edges++
		case mermaidClassDefLine.MatchString(trimmed):
			m := mermaidClassDefLine.FindStringSubmatch(trimmed)
			if depth != 0 {
				return st, fmt.Errorf("line %d: classDef inside a subgraph", i+2)
			}
			phase = 2
			classes[m[1]] = true
		case mermaidClassLine.MatchString(trimmed):
			m := mermaidClassLine.FindStringSubmatch(trimmed)
			if depth != 0 || !classes[m[2]] {
				return st, fmt.Errorf("line %d: class %q used before its classDef", i+2, m[2])
			}
			phase = 2
			for _, id := range strings.Split(m[1], ",") {
				if ids[id] != "node" {
					return st, fmt.Errorf("line %d: class applied to undeclared node %q", i+2, id)
				}
			}
		default:
			return st, fmt.Errorf("line %d: not a flowchart statement: %q", i+2, line)
		}
	}
	if depth != 0 {
		return st, fmt.Errorf("%d subgraphs not closed", depth)
	}
	return st, nil
}
