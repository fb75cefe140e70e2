package base

import (
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cognitouserpool"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cognitouserpoolclient"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// UserPool is a stack's Cognito user pool and the app client whose tokens
// its front door accepts.
type UserPool struct {
	Pool   cognitouserpool.CognitoUserPool
	Client cognitouserpoolclient.CognitoUserPoolClient
}

// NewUserPool creates, at the stack's top level (ids "users" and
// "api-client"), an invite-only user pool with strong passwords and
// optional TOTP MFA, protected from deletion unless disposable, and a
// public app client (SRP sign-in, refresh tokens, revocation) named
// <name>-api.
func NewUserPool(stack cdktf.TerraformStack, name string, disposable bool) UserPool {
	pool := cognitouserpool.NewCognitoUserPool(stack, jsii.String("users"), &cognitouserpool.CognitoUserPoolConfig{
		Name: jsii.String(name + "-users"),
		// Users are invited; nobody signs themselves up to the API.
		AdminCreateUserConfig: &cognitouserpool.CognitoUserPoolAdminCreateUserConfig{AllowAdminCreateUserOnly: jsii.Bool(true)},
		DeletionProtection:    jsii.String(map[bool]string{true: "INACTIVE", false: "ACTIVE"}[disposable]),
		MfaConfiguration:      jsii.String("OPTIONAL"),
		SoftwareTokenMfaConfiguration: &cognitouserpool.CognitoUserPoolSoftwareTokenMfaConfiguration{
			Enabled: jsii.Bool(true),
		},
		PasswordPolicy: &cognitouserpool.CognitoUserPoolPasswordPolicy{
			MinimumLength: jsii.Number(14), RequireLowercase: jsii.Bool(true), RequireUppercase: jsii.Bool(true),
			RequireNumbers: jsii.Bool(true), RequireSymbols: jsii.Bool(true), TemporaryPasswordValidityDays: jsii.Number(3),
		},
	})
	client := cognitouserpoolclient.NewCognitoUserPoolClient(stack, jsii.String("api-client"), &cognitouserpoolclient.CognitoUserPoolClientConfig{
		Name:                       jsii.String(name + "-api"),
		UserPoolId:                 pool.Id(),
		ExplicitAuthFlows:          jsii.Strings("ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"),
		PreventUserExistenceErrors: jsii.String("ENABLED"),
		EnableTokenRevocation:      jsii.Bool(true),
		GenerateSecret:             jsii.Bool(false),
	})
	return UserPool{Pool: pool, Client: client}
}
