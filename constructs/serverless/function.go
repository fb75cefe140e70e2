// Package serverless provides Handler (NewHandler), the library's
// LambdaEventHandler: a Lambda function with its code (a lambdacode.Code,
// packaged reproducibly), a least-privilege role, an owned log group with
// retention, X-Ray tracing, async failure handling (retries, event age, a
// failure queue.Queue), CloudWatch alarms and event sources (S3, SQS,
// EventBridge, SNS, Kinesis and DynamoDB streams) that each wire the
// permission, mapping and IAM they need. A Handler is a grant.Grantee and a
// network.Connectable.
package serverless

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lambdafunction"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lambdafunctioneventinvokeconfig"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lambdapermission"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/alarm"
	"github.com/hybridstack/hybridstack/constructs/internal/loggroup"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/rolepolicy"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/lambdacode"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/observe"
	"github.com/hybridstack/hybridstack/constructs/queue"
)

// HandlerProps configures a LambdaEventHandler.
type HandlerProps struct {
	// FunctionName is the Lambda name: at most 64 letters, digits, '-'
	// and '_'.
	// Default: - the construct path with "-" for "/" ("<stack>-<id>" at the stack's top level), cut to 64 with a hash
	FunctionName string
	// Description of the function, at most 256 characters.
	// Default: - none
	Description string
	// Code is where the code comes from. Required.
	Code lambdacode.Code
	// Runtime such as "provided.al2023", "python3.13" or "nodejs22.x".
	// Default: provided.al2023 for Go packages and zips; required for directories
	Runtime string
	// Handler is the entry point.
	// Default: "bootstrap" for provided.* runtimes; required for others
	Handler string
	// Architecture is "arm64" or "x86_64".
	// Default: arm64
	Architecture string
	// MemoryMB is 128 to 10240.
	// Default: 256
	MemoryMB int
	// TimeoutSeconds is 1 to 900.
	// Default: 30
	TimeoutSeconds int
	// EphemeralStorageMB is /tmp's size, 512 to 10240.
	// Default: 512
	EphemeralStorageMB int
	// Environment variables; at most 4 KB in total, no reserved names.
	// Default: - none
	Environment map[string]string
	// EnvironmentKMSKeyARN encrypts the environment with a customer key.
	// Default: - the Lambda service key
	EnvironmentKMSKeyARN string
	// ReservedConcurrency caps concurrent executions; 0 disables the
	// function. nil leaves it unreserved.
	// Default: - unreserved
	ReservedConcurrency *int
	// LogLevel is the application log level of the JSON logs: TRACE, DEBUG,
	// INFO, WARN, ERROR or FATAL.
	// Default: INFO
	LogLevel string
	// LogRetentionDays keeps the function's logs this long.
	// Default: 90
	LogRetentionDays int
	// DisableTracing turns X-Ray tracing from Active to PassThrough.
	// Default: false
	DisableTracing bool
	// VPC places the function in the VPC's private subnets.
	// Default: - not in a VPC
	VPC *network.VPC
	// SecurityGroupIDs are used in the VPC instead of a new group.
	// Default: - a new group admitting nothing in, with HTTPS out only to the VPC's endpoints (see AllowInternetHTTPS)
	SecurityGroupIDs []string
	// AllowInternetHTTPS lets the function's new security group send HTTPS
	// to any address (0.0.0.0/0, through NAT): for functions that call
	// services outside AWS, or run in a VPC without the endpoints they
	// need. Without it the group allows HTTPS only to the VPC's interface
	// endpoints and gateway endpoint prefix lists; add other destinations
	// with Connections().AllowTo.
	// Default: false
	AllowInternetHTTPS bool
	// Layers are layer version ARNs, at most 5.
	// Default: - none
	Layers []string
	// Async configures how asynchronous invocations (S3, SNS, EventBridge)
	// retry and where failed events go.
	// Default: - 2 retries, events up to 6 hours old, failures to a new
	// dead-letter queue (see AsyncProps)
	Async AsyncProps
	// Alarms configures the error, throttle, duration and failure-queue
	// alarms.
	// Default: - alarms on, without notification (see AlarmProps)
	Alarms AlarmProps
	// Tags are added to every resource.
	// Default: - none
	Tags map[string]string
}

