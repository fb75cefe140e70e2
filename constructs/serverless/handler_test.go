package serverless_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/grant"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/lambdacode"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/queue"
	"github.com/hybridstack/hybridstack/constructs/serverless"
	"github.com/hybridstack/hybridstack/constructs/storage"
)

// codeDir returns a directory holding a fake bootstrap, zipped by the
// construct without a Go build.
func codeDir(t testing.TB) lambdacode.Code {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bootstrap"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return lambdacode.FromDirectory(dir)
}

func props(t testing.TB) serverless.HandlerProps {
	return serverless.HandlerProps{Code: codeDir(t), Runtime: "provided.al2023"}
}

func intp(i int) *int { return &i }

func TestHandlerValidation(t *testing.T) {
	bigEnv := map[string]string{"BLOB": strings.Repeat("x", 4100)}
	tests := []struct {
		name string
		mod  func(*serverless.HandlerProps)
		want []string
	}{
		{"no code", func(p *serverless.HandlerProps) { p.Code = lambdacode.Code{} },
			[]string{`serverless "test/fn": Code is not set`}},
		{"function name", func(p *serverless.HandlerProps) { p.FunctionName = "bad name!" },
			[]string{`FunctionName "bad name!" must be 1-64 letters, digits, '-' or '_'`}},
		{"function name too long", func(p *serverless.HandlerProps) { p.FunctionName = strings.Repeat("a", 65) },
			[]string{`must be 1-64 letters`}},
		{"description", func(p *serverless.HandlerProps) { p.Description = strings.Repeat("d", 257) },
			[]string{`Description is 257 characters; Lambda allows 256`}},
		{"runtime", func(p *serverless.HandlerProps) { p.Runtime = "go1.x" },
			[]string{`Runtime "go1.x" is not a supported runtime`}},
		{"directory needs runtime", func(p *serverless.HandlerProps) { p.Runtime = "" },
			[]string{`Runtime is empty; directory`}},
		{"handler for interpreted runtime", func(p *serverless.HandlerProps) { p.Runtime = "python3.13" },
			[]string{`Handler is empty; runtime python3.13 needs the entry point`}},
		{"go needs provided", func(p *serverless.HandlerProps) {
			p.Code = lambdacode.FromGoPackage("./x")
			p.Runtime, p.Handler = "python3.13", "x"
		}, []string{`Runtime "python3.13" cannot run a Go binary; use provided.al2023`}},
		{"image with runtime", func(p *serverless.HandlerProps) {
			p.Code = lambdacode.FromImage("123.dkr.ecr.eu-west-1.amazonaws.com/a:1")
		},
			[]string{`Runtime and Handler must be empty for container images`}},
		{"architecture", func(p *serverless.HandlerProps) { p.Architecture = "riscv" },
			[]string{`Architecture "riscv" is not an architecture; use arm64 or x86_64`}},
		{"memory low", func(p *serverless.HandlerProps) { p.MemoryMB = 64 },
			[]string{`MemoryMB 64 is out of range; use 128 to 10240`}},
		{"memory high", func(p *serverless.HandlerProps) { p.MemoryMB = 10241 },
			[]string{`MemoryMB 10241 is out of range`}},
		{"timeout", func(p *serverless.HandlerProps) { p.TimeoutSeconds = 901 },
			[]string{`TimeoutSeconds 901 is out of range; use 1 to 900`}},
		{"ephemeral storage", func(p *serverless.HandlerProps) { p.EphemeralStorageMB = 256 },
			[]string{`EphemeralStorageMB 256 is out of range; use 512 to 10240`}},
		{"environment size", func(p *serverless.HandlerProps) { p.Environment = bigEnv },
			[]string{`Environment is 4104 bytes; Lambda allows 4 KB (4096 bytes)`}},
		{"reserved environment", func(p *serverless.HandlerProps) {
			p.Environment = map[string]string{"AWS_REGION": "x", "AWS_LAMBDA_FUNCTION_NAME": "y", "1BAD": "z"}
		}, []string{`Environment key "AWS_REGION" is reserved by Lambda`, `Environment key "AWS_LAMBDA_FUNCTION_NAME" is reserved`, `Environment key "1BAD" is not a valid variable name`}},
		{"reserved concurrency", func(p *serverless.HandlerProps) { p.ReservedConcurrency = intp(-1) },
			[]string{`ReservedConcurrency -1 is negative; use 0 (disable) or more, or leave nil for unreserved`}},
		{"log level", func(p *serverless.HandlerProps) { p.LogLevel = "VERBOSE" },
			[]string{`LogLevel "VERBOSE" is not a log level`}},
		{"log retention", func(p *serverless.HandlerProps) { p.LogRetentionDays = 100 },
			[]string{`LogRetentionDays 100 is not a CloudWatch Logs retention; use one of [1 3 5 7 14 30 60 90 120`}},
		{"layers", func(p *serverless.HandlerProps) { p.Layers = []string{"a", "b", "c", "d", "e", "f"} },
			[]string{`Layers has 6 layers; Lambda allows 5`}},
		{"security groups without vpc", func(p *serverless.HandlerProps) { p.SecurityGroupIDs = []string{"sg-1"} },
			[]string{`SecurityGroupIDs is set but VPC is nil`}},
		{"async retries", func(p *serverless.HandlerProps) { p.Async.MaxRetries = intp(3) },
			[]string{`Async.MaxRetries 3 is out of range; use 0 to 2`}},
		{"async age", func(p *serverless.HandlerProps) { p.Async.MaxEventAgeSeconds = 30 },
			[]string{`Async.MaxEventAgeSeconds 30 is out of range; use 60 to 21600`}},
		{"missing directory", func(p *serverless.HandlerProps) { p.Code = lambdacode.FromDirectory("/nonexistent/dir") },
			[]string{`Code directory /nonexistent/dir: lstat /nonexistent/dir: no such file or directory`}},
		{"not a zip", func(p *serverless.HandlerProps) {
			f := filepath.Join(t.TempDir(), "code.zip")
			_ = os.WriteFile(f, []byte("nope"), 0o644)
			p.Code = lambdacode.FromZipFile(f)
		}, []string{`is not a zip file`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stack := tftest.NewStack(t)
			p := props(t)
			tt.mod(&p)
			h, err := serverless.NewHandler(stack, "fn", p)
			if err == nil || h != nil {
				t.Fatalf("NewHandler accepted invalid props (err %v)", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%s\ndoes not contain\n%s", err, w)
				}
			}
		})
	}
}

