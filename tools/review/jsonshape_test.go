package review

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestJSONCostSnakeCase: the cost object uses snake_case keys like the
// rest of the report, and its empty lists are [] rather than null.
func TestJSONCostSnakeCase(t *testing.T) {
	rep := fixture(t, "rename")
	var b bytes.Buffer
	if err := rep.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{`"BaseUSD"`, `"DeltaUSD"`, `"Added"`, `"MonthlyUSD"`, `null`} {
		if strings.Contains(b.String(), bad) {
			t.Errorf("JSON report holds %s", bad)
		}
	}
	var doc struct {
		Stacks []struct {
			Cost map[string]json.RawMessage `json:"cost"`
		} `json:"stacks"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Stacks) == 0 || doc.Stacks[0].Cost == nil {
		t.Fatalf("no stack with a cost:\n%s", b.String())
	}
	cost := doc.Stacks[0].Cost
	for _, k := range []string{"stack", "base_usd", "head_usd", "delta_usd", "added", "removed", "changed", "unpriced", "added_usage", "removed_usage"} {
		if _, ok := cost[k]; !ok {
			t.Errorf("cost lacks %q: %v", k, cost)
		}
	}
}

// TestJSONEmptyReport: a change with no stack changes has "stacks": []
// and "findings": [], not null.
func TestJSONEmptyReport(t *testing.T) {
	rep := Compare("a", "b", nil, nil, Options{})
	var b bytes.Buffer
	if err := rep.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"stacks": []`, `"findings": []`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("empty report lacks %s:\n%s", want, b.String())
		}
	}
}
