package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// addonsConfig is the terraform block of a stack like
// hybridmicroservices-addons as cdktf writes it: short sources.
const addonsConfig = `{
  "terraform": {
    "backend": {"local": {"path": "x.tfstate"}},
    "required_providers": {
      "aws": {"source": "aws", "version": "~> 5.84"},
      "helm": {"source": "helm", "version": "~> 2.17"},
      "kubernetes": {"source": "kubernetes", "version": "~> 2.37"}
    }
  },
  "data": {"terraform_remote_state": {"cluster": {"backend": "local", "config": {"path": "../platform.tfstate"}}}}
}`

func TestParseRequiredProviders(t *testing.T) {
	cases := []struct {
		name, json string
		want       []RequiredProvider
	}{
		{"short sources", addonsConfig, []RequiredProvider{
			{"aws", "registry.terraform.io/hashicorp/aws", "~> 5.84"},
			{"helm", "registry.terraform.io/hashicorp/helm", "~> 2.17"},
			{"kubernetes", "registry.terraform.io/hashicorp/kubernetes", "~> 2.37"},
		}},
		{"full and namespaced sources, upper case", `{"terraform": {"required_providers": {
			"aws": {"source": "registry.terraform.io/hashicorp/aws", "version": ">= 5.84, < 6.0"},
			"k8s": {"source": "HashiCorp/Kubernetes", "version": "2.38.0"},
			"tls": {"source": "example.com/acme/tls"}
		}}}`, []RequiredProvider{
			{"tls", "example.com/acme/tls", ""},
			{"aws", "registry.terraform.io/hashicorp/aws", ">= 5.84, < 6.0"},
			{"k8s", "registry.terraform.io/hashicorp/kubernetes", "2.38.0"},
		}},
		{"aws only", `{"terraform": {"required_providers": {"aws": {"source": "aws", "version": "~> 5.84"}}}}`, []RequiredProvider{
			{"aws", "registry.terraform.io/hashicorp/aws", "~> 5.84"},
		}},
		{"lists, no source, the old version string, one source twice", `{"terraform": [
			{"required_providers": [{"helm": "~> 2.17"}, {"kubernetes": {"version": "~> 2.37"}}]},
			{"required_providers": {"kube": {"source": "kubernetes", "version": "< 3"}}}
		]}`, []RequiredProvider{
			{"helm", "registry.terraform.io/hashicorp/helm", "~> 2.17"},
			{"kubernetes", "registry.terraform.io/hashicorp/kubernetes", "~> 2.37, < 3"},
		}},
		{"no terraform block", `{"resource": {}}`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseRequiredProviders([]byte(c.json))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 && len(c.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
	for _, bad := range []string{
		`{"terraform": {"required_providers": {"x": {"source": "a/b/c/d"}}}}`,
		`{"terraform": {"required_providers": {"x": {"source": "hashicorp//x"}}}}`,
		`{"terraform": {"required_providers": {"x": 3}}}`,
		`{"terraform": "aws"}`,
		`{`,
	} {
		if _, err := ParseRequiredProviders([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// mkMirror lays out a filesystem mirror under a temp dir: unpacked
// HOST/NS/TYPE/VERSION/OS_ARCH/ directories for dirs, packed zips for zips.
func mkMirror(t *testing.T, dirs, zips []string) string {
	t.Helper()
	m := t.TempDir()
	for _, d := range dirs {
		if err := os.MkdirAll(filepath.Join(m, filepath.FromSlash(d)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, z := range zips {
		p := filepath.Join(m, filepath.FromSlash(z))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("PK"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func TestMirrorLookup(t *testing.T) {
	const reg = "registry.terraform.io/hashicorp/"
	m := mkMirror(t,
		[]string{
			reg + "aws/5.100.0/linux_amd64",
			reg + "helm/2.17.0/darwin_arm64", // another platform only
			reg + "kubernetes/not-a-version/linux_amd64",
		},
		[]string{
			reg + "kubernetes/terraform-provider-kubernetes_2.10.0_linux_amd64.zip",
			reg + "kubernetes/terraform-provider-kubernetes_2.40.0_darwin_arm64.zip",
			reg + "kubernetes/README.txt",
		})
	if got := MirrorVersions(m, reg+"aws", "linux_amd64"); !reflect.DeepEqual(got, []string{"5.100.0"}) {
		t.Errorf("aws versions = %v", got)
	}
	if got := MirrorVersions(m, reg+"kubernetes", "linux_amd64"); !reflect.DeepEqual(got, []string{"2.10.0"}) {
		t.Errorf("kubernetes versions (packed) = %v", got)
	}
	if got := MirrorVersions(m, reg+"helm", "linux_amd64"); len(got) != 0 {
		t.Errorf("helm versions for linux_amd64 = %v, the mirror has darwin_arm64 only", got)
	}
	if got := MirrorProviders(m, "linux_amd64"); !reflect.DeepEqual(got, []string{reg + "aws", reg + "kubernetes"}) {
		t.Errorf("MirrorProviders = %v", got)
	}

	req, err := ParseRequiredProviders([]byte(addonsConfig))
	if err != nil {
		t.Fatal(err)
	}
	missing := MissingFromMirror(req, m, "linux_amd64")
	var got []string
	for _, u := range missing {
		got = append(got, u.String())
	}
	want := []string{"hashicorp/helm ~> 2.17", "hashicorp/kubernetes ~> 2.37 (the mirror has only 2.10.0)"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("missing = %q, want %q", got, want)
	}

	// A satisfying version, unpacked or packed, makes a provider available.
	if err := os.MkdirAll(filepath.Join(m, reg+"kubernetes", "2.38.1", "linux_amd64"), 0o755); err != nil {
		t.Fatal(err)
	}
	m2 := mkMirror(t, nil, []string{reg + "helm/terraform-provider-helm_2.17.0_linux_amd64.zip"})
	if missing := MissingFromMirror(req, m, "linux_amd64"); len(missing) != 1 || missing[0].Short() != "hashicorp/helm" {
		t.Errorf("with kubernetes 2.38.1 unpacked: missing = %v, want helm only", missing)
	}
	if missing := MissingFromMirror(req[1:2], m2, "linux_amd64"); len(missing) != 0 {
		t.Errorf("with helm 2.17.0 packed: missing = %v", missing)
	}

	// hashicorp/aws is never a reason to skip (a missing one stays an init
	// failure), nor is Terraform's built-in provider.
	awsOnly := []RequiredProvider{{"aws", reg + "aws", "~> 6.0"}, {"terraform", "terraform.io/builtin/terraform", ""}}
	if missing := MissingFromMirror(awsOnly, t.TempDir(), "linux_amd64"); len(missing) != 0 {
		t.Errorf("aws only, empty mirror: missing = %v", missing)
	}
}

func TestStackMissingProviders(t *testing.T) {
	stack := t.TempDir()
	if err := os.WriteFile(filepath.Join(stack, "cdk.tf.json"), []byte(addonsConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	m := mkMirror(t, []string{"registry.terraform.io/hashicorp/aws/5.100.0/" + Platform}, nil)
	missing, err := StackMissingProviders(stack, m)
	if err != nil || len(missing) != 2 {
		t.Errorf("with the mirror: %v, %v; want helm and kubernetes", missing, err)
	}
	// Registry mode: behave as before, terraform init decides.
	if missing, err := StackMissingProviders(stack, ""); err != nil || len(missing) != 0 {
		t.Errorf("without a mirror: %v, %v", missing, err)
	}
	if _, err := StackMissingProviders(t.TempDir(), m); err == nil {
		t.Error("no cdk.tf.json: no error")
	}
}

func TestAnySatisfies(t *testing.T) {
	cases := []struct {
		versions   []string
		constraint string
		want       bool
	}{
		{[]string{"2.37.0"}, "~> 2.37", true},
		{[]string{"2.99.1"}, "~> 2.37", true},
		{[]string{"2.36.9"}, "~> 2.37", false},
		{[]string{"3.0.0"}, "~> 2.37", false},
		{[]string{"2.37.5"}, "~> 2.37.1", true},
		{[]string{"2.38.0"}, "~> 2.37.1", false},
		{[]string{"2.9.0", "2.40.0"}, "~> 2.37", true},
		{[]string{"5.100.0"}, ">= 5.84, < 6.0", true},
		{[]string{"5.100.0"}, ">= 5.84, != 5.100.0", false},
		{[]string{"2.17.0"}, "2.17.0", true},
		{[]string{"2.17.0"}, "= 2.17.1", false},
		{[]string{"3.0.0-beta1"}, "> 2.0", false}, // prereleases only when named
		{[]string{"3.0.0-beta1"}, "3.0.0-beta1", true},
		{[]string{"1.0.0"}, "", true},
		{[]string{"1.0.0"}, "not a constraint", true}, // terraform init reports it
		{nil, "", false},
	}
	for _, c := range cases {
		if got := anySatisfies(c.versions, c.constraint); got != c.want {
			t.Errorf("anySatisfies(%v, %q) = %v, want %v", c.versions, c.constraint, got, c.want)
		}
	}
}

func TestNotValidatedLines(t *testing.T) {
	missing := []Unavailable{
		{RequiredProvider: RequiredProvider{"kubernetes", "registry.terraform.io/hashicorp/kubernetes", ""}},
		{RequiredProvider: RequiredProvider{"helm", "registry.terraform.io/hashicorp/helm", ""}},
	}
	want := "NOT VALIDATED hybridmicroservices-addons: providers hashicorp/kubernetes, hashicorp/helm are not in the mirror /opt/tf-plugins " +
		"(no registry access assumed); their schemas are checked only through the generated bindings"
	if got := NotValidatedLine("hybridmicroservices-addons", "/opt/tf-plugins", missing); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := NotValidatedLine("s", "/m", missing[:1]); !strings.Contains(got, "provider hashicorp/kubernetes is not in the mirror /m") {
		t.Errorf("one provider: %s", got)
	}
	if got, want := SkippedReason("/m", missing), "needs providers hashicorp/kubernetes, hashicorp/helm, not installable here"; !strings.HasPrefix(got, want) {
		t.Errorf("SkippedReason = %s, want it to start with %s", got, want)
	}
}

func TestValidateSummaryNamesStacks(t *testing.T) {
	nv := []string{"hybridmicroservices-addons", "other-addons"}
	var b bytes.Buffer
	if code := printValidateSummary(&b, 5, 0, nv, "/opt/tf-plugins", false, time.Second); code != 0 {
		t.Errorf("not validated without -strict: exit %d, want 0", code)
	}
	out := b.String()
	for _, want := range []string{
		"validate: 3 of 5 stacks valid",
		"NOT VALIDATED (2): hybridmicroservices-addons, other-addons:",
		"not in the mirror /opt/tf-plugins",
		"-strict",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	b.Reset()
	if code := printValidateSummary(&b, 5, 0, nv, "/m", true, time.Second); code != 1 || !strings.Contains(b.String(), "FAILED") {
		t.Errorf("not validated with -strict: exit %d, want 1:\n%s", code, b.String())
	}
	b.Reset()
	if code := printValidateSummary(&b, 4, 1, nil, "/m", false, time.Second); code != 1 || strings.Contains(b.String(), "NOT VALIDATED") {
		t.Errorf("a failure: exit %d, want 1, and no NOT VALIDATED line:\n%s", code, b.String())
	}
	b.Reset()
	if code := printValidateSummary(&b, 4, 0, nil, "", true, time.Second); code != 0 {
		t.Errorf("all valid with -strict: exit %d:\n%s", code, b.String())
	}
}

func TestE2ESummaryNamesSkipped(t *testing.T) {
	ok := &stackResult{Name: "platform", Total: 10, Applied: 10, Destroyed: 10, Plan: "no changes"}
	skipped := &stackResult{Name: "hybridmicroservices-addons", Plan: "-",
		Skipped: "needs providers hashicorp/helm ~> 2.17, hashicorp/kubernetes ~> 2.37, not installable here (not in the mirror /m, no registry access assumed)"}
	if skipped.status() != "SKIPPED" || skipped.status() == "OK" {
		t.Errorf("skipped status = %s", skipped.status())
	}
	var b bytes.Buffer
	if code := printSummary(&b, []*stackResult{ok, skipped}, time.Minute, time.Second, "/m", false); code != 0 {
		t.Errorf("skipped without -strict: exit %d, want 0", code)
	}
	out := b.String()
	row := lineWithPrefix(out, "hybridmicroservices-addons ")
	if !strings.Contains(row, " SKIPPED ") || strings.Contains(row, " OK ") {
		t.Errorf("table row of the skipped stack: %q\n%s", row, out)
	}
	for _, want := range []string{
		"SKIPPED hybridmicroservices-addons: needs providers hashicorp/helm ~> 2.17, hashicorp/kubernetes ~> 2.37, not installable here",
		"e2e: 1 of 2 stacks passed, 1 SKIPPED (hybridmicroservices-addons)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	b.Reset()
	if code := printSummary(&b, []*stackResult{ok, skipped}, time.Minute, time.Second, "/m", true); code != 1 {
		t.Errorf("skipped with -strict: exit %d, want 1:\n%s", code, b.String())
	}
	failed := &stackResult{Name: "imagepipeline", Failures: []string{"apply failed"}}
	b.Reset()
	if code := printSummary(&b, []*stackResult{ok, failed}, time.Minute, time.Second, "/m", false); code != 1 {
		t.Errorf("a failed stack: exit %d, want 1:\n%s", code, b.String())
	}
}

// lineWithPrefix returns the first line of s that starts with prefix.
func lineWithPrefix(s, prefix string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

// TestRunnerSkipsStack: make e2e does not run terraform (the runner has
// none) for a stack whose providers the mirror lacks, and marks it
// skipped so that its gaps are not called stale.
func TestRunnerSkipsStack(t *testing.T) {
	stack := t.TempDir()
	if err := os.WriteFile(filepath.Join(stack, "cdk.tf.json"), []byte(addonsConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	m := mkMirror(t, []string{"registry.terraform.io/hashicorp/aws/5.100.0/" + Platform}, nil)
	r := &runner{gaps: &GapsFile{}, mirror: m, skipped: map[string]bool{}, matched: map[int]bool{}, observed: map[int]bool{}}
	st, res := r.up(context.Background(), "hybridmicroservices-addons", stack, nil)
	if st != nil {
		t.Fatal("a skipped stack has nothing to destroy")
	}
	if res.status() != "SKIPPED" || !r.skipped["hybridmicroservices-addons"] {
		t.Fatalf("status %s, failures %v, skipped %v", res.status(), res.Failures, r.skipped)
	}
	if !strings.Contains(res.Skipped, "hashicorp/helm ~> 2.17, hashicorp/kubernetes ~> 2.37, not installable here") || !strings.Contains(res.Skipped, m) {
		t.Errorf("reason: %s", res.Skipped)
	}
}
