// Package grant joins the things that act (a Lambda handler, an IRSA or Pod
// Identity role, later an ECS task) to the things they act on, without ARN
// strings pasted between constructs.
//
// Resources with a construct grant access themselves:
//
//	bucket.GrantRead(handler, "uploads/")
//	queue.GrantConsume(podRole)
//
// Resources that exist outside the stack are granted here by ARN:
//
//	grant.PutEvents(handler, busARN)
//
// Every grant is one inline policy on the grantee's role, with the least
// actions the use needs, on the one resource (and prefix) named.
package grant

import (
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/hybridstack/hybridstack/constructs/iamdoc"
)

// Grantee is anything that acts through an IAM role. serverless.Handler,
// eks.ServiceAccountRole and eks.PodIdentityRole are Grantees.
type Grantee interface {
	constructs.IConstruct
	// RoleARN returns the ARN of the role the grants attach to.
	RoleARN() string
	// AddToRolePolicy attaches statements to the role as the inline policy
	// name (1-128 letters, digits and +=,.@_-); a name used before gets a
	// numeric suffix. It returns an error wrapping validate.ErrInvalid for a
	// bad name or a statement IAM would reject.
	AddToRolePolicy(name string, statements ...iamdoc.Statement) error
}

// Publish lets g publish to the SNS topic topicARN.
func Publish(g Grantee, topicARN string) error {
	return g.AddToRolePolicy("publish", iamdoc.Allow("Publish", []string{"sns:Publish"}, topicARN))
}

// PutEvents lets g put events on the EventBridge bus busARN.
func PutEvents(g Grantee, busARN string) error {
	return g.AddToRolePolicy("put-events", iamdoc.Allow("PutEvents", []string{"events:PutEvents"}, busARN))
}

// SecretRead lets g read the value of one Secrets Manager secret.
func SecretRead(g Grantee, secretARN string) error {
	return g.AddToRolePolicy("read-secret", iamdoc.Allow("ReadSecret", []string{"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"}, secretARN))
}

// KeyUse lets g encrypt and decrypt with the KMS key keyARN.
func KeyUse(g Grantee, keyARN string) error {
	return g.AddToRolePolicy("use-key", iamdoc.Allow("UseKey", []string{"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"}, keyARN))
}
