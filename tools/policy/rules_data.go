package policy

import (
	"maps"
	"slices"
)

// checkKMSRotation is KMS-001: it reports symmetric KMS keys without key
// rotation.
func checkKMSRotation(d *Doc, emit emitFunc) {
	for _, k := range d.Of("aws_kms_key") {
		spec := str(k.Attrs["customer_master_key_spec"])
		if (spec == "" || spec == "SYMMETRIC_DEFAULT") && !truthy(k.Attrs["enable_key_rotation"]) {
			emit(k, "enable_key_rotation", "the key material never rotates")
		}
	}
}

// checkLogRetention is LOG-001: it reports log groups without a positive
// retention_in_days.
func checkLogRetention(d *Doc, emit emitFunc) {
	for _, g := range d.Of("aws_cloudwatch_log_group") {
		if n, ok := num(g.Attrs["retention_in_days"]); !ok || n <= 0 {
			emit(g, "retention_in_days", "logs are kept forever")
		}
	}
}

// checkLogEncryption is LOG-002: it reports log groups without kms_key_id,
// whose events CloudWatch Logs encrypts with its own key: no key policy
// controls who reads them, and they cannot be made unreadable by disabling
// a key.
func checkLogEncryption(d *Doc, emit emitFunc) {
	for _, g := range d.Of("aws_cloudwatch_log_group") {
		if str(g.Attrs["kms_key_id"]) == "" {
			emit(g, "kms_key_id", "log events are not encrypted with a customer managed KMS key")
		}
	}
}

// checkDestroyProtection is DATA-001: it reports data-bearing resources
// without prevent_destroy or the type's deletion protection, unless the
// stack is disposable.
func checkDestroyProtection(d *Doc, emit emitFunc) {
	if d.Disposable() {
		return
	}
	protected := map[string]func(Resource) bool{
		"aws_s3_bucket":             preventDestroy,
		"aws_kms_key":               preventDestroy,
		"aws_eks_cluster":           preventDestroy,
		"aws_efs_file_system":       preventDestroy,
		"aws_msk_cluster":           preventDestroy,
		"aws_db_instance":           func(r Resource) bool { return preventDestroy(r) || truthy(r.Attrs["deletion_protection"]) },
		"aws_rds_cluster":           func(r Resource) bool { return preventDestroy(r) || truthy(r.Attrs["deletion_protection"]) },
		"aws_dynamodb_table":        func(r Resource) bool { return preventDestroy(r) || truthy(r.Attrs["deletion_protection_enabled"]) },
		"aws_cognito_user_pool":     func(r Resource) bool { return preventDestroy(r) || str(r.Attrs["deletion_protection"]) == "ACTIVE" },
		"aws_secretsmanager_secret": preventDestroy,
	}
	for _, typ := range slices.Sorted(maps.Keys(protected)) {
		for _, r := range d.Of(typ) {
			if !protected[typ](r) {
				emit(r, "lifecycle.prevent_destroy", "a terraform destroy or a replacement would delete the data")
			}
		}
	}
}

func preventDestroy(r Resource) bool { return truthy(path(r.Attrs, "lifecycle", "prevent_destroy")) }
