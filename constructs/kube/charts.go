package kube

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// ChartRelease is one published version of a chart.
type ChartRelease struct {
	// Version is the chart version, such as "3.5.0".
	Version string
	// AppVersion is the version of the software the chart installs.
	AppVersion string
	// Released is the day the chart version was published (YYYY-MM-DD).
	Released string
}

// ChartsAsOf is the date the release table below was last checked against
// the chart repositories the project installs from (the offline chart
// repository the end-to-end gate serves, ../shared/charts, which mirrors
// the upstream repositories). OutdatedCharts compares with the table,
// never with the network or the clock, so that it gives the same answer on
// every day and machine.
const ChartsAsOf = "2026-12-07"

// chartReleases are the releases of each chart this package knows, oldest
// first, keyed by chart name. Only versions the gate could obtain and
// install are listed: argo-cd 10.3.3 (Argo CD v3.5.1) is published
// upstream but could not be obtained, and an untested pin is a guess.
//
// The index.yaml files of the offline repository cannot date the releases:
// their created fields are the time the repository was assembled
// (2026-12-07) for every archive. The dates come from the sources named
// beside each entry.
var chartReleases = map[string][]ChartRelease{
	"aws-load-balancer-controller": {
		// eks-charts gh-pages commit "Publish stable charts v0.0.211"; the
		// published archive's tar headers carry the same day.
		{Version: "1.14.0", AppVersion: "v2.14.0", Released: "2025-10-06"},
		// eks-charts gh-pages commit "Publish stable charts v0.0.242".
		{Version: "3.5.0", AppVersion: "v3.5.0", Released: "2026-08-03"},
	},
	"metrics-server": {
		// The chart's CHANGELOG.md (as of 3.13.1).
		{Version: "3.13.0", AppVersion: "0.8.0", Released: "2025-07-22"},
		{Version: "3.13.1", AppVersion: "0.8.1", Released: "2026-02-27"},
	},
	"cluster-autoscaler": {
		// created in the upstream gh-pages index.yaml (same digest).
		{Version: "9.54.0", AppVersion: "1.35.0", Released: "2025-12-10"},
		// Not in the upstream index copy seen (it ends at 9.56.0); the
		// day downstream projects picked it up, so at the latest.
		{Version: "9.59.0", AppVersion: "1.35.0", Released: "2026-08-03"},
	},
	"argo-cd": {
		// Tag argo-cd-10.1.1 of argoproj/argo-helm.
		{Version: "10.1.1", AppVersion: "v3.4.4", Released: "2026-07-02"},
	},
	// Istio's charts (repository istio-release), released together; the
	// day of tag 1.30.3 of istio/istio, the newest Istio release in the
	// offline repository. The table is keyed by chart name alone: "base",
	// "cni" and "gateway" are Istio's.
	"base":    {{Version: "1.30.3", AppVersion: "1.30.3", Released: "2026-07-16"}},
	"istiod":  {{Version: "1.30.3", AppVersion: "1.30.3", Released: "2026-07-16"}},
	"cni":     {{Version: "1.30.3", AppVersion: "1.30.3", Released: "2026-07-16"}},
	"ztunnel": {{Version: "1.30.3", AppVersion: "1.30.3", Released: "2026-07-16"}},
	"gateway": {{Version: "1.30.3", AppVersion: "1.30.3", Released: "2026-07-16"}},
	"argo-rollouts": {
		// Tag argo-rollouts-2.41.0 of argoproj/argo-helm.
		{Version: "2.41.0", AppVersion: "v1.9.0", Released: "2026-06-05"},
	},
}

// Repositories of the charts NewIstioAmbient and NewArgoRollouts install.
const (
	istioChartRepository = "https://istio-release.storage.googleapis.com/charts"
	argoChartRepository  = "https://argoproj.github.io/argo-helm"
)

// The charts NewIstioAmbient and NewArgoRollouts install: the newest
// release of each in the table of ChartsAsOf, versions exact. Istio's
// charts share one version and must move together (istiod, cni and ztunnel
// of different releases are not supported together).
var (
	chartIstioBase    = Chart{Repository: istioChartRepository, Name: "base", Version: "1.30.3", AppVersion: "1.30.3"}
	chartIstiod       = Chart{Repository: istioChartRepository, Name: "istiod", Version: "1.30.3", AppVersion: "1.30.3"}
	chartIstioCNI     = Chart{Repository: istioChartRepository, Name: "cni", Version: "1.30.3", AppVersion: "1.30.3"}
	chartZtunnel      = Chart{Repository: istioChartRepository, Name: "ztunnel", Version: "1.30.3", AppVersion: "1.30.3"}
	chartIstioGateway = Chart{Repository: istioChartRepository, Name: "gateway", Version: "1.30.3", AppVersion: "1.30.3"}
	chartArgoRollouts = Chart{Repository: argoChartRepository, Name: "argo-rollouts", Version: "2.41.0", AppVersion: "v1.9.0"}
)