func TestHandlerDefaults(t *testing.T) {
	stack := tftest.NewStack(t)
	h, err := serverless.NewHandler(stack, "fn", props(t))
	if err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	fn := doc.One(t, "aws_lambda_function", "fn_function")
	if fn["function_name"] != "test-fn" || fn["memory_size"] != float64(256) || fn["timeout"] != float64(30) || fn["runtime"] != "provided.al2023" || fn["handler"] != "bootstrap" {
		t.Errorf("function = %v", fn)
	}
	if strings.Join(tftest.Strings(fn["architectures"]), ",") != "arm64" || tftest.Block(fn, "tracing_config")["mode"] != "Active" {
		t.Errorf("architecture/tracing = %v %v", fn["architectures"], fn["tracing_config"])
	}
	lc := tftest.Block(fn, "logging_config")
	if lc["log_format"] != "JSON" || lc["application_log_level"] != "INFO" || !strings.Contains(lc["log_group"].(string), "aws_cloudwatch_log_group.") {
		t.Errorf("logging = %v", lc)
	}
	if !strings.HasPrefix(fn["filename"].(string), "assets/") || fn["source_code_hash"] == "" {
		t.Errorf("code = %v / %v", fn["filename"], fn["source_code_hash"])
	}
	lg := doc.One(t, "aws_cloudwatch_log_group", "log-group")
	if lg["name"] != "/aws/lambda/test-fn" || lg["retention_in_days"] != float64(90) {
		t.Errorf("log group = %v", lg)
	}
	// The role may write to its own log group and nothing may create one.
	if len(doc.Resources("aws_iam_role_policy")) == 0 {
		t.Fatal("no role policies")
	}
	for name, p := range doc.Resources("aws_iam_role_policy") {
		if strings.Contains(p["policy"].(string), "logs:CreateLogGroup") {
			t.Errorf("%s grants logs:CreateLogGroup", name)
		}
	}
	logs := doc.One(t, "aws_iam_role_policy", "policy-logs")["policy"].(string)
	if !strings.Contains(logs, doc.Address(t, "aws_cloudwatch_log_group", "log-group")+".arn}:*") {
		t.Errorf("log policy is not scoped to the function's log group: %s", logs)
	}
	async := doc.One(t, "aws_lambda_function_event_invoke_config", "async")
	dest := tftest.Block(tftest.Block(async, "destination_config"), "on_failure")["destination"].(string)
	if async["maximum_retry_attempts"] != float64(2) || async["maximum_event_age_in_seconds"] != float64(21600) || !strings.Contains(dest, "aws_sqs_queue.") {
		t.Errorf("async = %v", async)
	}
	q := doc.One(t, "aws_sqs_queue", "failure-queue")
	if q["sqs_managed_sse_enabled"] != true || q["message_retention_seconds"] != float64(1209600) {
		t.Errorf("failure queue = %v", q)
	}
	if n := len(doc.Resources("aws_cloudwatch_metric_alarm")); n != 4 {
		t.Errorf("%d alarms, want errors, throttles, duration and failed events", n)
	}
	// Queue depth is a gauge: summing it over five one-minute samples would
	// count one waiting message five times.
	if a := doc.One(t, "aws_cloudwatch_metric_alarm", "failed-events-alarm"); a["statistic"] != "Maximum" || a["metric_name"] != "ApproximateNumberOfMessagesVisible" {
		t.Errorf("failed-events alarm = %v", a)
	}
	if a := doc.One(t, "aws_cloudwatch_metric_alarm", "errors-alarm"); a["statistic"] != "Sum" {
		t.Errorf("errors alarm = %v", a)
	}
	if h.TimeoutSeconds() != 30 {
		t.Error("TimeoutSeconds")
	}
}

