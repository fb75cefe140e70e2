package policy

import (
	"fmt"
	"strings"
)

// checkS3PublicAccessBlock is S3-001: it reports buckets without a public
// access block, and public access blocks that leave any of the four settings
// off.
func checkS3PublicAccessBlock(d *Doc, emit emitFunc) {
	for _, b := range d.Of("aws_s3_bucket") {
		pabs := d.referrers("aws_s3_bucket_public_access_block", "bucket", b.Address())
		if len(pabs) == 0 {
			emit(b, "", "no aws_s3_bucket_public_access_block for this bucket")
			continue
		}
		for _, p := range pabs {
			for _, k := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
				if !truthy(p.Attrs[k]) {
					emit(p, k, k+" is not true")
				}
			}
		}
	}
}

// checkS3Encryption is S3-002: it reports buckets with neither an encryption
// configuration resource nor an inline server_side_encryption_configuration.
func checkS3Encryption(d *Doc, emit emitFunc) {
	for _, b := range d.Of("aws_s3_bucket") {
		if len(d.referrers("aws_s3_bucket_server_side_encryption_configuration", "bucket", b.Address())) == 0 && block(b.Attrs, "server_side_encryption_configuration") == nil {
			emit(b, "", "no encryption configuration for this bucket")
		}
	}
}

// checkS3Versioning is S3-003: it reports buckets without a versioning
// resource whose status is Enabled.
func checkS3Versioning(d *Doc, emit emitFunc) {
	for _, b := range d.Of("aws_s3_bucket") {
		vs := d.referrers("aws_s3_bucket_versioning", "bucket", b.Address())
		enabled := false
		for _, v := range vs {
			enabled = enabled || str(path(v.Attrs, "versioning_configuration", "status")) == "Enabled"
		}
		if !enabled {
			emit(b, "", "objects can be overwritten or deleted without a way back (no versioning)")
		}
	}
}

// checkS3TLSOnly is S3-004: it reports buckets without a bucket policy that
// denies requests when aws:SecureTransport is false.
func checkS3TLSOnly(d *Doc, emit emitFunc) {
	for _, b := range d.Of("aws_s3_bucket") {
		ok := false
		for _, p := range d.referrers("aws_s3_bucket_policy", "bucket", b.Address()) {
			stmts := readPolicy(emit, p, "policy")
			for _, st := range stmts {
				if st.Effect == "Deny" && str(st.Condition["Bool"]["aws:SecureTransport"]) == "false" {
					ok = true
				}
			}
		}
		if !ok {
			emit(b, "", "the bucket accepts plain HTTP requests (no TLS-only policy)")
		}
	}
}

// checkS3CustomerManagedKey is S3-005: it reports buckets without
// encryption, and encryption configurations (separate or inline) no rule of
// which uses a customer managed KMS key with S3 Bucket Keys (ruleProblems).
func checkS3CustomerManagedKey(d *Doc, emit emitFunc) {
	for _, b := range d.Of("aws_s3_bucket") {
		configs := d.referrers("aws_s3_bucket_server_side_encryption_configuration", "bucket", b.Address())
		inline := block(b.Attrs, "server_side_encryption_configuration")
		if len(configs) == 0 && inline == nil {
			emit(b, "", "no encryption configuration, so objects get SSE-S3 (Amazon S3 managed keys), not a customer managed KMS key")
			continue
		}
		// Findings go where the encryption is configured, which is
		// also where a construct records an SSE-S3 suppression.
		for _, c := range configs {
			if p := ruleProblems(c.Attrs); p != "" {
				emit(c, "rule", p)
			}
		}
		if inline != nil && len(configs) == 0 {
			if p := ruleProblems(inline); p != "" {
				emit(b, "server_side_encryption_configuration.rule", p)
			}
		}
	}
}

// ruleProblems returns why no rule of an encryption configuration uses a
// customer managed KMS key with S3 Bucket Keys, or "" when one does.
func ruleProblems(config map[string]any) string {
	rules := blocks(config, "rule")
	if len(rules) == 0 {
		return "no encryption rule"
	}
	var problems []string
	for _, rule := range rules {
		p := sseProblems(rule)
		if len(p) == 0 {
			return ""
		}
		problems = append(problems, p...)
	}
	return strings.Join(problems, "; ")
}

// sseProblems returns what keeps an encryption rule from using a customer
// managed KMS key with S3 Bucket Keys.
func sseProblems(rule map[string]any) []string {
	def := block(rule, "apply_server_side_encryption_by_default")
	alg := str(def["sse_algorithm"])
	var out []string
	switch alg {
	case "aws:kms", "aws:kms:dsse":
		key := str(def["kms_master_key_id"])
		switch {
		case key == "":
			out = append(out, fmt.Sprintf("sse_algorithm %s without kms_master_key_id uses the AWS managed key aws/s3", alg))
		case strings.HasSuffix(key, "alias/aws/s3"):
			out = append(out, "kms_master_key_id is the AWS managed key aws/s3, not a customer managed key")
		}
		// S3 Bucket Keys are not supported with DSSE-KMS.
		if alg == "aws:kms" && !truthy(rule["bucket_key_enabled"]) {
			out = append(out, "bucket_key_enabled is not true, so every object request calls KMS")
		}
	case "":
		out = append(out, "no sse_algorithm")
	default:
		out = append(out, fmt.Sprintf("sse_algorithm is %s (SSE-S3, Amazon S3 managed keys), not aws:kms with a customer managed key", alg))
	}
	return out
}
