// Package ci_test checks the CI examples users copy: the GitHub Actions
// workflows pass actionlint, and both the workflow and the GitLab job hold
// what examples/ci/README.md promises (one sticky comment found and written
// by the same marker, least-privilege permissions, actions pinned by commit,
// the review's artifacts and its failing exit status).
package ci_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// actionlintModule is the linter the test builds from the Go module proxy;
// `go install pkg@version` leaves go.mod alone.
const actionlintModule = "github.com/rhysd/actionlint/cmd/actionlint@v1.7.12"

// marker is the hidden first line of the sticky comment (note).
const marker = "<!-- hybridcheck-review -->"

// workflows lists the GitHub Actions workflows to lint: the examples and
// the repository's own, if any.
func workflows(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{"github/*.yml", "github/*.yaml", "../../.github/workflows/*.yml", "../../.github/workflows/*.yaml"} {
		found, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, found...)
	}
	sort.Strings(files)
	return files
}

// TestActionlint runs actionlint on every workflow. Outside CI (CI is not
// "true") it skips when the go command cannot build actionlint (no module
// proxy); in CI that fails.
func TestActionlint(t *testing.T) {
	files := workflows(t)
	if len(files) == 0 {
		t.Fatal("no workflow under examples/ci/github/ or .github/workflows/")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command on PATH: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	bin := t.TempDir()
	install := exec.CommandContext(ctx, goCmd, "install", actionlintModule)
	// Outside any module or workspace, whatever GOFLAGS the caller has.
	install.Dir = bin
	install.Env = append(os.Environ(), "GOBIN="+bin, "GOWORK=off", "GOFLAGS=")
	if out, err := install.CombinedOutput(); err != nil {
		msg := "go install " + actionlintModule + ": " + err.Error() + "\n" + string(out)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip("cannot build actionlint (CI is not true, so skipping): " + msg)
	}
	args := append([]string{"-no-color"}, files...)
	lint := exec.CommandContext(ctx, filepath.Join(bin, "actionlint"), args...)
	var out bytes.Buffer
	lint.Stdout, lint.Stderr = &out, &out
	if err := lint.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == 1 {
			t.Fatalf("actionlint found problems in %v:\n%s", files, out.String())
		}
		t.Fatalf("actionlint %v: %v\n%s", files, err, out.String())
	}
}

