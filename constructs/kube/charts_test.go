package kube_test

import (
	"bufio"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hybridstack/hybridstack/constructs/kube"
)

// Every default pin is the newest release known as of kube.ChartsAsOf, with
// the AppVersion of that release. Moving the table without the pins (or
// the other way round) fails here.
func TestChartPinsAreNewestKnown(t *testing.T) {
	if err := kube.OutdatedCharts(); err != nil {
		t.Errorf("pins behind the release table:\n%v", err)
	}
	if err := kube.OutdatedCharts(kube.MeshCharts()...); err != nil {
		t.Errorf("mesh pins behind the release table:\n%v", err)
	}
	for _, c := range allCharts() {
		newest, ok := kube.NewestRelease(c.Name)
		if !ok {
			t.Errorf("%s: no known release", c.Name)
			continue
		}
		if c.Version != newest.Version || c.AppVersion != newest.AppVersion {
			t.Errorf("%s pinned at %s (app %s), newest known %s (app %s)", c.Name, c.Version, c.AppVersion, newest.Version, newest.AppVersion)
		}
	}
}

// allCharts are the charts this package installs: DefaultCharts (the
// controllers) and MeshCharts (Istio and Argo Rollouts).
func allCharts() []kube.Chart { return append(kube.DefaultCharts(), kube.MeshCharts()...) }

// MeshCharts lists what NewIstioAmbient and NewArgoRollouts install, each
// from its upstream repository at the pinned release; DefaultCharts stays
// the four controllers, so OutdatedCharts() does not grow.
func TestMeshCharts(t *testing.T) {
	const istio = "https://istio-release.storage.googleapis.com/charts"
	want := []kube.Chart{
		{Repository: istio, Name: "base", Version: "1.30.3", AppVersion: "1.30.3"},
		{Repository: istio, Name: "istiod", Version: "1.30.3", AppVersion: "1.30.3"},
		{Repository: istio, Name: "cni", Version: "1.30.3", AppVersion: "1.30.3"},
		{Repository: istio, Name: "ztunnel", Version: "1.30.3", AppVersion: "1.30.3"},
		{Repository: istio, Name: "gateway", Version: "1.30.3", AppVersion: "1.30.3"},
		{Repository: "https://argoproj.github.io/argo-helm", Name: "argo-rollouts", Version: "2.41.0", AppVersion: "v1.9.0"},
	}
	got := kube.MeshCharts()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("MeshCharts() =\n%+v\nwant\n%+v", got, want)
	}
	accessors := []kube.Chart{kube.ChartIstioBase(), kube.ChartIstiod(), kube.ChartIstioCNI(), kube.ChartZtunnel(), kube.ChartIstioGateway(), kube.ChartArgoRollouts()}
	if !reflect.DeepEqual(accessors, want) {
		t.Errorf("Chart* accessors = %+v", accessors)
	}
	for _, c := range want {
		r, ok := kube.NewestRelease(c.Name)
		released := map[string]string{"argo-rollouts": "2026-06-05"}[c.Name]
		if released == "" {
			released = "2026-07-16"
		}
		if !ok || r.Released != released {
			t.Errorf("%s newest release = %+v, want released %s", c.Name, r, released)
		}
	}
	// A copy: changing it changes nothing else.
	got[0].Version = "0.0.1"
	if kube.ChartIstioBase().Version != "1.30.3" || kube.MeshCharts()[0].Version != "1.30.3" {
		t.Error("MeshCharts hands out the pins themselves")
	}
	// An istiod pin behind the table is reported like any other.
	old := kube.ChartIstiod()
	old.Version = "1.29.6"
	if err := kube.OutdatedCharts(old); err == nil || !strings.Contains(err.Error(), "kube: chart istiod 1.29.6 is older than 1.30.3 (app 1.30.3, released 2026-07-16)") {
		t.Errorf("OutdatedCharts(istiod 1.29.6) = %v", err)
	}
	var names []string
	for _, c := range kube.DefaultCharts() {
		names = append(names, c.Name)
	}
	if strings.Join(names, ",") != "aws-load-balancer-controller,metrics-server,cluster-autoscaler,argo-cd" {
		t.Errorf("DefaultCharts() = %v", names)
	}
}

// The table is oldest first, dated, and no later than ChartsAsOf.
func TestChartReleaseTable(t *testing.T) {
	asOf, err := time.Parse(time.DateOnly, kube.ChartsAsOf)
	if err != nil {
		t.Fatalf("ChartsAsOf %q: %v", kube.ChartsAsOf, err)
	}
	for _, c := range allCharts() {
		rs := kube.KnownReleases(c.Name)
		if len(rs) == 0 {
			t.Errorf("%s: no known release", c.Name)
		}
		var last time.Time
		for i, r := range rs {
			day, err := time.Parse(time.DateOnly, r.Released)
			if err != nil {
				t.Errorf("%s %s: Released %q: %v", c.Name, r.Version, r.Released, err)
				continue
			}
			if day.After(asOf) {
				t.Errorf("%s %s released %s, after ChartsAsOf %s", c.Name, r.Version, r.Released, kube.ChartsAsOf)
			}
			if i > 0 && day.Before(last) {
				t.Errorf("%s: %s released %s, before the entry above it", c.Name, r.Version, r.Released)
			}
			last = day
			if i == len(rs)-1 {
				if newest, _ := kube.NewestRelease(c.Name); newest != r {
					t.Errorf("%s: newest %s is not the last entry %s", c.Name, newest.Version, r.Version)
				}
			}
		}
	}
	// KnownReleases hands out a copy.
	rs := kube.KnownReleases("metrics-server")
	rs[0].Version = "0.0.0"
	if kube.KnownReleases("metrics-server")[0].Version == "0.0.0" {
		t.Error("KnownReleases returned the table itself")
	}
	if kube.KnownReleases("no-such-chart") != nil {
		t.Error("KnownReleases of an unknown chart is not nil")
	}
}

