package delivery

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/kube"
)

// Analysis says how the canary's health is measured: the Istio metrics of
// the canary Service's requests at the namespace's waypoint, queried from
// an Amazon Managed Service for Prometheus workspace with SigV4.
type Analysis struct {
	// PrometheusURL is the AMP workspace's query endpoint (its
	// prometheus_endpoint), such as
	// "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-.../";
	// Argo Rollouts appends /api/v1/query, and signs only requests to
	// aps-workspaces hosts. The Argo Rollouts controller's role needs
	// aps:QueryMetrics on the workspace. Required.
	PrometheusURL string
	// Region of the workspace, with which queries are signed (SigV4).
	// Required.
	Region string
	// MaxErrorRatePercent is the highest share of the canary's responses,
	// in percent, that may be 5xx in an interval: above 0, below 100.
	// Default: 1
	MaxErrorRatePercent float64
	// MaxLatencyP99MS is the highest p99 request duration of the canary,
	// in milliseconds, in an interval: 1 to 600000.
	// Default: 500
	MaxLatencyP99MS int
	// IntervalSeconds is how often each metric is measured: 30 to 3600.
	// Rates are taken over the interval, or over 120 seconds (four scrapes
	// of the managed collector) when the interval is shorter, and the
	// first measurement waits that long, so that it covers a whole window
	// of canary traffic.
	// Default: 60
	IntervalSeconds int
	// FailureLimit is how many failed measurements of a metric are
	// tolerated in a rollout; one more aborts it: 1 to 100 (zero takes the
	// default; a single noisy measurement never rolls back).
	// Default: 2
	FailureLimit int
	// MinRequests is the fewest requests the canary must serve in an
	// interval for a measurement to judge it; below, the measurement is
	// inconclusive: it neither passes nor fails (see the package
	// documentation).
	// Default: - none: any request counts
	MinRequests int
}

// Defaults of Analysis.
const (
	// DefaultMaxErrorRatePercent is Analysis.MaxErrorRatePercent when 0.
	DefaultMaxErrorRatePercent = 1
	// DefaultMaxLatencyP99MS is Analysis.MaxLatencyP99MS when 0.
	DefaultMaxLatencyP99MS = 500
	// DefaultIntervalSeconds is Analysis.IntervalSeconds when 0.
	DefaultIntervalSeconds = 60
	// DefaultFailureLimit is Analysis.FailureLimit when 0.
	DefaultFailureLimit = 2
)

// Names of the AnalysisTemplate's metrics, as AnalysisRuns and
// kubectl argo rollouts show them.
const (
	// ErrorRateMetric is the percentage of the canary's responses that
	// are 5xx.
	ErrorRateMetric = "error-rate"
	// LatencyMetric is the canary's p99 request duration in milliseconds.
	LatencyMetric = "latency-p99"
)

func (a Analysis) withDefaults() Analysis {
	if a.MaxErrorRatePercent == 0 {
		a.MaxErrorRatePercent = DefaultMaxErrorRatePercent
	}
	if a.MaxLatencyP99MS == 0 {
		a.MaxLatencyP99MS = DefaultMaxLatencyP99MS
	}
	if a.IntervalSeconds == 0 {
		a.IntervalSeconds = DefaultIntervalSeconds
	}
	if a.FailureLimit == 0 {
		a.FailureLimit = DefaultFailureLimit
	}
	return a
}

var (
	// ampEndpoint is an AMP workspace's query endpoint; the first group
	// is the region.
	ampEndpoint = regexp.MustCompile(`^https://aps-workspaces\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?/workspaces/ws-[A-Za-z0-9-]+/?$`)
	region      = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
)

func (a Analysis) check(r *validation.Report) {
	const example = `"https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-0123abcd-4567-89ef-0123-456789abcdef/"`
	url := a.PrometheusURL
	urlRegion := ""
	switch {
	case url == "":
		r.Addf("Analysis.PrometheusURL", "is empty; give the AMP workspace's query endpoint, such as %s", example)
	case validation.IsToken(url):
	case !strings.HasPrefix(url, "https://"):
		r.Addf("Analysis.PrometheusURL", "%q is not HTTPS; give the AMP workspace's query endpoint, such as %s", url, example)
	case strings.Contains(url, "/api/v1"):
		r.Addf("Analysis.PrometheusURL", "%q names an API path; give the workspace's endpoint, such as %s (Argo Rollouts appends /api/v1/query)", url, example)
	case !ampEndpoint.MatchString(url):
		r.Addf("Analysis.PrometheusURL", "%q is not an AMP workspace query endpoint such as %s; Argo Rollouts signs queries (SigV4) only to aps-workspaces hosts", url, example)
	default:
		urlRegion = ampEndpoint.FindStringSubmatch(url)[1]
	}
	switch {
	case a.Region == "":
		r.Addf("Analysis.Region", "is empty; give the workspace's region (queries are signed for it), such as \"eu-west-1\"")
	case validation.IsToken(a.Region):
	case !region.MatchString(a.Region):
		r.Addf("Analysis.Region", "%q is not an AWS region such as \"eu-west-1\"", a.Region)
	case urlRegion != "" && urlRegion != a.Region:
		r.Addf("Analysis.Region", "%q is not the region of PrometheusURL (%s); queries signed for another region are refused", a.Region, urlRegion)
	}
	if e := a.MaxErrorRatePercent; math.IsNaN(e) || e <= 0 || e >= 100 {
		r.Addf("Analysis.MaxErrorRatePercent", "%v is not a percentage above 0 and below 100", e)
	}
	if a.MaxLatencyP99MS < 1 || a.MaxLatencyP99MS > 600000 {
		r.Addf("Analysis.MaxLatencyP99MS", "%d is not between 1 and 600000 milliseconds", a.MaxLatencyP99MS)
	}
	if a.IntervalSeconds < 30 || a.IntervalSeconds > 3600 {
		r.Addf("Analysis.IntervalSeconds", "%d is not between 30 and 3600 seconds", a.IntervalSeconds)
	}
	if a.FailureLimit < 1 || a.FailureLimit > 100 {
		r.Addf("Analysis.FailureLimit", "%d is not between 1 and 100", a.FailureLimit)
	}
	if a.MinRequests < 0 || a.MinRequests > 1000000 {
		r.Addf("Analysis.MinRequests", "%d is not between 0 (any request counts) and 1000000", a.MinRequests)
	}
}