// AsyncProps configures asynchronous invocation.
type AsyncProps struct {
	// MaxRetries is 0 to 2.
	// Default: 2
	MaxRetries *int
	// MaxEventAgeSeconds is 60 to 21600.
	// Default: 21600
	MaxEventAgeSeconds int
	// FailureQueue receives events that failed every retry.
	// Default: - a new encrypted queue kept 14 days
	FailureQueue queue.Ref
}

// AlarmProps configures the handler's alarms: errors and throttles (any in
// a 5-minute period), a p99 duration close to the timeout, messages in the
// failure queue, and messages in the dead-letter queue of each SQS source
// (which no other alarm sees: a batch item failure is not a function
// error).
type AlarmProps struct {
	// Disable creates no alarms.
	// Default: false
	Disable bool
	// TopicARN is notified when an alarm fires or recovers.
	// Default: - no notification
	TopicARN string
	// DurationPercent is how close to the timeout the p99 duration may come
	// before the duration alarm fires (in two of three 5-minute periods),
	// in percent of TimeoutSeconds, 1 to 100: the slowest invocations are
	// about to time out.
	// Default: 80
	DurationPercent int
}

// Handler is a LambdaEventHandler.
type Handler struct {
	constructs.Construct

	name      string
	timeout   int
	arch      string
	fn        lambdafunction.LambdaFunction
	role      iamrole.IamRole
	env       awsenv.Env
	policies  *rolepolicy.Attacher
	failure   queue.Ref
	sourceIDs map[string]int
	// s3Permissions maps a bucket's construct path to this function's
	// permission for it.
	s3Permissions map[string]lambdapermission.LambdaPermission
	// ids keeps derived construct ids injective.
	ids           names.IDs
	securityGroup string
	connections   *network.Connections
	alarmTopic    string
	alarmsOff     bool
	tags          map[string]string
	// Signals: the alarms raised so far, the log group, the reserved
	// concurrency, whether a stream source was added, and the duration
	// alarm's percentage of the timeout.
	raised          []observe.Alarm
	logGroup        string
	reserved        *int
	streams         bool
	durationPercent int
}

var (
	functionNameRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	envNameRe      = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	reservedEnv    = map[string]bool{
		"_HANDLER": true, "_X_AMZN_TRACE_ID": true, "AWS_DEFAULT_REGION": true, "AWS_REGION": true,
		"AWS_EXECUTION_ENV": true, "AWS_ACCESS_KEY": true, "AWS_ACCESS_KEY_ID": true, "AWS_SECRET_ACCESS_KEY": true,
		"AWS_SESSION_TOKEN": true, "LAMBDA_TASK_ROOT": true, "LAMBDA_RUNTIME_DIR": true,
	}
	logLevels = []string{"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"}
	runtimes  = []string{"provided.al2023", "provided.al2", "python3.10", "python3.11", "python3.12", "python3.13", "nodejs18.x", "nodejs20.x", "nodejs22.x", "java11", "java17", "java21", "dotnet8", "ruby3.2", "ruby3.3"}
)

type settings struct {
	HandlerProps
	name            string
	maxRetries      int
	eventAge        int
	durationPercent int
}

