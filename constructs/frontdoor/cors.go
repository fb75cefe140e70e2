package frontdoor

import (
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/apigatewayv2api"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
)

// CORS configures cross-origin requests.
type CORS struct {
	// AllowOrigins such as "https://app.example.com", or "*".
	AllowOrigins []string
	// AllowMethods such as GET, POST, or "*".
	// Default: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
	AllowMethods []string
	// AllowHeaders.
	// Default: ["authorization", "content-type"]
	AllowHeaders []string
	// ExposeHeaders.
	// Default: - none
	ExposeHeaders []string
	// AllowCredentials; not allowed with origin "*".
	// Default: false
	AllowCredentials bool
	// MaxAgeSeconds is 0 to 86400.
	// Default: 3600
	MaxAgeSeconds int
}

// corsConfig is the API's CORS configuration, with defaults filled in.
func corsConfig(c CORS) *apigatewayv2api.Apigatewayv2ApiCorsConfiguration {
	m := c.AllowMethods
	if len(m) == 0 {
		m = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
	}
	h := c.AllowHeaders
	if len(h) == 0 {
		h = []string{"authorization", "content-type"}
	}
	age := c.MaxAgeSeconds
	if age == 0 {
		age = 3600
	}
	return &apigatewayv2api.Apigatewayv2ApiCorsConfiguration{
		AllowOrigins:     ptr.Strings(c.AllowOrigins),
		AllowMethods:     ptr.Strings(m),
		AllowHeaders:     ptr.Strings(h),
		ExposeHeaders:    ptr.Strings(c.ExposeHeaders),
		AllowCredentials: c.AllowCredentials,
		MaxAge:           ptr.Number(age),
	}
}