func TestOutdatedCharts(t *testing.T) {
	with := func(c kube.Chart, version string) kube.Chart {
		c.Version = version
		return c
	}
	tests := []struct {
		name   string
		charts []kube.Chart
		want   []string // substrings of the error; none: nil
	}{
		{"defaults", nil, nil},
		{"previous load balancer controller", []kube.Chart{with(kube.ChartLoadBalancerController(), "1.14.0")},
			[]string{"kube: chart aws-load-balancer-controller 1.14.0 is older than 3.5.0 (app v3.5.0, released 2026-08-03), the newest known as of " + kube.ChartsAsOf}},
		{"older patch", []kube.Chart{with(kube.ChartMetricsServer(), "3.13.0")}, []string{"metrics-server 3.13.0 is older than 3.13.1"}},
		{"numeric, not lexical", []kube.Chart{with(kube.ChartClusterAutoscaler(), "9.9.0")}, []string{"cluster-autoscaler 9.9.0 is older than 9.59.0"}},
		{"pre-release of the newest", []kube.Chart{with(kube.ChartArgoCD(), "10.1.1-rc.1")}, []string{"argo-cd 10.1.1-rc.1 is older than 10.1.1"}},
		{"newer than known is not outdated", []kube.Chart{with(kube.ChartArgoCD(), "10.3.3"), with(kube.ChartMetricsServer(), "v3.14.0")}, nil},
		{"unknown chart", []kube.Chart{{Name: "karpenter", Version: "1.0.0"}}, []string{`kube: chart "karpenter": no release known as of ` + kube.ChartsAsOf}},
		{"range", []kube.Chart{with(kube.ChartArgoCD(), "^10.1")}, []string{`chart argo-cd: version "^10.1" is not an exact chart version`}},
		{"every problem", []kube.Chart{with(kube.ChartLoadBalancerController(), "1.14.0"), kube.ChartMetricsServer(), with(kube.ChartArgoCD(), "9.0.0")},
			[]string{"aws-load-balancer-controller 1.14.0", "argo-cd 9.0.0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := kube.OutdatedCharts(tc.charts...)
			if len(tc.want) == 0 {
				if err != nil {
					t.Errorf("err = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("err = nil, want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v\nwant it to contain %q", err, w)
				}
			}
			if n := len(strings.Split(err.Error(), "\n")); n != len(tc.want) {
				t.Errorf("%d problems reported, want %d: %v", n, len(tc.want), err)
			}
		})
	}
}

// The table lists exactly the versions of each chart that the offline
// chart repository the end-to-end gate installs from holds, so that the
// pins are the newest the gate has installed. Skipped where that
// repository is not present (HYBRIDSTACK_CHART_REPO, or ../shared/charts
// next to the repository).
func TestChartReleasesMatchOfflineRepository(t *testing.T) {
	dir := os.Getenv("HYBRIDSTACK_CHART_REPO")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "charts")
	}
	indexes, _ := filepath.Glob(filepath.Join(dir, "*", "index.yaml"))
	if len(indexes) == 0 {
		t.Skipf("no offline chart repository at %s", dir)
	}
	offline := map[string]map[string]string{} // chart -> version -> appVersion
	for _, index := range indexes {
		for chart, versions := range indexEntries(t, index) {
			if offline[chart] == nil {
				offline[chart] = map[string]string{}
			}
			for v, app := range versions {
				offline[chart][v] = app
			}
		}
	}
	for _, c := range allCharts() {
		var want, got []string
		for v, app := range offline[c.Name] {
			want = append(want, v+" "+app)
		}
		for _, r := range kube.KnownReleases(c.Name) {
			got = append(got, r.Version+" "+r.AppVersion)
		}
		sort.Strings(want)
		sort.Strings(got)
		if strings.Join(got, ", ") != strings.Join(want, ", ") {
			t.Errorf("%s: table has [%s], %s has [%s]", c.Name, strings.Join(got, ", "), dir, strings.Join(want, ", "))
		}
	}
}

var (
	indexChart   = regexp.MustCompile(`^  ([A-Za-z0-9._-]+):\s*$`)
	indexVersion = regexp.MustCompile(`^    version:\s*"?([^"\s]+)"?\s*$`)
	indexApp     = regexp.MustCompile(`^    appVersion:\s*"?([^"\s]+)"?\s*$`)
	indexEntry   = regexp.MustCompile(`^  - `)
)

// indexEntries reads the chart versions (and their appVersions) of a Helm
// repository index.yaml as `helm repo index` writes it: entries: at the
// top, two spaces before each chart name, four before each entry's keys
// (a dependency's version is deeper and not counted).
func indexEntries(t *testing.T, path string) map[string]map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]map[string]string{}
	var chart, version, app string
	flush := func() {
		if chart != "" && version != "" {
			out[chart][version] = app
		}
		version, app = "", ""
	}
	inEntries := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "entries:":
			inEntries = true
		case !strings.HasPrefix(line, " ") && line != "":
			flush()
			inEntries, chart = false, ""
		case !inEntries:
		case indexChart.MatchString(line):
			flush()
			chart = indexChart.FindStringSubmatch(line)[1]
			out[chart] = map[string]string{}
		case indexEntry.MatchString(line):
			// helm sorts the keys: an entry starts with annotations or
			// apiVersion, never with version or appVersion.
			flush()
		case indexVersion.MatchString(line):
			version = indexVersion.FindStringSubmatch(line)[1]
		case indexApp.MatchString(line):
			app = indexApp.FindStringSubmatch(line)[1]
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
