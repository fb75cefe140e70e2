package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
)

// Providers other than hashicorp/aws.
//
// Some stacks also need hashicorp/kubernetes and hashicorp/helm. The
// machines this runs on have no registry access and only hashicorp/aws in
// their filesystem mirror, so terraform init cannot install those: it would
// fail for a reason that is the machine's, not the stack's. When a mirror is
// given, each stack's required providers are looked up in it before init; a
// stack that needs one the mirror lacks is reported as not validated (make
// validate) or skipped (make e2e), by name, and fails only with -strict.
// hashicorp/aws is never a reason to skip: the gates exist to check the
// stacks against it, so a missing or mismatched AWS provider stays a
// failure (terraform init says why).

// DefaultRegistry is the host of a provider source without one.
const DefaultRegistry = "registry.terraform.io"

// awsSource is the provider the gates are built around.
const awsSource = DefaultRegistry + "/hashicorp/aws"

// RequiredProvider is one entry of terraform.required_providers.
type RequiredProvider struct {
	// Name is the local name (the key in required_providers).
	Name string
	// Source is the full address: HOST/NAMESPACE/TYPE, lower case.
	Source string
	// Version is the version constraint, "" for any.
	Version string
}

// Short returns the source without the default registry host
// (hashicorp/kubernetes), as Terraform prints it.
func (p RequiredProvider) Short() string {
	return strings.TrimPrefix(p.Source, DefaultRegistry+"/")
}

// String returns the short source with its constraint.
func (p RequiredProvider) String() string {
	if p.Version == "" {
		return p.Short()
	}
	return p.Short() + " " + p.Version
}

// builtin reports whether Terraform ships the provider itself
// (terraform.io/builtin/terraform, which data.terraform_remote_state
// uses): nothing to install.
func (p RequiredProvider) builtin() bool {
	return strings.HasPrefix(p.Source, "terraform.io/builtin/")
}