// measured is the start of every condition: a measurement is judged only
// when it has a value. An empty result (no series, fewer than MinRequests
// requests, or nothing scraped) or NaN (a rate of zero over zero) matches
// neither condition: it is inconclusive, never a pass.
const measured = "len(result) > 0 && !isNaN(result[0]) && "

// minWindowSeconds is the shortest rate window: four scrapes of the
// managed collector (30 s), so that one missed scrape does not empty it.
const minWindowSeconds = 120

// windowSeconds is the window rates are taken over: the interval, or
// minWindowSeconds when that is longer.
func (a Analysis) windowSeconds() int { return max(a.IntervalSeconds, minWindowSeconds) }

// queries returns the PromQL of the error-rate metric (percent of 5xx
// responses) and of the latency metric (p99 in milliseconds) of the
// canary Service's requests, as the waypoint reports them.
func (p CanaryProps) queries() (errorRate, latency string) {
	a := p.Analysis
	sel := fmt.Sprintf(`reporter="waypoint",destination_service_name="%s",destination_service_namespace="%s"`, p.CanaryService, p.Namespace)
	window := fmt.Sprintf("[%ds]", a.windowSeconds())
	errorRate = fmt.Sprintf(`100 * (sum(rate(istio_requests_total{%s,response_code=~"5.."}%s)) or vector(0)) / sum(rate(istio_requests_total{%s}%s))`, sel, window, sel, window)
	latency = fmt.Sprintf(`histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{%s}%s)))`, sel, window)
	if a.MinRequests > 0 {
		// Fewer requests than that: an empty result, which is no traffic.
		enough := fmt.Sprintf(` and on() (sum(increase(istio_requests_total{%s}%s)) >= %d)`, sel, window, a.MinRequests)
		errorRate = "(" + errorRate + ")" + enough
		latency = "(" + latency + ")" + enough
	}
	return errorRate, latency
}

// conditions returns the success and failure conditions of the
// error-rate and latency metrics, with their thresholds.
func (a Analysis) conditions() (errorRate, latency [2]string) {
	rate, p99 := strconv.FormatFloat(a.MaxErrorRatePercent, 'f', -1, 64), strconv.Itoa(a.MaxLatencyP99MS)
	return [2]string{measured + "result[0] <= " + rate, measured + "result[0] > " + rate},
		[2]string{measured + "result[0] <= " + p99, measured + "result[0] > " + p99}
}

// analysisTemplate is the AnalysisTemplate's manifest.
func (p CanaryProps) analysisTemplate() *map[string]any {
	a := p.Analysis
	every := fmt.Sprintf("%ds", a.IntervalSeconds)
	metric := func(name, query string, condition [2]string) map[string]any {
		return map[string]any{
			"name":     name,
			"interval": every,
			// The first measurement covers a whole window of canary
			// traffic.
			"initialDelay": fmt.Sprintf("%ds", a.windowSeconds()),
			"failureLimit": a.FailureLimit,
			// A measurement without data is inconclusive; more of them
			// than FailureLimit make the run inconclusive, which pauses
			// the rollout for a person to promote or abort.
			"inconclusiveLimit": a.FailureLimit,
			"successCondition":  condition[0],
			"failureCondition":  condition[1],
			"provider": map[string]any{"prometheus": map[string]any{
				"address":        a.PrometheusURL,
				"query":          query,
				"authentication": map[string]any{"sigv4": map[string]any{"region": a.Region}},
			}},
		}
	}
	errorQuery, latencyQuery := p.queries()
	errorCondition, latencyCondition := a.conditions()
	return &map[string]any{
		"apiVersion": kube.RolloutAPIVersion,
		"kind":       "AnalysisTemplate",
		"metadata":   map[string]any{"name": p.templateName(), "namespace": p.Namespace, "labels": labels},
		"spec": map[string]any{"metrics": []any{
			metric(ErrorRateMetric, errorQuery, errorCondition),
			metric(LatencyMetric, latencyQuery, latencyCondition),
		}},
	}
}