func TestHandlerInVPC(t *testing.T) {
	stack := tftest.NewStack(t)
	vpc, err := network.NewVPC(stack, "net", network.VPCProps{AZCount: 2, Endpoints: []network.Endpoint{network.EndpointS3, network.EndpointSQS}})
	if err != nil {
		t.Fatal(err)
	}
	p := props(t)
	p.VPC = vpc
	p.Alarms.TopicARN = "arn:aws:sns:eu-west-1:123456789012:alerts"
	h, err := serverless.NewHandler(stack, "fn", p)
	if err != nil {
		t.Fatal(err)
	}
	if h.Role() == nil || h.Resource() == nil || *h.Role().AssumeRolePolicy() == "" {
		t.Error("Role and Resource must return the rendered resources")
	}
	lb := network.NewConnections(stack, "orders-lb", "sg-0123456789abcdef0")
	if _, err := h.Connections().AllowTo(lb, 80, "To the orders load balancer"); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	vc := tftest.Block(doc.One(t, "aws_lambda_function", "fn_function"), "vpc_config")
	for _, s := range tftest.Strings(vc["subnet_ids"]) {
		if !strings.Contains(s, "private-subnet") {
			t.Errorf("function in non-private subnet %s", s)
		}
	}
	// Egress goes only where the function calls: the VPC's endpoints (by
	// security group and by the S3 prefix list) and what Connections().AllowTo opened.
	for name, e := range doc.Resources("aws_vpc_security_group_egress_rule") {
		if e["cidr_ipv4"] != nil {
			t.Errorf("egress %s opens %v; the function should not reach the Internet by default", name, e["cidr_ipv4"])
		}
	}
	ep := doc.One(t, "aws_vpc_security_group_egress_rule", "https-egress-endpoints")
	if ep["from_port"] != float64(443) || !strings.Contains(ep["referenced_security_group_id"].(string), "endpoint-security-group") {
		t.Errorf("endpoint egress = %v", ep)
	}
	if gw := doc.One(t, "aws_vpc_security_group_egress_rule", "https-egress-gateway-0"); !strings.Contains(gw["prefix_list_id"].(string), "endpoint-s3") {
		t.Errorf("gateway egress = %v", gw)
	}
	if o := doc.One(t, "aws_vpc_security_group_egress_rule", "fn-to-orders-lb-80"); o["from_port"] != float64(80) || o["referenced_security_group_id"] != "sg-0123456789abcdef0" {
		t.Errorf("AllowTo egress = %v", o)
	}
	// The load balancer's side of the path: it admits the function.
	if in := doc.One(t, "aws_vpc_security_group_ingress_rule", "orders-lb-from-fn-80"); in["security_group_id"] != "sg-0123456789abcdef0" ||
		!strings.Contains(in["referenced_security_group_id"].(string), "fn_security-group") || in["to_port"] != float64(80) {
		t.Errorf("AllowTo ingress = %v", in)
	}
	if len(doc.Resources("aws_vpc_security_group_ingress_rule")) != 2 { // the endpoints' own HTTPS ingress and the LB's
		t.Errorf("ingress rules = %v", doc.Resources("aws_vpc_security_group_ingress_rule"))
	}
	// Network interfaces only: the managed AWSLambdaVPCAccessExecutionRole
	// would also allow logs:CreateLogGroup on every log group.
	if n := len(doc.Resources("aws_iam_role_policy_attachment")); n != 0 {
		t.Errorf("%d managed policy attachments; want none", n)
	}
	vpcAccess := doc.One(t, "aws_iam_role_policy", "policy-vpc-access")["policy"].(string)
	if !strings.Contains(vpcAccess, "ec2:CreateNetworkInterface") || strings.Contains(vpcAccess, "logs:") {
		t.Errorf("vpc access policy = %s", vpcAccess)
	}
	if !strings.Contains(strings.Join(tftest.Strings(doc.One(t, "aws_lambda_function", "fn_function")["depends_on"]), ","), doc.Address(t, "aws_iam_role_policy", "policy-vpc-access")) {
		t.Error("the function does not wait for its VPC access policy (CreateFunction checks it)")
	}
}

