package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
)

// Gap kinds.
const (
	// KindUnsupported: the emulator cannot create (or read, or delete) the
	// resource or data source. It is left out of the run together with
	// everything that depends on it.
	KindUnsupported = "unsupported"
	// KindPerpetualDiff: the emulator does not return some attributes as
	// AWS does, so the plan after apply wants to change them again. Only
	// the listed attributes of the matching resources are ignored
	// (lifecycle.ignore_changes in a test-only override) for the check.
	KindPerpetualDiff = "perpetual-diff"
	// KindUndeletable: the emulator creates and reads the resource but
	// cannot delete it. It is applied and checked by the plan after apply,
	// then dropped from the state (terraform state rm) before destroy and
	// reported as left in the emulator.
	KindUndeletable = "undeletable"
	// KindMissingAttribute: the emulator creates the resource but does not
	// return the listed computed attributes, so every resource whose
	// configuration uses one of them gets an empty value. Those resources
	// are left out, with everything that depends on them.
	KindMissingAttribute = "missing-attribute"
	// KindOverride: the local Kubernetes control plane cannot do what the
	// resource waits for (no pod ever becomes Ready, so helm's wait and a
	// Deployment's rollout never finish, and a chart's hook Jobs never
	// complete). The listed arguments (Set) are given these values in the
	// gate's override for the matching resources; nothing else changes.
	KindOverride = "override"
	// KindRemoveAfterApply: objects a chart installs that the local
	// control plane cannot serve (an admission webhook or aggregated API
	// whose pods never run, so every call to it fails). They are deleted
	// (Objects: API paths) right after the stack that installs them is
	// applied, before the stacks that depend on it.
	KindRemoveAfterApply = "remove-after-apply"
	// KindStripFinalizers: a finalizer whose controller never runs here
	// (its pods stay Pending) would hold every matching object on delete
	// for ever. Right before the stack is destroyed, the listed finalizers
	// (Finalizers) are removed from every object of the listed collections
	// (Objects: API paths of a resource collection), which is what the
	// controller does once it has nothing left to clean up.
	KindStripFinalizers = "strip-finalizers"
)

// AllStacks in a gap's stack field applies it to every stack.
const AllStacks = "all"

// Gap is one emulator shortcoming the harness works around.
type Gap struct {
	// Stack is a stack name or "all".
	Stack string `json:"stack"`
	// Kind is "unsupported", "perpetual-diff", "undeletable" or
	// "missing-attribute".
	Kind string `json:"kind"`
	// Resource is a resource type (aws_eks_addon), a data source type
	// (data.aws_eks_addon_version) or one address (aws_eks_cluster.NAME,
	// data.TYPE.NAME).
	Resource string `json:"resource"`
	// Attributes are the attribute paths a perpetual-diff gap ignores, as
	// in ignore_changes (logging_config, access_config[0].authentication_mode),
	// or the computed attributes a missing-attribute gap says the emulator
	// does not return (vpc_config[0].cluster_security_group_id).
	Attributes []string `json:"attributes,omitempty"`
	// Set are the arguments an override gap gives the matching resources
	// in the gate's override ({"wait": false}).
	Set map[string]any `json:"set,omitempty"`
	// Objects are the API paths a remove-after-apply gap deletes
	// (/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/NAME).
	Objects []string `json:"objects,omitempty"`
	// Finalizers are the finalizers a strip-finalizers gap removes.
	Finalizers []string `json:"finalizers,omitempty"`
	// Operation is the API call the emulator lacks or gets wrong.
	Operation string `json:"operation,omitempty"`
	// Error is the emulator's actual error text (or the plan's diff),
	// copied from a real run.
	Error string `json:"error"`
	// Why explains why this is the emulator's shortcoming, not ours.
	Why string `json:"why"`

	index int // position in the file
}

// GapsFile is the gaps file: emulator and provider versions the gaps were
// observed with, and the gaps.
type GapsFile struct {
	Comment  string `json:"//,omitempty"`
	Emulator string `json:"emulator"`
	Provider string `json:"provider"`
	// Cluster is the local Kubernetes control plane the cluster gaps
	// (override, remove-after-apply) were observed with.
	Cluster string `json:"cluster,omitempty"`
	Gaps    []Gap  `json:"gaps"`
}

var (
	typeRe       = regexp.MustCompile(`^(data\.)?[a-z][a-z0-9_]*$`)
	addressRe    = regexp.MustCompile(`^(data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_\-]*$`)
	apiPathRe    = regexp.MustCompile(`^/(api/v1|apis/[a-z0-9.\-]+/v[0-9a-z]+)(/namespaces/[a-z0-9\-]+)?/[a-z]+/[a-z0-9.\-]+$`)
	collectionRe = regexp.MustCompile(`^/(api/v1|apis/[a-z0-9.\-]+/v[0-9a-z]+)/[a-z]+$`)
	attributeRe  = regexp.MustCompile(`^[a-z_][a-z0-9_]*(\[[0-9]+\]|\.[a-z_][a-z0-9_]*)*$`)
)

