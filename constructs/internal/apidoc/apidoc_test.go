package apidoc

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// root is the constructs/ directory, seen from this package.
var root = filepath.Join("..", "..")

// publicPackages returns every package under constructs/ that users can
// import, as slash-separated paths relative to constructs/ ("network",
// "nag/meta"): each directory holding a non-test Go file, except those
// under internal/ (not importable), testdata/ and synth output, commands
// (package main) and test helpers (a package named ...test).
func publicPackages(t *testing.T) []string {
	t.Helper()
	var pkgs []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != root && (name == "internal" || name == "testdata" || name == "cdktf.out" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			return filepath.SkipDir
		}
		pkg, err := packageName(path)
		if err != nil {
			return err
		}
		if pkg == "" || pkg == "main" || strings.HasSuffix(pkg, "test") {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		pkgs = append(pkgs, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// A walk that finds too little is a broken walk, not a clean tree.
	if len(pkgs) < 10 {
		t.Fatalf("found %d public packages under %s (%v); want the library's packages", len(pkgs), root, pkgs)
	}
	return pkgs
}

// packageName is the package clause of dir's first non-test Go file, or ""
// when it has none.
func packageName(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, e.Name()), nil, parser.PackageClauseOnly)
		if err != nil {
			return "", err
		}
		return f.Name.Name, nil
	}
	return "", nil
}

// TestPublicPackagesFound pins a few packages the walk must see, so a
// change to its filters cannot quietly drop the rules for most of the
// library.
func TestPublicPackagesFound(t *testing.T) {
	pkgs := publicPackages(t)
	for _, want := range []string{"network", "eks", "frontdoor", "grant", "ecs", "validate"} {
		if !slices.Contains(pkgs, want) {
			t.Errorf("public packages %v lack %s", pkgs, want)
		}
	}
	for _, p := range pkgs {
		if strings.HasPrefix(p, "internal") {
			t.Errorf("public packages include %s", p)
		}
	}
}

// parse returns the files of package pkg (relative to constructs/):
// tests false for its non-test files, true for its _test.go files.
func parse(t *testing.T, pkg string, tests bool) []*ast.File {
	t.Helper()
	dir := filepath.Join(root, filepath.FromSlash(pkg))
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") != tests {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}

// noExamplesYet are public packages allowed to lack a runnable example for
// now, each with the reason. Remove an entry when its package gets one.
var noExamplesYet = map[string]string{
	"moves": "new package, being written in a concurrent change",
}

// TestPublicPackagesHaveRunnableExamples: every public package has at least
// one Example function with an "// Output:" comment, so `go test` runs it
// and checks what it prints.
func TestPublicPackagesHaveRunnableExamples(t *testing.T) {
	pkgs := publicPackages(t)
	for _, pkg := range pkgs {
		runnable := 0
		for _, ex := range doc.Examples(parse(t, pkg, true)...) {
			if ex.Output != "" || ex.EmptyOutput {
				runnable++
			}
		}
		reason, exempt := noExamplesYet[pkg]
		switch {
		case runnable == 0 && !exempt:
			t.Errorf("constructs/%s has no runnable example: add an example_test.go with func Example...() ending in an // Output: comment", pkg)
		case runnable > 0 && exempt:
			// A log, not a failure, so the owner's change lands alone.
			t.Logf("constructs/%s now has %d runnable example(s): remove it from noExamplesYet (%s)", pkg, runnable, reason)
		}
	}
	for pkg := range noExamplesYet {
		if !slices.Contains(pkgs, pkg) {
			t.Logf("noExamplesYet lists %s, which is not a public package (moved or removed?)", pkg)
		}
	}
}

// undocumentedYet are Props fields allowed to lack "Default:" or
// "required" for now, each with the reason. Remove an entry when the field
// is documented.
var undocumentedYet = map[string]string{
	"telemetry.GrafanaProps.Metrics": `says "At least one."; the telemetry package's owner adds "Required."`,
}

// TestPropsFieldsDocumentDefaults: every exported field of an exported
// *Props struct has a doc comment that says "Default:" or that it is
// required.
func TestPropsFieldsDocumentDefaults(t *testing.T) {
	var missing []string
	for _, pkg := range publicPackages(t) {
		for _, f := range parse(t, pkg, false) {
			ast.Inspect(f, func(n ast.Node) bool {
				ts, ok := n.(*ast.TypeSpec)
				if !ok || !ts.Name.IsExported() || !strings.HasSuffix(ts.Name.Name, "Props") {
					return true
				}
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					return true
				}
				for _, field := range st.Fields.List {
					for _, name := range field.Names {
						if !name.IsExported() {
							continue
						}
						doc := field.Doc.Text()
						if doc == "" || (!strings.Contains(doc, "Default:") && !strings.Contains(strings.ToLower(doc), "required")) {
							missing = append(missing, pkg+"."+ts.Name.Name+"."+name.Name)
						}
					}
				}
				return true
			})
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		if reason, ok := undocumentedYet[m]; ok {
			t.Logf("%s: not yet documented (%s)", m, reason)
			continue
		}
		t.Errorf("%s: document its default (\"Default: ...\") or say it is required", m)
	}
	for m := range undocumentedYet {
		if !slices.Contains(missing, m) {
			t.Logf("undocumentedYet lists %s, which is now documented or gone: remove it", m)
		}
	}
}

// TestConstructorsDocumentErrors: every exported New* and Import* function
// has a doc comment that says what errors it returns.
func TestConstructorsDocumentErrors(t *testing.T) {
	var missing []string
	for _, pkg := range publicPackages(t) {
		for _, f := range parse(t, pkg, false) {
			for _, d := range f.Decls {
				fn, ok := d.(*ast.FuncDecl)
				if !ok || fn.Recv != nil || !fn.Name.IsExported() {
					continue
				}
				if !strings.HasPrefix(fn.Name.Name, "New") && !strings.HasPrefix(fn.Name.Name, "Import") {
					continue
				}
				returnsError := false
				if fn.Type.Results != nil {
					for _, r := range fn.Type.Results.List {
						if id, ok := r.Type.(*ast.Ident); ok && id.Name == "error" {
							returnsError = true
						}
					}
				}
				if returnsError && !strings.Contains(fn.Doc.Text(), "ErrInvalid") {
					missing = append(missing, pkg+"."+fn.Name.Name)
				}
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("%s: its doc comment must say which errors it returns (naming validate.ErrInvalid)", m)
	}
}
