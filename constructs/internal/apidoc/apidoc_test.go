package apidoc

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// publicPackages are the construct packages other teams import.
var publicPackages = []string{"network", "storage", "serverless", "eks", "frontdoor", "mesh", "grant", "awsenv", "iamdoc", "validate", "kube", "kafka", "tenancy"}

func parse(t *testing.T, pkg string) []*ast.File {
	t.Helper()
	dir := filepath.Join("..", "..", pkg)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
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

// TestPropsFieldsDocumentDefaults: every exported field of an exported
// *Props struct has a doc comment that says "Default:" or that it is
// required.
func TestPropsFieldsDocumentDefaults(t *testing.T) {
	var missing []string
	for _, pkg := range publicPackages {
		for _, f := range parse(t, pkg) {
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
		t.Errorf("%s: document its default (\"Default: ...\") or say it is required", m)
	}
}

// TestConstructorsDocumentErrors: every exported New* and Import* function
// has a doc comment that says what errors it returns.
func TestConstructorsDocumentErrors(t *testing.T) {
	var missing []string
	for _, pkg := range publicPackages {
		for _, f := range parse(t, pkg) {
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
