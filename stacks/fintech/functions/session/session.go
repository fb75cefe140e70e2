// Package session is the fintech front door's session handler: GET /me
// answers who the caller is, from the claims of the JWT the front door's
// Cognito authorizer already verified. It reads nothing else and holds no
// secrets.
package session

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// Profile is the answer to GET /me.
type Profile struct {
	Subject  string   `json:"subject"`
	Username string   `json:"username,omitempty"`
	Email    string   `json:"email,omitempty"`
	Groups   []string `json:"groups"`
	Scopes   []string `json:"scopes"`
	// ExpiresAt is the token's expiry (Unix seconds) as the token says.
	ExpiresAt string `json:"expires_at,omitempty"`
}

// Handle answers GET /me. A request without verified claims (the route
// misconfigured as public) is refused, never answered with an empty
// identity.
func Handle(req events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	if req.RequestContext.HTTP.Method != http.MethodGet {
		return reply(http.StatusMethodNotAllowed, map[string]string{"error": "use GET"})
	}
	auth := req.RequestContext.Authorizer
	if auth == nil || auth.JWT == nil || auth.JWT.Claims["sub"] == "" {
		return reply(http.StatusUnauthorized, map[string]string{"error": "no verified token"})
	}
	c := auth.JWT.Claims
	p := Profile{
		Subject:   c["sub"],
		Username:  first(c["cognito:username"], c["username"]),
		Email:     c["email"],
		Groups:    list(c["cognito:groups"]),
		Scopes:    auth.JWT.Scopes,
		ExpiresAt: c["exp"],
	}
	if len(p.Scopes) == 0 {
		p.Scopes = strings.Fields(c["scope"])
	}
	if p.Scopes == nil {
		p.Scopes = []string{}
	}
	sort.Strings(p.Scopes)
	return reply(http.StatusOK, p)
}

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// list reads a claim API Gateway flattened from a JSON array: "[a b]" or
// "[a, b]", or a single value.
func list(v string) []string {
	v = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(v, "["), "]"))
	out := []string{}
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
		out = append(out, strings.Trim(f, `"`))
	}
	sort.Strings(out)
	return out
}

func reply(status int, body any) events.APIGatewayV2HTTPResponse {
	b, _ := json.Marshal(body)
	return events.APIGatewayV2HTTPResponse{
		StatusCode: status,
		Headers:    map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store"},
		Body:       string(b),
	}
}
