package frontdoor

import (
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/apigatewayv2authorizer"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lambdapermission"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
)

// Authorizer is the default authorizer of every non-public route. Set
// exactly one of JWT, Cognito, Lambda or IAM.
type Authorizer struct {
	JWT     *JWTAuthorizer
	Cognito *CognitoAuthorizer
	Lambda  *LambdaAuthorizer
	IAM     bool
}

// JWTAuthorizer validates bearer tokens from any OIDC issuer.
type JWTAuthorizer struct {
	// Issuer is the https:// issuer URL. Required.
	Issuer string
	// Audience lists accepted "aud" (or client_id) values. Required.
	Audience []string
	// IdentitySource is where the token is.
	// Default: $request.header.Authorization
	IdentitySource string
}

// CognitoAuthorizer validates tokens of a Cognito user pool.
type CognitoAuthorizer struct {
	// Region and UserPoolID name the pool. Required.
	Region, UserPoolID string
	// ClientIDs are the app clients whose tokens are accepted. Required.
	ClientIDs []string
}

// LambdaAuthorizer calls a function to authorize each request.
type LambdaAuthorizer struct {
	// Handler is the authorizer function. Required.
	Handler LambdaTarget
	// IdentitySources are the request parts the function needs; requests
	// without them are refused before the function runs.
	// Default: ["$request.header.Authorization"]
	IdentitySources []string
	// ResultTTLSeconds caches decisions, 0-3600.
	// Default: 300
	ResultTTLSeconds *int
}

// authorizer creates the default authorizer, if any.
func (f *FrontDoor) authorizer() {
	a := f.props.DefaultAuthorizer
	switch {
	case a.IAM:
		f.authType = "AWS_IAM"
	case a.JWT != nil || a.Cognito != nil:
		issuer, audience, source := "", []string(nil), "$request.header.Authorization"
		if a.JWT != nil {
			issuer, audience = a.JWT.Issuer, a.JWT.Audience
			if a.JWT.IdentitySource != "" {
				source = a.JWT.IdentitySource
			}
		} else {
			issuer = "https://cognito-idp." + a.Cognito.Region + ".amazonaws.com/" + a.Cognito.UserPoolID
			audience = a.Cognito.ClientIDs
		}
		auth := apigatewayv2authorizer.NewApigatewayv2Authorizer(f, ptr.String("authorizer"), &apigatewayv2authorizer.Apigatewayv2AuthorizerConfig{
			ApiId:            f.api.Id(),
			Name:             ptr.String("jwt"),
			AuthorizerType:   ptr.String("JWT"),
			IdentitySources:  ptr.Strings([]string{source}),
			JwtConfiguration: &apigatewayv2authorizer.Apigatewayv2AuthorizerJwtConfiguration{Issuer: ptr.String(issuer), Audience: ptr.Strings(audience)},
		})
		f.authType, f.authorizerID, f.scopesAllowed = "JWT", *auth.Id(), true
	case a.Lambda != nil:
		l := a.Lambda
		sources := l.IdentitySources
		if len(sources) == 0 {
			sources = []string{"$request.header.Authorization"}
		}
		ttl := 300
		if l.ResultTTLSeconds != nil {
			ttl = *l.ResultTTLSeconds
		}
		auth := apigatewayv2authorizer.NewApigatewayv2Authorizer(f, ptr.String("authorizer"), &apigatewayv2authorizer.Apigatewayv2AuthorizerConfig{
			ApiId:                          f.api.Id(),
			Name:                           ptr.String("lambda"),
			AuthorizerType:                 ptr.String("REQUEST"),
			AuthorizerUri:                  ptr.String(l.Handler.InvokeARN()),
			AuthorizerPayloadFormatVersion: ptr.String("2.0"),
			EnableSimpleResponses:          true,
			IdentitySources:                ptr.Strings(sources),
			AuthorizerResultTtlInSeconds:   ptr.Number(ttl),
		})
		lambdapermission.NewLambdaPermission(f, ptr.String("authorizer-permission"), &lambdapermission.LambdaPermissionConfig{
			Action:       ptr.String("lambda:InvokeFunction"),
			FunctionName: ptr.String(l.Handler.FunctionName()),
			Principal:    ptr.String("apigateway.amazonaws.com"),
			SourceArn:    ptr.String(*f.api.ExecutionArn() + "/authorizers/" + *auth.Id()),
		})
		f.authType, f.authorizerID = "CUSTOM", *auth.Id()
	}
}
