package review

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

// heavilyChanged returns a copy of a stack document in which, of the
// resources in address order, every 5th is renamed (its references
// follow), every 3rd has attributes changed, every 10th is removed, and
// one new resource is added per ten.
func heavilyChanged(t testing.TB, data []byte) []byte {
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	res := doc["resource"].(map[string]any)
	var addrs []string
	for typ, byName := range res {
		for name := range byName.(map[string]any) {
			addrs = append(addrs, typ+"."+name)
		}
	}
	sort.Strings(addrs)
	renames := map[string]string{}
	for i, a := range addrs {
		typ, name, _ := strings.Cut(a, ".")
		byName := res[typ].(map[string]any)
		body := byName[name].(map[string]any)
		switch {
		case i%10 == 9:
			delete(byName, name)
		case i%5 == 0:
			delete(byName, name)
			byName[name+"-renamed"] = body
			renames[a] = a + "-renamed"
		case i%3 == 0:
			body["tags"] = map[string]any{"changed": fmt.Sprint(i)}
			if _, ok := body["description"]; ok {
				body["description"] = fmt.Sprintf("changed %d", i)
			}
		}
		if i%10 == 0 {
			byName[fmt.Sprintf("added-%d", i)] = map[string]any{"tags": map[string]any{"n": fmt.Sprint(i)}}
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for from, to := range renames {
		s = strings.ReplaceAll(s, from+".", to+".")
		s = strings.ReplaceAll(s, `"`+from+`"`, `"`+to+`"`)
	}
	return []byte(s)
}

func largestSnapshot(b testing.TB) (string, []byte) {
	stacks, err := LoadDir("../..")
	if err != nil {
		b.Fatal(err)
	}
	name, size := "", 0
	for n := range stacks {
		data, err := os.ReadFile("../../__snapshots__/" + n + ".tf.json")
		if err != nil {
			b.Fatal(err)
		}
		if len(data) > size {
			name, size = n, len(data)
		}
	}
	data, _ := os.ReadFile("../../__snapshots__/" + name + ".tf.json")
	return name, data
}

// BenchmarkDiffLargest reviews the largest snapshot against a heavily
// changed copy (Compare: diff, renames, cascade, findings, cost), the
// Markdown included. BenchmarkParseLargest parses the two documents only,
// the floor to compare it with.
func BenchmarkDiffLargest(b *testing.B) {
	name, data := largestSnapshot(b)
	changed := heavilyChanged(b, data)
	base, _ := Parse(name, data)
	head, _ := Parse(name, changed)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep := Compare("base", "head", map[string]*Stack{name: base}, map[string]*Stack{name: head}, Options{})
		var sb strings.Builder
		if err := rep.WriteMarkdown(&sb, MarkdownOptions{Diagrams: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseLargest(b *testing.B) {
	name, data := largestSnapshot(b)
	changed := heavilyChanged(b, data)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Parse(name, data); err != nil {
			b.Fatal(err)
		}
		if _, err := Parse(name, changed); err != nil {
			b.Fatal(err)
		}
	}
}

// TestHeavilyChanged checks the benchmark's input is what it claims: the
// review finds the renames, removals, additions and updates.
func TestHeavilyChanged(t *testing.T) {
	name, data := largestSnapshot(t)
	base, _ := Parse(name, data)
	head, err := Parse(name, heavilyChanged(t, data))
	if err != nil {
		t.Fatal(err)
	}
	d := DiffStacks(base, head)
	n := len(base.Resources)
	if d.Count(Rename) < n/5-2 || d.Count(Delete) < n/10-2 || d.Count(Create) < n/10-2 || d.Count(Update)+d.Count(Replace) < n/5 {
		t.Errorf("%s (%d resources): %d renames, %d deletes, %d creates, %d updates, %d replaces", name, n,
			d.Count(Rename), d.Count(Delete), d.Count(Create), d.Count(Update), d.Count(Replace))
	}
}
