// Package catalog lists every reference stack and synthesizes them: the
// shared entry point of main.go, the snapshot tests and the benchmarks.
package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/lambdacode"
	"github.com/hybridstack/hybridstack/stacks/base"
	"github.com/hybridstack/hybridstack/stacks/etljob"
	"github.com/hybridstack/hybridstack/stacks/fintech"
	"github.com/hybridstack/hybridstack/stacks/hybridmicroservices"
	"github.com/hybridstack/hybridstack/stacks/imagepipeline"
	"github.com/hybridstack/hybridstack/stacks/platform"
	"github.com/hybridstack/hybridstack/stacks/tradingplatform"
	"github.com/hybridstack/hybridstack/tools/policy"
)

// Entry is one reference stack.
type Entry struct {
	Name        string
	Description string
	// Stacks names every stack Build creates, Name first, when there is
	// more than one (stacks joined by cross-stack references are built
	// together, in one app).
	// Default: - [Name]
	Stacks []string
	Build  func(scope constructs.Construct, s base.Settings) error
	// Code is the locally built function code of the stack (for arm64, the
	// default architecture). Synth starts building it before the jsii
	// runtime starts, so the builds overlap its start-up; code missing here
	// is built when its function is created, code listed but unused costs a
	// build. TestEntriesDeclareTheirCode keeps the list exact.
	Code []lambdacode.Code
}

var hybridCode = []lambdacode.Code{
	lambdacode.FromGoPackage(hybridmicroservices.WebhooksPackage),
	lambdacode.FromGoPackage(hybridmicroservices.WorkerPackage),
}

var entries = []Entry{
	{
		Name:        platform.Name,
		Stacks:      []string{platform.Name, platform.AddonsName},
		Description: "VPC + EKS (managed node groups, Spot, Fargate), add-ons, IRSA",
		Build: func(scope constructs.Construct, s base.Settings) error {
			_, err := platform.New(scope, s)
			return err
		},
	},
	{
		Name:        imagepipeline.Name,
		Description: "S3 upload -> Lambda resize + watermark -> S3; logs, X-Ray, failure queue, alarms",
		Code:        []lambdacode.Code{lambdacode.FromGoPackage(imagepipeline.HandlerPackage)},
		Build: func(scope constructs.Construct, s base.Settings) error {
			_, err := imagepipeline.New(scope, s)
			return err
		},
	},
	{
		Name:        hybridmicroservices.Name,
		Stacks:      hybridmicroservices.StackNames(hybridmicroservices.Name),
		Description: "API GW front door -> Lambda and EKS (VPC link), SQS + EventBridge glue, payments canary on VPC Lattice",
		Code:        hybridCode,
		Build: func(scope constructs.Construct, s base.Settings) error {
			_, err := hybridmicroservices.New(scope, s)
			return err
		},
	},
	{
		Name:        hybridmicroservices.IstioName,
		Stacks:      hybridmicroservices.StackNames(hybridmicroservices.IstioName),
		Description: "the same hybrid platform with the mesh on Istio ambient (mTLS, waypoint routes) and payments released by an Argo Rollouts canary",
		Code:        hybridCode,
		Build: func(scope constructs.Construct, s base.Settings) error {
			_, err := hybridmicroservices.NewIstio(scope, s)
			return err
		},
	},
	{
		Name:        etljob.Name,
		Description: "hourly ETL on ECS Fargate: EventBridge Scheduler -> vendor API -> S3 (KMS, lifecycle) and RDS PostgreSQL; ECR, failed-run alarms",
		Build: func(scope constructs.Construct, s base.Settings) error {
			_, err := etljob.New(scope, s)
			return err
		},
	},
	{
		Name:        fintech.Name,
		Stacks:      fintech.StackNames(),
		Description: "fintech in one VPC: API GW + Lambda, ECS auth service (VPC link, internal ALB), hourly ETL, EKS trading tenants, Object Lock audit logs",
		Code:        []lambdacode.Code{lambdacode.FromGoPackage(fintech.SessionPackage)},
		Build: func(scope constructs.Construct, s base.Settings) error {
			_, err := fintech.New(scope, s)
			return err
		},
	},
	{
		Name:        tradingplatform.Name,
		Stacks:      tradingplatform.StackNames(),
		Description: "multi-tenant trading on EKS: tenants with quotas, network policies, RBAC, IAM; MSK (IAM auth), EFS, VPC Lattice, Argo CD",
		Build: func(scope constructs.Construct, s base.Settings) error {
			_, err := tradingplatform.New(scope, s)
			return err
		},
	},
}

