package ecs

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecstaskdefinition"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/grant"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/loggroup"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/rolepolicy"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// Architecture is the CPU architecture a task runs on.
type Architecture string

// The architectures Fargate runs Linux tasks on.
const (
	// ARM64 is AWS Graviton: about 20% cheaper per vCPU-hour than X86_64.
	ARM64  Architecture = "ARM64"
	X86_64 Architecture = "X86_64"
)

// Repository is an image repository a task pulls from:
// registry.Repository, or any construct with these methods. Tasks whose
// image comes from one get pull access on their execution role.
type Repository interface {
	RepositoryURL() string
	RepositoryARN() string
}

// Image is where a container's image comes from.
type Image struct {
	uri  string
	repo Repository
}

// ImageFromRegistry is an image by its full reference, such as
// "public.ecr.aws/docker/library/nginx:1.27" or an ECR image URI of another
// account (whose repository policy must admit the execution role).
func ImageFromRegistry(uri string) Image { return Image{uri: uri} }

// ImageFromRepository is the image tagged tag in repo; the execution role
// may pull from repo and from nowhere else.
func ImageFromRepository(repo Repository, tag string) Image {
	if repo == nil {
		return Image{}
	}
	return Image{uri: repo.RepositoryURL() + ":" + tag, repo: repo}
}

// URI returns the image reference.
func (i Image) URI() string { return i.uri }

// Secret is where the value of a secret environment variable comes from.
// ECS reads it with the execution role when the task starts; the value
// never appears in the task definition.
type Secret struct {
	kind      string // "secretsmanager" or "ssm"
	arn       string
	jsonKey   string
	kmsKeyARN string
}

// SecretsManagerSecret is the whole value of a Secrets Manager secret.
func SecretsManagerSecret(secretARN string) Secret {
	return Secret{kind: "secretsmanager", arn: secretARN}
}

// SecretsManagerJSONKey is one key of a Secrets Manager secret holding a
// JSON object, such as "password" of an RDS managed master secret.
func SecretsManagerJSONKey(secretARN, key string) Secret {
	return Secret{kind: "secretsmanager", arn: secretARN, jsonKey: key}
}

// SSMParameter is an SSM Parameter Store parameter (a SecureString, or a
// String), by ARN.
func SSMParameter(parameterARN string) Secret { return Secret{kind: "ssm", arn: parameterARN} }

// WithKMSKey names the customer managed key that encrypts the secret; the
// execution role may decrypt with it. Secrets under AWS managed keys need
// none.
func (s Secret) WithKMSKey(keyARN string) Secret { s.kmsKeyARN = keyARN; return s }

// valueFrom is the secret's reference in a container definition.
func (s Secret) valueFrom() string {
	if s.jsonKey != "" {
		return s.arn + ":" + s.jsonKey + "::"
	}
	return s.arn
}

// HealthCheck is a container's Docker health check.
type HealthCheck struct {
	// Command runs in the container: ["CMD", "/app", "-health"] or
	// ["CMD-SHELL", "curl -f http://localhost:8080/healthz"] (the image
	// must have a shell and curl). Required.
	Command []string
	// IntervalSeconds is 5 to 300.
	// Default: 30
	IntervalSeconds int
	// TimeoutSeconds is 2 to 60, less than IntervalSeconds.
	// Default: 5
	TimeoutSeconds int
	// Retries is 1 to 10.
	// Default: 3
	Retries int
	// StartPeriodSeconds is 0 to 300: failures in it do not count.
	// Default: 0
	StartPeriodSeconds int
}