// step is the part of a GitHub Actions step the test reads.
type step struct {
	ID   string            `yaml:"id"`
	Name string            `yaml:"name"`
	If   string            `yaml:"if"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	With map[string]string `yaml:"with"`
	Env  map[string]string `yaml:"env"`
}

type workflow struct {
	On          map[string]any    `yaml:"on"`
	Permissions map[string]string `yaml:"permissions"`
	Env         map[string]string `yaml:"env"`
	Jobs        map[string]struct {
		Steps []step `yaml:"steps"`
	} `yaml:"jobs"`
}

func readYAML(t *testing.T, path string, v any) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return string(data)
}

// usesLine is a step's uses with the version comment after it.
var usesLine = regexp.MustCompile(`(?m)^\s*(?:-\s+)?uses:\s*(\S+)(.*)$`)

var pinned = regexp.MustCompile(`^actions/(checkout|setup-go|setup-node|upload-artifact)@[0-9a-f]{40}$`)

// TestGitHubWorkflowContent asserts what examples/ci/README.md says the
// workflow does.
func TestGitHubWorkflowContent(t *testing.T) {
	var wf workflow
	text := readYAML(t, "github/review.yml", &wf)

	if _, ok := wf.On["pull_request"]; !ok || len(wf.On) != 1 {
		t.Errorf("on: %v, want pull_request only (never pull_request_target: it runs the pull request's code with a write token)", wf.On)
	}
	if len(wf.Permissions) != 2 || wf.Permissions["contents"] != "read" || wf.Permissions["pull-requests"] != "write" {
		t.Errorf("permissions: %v, want exactly contents: read, pull-requests: write", wf.Permissions)
	}
	if wf.Env["MARKER"] != marker {
		t.Errorf("env.MARKER = %q, want %q", wf.Env["MARKER"], marker)
	}
	if wf.Env["ACK_FILE"] != "review-ack.json" {
		t.Errorf("env.ACK_FILE = %q", wf.Env["ACK_FILE"])
	}
	if len(wf.Jobs) != 1 {
		t.Fatalf("%d jobs, want 1", len(wf.Jobs))
	}
	steps := wf.Jobs["review"].Steps
	if len(steps) != 12 {
		t.Fatalf("job review has %d steps, want 12", len(steps))
	}

	// Every action is one of the four, pinned by commit with its version.
	uses := usesLine.FindAllStringSubmatch(text, -1)
	if len(uses) != 4 {
		t.Fatalf("%d uses: lines, want 4 (checkout, setup-go, setup-node, upload-artifact)", len(uses))
	}
	for _, u := range uses {
		if !pinned.MatchString(u[1]) || !regexp.MustCompile(`^\s+# v\d+\.\d+\.\d+$`).MatchString(u[2]) {
			t.Errorf("uses: %s%s is not one of the four actions pinned by full commit SHA with a # vX.Y.Z comment", u[1], u[2])
		}
	}

	byUses := func(prefix string) step {
		t.Helper()
		for _, s := range steps {
			if strings.HasPrefix(s.Uses, prefix) {
				return s
			}
		}
		t.Fatalf("no step uses %s", prefix)
		return step{}
	}
	byID := func(id string) step {
		t.Helper()
		for _, s := range steps {
			if s.ID == id {
				return s
			}
		}
		t.Fatalf("no step with id %s", id)
		return step{}
	}
	byName := func(name string) step {
		t.Helper()
		for _, s := range steps {
			if s.Name == name {
				return s
			}
		}
		t.Fatalf("no step named %q", name)
		return step{}
	}
	if s := byUses("actions/checkout@"); s.With["fetch-depth"] != "0" {
		t.Errorf("checkout with %v, want fetch-depth: 0", s.With)
	}
	if s := byUses("actions/setup-go@"); s.With["go-version-file"] != "go.mod" {
		t.Errorf("setup-go with %v, want go-version-file: go.mod", s.With)
	}
	if s := byUses("actions/setup-node@"); s.With["node-version"] != "22" {
		t.Errorf("setup-node with %v, want node-version: 22", s.With)
	}
	if s := byName("Point jsii at Node 22"); !strings.Contains(s.Run, "JSII_NODE=") {
		t.Errorf("no JSII_NODE: %s", s.Run)
	}
	if s := byName("Install hybridcheck"); !strings.Contains(s.Run, "github.com/hybridstack/hybridstack/tools/cmd/hybridcheck") || !strings.Contains(s.Run, "$HYBRIDCHECK_VERSION") {
		t.Errorf("install step does not build hybridcheck at HYBRIDCHECK_VERSION:\n%s", s.Run)
	}
	if s := byID("base"); !strings.Contains(s.Run, "git worktree add") || !strings.Contains(s.Run, `eval "$SYNTH_COMMAND"`) {
		t.Errorf("base step does not synthesize a worktree:\n%s", s.Run)
	}
	review := byID("review")
	for _, want := range []string{"hybridcheck diff -json-out", `-ack "$ACK_FILE"`, "-ack-base", "status=$status", `"$GITHUB_OUTPUT"`} {
		if !strings.Contains(review.Run, want) {
			t.Errorf("review step lacks %q:\n%s", want, review.Run)
		}
	}
	if s := byID("rules"); !strings.Contains(s.Run, `hybridcheck -fail-on "$RULES_FAIL_ON"`) {
		t.Errorf("rules step:\n%s", s.Run)
	}

	// The sticky comment: looked up and written with the same marker.
	comment := byName("Post or update the review comment")
	for _, want := range []string{
		`startswith(env.MARKER)`,                   // the lookup
		`printf '%s\n' "$MARKER"`,                  // the body's first line
		"--method PATCH",                           // update the one found
		"--method POST",                            // or post the first
		"issues/$PR/comments",                      // of this pull request
		"head.repo.full_name == github.repository", // not on forks (read-only token)
	} {
		if !strings.Contains(comment.Run+comment.If, want) {
			t.Errorf("comment step lacks %q", want)
		}
	}
	if comment.Env["GH_TOKEN"] != "${{ github.token }}" {
		t.Errorf("comment step posts with %q, want the job token", comment.Env["GH_TOKEN"])
	}

	upload := byUses("actions/upload-artifact@")
	for _, f := range []string{"review.md", "review.json"} {
		if !strings.Contains(upload.With["path"], "/review/"+f) {
			t.Errorf("artifact paths lack %s: %s", f, upload.With["path"])
		}
	}
	if !strings.Contains(upload.If, "!cancelled()") {
		t.Errorf("upload runs only on success (if: %q): a failing review needs its report most", upload.If)
	}
	fail := steps[len(steps)-1]
	if !strings.Contains(fail.If, "steps.review.outputs.status == '1'") || !strings.HasSuffix(strings.TrimSpace(fail.Run), "exit 1") {
		t.Errorf("the last step does not fail on the high-finding status: if %q\n%s", fail.If, fail.Run)
	}
}

