package tenancy

import (
	"fmt"
	"net/netip"
	"strconv"

	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/kube"
)

// Tier is a size class of tenant: its quota and container limits.
type Tier string

// The tiers. Their quotas are in TierQuota and TierLimits.
const (
	TierSmall  Tier = "small"
	TierMedium Tier = "medium"
	TierLarge  Tier = "large"
)

// Quota is a tenant's ResourceQuota. Empty fields take the tier's value.
type Quota struct {
	// RequestsCPU and RequestsMemory cap the sum of the pods' requests:
	// what the scheduler reserves for the tenant.
	RequestsCPU, RequestsMemory string
	// LimitsCPU and LimitsMemory cap the sum of the pods' limits, at
	// least the requests.
	LimitsCPU, LimitsMemory string
	// Pods, Services, PersistentVolumeClaims, ConfigMaps and Secrets cap
	// object counts; 0 takes the tier's value.
	Pods, Services, PersistentVolumeClaims, ConfigMaps, Secrets int
	// Storage caps the sum of the claims' requested storage.
	Storage string
}

// Limits is a tenant's LimitRange for containers. Empty fields take the
// tier's value.
type Limits struct {
	// DefaultRequestCPU and DefaultRequestMemory are given to containers
	// that request nothing (the quota needs every pod to request).
	DefaultRequestCPU, DefaultRequestMemory string
	// DefaultCPU and DefaultMemory are the limits of containers that set
	// none.
	DefaultCPU, DefaultMemory string
	// MaxCPU and MaxMemory cap one container.
	MaxCPU, MaxMemory string
}

var tierQuotas = map[Tier]Quota{
	TierSmall: {RequestsCPU: "4", RequestsMemory: "8Gi", LimitsCPU: "8", LimitsMemory: "16Gi",
		Pods: 40, Services: 10, PersistentVolumeClaims: 5, ConfigMaps: 50, Secrets: 50, Storage: "50Gi"},
	TierMedium: {RequestsCPU: "16", RequestsMemory: "32Gi", LimitsCPU: "32", LimitsMemory: "64Gi",
		Pods: 150, Services: 30, PersistentVolumeClaims: 20, ConfigMaps: 150, Secrets: 150, Storage: "200Gi"},
	TierLarge: {RequestsCPU: "64", RequestsMemory: "128Gi", LimitsCPU: "128", LimitsMemory: "256Gi",
		Pods: 500, Services: 100, PersistentVolumeClaims: 50, ConfigMaps: 500, Secrets: 500, Storage: "1Ti"},
}

var tierLimits = map[Tier]Limits{
	TierSmall:  {DefaultRequestCPU: "100m", DefaultRequestMemory: "128Mi", DefaultCPU: "500m", DefaultMemory: "512Mi", MaxCPU: "2", MaxMemory: "4Gi"},
	TierMedium: {DefaultRequestCPU: "100m", DefaultRequestMemory: "128Mi", DefaultCPU: "1", DefaultMemory: "1Gi", MaxCPU: "8", MaxMemory: "16Gi"},
	TierLarge:  {DefaultRequestCPU: "250m", DefaultRequestMemory: "256Mi", DefaultCPU: "2", DefaultMemory: "2Gi", MaxCPU: "16", MaxMemory: "64Gi"},
}

// TierQuota returns the quota of a tier, and false for an unknown tier.
func TierQuota(t Tier) (Quota, bool) { q, ok := tierQuotas[t]; return q, ok }

// TierLimits returns the container limits of a tier, and false for an
// unknown tier.
func TierLimits(t Tier) (Limits, bool) { l, ok := tierLimits[t]; return l, ok }

