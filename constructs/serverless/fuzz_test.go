package serverless_test

import (
	"math"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/grant"
	"github.com/hybridstack/hybridstack/constructs/internal/fuzztest"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/lambdacode"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/queue"
	"github.com/hybridstack/hybridstack/constructs/serverless"
	"github.com/hybridstack/hybridstack/constructs/storage"
)

// The fuzz tests below feed primitive values into the props of NewQueue and
// NewHandler (with code from S3 or an image, so no Go build runs), into the
// handler's event sources, and into queue and bucket grants, and check the
// contract of every call: it returns a value or an error, never both and
// never neither, and never panics; an error is about props, so it wraps
// validate.ErrInvalid, every FieldError in it names the construct path, the
// field and the problem, and a failed constructor added nothing to the
// tree; a stack built without error synthesizes. `go test` runs the seeds;
// `make fuzz` (go test -fuzz) explores from them.

// The fuzzFlag* bits select optional HandlerProps in FuzzNewHandler.
const (
	fuzzFlagReserved = 1 << iota
	fuzzFlagRetries
	fuzzFlagFIFOFailureQueue
	fuzzFlagFailureQueue
	fuzzFlagVPC
	fuzzFlagSecurityGroups
	fuzzFlagInternet
)

func FuzzNewHandler(f *testing.F) {
	type in struct {
		id, name, description      string
		image                      bool
		codeA, codeB, version      string
		runtime, handler, arch     string
		memory, timeout, ephemeral int
		envKey, envValue, envKMS   string
		reserved                   int
		logLevel                   string
		logDays                    int
		noTracing                  bool
		layers                     string
		retries, eventAge          int
		alarmsOff                  bool
		topic                      string
		flags                      uint8
	}
	add := func(i in) {
		f.Add(i.id, i.name, i.description, i.image, i.codeA, i.codeB, i.version, i.runtime, i.handler, i.arch, i.memory, i.timeout, i.ephemeral,
			i.envKey, i.envValue, i.envKMS, i.reserved, i.logLevel, i.logDays, i.noTracing, i.layers, i.retries, i.eventAge, i.alarmsOff, i.topic, i.flags)
	}
	add(in{id: "fn", codeA: "acme-artifacts", codeB: "fn.zip"})
	add(in{id: "thumbnails", name: "acme-thumbnails", description: "Makes thumbnails", codeA: "acme-artifacts", codeB: "thumbnails/v42.zip", version: "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY",
		arch: "x86_64", memory: 1024, timeout: 120, ephemeral: 2048, envKey: "TABLE", envValue: "thumbnails", envKMS: "arn:aws:kms:eu-west-1:123456789012:key/k",
		reserved: 10, logLevel: "DEBUG", logDays: 30, layers: "arn:aws:lambda:eu-west-1:123456789012:layer:otel:3", retries: 0, eventAge: 3600,
		topic: "arn:aws:sns:eu-west-1:123456789012:alarms", flags: fuzzFlagReserved | fuzzFlagRetries | fuzzFlagFailureQueue | fuzzFlagVPC})
	add(in{id: "img", image: true, codeA: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:0123", flags: fuzzFlagVPC | fuzzFlagInternet, noTracing: true, alarmsOff: true})
	add(in{id: "img", image: true, codeA: "", runtime: "python3.13", handler: "app.handler", layers: "a"})
	add(in{id: "py", codeA: "b", codeB: "k", runtime: "python3.13"})
	add(in{id: "py", codeA: "b", codeB: "k", runtime: "go1.x", handler: "main", arch: "arm", memory: 127, timeout: 901, ephemeral: 511})
	add(in{id: "fn", codeA: "", codeB: "", memory: math.MaxInt, timeout: math.MinInt, ephemeral: -1, reserved: -1, retries: 3, eventAge: 59, flags: fuzzFlagReserved | fuzzFlagRetries | fuzzFlagFIFOFailureQueue})
	add(in{id: "fn", codeA: "b", codeB: "k", envKey: "AWS_REGION", envValue: "x", logLevel: "info", logDays: 45, layers: "a,b,c,d,e,f", flags: fuzzFlagSecurityGroups})
	add(in{id: "fn", codeA: "b", codeB: "k", envKey: "1BAD", envValue: strings.Repeat("v", 5000)})
	add(in{id: "fn", codeA: "b", codeB: "k", name: strings.Repeat("n", 65), description: strings.Repeat("d", 257)})
	add(in{id: "fn", codeA: "b", codeB: "k", name: "ünïcødé"})
	add(in{id: "fn", codeA: "b", codeB: "k", name: strings.Repeat("n", 43)}) // was a panic: failure queue NamePrefix
	add(in{id: "ünï/cødé", codeA: "b", codeB: "k", flags: fuzzFlagVPC | fuzzFlagSecurityGroups})
	add(in{id: "awsenv-region", codeA: "b", codeB: "k"})
	fuzztest.WarmUp(f)
	f.Fuzz(func(t *testing.T, id, name, description string, image bool, codeA, codeB, version, runtime, handler, arch string, memory, timeout, ephemeral int,
		envKey, envValue, envKMS string, reserved int, logLevel string, logDays int, noTracing bool, layers string, retries, eventAge int, alarmsOff bool, topic string, flags uint8) {
		stack := fuzztest.Stack(t)
		// lambdacode.FromS3 and FromImage: no Go build, no zip.
		code := lambdacode.FromS3(codeA, codeB, version)
		if image {
			code = lambdacode.FromImage(codeA)
		}
		props := serverless.HandlerProps{
			FunctionName: name, Description: description, Code: code, Runtime: runtime, Handler: handler, Architecture: arch,
			MemoryMB: memory, TimeoutSeconds: timeout, EphemeralStorageMB: ephemeral, EnvironmentKMSKeyARN: envKMS,
			LogLevel: logLevel, LogRetentionDays: logDays, DisableTracing: noTracing, Layers: fuzztest.List(layers),
			AllowInternetHTTPS: flags&fuzzFlagInternet != 0,
			Async:              serverless.AsyncProps{MaxEventAgeSeconds: eventAge},
			Alarms:             serverless.AlarmProps{Disable: alarmsOff, TopicARN: topic},
		}
		if envKey != "" || envValue != "" {
			props.Environment = map[string]string{envKey: envValue}
		}
		if flags&fuzzFlagReserved != 0 {
			props.ReservedConcurrency = &reserved
		}
		if flags&fuzzFlagRetries != 0 {
			props.Async.MaxRetries = &retries
		}
		if flags&(fuzzFlagFIFOFailureQueue|fuzzFlagFailureQueue) != 0 {
			q, err := queue.NewQueue(stack, "failures", queue.Props{FIFO: flags&fuzzFlagFIFOFailureQueue != 0, IsDeadLetterQueue: true})
			if err != nil {
				t.Fatal(err)
			}
			props.Async.FailureQueue = q
		}
		if flags&fuzzFlagVPC != 0 {
			vpc, err := network.NewVPC(stack, "net", network.VPCProps{AZCount: 2, Endpoints: []network.Endpoint{network.EndpointS3, network.EndpointSQS}})
			if err != nil {
				t.Fatal(err)
			}
			props.VPC = vpc
		}
		if flags&fuzzFlagSecurityGroups != 0 {
			props.SecurityGroupIDs = []string{"sg-0123456789abcdef0"}
		}
		var h *serverless.Handler
		var err error
		added := fuzztest.Adds(stack, id)
		fuzztest.Run(t, func() { h, err = serverless.NewHandler(stack, id, props) })
		if !fuzztest.Check(t, "NewHandler", h != nil, err) {
			if added() {
				t.Fatalf("NewHandler returned %v but added %q to the tree", err, id)
			}
			return
		}
		if h.FailureQueue() == nil || h.RoleARN() == "" || h.TimeoutSeconds() < 1 || h.TimeoutSeconds() > 900 {
			t.Fatalf("NewHandler: failure queue %v, role %q, timeout %d", h.FailureQueue(), h.RoleARN(), h.TimeoutSeconds())
		}
		tftest.Synth(t, stack)
	})
}

// Event sources FuzzHandlerSources adds, by kind % 5.
var fuzzSourceKinds = []string{"AddSQSSource", "AddSchedule", "AddEventRule", "AddSNSSource", "AddStreamSource"}

// fuzzDerived are ways to make a second id from a first one, with the
// suffixes constructs add to the ids they derive: byte mutation alone
// rarely builds them.
var fuzzDerived = []string{"%s-1", "%s-permission", "%s-target", "%s-dead-letter-alarm", "%s-alarm", "%s-2", "x%s"}

func FuzzHandlerSources(f *testing.F) {
	f.Add(uint8(0), "orders", `{"body":{"type":["order"]}}`, 10, 0, uint8(1), "nightly", uint8(0), "cron(0 3 * * ? *)", 0, 0, false, 180, 30)
	f.Add(uint8(2), "uploads", `{"source":["aws.s3"]}`, 0, 0, uint8(3), "alerts", uint8(0), "arn:aws:sns:eu-west-1:123456789012:alerts", 1, 0, false, 0, 0)
	f.Add(uint8(4), "clicks", "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks", 500, 5, uint8(4), "changes", uint8(0), "arn:aws:dynamodb:eu-west-1:123456789012:table/t/stream/2024", -1, 0, false, 0, 0)
	f.Add(uint8(0), "fifo", "", 11, 1, uint8(0), "", uint8(1), "not json", 10000, 301, true, 60, 30)
	f.Add(uint8(0), "slow", "", 100, 0, uint8(0), "slow2", uint8(0), "", 0, -1, false, 10, 60)
	f.Add(uint8(1), "every", "rate(1 minutes)", 0, 0, uint8(1), "hourly", uint8(0), "rate(1 hour)", 0, 0, false, 0, 0)
	f.Add(uint8(1), "cron", "cron(0 3 * * * *)", 0, 0, uint8(1), "cron5", uint8(0), "cron(0 3 * *)", 0, 0, false, 0, 0)
	f.Add(uint8(2), "rule", "{}", 0, 0, uint8(2), "rule2", uint8(0), "[1]", 0, 0, false, 0, 0)
	f.Add(uint8(3), "sns", "", 0, 0, uint8(3), "sns2", uint8(0), "@token", 0, 0, false, 0, 0)
	f.Add(uint8(4), "stream", "arn:aws:s3:::bucket", math.MaxInt, math.MinInt, uint8(4), "stream2", uint8(0), "@token", 10001, 301, false, 0, 0)
	f.Add(uint8(1), "Bad ID", "rate(5 minutes)", 0, 0, uint8(1), strings.Repeat("a", 41), uint8(0), "rate(5 minutes)", 0, 0, false, 0, 0)
	f.Add(uint8(1), "same", "rate(5 minutes)", 0, 0, uint8(2), "same", uint8(0), `{"source":["x"]}`, 0, 0, false, 0, 0)
	f.Add(uint8(1), "a", "rate(5 minutes)", 0, 0, uint8(1), "", uint8(2), "rate(5 minutes)", 0, 0, false, 0, 0) // was a panic: rule-a-permission
	f.Add(uint8(0), "a", "", 0, 0, uint8(0), "", uint8(4), "", 0, 0, false, 0, 0)                               // was a panic: sqs-a-dead-letter-alarm
	fuzztest.WarmUp(f)
	f.Fuzz(func(t *testing.T, kind1 uint8, id1, arg1 string, n1, m1 int, kind2 uint8, id2 string, sel uint8, arg2 string, n2, m2 int, fifo bool, visibility, timeout int) {
		stack := fuzztest.Stack(t)
		q, err := queue.NewQueue(stack, "queue", queue.Props{FIFO: fifo, VisibilityTimeoutSeconds: visibility})
		if err != nil {
			q, _ = queue.NewQueue(stack, "valid-queue", queue.Props{FIFO: fifo})
		}
		h, err := serverless.NewHandler(stack, "fn", serverless.HandlerProps{Code: lambdacode.FromS3("acme-artifacts", "fn.zip", ""), TimeoutSeconds: timeout})
		if err != nil {
			h, _ = serverless.NewHandler(stack, "valid-fn", serverless.HandlerProps{Code: lambdacode.FromS3("acme-artifacts", "fn.zip", "")})
		}
		for _, c := range []struct {
			kind    uint8
			id, arg string
			n, m    int
		}{{kind1, id1, arg1, n1, m1}, {kind2, fuzztest.Derive(id1, id2, sel, fuzzDerived), arg2, n2, m2}} {
			kind := fuzzSourceKinds[int(c.kind)%len(fuzzSourceKinds)]
			fuzztest.Tokens(stack, &c.arg)
			var err error
			fuzztest.Run(t, func() {
				switch kind {
				case "AddSQSSource":
					props := serverless.SQSSourceProps{BatchSize: c.n, MaxBatchingWindowSeconds: c.m, MaxConcurrency: c.m, DisablePartialBatchResponse: c.n%2 != 0}
					if c.arg != "" {
						props.FilterPatterns = []string{c.arg}
					}
					err = h.AddSQSSource(c.id, q, props)
				case "AddSchedule":
					err = h.AddSchedule(c.id, c.arg)
				case "AddEventRule":
					err = h.AddEventRule(c.id, serverless.EventRuleProps{Pattern: c.arg})
				case "AddSNSSource":
					props := serverless.SNSSourceProps{}
					if c.n%2 != 0 {
						props.FilterPolicy = `{"type":["order"]}`
					}
					err = h.AddSNSSource(c.id, c.arg, props)
				case "AddStreamSource":
					props := serverless.StreamSourceProps{BatchSize: c.n, MaxBatchingWindowSeconds: c.m, ParallelizationFactor: c.m, MaxRecordAgeSeconds: c.n, TumblingWindowSeconds: c.m}
					if c.m%3 == 0 {
						props.MaxRetries = &c.n
						props.OnFailure = q
					}
					err = h.AddStreamSource(c.id, c.arg, props)
				}
			})
			fuzztest.Check(t, kind, err == nil, err)
		}
		tftest.Synth(t, stack)
	})
}

func FuzzGrants(f *testing.F) {
	// grants holds two bits per grant, in order: the queue's GrantConsume
	// and GrantSend (0 none, 1 consume, 2 send, 3 both), twice, then the
	// bucket's (1 read, 2 write, 3 read-write); sourceID then names an SQS
	// source of the same queue.
	f.Add("orders", "data", uint8(0b01_01_01), "uploads/", "orders")
	f.Add("orders", "data", uint8(0b11_10_11), "", "")
	f.Add("orders", "data", uint8(0b00_00_01), "", "1")
	f.Add("orders", "write-x", uint8(0b01_11_11), "*", "2")
	f.Add("orders", "data", uint8(0b00_01_01), "", "1") // was a panic: consume twice, then consume-1
	fuzztest.WarmUp(f)
	f.Fuzz(func(t *testing.T, queueID, bucketID string, grants uint8, prefix, sourceID string) {
		if strings.NewReplacer("/", "--").Replace(queueID) == strings.NewReplacer("/", "--").Replace(bucketID) || queueID == "fn" || bucketID == "fn" {
			t.Skip("not a grant input: construct ids must differ")
		}
		stack := fuzztest.Stack(t)
		h, err := serverless.NewHandler(stack, "fn", serverless.HandlerProps{Code: lambdacode.FromS3("acme-artifacts", "fn.zip", "")})
		if err != nil {
			t.Fatal(err)
		}
		var q *queue.Queue
		fuzztest.Run(t, func() { q, err = queue.NewQueue(stack, queueID, queue.Props{}) })
		if !fuzztest.Check(t, "NewQueue", q != nil, err) {
			t.Skip("not a grant input: the queue is invalid")
		}
		var b *storage.Bucket
		fuzztest.Run(t, func() { b, err = storage.NewBucket(stack, bucketID, storage.BucketProps{}) })
		if !fuzztest.Check(t, "NewBucket", b != nil, err) {
			t.Skip("not a grant input: the bucket is invalid")
		}
		// The names of the inline policies the calls add, to recognize the
		// rolepolicy.Attacher collision already reported.
		for i, kind := range []int{int(grants & 3), int(grants >> 2 & 3), int(grants >> 4 & 3)} {
			var calls []func() error
			switch {
			case i < 2 && kind&1 != 0:
				calls = append(calls, func() error { return q.GrantConsume(h) })
			}
			if i < 2 && kind&2 != 0 {
				calls = append(calls, func() error { return q.GrantSend(h) })
			}
			if i == 2 && kind != 0 {
				kind := kind
				calls = append(calls, func() error {
					return []func(grant.Grantee, string) error{b.GrantRead, b.GrantWrite, b.GrantReadWrite}[kind-1](h, prefix)
				})
			}
			for _, call := range calls {
				var err error
				fuzztest.Run(t, func() { err = call() })
				fuzztest.Check(t, "grant", err == nil, err)
			}
		}
		if sourceID != "" {
			fuzztest.Run(t, func() { err = h.AddSQSSource(sourceID, q, serverless.SQSSourceProps{}) })
			fuzztest.Check(t, "AddSQSSource", err == nil, err)
		}
		tftest.Synth(t, stack)
	})
}
