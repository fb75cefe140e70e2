package catalog_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/observe"
)

const dashboardDocs = "../../docs/observe"

// dashboardPictures returns the picture (SVG) of every CloudWatch
// dashboard of the golden snapshots, by file name: the dashboard's
// construct path, such as "imagepipeline-dashboard.svg".
func dashboardPictures(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(snapshotDir, "*.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	out := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Resource struct {
				Dashboards map[string]struct {
					Meta struct {
						Metadata struct {
							Path string `json:"path"`
						} `json:"metadata"`
					} `json:"//"`
					Body string `json:"dashboard_body"`
				} `json:"aws_cloudwatch_dashboard"`
			} `json:"resource"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for name, d := range doc.Resource.Dashboards {
			layout, err := observe.ParseLayout(d.Body)
			if err != nil {
				t.Fatalf("%s: aws_cloudwatch_dashboard.%s: %v", f, name, err)
			}
			// The construct's path: the resource is its child "dashboard".
			path := strings.TrimSuffix(d.Meta.Metadata.Path, "/dashboard")
			if path == "" {
				path = name
			}
			out[strings.ReplaceAll(path, "/", "-")+".svg"] = layout.SVG()
		}
	}
	return out
}

// TestStackDocsDashboards checks that docs/observe/ holds a picture of the
// layout of every dashboard of the golden snapshots (package observe) and
// nothing else; make snapshots (or -update) rewrites them. Its name starts
// with TestStackDocs so that make snapshots runs it.
func TestStackDocsDashboards(t *testing.T) {
	rewrite := *update || os.Getenv("UPDATE_SNAPSHOTS") == "1"
	want := dashboardPictures(t)
	for _, name := range pictureNames(want) {
		path := filepath.Join(dashboardDocs, name)
		got, _ := os.ReadFile(path)
		if string(got) == want[name] {
			continue
		}
		if rewrite {
			if err := os.MkdirAll(dashboardDocs, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(want[name]), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("%s is not what __snapshots__/ gives; run make snapshots and commit it", path)
	}
	pictures, _ := filepath.Glob(filepath.Join(dashboardDocs, "*.svg"))
	for _, p := range pictures {
		if _, ok := want[filepath.Base(p)]; ok {
			continue
		}
		if rewrite {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("%s pictures no dashboard of __snapshots__/: delete it", p)
	}
}

// pictureNames returns the file names of m in order.
func pictureNames(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
