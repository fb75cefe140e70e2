package observe

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"

	"github.com/hybridstack/hybridstack/constructs/internal/loggroup"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// DefaultLogRetentionDays is how long NewLogGroup keeps events when the
// props do not say.
const DefaultLogRetentionDays = 90

// LogGroupProps describes a log group made by NewLogGroup.
type LogGroupProps struct {
	// Name is the log group's name, such as "/aws/lambda/orders".
	// Required.
	Name string
	// RetentionDays is how long the group keeps events: one of the
	// periods CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...,
	// 3653). Logs never expire is not offered.
	// Default: 90
	RetentionDays int
	// KMSKeyARN is the key that encrypts the group, instead of the stack's
	// shared logs key. Its policy must let the CloudWatch Logs service of
	// the Region use it (see LogsKeyARN).
	// Default: - the stack's shared logs key (LogsKeyARN)
	KMSKeyARN string
	// Tags are put on the group.
	// Default: - none
	Tags map[string]string
}

// NewLogGroup creates a CloudWatch Logs log group with a retention,
// encrypted with props.KMSKeyARN or else the KMS key its stack shares for
// all its log groups (LogsKeyARN), the way every construct of this library
// makes its log groups. It returns the aws_cloudwatch_log_group, whose
// Arn() and Name() are tokens.
//
// It fails with every problem at once: an empty Name, a RetentionDays
// CloudWatch Logs does not accept, an id already used in scope, or a scope
// outside a stack; problems with props wrap validate.ErrInvalid.
func NewLogGroup(scope constructs.Construct, id string, props LogGroupProps) (cloudwatchloggroup.CloudwatchLogGroup, error) {
	r := validation.ForConstruct("log group", scope, id)
	if props.RetentionDays == 0 {
		props.RetentionDays = DefaultLogRetentionDays
	}
	if props.Name == "" {
		r.Addf("Name", "is empty; name the log group, such as \"/aws/lambda/<function>\"")
	}
	if !validation.LogRetention(props.RetentionDays) {
		r.Addf("RetentionDays", "%d is not a retention CloudWatch Logs accepts; use one of %v", props.RetentionDays, validation.LogRetentionDays)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return loggroup.New(scope, id, loggroup.Props{
		Name:          props.Name,
		RetentionDays: props.RetentionDays,
		KMSKeyARN:     props.KMSKeyARN,
		Tags:          ptr.Map(props.Tags),
	})
}

// LogsKeyARN returns the ARN (a token) of the customer managed KMS key
// scope's stack shares for its CloudWatch Logs log groups, creating it the
// first time: aws_kms_key.logs-key with its alias aws_kms_alias.logs-key-alias
// (alias/logs/<stack>), children of the stack. The key rotates; its policy
// lets the account administer it through IAM and the CloudWatch Logs
// service of the stack's Region use it for the account's log groups only.
// It is protected from destroy with a 30-day deletion window, unless the
// stack is disposable (nag.DeclareDisposable before the first log group),
// when the window is 7 days.
func LogsKeyARN(scope constructs.IConstruct) (string, error) {
	return loggroup.KeyARN(scope)
}
