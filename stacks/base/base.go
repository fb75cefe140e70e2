// Package base holds what every reference stack shares: settings read from
// the environment or cdktf context, the AWS provider with default tags, and
// the Terraform backend (a relative local path by default, or S3 with state
// locking).
package base

import (
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/nag"
)

// Settings are the knobs every reference stack takes. The zero value of a
// field means its default.
type Settings struct {
	// Region is the AWS Region the stack deploys to.
	// Default: eu-west-1
	Region string
	// StateBucket switches every stack to an S3 backend in this bucket, with
	// encryption and S3-native state locking (use_lockfile).
	// Default: - a local backend at ../../../terraform.<stack>.tfstate, relative to the synthesized stack
	StateBucket string
	// StateRegion is the state bucket's Region.
	// Default: Region
	StateRegion string
	// StateKeyPrefix prefixes each stack's state key: <prefix>/<stack>.tfstate.
	// Default: hybridstack
	StateKeyPrefix string
	// Disposable drops prevent_destroy guards on data-bearing resources.
	// Only for environments that may be destroyed with their data.
	// Default: false
	Disposable bool
	// OperatorCIDRs are the networks Terraform runs from for the stacks
	// inside a cluster (the -addons and -workloads stacks): they are
	// admitted to the cluster's private API endpoint (HTTPS, 443, on the
	// cluster security group), such as a VPN range or a CI runner's VPC.
	// They replace the default: a host in the cluster's VPC is then
	// admitted only if its address is in one of them. Either way Terraform
	// also needs an identity with an access entry (or IAM to assume one).
	// Default: - the cluster's VPC CIDR (see AdminCIDRs)
	OperatorCIDRs []string
	// Zones are the Availability Zone names the stacks spread their subnets
	// over, in order; a stack takes the first two or three. Give them when
	// the Region's zones are not a, b and c, or to leave one out (zone names
	// map to different physical zones in each account; the Region's
	// aws_availability_zones data source lists them).
	// Default: - the Region's a, b and c zones, which need no AWS
	// credentials to synthesize
	Zones []string
	// Lookup reads the settings only some stacks take (each in its
	// stack's options, such as etl.Settings and gitops.Settings) from the
	// same environment and cdktf context as the fields above. FromEnvironment
	// sets it.
	// Default: - nothing is set: every stack option takes its default
	Lookup Lookup
}

// Lookup returns the value of a setting from its environment variable or,
// where unset, its cdktf context key ("" when neither is set).
type Lookup func(envKey, ctxKey string) string

// Get returns the setting's value; a nil Lookup finds nothing.
func (l Lookup) Get(envKey, ctxKey string) string {
	if l == nil {
		return ""
	}
	return l(envKey, ctxKey)
}

// ProviderConstraint is the AWS provider version every stack requires: the
// 5.x line from 5.100, the first with the Prometheus collector's
// role_configuration (telemetry.NewMetrics writes it with an override,
// the aws/v19 binding being older), and the version the gates run.
const ProviderConstraint = "~> 5.100"

// DefaultRegion is the Region stacks use when none is set.
const DefaultRegion = "eu-west-1"

// Environment variables and cdktf context keys that set Settings. The
// environment wins over the context. The stacks' own settings have theirs
// beside them (etl.EnvETLImage, gitops.EnvGitOpsRepoBase).
const (
	EnvRegion         = "HYBRIDSTACK_REGION"
	EnvStateBucket    = "HYBRIDSTACK_STATE_BUCKET"
	EnvStateRegion    = "HYBRIDSTACK_STATE_REGION"
	EnvStateKeyPrefix = "HYBRIDSTACK_STATE_PREFIX"
	EnvDisposable     = "HYBRIDSTACK_DISPOSABLE"
	EnvOperatorCIDRs  = "HYBRIDSTACK_OPERATOR_CIDRS"
	EnvZones          = "HYBRIDSTACK_ZONES"

	CtxRegion         = "region"
	CtxStateBucket    = "stateBucket"
	CtxStateRegion    = "stateRegion"
	CtxStateKeyPrefix = "statePrefix"
	CtxDisposable     = "disposable"
	CtxOperatorCIDRs  = "operatorCidrs"
	CtxZones          = "zones"
)

