package frontdoor

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

var (
	apiNameRe = regexp.MustCompile(`^[A-Za-z0-9_. -]{1,128}$`)
	methods   = []string{"ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}
	segmentRe = regexp.MustCompile(`^([A-Za-z0-9._~:@!$&'()*,;=-]+|\{[A-Za-z0-9_]+\}|\{proxy\+\})$`)
	originRe  = regexp.MustCompile(`^https?://[A-Za-z0-9.-]+(:[0-9]+)?$|^\*$`)
	domainRe  = regexp.MustCompile(`^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$`)
)

// validateProps checks props once defaults are applied: the name, WAF, the
// authorizer, CORS, throttling, log retention and the domain.
func validateProps(r *validation.Report, p FrontDoorProps) {
	if !apiNameRe.MatchString(p.Name) {
		r.Addf("Name", "%q must be 1-128 letters, digits, spaces, '.', '-' or '_'", p.Name)
	}
	if p.WAFWebACLARN != "" {
		r.Addf("WAFWebACLARN", "cannot be used: AWS WAF does not attach to HTTP APIs; put a CloudFront distribution with the web ACL in front of the API, or use a REST API (API Gateway v1)")
	}
	a := p.DefaultAuthorizer
	n := 0
	for _, set := range []bool{a.JWT != nil, a.Cognito != nil, a.Lambda != nil, a.IAM} {
		if set {
			n++
		}
	}
	if n > 1 {
		r.Addf("DefaultAuthorizer", "sets %d kinds; set exactly one of JWT, Cognito, Lambda or IAM", n)
	}
	if j := a.JWT; j != nil {
		if !strings.HasPrefix(j.Issuer, "https://") && !validation.IsToken(j.Issuer) {
			r.Addf("DefaultAuthorizer.JWT.Issuer", "%q must be an https:// URL", j.Issuer)
		}
		if len(j.Audience) == 0 {
			r.Addf("DefaultAuthorizer.JWT.Audience", "is empty; without it any token of the issuer would be accepted")
		}
	}
	if c := a.Cognito; c != nil {
		if c.Region == "" || c.UserPoolID == "" || len(c.ClientIDs) == 0 {
			r.Addf("DefaultAuthorizer.Cognito", "needs Region, UserPoolID and at least one ClientID")
		}
	}
	if l := a.Lambda; l != nil {
		if isNil(l.Handler) {
			r.Addf("DefaultAuthorizer.Lambda.Handler", "is nil")
		}
		if l.ResultTTLSeconds != nil && (*l.ResultTTLSeconds < 0 || *l.ResultTTLSeconds > 3600) {
			r.Addf("DefaultAuthorizer.Lambda.ResultTTLSeconds", "%d is out of range; use 0 to 3600", *l.ResultTTLSeconds)
		}
	}
	if c := p.CORS; c != nil {
		if len(c.AllowOrigins) == 0 {
			r.Addf("CORS.AllowOrigins", "is empty; list the origins that may call the API")
		}
		for i, o := range c.AllowOrigins {
			if !originRe.MatchString(o) {
				r.Addf(fmt.Sprintf("CORS.AllowOrigins[%d]", i), "%q is not an origin such as https://app.example.com", o)
			}
			if o == "*" && c.AllowCredentials {
				r.Addf("CORS.AllowCredentials", "is true with origin \"*\"; browsers refuse credentials for a wildcard origin, so list the origins explicitly")
			}
		}
		for i, m := range c.AllowMethods {
			if m != "*" && !validation.OneOf(m, methods...) {
				r.Addf(fmt.Sprintf("CORS.AllowMethods[%d]", i), "%q is not an HTTP method", m)
			}
		}
		if c.MaxAgeSeconds < 0 || c.MaxAgeSeconds > 86400 {
			r.Addf("CORS.MaxAgeSeconds", "%d is out of range; use 0 to 86400", c.MaxAgeSeconds)
		}
	}
	if p.ThrottleBurst < 0 {
		r.Addf("ThrottleBurst", "%d is negative", p.ThrottleBurst)
	}
	if !finiteRate(p.ThrottleRate) {
		r.Addf("ThrottleRate", "%v is not a rate; use a finite number of requests per second, 0 or more", p.ThrottleRate)
	}
	if p.LatencyAlarmMS < 50 || p.LatencyAlarmMS > 30000 {
		r.Addf("LatencyAlarmMS", "%d is out of range; use 50 to 30000 (an integration times out at 30 s)", p.LatencyAlarmMS)
	}
	if !validation.LogRetention(p.LogRetentionDays) {
		r.Addf("LogRetentionDays", "%d is not a CloudWatch Logs retention; use one of %v", p.LogRetentionDays, validation.LogRetentionDays)
	}
	if d := p.Domain; d != nil {
		if !domainRe.MatchString(d.Name) {
			r.Addf("Domain.Name", "%q is not a lowercase domain name", d.Name)
		}
		if d.HostedZoneID == "" {
			r.Addf("Domain.HostedZoneID", "is empty; the alias record (and DNS validation) need the Route 53 zone")
		}
		if d.CertificateARN != "" && !validation.IsToken(d.CertificateARN) && !strings.Contains(d.CertificateARN, ":acm:") {
			r.Addf("Domain.CertificateARN", "%q is not an ACM certificate ARN", d.CertificateARN)
		}
	}
}