func TestHandlerInternetEgressIsAnOptIn(t *testing.T) {
	stack := tftest.NewStack(t)
	vpc, err := network.NewVPC(stack, "net", network.VPCProps{AZCount: 2})
	if err != nil {
		t.Fatal(err)
	}
	p := props(t)
	p.VPC = vpc
	p.AllowInternetHTTPS = true
	if _, err := serverless.NewHandler(stack, "fn", p); err != nil {
		t.Fatal(err)
	}
	p.AllowInternetHTTPS = false
	if _, err := serverless.NewHandler(stack, "closed", p); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	if e := doc.One(t, "aws_vpc_security_group_egress_rule", "fn_https-egress"); e["cidr_ipv4"] != "0.0.0.0/0" || e["from_port"] != float64(443) {
		t.Errorf("internet egress = %v", e)
	}
	for name := range doc.Resources("aws_vpc_security_group_egress_rule") {
		if strings.HasPrefix(name, "closed_") {
			t.Errorf("function without endpoints or opt-in got egress %s", name)
		}
	}
	found := false
	for _, w := range tftest.Warnings(stack) {
		found = found || strings.Contains(w, "closed: the VPC has no endpoints and AllowInternetHTTPS is off")
	}
	if !found {
		t.Errorf("no warning for a function that can reach nothing: %v", tftest.Warnings(stack))
	}
}