func handlerDefaults(path string, p HandlerProps) settings {
	s := settings{HandlerProps: p, name: p.FunctionName}
	if s.name == "" {
		s.name = names.FromPathFit(path, 64)
	}
	if k := p.Code.Kind(); s.Runtime == "" && (k == lambdacode.GoPackage || k == lambdacode.ZipFile || k == lambdacode.S3) {
		s.Runtime = "provided.al2023"
	}
	if s.Handler == "" && strings.HasPrefix(s.Runtime, "provided") {
		s.Handler = "bootstrap"
	}
	if s.Architecture == "" {
		s.Architecture = "arm64"
	}
	if s.MemoryMB == 0 {
		s.MemoryMB = 256
	}
	if s.TimeoutSeconds == 0 {
		s.TimeoutSeconds = 30
	}
	if s.EphemeralStorageMB == 0 {
		s.EphemeralStorageMB = 512
	}
	if s.LogLevel == "" {
		s.LogLevel = "INFO"
	}
	if s.LogRetentionDays == 0 {
		s.LogRetentionDays = 90
	}
	s.maxRetries = 2
	if p.Async.MaxRetries != nil {
		s.maxRetries = *p.Async.MaxRetries
	}
	s.eventAge = p.Async.MaxEventAgeSeconds
	if s.eventAge == 0 {
		s.eventAge = 21600
	}
	s.durationPercent = p.Alarms.DurationPercent
	if s.durationPercent == 0 {
		s.durationPercent = 80
	}
	return s
}

func (s settings) validate(r *validation.Report) {
	if !functionNameRe.MatchString(s.name) {
		r.Addf("FunctionName", "%q must be 1-64 letters, digits, '-' or '_'", s.name)
	}
	if len(s.Description) > 256 {
		r.Addf("Description", "is %d characters; Lambda allows 256", len(s.Description))
	}
	switch s.Code.Kind() {
	case lambdacode.None:
		r.Addf("Code", "is not set; use lambdacode.FromGoPackage, FromDirectory, FromZipFile, FromS3 or FromImage")
	case lambdacode.Directory, lambdacode.GoPackage, lambdacode.ZipFile:
		if s.Code.Path() == "" {
			r.Addf("Code", "has an empty path")
		}
	case lambdacode.S3:
		if bucket, key, _ := s.Code.S3Object(); bucket == "" || key == "" {
			r.Addf("Code", "needs both bucket and key for S3 code")
		}
	case lambdacode.Image:
		if s.Code.ImageURI() == "" {
			r.Addf("Code", "has an empty image URI")
		}
		if s.Runtime != "" || s.Handler != "" {
			r.Addf("Runtime", "and Handler must be empty for container images; set the entry point in the image")
		}
	}
	if s.Code.Kind() != lambdacode.Image {
		if s.Runtime == "" {
			r.Addf("Runtime", "is empty; %s needs one of %v", s.Code, runtimes)
		} else if !validation.OneOf(s.Runtime, runtimes...) {
			r.Addf("Runtime", "%q is not a supported runtime; use one of %v", s.Runtime, runtimes)
		}
		if s.Handler == "" {
			r.Addf("Handler", "is empty; runtime %s needs the entry point, such as app.handler", s.Runtime)
		}
		if s.Code.Kind() == lambdacode.GoPackage && !strings.HasPrefix(s.Runtime, "provided") {
			r.Addf("Runtime", "%q cannot run a Go binary; use provided.al2023", s.Runtime)
		}
	}
	if s.Architecture != "arm64" && s.Architecture != "x86_64" {
		r.Addf("Architecture", "%q is not an architecture; use arm64 or x86_64", s.Architecture)
	}
	if s.MemoryMB < 128 || s.MemoryMB > 10240 {
		r.Addf("MemoryMB", "%d is out of range; use 128 to 10240", s.MemoryMB)
	}
	if s.TimeoutSeconds < 1 || s.TimeoutSeconds > 900 {
		r.Addf("TimeoutSeconds", "%d is out of range; use 1 to 900", s.TimeoutSeconds)
	}
	if s.EphemeralStorageMB < 512 || s.EphemeralStorageMB > 10240 {
		r.Addf("EphemeralStorageMB", "%d is out of range; use 512 to 10240", s.EphemeralStorageMB)
	}
	size := 0
	for _, k := range ptr.SortedKeys(s.Environment) {
		size += len(k) + len(s.Environment[k])
		switch {
		case reservedEnv[k] || strings.HasPrefix(k, "AWS_LAMBDA_"):
			r.Addf("Environment", "key %q is reserved by Lambda", k)
		case !envNameRe.MatchString(k):
			r.Addf("Environment", "key %q is not a valid variable name (a letter, then letters, digits and '_')", k)
		}
	}
	if size > 4096 {
		r.Addf("Environment", "is %d bytes; Lambda allows 4 KB (4096 bytes) of keys and values in total", size)
	}
	if s.ReservedConcurrency != nil && *s.ReservedConcurrency < 0 {
		r.Addf("ReservedConcurrency", "%d is negative; use 0 (disable) or more, or leave nil for unreserved", *s.ReservedConcurrency)
	}
	if !validation.OneOf(s.LogLevel, logLevels...) {
		r.Addf("LogLevel", "%q is not a log level; use one of %v", s.LogLevel, logLevels)
	}
	if !validation.LogRetention(s.LogRetentionDays) {
		r.Addf("LogRetentionDays", "%d is not a CloudWatch Logs retention; use one of %v", s.LogRetentionDays, validation.LogRetentionDays)
	}
	if len(s.Layers) > 5 {
		r.Addf("Layers", "has %d layers; Lambda allows 5", len(s.Layers))
	}
	if s.Code.Kind() == lambdacode.Image && len(s.Layers) > 0 {
		r.Addf("Layers", "cannot be used with container images")
	}
	if len(s.SecurityGroupIDs) > 0 && s.VPC == nil {
		r.Addf("SecurityGroupIDs", "is set but VPC is nil; security groups only apply inside a VPC")
	}
	if s.maxRetries < 0 || s.maxRetries > 2 {
		r.Addf("Async.MaxRetries", "%d is out of range; use 0 to 2", s.maxRetries)
	}
	if s.eventAge < 60 || s.eventAge > 21600 {
		r.Addf("Async.MaxEventAgeSeconds", "%d is out of range; use 60 to 21600", s.eventAge)
	}
	if s.Async.FailureQueue != nil && s.Async.FailureQueue.FIFO() {
		r.Addf("Async.FailureQueue", "is a FIFO queue; Lambda destinations need a standard queue")
	}
	if s.durationPercent < 1 || s.durationPercent > 100 {
		r.Addf("Alarms.DurationPercent", "%d is out of range; use 1 to 100 (percent of TimeoutSeconds), or 0 for 80", s.durationPercent)
	}
}