// FromEnvironment reads Settings from environment variables (looked up with
// env) and, where unset, from the cdktf context of node.
func FromEnvironment(env func(string) (string, bool), node constructs.Node) (Settings, error) {
	get := func(envKey, ctxKey string) string {
		if v, ok := env(envKey); ok && v != "" {
			return v
		}
		if node != nil {
			if v := node.TryGetContext(jsii.String(ctxKey)); v != nil {
				return fmt.Sprint(v)
			}
		}
		return ""
	}
	s := Settings{
		Region:         get(EnvRegion, CtxRegion),
		StateBucket:    get(EnvStateBucket, CtxStateBucket),
		StateRegion:    get(EnvStateRegion, CtxStateRegion),
		StateKeyPrefix: get(EnvStateKeyPrefix, CtxStateKeyPrefix),
		Lookup:         get,
	}
	if d := get(EnvDisposable, CtxDisposable); d != "" {
		b, err := strconv.ParseBool(d)
		if err != nil {
			return s, fmt.Errorf("settings: %s %q is not a boolean; use true or false", EnvDisposable, d)
		}
		s.Disposable = b
	}
	if c := get(EnvOperatorCIDRs, CtxOperatorCIDRs); c != "" {
		for _, cidr := range strings.Split(c, ",") {
			s.OperatorCIDRs = append(s.OperatorCIDRs, strings.TrimSpace(cidr))
		}
	}
	if z := get(EnvZones, CtxZones); z != "" {
		for _, zone := range strings.Split(z, ",") {
			s.Zones = append(s.Zones, strings.TrimSpace(zone))
		}
	}
	return s.WithDefaults(), nil
}

// AdminCIDRs returns the networks a reference stack admits to its
// cluster's private API endpoint (eks.ClusterProps.PrivateAccessCIDRs):
// OperatorCIDRs when set, otherwise vpcCIDR, the cluster VPC's own range,
// so that Terraform running anywhere in the VPC (a CI runner, a bastion)
// reaches the endpoint on 443. Reaching it is not authenticating: the
// runner's identity still needs an access entry on the cluster.
func (s Settings) AdminCIDRs(vpcCIDR string) []string {
	if len(s.OperatorCIDRs) > 0 {
		return append([]string(nil), s.OperatorCIDRs...)
	}
	if vpcCIDR == "" {
		return nil
	}
	return []string{vpcCIDR}
}

// WithDefaults returns s with defaults filled in.
func (s Settings) WithDefaults() Settings {
	if s.Region == "" {
		s.Region = DefaultRegion
	}
	if s.StateRegion == "" {
		s.StateRegion = s.Region
	}
	if s.StateKeyPrefix == "" {
		s.StateKeyPrefix = "hybridstack"
	}
	return s
}

var (
	regionRe = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$`)
	bucketRe = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	prefixRe = regexp.MustCompile(`^[A-Za-z0-9!_.*'()/-]+$`)
	// An Availability Zone name is its Region and a letter (eu-west-1a);
	// Local Zones and Wavelength Zones add a suffix (us-west-2-lax-1a).
	zoneSuffixRe = regexp.MustCompile(`^(-[a-z]+-[0-9]+)?[a-z]$`)
)

// Validate reports every problem with s, naming the environment variable
// that sets each field.
func (s Settings) Validate(stack string) error {
	var errs []error
	addf := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("stack %q: %s %s", stack, field, fmt.Sprintf(format, args...)))
	}
	if !regionRe.MatchString(s.Region) {
		addf("Region", "(%s) %q is not an AWS Region name such as eu-west-1", EnvRegion, s.Region)
	}
	if s.StateBucket != "" && (!bucketRe.MatchString(s.StateBucket) || strings.Contains(s.StateBucket, "..")) {
		addf("StateBucket", "(%s) %q is not an S3 bucket name (3-63 lowercase letters, digits, '.' and '-')", EnvStateBucket, s.StateBucket)
	}
	if s.StateRegion != s.Region && !regionRe.MatchString(s.StateRegion) {
		addf("StateRegion", "(%s) %q is not an AWS Region name such as eu-west-1", EnvStateRegion, s.StateRegion)
	}
	for _, c := range s.OperatorCIDRs {
		if _, n, err := net.ParseCIDR(c); err != nil || n.String() != c || strings.Contains(c, ":") {
			addf("OperatorCIDRs", "(%s) %q is not an IPv4 network in canonical form such as 10.8.0.0/16", EnvOperatorCIDRs, c)
		} else if ones, _ := n.Mask.Size(); ones == 0 {
			addf("OperatorCIDRs", "(%s) %q admits every address; give the operators' networks", EnvOperatorCIDRs, c)
		}
	}
	seen := map[string]bool{}
	for i, z := range s.Zones {
		switch {
		case !strings.HasPrefix(z, s.Region) || !zoneSuffixRe.MatchString(strings.TrimPrefix(z, s.Region)):
			addf(fmt.Sprintf("Zones[%d]", i), "(%s) %q is not an Availability Zone name of Region %s such as %sa", EnvZones, z, s.Region, s.Region)
		case seen[z]:
			addf(fmt.Sprintf("Zones[%d]", i), "(%s) %q is listed twice; each subnet tier needs distinct zones", EnvZones, z)
		}
		seen[z] = true
	}
	if n := len(s.Zones); n > 0 && n < MaxZones {
		addf("Zones", "(%s) lists %d zones; the reference stacks spread over up to %d, give at least that many", EnvZones, n, MaxZones)
	}
	if !prefixRe.MatchString(s.StateKeyPrefix) || strings.HasPrefix(s.StateKeyPrefix, "/") || strings.HasSuffix(s.StateKeyPrefix, "/") {
		addf("StateKeyPrefix", "(%s) %q is not a usable S3 key prefix (no leading or trailing '/')", EnvStateKeyPrefix, s.StateKeyPrefix)
	}
	return errors.Join(errs...)
}