// LoadGaps reads and checks a gaps file.
func LoadGaps(path string) (*GapsFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	g, err := ParseGaps(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return g, nil
}

// ParseGaps parses a gaps file and reports every problem in it.
func ParseGaps(b []byte) (*GapsFile, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var g GapsFile
	if err := dec.Decode(&g); err != nil {
		return nil, fmt.Errorf("parse gaps file: %w", err)
	}
	var errs []error
	for i := range g.Gaps {
		g.Gaps[i].index = i
	}
	for i, gap := range g.Gaps {
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("gaps[%d] (%s %s): %s", i, gap.Stack, gap.Resource, fmt.Sprintf(format, args...)))
		}
		if gap.Stack == "" {
			bad(`stack is empty; use a stack name or "all"`)
		}
		if !typeRe.MatchString(gap.Resource) && !addressRe.MatchString(gap.Resource) {
			bad("resource %q is not a resource type, data.TYPE or an address", gap.Resource)
		}
		if len(gap.Set) > 0 && gap.Kind != KindOverride {
			bad("set is only for %q gaps", KindOverride)
		}
		if len(gap.Objects) > 0 && gap.Kind != KindRemoveAfterApply && gap.Kind != KindStripFinalizers {
			bad("objects are only for %q and %q gaps", KindRemoveAfterApply, KindStripFinalizers)
		}
		if len(gap.Finalizers) > 0 && gap.Kind != KindStripFinalizers {
			bad("finalizers are only for %q gaps", KindStripFinalizers)
		}
		switch gap.Kind {
		case KindOverride:
			if len(gap.Set) == 0 || len(gap.Attributes) > 0 || strings.HasPrefix(gap.Resource, "data.") {
				bad("an %q gap sets arguments (set) of a resource type or address, and lists no attributes", gap.Kind)
			}
			for k := range gap.Set {
				if !attributeRe.MatchString(k) || strings.ContainsAny(k, ".[") {
					bad("set key %q is not a top-level argument name", k)
				}
			}
		case KindRemoveAfterApply:
			if len(gap.Objects) == 0 || len(gap.Attributes) > 0 || strings.HasPrefix(gap.Resource, "data.") {
				bad("a %q gap lists the API paths of the objects it deletes (objects) and names the resource that installs them", gap.Kind)
			}
			for _, o := range gap.Objects {
				if !apiPathRe.MatchString(o) {
					bad("object %q is not an API path such as /apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/NAME", o)
				}
			}
		case KindStripFinalizers:
			if len(gap.Objects) == 0 || len(gap.Finalizers) == 0 || strings.HasPrefix(gap.Resource, "data.") {
				bad("a %q gap names the resource that makes the objects, their collections (objects) and the finalizers it removes", gap.Kind)
			}
			for _, o := range gap.Objects {
				if !collectionRe.MatchString(o) {
					bad("object %q is not the API path of a collection such as /apis/argoproj.io/v1alpha1/applications", o)
				}
			}
		case KindUnsupported, KindUndeletable:
			if len(gap.Attributes) > 0 {
				bad("attributes are only for %q and %q gaps", KindPerpetualDiff, KindMissingAttribute)
			}
			if gap.Kind == KindUndeletable && strings.HasPrefix(gap.Resource, "data.") {
				bad("a data source is never deleted")
			}
		case KindPerpetualDiff, KindMissingAttribute:
			if gap.Kind == KindPerpetualDiff && strings.HasPrefix(gap.Resource, "data.") {
				bad("a data source has no plan diff")
			}
			if len(gap.Attributes) == 0 {
				bad("a %q gap lists its attributes", gap.Kind)
			}
			for _, a := range gap.Attributes {
				if !attributeRe.MatchString(a) {
					bad("attribute %q is not an attribute path such as logging_config or access_config[0].name", a)
				}
			}
		default:
			bad("kind %q is not %q, %q, %q, %q, %q, %q or %q", gap.Kind, KindUnsupported, KindPerpetualDiff, KindUndeletable, KindMissingAttribute, KindOverride, KindRemoveAfterApply, KindStripFinalizers)
		}
		if strings.TrimSpace(gap.Error) == "" {
			bad("error is empty: copy the emulator's error text from a real run")
		}
		if strings.TrimSpace(gap.Why) == "" {
			bad("why is empty: say why this is the emulator's shortcoming, not ours")
		}
	}
	return &g, errors.Join(errs...)
}

// appliesTo reports whether gap applies to stack.
func (g Gap) appliesTo(stack string) bool {
	return g.Stack == AllStacks || g.Stack == stack
}