// ContainerSpec is one container of a task.
type ContainerSpec struct {
	// Name: 1-255 letters, digits, '-' and '_'; unique in the task.
	// Required.
	Name string
	// Image to run. Required.
	Image Image
	// Command overrides the image's CMD.
	// Default: - the image's
	Command []string
	// EntryPoint overrides the image's ENTRYPOINT.
	// Default: - the image's
	EntryPoint []string
	// Environment variables in plain text. Values that look like secrets
	// (by name or by shape) are refused: pass those in Secrets.
	// Default: - none
	Environment map[string]string
	// Secrets are environment variables read from Secrets Manager or SSM
	// Parameter Store when the task starts.
	// Default: - none
	Secrets map[string]Secret
	// CPU units reserved for the container within the task's.
	// Default: - none reserved (containers share the task's CPU)
	CPU int
	// MemoryMiB is the container's hard memory limit within the task's.
	// Default: - the task's memory
	MemoryMiB int
	// Ports the container listens on (TCP); unique in the task.
	// Default: - none
	Ports []int
	// HealthCheck runs in the container; a service replaces containers
	// that fail it.
	// Default: - none (the load balancer's health check still applies)
	HealthCheck *HealthCheck
	// WritableRootFilesystem lets the container write anywhere in its
	// file system. Read-only roots stop a compromised process from
	// changing binaries and configuration; give paths the program writes
	// to in ScratchPaths instead.
	// Default: false
	WritableRootFilesystem bool
	// ScratchPaths are absolute directories (such as /tmp) mounted
	// writable from the task's ephemeral storage, for programs that need
	// to write files under a read-only root.
	// Default: - none
	ScratchPaths []string
	// User to run as, "uid", "uid:gid" or a name the image knows.
	// Default: - the image's USER
	User string
	// StopTimeoutSeconds is how long the container gets between SIGTERM
	// and SIGKILL, 2 to 120.
	// Default: 30
	StopTimeoutSeconds int
}

// TaskDefinitionProps configures a TaskDefinition.
type TaskDefinitionProps struct {
	// Family names the task definition's revisions: 1-255 letters,
	// digits, '-' and '_'.
	// Default: - the construct path with "-" for "/", cut to 255 with a hash
	Family string
	// CPU is the task's CPU in units (1024 per vCPU): 256, 512, 1024,
	// 2048, 4096, 8192 or 16384.
	// Default: 256
	CPU int
	// MemoryMiB is the task's memory; FargateMemories(CPU) lists the sizes
	// Fargate runs with CPU.
	// Default: - the smallest for CPU (512 for 256)
	MemoryMiB int
	// Architecture is ARM64 or X86_64; the images must be built for it.
	// Default: ARM64
	Architecture Architecture
	// Containers are the task's containers, 1 to 10; all are essential
	// (the task stops when any of them stops). Required.
	Containers []ContainerSpec
	// EphemeralStorageGiB is the task's writable storage, 21 to 200.
	// Default: - 20 GiB, Fargate's minimum, at no charge
	EphemeralStorageGiB int
	// LogRetentionDays keeps the containers' logs this long.
	// Default: 90
	LogRetentionDays int
	// Tracing adds the AWS Distro for OpenTelemetry collector as a
	// sidecar (TracingSidecarName, not essential) that sends the
	// containers' traces to X-Ray, and lets the task role write them. The
	// containers get OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317,
	// AWS_XRAY_DAEMON_ADDRESS=localhost:2000, OTEL_SERVICE_NAME (the
	// family) and OTEL_PROPAGATORS=tracecontext,baggage,xray, unless they
	// set them; a program records spans only if it is instrumented (an
	// OpenTelemetry or X-Ray SDK). The sidecar reserves TracingSidecarCPU
	// units and TracingSidecarMemoryMiB of the task's size and counts
	// among its 10 containers; it calls X-Ray over HTTPS, so the tasks
	// need the VPC's xray endpoint or AllowInternetHTTPS.
	// Default: false
	Tracing bool
	// Tags are added to every resource.
	// Default: - none
	Tags map[string]string
}

// TaskDefinition is a Fargate task definition with its log group, task
// role (a grant.Grantee: grants give the containers access) and
// execution role (image pulls, logs and secrets only).
type TaskDefinition struct {
	constructs.Construct
	family     string
	arch       Architecture
	containers []ContainerSpec
	env        awsenv.Env
	td         ecstaskdefinition.EcsTaskDefinition
	logs       cloudwatchloggroup.CloudwatchLogGroup
	taskRole   iamrole.IamRole
	execRole   iamrole.IamRole
	taskPolicy *rolepolicy.Attacher
	execPolicy *rolepolicy.Attacher
	tags       map[string]string
}

