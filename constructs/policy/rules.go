package policy

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

var rules []Rule

var eksLogTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

// nodePolicies are the managed policies a node role may carry.
var nodePolicies = map[string]bool{
	"AmazonEKSWorkerNodePolicy": true, "AmazonEKSWorkerNodeMinimalPolicy": true, "AmazonEC2ContainerRegistryReadOnly": true,
	"AmazonEC2ContainerRegistryPullOnly": true, "AmazonEKS_CNI_Policy": true, "AmazonSSMManagedInstanceCore": true,
}

var (
	secretName   = regexp.MustCompile(`(?i)(secret|passw(or)?d|token|api_?key|private_?key|credential)`)
	secretValue  = regexp.MustCompile(`(AKIA|ASIA)[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----|xox[baprs]-[0-9A-Za-z-]{10,}|ghp_[0-9A-Za-z]{36}`)
	serviceWide  = regexp.MustCompile(`^[a-z0-9-]+:\*$`)
	identityDocs = []struct{ typ, key string }{{"aws_iam_role_policy", "policy"}, {"aws_iam_policy", "policy"}}
)

func init() {
	register(Rule{ID: "EKS-001", Severity: Error, Title: "EKS API endpoint is private, or public only to explicit CIDRs (never 0.0.0.0/0)",
		Fix: "set endpoint_public_access = false, or list public_access_cidrs without 0.0.0.0/0", Equivalents: Equivalents{"AwsSolutions-EKS1", "AVD-AWS-0041", "CKV_AWS_38, CKV_AWS_39"},
		check: func(d *Doc, emit emitFunc) {
			for _, r := range d.Of("aws_eks_cluster") {
				vpc := block(r.Attrs, "vpc_config")
				public := vpc["endpoint_public_access"]
				if public == nil || truthy(public) { // provider default is true
					cidrs := strs(vpc["public_access_cidrs"])
					switch {
					case len(cidrs) == 0:
						emit(r, "vpc_config.endpoint_public_access", "the API endpoint is public to the whole Internet (no public_access_cidrs)")
					case validation.OneOf("0.0.0.0/0", cidrs...):
						emit(r, "vpc_config.public_access_cidrs", "the API endpoint is open to 0.0.0.0/0")
					}
				}
			}
		}})
	register(Rule{ID: "EKS-002", Severity: Error, Title: "EKS secrets are encrypted with a KMS key",
		Fix: "add encryption_config { provider { key_arn }, resources = [\"secrets\"] }", Equivalents: Equivalents{"", "AVD-AWS-0039", "CKV_AWS_58"},
		check: func(d *Doc, emit emitFunc) {
			for _, r := range d.Of("aws_eks_cluster") {
				enc := block(r.Attrs, "encryption_config")
				if str(path(enc, "provider", "key_arn")) == "" || !validation.OneOf("secrets", strs(enc["resources"])...) {
					emit(r, "encryption_config", "Kubernetes secrets are not envelope-encrypted with a KMS key")
				}
			}
		}})
	register(Rule{ID: "EKS-003", Severity: Error, Title: "all five EKS control-plane log types are enabled",
		Fix: "set enabled_cluster_log_types to api, audit, authenticator, controllerManager, scheduler", Equivalents: Equivalents{"AwsSolutions-EKS2", "AVD-AWS-0038", "CKV_AWS_37"},
		check: func(d *Doc, emit emitFunc) {
			for _, r := range d.Of("aws_eks_cluster") {
				have := strs(r.Attrs["enabled_cluster_log_types"])
				var missing []string
				for _, t := range eksLogTypes {
					if !validation.OneOf(t, have...) {
						missing = append(missing, t)
					}
				}
				if len(missing) > 0 {
					emit(r, "enabled_cluster_log_types", "control-plane logs missing: "+strings.Join(missing, ", "))
				}
			}
		}})
	register(Rule{ID: "EKS-004", Severity: Error, Title: "EKS uses access entries (API authentication) without a cluster-creator admin",
		Fix: "set access_config { authentication_mode = \"API\", bootstrap_cluster_creator_admin_permissions = false } and add access entries", Equivalents: Equivalents{},
		check: func(d *Doc, emit emitFunc) {
			for _, r := range d.Of("aws_eks_cluster") {
				ac := block(r.Attrs, "access_config")
				mode := str(ac["authentication_mode"])
				if mode != "API" && mode != "API_AND_CONFIG_MAP" {
					emit(r, "access_config.authentication_mode", fmt.Sprintf("authentication mode is %q; use API with access entries", orDefault(mode, "CONFIG_MAP")))
				}
				if b := ac["bootstrap_cluster_creator_admin_permissions"]; b == nil || truthy(b) {
					emit(r, "access_config.bootstrap_cluster_creator_admin_permissions", "whoever creates the cluster becomes an invisible cluster admin")
				}
			}
		}})
	register(Rule{ID: "EKS-005", Severity: Error, Title: "EKS nodes require IMDSv2 with hop limit 1",
		Fix: "use a launch template with metadata_options { http_tokens = \"required\", http_put_response_hop_limit = 1 }", Equivalents: Equivalents{"", "AVD-AWS-0130", "CKV_AWS_341"},
		check: func(d *Doc, emit emitFunc) {
			for _, ng := range d.Of("aws_eks_node_group") {
				lt := block(ng.Attrs, "launch_template")
				targets := refs(lt["id"])
				targets = append(targets, refs(lt["name"])...)
				if len(targets) == 0 {
					if lt == nil {
						emit(ng, "launch_template", "the node group has no launch template, so nodes accept IMDSv1 and pods can reach the node's credentials")
					}
					continue
				}
				for _, addr := range targets {
					t, ok := d.Get(addr)
					if !ok {
						continue
					}
					md := block(t.Attrs, "metadata_options")
					if str(md["http_tokens"]) != "required" {
						emit(t, "metadata_options.http_tokens", "IMDSv1 is allowed (http_tokens is not required)")
					}
					if hop, ok := num(md["http_put_response_hop_limit"]); !ok || hop != 1 {
						emit(t, "metadata_options.http_put_response_hop_limit", "pods can reach the instance metadata service (hop limit is not 1)")
					}
				}
			}
		}})
	register(Rule{ID: "EKS-006", Severity: Error, Title: "EKS node roles carry only node policies",
		Fix: "give workloads IRSA or Pod Identity roles instead of widening the node role", Equivalents: Equivalents{"AwsSolutions-IAM4", "", ""},
		check: func(d *Doc, emit emitFunc) {
			seen := map[string]bool{}
			for _, ng := range d.Of("aws_eks_node_group") {
				for _, roleAddr := range refs(ng.Attrs["node_role_arn"]) {
					if seen[roleAddr] {
						continue
					}
					seen[roleAddr] = true
					for _, a := range d.referrers("aws_iam_role_policy_attachment", "role", roleAddr) {
						arn := str(a.Attrs["policy_arn"])
						if name := arn[strings.LastIndex(arn, "/")+1:]; !nodePolicies[name] {
							emit(a, "policy_arn", fmt.Sprintf("node role %s carries %s", roleAddr, name))
						}
					}
					for _, p := range d.referrers("aws_iam_role_policy", "role", roleAddr) {
						emit(p, "policy", "node role "+roleAddr+" has an inline policy")
					}
				}
			}
		}})

	register(Rule{ID: "LAM-001", Severity: Warning, Title: "Lambda functions trace with X-Ray (Active)",
		Fix: "set tracing_config { mode = \"Active\" }", Equivalents: Equivalents{"", "AVD-AWS-0066", "CKV_AWS_50"},
		check: func(d *Doc, emit emitFunc) {
			for _, r := range d.Of("aws_lambda_function") {
				if str(path(r.Attrs, "tracing_config", "mode")) != "Active" {
					emit(r, "tracing_config.mode", "X-Ray tracing is not Active")
				}
			}
		}})
	register(Rule{ID: "LAM-002", Severity: Error, Title: "every Lambda permission for an AWS service has a source_arn in the stack",
		Fix: "set source_arn to the invoking resource (bucket, rule, topic, API execution ARN)", Equivalents: Equivalents{"", "AVD-AWS-0067", "CKV_AWS_364"},
		check: func(d *Doc, emit emitFunc) {
			for _, r := range d.Of("aws_lambda_permission") {
				principal := str(r.Attrs["principal"])
				if !strings.HasSuffix(principal, ".amazonaws.com") {
					continue
				}
				src := r.Attrs["source_arn"]
				if str(src) == "" {
					emit(r, "source_arn", "any "+principal+" resource of any account may invoke the function")
					continue
				}
				if isToken(src) {
					resolved := false
					for _, a := range refs(src) {
						if _, ok := d.Get(a); ok {
							resolved = true
						}
					}
					if !resolved && len(refs(src)) > 0 {
						emit(r, "source_arn", "source_arn refers to a resource that is not in the stack")
					}
				}
				if principal == "s3.amazonaws.com" && r.Attrs["source_account"] == nil {
					emit(r, "source_account", "S3 bucket ARNs carry no account; without source_account a bucket of the same name in another account could invoke")
				}
			}
		}})
	register(Rule{ID: "LAM-003", Severity: Error, Title: "Lambda function URLs require authentication",
		Fix: "set authorization_type = \"AWS_IAM\" or put the function behind API Gateway", Equivalents: Equivalents{"", "", "CKV_AWS_258"},
		check: func(d *Doc, emit emitFunc) {
			for _, r := range d.Of("aws_lambda_function_url") {
				if str(r.Attrs["authorization_type"]) == "NONE" {
					emit(r, "authorization_type", "anyone on the Internet can invoke the function")
				}
			}
		}})
	register(Rule{ID: "LAM-004", Severity: Error, Title: "functions invoked asynchronously have a failure destination or DLQ",
		Fix: "add aws_lambda_function_event_invoke_config with destination_config.on_failure (or dead_letter_config)", Equivalents: Equivalents{"", "", "CKV_AWS_116"},
		check: func(d *Doc, emit emitFunc) {
			async := map[string]bool{}
			for _, n := range d.Of("aws_s3_bucket_notification") {
				for _, lf := range blocks(n.Attrs, "lambda_function") {
					for _, a := range refs(lf["lambda_function_arn"]) {
						async[a] = true
					}
				}
			}
			for _, s := range d.Of("aws_sns_topic_subscription") {
				if str(s.Attrs["protocol"]) == "lambda" {
					for _, a := range refs(s.Attrs["endpoint"]) {
						async[a] = true
					}
				}
			}
			for _, t := range d.Of("aws_cloudwatch_event_target") {
				for _, a := range refs(t.Attrs["arn"]) {
					async[a] = true
				}
			}
			for _, fn := range d.Of("aws_lambda_function") {
				if !async[fn.Address()] {
					continue
				}
				if block(fn.Attrs, "dead_letter_config") != nil {
					continue
				}
				ok := false
				for _, c := range d.referrers("aws_lambda_function_event_invoke_config", "function_name", fn.Address()) {
					if str(path(c.Attrs, "destination_config", "on_failure", "destination")) != "" {
						ok = true
					}
				}
				if !ok {
					emit(fn, "", "asynchronous events that fail every retry are lost (no on-failure destination or DLQ)")
				}
			}
		}})
	register(Rule{ID: "LAM-005", Severity: Error, Title: "no secret-looking literals in Lambda environment variables",
		Fix: "store the secret in Secrets Manager or SSM and grant the function read access", Equivalents: Equivalents{"", "", "CKV_AWS_45"},
		check: func(d *Doc, emit emitFunc) {
			for _, fn := range d.Of("aws_lambda_function") {
				vars, _ := block(fn.Attrs, "environment")["variables"].(map[string]any)
				for _, k := range ptr.SortedKeys(vars) {
					v := str(vars[k])
					if v == "" || isToken(v) {
						continue
					}
					if secretValue.MatchString(v) || (secretName.MatchString(k) && !looksLikeReference(v)) {
						emit(fn, "environment.variables."+k, "holds what looks like a secret in plain text")
					}
				}
			}
		}})
	register(Rule{ID: "LAM-006", Severity: Error, Title: "every Lambda function has a log group in the stack with retention",
		Fix: "create /aws/lambda/<name> (with retention) in the stack, or point logging_config.log_group at one", Equivalents: Equivalents{},
		check: func(d *Doc, emit emitFunc) {
			groups := map[string]bool{}
			for _, g := range d.Of("aws_cloudwatch_log_group") {
				groups[str(g.Attrs["name"])] = true
				groups[g.Address()] = true
			}
			for _, fn := range d.Of("aws_lambda_function") {
				lg := path(fn.Attrs, "logging_config", "log_group")
				owned := groups["/aws/lambda/"+str(fn.Attrs["function_name"])]
				for _, a := range refs(lg) {
					owned = owned || groups[a]
				}
				if !owned {
					emit(fn, "logging_config.log_group", "Lambda creates its log group itself, with no retention, and the role needs logs:CreateLogGroup")
				}
			}
		}})

	register(Rule{ID: "API-001", Severity: Error, Title: "API Gateway stages write access logs with a format",
		Fix: "set access_log_settings { destination_arn, format }", Equivalents: Equivalents{"AwsSolutions-APIG1", "AVD-AWS-0001", "CKV_AWS_76"},
		check: func(d *Doc, emit emitFunc) {
			for _, typ := range []string{"aws_apigatewayv2_stage", "aws_api_gateway_stage"} {
				for _, r := range d.Of(typ) {
					a := block(r.Attrs, "access_log_settings")
					if str(a["destination_arn"]) == "" || str(a["format"]) == "" {
						emit(r, "access_log_settings", "requests are not logged")
					}
				}
			}
		}})
	register(Rule{ID: "API-002", Severity: Error, Title: "every API route is authorized unless explicitly public",
		Fix: "set an authorizer on the route, or mark it public in the construct (which records a reviewed suppression)", Equivalents: Equivalents{"AwsSolutions-APIG4", "AVD-AWS-0004", ""},
		check: func(d *Doc, emit emitFunc) {
			for _, r := range d.Of("aws_apigatewayv2_route") {
				if t := str(r.Attrs["authorization_type"]); t == "" || t == "NONE" {
					emit(r, "authorization_type", fmt.Sprintf("route %q needs no authorization", str(r.Attrs["route_key"])))
				}
			}
		}})
	register(Rule{ID: "API-003", Severity: Error, Title: "API custom domains require TLS 1.2",
		Fix: "set domain_name_configuration.security_policy = \"TLS_1_2\"", Equivalents: Equivalents{"", "AVD-AWS-0005", "CKV_AWS_206"},
		check: func(d *Doc, emit emitFunc) {
			for _, r := range d.Of("aws_apigatewayv2_domain_name") {
				if str(path(r.Attrs, "domain_name_configuration", "security_policy")) != "TLS_1_2" {
					emit(r, "domain_name_configuration.security_policy", "clients may negotiate TLS below 1.2")
				}
			}
		}})

	register(Rule{ID: "IAM-001", Severity: Error, Title: "no policy allows Action \"*\" on Resource \"*\"",
		Fix: "list the actions and resources the principal needs", Equivalents: Equivalents{"AwsSolutions-IAM5", "AVD-AWS-0057", "CKV_AWS_1"},
		check: func(d *Doc, emit emitFunc) {
			for _, doc := range identityDocs {
				for _, r := range d.Of(doc.typ) {
					stmts, _ := parsePolicy(r.Attrs[doc.key])
					for i, st := range stmts {
						if st.Effect == "Allow" && validation.OneOf("*", st.Actions...) && validation.OneOf("*", st.Resources...) {
							emit(r, fmt.Sprintf("%s.Statement[%d]", doc.key, i), "grants every action on every resource")
						}
					}
				}
			}
		}})
	register(Rule{ID: "IAM-002", Severity: Error, Title: "no service-wide wildcard actions (such as s3:*) without a documented reason",
		Fix: "list the actions, or suppress with the reason the whole service is needed", Equivalents: Equivalents{"AwsSolutions-IAM5", "AVD-AWS-0057", ""},
		check: func(d *Doc, emit emitFunc) {
			for _, doc := range identityDocs {
				for _, r := range d.Of(doc.typ) {
					stmts, _ := parsePolicy(r.Attrs[doc.key])
					for i, st := range stmts {
						if st.Effect != "Allow" {
							continue
						}
						for _, a := range st.Actions {
							if serviceWide.MatchString(a) {
								emit(r, fmt.Sprintf("%s.Statement[%d].Action", doc.key, i), "allows every action of "+strings.TrimSuffix(a, ":*"))
							}
						}
					}
				}
			}
		}})
	register(Rule{ID: "IAM-003", Severity: Error, Title: "IRSA trust policies condition on both :sub and :aud",
		Fix: "add StringEquals on <issuer>:sub = system:serviceaccount:<ns>:<sa> and <issuer>:aud = sts.amazonaws.com", Equivalents: Equivalents{},
		check: func(d *Doc, emit emitFunc) {
			for _, r := range d.Of("aws_iam_role") {
				stmts, _ := parsePolicy(r.Attrs["assume_role_policy"])
				for i, st := range stmts {
					if st.Effect != "Allow" || !validation.OneOf("sts:AssumeRoleWithWebIdentity", st.Actions...) {
						continue
					}
					p, _ := st.Principal.(map[string]any)
					if fed := str(p["Federated"]); !strings.Contains(fed, "oidc-provider") && !strings.Contains(fed, "aws_iam_openid_connect_provider") && fed != Placeholder {
						continue
					}
					var sub, aud bool
					for op, kv := range st.Condition {
						if op != "StringEquals" && op != "StringLike" {
							continue
						}
						for k := range kv {
							sub = sub || strings.HasSuffix(k, ":sub")
							aud = aud || (strings.HasSuffix(k, ":aud") && op == "StringEquals")
						}
					}
					if !sub || !aud {
						emit(r, fmt.Sprintf("assume_role_policy.Statement[%d].Condition", i), "any service account of the cluster (or any audience) could assume the role")
					}
				}
			}
		}})

	register(Rule{ID: "S3-001", Severity: Error, Title: "every bucket has its own public access block with all four settings",
		Fix: "add aws_s3_bucket_public_access_block for the bucket with all four settings true", Equivalents: Equivalents{"AwsSolutions-S2", "AVD-AWS-0086, 0087, 0091, 0093, 0094", "CKV2_AWS_6"},
		check: func(d *Doc, emit emitFunc) {
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
		}})
	register(Rule{ID: "S3-002", Severity: Error, Title: "every bucket has default encryption configured",
		Fix: "add aws_s3_bucket_server_side_encryption_configuration for the bucket", Equivalents: Equivalents{"AwsSolutions-S3", "AVD-AWS-0088", "CKV_AWS_145"},
		check: func(d *Doc, emit emitFunc) {
			for _, b := range d.Of("aws_s3_bucket") {
				if len(d.referrers("aws_s3_bucket_server_side_encryption_configuration", "bucket", b.Address())) == 0 && block(b.Attrs, "server_side_encryption_configuration") == nil {
					emit(b, "", "no encryption configuration for this bucket")
				}
			}
		}})
	register(Rule{ID: "S3-003", Severity: Error, Title: "every bucket is versioned",
		Fix: "add aws_s3_bucket_versioning with status Enabled", Equivalents: Equivalents{"", "AVD-AWS-0090", "CKV_AWS_21"},
		check: func(d *Doc, emit emitFunc) {
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
		}})
	register(Rule{ID: "S3-004", Severity: Error, Title: "every bucket policy denies requests without TLS",
		Fix: "add a bucket policy statement denying s3:* when aws:SecureTransport is false", Equivalents: Equivalents{"AwsSolutions-S10", "", ""},
		check: func(d *Doc, emit emitFunc) {
			for _, b := range d.Of("aws_s3_bucket") {
				ok := false
				for _, p := range d.referrers("aws_s3_bucket_policy", "bucket", b.Address()) {
					stmts, _ := parsePolicy(p.Attrs["policy"])
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
		}})

	register(Rule{ID: "SQS-001", Severity: Error, Title: "SQS queues are encrypted at rest",
		Fix: "set sqs_managed_sse_enabled = true or kms_master_key_id", Equivalents: Equivalents{"AwsSolutions-SQS2", "AVD-AWS-0096", "CKV_AWS_27"},
		check: func(d *Doc, emit emitFunc) {
			for _, q := range d.Of("aws_sqs_queue") {
				if q.Attrs["sqs_managed_sse_enabled"] == false || (!truthy(q.Attrs["sqs_managed_sse_enabled"]) && str(q.Attrs["kms_master_key_id"]) == "") {
					emit(q, "sqs_managed_sse_enabled", "messages are not encrypted at rest")
				}
			}
		}})
	register(Rule{ID: "SQS-002", Severity: Warning, Title: "SQS queues have a dead-letter queue unless they are one",
		Fix: "set redrive_policy with a dead-letter queue", Equivalents: Equivalents{"AwsSolutions-SQS3", "", ""},
		check: func(d *Doc, emit emitFunc) {
			for _, q := range d.Of("aws_sqs_queue") {
				if str(q.Attrs["redrive_policy"]) != "" || isDeadLetter(d, q) {
					continue
				}
				emit(q, "redrive_policy", "messages that keep failing are retried until they expire")
			}
		}})
	register(Rule{ID: "SQS-003", Severity: Error, Title: "an SQS queue's visibility timeout covers its consumer Lambda's timeout",
		Fix: "set visibility_timeout_seconds to at least the function timeout (AWS recommends 6x plus the batching window)", Equivalents: Equivalents{},
		check: func(d *Doc, emit emitFunc) {
			for _, m := range d.Of("aws_lambda_event_source_mapping") {
				var queue, fn *Resource
				for _, a := range refs(m.Attrs["event_source_arn"]) {
					if r, ok := d.Get(a); ok && r.Type == "aws_sqs_queue" {
						queue = &r
					}
				}
				for _, a := range refs(m.Attrs["function_name"]) {
					if r, ok := d.Get(a); ok && r.Type == "aws_lambda_function" {
						fn = &r
					}
				}
				if queue == nil || fn == nil {
					continue
				}
				vt, ok := num(queue.Attrs["visibility_timeout_seconds"])
				if !ok {
					vt = 30
				}
				timeout, ok := num(fn.Attrs["timeout"])
				if !ok {
					timeout = 3
				}
				if vt < timeout {
					emit(*queue, "visibility_timeout_seconds", fmt.Sprintf("visibility timeout %g s is shorter than consumer %s's timeout %g s: messages are delivered again while being processed", vt, fn.Address(), timeout))
				}
			}
		}})

	register(Rule{ID: "KMS-001", Severity: Error, Title: "KMS keys rotate",
		Fix: "set enable_key_rotation = true", Equivalents: Equivalents{"AwsSolutions-KMS5", "AVD-AWS-0065", "CKV_AWS_7"},
		check: func(d *Doc, emit emitFunc) {
			for _, k := range d.Of("aws_kms_key") {
				spec := str(k.Attrs["customer_master_key_spec"])
				if (spec == "" || spec == "SYMMETRIC_DEFAULT") && !truthy(k.Attrs["enable_key_rotation"]) {
					emit(k, "enable_key_rotation", "the key material never rotates")
				}
			}
		}})
	register(Rule{ID: "LOG-001", Severity: Error, Title: "log groups have a finite retention",
		Fix: "set retention_in_days", Equivalents: Equivalents{"", "", "CKV_AWS_338"},
		check: func(d *Doc, emit emitFunc) {
			for _, g := range d.Of("aws_cloudwatch_log_group") {
				if n, ok := num(g.Attrs["retention_in_days"]); !ok || n <= 0 {
					emit(g, "retention_in_days", "logs are kept forever")
				}
			}
		}})
	register(Rule{ID: "ECS-001", Severity: Warning, Title: "ECS clusters have Container Insights on",
		Fix: "add setting { name = \"containerInsights\", value = \"enabled\" }", Equivalents: Equivalents{"AwsSolutions-ECS4", "AVD-AWS-0034", "CKV_AWS_65"},
		check: func(d *Doc, emit emitFunc) {
			for _, c := range d.Of("aws_ecs_cluster") {
				on := false
				for _, s := range blocks(c.Attrs, "setting") {
					on = on || (str(s["name"]) == "containerInsights" && (str(s["value"]) == "enabled" || str(s["value"]) == "enhanced"))
				}
				if !on {
					emit(c, "setting", "Container Insights is off")
				}
			}
		}})
	register(Rule{ID: "ECS-002", Severity: Error, Title: "ECS tasks log with awslogs, keep secrets out of environment, and get no public IP",
		Fix: "use logConfiguration awslogs, pass secrets through \"secrets\", and set assign_public_ip = false", Equivalents: Equivalents{"AwsSolutions-ECS7, AwsSolutions-ECS2", "AVD-AWS-0036", "CKV_AWS_333"},
		check: func(d *Doc, emit emitFunc) {
			for _, td := range d.Of("aws_ecs_task_definition") {
				var containers []map[string]any
				if err := json.Unmarshal([]byte(stripInterpolations(str(td.Attrs["container_definitions"]))), &containers); err != nil {
					continue
				}
				for _, c := range containers {
					name := str(c["name"])
					lc, _ := c["logConfiguration"].(map[string]any)
					if str(lc["logDriver"]) != "awslogs" {
						emit(td, "container_definitions["+name+"].logConfiguration", "container logs do not go to CloudWatch Logs")
					}
					env, _ := c["environment"].([]any)
					for _, e := range env {
						kv, _ := e.(map[string]any)
						k, v := str(kv["name"]), str(kv["value"])
						if v != "" && v != Placeholder && (secretValue.MatchString(v) || (secretName.MatchString(k) && !looksLikeReference(v))) {
							emit(td, "container_definitions["+name+"].environment."+k, "holds what looks like a secret in plain text")
						}
					}
				}
			}
			for _, s := range d.Of("aws_ecs_service") {
				if truthy(path(s.Attrs, "network_configuration", "assign_public_ip")) {
					emit(s, "network_configuration.assign_public_ip", "tasks get public IP addresses")
				}
			}
		}})

	register(Rule{ID: "MESH-001", Severity: Warning, Title: "App Mesh resources (end of support 2026-09-30)",
		Fix: "render the mesh with VPC Lattice (mesh.Lattice)", Equivalents: Equivalents{},
		check: func(d *Doc, emit emitFunc) {
			for _, m := range d.Of("aws_appmesh_mesh") {
				emit(m, "", "AWS App Mesh reached end of support on 2026-09-30")
			}
		}})
	register(Rule{ID: "MESH-002", Severity: Error, Title: "App Mesh egress is DROP_ALL and TLS is enforced between nodes",
		Fix: "set spec.egress_filter.type = \"DROP_ALL\" and client_policy.tls.enforce = true on backends", Equivalents: Equivalents{},
		check: func(d *Doc, emit emitFunc) {
			for _, m := range d.Of("aws_appmesh_mesh") {
				if str(path(m.Attrs, "spec", "egress_filter", "type")) != "DROP_ALL" {
					emit(m, "spec.egress_filter.type", "workloads may reach any destination outside the mesh")
				}
			}
			for _, n := range d.Of("aws_appmesh_virtual_node") {
				spec := block(n.Attrs, "spec")
				for i, b := range blocks(spec, "backend") {
					if !truthy(path(b, "virtual_service", "client_policy", "tls", "enforce")) && !truthy(path(spec, "backend_defaults", "client_policy", "tls", "enforce")) {
						emit(n, fmt.Sprintf("spec.backend[%d].virtual_service.client_policy.tls.enforce", i), "traffic to "+str(path(b, "virtual_service", "virtual_service_name"))+" is not TLS-enforced")
					}
				}
			}
		}})
	register(Rule{ID: "DATA-001", Severity: Error, Title: "data-bearing resources are protected from accidental destroy (unless the stack is disposable)",
		Fix: "set lifecycle { prevent_destroy = true } or deletion protection, or declare the stack disposable", Equivalents: Equivalents{"", "", ""},
		check: func(d *Doc, emit emitFunc) {
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
			for _, typ := range ptr.SortedKeys(protected) {
				for _, r := range d.Of(typ) {
					if !protected[typ](r) {
						emit(r, "lifecycle.prevent_destroy", "a terraform destroy or a replacement would delete the data")
					}
				}
			}
		}})
}

func preventDestroy(r Resource) bool { return truthy(path(r.Attrs, "lifecycle", "prevent_destroy")) }

// isDeadLetter reports whether another queue, an event invoke config or an
// event source mapping sends failures to q.
func isDeadLetter(d *Doc, q Resource) bool {
	for _, other := range d.Of("aws_sqs_queue") {
		if refersTo(other.Attrs["redrive_policy"], q.Address()) {
			return true
		}
	}
	for _, c := range d.Of("aws_lambda_function_event_invoke_config") {
		if refersTo(c.Attrs["destination_config"], q.Address()) {
			return true
		}
	}
	for _, m := range d.Of("aws_lambda_event_source_mapping") {
		if refersTo(m.Attrs["destination_config"], q.Address()) {
			return true
		}
	}
	return false
}

// looksLikeReference reports whether a value names where a secret lives
// rather than holding it (an ARN, an SSM path, a URL without credentials).
func looksLikeReference(v string) bool {
	return strings.HasPrefix(v, "arn:") || strings.HasPrefix(v, "/") || strings.HasPrefix(v, "ssm:") || strings.HasPrefix(v, "secretsmanager:") ||
		(strings.Contains(v, "://") && !strings.Contains(v, "@"))
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
