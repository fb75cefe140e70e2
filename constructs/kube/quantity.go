package kube

import (
	"math"
	"regexp"
	"strconv"
)

// quantityRe is the Kubernetes resource.Quantity syntax: a decimal number
// with an optional binary (Ki..Ei), decimal (m, k, M..E) or exponent
// suffix.
var quantityRe = regexp.MustCompile(`^([0-9]+(\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$`)

var suffixes = map[string]float64{
	"": 1, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
	"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40, "Pi": 1 << 50, "Ei": 1 << 60,
}

// parseQuantity returns the value of a non-negative Kubernetes quantity
// such as "500m", "2Gi" or "1.5", and false when s is not one.
func parseQuantity(s string) (float64, bool) {
	m := quantityRe.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, false
	}
	suffix := m[3]
	if mult, ok := suffixes[suffix]; ok {
		return n * mult, true
	}
	exp, err := strconv.Atoi(suffix[1:])
	if err != nil {
		return 0, false
	}
	v := n * math.Pow(10, float64(exp))
	return v, !math.IsInf(v, 0)
}

var (
	envName    = regexp.MustCompile(`^[A-Za-z_.-][A-Za-z0-9_.-]*$`)
	capability = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
)
