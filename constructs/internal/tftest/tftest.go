// Package tftest helps construct tests synthesize a stack and look at the
// resulting Terraform JSON.
package tftest

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
)

// NewStack returns an empty stack with an AWS provider in eu-west-1.
func NewStack(t testing.TB) cdktf.TerraformStack {
	t.Helper()
	app := cdktf.Testing_App(nil)
	stack := cdktf.NewTerraformStack(app, ptr.String("test"))
	provider.NewAwsProvider(stack, ptr.String("aws"), &provider.AwsProviderConfig{Region: ptr.String("eu-west-1")})
	return stack
}

// Doc is a synthesized stack document.
type Doc map[string]any

// Synth synthesizes stack and parses the JSON.
func Synth(t testing.TB, stack cdktf.TerraformStack) Doc {
	t.Helper()
	out := cdktf.Testing_Synth(stack, ptr.Bool(true))
	var d Doc
	if err := json.Unmarshal([]byte(*out), &d); err != nil {
		t.Fatalf("synthesized JSON does not parse: %v", err)
	}
	return d
}

// Collect synthesizes stack and returns f of every resource of type typ,
// sorted. It is for Example functions, which have no testing.T: it panics
// when the JSON does not parse.
func Collect(stack cdktf.TerraformStack, typ string, f func(attrs map[string]any) string) []string {
	var d Doc
	if err := json.Unmarshal([]byte(*cdktf.Testing_Synth(stack, ptr.Bool(false))), &d); err != nil {
		panic(fmt.Sprintf("synthesized JSON does not parse: %v", err))
	}
	var out []string
	for _, attrs := range d.Resources(typ) {
		out = append(out, f(attrs))
	}
	sort.Strings(out)
	return out
}

// Resources returns the resources of one type, by Terraform name.
func (d Doc) Resources(typ string) map[string]map[string]any {
	return d.section("resource", typ)
}

// Data returns the data sources of one type, by Terraform name.
func (d Doc) Data(typ string) map[string]map[string]any {
	return d.section("data", typ)
}

func (d Doc) section(kind, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	sec, _ := d[kind].(map[string]any)
	byName, _ := sec[typ].(map[string]any)
	for name, v := range byName {
		out[name], _ = v.(map[string]any)
	}
	return out
}

// One returns the single resource of typ whose name contains part, failing
// the test when there is not exactly one.
func (d Doc) One(t testing.TB, typ, part string) map[string]any {
	t.Helper()
	var found []string
	all := d.Resources(typ)
	for name := range all {
		if strings.Contains(name, part) {
			found = append(found, name)
		}
	}
	if len(found) != 1 {
		sort.Strings(found)
		t.Fatalf("want one %s named like %q, found %v (all: %v)", typ, part, found, ptr.SortedKeys(all))
	}
	return all[found[0]]
}

// Address returns the Terraform address prefix "type.name" of the single
// resource of typ whose name contains part.
func (d Doc) Address(t testing.TB, typ, part string) string {
	t.Helper()
	for name := range d.Resources(typ) {
		if strings.Contains(name, part) {
			return typ + "." + name
		}
	}
	t.Fatalf("no %s named like %q", typ, part)
	return ""
}

// Block returns a nested single block, accepting both the object and the
// one-element-list forms.
func Block(r map[string]any, key string) map[string]any {
	switch v := r[key].(type) {
	case map[string]any:
		return v
	case []any:
		if len(v) > 0 {
			m, _ := v[0].(map[string]any)
			return m
		}
	}
	return nil
}

// Strings returns a list attribute as strings.
func Strings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, _ := e.(string)
		out = append(out, s)
	}
	return out
}

// Policy parses a JSON policy document attribute.
func Policy(t testing.TB, v any) map[string]any {
	t.Helper()
	s, _ := v.(string)
	var p map[string]any
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		t.Fatalf("policy is not JSON: %v\n%s", err, s)
	}
	return p
}

// Warnings returns the warning annotations of every construct in stack.
func Warnings(stack cdktf.TerraformStack) []string {
	var out []string
	for _, n := range *stack.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		for _, m := range *n.Node().Metadata() {
			if strings.Contains(strings.ToLower(*m.Type), "warn") {
				out = append(out, fmt.Sprint(m.Data))
			}
		}
	}
	return out
}
