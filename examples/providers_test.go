// Package examples holds a test over every example program: each requires
// the AWS provider with the same version constraint as the reference
// stacks, never an exact version.
package examples

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// awsVersionPath is the override that sets the AWS provider's version.
const awsVersionPath = "terraform.required_providers.aws.version"

// exactVersion matches a Terraform version constraint that allows one
// version only ("5.84.0", "= 5.84.0", "v5.84.0"), which a mirror holding
// another version (5.100.0 here) cannot satisfy.
var exactVersion = regexp.MustCompile(`^\s*=?\s*v?\d+(\.\d+)*\s*$`)

// stacksConstraint reads the constraint the reference stacks require,
// base.ProviderConstraint, from their source: stacks/ is a module of its
// own, which examples (what users copy) must not depend on.
func stacksConstraint(t *testing.T) string {
	t.Helper()
	file := filepath.Join("..", "stacks", "base", "base.go")
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatalf("reading the stacks' provider constraint: %v", err)
	}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if n.Name == "ProviderConstraint" && i < len(vs.Values) {
					if v, ok := stringValue(vs.Values[i], nil); ok {
						return v
					}
				}
			}
		}
	}
	t.Fatalf("%s declares no string constant ProviderConstraint", file)
	return ""
}

func TestExactVersionPattern(t *testing.T) {
	for c, exact := range map[string]bool{"5.84.0": true, "= 5.84.0": true, "v5.100.0": true, "5": true,
		"~> 5.100": false, ">= 5.100, < 6.0": false, "~> 5.84": false} {
		if got := exactVersion.MatchString(c); got != exact {
			t.Errorf("exactVersion.MatchString(%q) = %v, want %v", c, got, exact)
		}
	}
}

// TestExamplesRequireAWSProviderRange parses every example program and
// checks that each one creating an AWS provider overrides the version the
// aws/v19 binding pins (exactly 5.84.0) with a range equal to the stacks'
// base.ProviderConstraint. Each example's own test checks the synthesized
// JSON carries it.
func TestExamplesRequireAWSProviderRange(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("*", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	want := stacksConstraint(t)
	if exactVersion.MatchString(want) {
		t.Fatalf("the stacks' ProviderConstraint %q is an exact version", want)
	}
	if len(dirs) < 5 {
		t.Fatalf("found %d example programs (%v); want every examples/*/main.go", len(dirs), dirs)
	}
	for _, mainGo := range dirs {
		dir := filepath.Dir(mainGo)
		t.Run(dir, func(t *testing.T) {
			providers, constraints := scan(t, dir)
			if providers == 0 {
				t.Skipf("%s creates no AWS provider", dir)
			}
			if len(constraints) == 0 {
				t.Fatalf("%s creates %d AWS provider(s) but never overrides %s: it would require exactly the binding's 5.84.0; add stack.AddOverride(jsii.String(%q), %q)",
					dir, providers, awsVersionPath, awsVersionPath, want)
			}
			for _, c := range constraints {
				if exactVersion.MatchString(c) {
					t.Errorf("%s pins the AWS provider to exactly %q; require the range %q", dir, c, want)
				} else if c != want {
					t.Errorf("%s requires the AWS provider %q; the reference stacks require %q", dir, c, want)
				}
			}
		})
	}
}

// scan counts the NewAwsProvider calls of the example in dir and returns
// the values its AddOverride calls give awsVersionPath: string literals or
// the package's string constants.
func scan(t *testing.T, dir string) (providers int, constraints []string) {
	t.Helper()
	fset := token.NewFileSet()
	var files []*ast.File
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	consts := map[string]string{}
	for _, f := range files {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i < len(vs.Values) {
						if v, ok := stringValue(vs.Values[i], nil); ok {
							consts[n.Name] = v
						}
					}
				}
			}
		}
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			switch sel.Sel.Name {
			case "NewAwsProvider":
				providers++
			case "AddOverride":
				if len(call.Args) != 2 {
					return true
				}
				if path, ok := stringValue(call.Args[0], consts); !ok || path != awsVersionPath {
					return true
				}
				v, ok := stringValue(call.Args[1], consts)
				if !ok {
					t.Errorf("%s: the value of %s is not a string literal or constant; the test cannot check it", fset.Position(call.Pos()), awsVersionPath)
					return true
				}
				constraints = append(constraints, v)
			}
			return true
		})
	}
	return providers, constraints
}

// stringValue resolves a string literal, a constant named in consts, or
// either wrapped in jsii.String(...).
func stringValue(e ast.Expr, consts map[string]string) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.Ident:
		v, ok := consts[e.Name]
		return v, ok
	case *ast.CallExpr:
		if sel, ok := e.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "String" && len(e.Args) == 1 {
			return stringValue(e.Args[0], consts)
		}
	}
	return "", false
}
