package base

import (
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsalias"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopic"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
)

// AlertTopic creates the SNS topic a stack's alarms notify, encrypted with
// a key that CloudWatch (and, with prometheus, the Alertmanager of Amazon
// Managed Service for Prometheus) may use: the AWS managed aws/sns key does
// not allow them.
// Subscribe people or a pager to it; its ARN is a stack output.
func AlertTopic(stack cdktf.TerraformStack, name string, disposable, prometheus bool) (snstopic.SnsTopic, error) {
	env, err := awsenv.Of(stack)
	if err != nil {
		return nil, err
	}
	statements := []iamdoc.Statement{
		iamdoc.AccountAdministersKey(env.Partition, env.Account),
		{
			Sid: "CloudWatchAlarmsPublish", Effect: "Allow",
			Principal: map[string]any{"Service": "cloudwatch.amazonaws.com"},
			Actions:   []string{"kms:Decrypt", "kms:GenerateDataKey*"}, Resources: []string{"*"},
			Condition: map[string]map[string]any{"StringEquals": {"aws:SourceAccount": env.Account}},
		},
	}
	if prometheus {
		// The Alertmanager of the stack's Prometheus workspace
		// (telemetry.NewMetrics) publishes alerts to the topic.
		statements = append(statements, iamdoc.Statement{
			Sid: "PrometheusAlertmanagerPublish", Effect: "Allow",
			Principal: map[string]any{"Service": "aps.amazonaws.com"},
			Actions:   []string{"kms:Decrypt", "kms:GenerateDataKey*"}, Resources: []string{"*"},
			Condition: map[string]map[string]any{"StringEquals": {"aws:SourceAccount": env.Account}},
		})
	}
	policy, err := iamdoc.Document(statements...)
	if err != nil {
		return nil, err
	}
	cfg := &kmskey.KmsKeyConfig{
		Description:       jsii.String("Encrypts the alarm topic of stack " + name),
		EnableKeyRotation: jsii.Bool(true),
		Policy:            jsii.String(policy),
	}
	if !disposable {
		// Deleting the key would make queued notifications unreadable.
		cfg.Lifecycle = &cdktf.TerraformResourceLifecycle{PreventDestroy: jsii.Bool(true)}
	}
	key := kmskey.NewKmsKey(stack, jsii.String("alerts-key"), cfg)
	kmsalias.NewKmsAlias(stack, jsii.String("alerts-key-alias"), &kmsalias.KmsAliasConfig{
		Name:        jsii.String("alias/" + name + "/alerts"),
		TargetKeyId: key.KeyId(),
	})
	return snstopic.NewSnsTopic(stack, jsii.String("alerts"), &snstopic.SnsTopicConfig{
		NamePrefix:     jsii.String(name + "-alerts-"),
		KmsMasterKeyId: key.Arn(),
	}), nil
}
