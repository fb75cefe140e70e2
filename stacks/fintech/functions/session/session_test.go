package session

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

func request(method string, claims map[string]string, scopes []string) events.APIGatewayV2HTTPRequest {
	req := events.APIGatewayV2HTTPRequest{}
	req.RequestContext.HTTP.Method = method
	if claims != nil {
		req.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims, Scopes: scopes},
		}
	}
	return req
}

func TestHandle(t *testing.T) {
	tests := []struct {
		name   string
		req    events.APIGatewayV2HTTPRequest
		status int
		want   *Profile
	}{
		{"cognito access token", request("GET", map[string]string{
			"sub": "2f1c", "username": "ana", "cognito:groups": "[traders risk]", "scope": "aws.cognito.signin.user.admin", "exp": "1795000000",
		}, nil), http.StatusOK, &Profile{Subject: "2f1c", Username: "ana", Groups: []string{"risk", "traders"}, Scopes: []string{"aws.cognito.signin.user.admin"}, ExpiresAt: "1795000000"}},
		{"id token with email and authorizer scopes", request("GET", map[string]string{
			"sub": "9a", "cognito:username": "bo", "email": "bo@example.com",
		}, []string{"orders.write", "orders.read"}), http.StatusOK, &Profile{Subject: "9a", Username: "bo", Email: "bo@example.com", Groups: []string{}, Scopes: []string{"orders.read", "orders.write"}}},
		{"no authorizer", request("GET", nil, nil), http.StatusUnauthorized, nil},
		{"claims without subject", request("GET", map[string]string{"email": "x@example.com"}, nil), http.StatusUnauthorized, nil},
		{"wrong method", request("POST", map[string]string{"sub": "1"}, nil), http.StatusMethodNotAllowed, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := Handle(tc.req)
			if resp.StatusCode != tc.status {
				t.Fatalf("status = %d, want %d (%s)", resp.StatusCode, tc.status, resp.Body)
			}
			if resp.Headers["Cache-Control"] != "no-store" {
				t.Error("identity answers must not be cached")
			}
			if tc.want == nil {
				return
			}
			var got Profile
			if err := json.Unmarshal([]byte(resp.Body), &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(&got, tc.want) {
				t.Errorf("profile = %+v, want %+v", got, *tc.want)
			}
		})
	}
}

func TestList(t *testing.T) {
	for in, want := range map[string][]string{"": {}, "[a b]": {"a", "b"}, "[b, a]": {"a", "b"}, "solo": {"solo"}, `["x","y"]`: {"x", "y"}} {
		if got := list(in); !reflect.DeepEqual(got, want) {
			t.Errorf("list(%q) = %q, want %q", in, got, want)
		}
	}
}