// gitlabJob is the part of the GitLab job the test reads.
type gitlabJob struct {
	Stage string `yaml:"stage"`
	Image string `yaml:"image"`
	Rules []struct {
		If string `yaml:"if"`
	} `yaml:"rules"`
	Variables    map[string]string `yaml:"variables"`
	BeforeScript []string          `yaml:"before_script"`
	Script       []string          `yaml:"script"`
	Artifacts    struct {
		When  string   `yaml:"when"`
		Paths []string `yaml:"paths"`
	} `yaml:"artifacts"`
}

// TestGitLabJob parses the GitLab example and asserts the stage, the merge
// request rule, the note's marker, the artifacts and the failing status.
func TestGitLabJob(t *testing.T) {
	var doc struct {
		Stages []string             `yaml:"stages"`
		Job    gitlabJob            `yaml:"hybridcheck-review"`
		Rest   map[string]yaml.Node `yaml:",inline"`
	}
	readYAML(t, "gitlab/.gitlab-ci.yml", &doc)
	if len(doc.Stages) != 1 || doc.Stages[0] != "review" {
		t.Errorf("stages: %v, want [review]", doc.Stages)
	}
	if len(doc.Rest) != 0 {
		t.Errorf("unexpected top-level keys besides stages and hybridcheck-review: %v", doc.Rest)
	}
	job := doc.Job
	if job.Stage != "review" || job.Image == "" {
		t.Errorf("job stage %q image %q", job.Stage, job.Image)
	}
	if len(job.Rules) != 1 || job.Rules[0].If != `$CI_PIPELINE_SOURCE == "merge_request_event"` {
		t.Errorf("rules: %+v, want one: merge request pipelines", job.Rules)
	}
	if job.Variables["MARKER"] != marker || job.Variables["GIT_DEPTH"] != "0" || job.Variables["ACK_FILE"] != "review-ack.json" {
		t.Errorf("variables: %v", job.Variables)
	}
	script := strings.Join(append(append([]string(nil), job.BeforeScript...), job.Script...), "\n")
	for _, want := range []string{
		"JSII_NODE=",
		"$CI_MERGE_REQUEST_DIFF_BASE_SHA",
		"git worktree add",
		"hybridcheck diff -json-out",
		`-ack "$ACK_FILE"`,
		`hybridcheck -fail-on "$RULES_FAIL_ON"`,
		"/merge_requests/$CI_MERGE_REQUEST_IID/notes",
		"PRIVATE-TOKEN: $HYBRIDCHECK_GITLAB_TOKEN",
		`startswith($m)`,                   // the lookup ...
		`--arg m "$MARKER" '{body: ($m + `, // ... and the body use the marker
		"-X PUT",
		"-X POST",
	} {
		if !strings.Contains(script, want) {
			t.Errorf("GitLab script lacks %q", want)
		}
	}
	last := job.Script[len(job.Script)-1]
	if !strings.HasSuffix(strings.TrimSpace(last), `[ "$status" = 0 ] && [ "$rules_status" = 0 ]`) {
		t.Errorf("the last script entry does not fail on the review's status:\n%s", last)
	}
	if job.Artifacts.When != "always" {
		t.Errorf("artifacts when %q, want always", job.Artifacts.When)
	}
	if len(job.Artifacts.Paths) != 4 || !strings.HasSuffix(job.Artifacts.Paths[0], "review.md") || !strings.HasSuffix(job.Artifacts.Paths[2], "review.json") {
		t.Errorf("artifact paths: %v", job.Artifacts.Paths)
	}
}
