package kube

import (
	"math"
	"regexp"
	"strconv"
)

// quantityRe is the Kubernetes resource.Quantity syntax: a decimal number
// with an optional binary (Ki..Ei), decimal (m, k, M..E) or exponent
// suffix.
var quantityRe = regexp.MustCompile(`^\+?([0-9]+(\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$`)

var suffixes = map[string]float64{
	"": 1, "n": 1e-9, "u": 1e-6, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
	"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40, "Pi": 1 << 50, "Ei": 1 << 60,
}

// parseQuantity returns the value of a non-negative Kubernetes quantity
// such as "500m", "2Gi", "1.5" or "+1e3", and false when s is not one or
// is too large for a float64.
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
	if n == 0 {
		return 0, true
	}
	if mult, ok := suffixes[suffix]; ok {
		return n * mult, true
	}
	exp, err := strconv.Atoi(suffix[1:])
	if err != nil {
		return 0, false
	}
	v := n * math.Pow(10, float64(exp))
	return v, !math.IsInf(v, 0) && !math.IsNaN(v)
}

var (
	envName    = regexp.MustCompile(`^[A-Za-z_.-][A-Za-z0-9_.-]*$`)
	capability = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
	// rfc1035 is a Service name: a DNS label starting with a letter.
	rfc1035 = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)
)

// baselineCapabilities are the capabilities the baseline Pod Security
// Standard lets a container add; restricted allows NET_BIND_SERVICE only.
var baselineCapabilities = map[string]bool{
	"AUDIT_WRITE": true, "CHOWN": true, "DAC_OVERRIDE": true, "FOWNER": true, "FSETID": true, "KILL": true, "MKNOD": true,
	"NET_BIND_SERVICE": true, "SETFCAP": true, "SETGID": true, "SETPCAP": true, "SETUID": true, "SYS_CHROOT": true,
}

// ParseQuantity returns the value of a non-negative Kubernetes quantity
// such as "500m" (0.5), "2Gi" (2147483648) or "1e3", and false when s is
// not one. Other packages (tenancy's quotas) compare quantities with it.
func ParseQuantity(s string) (float64, bool) { return parseQuantity(s) }