var (
	familyRe        = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)
	containerNameRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)
	envNameRe       = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	secretsARNRe    = regexp.MustCompile(`^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$`)
	ssmARNRe        = regexp.MustCompile(`^arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter/[A-Za-z0-9/_.-]+$`)
	kmsARNRe        = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/.+$`)
)

type taskSettings struct {
	TaskDefinitionProps
	family string
}

func taskDefaults(r *validation.Report, scope constructs.Construct, p TaskDefinitionProps) taskSettings {
	s := taskSettings{TaskDefinitionProps: p, family: p.Family}
	if s.family == "" {
		s.family = defaultName(r, scope, 255)
	}
	if s.CPU == 0 {
		s.CPU = 256
	}
	if s.MemoryMiB == 0 {
		if m := fargateSizes[s.CPU]; len(m) > 0 {
			s.MemoryMiB = m[0]
		}
	}
	if s.Architecture == "" {
		s.Architecture = ARM64
	}
	if s.LogRetentionDays == 0 {
		s.LogRetentionDays = 90
	}
	return s
}

func (s taskSettings) validate(r *validation.Report) {
	if !familyRe.MatchString(s.family) {
		r.Addf("Family", "%q must be 1-255 letters, digits, '-' or '_'", s.family)
	}
	if field, problem := checkFargateSize(s.CPU, s.MemoryMiB); problem != "" {
		r.Addf(field, "%s", problem)
	}
	if s.Architecture != ARM64 && s.Architecture != X86_64 {
		r.Addf("Architecture", "%q is not an architecture; use ARM64 or X86_64", s.Architecture)
	}
	if s.EphemeralStorageGiB != 0 && (s.EphemeralStorageGiB < 21 || s.EphemeralStorageGiB > 200) {
		r.Addf("EphemeralStorageGiB", "%d is out of range; use 21 to 200, or 0 for Fargate's 20 GiB", s.EphemeralStorageGiB)
	}
	if !validation.LogRetention(s.LogRetentionDays) {
		r.Addf("LogRetentionDays", "%d is not a CloudWatch Logs retention; use one of %v", s.LogRetentionDays, validation.LogRetentionDays)
	}
	sideCPU, sideMem, sideCount := s.sidecarReservation()
	switch n := len(s.Containers); {
	case n == 0:
		r.Addf("Containers", "is empty; a task runs 1 to 10 containers")
	case n+sideCount > 10 && sideCount > 0:
		r.Addf("Containers", "has %d containers; a task runs at most 10, and Tracing's collector sidecar takes one of them", n)
	case n > 10:
		r.Addf("Containers", "has %d containers; a task runs at most 10", n)
	}
	names, ports := map[string]int{}, map[int]string{}
	cpu, mem := 0, 0
	for i, c := range s.Containers {
		f := fmt.Sprintf("Containers[%d]", i)
		if !containerNameRe.MatchString(c.Name) {
			r.Addf(f+".Name", "%q must be 1-255 letters, digits, '-' or '_'", c.Name)
		} else if j, dup := names[c.Name]; dup {
			r.Addf(f+".Name", "%q is also the name of Containers[%d]; names are unique in a task", c.Name, j)
		}
		names[c.Name] = i
		if c.Image.uri == "" || strings.ContainsAny(c.Image.uri, " \t\n") {
			r.Addf(f+".Image", "%q is not an image reference; use ImageFromRepository or ImageFromRegistry(\"registry/name:tag\")", c.Image.uri)
		}
		checkEnvironment(r, f, c)
		s.checkTracingContainer(r, f, c)
		for _, p := range c.Ports {
			if p < 1 || p > 65535 {
				r.Addf(f+".Ports", "%d is not a port; use 1 to 65535", p)
			} else if other, dup := ports[p]; dup {
				r.Addf(f+".Ports", "%d is also a port of container %q; a task's containers share one network namespace", p, other)
			}
			ports[p] = c.Name
		}
		if c.CPU < 0 {
			r.Addf(f+".CPU", "%d is negative", c.CPU)
		}
		if c.MemoryMiB < 0 || (c.MemoryMiB > 0 && c.MemoryMiB < 6) {
			r.Addf(f+".MemoryMiB", "%d is out of range; use at least 6 MiB (Docker's minimum), or 0 for the task's memory", c.MemoryMiB)
		}
		cpu += c.CPU
		mem += c.MemoryMiB
		if h := c.HealthCheck; h != nil {
			checkHealth(r, f+".HealthCheck", *h)
		}
		for j, sp := range c.ScratchPaths {
			if !strings.HasPrefix(sp, "/") || path.Clean(sp) != sp || sp == "/" {
				r.Addf(fmt.Sprintf("%s.ScratchPaths[%d]", f, j), "%q is not a clean absolute directory other than /", sp)
			}
		}
		if c.StopTimeoutSeconds != 0 && (c.StopTimeoutSeconds < 2 || c.StopTimeoutSeconds > 120) {
			r.Addf(f+".StopTimeoutSeconds", "%d is out of range; Fargate allows 2 to 120", c.StopTimeoutSeconds)
		}
	}
	with := ""
	if sideCount > 0 {
		with = fmt.Sprintf(" with Tracing's collector sidecar (%d CPU units, %d MiB)", sideCPU, sideMem)
	}
	if cpu+sideCPU > s.CPU {
		r.Addf("Containers", "reserve %d CPU units together%s, more than the task's %d", cpu+sideCPU, with, s.CPU)
	}
	if mem+sideMem > s.MemoryMiB {
		r.Addf("Containers", "limit memory to %d MiB together%s, more than the task's %d", mem+sideMem, with, s.MemoryMiB)
	}
}

// checkEnvironment checks a container's plain and secret variables.
func checkEnvironment(r *validation.Report, f string, c ContainerSpec) {
	for _, k := range ptr.SortedKeys(c.Environment) {
		v := c.Environment[k]
		switch {
		case !envNameRe.MatchString(k):
			r.Addf(f+".Environment", "key %q is not a variable name (a letter or '_', then letters, digits and '_')", k)
		case validation.LooksLikeSecret(k, v):
			// The value is not repeated: it may be a real credential.
			r.Addf(f+".Environment["+k+"]", "holds what looks like a secret in plain text (a %d-character value, not shown); plain-text variables are visible to anyone who can describe the task definition: store it in Secrets Manager or SSM and pass it in Secrets (SecretsManagerSecret, SSMParameter)", len(v))
		}
	}
	for _, k := range ptr.SortedKeys(c.Secrets) {
		sec := c.Secrets[k]
		sf := f + ".Secrets[" + k + "]"
		if !envNameRe.MatchString(k) {
			r.Addf(f+".Secrets", "key %q is not a variable name (a letter or '_', then letters, digits and '_')", k)
		}
		if _, both := c.Environment[k]; both {
			r.Addf(sf, "is also set in Environment; set a variable in one of them")
		}
		switch {
		case sec.kind == "":
			r.Addf(sf, "is empty; use SecretsManagerSecret, SecretsManagerJSONKey or SSMParameter")
		case validation.IsToken(sec.arn):
		case sec.kind == "secretsmanager" && !secretsARNRe.MatchString(sec.arn):
			r.Addf(sf, "%q is not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)", sec.arn)
		case sec.kind == "ssm" && !ssmARNRe.MatchString(sec.arn):
			r.Addf(sf, "%q is not an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>)", sec.arn)
		}
		if sec.jsonKey != "" && !envNameRe.MatchString(strings.ReplaceAll(sec.jsonKey, "-", "_")) {
			r.Addf(sf, "JSON key %q is not a plain key name", sec.jsonKey)
		}
		if sec.kmsKeyARN != "" && !validation.IsToken(sec.kmsKeyARN) && !kmsARNRe.MatchString(sec.kmsKeyARN) {
			r.Addf(sf, "KMS key %q is not a KMS key ARN", sec.kmsKeyARN)
		}
	}
}

func checkHealth(r *validation.Report, f string, h HealthCheck) {
	if len(h.Command) < 2 || (h.Command[0] != "CMD" && h.Command[0] != "CMD-SHELL") {
		r.Addf(f+".Command", "%q must start with \"CMD\" or \"CMD-SHELL\" followed by the command", h.Command)
	}
	interval, timeout := orDefault(h.IntervalSeconds, 30), orDefault(h.TimeoutSeconds, 5)
	if interval < 5 || interval > 300 {
		r.Addf(f+".IntervalSeconds", "%d is out of range; use 5 to 300", interval)
	}
	if timeout < 2 || timeout > 60 {
		r.Addf(f+".TimeoutSeconds", "%d is out of range; use 2 to 60", timeout)
	} else if timeout >= interval {
		r.Addf(f+".TimeoutSeconds", "%d is not less than IntervalSeconds %d", timeout, interval)
	}
	if n := orDefault(h.Retries, 3); n < 1 || n > 10 {
		r.Addf(f+".Retries", "%d is out of range; use 1 to 10", n)
	}
	if h.StartPeriodSeconds < 0 || h.StartPeriodSeconds > 300 {
		r.Addf(f+".StartPeriodSeconds", "%d is out of range; use 0 to 300", h.StartPeriodSeconds)
	}
}

func orDefault(v, d int) int {
	if v == 0 {
		return d
	}
	return v
}

// NewTaskDefinition validates props and creates the task definition, its
// log group, and its task and execution roles. It returns every problem
// with props at once, each a *validate.FieldError wrapping
// validate.ErrInvalid.
func NewTaskDefinition(scope constructs.Construct, id string, props TaskDefinitionProps) (*TaskDefinition, error) {
	r := validation.ForConstruct("ecs", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	s := taskDefaults(r, scope, props)
	s.validate(r)
	if err := r.Err(); err != nil {
		return nil, err
	}
	env, err := awsenv.Of(scope)
	if err != nil {
		return nil, err
	}
	t := &TaskDefinition{family: s.family, arch: s.Architecture, containers: s.Containers, env: env, tags: s.Tags}
	constructs.NewConstruct_Override(t, scope, &id)

	if t.logs, err = loggroup.New(t, "log-group", loggroup.Props{
		Name:          "/ecs/" + s.family,
		RetentionDays: s.LogRetentionDays,
		Tags:          ptr.Map(s.Tags),
	}); err != nil {
		return nil, err
	}
	// Both roles trust ECS tasks of this account only (the confused-deputy
	// conditions AWS recommends).
	trust := r.Doc(iamdoc.ServiceTrust([]string{"ecs-tasks.amazonaws.com"}, nil, map[string]map[string]any{
		"StringEquals": {"aws:SourceAccount": env.Account},
		"ArnLike":      {"aws:SourceArn": "arn:" + env.Partition + ":ecs:" + env.Region + ":" + env.Account + ":*"},
	}))
	short := names.Truncate(s.family, 32)
	t.taskRole = iamrole.NewIamRole(t, ptr.String("task-role"), &iamrole.IamRoleConfig{
		NamePrefix:       ptr.String(short + "-task-"),
		Description:      ptr.String("Task role of ECS task family " + s.family + ": what its containers may do"),
		AssumeRolePolicy: ptr.String(trust),
		Tags:             ptr.Map(s.Tags),
	})
	t.execRole = iamrole.NewIamRole(t, ptr.String("execution-role"), &iamrole.IamRoleConfig{
		NamePrefix:       ptr.String(short + "-exec-"),
		Description:      ptr.String("Execution role of ECS task family " + s.family + ": image pulls, logs and secrets at start"),
		AssumeRolePolicy: ptr.String(trust),
		Tags:             ptr.Map(s.Tags),
	})
	t.taskPolicy = rolepolicy.New(t, t.taskRole.Id)
	t.execPolicy = rolepolicy.New(t, t.execRole.Id)

	// The execution role's policies exist before the task definition, so
	// no task starts without them.
	var deps []cdktf.ITerraformDependable
	needs := func(name string, statements ...iamdoc.Statement) {
		p, err := t.execPolicy.Add(name, statements...)
		r.Join(err)
		if p != nil {
			deps = append(deps, p)
		}
	}
	needs("logs", iamdoc.Allow("WriteOwnLogs", []string{"logs:CreateLogStream", "logs:PutLogEvents"}, *t.logs.Arn()+":*"))
	if repos := t.repositories(); len(repos) > 0 {
		needs("pull-images",
			iamdoc.Allow("PullImages", []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}, repos...),
			// GetAuthorizationToken has no resource-level permissions.
			iamdoc.Allow("RegistryLogin", []string{"ecr:GetAuthorizationToken"}, "*"))
	}
	if st := secretStatements(s.Containers, env.Region); len(st) > 0 {
		needs("read-secrets", st...)
	}
	if s.Tracing {
		// The collector writes with the task role; the task waits for the
		// policy so its first traces are not refused.
		p, err := t.taskPolicy.Add("write-traces", tracingStatements()...)
		r.Join(err)
		if p != nil {
			deps = append(deps, p)
		}
	}
	if err := r.Err(); err != nil {
		return nil, err
	}

	defs, volumes := t.containerDefinitions(s)
	doc, err := json.Marshal(defs)
	if err != nil {
		return nil, err
	}
	cfg := &ecstaskdefinition.EcsTaskDefinitionConfig{
		Family:                  ptr.String(s.family),
		Cpu:                     ptr.String(fmt.Sprint(s.CPU)),
		Memory:                  ptr.String(fmt.Sprint(s.MemoryMiB)),
		NetworkMode:             ptr.String("awsvpc"),
		RequiresCompatibilities: ptr.Strings([]string{"FARGATE"}),
		RuntimePlatform: &ecstaskdefinition.EcsTaskDefinitionRuntimePlatform{
			OperatingSystemFamily: ptr.String("LINUX"), CpuArchitecture: ptr.String(string(s.Architecture)),
		},
		ExecutionRoleArn:     t.execRole.Arn(),
		TaskRoleArn:          t.taskRole.Arn(),
		ContainerDefinitions: ptr.String(string(doc)),
		Tags:                 ptr.Map(s.Tags),
		DependsOn:            &deps,
	}
	if len(volumes) > 0 {
		cfg.Volume = volumes
	}
	if s.EphemeralStorageGiB > 0 {
		cfg.EphemeralStorage = &ecstaskdefinition.EcsTaskDefinitionEphemeralStorage{SizeInGib: ptr.Number(s.EphemeralStorageGiB)}
	}
	t.td = ecstaskdefinition.NewEcsTaskDefinition(t, ptr.String("task-definition"), cfg)
	return t, nil
}

// repositories returns the ARNs of the repositories the containers pull
// from, each once. Repositories are told apart by identity: each
// RepositoryARN call of a construct returns a new token string.
func (t *TaskDefinition) repositories() []string {
	var out []string
	seen := map[Repository]bool{}
	for _, c := range t.containers {
		if c.Image.repo != nil && !seen[c.Image.repo] {
			seen[c.Image.repo] = true
			out = append(out, c.Image.repo.RepositoryARN())
		}
	}
	return out
}

// secretStatements lets the execution role read exactly the containers'
// secrets, and decrypt with the keys named for them through Secrets
// Manager and SSM only.
func secretStatements(containers []ContainerSpec, region string) []iamdoc.Statement {
	var sm, ssm, keys []string
	seen := map[string]bool{}
	add := func(list *[]string, v string) {
		if !seen[v] {
			seen[v] = true
			*list = append(*list, v)
		}
	}
	for _, c := range containers {
		for _, k := range ptr.SortedKeys(c.Secrets) {
			sec := c.Secrets[k]
			if sec.kind == "ssm" {
				add(&ssm, sec.arn)
			} else {
				add(&sm, sec.arn)
			}
			if sec.kmsKeyARN != "" {
				add(&keys, sec.kmsKeyARN)
			}
		}
	}
	var out []iamdoc.Statement
	if len(sm) > 0 {
		out = append(out, iamdoc.Allow("ReadSecrets", []string{"secretsmanager:GetSecretValue"}, sm...))
	}
	if len(ssm) > 0 {
		out = append(out, iamdoc.Allow("ReadParameters", []string{"ssm:GetParameters"}, ssm...))
	}
	if len(keys) > 0 {
		decrypt := iamdoc.Allow("DecryptSecrets", []string{"kms:Decrypt"}, keys...)
		decrypt.Condition = map[string]map[string]any{"StringEquals": {"kms:ViaService": []string{
			"secretsmanager." + region + ".amazonaws.com", "ssm." + region + ".amazonaws.com"}}}
		out = append(out, decrypt)
	}
	return out
}

// Container definition JSON, in the shape ECS returns it (so that a plan
// after apply shows no difference).
type containerDef struct {
	Name                   string            `json:"name"`
	Image                  string            `json:"image"`
	Essential              bool              `json:"essential"`
	Command                []string          `json:"command,omitempty"`
	EntryPoint             []string          `json:"entryPoint,omitempty"`
	Environment            []nameValue       `json:"environment,omitempty"`
	Secrets                []nameValueFrom   `json:"secrets,omitempty"`
	CPU                    int               `json:"cpu,omitempty"`
	Memory                 int               `json:"memory,omitempty"`
	PortMappings           []portMapping     `json:"portMappings,omitempty"`
	HealthCheck            *healthCheckDef   `json:"healthCheck,omitempty"`
	ReadonlyRootFilesystem bool              `json:"readonlyRootFilesystem"`
	MountPoints            []mountPoint      `json:"mountPoints,omitempty"`
	User                   string            `json:"user,omitempty"`
	StopTimeout            int               `json:"stopTimeout"`
	LinuxParameters        map[string]bool   `json:"linuxParameters"`
	LogConfiguration       logConfiguration  `json:"logConfiguration"`
	DockerLabels           map[string]string `json:"dockerLabels,omitempty"`
	// DependsOn orders start (and, reversed, stop) within the task.
	DependsOn []containerDependency `json:"dependsOn,omitempty"`
}

type containerDependency struct {
	ContainerName string `json:"containerName"`
	Condition     string `json:"condition"`
}

type nameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type nameValueFrom struct {
	Name      string `json:"name"`
	ValueFrom string `json:"valueFrom"`
}

type portMapping struct {
	ContainerPort int    `json:"containerPort"`
	HostPort      int    `json:"hostPort"`
	Protocol      string `json:"protocol"`
}

type healthCheckDef struct {
	Command     []string `json:"command"`
	Interval    int      `json:"interval"`
	Timeout     int      `json:"timeout"`
	Retries     int      `json:"retries"`
	StartPeriod int      `json:"startPeriod"`
}

type mountPoint struct {
	SourceVolume  string `json:"sourceVolume"`
	ContainerPath string `json:"containerPath"`
	ReadOnly      bool   `json:"readOnly"`
}

type logConfiguration struct {
	LogDriver string            `json:"logDriver"`
	Options   map[string]string `json:"options"`
}

func (t *TaskDefinition) containerDefinitions(s taskSettings) ([]containerDef, []*ecstaskdefinition.EcsTaskDefinitionVolume) {
	var defs []containerDef
	var volumes []*ecstaskdefinition.EcsTaskDefinitionVolume
	for _, c := range s.Containers {
		d := containerDef{
			Name: c.Name, Image: c.Image.uri, Essential: true,
			Command: c.Command, EntryPoint: c.EntryPoint,
			CPU: c.CPU, Memory: c.MemoryMiB, User: c.User,
			ReadonlyRootFilesystem: !c.WritableRootFilesystem,
			StopTimeout:            orDefault(c.StopTimeoutSeconds, 30),
			// An init process reaps zombies and forwards SIGTERM to the
			// program, so stops are graceful.
			LinuxParameters: map[string]bool{"initProcessEnabled": true},
			LogConfiguration: logConfiguration{LogDriver: "awslogs", Options: map[string]string{
				"awslogs-group":         *t.logs.Name(),
				"awslogs-region":        t.env.Region,
				"awslogs-stream-prefix": c.Name,
				// A slow log pipe must not stall the program; lines beyond
				// the buffer are dropped rather than blocking stdout.
				"mode":            "non-blocking",
				"max-buffer-size": "25m",
			}},
		}
		environment := c.Environment
		if s.Tracing {
			environment = tracingEnvironment(s.family, c.Environment)
			d.DependsOn = []containerDependency{{ContainerName: TracingSidecarName, Condition: "START"}}
		}
		for _, k := range ptr.SortedKeys(environment) {
			d.Environment = append(d.Environment, nameValue{Name: k, Value: environment[k]})
		}
		for _, k := range ptr.SortedKeys(c.Secrets) {
			d.Secrets = append(d.Secrets, nameValueFrom{Name: k, ValueFrom: c.Secrets[k].valueFrom()})
		}
		for _, p := range c.Ports {
			d.PortMappings = append(d.PortMappings, portMapping{ContainerPort: p, HostPort: p, Protocol: "tcp"})
		}
		if h := c.HealthCheck; h != nil {
			d.HealthCheck = &healthCheckDef{
				Command: h.Command, Interval: orDefault(h.IntervalSeconds, 30), Timeout: orDefault(h.TimeoutSeconds, 5),
				Retries: orDefault(h.Retries, 3), StartPeriod: h.StartPeriodSeconds,
			}
		}
		for i, sp := range c.ScratchPaths {
			vol := fmt.Sprintf("%s-scratch-%d", c.Name, i)
			volumes = append(volumes, &ecstaskdefinition.EcsTaskDefinitionVolume{Name: ptr.String(vol)})
			d.MountPoints = append(d.MountPoints, mountPoint{SourceVolume: vol, ContainerPath: sp})
		}
		defs = append(defs, d)
	}
	if s.Tracing {
		sidecar, vols := t.tracingSidecar()
		defs = append(defs, sidecar)
		volumes = append(volumes, vols...)
	}
	return defs, volumes
}

// AddToRolePolicy attaches statements to the task role (what the
// containers may do) as the inline policy name. Grants call it.
func (t *TaskDefinition) AddToRolePolicy(name string, statements ...iamdoc.Statement) error {
	_, err := t.taskPolicy.Add(name, statements...)
	return err
}

// RoleARN returns the task role's ARN.
func (t *TaskDefinition) RoleARN() string { return *t.taskRole.Arn() }

// ExecutionRoleARN returns the execution role's ARN.
func (t *TaskDefinition) ExecutionRoleARN() string { return *t.execRole.Arn() }

// ExecutionRole returns the execution role as a grant.Grantee, for what
// ECS itself needs when starting the task beyond what the construct grants
// (such as pulling from a repository of another construct).
func (t *TaskDefinition) ExecutionRole() grant.Grantee { return executionRole{t} }

type executionRole struct{ t *TaskDefinition }

func (e executionRole) Node() constructs.Node { return e.t.Node() }
func (e executionRole) RoleARN() string       { return e.t.ExecutionRoleARN() }
func (e executionRole) AddToRolePolicy(name string, statements ...iamdoc.Statement) error {
	_, err := e.t.execPolicy.Add(name, statements...)
	return err
}

// Family returns the task definition's family.
func (t *TaskDefinition) Family() string { return t.family }

// ARN returns the ARN of the current revision.
func (t *TaskDefinition) ARN() string { return *t.td.Arn() }

// ARNWithoutRevision returns the family's ARN without the revision.
func (t *TaskDefinition) ARNWithoutRevision() string { return *t.td.ArnWithoutRevision() }

// LogGroupName returns the containers' log group.
func (t *TaskDefinition) LogGroupName() string { return *t.logs.Name() }

// Architecture returns the task's CPU architecture.
func (t *TaskDefinition) Architecture() Architecture { return t.arch }

// Resource returns the aws_ecs_task_definition resource as an escape hatch.
func (t *TaskDefinition) Resource() ecstaskdefinition.EcsTaskDefinition { return t.td }

// containerFor returns the container listening on port, or "".
func (t *TaskDefinition) containerFor(port int) string {
	for _, c := range t.containers {
		for _, p := range c.Ports {
			if p == port {
				return c.Name
			}
		}
	}
	return ""
}