func newBucket(t testing.TB, stack cdktf.TerraformStack, id string) *storage.Bucket {
	b, err := storage.NewBucket(stack, id, storage.BucketProps{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTwoHandlersOnOneBucketShareOneNotification(t *testing.T) {
	stack := tftest.NewStack(t)
	bucket := newBucket(t, stack, "uploads")
	a, err := serverless.NewHandler(stack, "thumbs", props(t))
	if err != nil {
		t.Fatal(err)
	}
	b, err := serverless.NewHandler(stack, "index", props(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.AddS3Source("images", bucket, serverless.S3SourceProps{Prefix: "images/", Suffix: ".jpg"}); err != nil {
		t.Fatal(err)
	}
	if err := b.AddS3Source("docs", bucket, serverless.S3SourceProps{Prefix: "docs/"}); err != nil {
		t.Fatal(err)
	}
	if err := a.AddS3Source("pngs", bucket, serverless.S3SourceProps{Prefix: "images/", Suffix: ".png"}); err != nil {
		t.Fatal(err)
	}
	// Overlapping filters for the same event are refused, as S3 would.
	err = b.AddS3Source("all-images", bucket, serverless.S3SourceProps{Prefix: "images/"})
	if err == nil || !strings.Contains(err.Error(), `serverless "test/index": AddS3Source(all-images) filter (prefix "images/", suffix "", events [s3:ObjectCreated:*]) overlaps the filter of test/thumbs (images)`) {
		t.Errorf("overlap error = %v", err)
	}
	if err := b.AddS3Source("deletes", bucket, serverless.S3SourceProps{Prefix: "images/", Events: []string{"s3:ObjectRemoved:*"}}); err != nil {
		t.Errorf("a different event type does not overlap: %v", err)
	}
	if err := a.AddS3Source("images", bucket, serverless.S3SourceProps{Prefix: "x/"}); err == nil || !strings.Contains(err.Error(), `id "images" is already used`) {
		t.Errorf("duplicate id error = %v", err)
	}

	doc := tftest.Synth(t, stack)
	notes := doc.Resources("aws_s3_bucket_notification")
	if len(notes) != 1 {
		t.Fatalf("%d bucket notifications, want exactly 1", len(notes))
	}
	n := doc.One(t, "aws_s3_bucket_notification", "uploads")
	if fns, _ := n["lambda_function"].([]any); len(fns) != 4 {
		t.Errorf("notification has %d lambda_function blocks, want 4", len(fns))
	}
	perms := doc.Resources("aws_lambda_permission")
	if len(perms) != 2 {
		t.Errorf("%d permissions, want one per function and bucket", len(perms))
	}
	deps := tftest.Strings(n["depends_on"])
	if len(deps) != 2 {
		t.Errorf("notification depends on %v, want both permissions", deps)
	}
	for _, p := range perms {
		if p["principal"] != "s3.amazonaws.com" || !strings.Contains(p["source_arn"].(string), "aws_s3_bucket.") || p["source_account"] == nil {
			t.Errorf("permission = %v", p)
		}
	}
}

func TestSQSSource(t *testing.T) {
	stack := tftest.NewStack(t)
	q, err := queue.NewQueue(stack, "orders", queue.Props{VisibilityTimeoutSeconds: 300})
	if err != nil {
		t.Fatal(err)
	}
	short, err := queue.NewQueue(stack, "short", queue.Props{VisibilityTimeoutSeconds: 10})
	if err != nil {
		t.Fatal(err)
	}
	fifo, err := queue.NewQueue(stack, "fifo", queue.Props{FIFO: true})
	if err != nil {
		t.Fatal(err)
	}
	h, err := serverless.NewHandler(stack, "fn", props(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q     queue.Ref
		props serverless.SQSSourceProps
		want  string
	}{
		{q, serverless.SQSSourceProps{BatchSize: 11}, `AddSQSSource(bad).BatchSize 11 is out of range; use 1 to 10, or up to 10000 with MaxBatchingWindowSeconds`},
		{q, serverless.SQSSourceProps{BatchSize: 20000, MaxBatchingWindowSeconds: 5}, `BatchSize 20000 is out of range; use 1 to 10000`},
		{q, serverless.SQSSourceProps{MaxBatchingWindowSeconds: 301}, `MaxBatchingWindowSeconds 301 is out of range; use 0 to 300`},
		{q, serverless.SQSSourceProps{MaxConcurrency: 1}, `MaxConcurrency 1 is out of range; use 2 to 1000`},
		{fifo, serverless.SQSSourceProps{MaxBatchingWindowSeconds: 5}, `MaxBatchingWindowSeconds 5 cannot be used with a FIFO queue`},
		{short, serverless.SQSSourceProps{}, `AddSQSSource(bad).Queue visibility timeout 10 s is shorter than the function timeout 30 s`},
		{q, serverless.SQSSourceProps{FilterPatterns: []string{"{"}}, `FilterPatterns[0] is not a JSON object`},
	} {
		if err := h.AddSQSSource("bad", tc.q, tc.props); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v does not contain %q", err, tc.want)
		}
	}
	if err := h.AddSQSSource("orders", q, serverless.SQSSourceProps{BatchSize: 100, MaxBatchingWindowSeconds: 5, MaxConcurrency: 50}); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	// Batch item failures are not function errors: the source queue's
	// dead-letter queue has its own alarm.
	dlqAlarm := doc.One(t, "aws_cloudwatch_metric_alarm", "sqs-orders-dead-letter-alarm")
	if dlqAlarm["statistic"] != "Maximum" || !strings.Contains(fmt.Sprint(dlqAlarm["dimensions"]), "orders_dead-letter_queue") {
		t.Errorf("dead-letter alarm = %v", dlqAlarm)
	}
	m := doc.One(t, "aws_lambda_event_source_mapping", "sqs-orders")
	if m["batch_size"] != float64(100) || m["maximum_batching_window_in_seconds"] != float64(5) ||
		strings.Join(tftest.Strings(m["function_response_types"]), ",") != "ReportBatchItemFailures" ||
		tftest.Block(m, "scaling_config")["maximum_concurrency"] != float64(50) {
		t.Errorf("mapping = %v", m)
	}
	policy := doc.One(t, "aws_iam_role_policy", "policy-consume-orders")["policy"].(string)
	for _, a := range []string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"} {
		if !strings.Contains(policy, a) {
			t.Errorf("consume policy lacks %s", a)
		}
	}
	orders := doc.One(t, "aws_sqs_queue", "orders_queue")
	if !strings.Contains(orders["redrive_policy"].(string), `"maxReceiveCount":5`) || orders["sqs_managed_sse_enabled"] != true {
		t.Errorf("queue = %v", orders)
	}
	if f := doc.One(t, "aws_sqs_queue", "fifo_queue"); f["name"] != "fifo.fifo" || f["fifo_queue"] != true {
		t.Errorf("fifo queue = %v", f)
	}
}

func TestScheduleValidation(t *testing.T) {
	for expr, want := range map[string]string{
		"rate(5 minutes)":          "",
		"rate(1 hour)":             "",
		"rate(1 hours)":            `use "hour" for 1 and the plural otherwise`,
		"rate(2 day)":              `use "day" for 1 and the plural otherwise`,
		"rate(0 minutes)":          "is not rate(N unit) or cron(six fields)",
		"cron(0 * * * ? *)":        "",
		"cron(0 12 ? * MON-FRI *)": "",
		"cron(0 * * * *)":          "has 5 fields; EventBridge cron takes six",
		"cron(0 * * * * *)":        "exactly one of day-of-month (*) and day-of-week (*) must be ?",
		"every hour":               "is not rate(N unit) or cron(six fields)",
	} {
		err := serverless.ValidateSchedule(expr)
		if (want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("ValidateSchedule(%q) = %v, want %q", expr, err, want)
		}
	}
}

func TestEventBridgeSNSAndStreamSources(t *testing.T) {
	stack := tftest.NewStack(t)
	p := props(t)
	// A long name, as stacks give their functions, so that rule name
	// prefixes are tested against the 64-character limit.
	p.FunctionName = "hybridmicroservices-appmesh-order-worker"
	h, err := serverless.NewHandler(stack, "fn", p)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.AddSchedule("hourly", "rate(1 hours)"); err == nil || !strings.Contains(err.Error(), `AddSchedule(hourly).Expression`) {
		t.Errorf("schedule error = %v", err)
	}
	if err := h.AddSchedule("hourly", "rate(1 hour)"); err != nil {
		t.Fatal(err)
	}
	if err := h.AddEventRule("orders", serverless.EventRuleProps{Pattern: `{"source":["shop.orders"]}`}); err != nil {
		t.Fatal(err)
	}
	if err := h.AddEventRule("empty", serverless.EventRuleProps{Pattern: `{}`}); err == nil {
		t.Error("empty pattern accepted")
	}
	if err := h.AddSNSSource("news", "arn:aws:sns:eu-west-1:123456789012:news", serverless.SNSSourceProps{FilterPolicy: `{"kind":["breaking"]}`}); err != nil {
		t.Fatal(err)
	}
	if err := h.AddSNSSource("bad", "arn:aws:sqs:eu-west-1:123456789012:q", serverless.SNSSourceProps{}); err == nil {
		t.Error("non-SNS topic accepted")
	}
	kinesis := "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks"
	ddb := "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000"
	if err := h.AddStreamSource("clicks", kinesis, serverless.StreamSourceProps{StartingPosition: "TRIM_HORIZON", ParallelizationFactor: 4, BatchSize: 500}); err != nil {
		t.Fatal(err)
	}
	if err := h.AddStreamSource("orders-stream", ddb, serverless.StreamSourceProps{MaxRetries: intp(-1), MaxRecordAgeSeconds: -1}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		arn   string
		props serverless.StreamSourceProps
		want  string
	}{
		{kinesis, serverless.StreamSourceProps{ParallelizationFactor: 11}, "ParallelizationFactor 11 is out of range; use 1 to 10"},
		{kinesis, serverless.StreamSourceProps{BatchSize: 10001}, "BatchSize 10001 is out of range; use 1 to 10000"},
		{kinesis, serverless.StreamSourceProps{MaxRetries: intp(10001)}, "MaxRetries 10001 is out of range; use -1 (infinite) to 10000"},
		{kinesis, serverless.StreamSourceProps{MaxRecordAgeSeconds: 30}, "MaxRecordAgeSeconds 30 is out of range; use -1 (infinite) or 60 to 604800"},
		{kinesis, serverless.StreamSourceProps{TumblingWindowSeconds: 901}, "TumblingWindowSeconds 901 is out of range; use 0 to 900"},
		{kinesis, serverless.StreamSourceProps{StartingPosition: "AT_TIMESTAMP"}, `StartingPosition "AT_TIMESTAMP" is not LATEST or TRIM_HORIZON`},
		{"arn:aws:sqs:eu-west-1:1:q", serverless.StreamSourceProps{}, "Kind cannot be read from"},
	} {
		if err := h.AddStreamSource("bad", tc.arn, tc.props); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v does not contain %q", err, tc.want)
		}
	}

	doc := tftest.Synth(t, stack)
	// Every permission for a service principal is scoped to its source.
	if len(doc.Resources("aws_lambda_permission")) == 0 {
		t.Fatal("no Lambda permissions")
	}
	for name, p := range doc.Resources("aws_lambda_permission") {
		if p["source_arn"] == nil || p["source_arn"] == "" {
			t.Errorf("%s has no source_arn", name)
		}
	}
	rule := doc.One(t, "aws_cloudwatch_event_rule", "rule-hourly")
	if rule["schedule_expression"] != "rate(1 hour)" {
		t.Errorf("rule = %v", rule)
	}
	// Rule names allow 64 characters; Terraform appends 26 to a prefix.
	if len(doc.Resources("aws_cloudwatch_event_rule")) == 0 {
		t.Fatal("no event rules")
	}
	for name, r := range doc.Resources("aws_cloudwatch_event_rule") {
		if p := r["name_prefix"].(string); len(p)+26 > 64 {
			t.Errorf("%s: name_prefix %q is %d characters; with the 26-character suffix it exceeds 64", name, p, len(p))
		}
	}
	perm := doc.One(t, "aws_lambda_permission", "rule-orders-permission")
	if perm["principal"] != "events.amazonaws.com" || !strings.Contains(perm["source_arn"].(string), doc.Address(t, "aws_cloudwatch_event_rule", "rule-orders")) {
		t.Errorf("rule permission = %v", perm)
	}
	sub := doc.One(t, "aws_sns_topic_subscription", "sns-news")
	if sub["protocol"] != "lambda" || sub["filter_policy"] != `{"kind":["breaking"]}` {
		t.Errorf("subscription = %v", sub)
	}
	if p := doc.One(t, "aws_lambda_permission", "sns-news-permission"); p["source_arn"] != "arn:aws:sns:eu-west-1:123456789012:news" {
		t.Errorf("sns permission = %v", p)
	}
	k := doc.One(t, "aws_lambda_event_source_mapping", "stream-clicks")
	if k["starting_position"] != "TRIM_HORIZON" || k["parallelization_factor"] != float64(4) || k["bisect_batch_on_function_error"] != true ||
		k["maximum_retry_attempts"] != float64(3) || !strings.Contains(tftest.Block(tftest.Block(k, "destination_config"), "on_failure")["destination_arn"].(string), "aws_sqs_queue.") {
		t.Errorf("kinesis mapping = %v", k)
	}
	if d := doc.One(t, "aws_lambda_event_source_mapping", "stream-orders-stream"); d["maximum_retry_attempts"] != float64(-1) || d["maximum_record_age_in_seconds"] != float64(-1) {
		t.Errorf("dynamodb mapping = %v", d)
	}
	if p := doc.One(t, "aws_iam_role_policy", "read-stream-orders-stream")["policy"].(string); !strings.Contains(p, "dynamodb:GetRecords") || !strings.Contains(p, ddb) {
		t.Errorf("dynamodb stream policy = %s", p)
	}
}

func TestGrants(t *testing.T) {
	stack := tftest.NewStack(t)
	bucket := newBucket(t, stack, "data")
	h, err := serverless.NewHandler(stack, "fn", props(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		bucket.GrantRead(h, "in/"),
		bucket.GrantWrite(h, "out/"),
		grant.SecretRead(h, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"),
		grant.KeyUse(h, "arn:aws:kms:eu-west-1:123456789012:key/1"),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	doc := tftest.Synth(t, stack)
	read := tftest.Policy(t, doc.One(t, "aws_iam_role_policy", "read-data")["policy"])
	st := read["Statement"].([]any)
	if len(st) != 3 || !strings.HasSuffix(tftest.Strings(st[1].(map[string]any)["Resource"])[0], ".arn}/in/*") {
		t.Errorf("read policy = %v", read)
	}
	// The bucket's customer managed key: decrypt to read, only through S3.
	key := st[2].(map[string]any)
	if strings.Join(tftest.Strings(key["Action"]), ",") != "kms:Decrypt" || !strings.Contains(tftest.Strings(key["Resource"])[0], "aws_kms_key.data_key") ||
		!strings.Contains(fmt.Sprint(key["Condition"]), "StringEquals:map[kms:ViaService:s3.${data.aws_region.awsenv-region.name}.amazonaws.com]") {
		t.Errorf("read key statement = %v", key)
	}
	write := doc.One(t, "aws_iam_role_policy", "write-data")["policy"].(string)
	if strings.Contains(write, "s3:GetObject") || strings.Contains(write, "s3:DeleteObject") || !strings.Contains(write, ".arn}/out/*") ||
		!strings.Contains(write, `"kms:Decrypt","kms:GenerateDataKey"`) {
		t.Errorf("write policy = %s", write)
	}
	if len(doc.Resources("aws_iam_role_policy")) == 0 {
		t.Fatal("no role policies")
	}
	for _, p := range doc.Resources("aws_iam_role_policy") {
		pol := p["policy"].(string)
		if strings.Contains(pol, `"Action":["*"]`) || strings.Contains(pol, `"s3:*"`) {
			t.Errorf("wildcard action in %s", pol)
		}
	}
}

// TestNotificationsDoNotLeakAcrossApps builds the same stack twice in one
// process, as the snapshot tests do; each must get its own notification.
func TestNotificationsDoNotLeakAcrossApps(t *testing.T) {
	for i := 0; i < 2; i++ {
		stack := tftest.NewStack(t)
		bucket := newBucket(t, stack, "uploads")
		h, err := serverless.NewHandler(stack, "fn", props(t))
		if err != nil {
			t.Fatal(err)
		}
		if err := h.AddS3Source("all", bucket, serverless.S3SourceProps{}); err != nil {
			t.Fatalf("app %d: %v", i, err)
		}
		doc := tftest.Synth(t, stack)
		if fns, _ := doc.One(t, "aws_s3_bucket_notification", "uploads")["lambda_function"].([]any); len(fns) != 1 {
			t.Fatalf("app %d: %d lambda_function blocks, want 1", i, len(fns))
		}
	}
}

// Two handlers with the same id in different scopes get different default
// names (and so different log groups); a top-level handler keeps
// "<stack>-<id>".
func TestDefaultNamesFollowTheConstructPath(t *testing.T) {
	stack := tftest.NewStack(t)
	for _, scope := range []constructs.Construct{stack, constructs.NewConstruct(stack, jsii.String("team-a")), constructs.NewConstruct(stack, jsii.String("team-b"))} {
		if _, err := serverless.NewHandler(scope, "orders", props(t)); err != nil {
			t.Fatal(err)
		}
	}
	doc := tftest.Synth(t, stack)
	got := map[string]bool{}
	for _, f := range doc.Resources("aws_lambda_function") {
		got[f["function_name"].(string)] = true
	}
	for _, want := range []string{"test-orders", "test-team-a-orders", "test-team-b-orders"} {
		if !got[want] {
			t.Errorf("no function named %s (have %v)", want, got)
		}
	}
}