// matches reports whether the gap's resource names address (a resource or
// data source address).
func (g Gap) matches(address string) bool {
	if g.Resource == address {
		return true
	}
	// A type matches every address of that type: TYPE.NAME or data.TYPE.NAME.
	if typeRe.MatchString(g.Resource) {
		return strings.HasPrefix(address, g.Resource+".") && strings.Count(address[len(g.Resource)+1:], ".") == 0
	}
	return false
}

// StackGaps are the gaps that apply to one stack's configuration.
type StackGaps struct {
	// Unsupported maps each gapped resource or data source address to its
	// gap: unsupported ones, and those that use an attribute a
	// missing-attribute gap names.
	Unsupported map[string]Gap
	// Uses says, for a resource left out by a missing-attribute gap, which
	// reference it makes to the missing attribute.
	Uses map[string]string
	// Undeletable maps each resource address the emulator cannot delete to
	// its gap.
	Undeletable map[string]Gap
	// Ignore maps resource addresses to the attribute paths whose plan diff
	// the emulator causes, and to the gaps that say so.
	Ignore map[string][]string
	// IgnoreGaps maps resource addresses to the perpetual-diff gaps that
	// apply to them.
	IgnoreGaps map[string][]Gap
	// Override maps resource addresses to the arguments override gaps set
	// on them in the gate's override.
	Override map[string]map[string]any
	// Remove maps the address of a resource that installs objects the
	// cluster cannot serve to their API paths (remove-after-apply).
	Remove map[string][]string
	// Strip are the strip-finalizers gaps that apply to the stack.
	Strip []Gap
	// Unmatched are the gaps for this stack (by name, not "all") that match
	// nothing in it: stale entries.
	Unmatched []Gap
	// Matched are the indexes of the gaps that match something here.
	Matched []int
}

// ForStack resolves the gaps that apply to stack against its configuration.
func (f *GapsFile) ForStack(stack string, c *Config) StackGaps {
	sg := StackGaps{Unsupported: map[string]Gap{}, Uses: map[string]string{}, Undeletable: map[string]Gap{}, Ignore: map[string][]string{}, IgnoreGaps: map[string][]Gap{},
		Override: map[string]map[string]any{}, Remove: map[string][]string{}}
	var addrs []string
	for a := range c.Resources {
		addrs = append(addrs, a)
	}
	for a := range c.Data {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	for _, g := range f.Gaps {
		if !g.appliesTo(stack) {
			continue
		}
		matched := false
		for _, a := range addrs {
			if !g.matches(a) {
				continue
			}
			matched = true
			switch g.Kind {
			case KindUnsupported:
				if _, dup := sg.Unsupported[a]; !dup {
					sg.Unsupported[a] = g
				}
			case KindUndeletable:
				if _, dup := sg.Undeletable[a]; !dup {
					sg.Undeletable[a] = g
				}
			case KindMissingAttribute:
				for user, ref := range c.Uses(a, g.Attributes) {
					if _, dup := sg.Unsupported[user]; !dup {
						sg.Unsupported[user] = g
						sg.Uses[user] = ref
					}
				}
			case KindOverride:
				if sg.Override[a] == nil {
					sg.Override[a] = map[string]any{}
				}
				for k, v := range g.Set {
					sg.Override[a][k] = v
				}
			case KindRemoveAfterApply:
				sg.Remove[a] = appendUnique(sg.Remove[a], g.Objects...)
			case KindStripFinalizers:
				if len(sg.Strip) == 0 || sg.Strip[len(sg.Strip)-1].index != g.index {
					sg.Strip = append(sg.Strip, g)
				}
			case KindPerpetualDiff:
				sg.Ignore[a] = appendUnique(sg.Ignore[a], g.Attributes...)
				sg.IgnoreGaps[a] = append(sg.IgnoreGaps[a], g)
			}
		}
		if matched {
			sg.Matched = append(sg.Matched, g.index)
		} else if g.Stack == stack {
			sg.Unmatched = append(sg.Unmatched, g)
		}
	}
	return sg
}

// GappedSet returns the unsupported addresses as a set.
func (sg StackGaps) GappedSet() map[string]bool {
	out := map[string]bool{}
	for a := range sg.Unsupported {
		out[a] = true
	}
	return out
}

// CheckStacks reports gaps that name a stack not in known.
func (f *GapsFile) CheckStacks(known []string) error {
	set := map[string]bool{AllStacks: true}
	for _, k := range known {
		set[k] = true
	}
	var errs []error
	for i, g := range f.Gaps {
		if !set[g.Stack] {
			errs = append(errs, fmt.Errorf("gaps[%d]: stack %q is not a reference stack (%s) or %q", i, g.Stack, strings.Join(known, ", "), AllStacks))
		}
	}
	return errors.Join(errs...)
}

func appendUnique(list []string, add ...string) []string {
	for _, a := range add {
		found := false
		for _, l := range list {
			if l == a {
				found = true
				break
			}
		}
		if !found {
			list = append(list, a)
		}
	}
	return list
}
