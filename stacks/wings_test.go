package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/hybridstack/hybridstack"

// pkg is the part of `go list -json` the layout rules read.
type pkg struct {
	ImportPath   string
	Dir          string
	Imports      []string
	TestImports  []string
	XTestImports []string
	Deps         []string
	Module       *struct{ Path string }
}

// wing names the wing of one of our packages, or "" for anything else.
func wing(path string) string {
	rel, ok := strings.CutPrefix(path, module+"/")
	if !ok {
		return ""
	}
	switch first, _, _ := strings.Cut(rel, "/"); first {
	case "constructs":
		return "library"
	case "tools":
		return "toolchain"
	case "stacks", "examples":
		return "apps"
	}
	return ""
}

// app names the reference app a stacks/ or examples/ package belongs to
// ("stacks/etljob" for stacks/etljob/..., "stacks/base", "examples/x").
func app(path string) string {
	rel := strings.TrimPrefix(path, module+"/")
	parts := strings.Split(rel, "/")
	if len(parts) < 2 {
		return rel // the cdktf app itself: package stacks
	}
	return parts[0] + "/" + parts[1]
}

// repoRoot is the repository's top directory (this package is stacks/).
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// goList runs the go command at the top of the repository in the
// workspace of its three modules (go.work), whatever GOWORK says.
func goList(t *testing.T, args ...string) []byte {
	t.Helper()
	root := repoRoot(t)
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOWORK="+filepath.Join(root, "go.work"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v\n%s", args, err, stderr.String())
	}
	return out
}

func list(t *testing.T) []pkg {
	t.Helper()
	out := goList(t, "-e", "-json", "./...", "./stacks/...", "./tools/...")
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// TestThreeWings enforces the layout of ARCHITECTURE.md and the README:
// the library at the bottom, the toolchain on it, the apps on top.
func TestThreeWings(t *testing.T) {
	pkgs := list(t)
	count := map[string]int{}
	for _, p := range pkgs {
		count[wing(p.ImportPath)]++
	}
	// A pattern that silently matched nothing would pass every rule.
	if count["library"] < 20 || count["toolchain"] < 5 || count["apps"] < 15 {
		t.Fatalf("go list found %v packages per wing; the patterns or module paths are wrong", count)
	}
	for _, p := range pkgs {
		from := wing(p.ImportPath)
		check := func(imports []string, test bool) {
			for _, imp := range imports {
				to := wing(imp)
				switch {
				case from == "library" && to == "apps":
					t.Errorf("%s imports the app %s: the library never imports the apps", p.ImportPath, imp)
				case from == "library" && to == "toolchain":
					// Tests included: the library module does not require the
					// toolchain's. A construct's test runs the rule pack as a
					// command (tftest.Check), as a user would.
					t.Errorf("%s imports the toolchain's %s (test: %v): the library never does (a construct marks resources with package nag)", p.ImportPath, imp, test)
				case from == "toolchain" && to == "apps":
					t.Errorf("%s imports the app %s: the toolchain reads JSON, never the apps", p.ImportPath, imp)
				case from == "apps" && to == "apps" && !appMayImport(p.ImportPath, imp):
					t.Errorf("%s imports %s: reference apps do not import each other (shared patterns go to stacks/base or the library)", p.ImportPath, imp)
				case strings.HasPrefix(p.ImportPath, module+"/examples/") && to != "library" && to != "":
					t.Errorf("%s imports %s: an example uses the library only, as a user's program would", p.ImportPath, imp)
				}
			}
		}
		check(p.Imports, false)
		check(p.TestImports, true)
		check(p.XTestImports, true)
	}
}

// appMayImport reports whether the apps package from may import to: its own
// app's packages, stacks/base (shared patterns), and, for the cdktf app and
// the catalog that lists the stacks, every stack.
func appMayImport(from, to string) bool {
	if app(from) == app(to) || app(to) == "stacks/base" {
		return true
	}
	return from == module+"/stacks" || app(from) == "stacks/catalog"
}

// TestToolchainAlone: the toolchain is a module of its own with no
// requirement, so `go install .../tools/cmd/hybridcheck@version` fetches
// nothing else, and it compiles without jsii, cdktf, the provider bindings
// or any package of the library or the apps.
func TestToolchainAlone(t *testing.T) {
	gomod, err := os.ReadFile(filepath.Join(repoRoot(t), "tools", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(gomod), "module "+module+"/tools\n") {
		t.Errorf("tools/go.mod does not declare module %s/tools:\n%s", module, gomod)
	}
	for _, directive := range []string{"require", "replace"} {
		if strings.Contains(string(gomod), "\n"+directive) {
			t.Errorf("tools/go.mod has a %s directive; go install ...@version refuses replace, and the toolchain needs no other module:\n%s", directive, gomod)
		}
	}
	deps := strings.Fields(string(goList(t, "-deps", "./tools/...")))
	if !slices.Contains(deps, module+"/tools/cmd/hybridcheck") {
		t.Fatalf("go list -deps did not list tools/cmd/hybridcheck: %v", deps)
	}
	for _, d := range deps {
		for _, heavy := range []string{"github.com/aws/jsii-runtime-go", "github.com/hashicorp/terraform-cdk-go", "github.com/aws/constructs-go", "github.com/cdktf/"} {
			if strings.HasPrefix(d, heavy) {
				t.Errorf("the toolchain depends on %s", d)
			}
		}
		if w := wing(d); w == "library" || w == "apps" {
			t.Errorf("the toolchain depends on the %s package %s", w, d)
		}
	}
}

// TestLibraryModuleRequiresWhatItImports: every direct requirement of the
// library's go.mod is imported by a package of that module (library or
// example, tests included); the apps' dependencies (Lambda runtime, AWS
// SDK, database driver, image codecs) live in stacks/go.mod, and the
// library module requires neither the toolchain nor the apps.
func TestLibraryModuleRequiresWhatItImports(t *testing.T) {
	root := repoRoot(t)
	f, err := os.Open(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var direct []string
	inRequire := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "require (":
			inRequire = true
		case inRequire && line == ")":
			inRequire = false
		case inRequire && line != "" && !strings.HasPrefix(line, "//") && !strings.Contains(line, "// indirect"):
			direct = append(direct, strings.Fields(line)[0])
		case strings.HasPrefix(line, "require ") && !strings.Contains(line, "// indirect"):
			direct = append(direct, strings.Fields(line)[1])
		}
	}
	if len(direct) < 5 {
		t.Fatalf("read %d direct requirements from go.mod: %v", len(direct), direct)
	}
	cmd := exec.Command("go", "list", "-e", "-deps", "-test", "-f", "{{with .Module}}{{.Path}}{{end}}", "./...")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOWORK=off")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	used := map[string]bool{}
	for _, m := range strings.Fields(string(out)) {
		used[m] = true
	}
	for _, m := range direct {
		if !used[m] {
			t.Errorf("go.mod requires %s directly, but no package of the library module imports it", m)
		}
	}
	for _, app := range []string{"github.com/jackc/pgx/v5", "github.com/aws/aws-sdk-go-v2", "golang.org/x/image", "github.com/johannesboyne/gofakes3", module + "/tools", module + "/stacks"} {
		if slices.Contains(direct, app) {
			t.Errorf("go.mod requires the apps' dependency %s; it belongs in stacks/go.mod", app)
		}
	}
}