// ChartIstioBase returns Istio's base chart (its CRDs and the default
// revision's validation webhook) NewIstioAmbient installs (a copy).
func ChartIstioBase() Chart { return chartIstioBase }

// ChartIstiod returns Istio's control plane chart NewIstioAmbient installs
// (a copy).
func ChartIstiod() Chart { return chartIstiod }

// ChartIstioCNI returns Istio's CNI node agent chart NewIstioAmbient
// installs (a copy).
func ChartIstioCNI() Chart { return chartIstioCNI }

// ChartZtunnel returns Istio's ztunnel chart NewIstioAmbient installs (a
// copy).
func ChartZtunnel() Chart { return chartZtunnel }

// ChartIstioGateway returns Istio's gateway chart NewIstioAmbient installs
// as its ingress gateway (a copy).
func ChartIstioGateway() Chart { return chartIstioGateway }

// ChartArgoRollouts returns the Argo Rollouts chart NewArgoRollouts
// installs (a copy).
func ChartArgoRollouts() Chart { return chartArgoRollouts }

// MeshCharts returns the charts of the service mesh and progressive
// delivery: those NewIstioAmbient and NewArgoRollouts install. Check them
// with OutdatedCharts(MeshCharts()...); DefaultCharts does not list them.
func MeshCharts() []Chart {
	return []Chart{chartIstioBase, chartIstiod, chartIstioCNI, chartZtunnel, chartIstioGateway, chartArgoRollouts}
}

// DefaultCharts returns the charts NewControllers installs unless told
// otherwise.
func DefaultCharts() []Chart {
	return []Chart{chartLoadBalancerController, chartMetricsServer, chartClusterAutoscaler, chartArgoCD}
}

// KnownReleases returns the releases of a chart this package knows as of
// ChartsAsOf, oldest first, or nil for a chart it does not know.
func KnownReleases(chartName string) []ChartRelease {
	return append([]ChartRelease(nil), chartReleases[chartName]...)
}

// NewestRelease returns the newest release of a chart known as of
// ChartsAsOf, and false for a chart this package does not know.
func NewestRelease(chartName string) (ChartRelease, bool) {
	rs := chartReleases[chartName]
	if len(rs) == 0 {
		return ChartRelease{}, false
	}
	newest := rs[0]
	for _, r := range rs[1:] {
		if compareChartVersions(r.Version, newest.Version) > 0 {
			newest = r
		}
	}
	return newest, true
}

// OutdatedCharts reports every chart (DefaultCharts when none are given)
// whose Version is older than the newest release known as of ChartsAsOf,
// and every chart this package knows no release of, joined into one error;
// nil when all are current. A version newer than any known release (a pin
// of a release published after ChartsAsOf) is not outdated. Set a copy's
// Version to check a Controller.Version override:
//
//	argo := kube.ChartArgoCD()
//	argo.Version = "10.3.3"
//	err := kube.OutdatedCharts(argo)
func OutdatedCharts(charts ...Chart) error {
	if len(charts) == 0 {
		charts = DefaultCharts()
	}
	var errs []error
	for _, c := range charts {
		newest, ok := NewestRelease(c.Name)
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("kube: chart %q: no release known as of %s", c.Name, ChartsAsOf))
		case !chartVersion.MatchString(c.Version):
			errs = append(errs, fmt.Errorf("kube: chart %s: version %q is not an exact chart version", c.Name, c.Version))
		case compareChartVersions(c.Version, newest.Version) < 0:
			errs = append(errs, fmt.Errorf("kube: chart %s %s is older than %s (app %s, released %s), the newest known as of %s",
				c.Name, c.Version, newest.Version, newest.AppVersion, newest.Released, ChartsAsOf))
		}
	}
	return errors.Join(errs...)
}

var chartVersionParts = regexp.MustCompile(`^v?([0-9]+)\.([0-9]+)\.([0-9]+)(?:-([0-9A-Za-z.-]+))?$`)

// compareChartVersions compares two exact chart versions as semantic
// versions: negative when a is older than b, zero when equal, positive
// when newer. A pre-release is older than its release; pre-release labels
// compare as strings. Versions that do not parse compare as strings.
func compareChartVersions(a, b string) int {
	pa, pb := chartVersionParts.FindStringSubmatch(a), chartVersionParts.FindStringSubmatch(b)
	if pa == nil || pb == nil {
		return strings.Compare(a, b)
	}
	for i := 1; i <= 3; i++ {
		na, _ := strconv.Atoi(pa[i])
		nb, _ := strconv.Atoi(pb[i])
		if na != nb {
			if na < nb {
				return -1
			}
			return 1
		}
	}
	switch {
	case pa[4] == pb[4]:
		return 0
	case pa[4] == "":
		return 1
	case pb[4] == "":
		return -1
	}
	return strings.Compare(pa[4], pb[4])
}
