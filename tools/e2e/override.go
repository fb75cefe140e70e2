package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// The override files the harness writes next to cdk.tf.json in its copy of
// a stack. Terraform merges *_override.tf.json files into the configuration
// after the other files; cdk.tf.json itself is never edited.
const (
	// EmulatorOverrideFile points the AWS provider at the emulator and the
	// backend at a local state file in the copy.
	EmulatorOverrideFile = "zz_e2e_override.tf.json"
	// IgnoreOverrideFile holds the ignore_changes of perpetual-diff gaps;
	// it is written only for the plan after apply.
	IgnoreOverrideFile = "zz_e2e_ignore_override.tf.json"
	// StateFile is the local state file, relative to the copy.
	StateFile = "terraform.tfstate"
)

// FakeCredential is the access key and secret key the provider sends to
// the emulator, which accepts any.
const FakeCredential = "e2e-fake-credentials"

// endpointAliases are the alternative names the AWS provider 5.x accepts
// for a service endpoint (the first name of each group is kept). Setting
// both a name and its alias makes the provider warn "Only one of the
// following attributes should be set". Taken from those warnings with
// provider 5.100.0; a later provider that adds aliases only warns.
var endpointAliases = map[string]bool{
	"amg": true, "appintegrationsservice": true, "applicationautoscaling": true,
	"appregistry": true, "beanstalk": true, "cloudcontrolapi": true,
	"cloudhsm": true, "cloudwatchevents": true, "cloudwatchevidently": true,
	"cloudwatchlog": true, "cloudwatchlogs": true,
	"cloudwatchobservabilityaccessmanager": true, "cloudwatchrum": true,
	"codedeploy": true, "cognitoidentityprovider": true, "config": true,
	"costandusagereportservice": true, "costexplorer": true,
	"databasemigration": true, "databasemigrationservice": true,
	"directoryservice": true, "elasticloadbalancing": true,
	"elasticloadbalancingv2": true, "elasticsearchservice": true, "es": true,
	"eventbridge": true, "gluedatabrew": true, "inspectorv2": true,
	"lex": true, "lexmodelbuilding": true, "lexmodelbuildingservice": true,
	"lexmodelsv2": true, "locationservice": true, "managedgrafana": true,
	"msk": true, "opensearchingestion": true, "opensearchservice": true,
	"prometheus": true, "prometheusservice": true, "recyclebin": true,
	"redshiftdataapiservice": true, "resourcegroupstagging": true,
	"s3api": true, "sdb": true, "serverlessapprepo": true,
	"serverlessapplicationrepository": true, "stepfunctions": true,
	"transcribeservice": true,
}

// EndpointNames returns the service endpoint names of the AWS provider's
// endpoints block, from `terraform providers schema -json`, without aliases.
func EndpointNames(schemaJSON []byte) ([]string, error) {
	var s struct {
		ProviderSchemas map[string]struct {
			Provider struct {
				Block struct {
					BlockTypes map[string]struct {
						Block struct {
							Attributes map[string]json.RawMessage `json:"attributes"`
						} `json:"block"`
					} `json:"block_types"`
				} `json:"block"`
			} `json:"provider"`
		} `json:"provider_schemas"`
	}
	if err := json.Unmarshal(schemaJSON, &s); err != nil {
		return nil, fmt.Errorf("parse provider schema: %w", err)
	}
	for source, p := range s.ProviderSchemas {
		if !strings.HasSuffix(source, "hashicorp/aws") {
			continue
		}
		var out []string
		for name := range p.Provider.Block.BlockTypes["endpoints"].Block.Attributes {
			if !endpointAliases[name] {
				out = append(out, name)
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("the AWS provider schema has no endpoints block attributes")
		}
		sort.Strings(out)
		return out, nil
	}
	return nil, fmt.Errorf("the provider schema has no hashicorp/aws provider")
}

// EmulatorOverride returns the override that points every AWS provider
// configuration (each alias) at the emulator at url for every endpoint
// name, with fake credentials and no calls to real AWS, and the backend at
// a local state file in the working copy.
func EmulatorOverride(url string, endpoints []string, aliases []string) ([]byte, error) {
	eps := map[string]string{}
	for _, e := range endpoints {
		eps[e] = url
	}
	var providers []map[string]any
	for _, alias := range aliases {
		p := map[string]any{
			"access_key":                  FakeCredential,
			"secret_key":                  FakeCredential,
			"skip_credentials_validation": true,
			// The provider asks the emulator's STS for the account ID (no
			// call leaves the machine). Without it (skip_requesting_account_id)
			// the provider cannot tell a same-account security group
			// reference from a cross-account one and reads every
			// referenced_security_group_id back as "ACCOUNT/sg-...": a
			// perpetual diff that is the harness's, not the stack's.
			"skip_requesting_account_id": false,
			"skip_metadata_api_check":    true,
			"skip_region_validation":     true,
			"s3_use_path_style":          true,
			// The emulator answers an operation it does not implement with
			// HTTP 500; the default 25 retries with back-off turn that into
			// many minutes of waiting. Two retries fail fast.
			"max_retries": 2,
			"endpoints":   []any{eps},
		}
		if alias != "" {
			p["alias"] = alias
		}
		providers = append(providers, p)
	}
	o := map[string]any{
		"//":       "Written by tools/e2e for a run against the emulator; not part of the stack.",
		"provider": map[string]any{"aws": providers},
		"terraform": map[string]any{
			"backend": map[string]any{"local": map[string]any{"path": StateFile}},
		},
	}
	return json.MarshalIndent(o, "", "  ")
}

// AWSProviderAliases returns the alias of every aws provider configuration
// in c ("" for the default one).
func (c *Config) AWSProviderAliases() []string {
	if len(c.Providers) == 0 {
		return []string{""}
	}
	var out []string
	for _, p := range c.Providers {
		alias, _ := p["alias"].(string)
		out = append(out, alias)
	}
	return out
}

// IgnoreOverride returns an override that adds, to each resource in ignore
// (address -> attribute paths), lifecycle.ignore_changes for those paths,
// kept together with any ignore_changes the configuration already has
// (an override replaces the argument, so it must repeat them). Resources
// not in c are skipped. It returns nil when there is nothing to ignore.
func IgnoreOverride(c *Config, ignore map[string][]string) ([]byte, error) {
	resources := map[string]map[string]any{}
	n := 0
	for addr, attrs := range ignore {
		body, ok := c.Resources[addr]
		if !ok || len(attrs) == 0 {
			continue
		}
		typ, name, _ := strings.Cut(addr, ".")
		var list []string
		if lc, ok := body["lifecycle"].(map[string]any); ok {
			switch existing := lc["ignore_changes"].(type) {
			case string: // "all": everything is ignored already
				continue
			case []any:
				for _, e := range existing {
					if s, ok := e.(string); ok {
						list = append(list, s)
					}
				}
			}
		}
		list = appendUnique(list, attrs...)
		if resources[typ] == nil {
			resources[typ] = map[string]any{}
		}
		resources[typ][name] = map[string]any{"lifecycle": map[string]any{"ignore_changes": list}}
		n++
	}
	if n == 0 {
		return nil, nil
	}
	o := map[string]any{
		"//":       "Written by tools/e2e: emulator perpetual diffs listed in emulator-gaps.json, ignored for the plan after apply only.",
		"resource": resources,
	}
	return json.MarshalIndent(o, "", "  ")
}