// MaxZones is the most zones a reference stack spreads over; Zones, when
// given, lists at least this many.
const MaxZones = 3

// AvailabilityZones returns the first n zone names: those of Zones when
// given (Validate makes sure there are enough), otherwise the Region's a,
// b, c, ..., the built-in default that needs no AWS credentials to
// synthesize.
func (s Settings) AvailabilityZones(n int) []string {
	if len(s.Zones) >= n {
		return append([]string(nil), s.Zones[:n]...)
	}
	out := make([]string, n)
	for i := range out {
		out[i] = s.Region + string(rune('a'+i))
	}
	return out
}

// NewStack creates a stack named name with the AWS provider (Region, default
// tags) and the backend the settings choose. It validates the settings
// first.
func NewStack(scope constructs.Construct, name string, s Settings) (cdktf.TerraformStack, error) {
	s = s.WithDefaults()
	if err := s.Validate(name); err != nil {
		return nil, err
	}
	stack := cdktf.NewTerraformStack(scope, jsii.String(name))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{
		Region: jsii.String(s.Region),
		DefaultTags: []*provider.AwsProviderDefaultTags{{
			Tags: &map[string]*string{"ManagedBy": jsii.String("hybridstack"), "Stack": jsii.String(name)},
		}},
	})
	// The aws/v19 binding pins the provider it was generated from (5.84.0)
	// exactly; any later 5.x provider accepts the same configuration, so
	// allow those (the machines here carry 5.100.0, users may have newer).
	stack.AddOverride(jsii.String("terraform.required_providers.aws.version"), ProviderConstraint)
	if s.Disposable {
		nag.DeclareDisposable(stack)
	}
	if s.StateBucket == "" {
		// Terraform runs in cdktf.out/stacks/<name>; keep state at the
		// project root, where a clean synth does not delete it, with a
		// relative path so the JSON is the same on every machine.
		cdktf.NewLocalBackend(stack, &cdktf.LocalBackendConfig{Path: jsii.String("../../../terraform." + name + ".tfstate")})
	} else {
		b := cdktf.NewS3Backend(stack, &cdktf.S3BackendConfig{
			Bucket:  jsii.String(s.StateBucket),
			Key:     jsii.String(s.StateKeyPrefix + "/" + name + ".tfstate"),
			Region:  jsii.String(s.StateRegion),
			Encrypt: jsii.Bool(true),
		})
		// S3-native locking (Terraform >= 1.10); cdktf 0.20 has no field
		// for it, so it goes in as an override.
		b.AddOverride(jsii.String("use_lockfile"), true)
	}
	return stack, nil
}

// Output declares a stack output.
func Output(stack cdktf.TerraformStack, id, description, value string) {
	cdktf.NewTerraformOutput(stack, jsii.String(id), &cdktf.TerraformOutputConfig{
		Value:       jsii.String(value),
		Description: jsii.String(description),
	})
}