// checkQuota merges the overrides into the tier's values and reports
// every quantity that does not parse or does not fit: limits below
// requests, defaults above maxima, a container maximum above the whole
// quota.
func checkQuota(r *validation.Report, tier Tier, over Quota, lover Limits) (Quota, Limits) {
	q, ok := tierQuotas[tier]
	l := tierLimits[tier]
	if !ok {
		r.Addf("Tier", "%q is not a tier; use %q, %q or %q", tier, TierSmall, TierMedium, TierLarge)
		return q, l
	}
	str := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	num := func(dst *int, v int) {
		if v != 0 {
			*dst = v
		}
	}
	str(&q.RequestsCPU, over.RequestsCPU)
	str(&q.RequestsMemory, over.RequestsMemory)
	str(&q.LimitsCPU, over.LimitsCPU)
	str(&q.LimitsMemory, over.LimitsMemory)
	str(&q.Storage, over.Storage)
	num(&q.Pods, over.Pods)
	num(&q.Services, over.Services)
	num(&q.PersistentVolumeClaims, over.PersistentVolumeClaims)
	num(&q.ConfigMaps, over.ConfigMaps)
	num(&q.Secrets, over.Secrets)
	str(&l.DefaultRequestCPU, lover.DefaultRequestCPU)
	str(&l.DefaultRequestMemory, lover.DefaultRequestMemory)
	str(&l.DefaultCPU, lover.DefaultCPU)
	str(&l.DefaultMemory, lover.DefaultMemory)
	str(&l.MaxCPU, lover.MaxCPU)
	str(&l.MaxMemory, lover.MaxMemory)

	v := map[string]float64{}
	for _, f := range []struct {
		field, value string
	}{
		{"Quota.RequestsCPU", q.RequestsCPU}, {"Quota.RequestsMemory", q.RequestsMemory},
		{"Quota.LimitsCPU", q.LimitsCPU}, {"Quota.LimitsMemory", q.LimitsMemory}, {"Quota.Storage", q.Storage},
		{"Limits.DefaultRequestCPU", l.DefaultRequestCPU}, {"Limits.DefaultRequestMemory", l.DefaultRequestMemory},
		{"Limits.DefaultCPU", l.DefaultCPU}, {"Limits.DefaultMemory", l.DefaultMemory},
		{"Limits.MaxCPU", l.MaxCPU}, {"Limits.MaxMemory", l.MaxMemory},
	} {
		if n, ok := checkQuantity(r, f.field, f.value, true); ok {
			v[f.field] = n
		}
	}
	for _, f := range []struct {
		field string
		n     int
	}{{"Quota.Pods", q.Pods}, {"Quota.Services", q.Services}, {"Quota.PersistentVolumeClaims", q.PersistentVolumeClaims}, {"Quota.ConfigMaps", q.ConfigMaps}, {"Quota.Secrets", q.Secrets}} {
		if f.n < 0 {
			r.Addf(f.field, "%d is negative; give a count of at least 1", f.n)
		}
	}
	// Pairs (small, large) that must be ordered, with their values.
	for _, pair := range []struct{ small, large string }{
		{"Quota.RequestsCPU", "Quota.LimitsCPU"}, {"Quota.RequestsMemory", "Quota.LimitsMemory"},
		{"Limits.DefaultRequestCPU", "Limits.DefaultCPU"}, {"Limits.DefaultRequestMemory", "Limits.DefaultMemory"},
		{"Limits.DefaultCPU", "Limits.MaxCPU"}, {"Limits.DefaultMemory", "Limits.MaxMemory"},
		{"Limits.MaxCPU", "Quota.LimitsCPU"}, {"Limits.MaxMemory", "Quota.LimitsMemory"},
		{"Limits.DefaultRequestCPU", "Quota.RequestsCPU"}, {"Limits.DefaultRequestMemory", "Quota.RequestsMemory"},
	} {
		a, okA := v[pair.small]
		b, okB := v[pair.large]
		if okA && okB && a > b {
			r.Addf(pair.small, "%s is more than %s %s; it must not exceed it", valueOf(pair.small, q, l), pair.large, valueOf(pair.large, q, l))
		}
	}
	return q, l
}

// valueOf returns the text of a quota or limit field, for errors.
func valueOf(field string, q Quota, l Limits) string {
	return map[string]string{
		"Quota.RequestsCPU": q.RequestsCPU, "Quota.RequestsMemory": q.RequestsMemory,
		"Quota.LimitsCPU": q.LimitsCPU, "Quota.LimitsMemory": q.LimitsMemory,
		"Limits.DefaultRequestCPU": l.DefaultRequestCPU, "Limits.DefaultRequestMemory": l.DefaultRequestMemory,
		"Limits.DefaultCPU": l.DefaultCPU, "Limits.DefaultMemory": l.DefaultMemory,
		"Limits.MaxCPU": l.MaxCPU, "Limits.MaxMemory": l.MaxMemory,
	}[field]
}

// checkQuantity reports a value that is not a positive Kubernetes
// quantity, and returns its value.
func checkQuantity(r *validation.Report, field, value string, positive bool) (float64, bool) {
	n, ok := kube.ParseQuantity(value)
	if !ok {
		r.Addf(field, "%q is not a Kubernetes quantity (such as 500m, 4, 512Mi or 8Gi)", value)
		return 0, false
	}
	if positive && n <= 0 {
		r.Addf(field, "%q is zero; give a positive quantity", value)
		return 0, false
	}
	return n, true
}

func checkPorts(r *validation.Report, field string, ports []int) {
	seen := map[int]bool{}
	for i, p := range ports {
		if p < 1 || p > 65535 {
			r.Addf(fmt.Sprintf("%s[%d]", field, i), "%d is not a TCP port (1-65535)", p)
		} else if seen[p] {
			r.Addf(fmt.Sprintf("%s[%d]", field, i), "%d is listed twice", p)
		}
		seen[p] = true
	}
}

func checkCIDR(r *validation.Report, field, c string) {
	if validation.IsToken(c) {
		return
	}
	p, err := netip.ParsePrefix(c)
	switch {
	case err != nil || !p.Addr().Is4():
		r.Addf(field, "%q is not an IPv4 CIDR block such as 10.0.240.0/24", c)
	case p.Masked() != p:
		r.Addf(field, "%q has host bits set; did you mean %q", c, p.Masked().String())
	case p.Bits() == 0:
		r.Addf(field, "%q admits every address; name the destination (an egress rule may use it with Except)", c)
	}
}

func checkSelector(r *validation.Report, field string, labels map[string]string) {
	for k, v := range labels {
		if !validation.LabelKey(k) {
			r.Addf(field, "key %q is not a label key", k)
		}
		if !validation.LabelValue(v) {
			r.Addf(field+"["+k+"]", "%q is not a label value", v)
		}
	}
}

// formatCPU and formatMemory print sums for capacity errors.
func formatCPU(cores float64) string { return strconv.FormatFloat(cores, 'f', -1, 64) }

func formatMemory(bytes float64) string {
	return strconv.FormatFloat(bytes/(1<<30), 'f', -1, 64) + "Gi"
}