// ParseRequiredProviders returns terraform.required_providers of a
// Terraform JSON configuration (cdk.tf.json), sorted by source, one entry
// per source (constraints of local names with the same source joined). A
// source is normalized as Terraform does: "kubernetes" and
// "hashicorp/kubernetes" are registry.terraform.io/hashicorp/kubernetes; an
// entry without a source (or a bare version string, the old syntax) means
// hashicorp/<local name>.
func ParseRequiredProviders(b []byte) ([]RequiredProvider, error) {
	var raw struct {
		Terraform json.RawMessage `json:"terraform"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("parse Terraform JSON: %w", err)
	}
	if len(raw.Terraform) == 0 {
		return nil, nil
	}
	// terraform and required_providers may each be an object or a list of
	// objects (Terraform JSON accepts both).
	terraform, err := objectList(raw.Terraform)
	if err != nil {
		return nil, fmt.Errorf("terraform block: %w", err)
	}
	bySource := map[string]*RequiredProvider{}
	for _, t := range terraform {
		rp, ok := t["required_providers"]
		if !ok {
			continue
		}
		blocks, err := objectList(rp)
		if err != nil {
			return nil, fmt.Errorf("terraform.required_providers: %w", err)
		}
		for _, block := range blocks {
			// In order of local name, so that which name is kept for a
			// source given twice does not vary between runs.
			names := make([]string, 0, len(block))
			for name := range block {
				names = append(names, name)
			}
			sort.Strings(names)
			for _, name := range names {
				p, err := requiredProvider(name, block[name])
				if err != nil {
					return nil, fmt.Errorf("terraform.required_providers.%s: %w", name, err)
				}
				prev, dup := bySource[p.Source]
				switch {
				case !dup:
					bySource[p.Source] = &p
				case p.Version != "" && prev.Version == "":
					prev.Version = p.Version
				case p.Version != "" && p.Version != prev.Version:
					prev.Version += ", " + p.Version
				}
			}
		}
	}
	out := make([]RequiredProvider, 0, len(bySource))
	for _, p := range bySource {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Source < out[j].Source })
	return out, nil
}

// objectList decodes a JSON object, or a list of objects, into a list of
// objects with undecoded values.
func objectList(raw json.RawMessage) ([]map[string]json.RawMessage, error) {
	var one map[string]json.RawMessage
	if err := json.Unmarshal(raw, &one); err == nil {
		return []map[string]json.RawMessage{one}, nil
	}
	var list []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("neither an object nor a list of objects: %s", abbreviateJSON(raw))
	}
	return list, nil
}

func abbreviateJSON(raw json.RawMessage) string {
	s := string(raw)
	if len(s) > 60 {
		s = s[:60] + "..."
	}
	return s
}

// requiredProvider decodes one required_providers entry: an object with
// source and version, or (old syntax) a version string.
func requiredProvider(name string, v json.RawMessage) (RequiredProvider, error) {
	p := RequiredProvider{Name: name}
	var version string
	if err := json.Unmarshal(v, &version); err == nil {
		p.Version = strings.TrimSpace(version)
		p.Source, _ = NormalizeSource(name)
		return p, nil
	}
	var body struct {
		Source  string `json:"source"`
		Version string `json:"version"`
	}
	if err := json.Unmarshal(v, &body); err != nil {
		return p, fmt.Errorf("neither an object with source and version nor a version string: %s", abbreviateJSON(v))
	}
	src := body.Source
	if src == "" {
		src = name
	}
	s, err := NormalizeSource(src)
	if err != nil {
		return p, err
	}
	p.Source, p.Version = s, strings.TrimSpace(body.Version)
	return p, nil
}

// NormalizeSource returns the full provider address of a source as
// Terraform reads it: TYPE means registry.terraform.io/hashicorp/TYPE,
// NAMESPACE/TYPE means registry.terraform.io/NAMESPACE/TYPE; lower case.
func NormalizeSource(src string) (string, error) {
	parts := strings.Split(strings.ToLower(strings.TrimSpace(src)), "/")
	for _, p := range parts {
		if p == "" {
			return "", fmt.Errorf("provider source %q has an empty part: use TYPE, NAMESPACE/TYPE or HOST/NAMESPACE/TYPE", src)
		}
	}
	switch len(parts) {
	case 1:
		return DefaultRegistry + "/hashicorp/" + parts[0], nil
	case 2:
		return DefaultRegistry + "/" + parts[0] + "/" + parts[1], nil
	case 3:
		return strings.Join(parts, "/"), nil
	}
	return "", fmt.Errorf("provider source %q has %d parts: use TYPE, NAMESPACE/TYPE or HOST/NAMESPACE/TYPE", src, len(parts))
}

// Platform is the OS_ARCH directory a filesystem mirror holds providers
// for. The terraform on PATH runs on this machine, as this program does.
var Platform = runtime.GOOS + "_" + runtime.GOARCH

// MirrorVersions returns the versions of the provider source (HOST/NS/TYPE)
// a filesystem mirror holds for platform, in either layout Terraform reads:
// unpacked, HOST/NS/TYPE/VERSION/OS_ARCH/ (a directory, or a link to one),
// or packed, HOST/NS/TYPE/terraform-provider-TYPE_VERSION_OS_ARCH.zip.
func MirrorVersions(mirror, source, platform string) []string {
	if list := filepath.SplitList(mirror); len(list) > 1 {
		var out []string
		for _, m := range list {
			out = appendUnique(out, MirrorVersions(m, source, platform)...)
		}
		sort.Slice(out, func(i, j int) bool {
			a, _ := parseVersion(out[i])
			b, _ := parseVersion(out[j])
			return a.less(b)
		})
		return out
	}
	dir := filepath.Join(mirror, filepath.FromSlash(source))
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	typ := source[strings.LastIndexByte(source, '/')+1:]
	seen := map[string]bool{}
	var out []string
	add := func(v string) {
		if _, ok := parseVersion(v); ok && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	zipPrefix, zipSuffix := "terraform-provider-"+typ+"_", "_"+platform+".zip"
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, zipPrefix) && strings.HasSuffix(n, zipSuffix) && len(n) > len(zipPrefix)+len(zipSuffix) {
			add(n[len(zipPrefix) : len(n)-len(zipSuffix)])
			continue
		}
		// os.Stat follows links: a version or platform directory may be one.
		if st, err := os.Stat(filepath.Join(dir, n, platform)); err == nil && st.IsDir() {
			add(n)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, _ := parseVersion(out[i])
		b, _ := parseVersion(out[j])
		return a.less(b)
	})
	return out
}

// MirrorProviders returns every provider source (HOST/NS/TYPE) the mirror
// holds at least one version of for platform, sorted: the providers the
// CLI configuration installs from the mirror.
func MirrorProviders(mirror, platform string) []string {
	if list := filepath.SplitList(mirror); len(list) > 1 {
		var out []string
		for _, m := range list {
			out = appendUnique(out, MirrorProviders(m, platform)...)
		}
		sort.Strings(out)
		return out
	}
	var out []string
	hosts, _ := os.ReadDir(mirror)
	for _, h := range hosts {
		namespaces, _ := os.ReadDir(filepath.Join(mirror, h.Name()))
		for _, ns := range namespaces {
			types, _ := os.ReadDir(filepath.Join(mirror, h.Name(), ns.Name()))
			for _, t := range types {
				src := h.Name() + "/" + ns.Name() + "/" + t.Name()
				if len(MirrorVersions(mirror, src, platform)) > 0 {
					out = append(out, src)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// Unavailable is a required provider the mirror cannot supply.
type Unavailable struct {
	RequiredProvider
	// Have are the versions the mirror has for this platform (none
	// satisfying the constraint); empty when it has none.
	Have []string
}

func (u Unavailable) String() string {
	if len(u.Have) == 0 {
		return u.RequiredProvider.String()
	}
	return fmt.Sprintf("%s (the mirror has only %s)", u.RequiredProvider, strings.Join(u.Have, ", "))
}

// MissingFromMirror returns the required providers, other than
// hashicorp/aws and Terraform's built-in ones, of which the mirror holds
// no version for platform that satisfies the constraint. A constraint this
// cannot parse is satisfied by any version: terraform init then reports it.
func MissingFromMirror(required []RequiredProvider, mirror, platform string) []Unavailable {
	var out []Unavailable
	for _, p := range required {
		if p.Source == awsSource || p.builtin() {
			continue
		}
		have := MirrorVersions(mirror, p.Source, platform)
		if !anySatisfies(have, p.Version) {
			out = append(out, Unavailable{RequiredProvider: p, Have: have})
		}
	}
	return out
}

// StackMissingProviders reads the cdk.tf.json in stackDir and returns the
// providers it needs that the mirror lacks (see MissingFromMirror). With
// no mirror (registry mode) nothing is missing: terraform init installs
// what it can and reports what it cannot.
func StackMissingProviders(stackDir, mirror string) ([]Unavailable, error) {
	return ConfigMissingProviders(filepath.Join(stackDir, "cdk.tf.json"), mirror)
}

// ConfigMissingProviders is StackMissingProviders for one configuration
// file (a cdk.tf.json, or a snapshot NAME.tf.json).
func ConfigMissingProviders(path, mirror string) ([]Unavailable, error) {
	if mirror == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	req, err := ParseRequiredProviders(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return MissingFromMirror(req, mirror, Platform), nil
}

// providerList names the unavailable providers: "providers a, b are" or
// "provider a is".
func providerList(missing []Unavailable) string {
	names := make([]string, len(missing))
	for i, m := range missing {
		names[i] = m.String()
	}
	if len(names) == 1 {
		return "provider " + names[0] + " is"
	}
	return "providers " + strings.Join(names, ", ") + " are"
}

// NotValidatedLine is make validate's line for a stack whose providers are
// not in the mirror.
func NotValidatedLine(stack, mirror string, missing []Unavailable) string {
	return fmt.Sprintf("NOT VALIDATED %s: %s not in the mirror %s (no registry access assumed); "+
		"their schemas are checked only through the generated bindings", stack, providerList(missing), mirror)
}

// SkippedReason is make e2e's reason for skipping such a stack.
func SkippedReason(mirror string, missing []Unavailable) string {
	names := make([]string, len(missing))
	for i, m := range missing {
		names[i] = m.String()
	}
	word := "providers"
	if len(names) == 1 {
		word = "provider"
	}
	return fmt.Sprintf("needs %s %s, not installable here (not in the mirror %s, no registry access assumed)", word, strings.Join(names, ", "), mirror)
}

// version is a semantic version: major.minor.patch[-prerelease].
type version struct {
	n   [3]int
	pre string
}

// parseVersion parses 1, 1.2, 1.2.3 or 1.2.3-beta1 (a leading v allowed).
func parseVersion(s string) (version, bool) {
	var v version
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	if i := strings.IndexAny(s, "+"); i >= 0 { // build metadata does not count
		s = s[:i]
	}
	if i := strings.IndexByte(s, '-'); i >= 0 {
		s, v.pre = s[:i], s[i+1:]
		if v.pre == "" {
			return v, false
		}
	}
	parts := strings.Split(s, ".")
	if len(parts) < 1 || len(parts) > 3 {
		return v, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return v, false
		}
		v.n[i] = n
	}
	return v, true
}

func (a version) compare(b version) int {
	for i := range a.n {
		if a.n[i] != b.n[i] {
			if a.n[i] < b.n[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case a.pre == b.pre:
		return 0
	case a.pre == "": // a release is newer than its prereleases
		return 1
	case b.pre == "":
		return -1
	case a.pre < b.pre:
		return -1
	}
	return 1
}

func (a version) less(b version) bool { return a.compare(b) < 0 }

// anySatisfies reports whether one of versions satisfies the constraint,
// read as Terraform does: comma-separated conditions that must all hold,
// each =, !=, >, >=, <, <= or ~> and a version (no operator is =); ~> 2.37
// allows >= 2.37 and < 3, ~> 2.37.1 allows >= 2.37.1 and < 2.38. A
// prerelease is chosen only when a condition names it exactly. An empty
// or unparsable constraint is satisfied by any version.
func anySatisfies(versions []string, constraint string) bool {
	if len(versions) == 0 {
		return false
	}
	type cond struct {
		op    string
		v     version
		parts int
	}
	var conds []cond
	for _, c := range strings.Split(constraint, ",") {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		op := "="
		for _, o := range []string{"~>", ">=", "<=", "!=", ">", "<", "="} {
			if strings.HasPrefix(c, o) {
				op, c = o, strings.TrimSpace(c[len(o):])
				break
			}
		}
		v, ok := parseVersion(c)
		if !ok {
			return true
		}
		conds = append(conds, cond{op, v, strings.Count(strings.SplitN(c, "-", 2)[0], ".") + 1})
	}
	for _, s := range versions {
		v, ok := parseVersion(s)
		if !ok {
			continue
		}
		good, named := true, false
		for _, c := range conds {
			cmp := v.compare(c.v)
			switch c.op {
			case "=":
				good = good && cmp == 0
				named = named || cmp == 0
			case "!=":
				good = good && cmp != 0
			case ">":
				good = good && cmp > 0
			case ">=":
				good = good && cmp >= 0
			case "<":
				good = good && cmp < 0
			case "<=":
				good = good && cmp <= 0
			case "~>":
				upper := version{}
				if c.parts >= 3 {
					upper.n = [3]int{c.v.n[0], c.v.n[1] + 1, 0}
				} else {
					upper.n = [3]int{c.v.n[0] + 1, 0, 0}
				}
				good = good && cmp >= 0 && v.less(upper)
			}
		}
		if good && (v.pre == "" || named) {
			return true
		}
	}
	return false
}