// StackNames returns the names of the stacks the entry builds.
func (e Entry) StackNames() []string {
	if len(e.Stacks) == 0 {
		return []string{e.Name}
	}
	return append([]string(nil), e.Stacks...)
}

// Entries returns every reference stack in a stable order.
func Entries() []Entry { return append([]Entry(nil), entries...) }

// Names returns the names of every reference stack, with the stacks each
// entry builds in order.
func Names() []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.StackNames()...)
	}
	return out
}

// Select returns the entries that build the stacks with the given names
// (all when names is empty), each once, or an error naming the unknown ones
// and the known ones. Naming any stack of an entry selects all of its
// stacks: they reference each other.
func Select(names []string) ([]Entry, error) {
	if len(names) == 0 {
		return Entries(), nil
	}
	var out []Entry
	var unknown []string
	for _, n := range names {
		found := false
		for _, e := range entries {
			if !slices.Contains(e.StackNames(), n) {
				continue
			}
			found = true
			if !slices.ContainsFunc(out, func(o Entry) bool { return o.Name == e.Name }) {
				out = append(out, e)
			}
		}
		if !found {
			unknown = append(unknown, n)
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("unknown stack %s; known stacks: %s", strings.Join(unknown, ", "), strings.Join(Names(), ", "))
	}
	return out, nil
}

// Build adds the selected stacks to app and returns every error from every
// stack, joined. Nothing is written to disk.
func Build(app constructs.Construct, selected []Entry, s base.Settings) error {
	var errs []error
	for _, e := range selected {
		if err := e.Build(app, s); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Result describes one synthesized stack.
type Result struct {
	Name      string
	Resources int
	Dir       string
	// Warnings are the constructs' warnings (cdktf annotations), each once.
	Warnings []string
	// Findings are the policy findings: warnings and suppressed ones (a
	// stack with unsuppressed errors is not published).
	Findings []policy.Finding
}

// Warnings returns the distinct warning annotations of every construct
// under scope, in tree order. It asks the jsii runtime about every
// construct (about 0.5 ms each); Synth reads the same warnings from cdktf's
// manifest instead.
func Warnings(scope constructs.IConstruct) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range *scope.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		for _, m := range *n.Node().Metadata() {
			if !strings.Contains(strings.ToLower(*m.Type), "warn") {
				continue
			}
			msg := fmt.Sprint(m.Data)
			if !seen[msg] {
				seen[msg] = true
				out = append(out, msg)
			}
		}
	}
	return out
}

// SettingsFunc reads the settings once the app (and its cdktf context)
// exists.
type SettingsFunc func(app cdktf.App) (base.Settings, error)

// Fixed returns a SettingsFunc that always gives s.
func Fixed(s base.Settings) SettingsFunc {
	return func(cdktf.App) (base.Settings, error) { return s, nil }
}

// Synth builds the selected stacks, synthesizes them into a staging
// directory beside outdir, runs the policy rule pack over each, and only
// when every construct is valid and no unsuppressed policy error remains
// publishes the stacks (and cdktf's manifest) into outdir. On any error
// nothing is written to outdir.
func Synth(outdir string, selected []Entry, settings SettingsFunc) ([]Result, error) {
	parent := filepath.Dir(filepath.Clean(outdir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	staging, err := os.MkdirTemp(parent, ".hybridstack-synth-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(staging)
	// The builds run while the jsii runtime starts and loads the AWS
	// provider (seconds, on one core).
	prebuild(selected)
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(staging)})
	results, err := synth(app, staging, selected, settings)
	if err != nil {
		return nil, err
	}
	if err := publish(staging, outdir, results); err != nil {
		return nil, err
	}
	for i := range results {
		results[i].Dir = filepath.Join(outdir, "stacks", results[i].Name)
	}
	return results, nil
}

// publish moves each synthesized stack directory and the manifest from
// staging into outdir, replacing what was there for those stacks.
func publish(staging, outdir string, results []Result) error {
	if err := os.MkdirAll(filepath.Join(outdir, "stacks"), 0o755); err != nil {
		return err
	}
	for _, r := range results {
		dst := filepath.Join(outdir, "stacks", r.Name)
		if err := os.RemoveAll(dst); err != nil {
			return err
		}
		if err := os.Rename(filepath.Join(staging, "stacks", r.Name), dst); err != nil {
			return err
		}
	}
	return os.Rename(filepath.Join(staging, "manifest.json"), filepath.Join(outdir, "manifest.json"))
}

func synth(app cdktf.App, outdir string, selected []Entry, settings SettingsFunc) ([]Result, error) {
	s, err := settings(app)
	if err != nil {
		return nil, err
	}
	if err := Build(app, selected, s); err != nil {
		return nil, err
	}
	app.Synth()
	annotations, err := readAnnotations(outdir)
	if err != nil {
		return nil, err
	}
	var results []Result
	var failing []error
	for _, e := range selected {
		for _, name := range e.StackNames() {
			r, err := checkStack(outdir, name, annotations[name])
			if err != nil {
				return nil, err
			}
			if err := policy.Err(r.Findings); err != nil {
				failing = append(failing, err)
			}
			results = append(results, r)
		}
	}
	if err := errors.Join(failing...); err != nil {
		return nil, err
	}
	return results, nil
}

// checkStack counts the resources of one synthesized stack and runs the
// policy rule pack over it.
func checkStack(outdir, name string, warnings []string) (Result, error) {
	dir := filepath.Join(outdir, "stacks", name)
	doc, err := os.ReadFile(filepath.Join(dir, "cdk.tf.json"))
	if err != nil {
		return Result{}, fmt.Errorf("stack %q: reading synthesized JSON: %w", name, err)
	}
	n, err := CountResources(doc)
	if err != nil {
		return Result{}, fmt.Errorf("stack %q: %w", name, err)
	}
	findings, err := policy.Check(name, doc)
	if err != nil {
		return Result{}, err
	}
	return Result{Name: name, Resources: n, Dir: dir, Warnings: warnings, Findings: findings}, nil
}

// prebuild starts building the function code of the selected stacks.
func prebuild(selected []Entry) {
	var codes []lambdacode.Code
	for _, e := range selected {
		codes = append(codes, e.Code...)
	}
	lambdacode.Prebuild("", codes...)
}

// readAnnotations returns the distinct warnings of each stack, in tree
// order, from the manifest cdktf writes: the annotations of every construct
// of the stack, collected when it was synthesized (what Warnings finds,
// without a jsii call per construct).
func readAnnotations(outdir string) (map[string][]string, error) {
	data, err := os.ReadFile(filepath.Join(outdir, "manifest.json"))
	if err != nil {
		return nil, fmt.Errorf("reading cdktf's manifest: %w", err)
	}
	var manifest struct {
		Stacks map[string]struct {
			Annotations []struct {
				Level   string `json:"level"`
				Message any    `json:"message"`
			} `json:"annotations"`
		} `json:"stacks"`
	}
	if err := json.Unmarshal(data, &manifest); err != nil {
		return nil, fmt.Errorf("parsing cdktf's manifest: %w", err)
	}
	out := map[string][]string{}
	for name, st := range manifest.Stacks {
		seen := map[string]bool{}
		for _, a := range st.Annotations {
			if !strings.Contains(strings.ToLower(a.Level), "warn") {
				continue
			}
			msg := fmt.Sprint(a.Message)
			if !seen[msg] {
				seen[msg] = true
				out[name] = append(out[name], msg)
			}
		}
	}
	return out, nil
}

// CountResources returns how many resources a cdk.tf.json document declares.
func CountResources(doc []byte) (int, error) {
	var parsed struct {
		Resource map[string]map[string]json.RawMessage `json:"resource"`
	}
	if err := json.Unmarshal(doc, &parsed); err != nil {
		return 0, fmt.Errorf("parsing synthesized JSON: %w", err)
	}
	n := 0
	for _, byName := range parsed.Resource {
		n += len(byName)
	}
	return n, nil
}

// Normalize re-encodes a synthesized document with sorted keys, two-space
// indentation and a final newline, the form golden snapshots are kept in.
func Normalize(doc []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("parsing synthesized JSON: %w", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ResourceTypes returns the sorted resource types of a document, for
// summaries.
func ResourceTypes(doc []byte) ([]string, error) {
	var parsed struct {
		Resource map[string]json.RawMessage `json:"resource"`
	}
	if err := json.Unmarshal(doc, &parsed); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(parsed.Resource))
	for t := range parsed.Resource {
		out = append(out, t)
	}
	sort.Strings(out)
	return out, nil
}