// NewHandler validates props, builds zip code, and creates the function, its
// role, log group, async configuration, failure queue and alarms. It returns
// every problem with props at once, joined, each a *validate.FieldError
// wrapping validate.ErrInvalid; a Code that cannot be built or read is
// reported the same way, on the field Code. The Add*Source methods and
// grants return errors of the same kind.
func NewHandler(scope constructs.Construct, id string, props HandlerProps) (*Handler, error) {
	r := validation.ForConstruct("serverless", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	s := handlerDefaults(r.StackPath(scope), props)
	s.validate(r)
	if err := r.Err(); err != nil {
		return nil, err
	}
	var zip lambdacode.Zip
	if s.Code.BuiltLocally() {
		z, err := s.Code.Zip(s.Architecture)
		if err != nil {
			r.Addf("Code", "%s: %v", s.Code, err)
			return nil, r.Err()
		}
		zip = z
	}

	env, err := awsenv.Of(scope)
	if err != nil {
		return nil, err
	}
	h := &Handler{env: env, name: s.name, timeout: s.TimeoutSeconds, arch: s.Architecture, sourceIDs: map[string]int{}, s3Permissions: map[string]lambdapermission.LambdaPermission{}, ids: names.IDs{}, alarmTopic: s.Alarms.TopicARN, alarmsOff: s.Alarms.Disable, tags: s.Tags}
	constructs.NewConstruct_Override(h, scope, &id)

	logs, err := loggroup.New(h, "log-group", loggroup.Props{
		Name:          "/aws/lambda/" + s.name,
		RetentionDays: s.LogRetentionDays,
		Tags:          ptr.Map(s.Tags),
	})
	if err != nil {
		return nil, err
	}
	h.role = iamrole.NewIamRole(h, ptr.String("role"), &iamrole.IamRoleConfig{
		NamePrefix:  ptr.String(names.Truncate(s.name, 37) + "-"),
		Description: ptr.String("Execution role of Lambda function " + s.name),
		AssumeRolePolicy: ptr.String(r.Doc(iamdoc.ServiceTrust([]string{"lambda.amazonaws.com"}, nil,
			map[string]map[string]any{"StringEquals": {"aws:SourceAccount": env.Account}}))),
		Tags: ptr.Map(s.Tags),
	})
	h.policies = rolepolicy.New(h, h.role.Id)
	// deps are what the function needs before it is created: its log group
	// and the policies it runs with.
	deps := []cdktf.ITerraformDependable{logs}
	needs := func(name string, statements ...iamdoc.Statement) {
		p, err := h.policies.Add(name, statements...)
		r.Join(err)
		if p != nil {
			deps = append(deps, p)
		}
	}
	// The log group exists already: the role may write to it, not create it.
	needs("logs", iamdoc.Allow("WriteOwnLogs", []string{"logs:CreateLogStream", "logs:PutLogEvents"}, *logs.Arn()+":*"))
	tracing := "Active"
	if s.DisableTracing {
		tracing = "PassThrough"
	} else {
		// X-Ray's write actions do not support resource-level permissions.
		needs("xray", iamdoc.Allow("WriteTraces", []string{"xray:PutTelemetryRecords", "xray:PutTraceSegments"}, "*"))
	}
	if s.EnvironmentKMSKeyARN != "" {
		needs("environment-key", iamdoc.Allow("DecryptEnvironment", []string{"kms:Decrypt"}, s.EnvironmentKMSKeyARN))
	}

	cfg := &lambdafunction.LambdaFunctionConfig{
		FunctionName:     ptr.String(s.name),
		Description:      ptr.Optional(s.Description),
		Role:             h.role.Arn(),
		Architectures:    ptr.Strings([]string{s.Architecture}),
		MemorySize:       ptr.Number(s.MemoryMB),
		Timeout:          ptr.Number(s.TimeoutSeconds),
		EphemeralStorage: &lambdafunction.LambdaFunctionEphemeralStorage{Size: ptr.Number(s.EphemeralStorageMB)},
		TracingConfig:    &lambdafunction.LambdaFunctionTracingConfig{Mode: ptr.String(tracing)},
		LoggingConfig: &lambdafunction.LambdaFunctionLoggingConfig{
			LogFormat:           ptr.String("JSON"),
			ApplicationLogLevel: ptr.String(s.LogLevel),
			SystemLogLevel:      ptr.String("INFO"),
			LogGroup:            logs.Name(),
		},
		Layers:    ptr.Strings(s.Layers),
		KmsKeyArn: ptr.Optional(s.EnvironmentKMSKeyARN),
		Tags:      ptr.Map(s.Tags),
		DependsOn: &deps,
	}
	if len(s.Environment) > 0 {
		cfg.Environment = &lambdafunction.LambdaFunctionEnvironment{Variables: ptr.Map(s.Environment)}
	}
	if s.ReservedConcurrency != nil {
		cfg.ReservedConcurrentExecutions = ptr.Number(*s.ReservedConcurrency)
	}
	switch s.Code.Kind() {
	case lambdacode.Directory, lambdacode.GoPackage, lambdacode.ZipFile:
		asset := cdktf.NewTerraformAsset(h, ptr.String("code"), &cdktf.TerraformAssetConfig{
			Path: ptr.String(zip.Path),
			Type: cdktf.AssetType_FILE,
		})
		cfg.Filename = asset.Path()
		cfg.SourceCodeHash = ptr.String(zip.Hash)
		cfg.Runtime, cfg.Handler = ptr.String(s.Runtime), ptr.String(s.Handler)
	case lambdacode.S3:
		bucket, key, version := s.Code.S3Object()
		cfg.S3Bucket, cfg.S3Key, cfg.S3ObjectVersion = ptr.String(bucket), ptr.String(key), ptr.Optional(version)
		cfg.Runtime, cfg.Handler = ptr.String(s.Runtime), ptr.String(s.Handler)
	case lambdacode.Image:
		cfg.PackageType = ptr.String("Image")
		cfg.ImageUri = ptr.String(s.Code.ImageURI())
	}
	if s.VPC != nil {
		sgs := s.SecurityGroupIDs
		if len(sgs) == 0 {
			h.securityGroup = network.NewWorkloadGroup(h, s.VPC, network.WorkloadGroupProps{
				NamePrefix: names.Truncate(s.name, 40) + "-", Subject: "Lambda function " + s.name,
				AllowInternetHTTPS: s.AllowInternetHTTPS, Tags: s.Tags,
			})
			sgs = []string{h.securityGroup}
		}
		cfg.VpcConfig = &lambdafunction.LambdaFunctionVpcConfig{SubnetIds: ptr.Strings(s.VPC.PrivateSubnetIDs()), SecurityGroupIds: ptr.Strings(sgs)}
		// Lambda checks these when the function is created. The managed
		// AWSLambdaVPCAccessExecutionRole would also allow creating (and
		// writing to) any log group; the function has its own.
		needs("vpc-access", iamdoc.Allow("ManageNetworkInterfaces", []string{
			"ec2:AssignPrivateIpAddresses", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface",
			"ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:UnassignPrivateIpAddresses",
		}, "*"))
		cfg.DependsOn = &deps
	}
	h.fn = lambdafunction.NewLambdaFunction(h, ptr.String("function"), cfg)

	// Async: bounded retries and age, failures to a queue.
	h.failure = s.Async.FailureQueue
	if h.failure == nil {
		q, err := queue.NewQueue(h, "failure-queue", queue.Props{NamePrefix: names.Truncate(s.name, 42) + "-failed-", IsDeadLetterQueue: true, Tags: s.Tags})
		if err != nil {
			return nil, err
		}
		h.failure = q
	}
	sendFailures, err := h.policies.Add("failure-queue", iamdoc.Allow("SendFailedEvents", []string{"sqs:SendMessage"}, h.failure.QueueARN()))
	if err != nil {
		return nil, err
	}
	lambdafunctioneventinvokeconfig.NewLambdaFunctionEventInvokeConfig(h, ptr.String("async"), &lambdafunctioneventinvokeconfig.LambdaFunctionEventInvokeConfigConfig{
		FunctionName:             h.fn.FunctionName(),
		MaximumRetryAttempts:     ptr.Number(s.maxRetries),
		MaximumEventAgeInSeconds: ptr.Number(s.eventAge),
		DestinationConfig: &lambdafunctioneventinvokeconfig.LambdaFunctionEventInvokeConfigDestinationConfig{
			OnFailure: &lambdafunctioneventinvokeconfig.LambdaFunctionEventInvokeConfigDestinationConfigOnFailure{Destination: ptr.String(h.failure.QueueARN())},
		},
		DependsOn: &[]cdktf.ITerraformDependable{sendFailures},
	})
	h.logGroup, h.reserved, h.durationPercent = *logs.Name(), s.ReservedConcurrency, s.durationPercent
	h.alarms()
	if err := r.Err(); err != nil {
		return nil, err
	}
	return h, nil
}

// Connections returns the function's own security group as a
// network.Connectable: h.Connections().AllowTo(loadBalancer, 80, why) opens
// the path on both sides. A function outside a VPC, or given
// SecurityGroupIDs, has no group of its own, and Allow calls return an
// error saying so.
func (h *Handler) Connections() *network.Connections {
	if h.connections == nil {
		var groups []string
		if h.securityGroup != "" {
			groups = []string{h.securityGroup}
		}
		h.connections = network.NewConnections(h, names.ID(*h.Node().Id()), groups...)
	}
	return h.connections
}

// alarms creates alarms on errors and throttles of the function, on its
// p99 duration nearing the timeout, and on messages in the failure queue.
func (h *Handler) alarms() {
	fn := map[string]string{"FunctionName": *h.fn.FunctionName()}
	h.alarm("errors-alarm", "Errors", "AWS/Lambda", "Sum", "Lambda function "+h.name+" returned errors", fn)
	h.alarm("throttles-alarm", "Throttles", "AWS/Lambda", "Sum", "Lambda function "+h.name+" was throttled", fn)
	// Duration is in milliseconds; a p99 at the threshold in two of three
	// 5-minute periods means the slowest invocations are about to time
	// out (those that do count as errors).
	threshold := h.timeout * 1000 * h.durationPercent / 100
	h.raise("duration-alarm", alarm.Props{
		Description: fmt.Sprintf("The p99 duration of Lambda function %s reached %d ms, %d%% of its %d s timeout", h.name, threshold, h.durationPercent, h.timeout),
		Namespace:   "AWS/Lambda", Metric: "Duration", Dimensions: fn, Statistic: "p99",
		PeriodSeconds: 300, Periods: 3, DatapointsToAlarm: 2, Threshold: threshold,
	})
	if q, ok := h.failure.(*queue.Queue); ok {
		h.queueDepthAlarm("failed-events-alarm", q, "Events that "+h.name+" failed to process are waiting in "+*q.Node().Path())
	}
}

// queueDepthAlarm fires while messages wait in q. The queue depth is a
// gauge sampled every minute: the maximum over the period says whether
// anything is waiting; a sum would count one message five times.
func (h *Handler) queueDepthAlarm(id string, q *queue.Queue, description string) {
	h.alarm(id, "ApproximateNumberOfMessagesVisible", "AWS/SQS", "Maximum", description, map[string]string{"QueueName": q.QueueName()})
}

// alarm raises an alarm that fires when the statistic of metric is 1 or
// more in a 5-minute period.
func (h *Handler) alarm(id, metric, namespace, statistic, description string, dims map[string]string) {
	h.raise(id, alarm.Props{
		Description: description, Namespace: namespace, Metric: metric, Dimensions: dims,
		Statistic: statistic, PeriodSeconds: 300, Periods: 1, Threshold: 1,
	})
}

// raise creates the alarm id named after the function, notifying the
// handler's topic, and records it for Signals; with alarms disabled it
// does nothing.
func (h *Handler) raise(id string, p alarm.Props) {
	if h.alarmsOff {
		return
	}
	p.Name, p.TopicARN, p.Tags = h.name+"-"+id, h.alarmTopic, h.tags
	a := alarm.New(h, id, p)
	h.raised = append(h.raised, observe.Alarm{Name: *a.AlarmName(), ARN: *a.Arn()})
}

// AddToRolePolicy attaches statements to the execution role as the inline
// policy name; a name used before gets a numeric suffix. The grants of
// storage.Bucket, queue.Queue and package grant call it. It returns an error
// wrapping validate.ErrInvalid for a bad name or statement.
func (h *Handler) AddToRolePolicy(name string, statements ...iamdoc.Statement) error {
	_, err := h.policies.Add(name, statements...)
	return err
}

// FunctionName returns the function's name (a token that orders
// dependents after the function).
func (h *Handler) FunctionName() string { return *h.fn.FunctionName() }

// FunctionARN returns the function's ARN.
func (h *Handler) FunctionARN() string { return *h.fn.Arn() }

// InvokeARN returns the ARN API Gateway uses to invoke the function.
func (h *Handler) InvokeARN() string { return *h.fn.InvokeArn() }

// TimeoutSeconds returns the function's timeout.
func (h *Handler) TimeoutSeconds() int { return h.timeout }

// SecurityGroupID returns the security group the construct made for the
// function in its VPC, or "" (not in a VPC, or groups were given).
func (h *Handler) SecurityGroupID() string { return h.securityGroup }

// RoleARN returns the execution role's ARN.
func (h *Handler) RoleARN() string { return *h.role.Arn() }

// FailureQueue returns the queue that receives failed async events.
func (h *Handler) FailureQueue() queue.Ref { return h.failure }

// Role returns the execution role, as an escape hatch; prefer grants and
// AddToRolePolicy for permissions.
func (h *Handler) Role() iamrole.IamRole { return h.role }

// Resource returns the aws_lambda_function resource as an escape hatch.
func (h *Handler) Resource() lambdafunction.LambdaFunction { return h.fn }

// Signals returns the function's golden signals for a dashboard
// (observe.Source): latency (Duration p50, p99 and maximum), traffic
// (Invocations), errors (Errors, Throttles, DestinationDeliveryFailures of
// the async failure destination, and the events waiting in the failure
// queue) and saturation (ConcurrentExecutions, labelled with the reserved
// concurrency when there is one, and IteratorAge once a stream source is
// added), with the alarms raised so far and the function's log group.
// DeadLetterErrors is not shown: failed async events go to a destination,
// not to a dead-letter queue.
func (h *Handler) Signals() observe.Signals {
	fn := map[string]string{"FunctionName": *h.fn.FunctionName()}
	lambda := func(name, stat, label string) observe.Metric {
		return observe.Metric{Namespace: "AWS/Lambda", Name: name, Dimensions: fn, Stat: stat, Label: label}
	}
	errs := []observe.Metric{
		lambda("Errors", "Sum", "Errors"),
		lambda("Throttles", "Sum", "Throttles"),
		lambda("DestinationDeliveryFailures", "Sum", "Failed events not delivered to their destination"),
	}
	if q, ok := h.failure.(*queue.Queue); ok {
		errs = append(errs, observe.Metric{Namespace: "AWS/SQS", Name: "ApproximateNumberOfMessagesVisible",
			Dimensions: map[string]string{"QueueName": q.QueueName()}, Stat: "Maximum", Label: "Failed events waiting"})
	}
	concurrency := "Concurrent executions"
	if h.reserved != nil {
		concurrency = fmt.Sprintf("Concurrent executions (of %d reserved)", *h.reserved)
	}
	saturation := []observe.Metric{lambda("ConcurrentExecutions", "Maximum", concurrency)}
	if h.streams {
		saturation = append(saturation, lambda("IteratorAge", "Maximum", "Age of the last stream record read (ms)"))
	}
	return observe.Signals{
		Title: "Lambda " + h.name,
		Widgets: []observe.Widget{
			{Title: "Duration (ms)", Signal: observe.Latency, Metrics: []observe.Metric{
				lambda("Duration", "p50", "p50"), lambda("Duration", "p99", "p99"), lambda("Duration", "Maximum", "Maximum"),
			}},
			{Title: "Invocations", Signal: observe.Traffic, Metrics: []observe.Metric{lambda("Invocations", "Sum", "Invocations")}},
			{Title: "Errors", Signal: observe.Errors, Metrics: errs},
			{Title: "Concurrency", Signal: observe.Saturation, Metrics: saturation},
		},
		Alarms:    append([]observe.Alarm(nil), h.raised...),
		LogGroups: []string{h.logGroup},
	}
}
